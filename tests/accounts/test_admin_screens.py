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
