"""The weekly digest for people: the new open help requests that match their talent profile (people.matching, with
its reasons) and the new upcoming experiences, events and volunteering in the townships they follow or come from.

It lives here, the lowest app that sees both people and experiences. Who gets it: active people with an email who
want recommendations (`notify_recommendations`, the same choice as the companies' digest) and who have a talent
profile shown to everyone or to members, or follow an organisation. One PersonDigest row per person and ISO week,
claimed in one INSERT … ON CONFLICT before the emails leave, makes a second run in the same week send nothing.
Nothing new for a person: no email and no row.

The number of queries does not grow with the number of people: the recipients, their profiles' townships and
sectors, their follows, their last digests, the week's new requests and the new experiences are each read once,
and everyone's digest is put together in Python.
"""

import dataclasses
import datetime
import logging

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import connection
from django.db.models import Exists, Max, Min, OuterRef, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from experiences.models import Experience, PersonDigest, Slot
from marketplace.digests import week_of
from notifications.actions import in_language_of
from people.matching import rank_given_requests
from people.models import HelpRequest, OrganisationFollow, TalentProfile

logger = logging.getLogger(__name__)

LOOKBACK = datetime.timedelta(days=7)  # never older news than a week, even after a pause
CLAIM_BATCH = 5000
LIMIT = 5  # help requests, and experiences, per email
DIGEST_VISIBILITIES = (TalentProfile.Visibility.PUBLIC, TalentProfile.Visibility.MEMBERS)


@dataclasses.dataclass
class PersonalDigest:
    person: User
    matches: list  # people.matching.Match, obj: a HelpRequest
    experiences: list  # Experience, with next_start

    def __bool__(self):
        return bool(self.matches or self.experiences)


def digest_recipients():
    """The people a weekly digest may go to (whether it has anything to say is decided later)."""
    return (
        User.objects.filter(is_active=True, notify_recommendations=True)
        .exclude(email="")
        .filter(
            Exists(TalentProfile.objects.filter(user=OuterRef("pk"), visibility__in=DIGEST_VISIBILITIES))
            | Exists(OrganisationFollow.objects.filter(user=OuterRef("pk")))
        )
    )


def _profile_of(person):
    try:
        profile = person.talent_profile
    except TalentProfile.DoesNotExist:
        return None
    return profile if profile.visibility in DIGEST_VISIBILITIES else None


def _places_of(person, profile, follows):
    """(township ids, county ids) whose new experiences concern `person`: where they come from and what they follow
    (a township office's township; a county government's whole county)."""
    townships, counties = set(), set()
    if person.home_township_consent and person.home_township_id:
        townships.add(person.home_township_id)
    if profile is not None and profile.home_township_id:
        townships.add(profile.home_township_id)
    for township_id, county_id in follows.get(person.pk, ()):
        if township_id:
            townships.add(township_id)
        elif county_id:
            counties.add(county_id)
    return townships, counties


def _new_experiences(since, now, townships, counties):
    """Published experiences created after `since` with an open slot still to come, in these places, soonest first."""
    if not townships and not counties:
        return []
    return list(
        Experience.objects.filter(is_published=True, created__gt=since)
        .filter(Q(township_id__in=townships) | Q(township__county_id__in=counties))
        .annotate(
            next_start=Min("slots__starts_at", filter=Q(slots__status=Slot.Status.OPEN, slots__starts_at__gt=now))
        )
        .filter(next_start__isnull=False)
        .select_related("township__county", "organisation")
        .order_by("next_start", "pk")
    )


def build_digests(people, now):
    """{person pk: PersonalDigest} for `people` (a list), whatever was sent before, in a fixed number of queries."""
    if not people:
        return {}
    ids = [person.pk for person in people]
    today = timezone.localdate(now)
    floor = now - LOOKBACK
    last_sent = dict(
        PersonDigest.objects.filter(person_id__in=ids)
        .values("person_id")
        .annotate(last=Max("sent_at"))
        .values_list("person_id", "last")
    )
    since = {pk: max(last_sent.get(pk, floor), floor) for pk in ids}
    earliest = min(since.values())

    follows = {}
    for user_id, township_id, county_id in OrganisationFollow.objects.filter(user_id__in=ids).values_list(
        "user_id", "organisation__township_id", "organisation__county_id"
    ):
        follows.setdefault(user_id, []).append((township_id, county_id))

    profiles = {person.pk: _profile_of(person) for person in people}
    places = {person.pk: _places_of(person, profiles[person.pk], follows) for person in people}

    new_requests = []
    if any(profiles.values()):
        new_requests = list(
            HelpRequest.objects.filter(status=HelpRequest.Status.OPEN, ends_on__gte=today, created__gt=earliest)
            .exclude(created__gt=now)
            .select_related("township__county", "organisation", "sector")
        )
    all_townships = set().union(*(townships for townships, _counties in places.values()))
    all_counties = set().union(*(counties for _townships, counties in places.values()))
    new_experiences = _new_experiences(earliest, now, all_townships, all_counties)

    digests = {}
    for person in people:
        after = since[person.pk]
        matches = []
        profile = profiles[person.pk]
        if profile is not None:
            fresh = [help_request for help_request in new_requests if help_request.created > after]
            with in_language_of(person):  # the reasons are sentences told to the person
                matches = rank_given_requests(
                    profile,
                    fresh,
                    served_ids={township.pk for township in profile.townships.all()},
                    sector_ids={sector.pk for sector in profile.sectors.all()},
                    limit=LIMIT,
                )
        townships, counties = places[person.pk]
        experiences = [
            experience
            for experience in new_experiences
            if experience.created > after
            and (experience.township_id in townships or experience.township.county_id in counties)
        ][:LIMIT]
        digests[person.pk] = PersonalDigest(person, matches, experiences)
    return digests


def _claim(week, digests, now):
    """Insert this week's row for each digest; the person ids whose row this run inserted (the others were sent).
    One statement per CLAIM_BATCH people (PostgreSQL takes at most 65,535 parameters in one)."""
    table = connection.ops.quote_name(PersonDigest._meta.db_table)
    claimed = set()
    for start in range(0, len(digests), CLAIM_BATCH):
        batch = digests[start : start + CLAIM_BATCH]
        rows = [(d.person.pk, week, now, len(d.matches), len(d.experiences)) for d in batch]
        values = ", ".join(["(%s, %s, %s, %s, %s)"] * len(rows))
        params = [value for row in rows for value in row]
        with connection.cursor() as cursor:
            # Only the model's own table name and placeholders are formatted in; every value is a parameter.
            insert = f"INSERT INTO {table} (person_id, week, sent_at, help_requests, experiences) VALUES {values}"  # noqa: S608
            cursor.execute(insert + " ON CONFLICT (person_id, week) DO NOTHING RETURNING person_id", params)
            claimed.update(row[0] for row in cursor.fetchall())
    return claimed


def render_digest(digest):
    """(subject, text body, HTML body) of `digest`, in the active language."""
    base = settings.SITE_BASE_URL.rstrip("/")
    context = {
        "person": digest.person,
        "matches": [
            {
                "request": match.obj,
                "reasons": [reason for _points, reason in match.parts],
                "url": base + match.obj.get_absolute_url(),
            }
            for match in digest.matches
        ],
        "experiences": [
            {
                "experience": experience,
                "starts": timezone.localtime(experience.next_start),
                "url": base + experience.get_absolute_url(),
            }
            for experience in digest.experiences
        ],
        "settings_url": base + reverse("account_profile"),
        "matches_url": base + reverse("people:matches"),
        "experiences_url": base + reverse("experiences:list"),
    }
    subject = _("[Homeward] Your week: help wanted and what's on near you")
    text = render_to_string("experiences/email/person_digest.txt", context)
    html = render_to_string("experiences/email/person_digest.html", context)
    return subject, text, html


def _send(digest):
    with in_language_of(digest.person):
        subject, text, html = render_digest(digest)
    message = EmailMultiAlternatives(subject, text, settings.DEFAULT_FROM_EMAIL, [digest.person.email])
    message.attach_alternative(html, "text/html")
    message.send()


def send_person_digests(now=None):
    """Send this week's digest to everyone who has something new and has not had it this week; returns how many."""
    now = now or timezone.now()
    week = week_of(now)
    people = list(
        digest_recipients()
        .exclude(pk__in=PersonDigest.objects.filter(week=week).values("person_id"))
        .select_related("talent_profile__home_township__county")
        .prefetch_related("talent_profile__townships", "talent_profile__sectors")
        .order_by("pk")
    )
    to_send = [digest for digest in build_digests(people, now).values() if digest]
    claimed = _claim(week, to_send, now)
    sent, failed = 0, []
    for digest in to_send:
        if digest.person.pk not in claimed:  # another run claimed it a moment ago
            continue
        try:
            _send(digest)
        except Exception:
            logger.exception("weekly digest for person %s not sent", digest.person.pk)
            failed.append(digest.person.pk)
            continue
        sent += 1
    if failed:  # give those weeks back: the next run (the job's retry) tries them again
        PersonDigest.objects.filter(person_id__in=failed, week=week).delete()
    return sent
