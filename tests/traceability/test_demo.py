"""The demo traces of `make run`: batches whose chains verify, devices with weeks of readings and charts, written
once; a later run only tops the readings up to now."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from marketplace.demo import DEMO_TEAM_EMAIL, DEMO_TEAM_PASSWORD
from traceability import charts, demo, queries
from traceability.badges import LIVE_DATA, TRACEABLE, badge_codes
from traceability.models import AlertRule, Batch, Device, Entry, Reading, ReadingAggregate

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

NEIPU, KOUHU = "10013130", "10009190"


@pytest.fixture
def demo_projects(home_pages, townships):
    from cms.actions import ensure_township_pages, township_page_for
    from cms.models import ProjectPage
    from marketplace.demo import ensure_demo_enterprises
    from places.models import Township

    ensure_township_pages(codes=[NEIPU, KOUHU])
    projects = {}
    for code, slug, title in ((NEIPU, "cocoa", demo.COCOA), (KOUHU, "ponds", demo.KOUHU)):
        parent = township_page_for(Township.objects.get(code=code))
        project = parent.add_child(instance=ProjectPage(title=title, slug=slug, is_demo=True))
        project.save_revision().publish()
        projects[title] = project
    assert ensure_demo_enterprises() == 2
    return projects


def test_the_demo_traces_are_written_once_and_every_chain_verifies(demo_projects, client):
    now = timezone.now()

    first = demo.ensure_demo_traces(now=now)

    specs = demo.COCOA_BATCHES + demo.KOUHU_BATCHES
    assert first["batches"] == len(specs) == Batch.objects.count()
    assert first["devices"] == len(demo.KOUHU_DEVICES) == Device.objects.count()
    assert Entry.objects.count() == sum(len(spec["records"]) for spec in specs)
    for batch in Batch.objects.select_related("listing"):
        assert batch.is_public and batch.entry_count > 0
        result = queries.verify_batch(batch, use_cache=False)
        assert result.intact, (batch.name, result.report.problems, result.file_problems)
        assert result.report.files_checked == batch.entries.filter(attachments__isnull=False).count()
    correction = Entry.objects.get(corrects__isnull=False)
    assert correction.corrects.details["boxes"] == "40" and correction.details["boxes"] == "38"
    cocoa = Batch.objects.filter(listing__project__title=demo.COCOA)
    assert all(batch.plan_id and batch.period_start <= batch.period_end for batch in cocoa), "in the plan's periods"
    assert Entry.objects.filter(kind="lab_test", attachments__kind="document").count() == 2

    steps = demo.DEMO_DAYS * 24 * 60 // demo.READING_MINUTES
    measures_reported = sum(len(spec["measures"]) for spec in demo.KOUHU_DEVICES)
    assert steps * measures_reported <= first["readings"] <= (steps + 1) * measures_reported
    assert Reading.objects.count() == first["readings"]
    assert AlertRule.objects.filter(measure="dissolved_oxygen", minimum=4.0).count() == 1
    probe = Device.objects.get(name="三號池水質探頭")
    assert now - probe.last_seen_at < datetime.timedelta(minutes=demo.READING_MINUTES)
    assert ReadingAggregate.objects.filter(device=probe, resolution="d").count() >= demo.DEMO_DAYS * 4
    week = charts.series_for(probe, probe.public_measures, "week", now=now)
    assert all(len(series.points) >= 7 * 24 - 2 for series in week.values()), "a week of hourly points a measure"
    assert all(2 < series.mean < 30 for series in week.values())
    day = charts.series_for(probe, ["dissolved_oxygen"], "day", now=now)["dissolved_oxygen"]
    assert len(day.points) >= 24 * 12 - 2 and day.lowest < day.highest

    ponds = demo_projects[demo.KOUHU]
    assert badge_codes(ponds) == [TRACEABLE, LIVE_DATA]
    assert badge_codes(demo_projects[demo.COCOA]) == [TRACEABLE]
    batch = Batch.objects.get(name="三號池吳郭魚 春季")
    page = client.get(reverse("traceability:batch", kwargs={"code": batch.code}))
    assert page.status_code == 200 and "清晨收網的三號池" in page.text
    project_page = client.get(ponds.url).text
    assert "三號池水質探頭" in project_page and batch.code in project_page

    again = demo.ensure_demo_traces(now=now)
    assert again == {"batches": 0, "devices": 0, "readings": 0, "hours_aggregated": 0}
    assert Batch.objects.count() == len(specs) and Reading.objects.count() == first["readings"]

    later = demo.ensure_demo_traces(now=now + datetime.timedelta(hours=1))
    assert later["batches"] == later["devices"] == 0
    assert later["readings"] == 60 // demo.READING_MINUTES * measures_reported, "topped up to the new now"
    assert later["hours_aggregated"] >= 1


def test_the_command_prints_the_team_login_and_refuses_production_settings(demo_projects, capsys, settings):
    call_command("load_demo_traces")
    printed = capsys.readouterr().out
    assert "batches created: 3" in printed and f"{DEMO_TEAM_EMAIL} / {DEMO_TEAM_PASSWORD}" in printed
    from accounts.models import User

    team = User.objects.get(email=DEMO_TEAM_EMAIL)
    assert {m.organisation.slug for m in team.memberships.select_related("organisation")} == {
        "demo-pingtung-cocoa",
        "demo-kouhu-fishponds",
    }

    from django.core.management.base import CommandError

    settings.SETTINGS_MODULE = "config.settings.production"
    with pytest.raises(CommandError):
        call_command("load_demo_traces")
