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
