"""Staff close a help request from its admin screen (people.actions.close_help_request_as_staff): only with the
moderation permission, always with a reason the organisation's members are told; the offers still waiting are
declined as when the requester closes it; closing a closed request changes nothing and says so."""

import pytest
from django.urls import reverse

from core.audit import Action
from core.models import AuditEntry
from notifications.models import Notification
from people import actions
from people.models import HelpRequest, Offer
from tests.helpers import admin_moderator, admin_viewer

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]

REASON = "需求內容涉及收費仲介，不符合平台規範"


@pytest.fixture(autouse=True)
def english():
    from django.utils import translation

    translation.activate("en")


def _urls(help_request):
    return (
        reverse("help_requests_admin:inspect", args=[help_request.pk]),
        reverse("help_requests_admin:close", args=[help_request.pk]),
    )


def _status(help_request):
    return HelpRequest.objects.get(pk=help_request.pk).status


def test_a_moderator_closes_a_request_the_waiting_offers_are_declined_and_the_team_told(
    client, bob, alice, expert, help_request, django_capture_on_commit_callbacks
):
    offer = actions.make_offer(expert.user, help_request, message="我可以幫忙")
    moderator = admin_moderator(bob)
    inspect_url, close_url = _urls(help_request)
    client.force_login(moderator)

    inspect = client.get(inspect_url)
    confirm = client.get(close_url)
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(close_url, {"reason": REASON}, follow=True)

    assert close_url in inspect.text and "Close the help request" in inspect.text
    assert confirm.status_code == 200 and "Close this help request?" in confirm.text
    assert done.redirect_chain == [(inspect_url, 302)]
    assert f"“{help_request.title}” is closed, and its organisation is told why." in done.text
    assert _status(help_request) == HelpRequest.Status.CLOSED
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.DECLINED
    entry = AuditEntry.objects.get(action=Action.HELP_REQUEST_STAFF_CLOSE)
    assert (entry.actor, entry.organisation, entry.data) == (
        moderator,
        help_request.organisation,
        {"help_request": help_request.pk, "declined": 1, "reason": REASON},
    )
    told = Notification.objects.get(kind=Notification.Kind.STAFF_ACTION)
    assert told.recipient == alice and REASON in told.body
    assert told.title == f"本站工作人員關閉了您的協助需求：{help_request.title}"  # Alice reads in Chinese
    assert Notification.objects.filter(recipient=expert.user, kind=Notification.Kind.HELP_OFFER).exists()


def test_without_the_permission_staff_get_403_and_nothing_changes(client, bob, help_request):
    client.force_login(admin_viewer(bob, "view_helprequest"))
    inspect_url, close_url = _urls(help_request)

    inspect = client.get(inspect_url)
    responses = (client.get(close_url).status_code, client.post(close_url, {"reason": REASON}).status_code)

    assert inspect.status_code == 200 and close_url not in inspect.text
    assert responses == (403, 403)
    assert _status(help_request) == HelpRequest.Status.OPEN
    assert not AuditEntry.objects.filter(action=Action.HELP_REQUEST_STAFF_CLOSE).exists()
    assert not Notification.objects.filter(kind=Notification.Kind.STAFF_ACTION).exists()


def test_the_reason_is_required(client, bob, help_request):
    client.force_login(admin_moderator(bob))

    response = client.post(_urls(help_request)[1], {"reason": "   "})

    assert response.status_code == 400
    assert "Give the reason: the team is told what you did and why." in response.text
    assert _status(help_request) == HelpRequest.Status.OPEN
    assert not AuditEntry.objects.filter(action=Action.HELP_REQUEST_STAFF_CLOSE).exists()


def test_closing_a_closed_request_changes_nothing_and_says_so(client, bob, alice, help_request):
    actions.close_help_request(alice, help_request)
    inspect_url, close_url = _urls(help_request)
    client.force_login(admin_moderator(bob))

    inspect = client.get(inspect_url).text
    again = client.post(close_url, {"reason": REASON}, follow=True)

    assert close_url not in inspect
    assert again.redirect_chain == [(inspect_url, 302)]
    assert f"“{help_request.title}” is already closed: nothing changed." in again.text
    assert not AuditEntry.objects.filter(action=Action.HELP_REQUEST_STAFF_CLOSE).exists()
    assert not Notification.objects.filter(kind=Notification.Kind.STAFF_ACTION).exists()
