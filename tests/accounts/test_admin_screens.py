import datetime

import pytest

from accounts import actions
from accounts.models import Organisation, User
from core.models import AuditEntry
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def staff_client(client):
    client.force_login(with_mfa(User.objects.create_superuser("staff@homeward.test", "pw-for-tests-123")))
    return client


@pytest.fixture
def organisation():
    founder = User.objects.create_user("founder@example.tw", "pw-for-tests-123")
    return actions.create_organisation(founder, kind=Organisation.Kind.ENTERPRISE, name="池上米工作室")


def test_staff_see_organisations_with_their_member_count(staff_client, organisation):
    listing = staff_client.get("/admin/organisations_admin/")
    inspect = staff_client.get(f"/admin/organisations_admin/inspect/{organisation.pk}/")

    assert listing.status_code == 200
    assert "池上米工作室" in listing.text
    assert inspect.status_code == 200
    assert "founder@example.tw" in inspect.text


def test_staff_read_the_audit_log(staff_client, organisation):
    listing = staff_client.get("/admin/audit_entries/")

    assert listing.status_code == 200
    assert "池上米工作室" in listing.text


def admin_language(user, language):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(user)
    profile.preferred_language = language
    profile.save(update_fields=["preferred_language"])


def rows(page):
    """The listing's cells as the reader sees them, row by row."""
    from bs4 import BeautifulSoup

    # The listing's own table: the page has others (Wagtail's keyboard-shortcuts dialog).
    table = BeautifulSoup(page, "html.parser").select("table.listing tbody tr")
    return [[cell.get_text(" ", strip=True) for cell in row.select("td")] for row in table]


def filter_options(page, name):
    from bs4 import BeautifulSoup

    select = BeautifulSoup(page, "html.parser").select_one(f"select[name={name}]")
    return {option.get_text(strip=True): option["value"] for option in select.select("option") if option["value"]}


@pytest.mark.parametrize(
    ("language", "created", "heading"),
    [
        ("zh-hant", "組織已建立", "事件"),
        ("ja", "組織を作成", "出来事"),
        ("en", "Organisation created", "What happened"),
    ],
)
def test_the_audit_log_says_what_happened_in_words_in_the_staff_members_language(
    staff_client, organisation, language, created, heading
):
    """The list, its filter and the inspect view printed the action codes ("organisation.create") in every language."""
    from bs4 import BeautifulSoup

    admin_language(User.objects.get(email="staff@homeward.test"), language)
    entry = AuditEntry.objects.get(organisation=organisation, action="organisation.create")

    listing = staff_client.get("/admin/audit_entries/").text
    inspect = staff_client.get(f"/admin/audit_entries/inspect/{entry.pk}/").text

    cells = [cell for row in rows(listing) for cell in row]
    assert created in cells
    assert not any("organisation.create" in cell for cell in cells)
    headings = [th.get_text(strip=True) for th in BeautifulSoup(listing, "html.parser").select("thead th")]
    assert heading in headings
    assert filter_options(listing, "action")[created] == "organisation.create"
    # The inspect view: the words first, the code after them for whoever greps the logs.
    assert created in inspect and "<code>organisation.create</code>" in inspect


def test_the_actions_filter_lists_every_label_sorted_and_filters_by_the_chosen_one(staff_client, organisation):
    from core import audit

    admin_language(User.objects.get(email="staff@homeward.test"), "en")
    audit.log(audit.Action.REGULATORY_ISSUE_SUBMIT, actor=None, organisation=organisation, issue=1)

    listing = staff_client.get("/admin/audit_entries/").text
    options = filter_options(listing, "action")
    assert len(options) == len(audit.Action)
    assert list(options) == sorted(options, key=str.casefold)

    chosen = staff_client.get("/admin/audit_entries/", {"action": options["Regulatory issue submitted"]}).text
    assert [row[-1] for row in rows(chosen)] == ["Regulatory issue submitted"]


def test_an_action_renamed_since_shows_its_stored_value(staff_client, organisation):
    entry = AuditEntry.objects.create(action="plan.renamed_since", organisation=organisation)

    listing = staff_client.get("/admin/audit_entries/").text
    inspect = staff_client.get(f"/admin/audit_entries/inspect/{entry.pk}/")

    assert ["plan.renamed_since"] in [row[-1:] for row in rows(listing)]
    assert inspect.status_code == 200 and "plan.renamed_since" in inspect.text


def test_the_inspect_view_of_an_entry_nobody_signed_shows_a_dash_and_the_local_time(staff_client):
    from bs4 import BeautifulSoup

    entry = AuditEntry.objects.create(action="payments.job_ran")
    AuditEntry.objects.filter(pk=entry.pk).update(created=datetime.datetime(2026, 3, 1, 0, 30, tzinfo=datetime.UTC))

    page = BeautifulSoup(staff_client.get(f"/admin/audit_entries/inspect/{entry.pk}/").text, "html.parser")

    values = [value.get_text(strip=True) for value in page.select("main dd")]
    assert "None" not in values and values.count("—") == 2
    assert "08:30" in values[0]  # Taipei time, as in the list (Wagtail's inspect view printed it in UTC)


def test_the_audit_log_is_searched_by_the_words_of_the_labels_and_the_search_fields(staff_client, organisation):
    from core import audit

    admin_language(User.objects.get(email="staff@homeward.test"), "zh-hant")
    audit.log(audit.Action.REGULATORY_ISSUE_SUBMIT, organisation=None, issue=1)

    def found(query):
        return sorted(row[-1] for row in rows(staff_client.get("/admin/audit_entries/", {"q": query}).text))

    assert found("法規調適") == ["法規調適議題已提出"]
    assert found("founder@example.tw") == ["組織已建立"]
    assert found("池上米") == ["組織已建立"]
    assert found("regulatory_issue.submit") == ["法規調適議題已提出"]


def test_organisations_cannot_be_changed_by_hand_in_the_admin(staff_client, organisation):
    add = staff_client.get("/admin/organisations_admin/new/")
    edit = staff_client.post(f"/admin/organisations_admin/edit/{organisation.pk}/", {"name": "改名"})
    delete = staff_client.post(f"/admin/organisations_admin/delete/{organisation.pk}/")

    assert {add.status_code, edit.status_code, delete.status_code} <= {302, 403}
    organisation.refresh_from_db()
    assert organisation.name == "池上米工作室"


def test_true_or_false_columns_show_the_admins_tick_or_cross_not_python_words(staff_client, townships):
    """Township's priority area, a programme's flags and hidden questions printed "True"/"False" in every language."""
    from bs4 import BeautifulSoup
    from django.utils import translation

    from places.models import Township

    first = Township.objects.order_by("code").first()
    Township.objects.filter(pk=first.pk).update(is_priority_area=True)
    with translation.override("zh-hant"):
        townships = staff_client.get("/admin/townships/").text
        programmes = staff_client.get("/admin/snippets/cms/supportprogramme/").text

    cells = {}
    for name, page in (("townships", townships), ("programmes", programmes)):
        cells[name] = {cell.get_text(strip=True) for cell in BeautifulSoup(page, "html.parser").select("tbody td")}
        assert not cells[name] & {"True", "False"}
    assert "優先推動地區" in townships and "是" in cells["townships"]  # the tick's words for a screen reader


def test_the_organisations_listing_counts_each_ones_members(staff_client, organisation):
    """The "members" column was empty: its count sat in a get_queryset(request) Wagtail's ModelViewSet never calls."""
    admin_language(User.objects.get(email="staff@homeward.test"), "en")
    from accounts.models import Membership, Role

    second = User.objects.create_user("second@example.tw", "pw-for-tests-123")
    Membership.objects.create(user=second, organisation=organisation, role=Role.EDITOR)

    listing = staff_client.get("/admin/organisations_admin/").text

    assert [row[1:3] for row in rows(listing) if row[0].startswith("池上米工作室")] == [["Enterprise team", "2"]]


def test_the_audit_log_reads_its_people_and_organisations_in_one_query_per_page(staff_client, organisation):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from core import audit

    def listing_queries():
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get("/admin/audit_entries/").status_code == 200
        return len(queries)

    audit.log(audit.Action.ORGANISATION_CREATE, actor=organisation.memberships.get().user, organisation=organisation)
    few = listing_queries()
    for index in range(10):
        other = actions.create_organisation(
            User.objects.create_user(f"founder{index}@example.tw", "pw-for-tests-123"),
            kind=Organisation.Kind.ENTERPRISE,
            name=f"團隊{index}",
        )
        audit.log(audit.Action.ORGANISATION_CREATE, actor=None, organisation=other)

    assert listing_queries() == few


def test_inspect_screens_read_yes_no_and_a_dash_not_pythons_true_false_none(staff_client, organisation):
    """Wagtail's inspect view printed a true/false field as "True"/"False" and an empty one as "None"."""
    from bs4 import BeautifulSoup

    admin_language(User.objects.get(email="staff@homeward.test"), "zh-hant")
    page = BeautifulSoup(staff_client.get(f"/admin/organisations_admin/inspect/{organisation.pk}/").text, "html.parser")

    values = [value.get_text(strip=True) for value in page.select("main dd")]
    assert values and not {"True", "False", "None"} & set(values)
    assert "否" in values  # the organisation is not verified, nor in the USR programme
    assert "—" in values  # and it has no verification time
