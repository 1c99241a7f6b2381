"""Township revitalization plans: the workflow and its refusals, the public pages, and the staff dashboard."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from accounts.models import Membership, Organisation, Role, User
from cms.models import Ministry, Sector, SupportProgramme
from core.actions import ActionRefused
from core.models import AuditEntry
from places.models import Township
from plans import actions
from plans.models import FundingSource, Plan, PlanEvent, Stage
from plans.queries import dashboard, funding_rows
from tests.factories.accounts import UserFactory
from tests.factories.market import KOUHU, ZHUSHAN
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
M = 1_000_000


@pytest.fixture(autouse=True)
def english(default_language):
    from django.utils import translation

    translation.activate("en")


@pytest.fixture
def people(townships):
    kouhu = Township.objects.select_related("county").get(code=KOUHU)
    zhushan = Township.objects.select_related("county").get(code=ZHUSHAN)
    officer, reviewer, other_reviewer, outsider = (
        UserFactory(email=f"{name}@example.tw") for name in ("officer", "reviewer", "other", "outsider")
    )
    office = Organisation.objects.create(
        kind="township_office",
        name="口湖鄉公所",
        slug="kouhu-office",
        township=kouhu,
        county=kouhu.county,
        verified_at=timezone.now(),
    )
    county = Organisation.objects.create(
        kind="county_government", name="雲林縣政府", slug="yunlin-gov", county=kouhu.county, verified_at=timezone.now()
    )
    other_county = Organisation.objects.create(
        kind="county_government",
        name="南投縣政府",
        slug="nantou-gov",
        county=zhushan.county,
        verified_at=timezone.now(),
    )
    Membership.objects.create(user=officer, organisation=office, role=Role.ADMIN)
    Membership.objects.create(user=reviewer, organisation=county, role=Role.MEMBER)
    Membership.objects.create(user=other_reviewer, organisation=other_county, role=Role.MEMBER)
    staff = with_mfa(User.objects.create_superuser("national@homeward.test", "pw-for-tests-123"))
    company = Organisation.objects.create(kind="company", name="南方好食", slug="south-food")
    return {
        "officer": officer,
        "reviewer": reviewer,
        "other_reviewer": other_reviewer,
        "outsider": outsider,
        "staff": staff,
        "office": office,
        "company": company,
        "kouhu": kouhu,
    }


@pytest.fixture
def sector(db):
    names = {"name_zh": "漁業", "name_en": "Fish", "name_ja": "漁業"}
    return Sector.objects.get_or_create(slug="aquaculture", defaults=names)[0]


@pytest.fixture
def programme(db):
    return SupportProgramme.objects.create(
        ministry=Ministry.objects.get(name_zh="農業部"), name="測試計畫", kind="subsidy"
    )


def _funding(people, programme):
    return [
        {"source": FundingSource.MINISTRY_PROGRAMME, "programme": programme, "planned_twd": 10 * M},
        {"source": FundingSource.DEVELOPMENT_FUND, "planned_twd": 5 * M},
        {"source": FundingSource.PRIVATE_INVESTMENT, "company": people["company"], "planned_twd": 20 * M},
        {"source": FundingSource.CITIZEN_BACKING, "planned_twd": 1 * M},
    ]


def _complete(people, plan, sector, programme, projects=()):
    return actions.save_plan(
        people["officer"],
        plan,
        title="智慧養殖返鄉計畫",
        vision="青年回到口湖。",
        local_dna="魚塭與烏魚子。",
        total_twd=36 * M,
        sectors=[sector],
        projects=list(projects),
        funding=_funding(people, programme),
        milestones=[{"title": "共識營", "due": datetime.date(2027, 3, 1)}],
    )


@pytest.fixture
def ready_plan(people, sector, programme, listing):
    plan = actions.create_plan(people["officer"], people["office"], title="草稿")
    return _complete(people, plan, sector, programme, projects=[listing.project])


def test_a_plan_goes_from_draft_to_yearly_report_and_every_step_is_on_its_timeline(people, ready_plan):
    plan, staff = ready_plan, people["staff"]
    actions.submit_plan(people["officer"], plan)
    actions.county_forward(people["reviewer"], plan, comment="支持")
    actions.record_meeting(
        staff,
        plan,
        held_on=timezone.localdate(),
        attendees="國發會、縣府",
        minutes="現地訪視",
        revisions=[("funding", "說明民間投資")],
    )
    lines = {line.pk: line.planned_twd for line in plan.funding.all()}
    with pytest.raises(ActionRefused, match="still open"):
        actions.match_resources(staff, plan, confirmed=lines)
    actions.send_revision(people["officer"], plan, comment="已補充")
    assert Plan.objects.get(pk=plan.pk).stage == Stage.REVISED
    actions.match_resources(staff, plan, confirmed=lines)
    actions.start_work(people["officer"], plan)
    actions.file_report(people["officer"], plan, year=2027, summary="十位青年返鄉")

    plan.refresh_from_db()
    assert plan.stage == Stage.REPORTING
    kinds = list(plan.events.values_list("kind", "actor__email"))
    assert kinds == [
        ("created", "officer@example.tw"),
        ("edited", "officer@example.tw"),
        ("submitted", "officer@example.tw"),
        ("county_forwarded", "reviewer@example.tw"),
        ("national_returned", "national@homeward.test"),
        ("revised", "officer@example.tw"),
        ("matched", "national@homeward.test"),
        ("started", "officer@example.tw"),
        ("reported", "officer@example.tw"),
    ]
    assert AuditEntry.objects.filter(action__startswith="plan.", organisation=people["office"]).count() == 9
    assert plan.meetings.get().revisions.get().resolved_at is not None
    assert all(line.confirmed_twd == line.planned_twd for line in plan.funding.all())


def test_a_plan_without_its_sections_is_refused_with_what_is_missing(people):
    plan = actions.create_plan(people["officer"], people["office"], title="草稿")

    with pytest.raises(ActionRefused) as refused:
        actions.submit_plan(people["officer"], plan)

    assert refused.value.code == "missing"
    for section in ("Vision", "Local DNA", "Target industries", "Projects", "Milestones", "Funding"):
        assert section in refused.value.message
    assert Plan.objects.get(pk=plan.pk).stage == Stage.DRAFT
    assert not plan.events.filter(kind=PlanEvent.Kind.SUBMITTED).exists()
    assert funding_rows(plan) == []  # no line and nothing measured: the page says so instead of a table of zeros


def test_what_is_missing_from_a_plan_is_listed_as_the_readers_language_writes_lists(people):
    from django.utils import translation

    plan = actions.create_plan(people["officer"], people["office"], title="草稿")

    with translation.override("ja"), pytest.raises(ActionRefused) as refused:
        actions.submit_plan(people["officer"], plan)

    assert "、" in refused.value.message
    assert ", " not in refused.value.message


def test_a_funding_table_that_does_not_add_up_is_refused_and_nothing_is_saved(people, sector, programme):
    plan = actions.create_plan(people["officer"], people["office"], title="草稿")

    with pytest.raises(ActionRefused) as refused:
        actions.save_plan(
            people["officer"],
            plan,
            title="改過的標題",
            vision="v",
            local_dna="d",
            total_twd=40 * M,
            sectors=[sector],
            projects=[],
            funding=_funding(people, programme),
            milestones=[],
        )

    assert refused.value.code == "funding"
    assert "NT$36,000,000" in refused.value.message and "NT$40,000,000" in refused.value.message
    plan.refresh_from_db()
    assert plan.title == "草稿" and not plan.funding.exists() and not plan.sectors.exists()


def test_a_ministry_line_without_its_programme_and_a_private_line_without_a_company_are_refused(people):
    plan = actions.create_plan(people["officer"], people["office"], title="草稿")
    for line in (
        {"source": FundingSource.MINISTRY_PROGRAMME, "planned_twd": 1},
        {"source": FundingSource.PRIVATE_INVESTMENT, "company": people["office"], "planned_twd": 1},
    ):
        with pytest.raises(ActionRefused):
            actions.save_plan(
                people["officer"], plan, title="t", vision="", local_dna="", total_twd=1, sectors=[],
                projects=[], funding=[line], milestones=[],
            )  # fmt: skip
    assert not plan.funding.exists()


def test_only_the_countys_reviewer_and_national_reviewers_review(people, ready_plan):
    plan = ready_plan
    actions.submit_plan(people["officer"], plan)
    for user in (people["other_reviewer"], people["officer"], people["outsider"]):
        with pytest.raises(PermissionDenied):
            actions.county_forward(user, plan)
        with pytest.raises(PermissionDenied):
            actions.county_return(user, plan, comment="x")
    with pytest.raises(ActionRefused):
        actions.county_return(people["reviewer"], plan, comment="  ")
    actions.county_return(people["reviewer"], plan, comment="請補充")
    assert Plan.objects.get(pk=plan.pk).stage == Stage.RETURNED

    actions.submit_plan(people["officer"], plan)
    actions.county_forward(people["reviewer"], plan)
    for user in (people["reviewer"], people["officer"]):
        with pytest.raises(PermissionDenied):
            actions.record_meeting(user, plan, held_on=timezone.localdate(), attendees="a", minutes="m")
        with pytest.raises(PermissionDenied):
            actions.match_resources(user, plan, confirmed={})
    with pytest.raises(PermissionDenied):
        actions.submit_plan(people["reviewer"], plan)
    # A step from the wrong stage is refused too.
    with pytest.raises(ActionRefused):
        actions.county_forward(people["reviewer"], plan)


def test_the_public_page_shows_stage_projects_and_funding_planned_against_actual(client, people, ready_plan, listing):
    from marketplace.models import CompanyProfile, Interest
    from payments.ledger import write_entry
    from payments.models import Backing, LedgerEntry

    plan = ready_plan
    url = reverse("plans:detail", kwargs={"pk": plan.pk})
    assert client.get(url).status_code == 404  # a draft is the office's
    client.force_login(people["officer"])
    assert client.get(url).status_code == 200
    client.logout()

    actions.submit_plan(people["officer"], plan)
    backing = Backing.objects.create(
        kind=Backing.Kind.DONATION, status=Backing.Status.PAID, listing=listing, amount_twd=2500
    )
    write_entry(
        kind=LedgerEntry.Kind.PAYMENT,
        listing=listing,
        backing=backing,
        amount_twd=2500,
        source_key="payment_intent:pi_plan",
        occurred_at=timezone.now(),
        receipt_number="HW-2026-777777",
    )
    profile = CompanyProfile.objects.create(organisation=people["company"], unified_business_number="12345675")
    Interest.objects.create(
        company=profile, project=listing.project, stage=Interest.Stage.COMMITTED, committed_amount_twd=300_000
    )
    rows = {row.source: row for row in funding_rows(plan)}
    assert rows[FundingSource.CITIZEN_BACKING].actual_twd == 2500
    assert rows[FundingSource.PRIVATE_INVESTMENT].actual_twd == 300_000
    assert rows[FundingSource.DEVELOPMENT_FUND].actual_twd is None

    response = client.get(url)
    assert response.status_code == 200
    text = response.text
    assert "智慧養殖返鄉計畫" in text and "Submitted to the county" in text
    assert listing.project.title in text
    assert "NT$2,500" in text and "NT$300,000" in text and "NT$20,000,000" in text
    assert "Submit to the county" not in text  # no step for a visitor

    listed = client.get(reverse("plans:list"), {"stage": "county_review", "county": people["kouhu"].county.code})
    assert "智慧養殖返鄉計畫" in listed.text
    empty = client.get(reverse("plans:list"), {"stage": "matched"})
    assert "No plan matches these filters." in empty.text
    assert client.get(reverse("plans:list"), {"stage": "nonsense"}).status_code == 200


def test_only_a_township_offices_member_starts_a_plan(client, people):
    client.force_login(people["outsider"])
    assert client.post(reverse("plans:new"), {"office": people["office"].pk, "title": "奪取"}).status_code == 403
    client.force_login(people["reviewer"])  # a county's reviewer writes no plan, and is told who does
    refused = client.get(reverse("plans:new"))
    assert refused.status_code == 403 and "written by township offices" in refused.text
    assert reverse("organisations:create") in refused.text
    assert not Plan.objects.exists()

    client.force_login(people["officer"])
    untitled = client.post(reverse("plans:new"), {"office": people["office"].pk, "title": "   "})
    assert untitled.status_code == 400 and untitled.context["form"].errors["title"] and not Plan.objects.exists()
    response = client.post(reverse("plans:new"), {"office": people["office"].pk, "title": "新計畫"})
    plan = Plan.objects.get()
    assert response["Location"] == reverse("plans:edit", kwargs={"pk": plan.pk})
    assert (plan.township, plan.stage, plan.title) == (people["kouhu"], Stage.DRAFT, "新計畫")


def test_the_office_edits_and_submits_through_the_pages(client, people, sector, programme, listing):
    plan = actions.create_plan(people["officer"], people["office"], title="草稿")
    client.force_login(people["officer"])
    form = {
        "title": "網頁寫的計畫",
        "vision": "願景",
        "local_dna": "DNA",
        "sectors": [sector.pk],
        "projects": [listing.project.pk],
        "total_twd": "1500",
        "funding-TOTAL_FORMS": "2",
        "funding-INITIAL_FORMS": "0",
        "funding-0-source": "local_government",
        "funding-0-planned_twd": "1000",
        "funding-1-source": "citizen_backing",
        "funding-1-planned_twd": "400",
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": "0",
        "milestones-0-title": "共識營",
        "milestones-0-due": (timezone.localdate() + datetime.timedelta(days=60)).isoformat(),
    }
    edit = reverse("plans:edit", kwargs={"pk": plan.pk})
    refused = client.post(edit, form)
    assert refused.status_code == 400 and "NT$1,400" in refused.text and "NT$1,500" in refused.text
    assert Plan.objects.get(pk=plan.pk).title == "草稿"

    form["funding-1-planned_twd"] = "500"
    assert client.post(edit, form).status_code == 302
    response = client.post(reverse("plans:step", kwargs={"pk": plan.pk, "step": "submit"}), follow=True)
    assert Plan.objects.get(pk=plan.pk).stage == Stage.COUNTY_REVIEW
    assert "The plan is submitted to the county." in response.text

    client.force_login(people["other_reviewer"])
    forward = reverse("plans:step", kwargs={"pk": plan.pk, "step": "county-forward"})
    assert client.post(forward).status_code == 403
    client.force_login(people["reviewer"])
    assert client.post(forward, {"comment": "好"}).status_code == 302
    assert Plan.objects.get(pk=plan.pk).stage == Stage.NATIONAL_REVIEW


def test_the_blank_funding_and_milestone_lines_the_page_offers_are_skipped_when_left_untouched(client, people):
    plan = actions.create_plan(people["officer"], people["office"], title="草稿")
    client.force_login(people["officer"])
    edit = reverse("plans:edit", kwargs={"pk": plan.pk})
    page = client.get(edit).text
    assert '<option value="" selected>Choose…</option>' in page  # a blank line's source is not chosen for it
    form = {
        "title": "一條經費的計畫",
        "vision": "",
        "local_dna": "",
        "total_twd": "1000",
        "funding-TOTAL_FORMS": "2",
        "funding-INITIAL_FORMS": "0",
        "funding-0-source": "local_government",
        "funding-0-planned_twd": "1000",
        "funding-1-source": "",  # the second blank line, as the browser sends it untouched
        "funding-1-planned_twd": "",
        "milestones-TOTAL_FORMS": "2",
        "milestones-INITIAL_FORMS": "0",
    }
    assert client.post(edit, form).status_code == 302
    assert list(plan.funding.values_list("source", "planned_twd")) == [("local_government", 1000)]


@pytest.mark.parametrize(
    ("amount", "message"),
    [("9" * 20, "Enter at most NT$1,000,000,000,000."), ("2000000000000", "Enter at most NT$1,000,000,000,000.")],
)
def test_an_amount_past_what_a_plan_can_hold_is_refused_with_the_page_kept(client, people, amount, message):
    """Twenty typed digits (the total and a line adding up to it) passed the form and overflowed the database: 500."""
    plan = actions.create_plan(people["officer"], people["office"], title="草稿")
    client.force_login(people["officer"])
    edit = reverse("plans:edit", kwargs={"pk": plan.pk})
    form = {
        "title": "一兆以上的計畫",
        "vision": "",
        "local_dna": "",
        "total_twd": amount,
        "funding-TOTAL_FORMS": "1",
        "funding-INITIAL_FORMS": "0",
        "funding-0-source": "local_government",
        "funding-0-planned_twd": amount,
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
    }
    response = client.post(edit, form)
    assert response.status_code == 400
    assert message in response.text
    assert "一兆以上的計畫" in response.text and f'value="{amount}"' in response.text, "what was typed is kept"
    plan.refresh_from_db()
    assert plan.title == "草稿" and plan.total_twd == 0 and not plan.funding.exists()


def _plan_form_with_milestone(due, done=False, initial_forms=0):
    form = {
        "title": "有里程碑的計畫",
        "vision": "",
        "local_dna": "",
        "total_twd": "0",
        "funding-TOTAL_FORMS": "0",
        "funding-INITIAL_FORMS": "0",
        "milestones-TOTAL_FORMS": "1",
        "milestones-INITIAL_FORMS": str(initial_forms),
        "milestones-0-title": "共識營",
        "milestones-0-due": due,
    }
    if done:
        form["milestones-0-done"] = "on"
    return form


@pytest.mark.parametrize(
    ("language", "too_far", "past"),
    [
        ("zh-hant", "里程碑的期限須在今天起前後 5 年內", "尚未完成的里程碑，期限不能是過去的日期"),
        ("en", "A milestone is due within 5 years of today", "A milestone not yet done cannot be due in the past"),
        (
            "ja",
            "マイルストーンの期限は今日から前後 5 年以内です",
            "未完了のマイルストーンの期限を過去の日付にすることはできません",
        ),
    ],
)
def test_a_milestone_due_date_is_bounded_and_the_page_says_the_limit(client, people, settings, language, too_far, past):
    """9999-12-31 or fifty years away was saved as a plan's milestone."""
    settings.PLAN_MILESTONE_MAX_YEARS = 5
    today = timezone.localdate()
    plan = actions.create_plan(people["officer"], people["office"], title="草稿")
    client.force_login(people["officer"])
    from django.utils import formats, translation

    with translation.override(language):
        edit = reverse("plans:edit", kwargs={"pk": plan.pk})
        latest = formats.date_format(today.replace(year=today.year + 5))
    for due in ("9999-12-31", today.replace(year=today.year + 50).isoformat(), "1900-01-01"):
        response = client.post(edit, _plan_form_with_milestone(due, done=True))
        assert response.status_code == 400
        assert too_far in response.text and latest in response.text
        assert f'value="{due}"' in response.text, "what was typed is kept"
    overdue = client.post(edit, _plan_form_with_milestone((today - datetime.timedelta(days=1)).isoformat()))
    assert overdue.status_code == 400 and past in overdue.text
    plan.refresh_from_db()
    assert plan.title == "草稿" and not plan.milestones.exists()

    # Within the bound it is saved; a milestone already done may lie in the past.
    last_year = (today - datetime.timedelta(days=365)).isoformat()
    assert client.post(edit, _plan_form_with_milestone(last_year, done=True)).status_code == 302
    assert [m.due.isoformat() for m in plan.milestones.all()] == [last_year]


def test_a_milestone_the_plan_already_holds_may_stay_overdue_or_beyond_a_lowered_limit(client, people, settings):
    today = timezone.localdate()
    plan = actions.create_plan(people["officer"], people["office"], title="草稿")
    overdue, far = today - datetime.timedelta(days=30), today.replace(year=today.year + 8)
    plan.milestones.create(title="逾期", due=overdue)
    plan.milestones.create(title="遠期", due=far)
    settings.PLAN_MILESTONE_MAX_YEARS = 5
    client.force_login(people["officer"])
    form = _plan_form_with_milestone(overdue.isoformat(), initial_forms=2)
    form.update({"milestones-TOTAL_FORMS": "2", "milestones-1-title": "遠期", "milestones-1-due": far.isoformat()})
    form["milestones-0-title"] = "逾期"
    assert client.post(reverse("plans:edit", kwargs={"pk": plan.pk}), form).status_code == 302
    assert sorted(m.due for m in plan.milestones.all()) == [overdue, far]


def test_plan_amounts_typed_in_full_width_digits_are_read(client, people):
    plan = actions.create_plan(people["officer"], people["office"], title="草稿")
    client.force_login(people["officer"])
    form = {
        "title": "全形數字",
        "vision": "",
        "local_dna": "",
        "total_twd": "１２０００",
        "funding-TOTAL_FORMS": "1",
        "funding-INITIAL_FORMS": "0",
        "funding-0-source": "local_government",
        "funding-0-planned_twd": "１２０００",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
    }
    assert client.post(reverse("plans:edit", kwargs={"pk": plan.pk}), form).status_code == 302
    plan.refresh_from_db()
    assert plan.total_twd == 12000
    assert list(plan.funding.values_list("planned_twd", flat=True)) == [12000]


def test_plan_amounts_typed_with_their_thousands_grouped_are_read(client, people, ready_plan):
    """The pages show NT$1,200,000; typed so (or with full-width commas), the amount was refused as not a number."""
    plan = actions.create_plan(people["officer"], people["office"], title="草稿")
    client.force_login(people["officer"])
    edit = reverse("plans:edit", kwargs={"pk": plan.pk})
    form = {
        "title": "千分位",
        "vision": "",
        "local_dna": "",
        "total_twd": "1,200,000",
        "funding-TOTAL_FORMS": "2",
        "funding-INITIAL_FORMS": "0",
        "funding-0-source": "local_government",
        "funding-0-planned_twd": "１，０００，０００",
        "funding-1-source": "development_fund",
        "funding-1-planned_twd": "200000",
        "milestones-TOTAL_FORMS": "0",
        "milestones-INITIAL_FORMS": "0",
    }
    assert client.post(edit, form).status_code == 302
    plan.refresh_from_db()
    assert plan.total_twd == 1_200_000
    assert sorted(plan.funding.values_list("planned_twd", flat=True)) == [200_000, 1_000_000]

    # Commas that do not group thousands are no amount: refused, as typed, with the page kept.
    for typed in ("1,20,000", "1200,000", ",200", "-1,000"):
        response = client.post(edit, {**form, "total_twd": typed})
        assert response.status_code == 400 and f'value="{typed}"' in response.text
    plan.refresh_from_db()
    assert plan.total_twd == 1_200_000

    # The national review confirms a line's amount the same way.
    plan = actions.county_forward(people["reviewer"], actions.submit_plan(people["officer"], ready_plan))
    client.force_login(people["staff"])
    confirmed = {f"line_{line.pk}": f"{line.planned_twd:,}" for line in plan.funding.all()}
    assert client.post(reverse("plans:match", kwargs={"pk": plan.pk}), confirmed).status_code == 302
    assert all(line.confirmed_twd == line.planned_twd for line in plan.funding.all())


def test_a_meeting_or_report_sent_incomplete_comes_back_with_what_was_typed(client, people, ready_plan):
    """A national reviewer's minutes or an office's yearly report are long texts: a form that does not pass shows
    them again with the error, instead of a redirect that loses them."""
    plan = ready_plan
    actions.submit_plan(people["officer"], plan)
    actions.county_forward(people["reviewer"], plan, comment="支持")
    client.force_login(people["staff"])
    meeting = reverse("plans:meeting", kwargs={"pk": plan.pk})
    response = client.post(meeting, {"held_on": "2026-11-01", "attendees": "國發會、縣府與三位青年", "minutes": ""})
    assert response.status_code == 400
    assert re.search(
        r'data-error-summary.*?<a href="#id_minutes">Minutes: This field is required.</a>', response.text, re.S
    )
    assert "國發會、縣府與三位青年" in response.text
    assert not plan.meetings.exists()
    page = client.get(reverse("plans:detail", kwargs={"pk": plan.pk})).text
    assert '<label for="id_attendees">Attendees</label>' in page and "Attendees:" not in page

    actions.record_meeting(people["staff"], plan, held_on=timezone.localdate(), attendees="a", minutes="m")
    actions.match_resources(people["staff"], plan, confirmed={line.pk: 1 for line in plan.funding.all()})
    actions.start_work(people["officer"], plan)
    client.force_login(people["officer"])
    report = reverse("plans:report", kwargs={"pk": plan.pk})
    response = client.post(report, {"year": "1900", "summary": "十位青年返鄉開店"})
    assert response.status_code == 400 and "十位青年返鄉開店" in response.text
    assert not plan.reports.exists()


def test_the_dashboard_counts_plans_and_funding_from_the_data(client, people, ready_plan, sector, programme):
    plan = ready_plan
    actions.submit_plan(people["officer"], plan)
    actions.county_forward(people["reviewer"], plan)
    confirmed = {}
    for line in plan.funding.all():
        confirmed[line.pk] = {FundingSource.PRIVATE_INVESTMENT: 18 * M}.get(line.source, line.planned_twd)
    actions.match_resources(people["staff"], plan, confirmed=confirmed)
    waiting = actions.create_plan(people["officer"], people["office"], title="第二案")
    _complete(people, waiting, sector, programme)
    Plan.objects.filter(pk=waiting.pk).update(
        stage=Stage.NATIONAL_REVIEW, stage_changed_at=timezone.now() - datetime.timedelta(days=45)
    )

    figures = dashboard()

    assert dict(figures["stages"])[Stage.MATCHED.label] == 1
    assert figures["total_plans"] == 2
    funding = {row["label"]: row for row in figures["funding"]}
    assert funding[FundingSource.PRIVATE_INVESTMENT.label]["planned"] == 40 * M
    assert funding[FundingSource.PRIVATE_INVESTMENT.label]["confirmed"] == 18 * M
    assert figures["matched_total"] == 10 * M + 5 * M + 18 * M + 1 * M
    assert [(item.plan.pk, item.days) for item in figures["waiting"]] == [(waiting.pk, 45)]
    groups = [(str(group["label"]), group["confirmed"], group["share"]) for group in figures["groups"]]
    assert groups == [
        ("Ministry and local government programmes", 10 * M, 29.4),
        ("National Development Fund and guarantees", 5 * M, 14.7),
        ("Private investment and citizen backing", 19 * M, 55.9),
    ]
    assert figures["with_plan"] == 1
    assert figures["without_plan"] == Township.objects.count() - 1

    client.force_login(people["staff"])
    page = client.get(reverse("plans_dashboard"))
    assert page.status_code == 200
    assert "NT$34,000,000" in page.text
    assert reverse("plans:detail", kwargs={"pk": waiting.pk}) in page.text
    client.force_login(people["officer"])
    assert client.get(reverse("plans_dashboard")).status_code in (302, 403)


def test_a_public_body_anyone_can_declare_reviews_or_writes_no_plan_until_staff_verify_it(client, people, ready_plan):
    """Anyone may create an organisation of any kind on /organisations/new/ and is its first admin: a "county
    government" or "township office" made that way carries no authority over plans until staff verify it."""
    plan = ready_plan
    actions.submit_plan(people["officer"], plan)
    impostor = people["outsider"]
    client.force_login(impostor)
    kouhu = people["kouhu"]
    created = client.post(
        reverse("organisations:create"), {"kind": "county_government", "name": "雲林縣政府", "county": kouhu.county_id}
    )
    assert created.status_code == 302
    office = client.post(
        reverse("organisations:create"), {"kind": "township_office", "name": "口湖鄉公所", "township": kouhu.pk}
    )
    assert office.status_code == 302

    page = client.get(plan.get_absolute_url())
    assert page.status_code == 200
    assert reverse("plans:step", kwargs={"pk": plan.pk, "step": "county-forward"}) not in page.text
    forward = client.post(reverse("plans:step", kwargs={"pk": plan.pk, "step": "county-forward"}), {"comment": "好"})
    # Refused, and told why: the body they declared awaits verification; the comment typed is shown to copy.
    assert forward.status_code == 400
    assert "awaits verification by staff" in forward.text
    assert re.search(r'<textarea id="unsent-comment"[^>]*readonly>好</textarea>', forward.text)
    assert Plan.objects.get(pk=plan.pk).stage == Stage.COUNTY_REVIEW
    waiting = client.get(reverse("plans:new"))  # told that staff verify the office first, and which one waits
    assert waiting.status_code == 403 and "Waiting for verification" in waiting.text and "口湖鄉公所" in waiting.text
    declared_office = Organisation.objects.get(kind="township_office", memberships__user=impostor)
    with pytest.raises(ActionRefused):
        actions.create_plan(impostor, declared_office, title="冒名計畫")
    assert Plan.objects.count() == 1

    # Once staff verify the county government, its members review the county's plans.
    Organisation.objects.filter(kind="county_government", memberships__user=impostor).update(verified_at=timezone.now())
    assert client.post(reverse("plans:step", kwargs={"pk": plan.pk, "step": "county-forward"})).status_code == 302
    assert Plan.objects.get(pk=plan.pk).stage == Stage.NATIONAL_REVIEW


@pytest.mark.parametrize(("language", "between"), [("ja", "："), ("zh-hant", "："), ("en", ": ")])
def test_a_meetings_revision_requests_put_the_languages_colon_after_their_section(
    client, people, ready_plan, language, between
):
    from django.utils import translation

    actions.submit_plan(people["officer"], ready_plan)
    actions.county_forward(people["reviewer"], ready_plan, comment="支持")
    actions.record_meeting(
        people["staff"],
        ready_plan,
        held_on=timezone.localdate(),
        attendees="國發會",
        minutes="現地訪視",
        revisions=[("funding", "說明民間投資")],
    )
    client.force_login(people["officer"])

    with translation.override(language):
        page = client.get(reverse("plans:detail", kwargs={"pk": ready_plan.pk})).text

    assert f'</strong>{between}<span lang="zh-Hant">說明民間投資</span>' in page


@pytest.mark.parametrize(
    ("language", "too_long_ago", "future"),
    [
        ("zh-hant", "會議須在召開後 30 天內記錄", "會議開完後再記錄：日期不能是未來。"),
        ("en", "A meeting is recorded within 30 days of being held", "its date cannot be in the future"),
        (
            "ja",
            "会議は開催から 30 日以内に記録してください",
            "会議は開催後に記録してください。日付を未来にはできません。",
        ),
    ],
)
def test_a_meeting_date_is_bounded_and_the_page_says_the_limit(
    client, people, ready_plan, settings, language, too_long_ago, future
):
    """A guidance meeting held in year 1 or on 9999-12-31 was recorded, and sorted the plan's history wrongly."""
    from django.utils import formats, translation

    settings.PLAN_MEETING_MAX_DAYS_BACK = 30
    plan, today = ready_plan, timezone.localdate()
    actions.submit_plan(people["officer"], plan)
    actions.county_forward(people["reviewer"], plan, comment="支持")
    client.force_login(people["staff"])
    with translation.override(language):
        url = reverse("plans:meeting", kwargs={"pk": plan.pk})
        first_day = formats.date_format(today - datetime.timedelta(days=30))
    meeting = {"attendees": "國發會、縣府與三位青年", "minutes": "同意計畫方向"}
    for held_on in ("0001-01-01", (today - datetime.timedelta(days=31)).isoformat()):
        response = client.post(url, {**meeting, "held_on": held_on})
        assert response.status_code == 400
        assert too_long_ago in response.text and first_day in response.text
        assert f'value="{held_on}"' in response.text and "同意計畫方向" in response.text
    response = client.post(url, {**meeting, "held_on": "9999-12-31"})
    assert response.status_code == 400 and future in response.text
    picker = response.context["meeting_form"]["held_on"].field.widget.attrs
    assert (picker["min"], picker["max"]) == ((today - datetime.timedelta(days=30)).isoformat(), today.isoformat())
    assert not plan.meetings.exists()

    # The first day allowed is accepted.
    assert (
        client.post(url, {**meeting, "held_on": (today - datetime.timedelta(days=30)).isoformat()}).status_code == 302
    )
    assert plan.meetings.get().held_on == today - datetime.timedelta(days=30)


def test_the_action_refuses_a_meeting_held_too_long_ago(people, ready_plan, settings):
    settings.PLAN_MEETING_MAX_DAYS_BACK = 30
    actions.submit_plan(people["officer"], ready_plan)
    actions.county_forward(people["reviewer"], ready_plan)
    with pytest.raises(ActionRefused, match="30 days"):
        actions.record_meeting(people["staff"], ready_plan, held_on=datetime.date(1, 1, 1), attendees="a", minutes="m")
    assert not ready_plan.meetings.exists()


def test_the_edit_page_lists_every_refusal_in_one_summary_at_the_top(client, people):
    """The plan's own fields had a summary at the top; a funding line's or a milestone's refusal had its own far down
    the page, so the top could read as if nothing else were wrong."""
    plan = actions.create_plan(people["officer"], people["office"], title="草稿")
    client.force_login(people["officer"])
    yesterday = (timezone.localdate() - datetime.timedelta(days=1)).isoformat()
    form = {
        **_plan_form_with_milestone(yesterday),
        "total_twd": "-5",
        "funding-TOTAL_FORMS": "2",
        "funding-INITIAL_FORMS": "0",
        "funding-1-source": "local_government",
        "funding-1-planned_twd": "many",
    }
    response = client.post(reverse("plans:edit", kwargs={"pk": plan.pk}), form)
    assert response.status_code == 400
    page = response.content.decode()
    assert page.count("data-error-summary") == 1
    summary = page[page.index("data-error-summary") : page.index('name="title"')]
    assert "Total planned (NT$): Ensure this value is greater than or equal to 0." in summary
    assert 'href="#id_funding-1-planned_twd">Funding line 2: Planned (NT$): Enter the amount in digits,' in summary
    assert 'href="#id_milestones-0-due">Milestone 1: Due: A milestone not yet done cannot be due in the past' in summary
    plan.refresh_from_db()
    assert plan.title == "草稿" and plan.total_twd == 0
