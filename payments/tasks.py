"""Daily background tasks of subscription management, seasons and campaign settlement."""

from django_tasks import task

from payments.seasons import apply_seasonal_billing


@task()
def seasonal_billing():
    """Run daily: seasonal plans bill only in their season."""
    run = apply_seasonal_billing()
    return {"checked": run.checked, "paused": run.paused, "resumed": run.resumed, "failed": run.failed}


@task()
def campaign_settlement():
    """Run daily: settle donation campaigns past their deadline (all-or-nothing ones short of the goal are refunded)."""
    from payments.refunds import settle_campaigns

    run = settle_campaigns()
    return {
        "succeeded": run.succeeded,
        "failed": run.failed,
        "ended": run.ended,
        "refunds_requested": run.refunds_requested,
        "refund_errors": run.refund_errors,
    }
