"""The minimum age at booking, and what a person is told about their bookings (in their own language)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import translation

from core.actions import ActionRefused
from core.models import AuditEntry
from experiences import actions
from experiences.models import Booking
from notifications.models import Notification
from tests.experiences.conftest import make_experience, soon
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
HOUR = datetime.timedelta(hours=1)


@pytest.fixture
def adults_only(alice, office):
    experience = make_experience(alice, office, title_zh="夜間賞螢", minimum_age=18)
    start = soon(4)
    slot = actions.add_slot(alice, experience, starts_at=start, ends_at=start + 2 * HOUR, capacity=3)
    return slot


# --- minimum age ----------------------------------------------------------------------------------


def test_a_minimum_age_is_confirmed_at_booking_or_nothing_is_booked(adults_only):
    person = UserFactory()
    with pytest.raises(ActionRefused, match="aged 18 and over"):
        actions.book(person, adults_only)
    assert not Booking.objects.exists()
    assert not AuditEntry.objects.filter(action="booking.create").exists()
    assert not Notification.objects.filter(recipient=person).exists()

    booking = actions.book(person, adults_only, age_confirmed=True)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.age_confirmed is True


def test_all_ages_need_no_confirmation(slot):
    booking = actions.book(UserFactory(), slot)
    assert booking.status == Booking.Status.CONFIRMED
    assert booking.age_confirmed is False


def test_the_booking_page_asks_and_explains_a_refusal(client, adults_only):
    person = UserFactory()
    client.force_login(person)
    detail = client.get(reverse("experiences:detail", kwargs={"pk": adults_only.experience_id})).text
    assert 'name="age_confirmed"' in detail
    assert "I am 18 or older" in detail
    assert "your age itself is not asked or stored" in detail

    response = client.post(reverse("experiences:book", kwargs={"pk": adults_only.pk}), follow=True)
    assert "confirm that you are 18 or older to book" in response.text
    assert not Booking.objects.exists()

    response = client.post(
        reverse("experiences:book", kwargs={"pk": adults_only.pk}), {"age_confirmed": "1"}, follow=True
    )
    assert Booking.objects.get(person=person).status == Booking.Status.CONFIRMED


def test_the_refusal_is_in_the_page_language(client, adults_only):
    client.force_login(UserFactory())
    with translation.override("ja"):
        url = reverse("experiences:book", kwargs={"pk": adults_only.pk})
    response = client.post(url, follow=True)
    assert "18" in response.text and "歳" in response.text
    assert not Booking.objects.exists()


# --- notifications ------------------------------------------------------------------------------------


def test_a_confirmed_booking_is_told_in_the_persons_language(slot):
    japanese = UserFactory(preferred_language="ja")
    chinese = UserFactory(preferred_language="zh-hant")
    actions.book(japanese, slot)
    actions.book(chinese, slot)
    waiting = UserFactory(preferred_language="en")
    actions.book(waiting, slot)  # full: on the waitlist, no confirmation
    assert "予約" in Notification.objects.get(recipient=japanese, kind="booking_confirmed").title
    assert "預約" in Notification.objects.get(recipient=chinese, kind="booking_confirmed").title
    assert not Notification.objects.filter(recipient=waiting, kind="booking_confirmed").exists()


def test_a_waitlist_place_offered_then_claimed_is_told(alice, slot):
    first, second = UserFactory(), UserFactory()
    waiting = UserFactory(preferred_language="en")
    held = actions.book(first, slot)
    actions.book(second, slot)
    queued = actions.book(waiting, slot)
    actions.cancel_booking(first, held)
    offered = Notification.objects.get(recipient=waiting, kind="booking_offer")
    assert offered.title.startswith("A place is free for you")
    queued.refresh_from_db()
    actions.claim_offer(waiting, queued)
    assert Notification.objects.get(recipient=waiting, kind="booking_confirmed").title.startswith(
        "Your place is booked"
    )


def test_a_slot_cancelled_by_the_organiser_is_told_to_everyone_booked_or_waiting(alice, slot):
    booked = UserFactory(preferred_language="ja")
    other = UserFactory()
    waiting = UserFactory(preferred_language="en")
    for person in (booked, other, waiting):
        actions.book(person, slot)
    actions.cancel_slot(alice, slot)
    assert Notification.objects.filter(kind="booking_cancelled").count() == 3
    assert Notification.objects.get(recipient=waiting, kind="booking_cancelled").title.startswith("Cancelled")
    assert "中止" in Notification.objects.get(recipient=booked, kind="booking_cancelled").title
    with pytest.raises(ActionRefused, match="cancelled by the organiser"):
        actions.book(UserFactory(), slot)
