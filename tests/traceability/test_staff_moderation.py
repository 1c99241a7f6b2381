"""Staff revoke a project's device from its admin screen (traceability.actions.revoke_device_as_staff): only with the
moderation permission, always with a reason the team is told; its token stops working and its readings stay;
revoking a revoked device changes nothing and says so."""

import pytest
from django.urls import reverse

from core.audit import Action
from core.models import AuditEntry
from notifications.models import Notification
from tests.factories.traceability import device_with_token
from tests.helpers import admin_moderator, admin_viewer
from traceability import actions
from traceability.models import Device, DeviceToken

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]

REASON = "這個探頭傳送的水溫持續異常，疑似被冒用"


@pytest.fixture
def device(alice, listing):
    return device_with_token(alice, listing)[0]


def _urls(device):
    return reverse("trace_devices:inspect", args=[device.pk]), reverse("trace_devices:revoke", args=[device.pk])


def test_a_moderator_revokes_a_device_and_the_team_is_told(client, bob, alice, device):
    alice.preferred_language = "en"
    alice.save(update_fields=["preferred_language"])
    moderator = admin_moderator(bob)
    inspect_url, revoke_url = _urls(device)
    client.force_login(moderator)

    inspect = client.get(inspect_url)
    confirm = client.get(revoke_url)
    done = client.post(revoke_url, {"reason": REASON}, follow=True)

    assert revoke_url in inspect.text and "Revoke the device" in inspect.text
    assert confirm.status_code == 200 and "Revoke this device?" in confirm.text
    assert done.redirect_chain == [(inspect_url, 302)]
    assert f"“{device.name}” is revoked, and its team is told why." in done.text
    assert Device.objects.get(pk=device.pk).revoked_at is not None
    assert not DeviceToken.objects.filter(device=device, revoked_at__isnull=True).exists()
    entry = AuditEntry.objects.get(action=Action.DEVICE_STAFF_REVOKE)
    assert (entry.actor, entry.data) == (moderator, {"device": device.pk, "reason": REASON})
    assert entry.organisation == device.listing.enterprise.organisation
    told = Notification.objects.get(kind=Notification.Kind.STAFF_ACTION, recipient=alice)
    assert told.title == f"Our staff revoked your device: {device.name}"
    assert f"The reason our staff gave: {REASON}" in told.body


def test_without_the_permission_staff_get_403_and_nothing_changes(client, bob, device):
    client.force_login(admin_viewer(bob, "view_device"))
    inspect_url, revoke_url = _urls(device)

    inspect = client.get(inspect_url)
    responses = (client.get(revoke_url).status_code, client.post(revoke_url, {"reason": REASON}).status_code)

    assert inspect.status_code == 200 and revoke_url not in inspect.text
    assert responses == (403, 403)
    assert Device.objects.get(pk=device.pk).revoked_at is None
    assert not AuditEntry.objects.filter(action=Action.DEVICE_STAFF_REVOKE).exists()


def test_the_reason_is_required(client, bob, device):
    client.force_login(admin_moderator(bob))

    response = client.post(_urls(device)[1], {"reason": ""})

    assert response.status_code == 400
    assert "Give the reason: the team is told what you did and why." in response.text
    assert Device.objects.get(pk=device.pk).revoked_at is None


def test_revoking_a_revoked_device_changes_nothing_and_says_so(client, bob, alice, device):
    actions.revoke_device(alice, device)
    inspect_url, revoke_url = _urls(device)
    client.force_login(admin_moderator(bob))

    again = client.post(revoke_url, {"reason": REASON}, follow=True)

    assert again.redirect_chain == [(inspect_url, 302)]
    assert f"“{device.name}” is already revoked: nothing changed." in again.text
    assert not AuditEntry.objects.filter(action=Action.DEVICE_STAFF_REVOKE).exists()
    assert not Notification.objects.filter(kind=Notification.Kind.STAFF_ACTION).exists()
