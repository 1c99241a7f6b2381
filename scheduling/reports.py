"""Telling staff that a scheduled job failed for good (after its retries)."""

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)


def alert_recipients():
    """SCHEDULER_ALERT_EMAILS when set, otherwise every active superuser with an email address."""
    if settings.SCHEDULER_ALERT_EMAILS:
        return list(settings.SCHEDULER_ALERT_EMAILS)
    users = get_user_model().objects.filter(is_active=True, is_superuser=True).exclude(email="")
    return sorted(users.values_list("email", flat=True))


def tell_staff_job_failed(job, run):
    recipients = alert_recipients()
    logger.error(
        "scheduled job failed after its retries",
        extra={"job": job.name, "slot": run.slot.isoformat(), "attempt": run.attempt, "told": len(recipients)},
    )
    if not recipients:
        return
    subject = _("Scheduled job failed: %(job)s") % {"job": job.name}
    body = _(
        "The scheduled job %(job)s (%(description)s) failed %(attempts)s times for its run of %(slot)s.\n\n"
        "Last error:\n%(error)s\n\nRun history: %(url)s"
    ) % {
        "job": job.name,
        "description": job.description,
        "attempts": run.attempt,
        "slot": run.slot.strftime("%Y-%m-%d %H:%M %Z"),
        "error": run.error[-2000:] or "-",
        "url": f"{settings.SITE_BASE_URL}/admin/scheduled-jobs/",
    }
    try:
        send_mail(f"[Homeward] {subject}", body, settings.DEFAULT_FROM_EMAIL, recipients)
    except Exception:  # the mail server being down must not stop the scheduler; the admin page shows the failure
        logger.exception("could not email staff about a failed scheduled job")
