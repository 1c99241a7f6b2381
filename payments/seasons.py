"""Seasonal plans bill only in their season (SubscriptionPlan.season_months, 1..12).

Run daily (`manage.py apply_seasonal_billing`, or the task
payments.tasks.seasonal_billing). Outside the season each
running subscription of a seasonal plan is paused (charges voided) until the
first day of the next season month; inside the season a pause the season made
is lifted. A pause the backer chose that already reaches the season is left
alone. Running it twice changes nothing the second time.
"""

import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from core.actions import ActionRefused
from payments import subscriptions
from payments.models import Backing

PAUSE = "pause"
RESUME = "resume"


def in_season(season_months, day):
    return not season_months or day.month in season_months


def next_season_start(season_months, day):
    """The first day of the next month in season after `day`'s month (None when there is no season)."""
    months = set(season_months)
    if not months:
        return None
    year, month = day.year, day.month
    for _step in range(12):
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if month in months:
            return datetime.date(year, month, 1)
    return None


def season_action(backing, day):
    """(PAUSE, resumes_at), (RESUME, None) or None: what the season asks of this subscription on `day`."""
    season = backing.plan.season_months
    if in_season(season, day):
        if backing.pause_reason == subscriptions.PAUSE_FOR_SEASON:
            return RESUME, None
        return None
    resumes_at = subscriptions.start_of_day(next_season_start(season, day))
    if backing.paused_until and backing.paused_until >= resumes_at:
        return None  # already paused at least until the season (by the season, or by the backer)
    return PAUSE, resumes_at


@dataclass
class SeasonRun:
    checked: int = 0
    paused: int = 0
    resumed: int = 0
    failed: list = field(default_factory=list)


def seasonal_subscriptions():
    return (
        Backing.objects.filter(kind=Backing.Kind.SUBSCRIPTION, status__in=subscriptions.MANAGEABLE)
        .exclude(stripe_subscription_id=None)
        .exclude(plan__season_months=[])
        .select_related("plan", "listing")
        .order_by("pk")
    )


def apply_seasonal_billing(day=None, dry_run=False, progress=None):
    """Pause or resume each seasonal subscription as its season says; returns a SeasonRun."""
    day = day or timezone.localdate()
    say = progress or (lambda line: None)
    run = SeasonRun()
    backings = list(seasonal_subscriptions())
    for number, backing in enumerate(backings, start=1):
        run.checked += 1
        decision = season_action(backing, day)
        if decision is None:
            continue
        action, resumes_at = decision
        what = f"pause until {resumes_at.date().isoformat()}" if action == PAUSE else "resume (in season)"
        suffix = " — dry run" if dry_run else ""
        say(f"[{number}/{len(backings)}] backing {backing.pk} ({backing.plan.name}): {what}{suffix}")
        if dry_run:
            run.paused += action == PAUSE
            run.resumed += action == RESUME
            continue
        try:
            if action == PAUSE:
                subscriptions.pause_for_season(backing, resumes_at)
                run.paused += 1
            else:
                subscriptions.resume_for_season(backing)
                run.resumed += 1
        except ActionRefused as refused:
            run.failed.append(backing.pk)
            say(f"    failed: {refused.message}")
    return run
