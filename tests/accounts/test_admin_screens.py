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
    entry = AuditEntry.objects.filter(organisation=organisation).first()

    listing = staff_client.get("/admin/audit_entries/")

    assert listing.status_code == 200
    assert entry.action in listing.text


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
