"""People's staff screens in the Wagtail admin: talent profiles, help requests and offers listed with filters and
search, read in words rather than codes, never changed there (people.actions does that), and shown only to staff
holding the model's view permission."""

import pytest
from django.urls import reverse

from people import actions
from people.models import HelpRequest, Offer
from tests.helpers import admin_viewer

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def viewer(bob):
    return admin_viewer(bob, "view_talentprofile", "view_helprequest", "view_offer")


@pytest.fixture
def offer(expert, help_request):
    return actions.make_offer(expert.user, help_request, message="我可以幫忙")


def test_a_profile_reads_its_fields_and_languages_in_words(client, viewer, expert):
    client.force_login(viewer)

    listing = client.get(reverse("talent_profiles:index"), {"kind": "expert"}).text
    page = client.get(reverse("talent_profiles:inspect", args=[expert.pk])).text

    assert expert.headline in listing
    assert "Farm and fishery R&amp;D" in page
    assert "Taiwanese Hokkien, Mandarin" in page
    assert ",farm_fishery," not in page and ",nan,zh," not in page


def test_help_requests_count_their_offers_and_filter_by_status(client, viewer, alice, help_request, offer):
    client.force_login(viewer)
    index = reverse("help_requests_admin:index")

    response = client.get(index, {"status": "open"})
    closed = client.get(index, {"status": "closed"}).text

    assert [row.offer_count for row in response.context["object_list"]] == [1]
    assert help_request.title in response.text and help_request.title not in closed
    inspect = client.get(reverse("help_requests_admin:inspect", args=[help_request.pk]))
    assert inspect.status_code == 200 and "Farm and fishery R&amp;D" in inspect.text


def test_offers_are_searched_by_request_and_never_changed_in_the_admin(client, viewer, offer):
    client.force_login(viewer)

    found = client.get(reverse("help_offers:index"), {"q": "水質"}).text
    missed = client.get(reverse("help_offers:index"), {"q": "咖啡"}).text
    inspect = client.get(reverse("help_offers:inspect", args=[offer.pk]))
    edit = client.post(reverse("help_offers:edit", args=[offer.pk]), {"status": "done"})

    assert "陳老師" in found and "陳老師" not in missed
    assert inspect.status_code == 200 and "我可以幫忙" in inspect.text
    assert (edit.status_code, edit["Location"]) == (302, "/admin/")
    assert Offer.objects.get(pk=offer.pk).status == Offer.Status.OFFERED


def test_staff_without_the_view_permission_are_sent_back_to_the_dashboard(client, bob, help_request):
    client.force_login(admin_viewer(bob, "view_talentprofile"))

    refused = client.get(reverse("help_requests_admin:index"))
    delete = client.post(reverse("help_requests_admin:delete", args=[help_request.pk]))

    assert [(r.status_code, r["Location"]) for r in (refused, delete)] == [(302, "/admin/")] * 2
    assert HelpRequest.objects.filter(pk=help_request.pk).exists()
