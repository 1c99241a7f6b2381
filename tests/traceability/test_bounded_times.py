"""A record's time and a hidden span of readings are bounded like every other date people type: the form says the
limit in the reader's language, the picker offers only the times allowed, and the action refuses the rest too."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone

from core.actions import ActionRefused
from tests.factories.traceability import device_with_token
from traceability import actions
from traceability.models import Entry, ReadingExclusion, earliest_entry_time, earliest_hidden_reading

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


def _in_language(url, language):
    return f"/{language}{url[url.index('/', 1) :]}"


def _input(page, name_attr):
    return re.search(rf"<input[^>]*\bname=\"{name_attr}\"[^>]*>", page).group(0)


@pytest.fixture
def device(listing, alice):
    return device_with_token(alice, listing)[0]


def _entry_data(batch, occurred_at):
    return {
        "kind": "harvest",
        "occurred_at": occurred_at,
        "township": batch.listing.project.township_id,
        "performed_by": "阿明",
        "description": "採收第三區",
    }


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "within 5 years of what it records"), ("zh-hant", "5 年內"), ("ja", "5 年以内")],
)
def test_a_record_dated_decades_ago_is_refused_with_the_limit_and_keeps_what_was_typed(
    client, batch, alice, language, words
):
    client.force_login(alice)
    url = _in_language(reverse("traceability:batch_manage", kwargs={"code": batch.code}), language)

    response = client.post(url, _entry_data(batch, "0001-01-01T08:00"))

    assert response.status_code == 400
    assert words in response.text
    field = _input(response.text, "occurred_at")
    assert 'value="0001-01-01T08:00"' in field and 'aria-invalid="true"' in field
    assert "採收第三區" in response.text
    assert not Entry.objects.filter(batch=batch).exists()


def test_the_record_time_picker_offers_only_the_times_allowed_and_the_limit_itself_is_accepted(
    client, batch, alice, settings
):
    settings.TRACE_ENTRY_MAX_YEARS_BACK = 3
    client.force_login(alice)
    url = reverse("traceability:batch_manage", kwargs={"code": batch.code})
    earliest = earliest_entry_time()
    assert timezone.localtime(earliest).date().year == timezone.localdate().year - 3

    field = _input(client.get(url).text, "occurred_at")
    assert f'min="{_local(earliest)}"' in field and re.search(r'max="\d{4}-\d\d-\d\dT\d\d:\d\d"', field)

    assert client.post(url, _entry_data(batch, _local(earliest - datetime.timedelta(minutes=1)))).status_code == 400
    assert client.post(url, _entry_data(batch, _local(earliest))).status_code == 302
    assert Entry.objects.get(batch=batch).occurred_at == earliest


def test_the_action_refuses_a_record_older_than_the_limit_whoever_calls_it(batch, alice):
    with pytest.raises(ActionRefused, match="within 5 years"):
        actions.append_entry(
            alice,
            batch,
            kind="harvest",
            occurred_at=earliest_entry_time() - datetime.timedelta(seconds=1),
            township=batch.listing.project.township,
            performed_by="阿明",
        )
    assert not Entry.objects.filter(batch=batch).exists()


@pytest.mark.parametrize(
    ("language", "words"),
    [("en", "kept in full for 180 days"), ("zh-hant", "180 天"), ("ja", "180 日間")],
)
def test_hiding_readings_from_years_ago_is_refused_with_the_limit_and_keeps_the_reason_typed(
    client, device, alice, language, words
):
    client.force_login(alice)
    url = _in_language(reverse("traceability:readings_hide", kwargs={"pk": device.pk}), language)
    data = {
        "measure": "water_temperature",
        "start": "0001-01-01T00:00",
        "end": "0001-01-02T00:00",
        "reason": "探頭拿出水面清洗",
    }

    response = client.post(url, data)

    assert response.status_code == 400
    assert words in response.text
    start = _input(response.text, "start")
    assert 'value="0001-01-01T00:00"' in start and 'aria-invalid="true"' in start and "id_hide_start_error" in start
    assert 'value="探頭拿出水面清洗"' in _input(response.text, "reason")
    assert not ReadingExclusion.objects.exists()


def test_the_hide_pickers_offer_the_kept_days_and_the_action_refuses_older_spans(client, device, alice):
    client.force_login(alice)
    page = client.get(reverse("traceability:device", kwargs={"pk": device.pk})).text
    earliest = earliest_hidden_reading()
    assert f'min="{_local(earliest)}"' in _input(page, "start")
    assert f'min="{_local(earliest)}"' in _input(page, "end")
    assert (timezone.localdate() - timezone.localtime(earliest).date()).days == 180

    with pytest.raises(ActionRefused, match="kept in full for 180 days"):
        actions.hide_readings(
            alice,
            device,
            measure="water_temperature",
            start=earliest - datetime.timedelta(minutes=1),
            end=earliest + datetime.timedelta(hours=1),
            reason="探頭故障",
        )
    kept = actions.hide_readings(
        alice,
        device,
        measure="water_temperature",
        start=earliest,
        end=earliest + datetime.timedelta(hours=1),
        reason="探頭故障",
    )
    assert kept.start == earliest


def test_a_refused_alert_comes_back_filled_in_on_the_device_page(client, device, alice):
    client.force_login(alice)
    url = _in_language(reverse("traceability:alert_add", kwargs={"pk": device.pk}), "en")

    response = client.post(
        url, {"measure": "water_temperature", "minimum": "90", "maximum": "10", "sustained_minutes": "15"}
    )

    assert response.status_code == 400
    assert 'value="90"' in _input(response.text, "minimum") and 'value="15"' in _input(
        response.text, "sustained_minutes"
    )
    assert "data-error-summary" in response.text
    assert not device.alert_rules.exists()
