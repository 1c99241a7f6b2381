"""The admin screens of what people make on the public site (enterprise profiles, questions, answers, abuse
reports) and of what moderators told a submitter (review notices): staff judge them, nobody adds or deletes one by
hand. Wagtail's ModelViewSet has no `create_view_enabled` switch: the screens once offered "Why not add one?" and an
empty form whose save answered 500."""

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
