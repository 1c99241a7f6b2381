"""Explained matching both ways: help requests ranked for a person, people ranked for a help request.

Every point comes with a sentence that says why ("You come from Kouhu, Yunlin.", "Remote is fine."), as the
company recommendations do (marketplace/matching.py). The weights live here and nowhere else:

WEIGHTS (points)
    home_township    the request's township is the person's home township
    serves_township  the person named the request's township among those they can serve
    same_county      otherwise, the request's township is in the person's home county
    field            the request's field is one of the person's fields
    sector           the request's sector is one of the person's sectors
    format_fit       the formats fit (remote with remote, on site with on site, or either side says either)
    dates_fit        the person is available over the whole timeframe of the request
    pro_bono         the request asks for pro bono help and the person offers it

Two steps, for speed with many rows (bench/people_matching.py): the database scores every candidate with the
same WEIGHTS (one query, `_score_expression`) and returns the best `limit + CANDIDATE_MARGIN`; only those are
scored again here, with their reasons, and ranked (ties: newest first). Only candidates that can still happen
are ranked: open requests that have not ended, and profiles whose availability has not ended.

With many rows the first step can start from an index: when search provides candidates (people/providers.py;
search/matching_index.py, an Elasticsearch index of structured fields scored with these same WEIGHTS), the database
scores only the `SEARCH_CANDIDATES` best ids it returns, then ranks as above; the ranking is the same (the index
only chooses which rows the database scores). The database alone decides when no index is configured, when the
index fails, and when it is behind (an id it returns is no longer a candidate).
"""

import logging
from dataclasses import dataclass, field

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from people import providers
from people.models import Field, HelpRequest, TalentProfile, WorkFormat, split_codes
from people.queries import profile_audience, visible_profiles

logger = logging.getLogger(__name__)

WEIGHTS = {
    "home_township": 40,
    "serves_township": 25,
    "same_county": 10,
    "field": 30,
    "sector": 15,
    "format_fit": 10,
    "dates_fit": 5,
    "pro_bono": 5,
}
CANDIDATE_MARGIN = 10
SEARCH_CANDIDATES = 200  # ids asked of the index; the database scores these only


@dataclass
class Match:
    obj: object
    score: int = 0
    parts: list = field(default_factory=list)  # [(points, reason)]


def _formats_fit(person_format, request_format):
    return WorkFormat.EITHER in (person_format, request_format) or person_format == request_format


def _dates_fit(profile, help_request):
    starts_ok = profile.available_from is None or profile.available_from <= help_request.starts_on
    ends_ok = profile.available_until is None or profile.available_until >= help_request.ends_on
    return starts_ok and ends_ok


def _phrases(for_requester):
    """The reasons told to the person ("You come from Kouhu.") or to the requester ("Comes from Kouhu.")."""
    if for_requester:
        return {
            "home_township": _("Comes from %(place)s."),
            "same_county": _("%(place)s is in their home county."),
            "serves_township": _("Can serve %(place)s."),
            "field": _("%(field)s is one of their fields."),
            "sector": _("%(sector)s is one of their sectors."),
        }
    return {
        "home_township": _("You come from %(place)s."),
        "same_county": _("%(place)s is in your home county."),
        "serves_township": _("You can serve %(place)s."),
        "field": _("%(field)s is one of your fields."),
        "sector": _("%(sector)s is one of your sectors."),
    }


def score(profile, help_request, *, served_ids, sector_ids, for_requester=False):
    """[(points, reason)] for one pair; `served_ids` and `sector_ids` are the profile's townships and sectors."""
    say = _phrases(for_requester)
    parts = []
    township = help_request.township
    place = {"place": township.full_name}
    if township.pk == profile.home_township_id:
        parts.append((WEIGHTS["home_township"], say["home_township"] % place))
    elif profile.home_township_id and township.county_id == profile.home_township.county_id:
        parts.append((WEIGHTS["same_county"], say["same_county"] % place))
    if township.pk in served_ids:
        parts.append((WEIGHTS["serves_township"], say["serves_township"] % place))
    if help_request.field in split_codes(profile.fields):
        parts.append((WEIGHTS["field"], say["field"] % {"field": Field(help_request.field).label}))
    if help_request.sector_id and help_request.sector_id in sector_ids:
        parts.append((WEIGHTS["sector"], say["sector"] % {"sector": help_request.sector}))
    if _formats_fit(profile.work_format, help_request.work_format):
        if help_request.work_format == WorkFormat.REMOTE or profile.work_format == WorkFormat.REMOTE:
            reason = _("Remote is fine.")
        elif help_request.work_format == WorkFormat.ON_SITE or profile.work_format == WorkFormat.ON_SITE:
            reason = _("On site is fine.")
        else:
            reason = _("Remote or on site, both are fine.")
        parts.append((WEIGHTS["format_fit"], reason))
    if _dates_fit(profile, help_request):
        parts.append((WEIGHTS["dates_fit"], _("Available for the whole timeframe.")))
    if help_request.pro_bono and profile.pro_bono:
        parts.append((WEIGHTS["pro_bono"], _("Pro bono on both sides.")))
    return parts


def _indexed_ids(provider, candidates, *args):
    """The ids the index gives for this ranking, or None (the database decides): none configured, a failure, or
    an id that is not among `candidates` any more (the index is behind: updates still queued)."""
    try:
        ids = provider(*args)
    except Exception as error:  # any transport or API error means "ask the database", never "fail"
        logger.warning("matching candidates from the database: the index failed (%r)", error)
        return None
    if ids is None:
        return None
    if candidates.filter(pk__in=ids).count() != len(set(ids)):
        logger.warning("matching candidates from the database: the index is behind")
        return None
    return ids


def _when(condition, weight):
    return Case(When(condition, then=Value(WEIGHTS[weight])), default=Value(0), output_field=IntegerField())


def _format_condition(prefix, other_format):
    if other_format == WorkFormat.EITHER:
        return Q()
    return Q(**{f"{prefix}work_format__in": [other_format, WorkFormat.EITHER]})


def _always(weight):
    return Value(WEIGHTS[weight], output_field=IntegerField())


def _sum(terms):
    total = terms[0]
    for term in terms[1:]:
        total = total + term
    return total


def rank_requests_for(profile, limit=20, today=None):
    """The `limit` best open requests for `profile`, each a Match (obj: the HelpRequest)."""
    today = today or timezone.localdate()
    served_ids = set(profile.townships.values_list("pk", flat=True))
    sector_ids = set(profile.sectors.values_list("pk", flat=True))
    home = profile.home_township
    terms = []
    if home:
        terms.append(_when(Q(township_id=home.pk), "home_township"))
        terms.append(_when(Q(township__county_id=home.county_id) & ~Q(township_id=home.pk), "same_county"))
    if served_ids:
        terms.append(_when(Q(township_id__in=served_ids), "serves_township"))
    fields = split_codes(profile.fields)
    if fields:
        terms.append(_when(Q(field__in=fields), "field"))
    if sector_ids:
        terms.append(_when(Q(sector_id__in=sector_ids), "sector"))
    if profile.work_format == WorkFormat.EITHER:
        terms.append(_always("format_fit"))
    else:
        terms.append(_when(Q(work_format__in=[profile.work_format, WorkFormat.EITHER]), "format_fit"))
    dates = Q()
    if profile.available_from:
        dates &= Q(starts_on__gte=profile.available_from)
    if profile.available_until:
        dates &= Q(ends_on__lte=profile.available_until)
    terms.append(_when(dates, "dates_fit") if dates else _always("dates_fit"))
    if profile.pro_bono:
        terms.append(_when(Q(pro_bono=True), "pro_bono"))
    open_requests = HelpRequest.objects.filter(status=HelpRequest.Status.OPEN, ends_on__gte=today)
    ids = _indexed_ids(providers.matching_request_candidates, open_requests, profile, SEARCH_CANDIDATES, today)
    if ids is not None:
        open_requests = open_requests.filter(pk__in=ids)
    candidates = (
        open_requests.annotate(match_score=_sum(terms))
        .order_by("-match_score", "-created", "-pk")
        .select_related("township__county", "organisation", "sector")[: limit + CANDIDATE_MARGIN]
    )
    matches = []
    for help_request in candidates:
        parts = score(profile, help_request, served_ids=served_ids, sector_ids=sector_ids)
        matches.append(Match(help_request, sum(points for points, _reason in parts), parts))
    matches.sort(key=lambda match: (-match.score, -match.obj.created.timestamp(), -match.obj.pk))
    return matches[:limit]


def rank_people_for(help_request, limit=20, today=None, visible_to=None):
    """The `limit` best people for `help_request` that `visible_to` may see, each a Match (obj: the TalentProfile),
    with the reasons told to the requester."""
    today = today or timezone.localdate()
    township = help_request.township
    through = TalentProfile.townships.through
    sector_through = TalentProfile.sectors.through
    terms = [
        _when(Q(home_township_id=township.pk), "home_township"),
        _when(Q(home_township__county_id=township.county_id) & ~Q(home_township_id=township.pk), "same_county"),
        _when(Q(serves=True), "serves_township"),
        _when(Q(fields__contains=f",{help_request.field},"), "field"),
    ]
    if help_request.sector_id:
        terms.append(_when(Q(in_sector=True), "sector"))
    fmt = _format_condition("", help_request.work_format)
    terms.append(_when(fmt, "format_fit") if fmt else _always("format_fit"))
    terms.append(
        _when(
            (Q(available_from__isnull=True) | Q(available_from__lte=help_request.starts_on))
            & (Q(available_until__isnull=True) | Q(available_until__gte=help_request.ends_on)),
            "dates_fit",
        )
    )
    if help_request.pro_bono:
        terms.append(_when(Q(pro_bono=True), "pro_bono"))
    profiles = TalentProfile.objects.filter(Q(available_until__isnull=True) | Q(available_until__gte=today))
    audience = None
    if visible_to is not None:
        audience = profile_audience(visible_to)
        profiles = visible_profiles(visible_to, profiles, audience=audience)
    ids = _indexed_ids(providers.matching_people_candidates, profiles, help_request, SEARCH_CANDIDATES, today, audience)
    if ids is not None:
        profiles = profiles.filter(pk__in=ids)
    candidates = (
        profiles.annotate(
            serves=Exists(through.objects.filter(talentprofile_id=OuterRef("pk"), township_id=township.pk)),
            in_sector=Exists(
                sector_through.objects.filter(talentprofile_id=OuterRef("pk"), sector_id=help_request.sector_id)
            ),
        )
        .annotate(match_score=_sum(terms))
        .order_by("-match_score", "-updated", "-pk")
        .select_related("user", "home_township__county")[: limit + CANDIDATE_MARGIN]
    )
    candidates = list(candidates)
    served = {
        row[0]
        for row in through.objects.filter(
            talentprofile_id__in=[p.pk for p in candidates], township_id=township.pk
        ).values_list("talentprofile_id")
    }
    in_sector = {
        row[0]
        for row in sector_through.objects.filter(
            talentprofile_id__in=[p.pk for p in candidates], sector_id=help_request.sector_id
        ).values_list("talentprofile_id")
    }
    matches = []
    for profile in candidates:
        parts = score(
            profile,
            help_request,
            served_ids={township.pk} if profile.pk in served else set(),
            sector_ids={help_request.sector_id} if profile.pk in in_sector else set(),
            for_requester=True,
        )
        matches.append(Match(profile, sum(points for points, _reason in parts), parts))
    matches.sort(key=lambda match: (-match.score, -match.obj.updated.timestamp(), -match.obj.pk))
    return matches[:limit]


# Below this a request fits only by format, dates and pro bono: it says nothing about the person's places, fields or
# sectors, so a digest does not call it a match.
DIGEST_MIN_SCORE = WEIGHTS["format_fit"] + WEIGHTS["dates_fit"] + WEIGHTS["pro_bono"] + 1


def rank_given_requests(profile, help_requests, *, served_ids, sector_ids, limit=5, min_score=DIGEST_MIN_SCORE):
    """The `limit` best of `help_requests` (already fetched, with township__county and sector) for `profile`, each a
    Match with its reasons, scored and ordered as `rank_requests_for` does. No query when `profile.home_township`
    (with its county) is loaded and the profile's townships and sectors are given as `served_ids`, `sector_ids`:
    a weekly digest ranks the week's few new requests for many people this way."""
    matches = []
    for help_request in help_requests:
        parts = score(profile, help_request, served_ids=served_ids, sector_ids=sector_ids)
        total = sum(points for points, _reason in parts)
        if total >= min_score:
            matches.append(Match(help_request, total, parts))
    matches.sort(key=lambda match: (-match.score, -match.obj.created.timestamp(), -match.obj.pk))
    return matches[:limit]
