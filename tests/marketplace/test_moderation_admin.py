"""The admin screens of what people make on the public site (enterprise profiles, questions, answers, abuse
reports) and of what moderators told a submitter (review notices): staff judge them, nobody adds or deletes one by
hand. Wagtail's ModelViewSet has no `create_view_enabled` switch: the screens once offered "Why not add one?" and an
empty form whose save answered 500."""

import datetime

import pytest
from django.urls import reverse

from cms.models import ReviewNotice
from marketplace.models import AbuseReport, Answer, EnterpriseProfile, Question
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ADD_URLS = {
    EnterpriseProfile: "enterprises:add",
    AbuseReport: "abuse_reports:add",
    Question: "questions:add",
    Answer: "answers:add",
    ReviewNotice: "wagtailsnippets_cms_reviewnotice:add",
}
INDEX_URLS = {
    EnterpriseProfile: "enterprises:index",
    AbuseReport: "abuse_reports:index",
    Question: "questions:index",
    Answer: "answers:index",
    ReviewNotice: "wagtailsnippets_cms_reviewnotice:list",
}


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(with_mfa(django_user_model.objects.create_superuser("staff@example.tw", "x-long-password-1")))
    return client


@pytest.mark.parametrize("model", list(ADD_URLS), ids=lambda model: model.__name__)
def test_no_one_adds_a_public_record_in_the_admin(superuser_client, model):
    add_url = reverse(ADD_URLS[model])

    listing = superuser_client.get(reverse(INDEX_URLS[model]))
    form = superuser_client.get(add_url)
    saved = superuser_client.post(add_url, {"hidden": "on", "resolved_at": "", "summary": "x"})

    assert listing.status_code == 200
    assert add_url not in listing.text  # neither the header button nor the empty state's "Why not add one?"
    assert form.status_code != 200
    assert saved.status_code != 500
    assert not model.objects.exists()


def test_staff_still_judge_and_never_delete_an_enterprise_profile(superuser_client, profile):
    edit = superuser_client.get(reverse("enterprises:edit", args=[profile.pk]))
    deleted = superuser_client.post(reverse("enterprises:delete", args=[profile.pk]))

    assert edit.status_code == 200
    assert deleted.status_code != 200
    assert EnterpriseProfile.objects.filter(pk=profile.pk).exists()


def test_moderators_hide_and_show_posts_and_the_audit_log_says_who(client, listing, alice, mallory):
    """Through the admin's edit screens, as a moderator of the Moderators group (not a superuser)."""
    from django.contrib.auth.models import Group

    from core.audit import Action
    from core.models import AuditEntry
    from marketplace import actions

    moderator = with_mfa(type(alice).objects.create_user("mod@homeward.test", "a-long-password-2", is_staff=True))
    moderator.groups.add(Group.objects.get(name="Moderators"))
    question = actions.ask_question(mallory, listing, text="買一送一，請加line")
    answer = actions.answer_question(alice, question, text="不是我們的活動")
    client.force_login(moderator)

    assert client.post(reverse("questions:edit", args=[question.pk]), {"hidden": "on"}).status_code == 302
    assert client.post(reverse("answers:edit", args=[answer.pk]), {"hidden": "on"}).status_code == 302
    assert client.post(reverse("answers:edit", args=[answer.pk]), {}).status_code == 302

    question.refresh_from_db()
    answer.refresh_from_db()
    assert question.hidden and not answer.hidden
    logged = [
        (entry.action, entry.actor, entry.organisation, entry.data)
        for entry in AuditEntry.objects.filter(actor=moderator).order_by("pk")
    ]
    organisation = listing.enterprise.organisation
    assert logged == [
        (Action.QUESTION_HIDE, moderator, organisation, {"question": question.pk}),
        (Action.ANSWER_HIDE, moderator, organisation, {"question": question.pk, "answer": answer.pk}),
        (Action.ANSWER_SHOW, moderator, organisation, {"question": question.pk, "answer": answer.pk}),
    ]


def test_a_report_is_resolved_now_by_the_button_never_by_a_typed_date(superuser_client, listing, alice, mallory):
    from django.utils import timezone

    from core.audit import Action
    from core.models import AuditEntry
    from marketplace import actions

    question = actions.ask_question(alice, listing, text="q")
    report = actions.report_abuse(mallory, question=question, reason="廣告詐騙")

    typed = superuser_client.post(reverse("abuse_reports:edit", args=[report.pk]), {"resolved_at": "2001-01-01 00:00"})
    report.refresh_from_db()
    assert typed.status_code != 200 and report.resolved_at is None
    page = superuser_client.get(reverse("abuse_reports:inspect", args=[report.pk])).text
    assert reverse("abuse_reports:resolve") in page

    before = timezone.now()
    response = superuser_client.post(reverse("abuse_reports:resolve"), {"pk": report.pk})
    again = superuser_client.post(reverse("abuse_reports:resolve"), {"pk": report.pk})

    assert response.status_code == 302 and again.status_code == 302
    report.refresh_from_db()
    assert report.resolved_at >= before
    entry = AuditEntry.objects.get(action=Action.ABUSE_REPORT_RESOLVE)
    assert entry.actor.email == "staff@example.tw" and entry.data == {"report": report.pk, "target": str(question.pk)}


def test_people_outside_the_moderators_cannot_resolve_or_hide(listing, alice, mallory):
    from django.core.exceptions import PermissionDenied

    from marketplace import actions

    question = actions.ask_question(alice, listing, text="q")
    report = actions.report_abuse(mallory, question=question, reason="廣告詐騙")
    staff = type(alice).objects.create_user("staff@homeward.test", "a-long-password-3", is_staff=True)

    for attempt in (
        lambda: actions.resolve_abuse_report(staff, report),
        lambda: actions.set_question_hidden(alice, question, True),
    ):
        with pytest.raises(PermissionDenied):
            attempt()
    report.refresh_from_db()
    question.refresh_from_db()
    assert report.resolved_at is None and not question.hidden


def test_a_reports_page_names_its_fields_and_links_to_hiding_what_it_points_at(
    superuser_client, listing, alice, mallory
):
    from django.utils import translation

    from marketplace import actions

    question = actions.ask_question(alice, listing, text="q")
    report = actions.report_abuse(mallory, question=question, reason="廣告詐騙")

    with translation.override("zh-hant"):
        page = superuser_client.get(reverse("abuse_reports:inspect", args=[report.pk])).text

    assert reverse("questions:edit", args=[question.pk]) in page
    assert "檢舉人" in page and ">None<" not in page.replace(" ", "").replace("\n", "")
    assert "Reporter" not in page


def _listing_rows(html):
    """The listing's rows by the report's reason."""
    from bs4 import BeautifulSoup

    rows = BeautifulSoup(html, "html.parser").select("table.listing tbody tr")
    return {reason: row for row in rows for reason in ("廣告一", "廣告二", "廣告三") if reason in row.get_text()}


def test_the_reports_list_says_whether_each_post_is_hidden_now_and_links_to_it(
    superuser_client, listing, alice, mallory
):
    """Staff see at a glance which reported posts are still shown, filter by it, and open the post to hide it."""
    from django.utils import translation

    from marketplace import actions

    shown = actions.ask_question(alice, listing, text="還在網站上的問題")
    hidden = actions.ask_question(alice, listing, text="已經隱藏的問題")
    answer = actions.answer_question(alice, shown, text="已經隱藏的回答")
    actions.report_abuse(mallory, question=shown, reason="廣告一")
    actions.report_abuse(mallory, question=hidden, reason="廣告二")
    actions.report_abuse(mallory, answer=answer, reason="廣告三")
    superuser = type(alice).objects.get(email="staff@example.tw")
    actions.set_question_hidden(superuser, hidden, True)
    actions.set_answer_hidden(superuser, answer, True)
    index = reverse("abuse_reports:index")

    with translation.override("zh-hant"):
        page = superuser_client.get(index).text
    assert "目前已隱藏" in page
    rows = _listing_rows(page)
    assert rows["廣告一"].find("a", href=reverse("questions:edit", args=[shown.pk]))
    assert rows["廣告三"].find("a", href=reverse("answers:edit", args=[answer.pk]))
    assert rows["廣告一"].find("svg", class_="icon-cross") and rows["廣告二"].find("svg", class_="icon-check")
    assert rows["廣告三"].find("svg", class_="icon-check")

    still_shown = superuser_client.get(index, {"target_hidden": "false"}).text
    now_hidden = superuser_client.get(index, {"target_hidden": "true"}).text
    assert list(_listing_rows(still_shown)) == ["廣告一"]
    assert sorted(_listing_rows(now_hidden)) == ["廣告三", "廣告二"]
    assert superuser_client.get(index, {"ordering": "target_hidden"}).status_code == 200

    inspect = superuser_client.get(reverse("abuse_reports:inspect", args=[shown.reports.get().pk])).text
    assert "被檢舉的內容目前仍顯示在網站上。" in inspect  # the admin speaks the staff member's language


def test_a_reports_page_gives_its_times_in_taipei_time(superuser_client, listing, alice, mallory):
    from django.utils import timezone
    from django.utils.formats import date_format
    from django.utils.translation import override

    from marketplace import actions

    report = actions.report_abuse(mallory, question=actions.ask_question(alice, listing, text="q"), reason="r")
    with override("en"):
        page = superuser_client.get(reverse("abuse_reports:inspect", args=[report.pk])).text
        taipei = date_format(timezone.localtime(report.created), "DATETIME_FORMAT")
        utc = date_format(report.created.astimezone(datetime.UTC), "DATETIME_FORMAT")
    assert taipei in page and utc not in page


def test_a_question_or_answer_edit_screen_says_what_it_belongs_to(superuser_client, listing, alice, mallory):
    """Not the bare text: the project (its admin page and its public page) and, for an answer, its question."""
    from marketplace import actions

    question = actions.ask_question(mallory, listing, text="請問魚塭在哪裡？")
    answer = actions.answer_question(alice, question, text="在口湖鄉。")
    project = listing.project
    profile = type(alice).objects.get(email="staff@example.tw").wagtail_userprofile
    profile.preferred_language = "ja"  # the admin speaks the staff member's language
    profile.save()

    question_page = superuser_client.get(reverse("questions:edit", args=[question.pk])).text
    answer_page = superuser_client.get(reverse("answers:edit", args=[answer.pk])).text

    for page in (question_page, answer_page):
        assert reverse("wagtailadmin_pages:edit", args=[project.pk]) in page and project.title in page
        assert project.url in page and "プロジェクトページ" in page
    assert "請問魚塭在哪裡？" in question_page
    assert reverse("questions:edit", args=[question.pk]) in answer_page and "請問魚塭在哪裡？" in answer_page
    assert "在口湖鄉。" in answer_page


def test_the_questions_and_answers_lists_name_their_columns_in_the_readers_language(
    superuser_client, listing, alice, mallory
):
    from bs4 import BeautifulSoup

    from marketplace import actions

    actions.answer_question(alice, actions.ask_question(mallory, listing, text="q"), text="a")
    for url in (reverse("questions:index"), reverse("answers:index")):
        head = BeautifulSoup(superuser_client.get(url).text, "html.parser").select_one("table.listing thead")
        words = head.get_text(" ", strip=True)
        assert "專案" in words or "問題" in words
        assert not any(word in words for word in ("Listing", "listing", "question", "Question")), words


def test_staff_search_the_reports_questions_and_answers_lists(superuser_client, listing, alice, mallory):
    from bs4 import BeautifulSoup

    from marketplace import actions

    cocoa = actions.ask_question(alice, listing, text="可可豆從哪裡來？")
    rice = actions.ask_question(alice, listing, text="稻米何時收成？")
    actions.answer_question(alice, cocoa, text="來自屏東內埔的契作農家。")
    actions.answer_question(alice, rice, text="每年七月。")
    actions.report_abuse(mallory, question=cocoa, reason="這是廣告")
    actions.report_abuse(mallory, question=rice, reason="重複的問題")

    def rows(url_name, q):
        html = superuser_client.get(reverse(url_name), {"q": q}).text
        return [
            row.get_text(" ", strip=True) for row in BeautifulSoup(html, "html.parser").select("table.listing tbody tr")
        ]

    [question] = rows("questions:index", "可可")
    assert "可可豆從哪裡來" in question
    [answer] = rows("answers:index", "屏東")
    assert "內埔" in answer
    [report] = rows("abuse_reports:index", "廣告")
    assert "這是廣告" in report
    assert [row for row in rows("abuse_reports:index", "稻米") if "重複的問題" in row]  # by the reported post's text


@pytest.mark.parametrize(
    ("language", "empty", "searched"),
    [
        ("zh-hant", "目前沒有不當內容檢舉。", "沒有符合搜尋條件的不當內容檢舉。"),
        ("ja", "不適切な投稿の通報はまだありません。", "検索条件に合う不適切な投稿の通報はありません。"),
    ],
)
def test_an_empty_admin_listing_speaks_the_staff_members_language(superuser_client, language, empty, searched):
    """Wagtail 8's own catalogs lack its listings' empty state: ours fill it (core/admin_strings.py)."""
    from django.utils import translation

    from accounts.models import User

    staff = User.objects.get(email="staff@example.tw")
    staff.wagtail_userprofile.preferred_language = language
    staff.wagtail_userprofile.save()
    index = reverse("abuse_reports:index")

    with translation.override(language):
        assert empty in superuser_client.get(index).text
        assert searched in superuser_client.get(index, {"q": "nothing"}).text
