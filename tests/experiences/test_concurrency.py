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
