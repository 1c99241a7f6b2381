"""The review chain as its people meet it: a public body whose verification staff withdraw stops acting on plans and
is told why; the plan's page and the staff dashboard say who takes the next step; the dashboard lists every plan."""

import datetime
import re

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse
from django.utils import timezone, translation

from accounts import actions as accounts_actions
from accounts.models import Organisation
from core.actions import ActionRefused
from places.models import County
from plans import actions, admin_views
from plans.models import Plan, PlanEvent, Stage
from plans.queries import next_actor, staff_plans
from tests.plans.test_plans import people, programme, ready_plan, sector  # noqa: F401 (fixtures)

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture(autouse=True)
def english(default_language):
    translation.activate("en")


def _unverify(staff, organisation):
    accounts_actions.unverify_organisation(staff, organisation)


def test_an_office_whose_verification_is_withdrawn_no_longer_edits_submits_or_reports(client, people, ready_plan):  # noqa: F811
    plan, officer = ready_plan, people["officer"]
    _unverify(people["staff"], people["office"])

    for step in (
        lambda: actions.submit_plan(officer, plan),
        lambda: actions.save_plan(
            officer,
            plan,
            title="改名",
            vision="",
            local_dna="",
            total_twd=0,
            sectors=[],
            projects=[],
            funding=[],
            milestones=[],
        ),
        lambda: actions.start_work(officer, plan),
        lambda: actions.file_report(officer, plan, year=2026, summary="一年"),
        lambda: actions.send_revision(officer, plan),
    ):
        with pytest.raises(ActionRefused) as refused:
            step()
        assert refused.value.code == "unverified"
    plan.refresh_from_db()
    assert plan.stage == Stage.DRAFT and plan.title == "智慧養殖返鄉計畫"

    client.force_login(officer)
    with translation.override("ja"):
        page = client.get(plan.get_absolute_url())
        edit = client.get(reverse("plans:edit", kwargs={"pk": plan.pk}))
        submit = client.post(reverse("plans:step", kwargs={"pk": plan.pk, "step": "submit"}))
        report = client.post(reverse("plans:report", kwargs={"pk": plan.pk}), {"year": "2026", "summary": "一年"})
        plan_url = plan.get_absolute_url()
    assert page.status_code == 200
    assert "口湖鄉公所はスタッフの確認待ちです" in page.text
    assert reverse("plans:edit", kwargs={"pk": plan.pk}) not in page.text
    assert reverse("plans:step", kwargs={"pk": plan.pk, "step": "submit"}) not in page.text
    for response in (edit, submit, report):
        assert response.status_code == 302 and response.url == plan_url
    shown = [str(message) for message in get_messages(submit.wsgi_request)]
    assert any("スタッフの確認待ち" in message for message in shown)
    assert Plan.objects.get(pk=plan.pk).stage == Stage.DRAFT
    assert not plan.reports.exists()

    # Verified again, the office carries on where it was.
    accounts_actions.verify_organisation(people["staff"], people["office"])
    assert actions.submit_plan(officer, plan).stage == Stage.COUNTY_REVIEW


def test_a_county_government_whose_verification_is_withdrawn_is_told_why_it_cannot_review(client, people, ready_plan):  # noqa: F811
    plan = ready_plan
    actions.submit_plan(people["officer"], plan)
    county = Organisation.objects.get(kind="county_government", county=people["kouhu"].county)
    _unverify(people["staff"], county)

    with pytest.raises(ActionRefused) as refused:
        actions.county_forward(people["reviewer"], plan)
    assert refused.value.code == "unverified"

    client.force_login(people["reviewer"])
    with translation.override("zh-hant"):
        page = client.get(plan.get_absolute_url())
        forward = client.post(reverse("plans:step", kwargs={"pk": plan.pk, "step": "county-forward"}))
    assert "雲林縣政府尚待工作人員驗證" in page.text
    assert reverse("plans:step", kwargs={"pk": plan.pk, "step": "county-forward"}) not in page.text
    assert forward.status_code == 400 and "雲林縣政府尚待工作人員驗證" in forward.text
    assert Plan.objects.get(pk=plan.pk).stage == Stage.COUNTY_REVIEW
    # Someone with no tie to the county is still simply forbidden.
    client.force_login(people["outsider"])
    assert client.post(reverse("plans:step", kwargs={"pk": plan.pk, "step": "county-return"})).status_code == 403


def test_the_next_step_is_named_at_every_stage(client, people, ready_plan):  # noqa: F811
    plan = ready_plan
    assert next_actor(plan) == "Township office"
    plan = actions.submit_plan(people["officer"], plan)
    assert next_actor(plan) == "County or city government"
    client.force_login(people["officer"])
    page = client.get(plan.get_absolute_url()).text
    assert "Nothing for the office to do now. Next step: County or city government." in page
    plan = actions.county_forward(people["reviewer"], plan)
    assert next_actor(plan) == "National review"
    actions.record_meeting(
        people["staff"],
        plan,
        held_on=timezone.localdate(),
        attendees="國發會",
        minutes="訪視",
        revisions=[("funding", "說明民間投資")],
    )
    assert next_actor(plan) == "Township office"
    assert next_actor(staff_plans().get(pk=plan.pk)) == "Township office"
    plan = actions.send_revision(people["officer"], plan)
    assert next_actor(plan) == "National review"


def test_the_staff_dashboard_lists_every_plan_filtered_and_paginated(client, people, ready_plan, monkeypatch):  # noqa: F811
    submitted = ready_plan
    actions.submit_plan(people["officer"], submitted)
    draft = actions.create_plan(people["officer"], people["office"], title="第二案草稿")
    url = reverse("plans_dashboard")
    client.force_login(people["staff"])

    page = client.get(url)
    assert page.status_code == 200
    listed = page.text.split('data-testid="staff-plan-list"')[1].split("</table>")[0]
    for plan in (submitted, draft):
        assert plan.get_absolute_url() in listed and plan.title in listed
    with translation.override("zh-hant"):  # the staff member's admin language
        assert str(Stage.COUNTY_REVIEW.label) in listed and "縣市政府" in listed
        assert str(Stage.DRAFT.label) in listed and "鄉鎮市區公所" in listed
    # Staff open a draft from the list.
    assert client.get(draft.get_absolute_url()).status_code == 200

    drafts = client.get(url, {"stage": "draft"}).text.split('data-testid="staff-plan-list"')[1].split("</table>")[0]
    assert draft.get_absolute_url() in drafts and submitted.get_absolute_url() not in drafts
    other_county = County.objects.exclude(pk=people["kouhu"].county_id).first()
    elsewhere = client.get(url, {"county": other_county.code}).text
    assert 'data-testid="staff-plan-list"' not in elsewhere
    with translation.override("zh-hant"):
        assert translation.gettext("No plan matches these filters.") in elsewhere
    assert client.get(url, {"stage": "nonsense", "p": "x"}).status_code == 200

    # The plan whose latest step is the most recent comes first; one per page when the page holds one.
    PlanEvent.objects.filter(plan=submitted).update(at=timezone.now() - datetime.timedelta(days=3))
    assert list(staff_plans()) == [draft, submitted]
    monkeypatch.setattr(admin_views, "PER_PAGE", 1)
    first = client.get(url).text
    second = client.get(url, {"p": "2"}).text
    assert draft.get_absolute_url() in first.split('data-testid="staff-plan-list"')[1].split("</table>")[0]
    assert submitted.get_absolute_url() in second.split('data-testid="staff-plan-list"')[1].split("</table>")[0]
    assert "?p=2" in first


def test_the_office_reads_the_countys_whole_return_comment(client, people, ready_plan):  # noqa: F811
    plan = actions.submit_plan(people["officer"], ready_plan)
    comment = (
        "請補充：" + "產業鏈分工與加工場營運主體、民間投資承諾文件、青年進駐分年目標。" * 8 + "\n最後附上會議紀錄。"
    )
    actions.county_return(people["reviewer"], plan, comment=comment)
    client.force_login(people["officer"])

    page = client.get(plan.get_absolute_url()).text

    assert comment.replace("\n", "<br>") in page


def test_a_meeting_or_report_refused_by_the_action_comes_back_with_what_was_typed(client, people, ready_plan):  # noqa: F811
    plan = actions.county_forward(people["reviewer"], actions.submit_plan(people["officer"], ready_plan))
    client.force_login(people["staff"])
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    meeting = client.post(
        reverse("plans:meeting", kwargs={"pk": plan.pk}),
        {
            "held_on": tomorrow.isoformat(),
            "attendees": "國發會、農業部",
            "minutes": "現地訪視後討論產業鏈",
            "section_0": "funding",
            "request_0": "請說明民間投資的承諾",
        },
    )
    assert meeting.status_code == 400
    assert "its date cannot be in the future" in meeting.text
    for typed in ("國發會、農業部", "現地訪視後討論產業鏈", "請說明民間投資的承諾"):
        assert typed in meeting.text
    assert not plan.meetings.exists()

    actions.record_meeting(people["staff"], plan, held_on=timezone.localdate(), attendees="a", minutes="m")
    actions.match_resources(people["staff"], plan, confirmed={line.pk: 1 for line in plan.funding.all()})
    actions.start_work(people["officer"], plan)
    actions.file_report(people["officer"], plan, year=2026, summary="第一年")
    client.force_login(people["officer"])
    report = client.post(
        reverse("plans:report", kwargs={"pk": plan.pk}), {"year": "2026", "summary": "十位青年返鄉開店，加工場啟用"}
    )
    assert report.status_code == 400
    assert re.search(r"data-error-summary.*?The report for 2026 is already filed.", report.text, re.S)
    assert "十位青年返鄉開店，加工場啟用" in report.text
    assert list(plan.reports.values_list("summary", flat=True)) == ["第一年"]


def test_whoever_takes_the_next_step_is_notified_in_their_language(client, people, ready_plan):  # noqa: F811
    from notifications.models import Notification
    from tests.helpers import notifications_page_in

    officer, reviewer = people["officer"], people["reviewer"]
    officer.preferred_language, reviewer.preferred_language = "en", "ja"
    officer.save(update_fields=["preferred_language"])
    reviewer.save(update_fields=["preferred_language"])
    told = Notification.objects.filter(kind=Notification.Kind.PLAN_STEP)

    plan = actions.submit_plan(officer, ready_plan)
    (to_county,) = told.all()
    assert to_county.recipient == reviewer
    assert to_county.title == "県・市の審査を待つ計画があります：智慧養殖返鄉計畫"
    assert to_county.url == f"/ja/plans/{plan.pk}/"
    assert not told.filter(recipient__in=[officer, people["other_reviewer"]]).exists()

    actions.county_return(reviewer, plan, comment="請補充民間投資的承諾文件")
    returned = told.get(recipient=officer)
    assert returned.title == "The county returned your plan for changes: 智慧養殖返鄉計畫"
    assert returned.body == "請補充民間投資的承諾文件" and returned.url == f"/en/plans/{plan.pk}/"

    plan = actions.county_forward(reviewer, actions.submit_plan(officer, plan))
    actions.record_meeting(
        people["staff"],
        plan,
        held_on=timezone.localdate(),
        attendees="國發會",
        minutes="訪視",
        revisions=[("funding", "說明民間投資")],
    )
    latest = told.filter(recipient=officer).first()
    assert latest.title == "The national review asks for revisions to your plan: 智慧養殖返鄉計畫"
    assert latest.body == "Funding: 說明民間投資"
    # Read later in Japanese or Chinese, the section is named in that language; the request stays the reviewer's words.
    client.force_login(officer)
    assert "資金：說明民間投資" in notifications_page_in(client, "ja")
    assert "資金：說明民間投資" in notifications_page_in(client, "zh-hant")
    assert "Funding: 說明民間投資" in notifications_page_in(client, "en")


def test_the_national_reviewers_hear_of_a_forwarded_or_revised_plan_and_the_county_of_the_answer(
    people,  # noqa: F811
    ready_plan,  # noqa: F811
    django_capture_on_commit_callbacks,
    mailoutbox,
    settings,
):
    from django.contrib.auth.models import Group

    from notifications.models import Notification
    from tests.factories.accounts import UserFactory

    settings.SITE_BASE_URL = "https://homeward.example.tw"
    officer, reviewer, staff = people["officer"], people["reviewer"], people["staff"]
    for person in (staff, reviewer):
        person.preferred_language = "en"
        person.save(update_fields=["preferred_language"])
    desk = Group.objects.get(name=actions.NATIONAL_REVIEWERS_GROUP)  # made by plans/0003, empty
    grouped = UserFactory(email="grouped@example.tw", preferred_language="ja")
    UserFactory(email="gone@example.tw", is_staff=True, is_active=False)
    UserFactory(email="gone-desk@example.tw", is_active=False).groups.add(desk)
    told = Notification.objects.filter(kind=Notification.Kind.PLAN_STEP)

    # Nobody sits at the national review desk (the "Plan reviewers" group has no active member): every active staff
    # member hears of a forwarded plan, so that it never waits unseen.
    plan = actions.submit_plan(officer, ready_plan)
    told.all().delete()
    with django_capture_on_commit_callbacks(execute=True):
        actions.county_forward(reviewer, plan, comment="縣府支持")
    assert set(told.values_list("recipient__email", flat=True)) == {"officer@example.tw", "national@homeward.test"}
    assert told.get(recipient=staff).title == (
        "A plan forwarded by its county awaits the national review: 智慧養殖返鄉計畫"
    )
    assert told.get(recipient=staff).body == "縣府支持"
    emailed = {message.to[0]: message for message in mailoutbox}
    assert set(emailed) == {"officer@example.tw", "national@homeward.test"}
    assert f"https://homeward.example.tw/en/plans/{plan.pk}/" in emailed["national@homeward.test"].body

    # Once staff seat someone at the desk, the desk alone hears what awaits the nation (staff may still act).
    grouped.groups.add(desk)

    # The nation asks for revisions: the office and the county hear of it, not the reviewer who asked.
    told.all().delete()
    actions.record_meeting(
        grouped, plan, held_on=timezone.localdate(), attendees="國發會", minutes="訪視", revisions=[("funding", "說明")]
    )
    assert set(told.values_list("recipient__email", flat=True)) == {"officer@example.tw", "reviewer@example.tw"}
    assert told.get(recipient=reviewer).title == (
        "The national review asks for revisions to a plan from your county: 智慧養殖返鄉計畫"
    )

    # The office answers: the national reviewers take the next step.
    told.all().delete()
    actions.send_revision(officer, plan, comment="已補充")
    assert set(told.values_list("recipient__email", flat=True)) == {"grouped@example.tw"}
    assert told.get(recipient=grouped).title == (
        "郷鎮市区役所が修正した計画を送り返しました。国の指導を待っています：智慧養殖返鄉計畫"
    )
    assert told.get(recipient=grouped).url == f"/ja/plans/{plan.pk}/"

    # The nation matches resources: the office and the county again.
    told.all().delete()
    actions.match_resources(staff, plan, confirmed={line.pk: 1 for line in plan.funding.all()})
    assert set(told.values_list("recipient__email", flat=True)) == {"officer@example.tw", "reviewer@example.tw"}
    assert told.get(recipient=reviewer).title == (
        "Resources are matched for a plan from your county, which can now start: 智慧養殖返鄉計畫"
    )


def test_a_refused_review_comment_comes_back_with_what_was_typed_and_why(client, people, ready_plan):  # noqa: F811
    plan = actions.submit_plan(people["officer"], ready_plan)
    client.force_login(people["reviewer"])
    step = reverse("plans:step", kwargs={"pk": plan.pk, "step": "county-return"})

    blank = client.post(f"/en{step[step.index('/', 1) :]}", {"comment": "  \u3000\n "})

    assert blank.status_code == 400
    assert "Say what the office should change before the plan comes back." in blank.text
    assert re.search(r'data-error-summary.*?<a href="#id_comment">', blank.text, re.S)
    comment = re.search(r"<textarea[^>]*name=\"comment\"[^>]*>", blank.text).group(0)
    assert 'aria-invalid="true"' in comment and "id_comment_error" in comment
    assert Plan.objects.get(pk=plan.pk).stage == Stage.COUNTY_REVIEW

    # Forwarded meanwhile by someone else of the county: the return refused keeps the comment typed, to copy.
    actions.county_forward(people["reviewer"], plan, comment="支持")
    with translation.override("ja"):
        late = client.post(
            reverse("plans:step", kwargs={"pk": plan.pk, "step": "county-return"}), {"comment": "請補充財務規劃"}
        )
    assert late.status_code == 400
    assert "コメントは送信されていません" in late.text
    assert re.search(r'<textarea id="unsent-comment"[^>]*readonly>請補充財務規劃</textarea>', late.text)
    assert Plan.objects.get(pk=plan.pk).stage == Stage.NATIONAL_REVIEW
    assert not PlanEvent.objects.filter(plan=plan, comment="請補充財務規劃").exists()


def test_the_emails_of_each_step_read_the_title_and_comment_as_typed(
    client,
    people,  # noqa: F811
    ready_plan,  # noqa: F811
    django_capture_on_commit_callbacks,
    mailoutbox,
):
    """A plain-text email is no web page: "&", quotes and angle brackets reach the reader as typed, not as &amp;."""
    ready_plan.title = "山&海 <共好> 'Blue' 計畫"
    ready_plan.save(update_fields=["title"])
    for person in (people["officer"], people["reviewer"]):
        person.preferred_language = "en"
        person.save(update_fields=["preferred_language"])
    client.force_login(people["officer"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("plans:step", kwargs={"pk": ready_plan.pk, "step": "submit"}))
    assert response.status_code == 302
    (to_county,) = mailoutbox
    assert to_county.to == ["reviewer@example.tw"]
    assert to_county.subject == "[Homeward] A plan awaits the county's review: 山&海 <共好> 'Blue' 計畫"
    assert "A plan awaits the county's review: 山&海 <共好> 'Blue' 計畫" in to_county.body
    assert "&amp;" not in to_county.body and "&#x27;" not in to_county.subject

    mailoutbox.clear()
    client.force_login(people["reviewer"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("plans:step", kwargs={"pk": ready_plan.pk, "step": "county-return"}),
            {"comment": "Add the <b>investment</b> letters & the county's share"},
        )
    (to_office,) = mailoutbox
    assert "Add the <b>investment</b> letters & the county's share" in to_office.body


def test_a_step_address_asked_for_by_get_leads_to_the_plans_page(client, people, ready_plan):  # noqa: F811
    """A refused step's page stands at the step's address: back or reload there answered a blank 405."""
    plan = actions.submit_plan(people["officer"], ready_plan)
    client.force_login(people["reviewer"])
    step = reverse("plans:step", kwargs={"pk": plan.pk, "step": "county-return"})
    assert client.post(step, {"comment": " "}).status_code == 400
    detail = reverse("plans:detail", kwargs={"pk": plan.pk})
    addresses = [
        step,
        reverse("plans:step", kwargs={"pk": plan.pk, "step": "submit"}),
        reverse("plans:meeting", kwargs={"pk": plan.pk}),
        reverse("plans:match", kwargs={"pk": plan.pk}),
        reverse("plans:report", kwargs={"pk": plan.pk}),
    ]
    for address in addresses:
        response = client.get(address)
        assert response.status_code == 302 and response.url == detail
    assert client.get(step, follow=True).status_code == 200
    plan.refresh_from_db()
    assert plan.stage == Stage.COUNTY_REVIEW, "a GET takes no step"

    # A draft's step addresses lead an outsider to the draft's page, which does not exist for them.
    draft = actions.create_plan(people["officer"], people["office"], title="草稿二")
    client.force_login(people["outsider"])
    response = client.get(reverse("plans:step", kwargs={"pk": draft.pk, "step": "submit"}), follow=True)
    assert response.status_code == 404


def test_matching_is_offered_only_once_the_office_has_answered_the_revision_requests(client, people, ready_plan):  # noqa: F811
    """The match form stood beside open revision requests, and confirming it could only be refused."""
    plan = actions.county_forward(people["reviewer"], actions.submit_plan(people["officer"], ready_plan))
    actions.record_meeting(
        people["staff"],
        plan,
        held_on=timezone.localdate(),
        attendees="國發會",
        minutes="訪視",
        revisions=[("funding", "說明")],
    )
    client.force_login(people["staff"])
    detail = reverse("plans:detail", kwargs={"pk": plan.pk})
    match = reverse("plans:match", kwargs={"pk": plan.pk})
    page = client.get(detail).content.decode()
    assert 'data-testid="match-waits"' in page and f'action="{match}"' not in page
    assert "Resources are matched once the office has answered the open revision requests" in page
    assert "Record the meeting" in page, "another meeting may still be recorded"

    actions.send_revision(people["officer"], plan, comment="已補充")
    page = client.get(detail).content.decode()
    assert 'data-testid="match-waits"' not in page and f'action="{match}"' in page
