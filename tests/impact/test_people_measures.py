"""People and participation in the impact figures (issue 19.7): volunteer hours, engagements completed, places booked
and organisations per township, on the map and the page; corporate money apart from citizens' (issue 22.2); and the
company's evidence report with its members' volunteering hours (issue 22.5). Real PostgreSQL, no mocks."""

import csv
import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from accounts import actions as account_actions
from accounts.models import Organisation, Role
from experiences.models import Booking, Experience, Slot
from impact import measures
from impact.measures import ImpactFilters
from marketplace.models import CompanyProfile
from payments.models import Backing
from people import actions as people_actions
from people.models import Offer
from places.models import Township
from tests.factories.accounts import UserFactory, verified_organisation
from tests.factories.market import GUANSHAN, KOUHU, ZHUSHAN
from tests.factories.payments import record_payment

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

TSMC = "22099131"
HOUR = datetime.timedelta(hours=1)


def at(year, month=5, day=10, hour=9):
    return timezone.make_aware(datetime.datetime(year, month, day, hour, 0))


def township(code):
    return Township.objects.get(code=code)


def an_experience(organisation, code, kind=Experience.Kind.VOLUNTEERING):
    return Experience.objects.create(
        organisation=organisation,
        kind=kind,
        title_zh="淨灘" if kind == Experience.Kind.VOLUNTEERING else "採茶體驗",
        title_en="Beach clean-up" if kind == Experience.Kind.VOLUNTEERING else "Tea picking",
        description_zh="一起來",
        township=township(code),
        is_published=True,
    )


def a_shift(experience, start, hours):
    return Slot.objects.create(experience=experience, starts_at=start, ends_at=start + hours * HOUR, capacity=20)


def booked(slot, person, status=Booking.Status.ATTENDED):
    return Booking.objects.create(
        slot=slot, person=person, status=status, attended_at=timezone.now() if status == "attended" else None
    )


@pytest.fixture
def office(alice, townships):
    return verified_organisation(
        alice, kind=Organisation.Kind.TOWNSHIP_OFFICE, name="口湖鄉公所", township=township(KOUHU)
    )


@pytest.fixture
def people_world(alice, office):
    """In 口湖鄉: 2 attended volunteers on a 3-hour shift this year and one on a 2-hour shift last year, a confirmed
    place on a tea-picking slot, a cancelled one; one engagement done, one under way; an office and a university.
    In 竹山鎮: a community association and nothing else."""
    this_year = timezone.localdate().year
    beach = an_experience(office, KOUHU)
    tea = an_experience(office, KOUHU, kind=Experience.Kind.EXPERIENCE)
    shift = a_shift(beach, at(this_year, 1), 3)
    old_shift = a_shift(beach, at(this_year - 1), 2)
    volunteers = [UserFactory() for _ in range(3)]
    booked(shift, volunteers[0])
    booked(shift, volunteers[1])
    booked(old_shift, volunteers[2])
    booked(shift, volunteers[2], status=Booking.Status.CANCELLED)  # neither hours nor a place
    tea_slot = a_shift(tea, at(this_year, 2), 2)
    booked(tea_slot, volunteers[0], status=Booking.Status.CONFIRMED)

    account_actions.create_organisation(
        alice, kind=Organisation.Kind.UNIVERSITY, name="雲林科大", township=township(KOUHU), usr_programme=True
    )
    account_actions.create_organisation(
        alice, kind=Organisation.Kind.COMMUNITY, name="竹山社區發展協會", township=township(ZHUSHAN)
    )
    account_actions.create_organisation(alice, kind=Organisation.Kind.ENTERPRISE, name="口湖魚塭隊")  # not counted

    help_request = people_actions.create_help_request(
        alice,
        office,
        title="魚塭水質感測器",
        description="需要協助",
        field="farm_fishery",
        township=township(KOUHU),
        work_format="remote",
        starts_on=timezone.localdate() + datetime.timedelta(days=1),
        ends_on=timezone.localdate() + datetime.timedelta(days=60),
        pro_bono=True,
    )
    for index, status in enumerate((Offer.Status.DONE, Offer.Status.ENGAGED)):
        expert = UserFactory()
        profile = people_actions.save_profile(
            expert,
            kind="expert",
            headline=f"顧問{index}",
            fields=["farm_fishery"],
            languages=["zh"],
            work_format="either",
            pro_bono=True,
            contact_email=f"expert{index}@example.tw",
            visibility="public",
        )
        Offer.objects.create(help_request=help_request, profile=profile, status=status)
    return {"this_year": this_year, "office": office, "shift": shift}


def test_volunteer_hours_bookings_engagements_and_organisations_are_counted_by_township(people_world):
    data = measures.figures()
    kouhu = next(area for area in data.townships if area.code == KOUHU)
    zhushan = next(area for area in data.townships if area.code == ZHUSHAN)
    assert kouhu.figures.volunteer_hours == 8.0  # 3 + 3 this year, 2 last year
    assert kouhu.figures.bookings == 4  # three attended places and a confirmed one; the cancelled one is not
    assert kouhu.figures.engagements_done == 1
    assert kouhu.figures.organisations == 2  # the office and the university; the enterprise team is not
    assert zhushan.figures.organisations == 1 and zhushan.figures.volunteer_hours == 0
    assert data.taiwan.figures.volunteer_hours == 8.0 and data.taiwan.figures.organisations == 3
    county = data.county(kouhu.county_code)
    assert county.figures.bookings == 4 and county.figures.engagements_done == 1

    this_year = measures.figures(ImpactFilters(year=people_world["this_year"]), months=False)
    kouhu = next(area for area in this_year.townships if area.code == KOUHU)
    assert kouhu.figures.volunteer_hours == 6.0 and kouhu.figures.bookings == 3
    assert kouhu.figures.organisations == 2  # a current count: the year does not apply

    only_guanshan = measures.figures(ImpactFilters(township_codes=(GUANSHAN,)), months=False)
    assert only_guanshan.taiwan.figures.volunteer_hours == 0 and only_guanshan.taiwan.figures.organisations == 0


def test_the_query_count_does_not_grow_with_bookings_and_organisations(people_world, alice):
    with CaptureQueriesContext(connection) as small:
        measures.figures()
    office = people_world["office"]
    for number in range(30):
        experience = an_experience(office, ZHUSHAN if number % 2 else KOUHU)
        booked(a_shift(experience, at(people_world["this_year"], 3, 1 + number % 27), 1), UserFactory())
        account_actions.create_organisation(
            alice, kind=Organisation.Kind.FOUNDATION, name=f"基金會{number}", township=township(GUANSHAN)
        )
    with CaptureQueriesContext(connection) as large:
        data = measures.figures()
    assert len(large.captured_queries) == len(small.captured_queries) <= measures.QUERY_BUDGET
    assert data.taiwan.figures.organisations == 33


@pytest.mark.parametrize("measure", ["volunteer_hours", "engagements_done", "bookings", "organisations"])
def test_each_people_measure_is_a_map_layer_with_its_values(client, people_world, measure):
    with translation.override("en"):
        page = client.get(reverse("impact:page"), {"measure": measure}).text
    assert f'<option value="{measure}" selected>' in page
    with translation.override("en"):
        assert str(measures.MEASURES[measure]) in page
    expected = {"volunteer_hours": "8.0 h", "engagements_done": "1", "bookings": "4", "organisations": "2"}[measure]
    assert expected in page


def test_the_page_and_downloads_show_the_people_measures(client, people_world):
    page = client.get("/en" + reverse("impact:page")[len("/zh-hant") :]).text
    for label in ("Hours volunteered", "Engagements completed", "Places booked", "Organisations taking part"):
        assert label in page
    assert "8.0 h" in page
    rows = list(csv.DictReader(io.StringIO(client.get(reverse("impact:csv")).content.decode("utf-8-sig"))))
    kouhu = next(row for row in rows if row["code"] == KOUHU)
    assert (kouhu["volunteer_hours"], kouhu["bookings"], kouhu["engagements_done"], kouhu["organisations"]) == (
        "8.0",
        "4",
        "1",
        "2",
    )


def test_a_booking_attended_after_the_figures_were_kept_changes_them(client, people_world):
    from impact.service import cached_figures

    before = cached_figures(ImpactFilters()).taiwan.figures.volunteer_hours
    booking = booked(people_world["shift"], UserFactory(), status=Booking.Status.CONFIRMED)
    Booking.objects.filter(pk=booking.pk).update(status=Booking.Status.ATTENDED, attended_at=timezone.now())
    assert cached_figures(ImpactFilters()).taiwan.figures.volunteer_hours == before + 3


# --- corporate money and the company's evidence ------------------------------------------------------------------


@pytest.fixture
def company(bob):
    organisation = account_actions.create_organisation(bob, kind=Organisation.Kind.COMPANY, name="台灣好公司")
    carl = UserFactory(email="carl@example.tw", display_name="Carl 陳")
    organisation.memberships.create(user=carl, role=Role.MEMBER)
    profile = CompanyProfile.objects.create(organisation=organisation, unified_business_number=TSMC, size="large")
    return {"organisation": organisation, "profile": profile, "admin": bob, "member": carl}


def corporate_donation(listing, company, amount):
    backing = Backing.objects.create(
        kind=Backing.Kind.DONATION,
        status=Backing.Status.PAID,
        listing=listing,
        backer=company["admin"],
        backer_email=company["admin"].email,
        amount_twd=amount,
        paying_organisation=company["organisation"],
        payer_company_name="台灣好公司",
        payer_unified_business_number=TSMC,
    )
    return record_payment(backing, receipt_number=f"HW-{timezone.now().year}-000777")


def test_corporate_money_counts_apart_from_citizens_money_and_its_payer_is_no_backer(client, listing, company):
    corporate_donation(listing, company, 50_000)
    citizen = UserFactory()
    backing = Backing.objects.create(
        kind=Backing.Kind.DONATION, status=Backing.Status.PAID, listing=listing, backer=citizen, amount_twd=700
    )
    record_payment(backing)
    data = measures.figures()
    assert data.taiwan.figures.raised_twd == 700
    assert data.taiwan.figures.corporate_twd == 50_000
    assert data.taiwan.figures.backers == 1  # the citizen; the company admin paid as the company
    kouhu = next(area for area in data.townships if area.code == KOUHU)
    assert (kouhu.figures.raised_twd, kouhu.figures.corporate_twd) == (700, 50_000)
    month = data.months[-1]
    assert (month.raised_twd, month.corporate_twd, month.backers) == (700, 50_000, 1)

    page = client.get("/en" + reverse("impact:page")[len("/zh-hant") :], {"measure": "corporate_twd"}).text
    assert "NT$ paid by companies" in page and "NT$50,000" in page


def test_the_evidence_report_lists_the_members_volunteering_hours_with_links(client, listing, company, alice):
    office = verified_organisation(
        alice, kind=Organisation.Kind.TOWNSHIP_OFFICE, name="口湖鄉公所", township=township(KOUHU)
    )
    year = timezone.localdate().year
    beach = an_experience(office, KOUHU)
    booked(a_shift(beach, at(year, 1), 3), company["member"])
    booked(a_shift(beach, at(year, 2), 2), company["admin"])
    booked(a_shift(beach, at(year - 1, 2), 4), company["member"])  # another year
    booked(a_shift(beach, at(year, 3), 5), UserFactory())  # not a member of the company
    booked(a_shift(beach, at(year, 4), 6), company["member"], status=Booking.Status.CONFIRMED)  # not attended
    corporate_donation(listing, company, 50_000)

    client.force_login(company["member"])
    slug = company["organisation"].slug
    page = client.get("/en" + reverse("impact:company_report", kwargs={"slug": slug})[len("/zh-hant") :]).text
    assert "Employee volunteering hours" in page and "5.0 h (2 shifts)" in page
    assert reverse("experiences:detail", kwargs={"pk": beach.pk}).split("/", 2)[2] in page
    assert "NT$50,000" in page  # the corporate payments, as before

    with translation.override("en"):
        response = client.get(reverse("impact:company_report_csv", kwargs={"slug": slug}), {"lang": "en"})
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    header = rows.index(["section", "label", "date", "amount_twd", "hours", "detail", "url"])
    volunteering = [row for row in rows[header + 1 :] if row[0] == "Employee volunteering hours"]
    assert [row[4] for row in volunteering] == ["3.0", "2.0"]
    assert all(row[6].endswith(f"/experiences/{beach.pk}/") and row[6].startswith("http") for row in volunteering)
    assert "Carl 陳" in volunteering[0][5]
    payments = [row for row in rows[header + 1 :] if row[0] == "Corporate payments (net)"]
    assert [row[3] for row in payments] == ["50000"]
