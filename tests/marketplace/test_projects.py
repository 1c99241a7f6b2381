import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from cms.models import ProjectUpdate
from core.actions import ActionRefused
from marketplace import actions
from marketplace.actions.projects import QUESTION_WINDOW, QUESTIONS_PER_WINDOW
from marketplace.models import AbuseReport, DonationCampaign, Milestone, ProjectListing, SubscriptionPlan
from notifications.models import Notification
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_the_funding_panel_shows_what_exists_and_says_when_payments_are_off(client, listing, settings):
    DonationCampaign.objects.create(
        listing=listing,
        goal_twd=300_000,
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        funding_model="keep_what_you_raise",
    )
    settings.STRIPE_SECRET_KEY = ""
    response = client.get(listing.project.url)

    text = response.text
    assert "認養" in text and "NT$500" in text and "NT$300,000" in text
    assert "payments-not-configured" in text and 'aria-describedby="payments-unavailable"' in text
    assert 'data-funding="raised">NT$0<' in text, "the ledger is empty: NT$0 raised, nothing invented"
    assert "funding-investment" not in text


def test_the_funding_panel_has_no_payment_note_when_stripe_is_configured(client, listing):
    from payments.funding import funding_panel_for

    panel = funding_panel_for(listing.project)
    assert panel.payments_configured
    assert [plan.name for plan in panel.subscription_plans] == ["認養"]
    assert panel.investment_ask is None and panel.donation is None


def test_the_team_marks_a_milestone_done_once(listing, bob, mallory):
    milestone = Milestone.objects.get(listing=listing)
    with pytest.raises(PermissionDenied):
        actions.mark_milestone_done(mallory, milestone)
    actions.mark_milestone_done(bob, milestone)
    assert milestone.is_done
    with pytest.raises(ActionRefused):
        actions.mark_milestone_done(bob, milestone)


def test_the_team_posts_an_update_from_the_public_site(client, listing, bob):
    client.force_login(bob)
    url = reverse("marketplace:project_team", kwargs={"project_id": listing.project_id})

    response = client.post(url, {"title": "第一批魚苗", "body": "放養 <b>完成</b>"})

    assert response.status_code == 302
    update = ProjectUpdate.objects.get(project=listing.project)
    assert update.body == "<p>放養 &lt;b&gt;完成&lt;/b&gt;</p>"
    assert "第一批魚苗" in client.get(listing.project.url).text
    # Nobody follows the project yet (no backings, no interests): nobody is notified.
    assert not Notification.objects.filter(kind=Notification.Kind.PROJECT_UPDATE).exists()


def test_an_update_survives_the_next_publication_of_the_page(listing, bob):
    actions.post_project_update(bob, listing, title="第一批魚苗", body="完成")

    listing.project.refresh_from_db()
    listing.project.latest_revision.publish()

    assert list(ProjectUpdate.objects.filter(project=listing.project).values_list("title", flat=True)) == ["第一批魚苗"]


def test_an_outsider_cannot_post_an_update(listing, mallory):
    with pytest.raises(PermissionDenied):
        actions.post_project_update(mallory, listing, title="x", body="y")
    assert not ProjectUpdate.objects.exists()


def test_a_question_reaches_the_team_who_answer_it(client, listing, mallory, alice, bob):
    client.force_login(mallory)
    url = reverse("marketplace:questions", kwargs={"project_id": listing.project_id})

    client.post(url, {"text": "何時出貨？"})

    notified = set(Notification.objects.filter(kind=Notification.Kind.NEW_QUESTION).values_list("recipient", flat=True))
    assert notified == {alice.pk, bob.pk}
    question = listing.questions.get()
    client.force_login(bob)
    client.post(
        reverse("marketplace:question_answer", kwargs={"project_id": listing.project_id, "pk": question.pk}),
        {"text": "六月"},
    )
    assert "六月" in client.get(url).text


def test_a_question_and_an_update_name_the_project_in_each_readers_language(client, listing, mallory, alice, bob):
    """Asked from a Chinese page, the question's notification names the project by its English title when the team
    member reads in English, and by its original title in Japanese, which the project has no translation in."""
    from django.utils import translation

    from tests.helpers import notifications_page_in, translation_of

    english = translation_of(listing.project, "en")
    english.title = "Smart Fish Pond"
    english.save_revision().publish()
    client.force_login(mallory)
    with translation.override("zh-hant"):
        client.post(reverse("marketplace:questions", kwargs={"project_id": listing.project_id}), {"text": "何時出貨？"})

    client.force_login(bob)
    assert "A new question about “Smart Fish Pond”" in notifications_page_in(client, "en")
    japanese = notifications_page_in(client, "ja")
    assert "「智慧魚塭」に新しい質問があります" in japanese and "Smart Fish Pond" not in japanese
    assert "「智慧魚塭」有新的提問" in notifications_page_in(client, "zh-hant")


def test_the_questions_page_names_the_project_in_the_readers_language_and_says_how_to_ask_the_first(
    client, listing, mallory
):
    """The questions page linked the project by its original Chinese title under /en/, and its empty state said only
    "No questions yet." under the form."""
    from tests.helpers import translation_of

    english = translation_of(listing.project, "en")
    english.title = "Smart Fish Pond"
    english.save_revision().publish()
    english_url = reverse("marketplace:questions", kwargs={"project_id": listing.project_id}).replace(
        "/zh-hant/", "/en/"
    )
    client.force_login(mallory)

    page = client.get(english_url).text

    assert f'<a href="{english.url}">Smart Fish Pond</a>' in page and "智慧魚塭" not in page
    assert "Ask the first one above" in page
    client.logout()
    assert "No questions yet." in client.get(english_url).text


def test_an_answer_the_browser_let_through_is_not_refused_for_its_line_breaks(client, listing, mallory, bob):
    """The answer's textarea has maxlength 4000: the browser counts a line break as one character and sends it as
    two (CRLF). A long answer of several paragraphs was refused as "Write an answer first." and lost."""
    question = actions.ask_question(mallory, listing, text="可以分享製程嗎？")
    client.force_login(bob)
    paragraph = "步" * 799
    typed = "\r\n".join([paragraph] * 5)  # 3,995 characters and 4 line breaks: 3,999 as the browser counts them

    client.post(
        reverse("marketplace:question_answer", kwargs={"project_id": listing.project_id, "pk": question.pk}),
        {"text": typed},
    )

    assert question.answers.get().text == "\n".join([paragraph] * 5)


def test_a_question_sent_twice_is_stored_once_and_the_team_told_once(client, listing, mallory, alice, bob):
    """A double click (or the form sent again after a slow answer) stored the question twice and notified twice."""
    client.force_login(mallory)
    url = reverse("marketplace:questions", kwargs={"project_id": listing.project_id})

    for _ in range(2):
        assert client.post(url, {"text": " 何時出貨？ "}).status_code == 302
    client.post(url, {"text": "可以宅配嗎？"})  # another question is another question

    assert sorted(listing.questions.values_list("text", flat=True)) == ["何時出貨？", "可以宅配嗎？"]
    assert Notification.objects.filter(kind=Notification.Kind.NEW_QUESTION, recipient=alice).count() == 2


def test_questions_past_the_hourly_limit_are_refused_with_the_reason_and_the_text_kept(client, listing, mallory, alice):
    """Each question rings every member of the team: one account could send them a question a second."""
    client.force_login(mallory)
    url = reverse("marketplace:questions", kwargs={"project_id": listing.project_id})
    for number in range(QUESTIONS_PER_WINDOW):
        assert client.post(url, {"text": f"問題 {number}"}).status_code == 302

    refused = client.post(url, {"text": "再一個問題"})

    assert refused.status_code == 400
    text = refused.content.decode()
    assert "您在這一小時內已提出 10 個問題。請稍候再提問" in text
    assert "再一個問題" in text, "what was typed is kept in the form"
    assert listing.questions.count() == QUESTIONS_PER_WINDOW
    assert Notification.objects.filter(kind=Notification.Kind.NEW_QUESTION, recipient=alice).count() == 10

    listing.questions.update(created=timezone.now() - QUESTION_WINDOW)  # an hour later
    assert client.post(url, {"text": "再一個問題"}).status_code == 302


def test_only_the_team_answers(client, listing, mallory, alice):
    question = actions.ask_question(alice, listing, text="q")
    client.force_login(mallory)
    url = reverse("marketplace:question_answer", kwargs={"project_id": listing.project_id, "pk": question.pk})
    assert client.post(url, {"text": "spam"}).status_code == 403
    assert not question.answers.exists()


def test_questions_about_an_unpublished_project_are_refused(profile, alice, mallory):
    draft = actions.start_project_draft(alice, profile.organisation)
    actions.save_draft_step(alice, draft, "basics", title="未公開", summary="s")
    actions.save_draft_step(alice, draft, "story", story="s")
    actions.add_subscription_plan(alice, draft, name="p", price_twd=100, rewards="r")
    project, _state = actions.submit_project_draft(alice, draft)
    with pytest.raises(PermissionDenied):
        actions.ask_question(mallory, project.listing, text="?")


def test_abuse_is_reported_once_to_the_moderators(client, listing, mallory, alice):
    question = actions.ask_question(alice, listing, text="q")
    client.force_login(mallory)
    url = reverse(
        "marketplace:report", kwargs={"project_id": listing.project_id, "kind": "question", "pk": question.pk}
    )

    client.post(url, {"reason": "廣告"})
    client.post(url, {"reason": "廣告"})
    client.post(url, {"reason": ""})

    assert AbuseReport.objects.filter(question=question, reporter=mallory).count() == 1


def test_no_one_is_offered_to_report_their_own_question_and_the_action_refuses_it(client, listing, mallory, alice):
    own = actions.ask_question(mallory, listing, text="我自己的問題")
    others = actions.ask_question(alice, listing, text="別人的問題")
    client.force_login(mallory)
    questions_url = reverse("marketplace:questions", kwargs={"project_id": listing.project_id})

    page = client.get(questions_url).text

    def report_url(question):
        return reverse(
            "marketplace:report", kwargs={"project_id": listing.project_id, "kind": "question", "pk": question.pk}
        )

    assert report_url(others) in page and report_url(own) not in page
    with pytest.raises(ActionRefused):
        actions.report_abuse(mallory, question=own, reason="測試")
    refused = client.post(report_url(own), {"reason": "測試"})
    assert refused.status_code == 400 and "不能檢舉自己寫的內容。" in refused.text
    assert not AbuseReport.objects.filter(question=own).exists()


def test_staff_see_abuse_reports_in_the_admin(client, listing, mallory, alice, django_user_model):
    from tests.helpers import with_mfa

    question = actions.ask_question(alice, listing, text="q")
    actions.report_abuse(mallory, question=question, reason="廣告詐騙")
    staff = with_mfa(django_user_model.objects.create_superuser("staff@example.tw", "x-long-password-1"))
    client.force_login(staff)

    assert "廣告詐騙" in client.get(reverse("abuse_reports:index")).text


def test_demo_loader_links_the_demo_projects_idempotently(cms_site):
    from cms.demo import ensure_demo_pages
    from marketplace.demo import DEMO_ENTERPRISES, ensure_demo_enterprises

    ensure_demo_pages()
    assert ensure_demo_enterprises() == len(DEMO_ENTERPRISES)
    assert ensure_demo_enterprises() == 0
    listings = ProjectListing.objects.all()
    assert listings.count() == 5
    assert listings.filter(seeks_investment=True).exists()
    assert SubscriptionPlan.objects.exclude(season_months=[]).exists()
    assert set(DonationCampaign.objects.values_list("funding_model", flat=True)) == {
        "all_or_nothing",
        "keep_what_you_raise",
    }


def test_questions_are_in_the_personal_data_export_and_go_with_the_account(listing, alice):
    from accounts.actions import delete_account, export_personal_data

    carol = UserFactory(email="carol@example.tw")
    question = actions.ask_question(carol, listing, text="何時出貨？")
    actions.report_abuse(alice, question=question, reason="重複")

    assert export_personal_data(carol)["data"]["marketplace"]["questions"][0]["text"] == "何時出貨？"
    delete_account(carol)
    assert not listing.questions.exists() and not AbuseReport.objects.exists()
