"""The impact measures from traceability: batches traced (by the project's township) and devices live (by the
device's township), on the page, in the downloads, in the cache version; made through traceability's actions and
the device API."""

import csv
import datetime
import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from impact import measures
from impact.measures import ImpactFilters
from impact.service import data_version
from places.models import Township
from tests.factories.market import GUANSHAN, KOUHU
from tests.factories.traceability import device_with_token, readings, record
from traceability import actions
from traceability.models import Device

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

API = "/api/trace/readings/"


def post_readings(client, token, measure="water_temperature", minutes_ago=30):
    start = (timezone.now() - datetime.timedelta(minutes=minutes_ago)).replace(second=0, microsecond=0)
    response = client.post(
        API,
        json.dumps({"readings": readings(measure, start, 5)}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 201, response.content
    return response


def traced_batch(alice, listing, name="三月吳郭魚", public=True):
    batch = actions.create_batch(alice, listing, name=name, product="吳郭魚")
    record(alice, batch, kind="planting", description="放養魚苗")
    if public:
        actions.set_batch_public(alice, batch, True)
    return batch


@pytest.fixture
def guanshan(townships):
    return Township.objects.get(code=GUANSHAN)


@pytest.fixture
def traces(client, listing, alice, guanshan):
    """Two public batches and an unpublished one; a live pond probe in 口湖, a live probe in 關山 (a partner's field),
    a private device, a silent one and a revoked one, all of the listing's project (口湖鄉)."""
    traced_batch(alice, listing, "一號池")
    traced_batch(alice, listing, "二號池")
    traced_batch(alice, listing, "還在記錄", public=False)
    kouhu_probe, kouhu_token = device_with_token(alice, listing, name="口湖探頭")
    post_readings(client, kouhu_token)
    partner_probe, partner_token = actions.register_device(
        alice,
        listing,
        name="關山合作田",
        township=guanshan,
        measure_codes=["soil_moisture"],
        public_codes=["soil_moisture"],
    )
    post_readings(client, partner_token, measure="soil_moisture")
    private, private_token = device_with_token(alice, listing, public=(), name="私下的探頭")
    post_readings(client, private_token)
    silent, silent_token = device_with_token(alice, listing, name="沉默的探頭")
    post_readings(client, silent_token)
    Device.objects.filter(pk=silent.pk).update(last_seen_at=timezone.now() - datetime.timedelta(days=2))
    revoked, revoked_token = device_with_token(alice, listing, name="撤銷的探頭")
    post_readings(client, revoked_token)
    actions.revoke_device(alice, revoked)
    return {"kouhu_probe": kouhu_probe, "partner_probe": partner_probe}


def by_code(data):
    return {area.code: area.figures for area in data.townships}


def test_batches_count_in_the_projects_township_and_live_devices_where_they_stand(traces):
    data = measures.figures()
    kouhu, guanshan = by_code(data)[KOUHU], by_code(data)[GUANSHAN]

    assert kouhu.batches_traced == 2, "public batches with records; the unpublished one is not counted"
    assert guanshan.batches_traced == 0
    assert kouhu.devices_live == 1, "not the private, the silent nor the revoked device"
    assert guanshan.devices_live == 1, "the partner's probe stands in 關山"
    assert (data.taiwan.figures.batches_traced, data.taiwan.figures.devices_live) == (2, 2)
    yunlin = data.county(Township.objects.get(code=KOUHU).county.code).figures
    assert (yunlin.batches_traced, yunlin.devices_live) == (2, 1)
    assert data.has_activity


def test_an_unpublished_project_counts_nothing(traces, listing):
    listing.project.unpublish()

    data = measures.figures()

    assert (data.taiwan.figures.batches_traced, data.taiwan.figures.devices_live) == (0, 0)


def test_filters_year_and_townships(traces, listing):
    from cms.models import Sector

    this_year = timezone.localdate().year
    assert measures.figures(ImpactFilters(year=this_year)).taiwan.figures.batches_traced == 2
    last_year = measures.figures(ImpactFilters(year=this_year - 1)).taiwan.figures
    assert last_year.batches_traced == 0, "batches are dated by their first publication"
    assert last_year.devices_live == 2, "a current count: the year does not apply"

    only_guanshan = measures.figures(ImpactFilters(township_codes=(GUANSHAN,))).taiwan.figures
    assert (only_guanshan.batches_traced, only_guanshan.devices_live) == (0, 1)
    only_kouhu = measures.figures(ImpactFilters(township_codes=(KOUHU,))).taiwan.figures
    assert (only_kouhu.batches_traced, only_kouhu.devices_live) == (2, 1)

    assert measures.figures(ImpactFilters(funding_type="subscription")).taiwan.figures.batches_traced == 2
    donation = measures.figures(ImpactFilters(funding_type="donation")).taiwan.figures
    assert (donation.batches_traced, donation.devices_live) == (0, 0), "the project takes no donations"
    other = Sector.objects.create(slug="test-other", name_zh="其他", name_en="Other", name_ja="その他")
    assert measures.figures(ImpactFilters(sector_id=other.pk)).taiwan.figures.batches_traced == 0


def test_more_batches_and_devices_cost_no_more_queries(client, traces, listing, alice):
    with CaptureQueriesContext(connection) as small:
        measures.figures()
    for number in range(4):
        traced_batch(alice, listing, f"更多 {number}")
        _device, token = device_with_token(alice, listing, name=f"更多探頭 {number}")
        post_readings(client, token)
    with CaptureQueriesContext(connection) as large:
        data = measures.figures()
    assert (data.taiwan.figures.batches_traced, data.taiwan.figures.devices_live) == (6, 6)
    assert len(large.captured_queries) == len(small.captured_queries) <= measures.QUERY_BUDGET


def test_the_data_version_follows_batches_and_devices(client, listing, alice):
    versions = [data_version()]

    def changed():
        versions.append(data_version())
        return versions[-1] != versions[-2]

    batch = actions.create_batch(alice, listing, name="四月", product="吳郭魚")
    assert not changed(), "an empty batch is not traced"
    record(alice, batch)
    actions.set_batch_public(alice, batch, True)
    assert changed(), "a batch published"
    actions.set_batch_public(alice, batch, False)
    assert changed(), "a batch unpublished"
    device, token = device_with_token(alice, listing)
    assert not changed(), "a device that never reported is not live"
    post_readings(client, token)
    assert changed(), "a device's first readings"
    post_readings(client, token, minutes_ago=20)
    assert not changed(), "more readings of a live device change no figure"
    actions.set_public_measures(alice, device, [])
    assert changed(), "a device whose measures are made private"
    actions.set_public_measures(alice, device, ["water_temperature"])
    assert changed()
    Device.objects.filter(pk=device.pk).update(last_seen_at=timezone.now() - datetime.timedelta(hours=25))
    assert changed(), "a device that fell silent"


def test_the_page_and_downloads_show_the_measures(client, traces):
    with translation.override("en"):
        page = client.get(reverse("impact:page"), {"measure": "devices_live"})
    assert page.status_code == 200
    text = page.text
    assert '<option value="devices_live" selected>' in text and "Batches traced" in text
    kouhu = Township.objects.select_related("county").get(code=KOUHU)
    with translation.override("en"):
        assert f'aria-label="{kouhu.full_name}: 1 · ' in text, "the map is coloured by live devices"
    assert "Batches traced: 2" in text, "a township's other figures name its traced batches"

    rows = list(csv.DictReader(io.StringIO(client.get(reverse("impact:csv")).content.decode("utf-8-sig"))))
    taiwan = rows[0]
    assert (taiwan["batches_traced"], taiwan["devices_live"]) == ("2", "2")
    document = json.loads(client.get(reverse("impact:json"), {"town": GUANSHAN}).content)
    assert document["taiwan"]["devices_live"] == 1 and document["taiwan"]["batches_traced"] == 0
    assert "devices_live" in document["fields"] and "batches_traced" in document["measures"]
