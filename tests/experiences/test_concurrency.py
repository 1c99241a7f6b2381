"""Capacity is never oversold: many people booking the last places of a slot at once, each on their own connection."""

import threading

import pytest
from django.db import connection

from experiences import actions
from experiences.models import Booking
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_concurrent_bookings_for_the_last_places_never_oversell(slot):
    # The slot has 2 places; one is taken: 12 people race for the last one.
    actions.book(UserFactory(), slot)
    people = [UserFactory() for _ in range(12)]
    barrier = threading.Barrier(len(people))
    outcomes, errors = [], []

    def attempt(person):
        try:
            barrier.wait()
            outcomes.append(actions.book(person, slot).status)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=attempt, args=(person,)) for person in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert outcomes.count(Booking.Status.CONFIRMED) == 1
    assert outcomes.count(Booking.Status.WAITLISTED) == 11
    assert slot.bookings.holding_a_place().count() == 2
    # The waitlist keeps the order the bookings were made in.
    waiting = list(slot.bookings.filter(status=Booking.Status.WAITLISTED).values_list("created", flat=True))
    assert waiting == sorted(waiting)


def test_one_person_booking_two_overlapping_slots_at_once_gets_only_one(alice, office, slot):
    """Each request locks its own slot: without the person's own lock, the second request checks for a clash while
    the first one's booking is not committed yet, and both places are taken. The first request here keeps its
    transaction open (for up to two seconds) while the second one runs."""
    import datetime

    from django.db import transaction
    from django.utils import translation

    from core.actions import ActionRefused
    from tests.experiences.conftest import make_experience

    other = make_experience(alice, office, title_zh="竹山竹編體驗")
    start = slot.starts_at + datetime.timedelta(hours=1)
    overlapping = actions.add_slot(
        alice, other, starts_at=start, ends_at=start + datetime.timedelta(hours=3), capacity=5
    )
    person = UserFactory()
    first_booked, second_done = threading.Event(), threading.Event()
    outcomes, errors = {}, []

    def first():
        try:
            with transaction.atomic():
                outcomes["first"] = actions.book(person, slot).status
                first_booked.set()
                second_done.wait(timeout=2)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            first_booked.set()
            connection.close()

    def second():
        try:
            first_booked.wait(timeout=10)
            with translation.override("en"):  # a thread starts in the default language
                outcomes["second"] = actions.book(person, overlapping).status
        except ActionRefused as refused:
            outcomes["second"] = str(refused)
        except Exception as error:  # reported below
            errors.append(error)
        finally:
            second_done.set()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert outcomes["first"] == Booking.Status.CONFIRMED
    assert outcomes["second"].startswith("You already have a place at that time: 竹山採茶體驗")
    assert Booking.objects.filter(person=person).holding_a_place().count() == 1
