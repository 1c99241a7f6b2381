"""The demo's months of history: written through the ledger, visible on cards and the impact figures, written once."""

import pytest

from payments.demo import ensure_demo_history

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

NEIPU = "10013130"


@pytest.fixture
def demo_projects(home_pages, townships):
    from cms.actions import ensure_township_pages, township_page_for
    from cms.models import ProjectPage
    from marketplace.demo import ensure_demo_enterprises
    from places.models import Township

    ensure_township_pages(codes=[NEIPU])
    parent = township_page_for(Township.objects.get(code=NEIPU))
    projects = []
    for slug, title in (("cocoa", "屏東可可共同發酵場"), ("caltrop", "官田菱殼炭工坊")):
        project = parent.add_child(instance=ProjectPage(title=title, slug=slug, is_demo=True))
        project.save_revision().publish()
        projects.append(project)
    assert ensure_demo_enterprises() == 2
    return projects


def test_demo_history_puts_money_on_the_demo_projects_once(demo_projects, client):
    from impact.measures import figures
    from payments.ledger import totals_for_project
    from payments.models import LedgerEntry

    written = ensure_demo_history()

    assert written > 20
    for project in demo_projects:
        totals = totals_for_project(project.pk)
        assert totals.raised_twd > 0 and totals.backers > 5, project.title
    assert not LedgerEntry.objects.exclude(source_key__startswith="demo:").exists()
    assert ensure_demo_history() == 0, "a second run writes nothing"
    assert figures().taiwan.figures.value("raised_twd") == sum(
        totals_for_project(p.pk).raised_twd for p in demo_projects
    )

    page = client.get(demo_projects[1].url).text
    assert 'data-funding="raised">NT$0<' not in page


KOUHU, ZHUANGWEI = "10009190", "10002060"


@pytest.fixture
def demo_market(home_pages, townships):
    """The two demo projects that seek investment, their teams, and the six demo companies with their login."""
    from cms.actions import ensure_township_pages, township_page_for
    from cms.models import ProjectPage
    from marketplace.demo import ensure_demo_enterprises
    from marketplace.demo_commitments import KOUHU as KOUHU_TITLE
    from marketplace.demo_commitments import ZHUANGWEI as ZHUANGWEI_TITLE
    from marketplace.demo_companies import ensure_demo_companies
    from places.models import Township

    ensure_township_pages(codes=[KOUHU, ZHUANGWEI])
    for code, slug, title in ((KOUHU, "ponds", KOUHU_TITLE), (ZHUANGWEI, "field-class", ZHUANGWEI_TITLE)):
        parent = township_page_for(Township.objects.get(code=code))
        project = parent.add_child(instance=ProjectPage(title=title, slug=slug, is_demo=True))
        project.save_revision().publish()
    assert ensure_demo_enterprises() == 2
    assert ensure_demo_companies() == 6


def test_demo_commitments_go_through_the_pipeline_once_and_show_on_the_impact_map(
    demo_market, client, capsys, settings
):
    import json

    from django.core.management import CommandError, call_command
    from django.urls import reverse
    from django.utils import timezone

    from marketplace.demo_commitments import DEMO_INTERESTS, ensure_demo_commitments
    from marketplace.impact import impact_report
    from marketplace.models import CompanyProfile, Interest, InterestEvent

    call_command("load_demo_history")
    assert "Demo company interests written through the pipeline: 12." in capsys.readouterr().out
    assert ensure_demo_commitments() == 0, "a second run writes nothing"
    assert Interest.objects.count() == sum(len(specs) for specs in DEMO_INTERESTS.values()) == 12

    # Every interest went through the actions: an event per step, in order, spread over the past months.
    now = timezone.now()
    stages = set()
    for interest in Interest.objects.prefetch_related("events"):
        events = list(interest.events.order_by("pk"))
        assert events[0].to_stage == Interest.Stage.EXPRESSED and events[-1].to_stage == interest.stage
        assert all(a.at < b.at < now for a, b in zip(events, events[1:], strict=False)), interest
        assert all(a.to_stage == b.from_stage for a, b in zip(events, events[1:], strict=False)), interest
        assert interest.created == events[0].at and interest.updated == events[-1].at
        stages.add(interest.stage)
    assert stages >= {"expressed", "due_diligence", "term_sheet", "committed", "closed", "declined", "withdrawn"}
    committed_months = {
        event.at.strftime("%Y-%m") for event in InterestEvent.objects.filter(to_stage=Interest.Stage.COMMITTED)
    }
    assert len(committed_months) >= 3

    # The public map: both townships have commitments from three companies or more, so their sums are shown.
    document = json.loads(client.get(reverse("impact:json")).content)
    towns = {area["code"]: area for area in document["townships"] if area["code"] in (KOUHU, ZHUANGWEI)}
    assert towns[KOUHU]["committed_twd"] == 2_500_000 + 800_000 + 3_000_000 + 1_200_000
    assert towns[ZHUANGWEI]["committed_twd"] == 250_000 + 300_000 + 400_000
    assert all(town["returned_home"] > 0 for town in towns.values())
    assert document["taiwan"]["committed_twd"] == 8_450_000
    # Months with three committing companies are shown, the month with one is withheld.
    months = [row["committed_twd"] for row in document["months"] if row["committed_twd"] != 0]
    assert months == [2_500_000 + 800_000 + 250_000, None, 3_000_000 + 300_000 + 400_000]

    # A company's impact report counts its commitments (committed and closed).
    southern = CompanyProfile.objects.get(organisation__slug="demo-southern-foods")
    assert impact_report(southern).total_committed_twd == 800_000 + 300_000

    # It moves interests as a login whose password is published: never with the production settings.
    settings.SETTINGS_MODULE = "config.settings.production"
    with pytest.raises(CommandError):
        call_command("load_demo_history")


def test_the_demo_supporter_finds_their_backings_with_receipts_and_manages_the_subscription(
    demo_projects, client, settings
):
    """`supporter@homeward.test` signs in with its published password, finds its subscription (three months paid,
    each with its receipt) and its donation on My backings, and pauses the subscription through the demo gateway."""
    from django.urls import reverse

    from payments.demo import DEMO_SUPPORTER_EMAIL, DEMO_SUPPORTER_PASSWORD, ensure_demo_supporter
    from payments.models import Backing, LedgerEntry

    settings.PAYMENTS_GATEWAY = "demo"  # as `make run` without Stripe keys
    settings.STRIPE_SECRET_KEY = ""
    ensure_demo_history()

    assert ensure_demo_supporter() == 4
    assert ensure_demo_supporter() == 0, "a second run writes nothing"

    subscription = Backing.objects.get(backer__email=DEMO_SUPPORTER_EMAIL, kind="subscription")
    donation = Backing.objects.get(backer__email=DEMO_SUPPORTER_EMAIL, kind="donation")
    assert (subscription.status, donation.status) == ("active", "paid")
    receipts = list(
        LedgerEntry.objects.filter(backing__backer__email=DEMO_SUPPORTER_EMAIL).values_list("receipt_number", flat=True)
    )
    assert len(receipts) == 4 and all(receipts) and len(set(receipts)) == 4
    signed_in = client.post(
        reverse("account_login"), {"login": DEMO_SUPPORTER_EMAIL, "password": DEMO_SUPPORTER_PASSWORD}
    )
    assert signed_in.status_code == 302
    page = client.get(reverse("payments:my_backings")).content.decode()
    assert f'data-backing="{subscription.pk}"' in page and f'data-backing="{donation.pk}"' in page
    assert all(number in page for number in receipts)

    paused = client.post(reverse("payments:subscription_skip", kwargs={"pk": subscription.pk}), follow=True)
    assert [m.level_tag for m in paused.context["messages"]] == ["success"]
    subscription.refresh_from_db()
    assert subscription.status == "paused" and subscription.paused_until > subscription.current_period_end
