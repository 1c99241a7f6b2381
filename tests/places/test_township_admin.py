import pytest
from django.urls import reverse

from accounts.models import User
from places.models import Township
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def superuser():
    return with_mfa(User.objects.create_superuser("editor@homeward.test", "pw-for-tests-123"))


def test_staff_can_flag_a_priority_area_in_the_admin(client, superuser, townships):
    client.force_login(superuser)
    township = Township.objects.get(code="10013030")

    response = client.post(reverse("townships:edit", args=[township.pk]), {"is_priority_area": "on"})

    assert response.status_code == 302
    township.refresh_from_db()
    assert township.is_priority_area


def test_a_priority_flag_changed_in_the_admin_is_in_the_audit_log(client, superuser, townships):
    from core.audit import Action
    from core.models import AuditEntry

    client.force_login(superuser)
    township = Township.objects.get(code="10013030")
    edit_url = reverse("townships:edit", args=[township.pk])

    client.post(edit_url, {"is_priority_area": "on"})
    client.post(edit_url, {"is_priority_area": "on"})  # saved again unchanged: nothing happened, nothing logged
    client.post(edit_url, {})

    entries = list(AuditEntry.objects.filter(action=Action.TOWNSHIP_PRIORITY_AREA).order_by("pk"))
    assert [(entry.actor, entry.data) for entry in entries] == [
        (superuser, {"township": "10013030", "priority_area": True}),
        (superuser, {"township": "10013030", "priority_area": False}),
    ]


def test_only_staff_with_the_township_permission_may_change_the_flag(townships):
    from django.core.exceptions import PermissionDenied

    from places.actions import set_priority_area

    staff = User.objects.create_user("staff@homeward.test", "pw-for-tests-123", is_staff=True)
    township = Township.objects.get(code="10013030")

    with pytest.raises(PermissionDenied):
        set_priority_area(staff, township, True)
    township.refresh_from_db()
    assert not township.is_priority_area


def test_the_township_list_filters_by_priority_area(client, superuser, townships):
    Township.objects.filter(code="10013030").update(is_priority_area=True)
    client.force_login(superuser)

    response = client.get(reverse("townships:index"), {"is_priority_area": "true"})

    assert response.status_code == 200
    assert "屏東縣東港鎮" in response.text
    assert "南竿鄉" not in response.text


def test_townships_cannot_be_added_or_deleted_even_by_a_superuser(client, superuser, townships):
    client.force_login(superuser)
    township = Township.objects.get(code="10013030")

    add = client.get(reverse("townships:add"))
    delete = client.post(reverse("townships:delete", args=[township.pk]))

    assert add.status_code in (302, 403)
    assert delete.status_code in (302, 403)
    assert Township.objects.filter(pk=township.pk).exists()


def test_people_without_admin_access_cannot_edit_townships(client, townships):
    person = User.objects.create_user("citizen@homeward.test", "pw-for-tests-123")
    client.force_login(person)
    township = Township.objects.get(code="10013030")

    response = client.post(reverse("townships:edit", args=[township.pk]), {"is_priority_area": "on"})

    assert response.status_code in (302, 403)
    township.refresh_from_db()
    assert not township.is_priority_area


def _csv(text, name="priority.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, text if isinstance(text, bytes) else text.encode("utf-8"), "text/csv")


def test_staff_import_the_priority_list_from_a_csv(client, superuser, townships):
    client.force_login(superuser)

    response = client.post(
        reverse("places_import_priority_areas"), {"csv_file": _csv("town_code\n10013030\n10013130\n")}, follow=True
    )

    assert response.status_code == 200
    assert "已標記 2 個鄉鎮市區，取消標記 0 個。" in response.text
    assert set(Township.objects.priority_areas().values_list("code", flat=True)) == {"10013030", "10013130"}


def test_the_township_list_offers_the_import(client, superuser, townships):
    client.force_login(superuser)

    response = client.get(reverse("townships:index"))

    assert reverse("places_import_priority_areas") in response.text


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        ("town_code\n10013030\n99999999\n", "未知的鄉鎮市區代碼：99999999"),
        ("code\n10013030\n", "CSV 需要名為 town_code 的欄位。"),
        ("town_code\n10013030\n".encode("big5") + b"\xff\xfe", "檔案不是 UTF-8 文字"),
    ],
)
def test_a_bad_priority_file_reshows_the_form_and_changes_nothing(client, superuser, townships, upload, message):
    client.force_login(superuser)

    response = client.post(reverse("places_import_priority_areas"), {"csv_file": _csv(upload)})

    assert response.status_code == 200
    assert message in response.text
    assert not Township.objects.priority_areas().exists()


def test_people_without_permission_cannot_import(client, townships):
    person = User.objects.create_user("citizen2@homeward.test", "pw-for-tests-123")
    client.force_login(person)

    response = client.post(reverse("places_import_priority_areas"), {"csv_file": _csv("town_code\n10013030\n")})

    assert response.status_code in (302, 403)
    assert not Township.objects.priority_areas().exists()
