"""Devices and their readings: tokens shown once, the ingestion API's answers, duplicates, limits, alerts."""

import datetime
import json

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from core.actions import ActionRefused
from core.models import AuditEntry
from notifications.models import Notification
from tests.factories.traceability import device_with_token, readings
from traceability import actions, measures, storage
from traceability.models import DeviceToken, Reading, ReadingAggregate

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]

API = "/api/trace/readings/"


def post(client, token, body):
    data = body if isinstance(body, str | bytes) else json.dumps(body)
    # Devices are told why in English unless they ask otherwise (Accept-Language picks the language of the reasons).
    headers = {"Accept-Language": "en", **({"Authorization": f"Bearer {token}"} if token else {})}
    return client.post(API, data, content_type="application/json", headers=headers)


def recent(minutes_ago=30):
    return (timezone.now() - datetime.timedelta(minutes=minutes_ago)).replace(second=0, microsecond=0)


@pytest.fixture
def device(listing, alice):
    return device_with_token(alice, listing)


def test_a_registered_device_gets_a_token_stored_only_as_its_hash(listing, alice):
    device, token = device_with_token(alice, listing)

    stored = DeviceToken.objects.get(device=device)
    assert token.startswith("hwd_") and len(token) > 40
    assert stored.token_hash == actions.hash_token(token) and token not in stored.token_hash
    assert stored.prefix == token[:12]
    assert AuditEntry.objects.filter(action="device.register").count() == 1


def test_a_batch_of_readings_is_stored_and_a_resent_batch_is_stored_once(client, device):
    device, token = device
    batch = readings("water_temperature", recent(90), 60) + readings("dissolved_oxygen", recent(90), 60, value=6.5)

    first = post(client, token, {"readings": batch})
    again = post(client, token, {"readings": batch[:10] + readings("water_temperature", recent(-1), 1)})

    assert first.status_code == 201, first.content
    assert first.json() == {"received": 120, "stored": 120, "duplicates": 0}
    assert again.status_code == 201
    assert again.json() == {"received": 11, "stored": 1, "duplicates": 10}
    assert Reading.objects.filter(device_id=device.pk).count() == 121
    device.refresh_from_db()
    assert device.last_seen_at is not None


@pytest.mark.parametrize(
    ("header", "code"),
    [
        (None, "no_token"),
        ("Basic abc", "no_token"),
        ("Bearer nope", "bad_token"),
        ("Bearer hwd_wrong", "unknown_token"),
    ],
)
def test_a_missing_or_wrong_token_is_refused_with_401_and_its_reason(client, device, header, code):
    headers = {"Authorization": header} if header else {}
    response = client.post(
        API,
        json.dumps({"readings": readings("ph", recent(), 1, value=7)}),
        content_type="application/json",
        headers=headers,
    )

    assert response.status_code == 401
    assert response.json()["code"] == code and response.json()["error"]
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert Reading.objects.count() == 0


def test_a_rotated_token_stops_working_at_once_and_a_revoked_device_is_told_why(client, device, alice):
    device, old_token = device
    new_token = actions.rotate_device_token(alice, device)
    body = {"readings": readings("water_temperature", recent(), 1)}

    assert post(client, old_token, body).json()["code"] == "replaced"
    assert post(client, new_token, body).status_code == 201

    actions.revoke_device(alice, device)
    refused = post(client, new_token, body)
    assert refused.status_code == 401 and refused.json()["code"] == "revoked"
    with pytest.raises(ActionRefused):
        actions.rotate_device_token(alice, device)
    assert list(
        AuditEntry.objects.filter(action__startswith="device.").values_list("action", flat=True).order_by("pk")
    ) == [
        "device.register",
        "device.token_rotate",
        "device.revoke",
    ]


@pytest.mark.parametrize(
    ("bad", "reason_has"),
    [
        ({"measure": "moon_phase", "value": 1}, "moon_phase"),
        ({"measure": "salinity", "value": 3}, "not registered"),
        ({"measure": "water_temperature", "value": 99}, "physically"),
        ({"measure": "water_temperature", "value": "warm"}, "number"),
        ({"measure": "dissolved_oxygen", "value": 6, "future": True}, "ahead"),
        ({"measure": "dissolved_oxygen", "value": 6, "at": "2026-03-01T08:30:00"}, "offset"),
        ({"measure": "water_temperature", "value": 10**400}, "number"),
        ({"measure": "water_temperature", "value": float("nan")}, "number"),
        ({"measure": "dissolved_oxygen", "value": 6, "at": "0001-01-01T00:00:00+08:00"}, "offset"),
        ({"measure": "dissolved_oxygen", "value": 6, "at": "9999-12-31T23:59:59-08:00"}, "offset"),
    ],
    ids=[
        *("unknown", "unregistered", "impossible", "text", "future", "no_offset"),
        *("huge_int", "nan", "year_1", "year_9999"),
    ],
)
def test_one_bad_reading_refuses_the_whole_batch_with_its_reason(client, device, bad, reason_has):
    device, token = device
    at = timezone.now() + datetime.timedelta(hours=2) if bad.pop("future", False) else recent()
    bad.setdefault("at", at.isoformat())
    body = {"readings": [*readings("water_temperature", recent(40), 5), bad]}

    response = post(client, token, body)

    assert response.status_code == 400
    answer = response.json()
    assert answer["code"] == "invalid_readings" and "nothing was stored" in answer["error"]
    assert answer["errors"][0]["index"] == 5 and reason_has in answer["errors"][0]["reason"]
    assert Reading.objects.count() == 0


@pytest.mark.parametrize(
    "body",
    ["not json", {"values": []}, {"readings": []}, "[" * 100_000, '{"readings": ' + "[" * 50_000 + "]" * 50_000 + "}"],
    ids=["text", "no_readings_key", "empty", "nested_past_the_parser", "nested_readings"],
)
def test_a_body_that_is_not_a_batch_of_readings_is_refused(client, device, body):
    response = post(client, device[1], body)

    assert response.status_code == 400 and response.json()["error"]


def test_an_oversized_batch_is_refused_with_413(client, device, settings):
    settings.TRACE_MAX_READINGS_PER_REQUEST = 10

    response = post(client, device[1], {"readings": readings("water_temperature", recent(), 11)})

    assert response.status_code == 413 and "at most 10" in response.json()["error"]
    assert Reading.objects.count() == 0


@pytest.mark.redis
def test_a_device_posting_too_often_is_told_when_to_retry(client, device, settings):
    settings.TRACE_DEVICE_REQUESTS_PER_MINUTE = 2
    device, token = device
    statuses = [
        post(client, token, {"readings": readings("water_temperature", recent(index), 1)}) for index in (1, 2, 3)
    ]

    assert [response.status_code for response in statuses] == [201, 201, 429]
    assert 1 <= int(statuses[2]["Retry-After"]) <= 60
    assert Reading.objects.count() == 2


def test_a_device_only_reports_measures_that_exist_and_shows_only_what_it_reports(listing, alice):
    with pytest.raises(ActionRefused):
        actions.register_device(alice, listing, name="x", township=listing.project.township, measure_codes=["moon"])
    device, _token = device_with_token(alice, listing, measures=("ph",), public=())
    with pytest.raises(ActionRefused):
        actions.set_public_measures(alice, device, ["salinity"])


def test_an_outsider_cannot_register_or_rotate_a_teams_device(listing, device, mallory):
    with pytest.raises(Exception):  # noqa: B017, PT011 (PermissionDenied or ActionRefused, both refuse)
        actions.register_device(mallory, listing, name="x", township=listing.project.township, measure_codes=["ph"])
    with pytest.raises(Exception):  # noqa: B017, PT011
        actions.rotate_device_token(mallory, device[0])
    assert DeviceToken.objects.count() == 1


def test_aggregates_summarise_each_hour_exactly(client, device):
    device, token = device
    start = recent(120).replace(minute=0)
    post(client, token, {"readings": readings("water_temperature", start, 60, value=20.0, step=0.1)})

    storage.refresh_aggregates()

    hour = ReadingAggregate.objects.get(
        device=device, measure=measures.BY_CODE["water_temperature"].number, resolution="h", start=start
    )
    assert hour.count == 60
    assert hour.minimum == pytest.approx(20.0) and hour.maximum == pytest.approx(25.9)
    assert hour.mean == pytest.approx(22.95)


def test_an_alert_waits_until_the_value_stays_outside_then_tells_the_team_once(
    client, device, alice, bob, django_capture_on_commit_callbacks
):
    device, token = device
    actions.add_alert_rule(alice, device, measure="dissolved_oxygen", minimum=4.0, sustained_minutes=10)
    start = recent(60)

    with django_capture_on_commit_callbacks(execute=True):
        post(client, token, {"readings": readings("dissolved_oxygen", start, 5, value=3.0)})  # 4 minutes low
    assert Notification.objects.filter(kind="trace_alert").count() == 0

    with django_capture_on_commit_callbacks(execute=True):
        post(
            client,
            token,
            {"readings": readings("dissolved_oxygen", start + datetime.timedelta(minutes=5), 15, value=3.0)},
        )
    alerts = Notification.objects.filter(kind="trace_alert")
    assert sorted(alerts.values_list("recipient__email", flat=True)) == ["alice@example.tw", "bob@example.tw"]
    assert "低於 4.0" in alerts.first().title  # in the team's language (the site's default here)

    with django_capture_on_commit_callbacks(execute=True):
        post(
            client,
            token,
            {"readings": readings("dissolved_oxygen", start + datetime.timedelta(minutes=30), 5, value=3.0)},
        )
    assert Notification.objects.filter(kind="trace_alert").count() == 2  # still the same episode: no repeat

    with django_capture_on_commit_callbacks(execute=True):
        post(
            client,
            token,
            {"readings": readings("dissolved_oxygen", start + datetime.timedelta(minutes=40), 1, value=6.0)},
        )
    assert Notification.objects.filter(kind="trace_alert").count() == 4  # "back within its limits", to both


def test_an_alert_rule_outside_what_the_measure_can_be_is_refused(device, alice):
    with pytest.raises(ActionRefused):
        actions.add_alert_rule(alice, device[0], measure="ph", minimum=15)
    with pytest.raises(ActionRefused):
        actions.add_alert_rule(alice, device[0], measure="dissolved_oxygen", minimum=6, maximum=5)
    with pytest.raises(ActionRefused):
        actions.add_alert_rule(alice, device[0], measure="dissolved_oxygen")


def test_the_team_registers_a_device_and_sees_its_token_once(client, listing, alice):
    client.force_login(alice)
    page = reverse("traceability:device_new", kwargs={"project_id": listing.project_id})

    response = client.post(
        page,
        {
            "name": "二號池探頭",
            "kind": "sensor",
            "township": listing.project.township_id,
            "measures": ["water_temperature", "ph"],
            "public_measures": ["water_temperature"],
        },
    )

    assert response.status_code == 201
    token = DeviceToken.objects.get()
    content = response.content.decode()
    assert "hwd_" in content and token.prefix in content
    detail = client.get(reverse("traceability:device", kwargs={"pk": token.device_id}))
    assert detail.status_code == 200 and "hwd_" + content.split("hwd_")[1][:30] not in detail.content.decode()


def test_the_team_hides_nonsense_readings_and_charts_figures_and_aggregates_leave_them_out(client, device, alice):
    from traceability import charts, queries

    device, token = device
    start = recent(180).replace(minute=0)
    number = measures.BY_CODE["water_temperature"].number
    post(client, token, {"readings": readings("water_temperature", start, 60, value=26.0)})
    # The probe was lifted out of the water for the next hour: 44 °C in the sun, then back to 26.
    spike = start + datetime.timedelta(hours=1)
    post(client, token, {"readings": readings("water_temperature", spike, 60, value=44.0)})
    post(client, token, {"readings": readings("dissolved_oxygen", spike, 60, value=7.5)})
    storage.refresh_aggregates()
    assert charts.series_for(device, ["water_temperature"], "day")["water_temperature"].highest == 44.0

    client.force_login(alice)
    response = client.post(
        reverse("traceability:readings_hide", kwargs={"pk": device.pk}),
        {
            "measure": "water_temperature",
            "start": timezone.localtime(spike).strftime("%Y-%m-%dT%H:%M"),
            "end": timezone.localtime(spike + datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "reason": "探頭拿出水面清洗",
        },
    )
    assert response.status_code == 302
    storage.refresh_aggregates()

    assert Reading.objects.filter(device=device, measure=number).count() == 120  # kept, not deleted
    for range_key in ("day", "week"):
        series = charts.series_for(device, ["water_temperature", "dissolved_oxygen"], range_key)
        assert series["water_temperature"].highest == 26.0  # the raw chart and the hourly aggregates alike
        assert series["dissolved_oxygen"].highest == 7.5  # another measure of the span is untouched
    assert not ReadingAggregate.objects.filter(device=device, measure=number, resolution="h", start=spike).exists()
    day = ReadingAggregate.objects.get(
        device=device, measure=number, resolution="d", start=storage.taiwan_day_start(start)
    )
    assert day.maximum == 26.0
    assert queries.latest_readings(device, ["water_temperature"])["water_temperature"][1] == 26.0
    entry = AuditEntry.objects.get(action="readings.hide")
    assert entry.actor == alice and entry.data["reason"] == "探頭拿出水面清洗"

    device_page = client.get(reverse("traceability:device", kwargs={"pk": device.pk})).content.decode()
    assert "探頭拿出水面清洗" in device_page
    project_page = client.get(device.listing.project.url).content.decode()
    assert "readings hidden by the team" in project_page or "的讀數已由團隊隱藏" in project_page
    assert "探頭拿出水面清洗" in project_page


def test_hiding_readings_needs_a_reason_a_real_span_and_the_team(device, alice, mallory):
    from django.core.exceptions import PermissionDenied

    device, _token = device
    end = timezone.now()
    start = end - datetime.timedelta(hours=1)
    with pytest.raises(ActionRefused, match="Say why"):
        actions.hide_readings(alice, device, measure="water_temperature", start=start, end=end, reason="  ")
    with pytest.raises(ActionRefused, match="ends before it starts"):
        actions.hide_readings(alice, device, measure="water_temperature", start=end, end=start, reason="x")
    with pytest.raises(ActionRefused, match="at most 31 days"):
        actions.hide_readings(
            alice, device, measure="water_temperature", start=end - datetime.timedelta(days=40), end=end, reason="x"
        )
    with pytest.raises(ActionRefused, match="does not report"):
        actions.hide_readings(alice, device, measure="salinity", start=start, end=end, reason="x")
    with pytest.raises(PermissionDenied):
        actions.hide_readings(mallory, device, measure="water_temperature", start=start, end=end, reason="x")
    assert not AuditEntry.objects.filter(action="readings.hide").exists()


def test_an_outsider_cannot_hide_a_teams_readings(client, device, mallory):
    device, _token = device
    client.force_login(mallory)
    end = timezone.localtime()
    data = {
        "measure": "water_temperature",
        "start": (end - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "end": end.strftime("%Y-%m-%dT%H:%M"),
        "reason": "hidden by someone else",
    }

    response = client.post(reverse("traceability:readings_hide", kwargs={"pk": device.pk}), data)

    assert response.status_code == 403
    assert not device.exclusions.exists()


def test_the_team_shows_hidden_readings_again_and_they_count_again(client, device, alice):
    from traceability import charts, queries

    device, token = device
    start = recent(180).replace(minute=0)
    number = measures.BY_CODE["water_temperature"].number
    spike = start + datetime.timedelta(hours=1)
    post(client, token, {"readings": readings("water_temperature", start, 60, value=26.0)})
    post(client, token, {"readings": readings("water_temperature", spike, 60, value=44.0)})
    exclusion = actions.hide_readings(
        alice,
        device,
        measure="water_temperature",
        start=spike,
        end=spike + datetime.timedelta(hours=1),
        reason="探頭拿出水面清洗",
    )
    storage.refresh_aggregates()
    assert charts.series_for(device, ["water_temperature"], "week")["water_temperature"].highest == 26.0
    assert queries.latest_readings(device, ["water_temperature"])["water_temperature"][1] == 26.0

    client.force_login(alice)
    page = client.get(reverse("traceability:device", kwargs={"pk": device.pk})).content.decode()
    show_url = reverse("traceability:readings_show", kwargs={"pk": device.pk, "exclusion_pk": exclusion.pk})
    assert f'action="{show_url}"' in page  # beside the hidden span, behind a confirmation
    response = client.post(show_url, follow=True)

    assert response.status_code == 200
    said = [str(message) for message in response.context["messages"]]
    assert len(said) == 1 and ("count again" in said[0] or "重新計入" in said[0])
    assert not device.exclusions.exists()
    storage.refresh_aggregates()
    for range_key in ("day", "week"):  # the raw chart and the hourly aggregates alike
        assert charts.series_for(device, ["water_temperature"], range_key)["water_temperature"].highest == 44.0
    hour = ReadingAggregate.objects.get(device=device, measure=number, resolution="h", start=spike)
    assert hour.count == 60 and hour.maximum == 44.0
    day = ReadingAggregate.objects.get(
        device=device, measure=number, resolution="d", start=storage.taiwan_day_start(spike)
    )
    assert day.maximum == 44.0
    assert queries.latest_readings(device, ["water_temperature"])["water_temperature"][1] == 44.0
    entry = AuditEntry.objects.get(action="readings.show")
    assert entry.actor == alice and entry.data["reason"] == "探頭拿出水面清洗"
    assert entry.data["measure"] == "water_temperature" and entry.data["start"] == spike.isoformat()
    project_page = client.get(device.listing.project.url).content.decode()
    assert "探頭拿出水面清洗" not in project_page


def test_an_outsider_cannot_show_a_teams_hidden_readings_again(client, device, alice, mallory):
    device, _token = device
    exclusion = actions.hide_readings(
        alice, device, measure="water_temperature", start=recent(60), end=recent(0), reason="探頭故障"
    )
    client.force_login(mallory)

    response = client.post(
        reverse("traceability:readings_show", kwargs={"pk": device.pk, "exclusion_pk": exclusion.pk})
    )

    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        actions.show_readings_again(mallory, exclusion)
    assert device.exclusions.filter(pk=exclusion.pk).exists()
    assert not AuditEntry.objects.filter(action="readings.show").exists()


def test_a_lone_reading_is_drawn_as_a_dot_not_an_invisible_line():
    from traceability import charts

    end = timezone.now()
    start = end - datetime.timedelta(days=1)
    measure = measures.BY_CODE["water_temperature"]

    def point(minutes_ago, value):
        return charts.Point(end - datetime.timedelta(minutes=minutes_ago), 1, value, value, value)

    one = charts.Series(measure=measure, points=[point(60, 26.0)], start=start, end=end)
    # Two lines of two points, and one point alone between two gaps.
    gappy = [point(600, 25.0), point(595, 25.1), point(300, 26.0), point(30, 27.0), point(25, 27.2)]
    gaps = charts.Series(measure=measure, points=gappy, start=start, end=end)

    lone = str(charts.render_svg(one, chart_id="one", step=300))
    between = str(charts.render_svg(gaps, chart_id="gaps", step=300))

    assert lone.count('class="chart-point"') == 1 and "lowest 26.0" in lone
    assert between.count('class="chart-point"') == 1 and between.count('class="chart-band"') == 2


def _other_team_device(mallory, kouhu, parent):
    """A device of Mallory's own team, on a project of hers."""
    from accounts.models import Organisation
    from cms.models import ProjectPage
    from marketplace.actions import save_enterprise_profile
    from marketplace.models import ProjectListing

    team = mallory.organisations.get(kind=Organisation.Kind.ENTERPRISE)
    profile = save_enterprise_profile(mallory, team, township=kouhu, summary="別人的魚塭")
    project = parent.add_child(instance=ProjectPage(title="別人的魚塭", slug="other-pond", township=kouhu, live=True))
    listing = ProjectListing.objects.create(project=project, enterprise=profile)
    return device_with_token(mallory, listing)


def test_a_token_posts_for_its_own_device_only_whatever_the_body_names(client, device, mallory, kouhu, listing):
    """Team B's token cannot write readings, alerts or "last seen" for team A's device: the token alone decides the
    device (a "device" or "device_id" in the body changes nothing), and team A cannot act on team B's device."""
    ours, _our_token = device
    theirs, their_token = _other_team_device(mallory, kouhu, listing.project.get_parent())
    body = {
        "device": ours.pk,
        "device_id": ours.pk,
        "readings": [{**reading, "device": ours.pk} for reading in readings("water_temperature", recent(), 3)],
    }

    response = post(client, their_token, body)

    assert response.status_code == 201 and response.json()["stored"] == 3
    assert Reading.objects.filter(device=theirs).count() == 3
    assert not Reading.objects.filter(device=ours).exists()
    ours.refresh_from_db()
    assert ours.last_seen_at is None
    with pytest.raises(PermissionDenied):
        actions.rotate_device_token(mallory, ours)
    with pytest.raises(PermissionDenied):
        actions.hide_readings(mallory, ours, measure="water_temperature", start=recent(60), end=recent(0), reason="x")


def test_an_alert_is_read_in_the_language_each_person_reads_now(
    client, device, alice, bob, listing, django_capture_on_commit_callbacks
):
    """Made while the team read Chinese (and the device posted in English); read later in English and Japanese, the
    measure's name and the sentence follow the reader, the device's name stays the team's own."""
    from tests.factories.accounts import UserFactory
    from tests.factories.payments import subscription
    from tests.helpers import notifications_page_in

    device, token = device
    actions.add_alert_rule(
        alice, device, measure="water_temperature", maximum=30.0, sustained_minutes=10, notify_backers=True
    )
    backer = UserFactory(email="backer@example.tw", preferred_language="zh-hant")
    subscription(listing, backer)

    with django_capture_on_commit_callbacks(execute=True):
        post(client, token, {"readings": readings("water_temperature", recent(60), 20, value=31.5)})

    made = Notification.objects.get(recipient=alice, kind="trace_alert")
    assert made.title == f"{device.name}的水溫：31.5 °C，已高於 30.0 達 10 分鐘以上。"
    client.force_login(alice)
    english, japanese = notifications_page_in(client, "en"), notifications_page_in(client, "ja")
    assert f"Water temperature at {device.name}: 31.5 °C, above 30.0 for 10 minutes or more." in english
    assert f"{device.name}の水温：31.5 °C。30.0 を上回った状態が10分以上続いています。" in japanese
    assert "水溫" not in english + japanese

    client.force_login(backer)
    english, japanese = notifications_page_in(client, "en"), notifications_page_in(client, "ja")
    assert "The team has been told and is looking after it." in english
    assert "チームには通知済みで、対応しています。" in japanese and "團隊已收到通知" not in japanese
