"""The experiences' staff screens in the Wagtail admin: listings with filters and search, readable inspect screens,
nothing added, edited or deleted there, and only staff holding the model's view permission get in."""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse

from experiences import actions
from experiences.models import Booking, Experience
from tests.experiences.conftest import make_experience
from tests.factories.accounts import UserFactory
from tests.helpers import admin_viewer

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def viewer(bob):
    return admin_viewer(bob, "view_experience", "view_slot", "view_booking")


@pytest.fixture
def booking(slot):
    return actions.book(UserFactory(email="visitor@example.tw", display_name="遊客甲"), slot)


def test_staff_list_filter_and_search_experiences(client, viewer, alice, office, experience):
    workshop = make_experience(alice, office, kind=Experience.Kind.WORKSHOP, title_zh="竹編工作坊", price_twd=1200)
    client.force_login(viewer)
    index = reverse("experiences_admin:index")

    page = client.get(index).text
    by_kind = client.get(index, {"kind": "workshop"}).text
    searched = client.get(index, {"q": "採茶"}).text

    assert experience.title_zh in page and workshop.title_zh in page
    assert "NT$1,200" in page and "1200" not in page.replace("NT$1,200", "")
    assert workshop.title_zh in by_kind and experience.title_zh not in by_kind
    assert experience.title_zh in searched and workshop.title_zh not in searched


def test_an_experience_reads_in_words_not_codes(client, viewer, experience):
    client.force_login(viewer)

    page = client.get(reverse("experiences_admin:inspect", args=[experience.pk])).text

    assert "Mandarin, English" in page
    assert "Flexible: full refund up to 24 hours before the start" in page
    assert "[&#x27;zh&#x27;, &#x27;en&#x27;]" not in page and "['zh', 'en']" not in page


def test_a_slot_shows_its_places_taken_and_its_waitlist(client, viewer, slot, booking):
    actions.book(UserFactory(), slot)
    actions.book(UserFactory(), slot)  # the third person on a slot of two waits
    client.force_login(viewer)

    response = client.get(reverse("experience_slots:index"))

    assert [(row.taken, row.waiting) for row in response.context["object_list"] if row.pk == slot.pk] == [(2, 1)]
    assert client.get(reverse("experience_slots:inspect", args=[slot.pk])).status_code == 200


def test_bookings_are_looked_at_never_changed_in_the_admin(client, viewer, booking):
    client.force_login(viewer)

    page = client.get(reverse("bookings_admin:index"), {"status": "confirmed"}).text
    inspect = client.get(reverse("bookings_admin:inspect", args=[booking.pk]))
    edit = client.post(reverse("bookings_admin:edit", args=[booking.pk]), {"status": "cancelled"})
    delete = client.post(reverse("bookings_admin:delete", args=[booking.pk]))

    assert "遊客甲" in page
    assert inspect.status_code == 200
    assert (edit.status_code, edit["Location"]) == (302, "/admin/")
    assert (delete.status_code, delete["Location"]) == (302, "/admin/")
    assert Booking.objects.get(pk=booking.pk).status == Booking.Status.CONFIRMED
    assert reverse("bookings_admin:add") not in page


def test_staff_without_the_view_permission_are_sent_back_to_the_dashboard(client, bob, experience, booking):
    client.force_login(admin_viewer(bob, "view_experience"))

    allowed = client.get(reverse("experiences_admin:index"))
    refused = [
        client.get(reverse("bookings_admin:index")),
        client.get(reverse("bookings_admin:inspect", args=[booking.pk])),
    ]

    assert allowed.status_code == 200
    assert [(response.status_code, response["Location"]) for response in refused] == [(302, "/admin/")] * 2


def test_moderators_see_experiences_but_not_who_booked_them(client, bob, experience, booking):
    from django.contrib.auth.models import Group

    from accounts.staff import MODERATORS, ensure_staff_groups

    ensure_staff_groups()
    moderator = admin_viewer(bob)
    moderator.groups.add(Group.objects.get(name=MODERATORS))
    client.force_login(moderator)

    experiences = client.get(reverse("experiences_admin:index"))
    bookings = client.get(reverse("bookings_admin:index"))

    assert experiences.status_code == 200 and experience.title_zh in experiences.text
    assert (bookings.status_code, bookings["Location"]) == (302, "/admin/")


def test_slot_and_booking_statuses_read_with_a_capital_not_as_codes(client, viewer, slot, booking):
    actions.book(UserFactory(), slot)
    waiting = actions.book(UserFactory(), slot)  # the third person on a slot of two waits
    client.force_login(viewer)

    def cells(url):
        page = BeautifulSoup(client.get(url).text, "html.parser")
        return {cell.get_text(" ", strip=True) for cell in page.select("tbody td, dd")}

    slots = cells(reverse("experience_slots:index"))
    bookings = cells(reverse("bookings_admin:index"))
    inspect = cells(reverse("bookings_admin:inspect", args=[waiting.pk]))

    assert "Open" in slots and "open" not in slots
    assert {"Confirmed", "On the waitlist"} <= bookings
    assert not bookings & {"confirmed", "waitlisted", "on the waitlist"}
    assert "On the waitlist" in inspect and "waitlisted" not in inspect
