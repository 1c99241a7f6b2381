"""Background work of experiences, run by the workers (the scheduler's jobs are declared in scheduling/jobs.py)."""

from django_tasks import task


@task()
def send_booking_reminders():
    """Daily: remind everyone with a place on tomorrow's slots, in their language (each booking once)."""
    from experiences.actions import send_reminders

    return {"sent": send_reminders()}


@task()
def expire_waitlist_offers():
    """Every few minutes: offers of freed places that ran out lapse, and the next people waiting are offered them."""
    from experiences.actions import expire_offers

    return {"lapsed": expire_offers()}


@task()
def send_person_digests():
    """Weekly (or more often: each person gets one digest per week): help requests matching people's profiles and
    new experiences near them, in their language."""
    from experiences.digests import send_person_digests as send

    return {"sent": send()}
