"""Traceability's staff screens in the Wagtail admin: batches, their records and the devices, listed with filters
and search, read in words rather than codes, never changed there (records are append-only; traceability.actions
changes the rest), and shown only to staff holding the model's view permission."""

import pytest
from django.urls import reverse

from tests.factories.traceability import device_with_token, record
from tests.helpers import admin_viewer
from traceability import actions
from traceability.models import Entry

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def viewer(bob):
    return admin_viewer(bob, "view_batch", "view_entry", "view_device")


def test_batches_are_listed_searched_and_filtered_by_publication(client, viewer, public_batch, alice, listing):
    draft = actions.create_batch(alice, listing, name="四月虱目魚", product="虱目魚")
    client.force_login(viewer)
    index = reverse("trace_batches:index")

    public_only = client.get(index, {"is_public": "true"}).text
    by_code = client.get(index, {"q": public_batch.code}).text

    assert public_batch.name in public_only and draft.name not in public_only
    assert public_batch.name in by_code and draft.name not in by_code
    assert client.get(reverse("trace_batches:inspect", args=[public_batch.pk])).status_code == 200


def test_a_record_reads_its_step_and_stays_as_written(client, viewer, alice, batch):
    entry = record(alice, batch, kind="harvest", description="收成三百台斤")
    client.force_login(viewer)

    listing = client.get(reverse("trace_entries:index"), {"kind": "harvest"}).text
    page = client.get(reverse("trace_entries:inspect", args=[entry.pk])).text
    edit = client.post(reverse("trace_entries:edit", args=[entry.pk]), {"description": "改寫"})

    assert batch.code in listing and "Harvest" in listing
    assert entry.entry_hash in page and "收成三百台斤" in page
    assert (edit.status_code, edit["Location"]) == (302, "/admin/")
    assert Entry.objects.get(pk=entry.pk).description == "收成三百台斤"


def test_a_device_names_its_measures(client, viewer, alice, listing):
    device, _token = device_with_token(alice, listing, measures=("water_temperature", "ph"), public=("ph",))
    client.force_login(viewer)

    page = client.get(reverse("trace_devices:inspect", args=[device.pk])).text
    listed = client.get(reverse("trace_devices:index"), {"q": "一號池"}).text

    assert "Water temperature (°C), pH" in page
    assert "water_temperature" not in page
    assert device.name in listed


def test_staff_without_the_view_permission_are_sent_back_to_the_dashboard(client, bob, batch):
    client.force_login(admin_viewer(bob, "view_device"))

    refused = [client.get(reverse("trace_batches:index")), client.get(reverse("trace_entries:index"))]

    assert [(r.status_code, r["Location"]) for r in refused] == [(302, "/admin/")] * 2
