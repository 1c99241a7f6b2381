"""The weekly digest: each company member who wants recommendations gets the new projects matching the
company's saved searches since the last digest. One DigestRun per company and ISO week makes it idempotent.
"""

import datetime

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_noop

from marketplace.models import CompanyProfile, DigestRun
from notifications.actions import in_language_of, notify
from notifications.messages import Message
from notifications.models import Notification

FIRST_DIGEST_LOOKBACK = datetime.timedelta(days=7)


def week_of(moment):
    day = timezone.localtime(moment).date()
    return day - datetime.timedelta(days=day.weekday())


def projects_matching(saved_search, since):
    """Public projects first published after `since` that fit every criterion of `saved_search`."""
    from cms.public import public_projects

    projects = public_projects().filter(first_published_at__gt=since)
    sector_ids = list(saved_search.sectors.values_list("pk", flat=True))
    county_ids = list(saved_search.counties.values_list("pk", flat=True))
    if sector_ids:
        projects = projects.filter(sector_id__in=sector_ids)
    if county_ids:
        projects = projects.filter(township__county_id__in=county_ids)
    if saved_search.priority_areas_only:
        projects = projects.filter(township__is_priority_area=True)
    if saved_search.seeking_investment_only:
        projects = projects.filter(Q(listing__seeks_investment=True))
    return projects


def new_projects_for(company, since):
    found = {}
    for saved_search in company.saved_searches.all():
        for project in projects_matching(saved_search, since):
            found.setdefault(project.pk, project)
    return sorted(found.values(), key=lambda project: (project.first_published_at, project.pk), reverse=True)


def send_digest(company, now=None):
    """Send this week's digest of `company` unless it was sent already. Returns the DigestRun, or None if skipped."""
    now = now or timezone.now()
    week = week_of(now)
    if DigestRun.objects.filter(company=company, week=week).exists():
        return None
    last = DigestRun.objects.filter(company=company).order_by("-sent_at").first()
    since = last.sent_at if last else now - FIRST_DIGEST_LOOKBACK
    projects = new_projects_for(company, since)
    recipients = [
        user for user in company.organisation.members.filter(is_active=True, notify_recommendations=True) if user.email
    ]
    try:
        with transaction.atomic():
            run = DigestRun.objects.create(company=company, week=week, projects=len(projects))
            if projects:
                for user in recipients:
                    _send_to(user, company, projects)
                run.recipients = len(recipients)
                run.save(update_fields=["recipients"])
    except IntegrityError:  # another worker sent it a moment ago
        return None
    return run


def _send_to(user, company, projects):
    base = settings.SITE_BASE_URL.rstrip("/")
    with in_language_of(user):
        from cms.public import in_active_language

        projects = in_active_language(projects)  # titles and addresses in the recipient's language
        # Kept as a Message: the bell reads it again in the language the person reads in later.
        title = Message.ngettext(
            "%(count)s new project matches %(company)s's saved searches",
            "%(count)s new projects match %(company)s's saved searches",
            len(projects),
            count=len(projects),
            company=company,
        )
        context = {"user": user, "company": company, "projects": projects, "site_url": base}
        body = render_to_string("marketplace/email/digest.txt", context)
        send_mail(str(title), body, settings.DEFAULT_FROM_EMAIL, [user.email])
        # The digest email is the email; the bell gets the same news without a second one.
        notify(
            user,
            Notification.Kind.MATCHING_PROJECT,
            title,
            body=Message(gettext_noop("See this week's digest.")),
            url="",
            email=False,
        )


def send_weekly_digests(now=None):
    """Send every company's digest for this week; returns how many were sent now."""
    sent = 0
    for company in (
        CompanyProfile.objects.filter(saved_searches__isnull=False).distinct().select_related("organisation")
    ):
        if send_digest(company, now=now) is not None:
            sent += 1
    return sent
