"""Matching candidates from Elasticsearch: the best help requests for a person and the best people for a request.

people.matching owns the weights (WEIGHTS), the reasons and the ranking; it asks this module (through
people.providers, provided in search's AppConfig.ready()) which rows its database step should score, and gets back
the ids of the `count` best, as that step would choose them. The public search index holds public talent profiles
only (search/people_families.py); matching also ranks profiles visible to members or to organisations, so it has
an index of its own, never read by search: `<prefix>-matching`, one document per talent profile (every visibility)
and per open help request, structured fields only (fields, sectors, home township and county, townships served,
format, availability or timeframe, pro bono, languages; who the profile belongs to and who may see it). No name,
headline, text or contact details.

The score of a document is the sum of the WEIGHTS of the factors it meets, each factor a filter worth a constant
(`constant_score` in a `bool`'s `should`, as search/recommend.py), and the sort breaks ties as people.matching does
(newest first, then the highest id), so the best `count` ids are the database's best `count`. What can no longer
happen (a request or an availability that has ended) is filtered at query time, so time moves nothing here.

Kept current per change, as the search families are: the search app's receivers (`connect_matching_receivers`)
collect the ids of changed profiles and requests and enqueue `update_matching_documents` at commit; the task reads
the rows again and writes them (deleting what is gone or closed). An Elasticsearch failure is recorded as pending
updates (family "matching"), replayed with the others (search.indexing.replay_pending_updates); while any is
pending, the candidates come from the database. Nothing is written until the index exists: it is built whole by
`manage.py rebuild_matching_index` (new index, bulk, alias swap).

Raises on any Elasticsearch failure when asked for candidates: the caller falls back to the database.
"""

import logging
import threading
import time

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save
from elasticsearch import helpers

from search.engines import configured_engine_name, elasticsearch_client

logger = logging.getLogger(__name__)
NAME = "matching"  # the alias: alias_name(NAME); also the pending updates' family
PROFILE, REQUEST = "profile", "request"
CHUNK = 500

MAPPING = {
    "dynamic": "strict",
    "properties": {
        "kind": {"type": "keyword"},
        "object_id": {"type": "long"},
        # talent profiles
        "user_id": {"type": "long"},
        "visibility": {"type": "keyword"},
        "home_township": {"type": "long"},
        "home_county": {"type": "long"},
        "townships": {"type": "long"},
        "fields": {"type": "keyword"},
        "sectors": {"type": "long"},
        "languages": {"type": "keyword"},
        "available_from": {"type": "date", "format": "date"},
        "available_until": {"type": "date", "format": "date"},
        "updated_us": {"type": "long"},  # microseconds: the database's tie-break, exactly
        # help requests
        "township": {"type": "long"},
        "county": {"type": "long"},
        "field": {"type": "keyword"},
        "sector": {"type": "long"},
        "starts_on": {"type": "date", "format": "date"},
        "ends_on": {"type": "date", "format": "date"},
        "created_us": {"type": "long"},
        # both
        "work_format": {"type": "keyword"},
        "pro_bono": {"type": "boolean"},
    },
}


def alias():
    from search.es import alias_name

    return alias_name(NAME)


def _micros(moment):
    return int(moment.timestamp()) * 1_000_000 + moment.microsecond


def _day(date):
    return date.isoformat() if date else None


# --- documents --------------------------------------------------------------------------------------------------
def profile_document(profile):
    """The indexed fields of a talent profile (townships and sectors prefetched)."""
    from people.models import split_codes

    home = profile.home_township
    return {
        "kind": PROFILE,
        "object_id": profile.pk,
        "user_id": profile.user_id,
        "visibility": profile.visibility,
        "home_township": home.pk if home else None,
        "home_county": home.county_id if home else None,
        "townships": sorted(township.pk for township in profile.townships.all()),
        "fields": split_codes(profile.fields),
        "sectors": sorted(sector.pk for sector in profile.sectors.all()),
        "languages": split_codes(profile.languages),
        "available_from": _day(profile.available_from),
        "available_until": _day(profile.available_until),
        "updated_us": _micros(profile.updated),
        "work_format": profile.work_format,
        "pro_bono": profile.pro_bono,
    }


def request_document(help_request):
    return {
        "kind": REQUEST,
        "object_id": help_request.pk,
        "township": help_request.township_id,
        "county": help_request.township.county_id,
        "field": help_request.field,
        "sector": help_request.sector_id,
        "starts_on": _day(help_request.starts_on),
        "ends_on": _day(help_request.ends_on),
        "created_us": _micros(help_request.created),
        "work_format": help_request.work_format,
        "pro_bono": help_request.pro_bono,
    }


def _profiles(ids=None):
    from people.models import TalentProfile

    rows = TalentProfile.objects.select_related("home_township").prefetch_related("townships", "sectors")
    return rows if ids is None else rows.filter(pk__in=ids)


def _requests(ids=None):
    from people.models import HelpRequest

    rows = HelpRequest.objects.filter(status=HelpRequest.Status.OPEN).select_related("township")
    return rows if ids is None else rows.filter(pk__in=ids)


READERS = {PROFILE: (_profiles, profile_document), REQUEST: (_requests, request_document)}


def _uid(kind, object_id):
    return f"{kind}:{object_id}"


def _actions(index, kind, rows):
    document = READERS[kind][1]
    for row in rows:
        yield {"_index": index, "_id": _uid(kind, row.pk), "_source": document(row)}


# --- writing ----------------------------------------------------------------------------------------------------
def rebuild(chunk_size=CHUNK):
    """Fill a new index with every profile and open request, swap the alias, drop the old indices, forget the
    pending updates (the new index has them). Returns (documents, seconds)."""
    from search.models import PendingUpdate

    client = elasticsearch_client().options(request_timeout=120)
    name = alias()
    started = time.perf_counter()
    new = f"{name}-{time.strftime('%Y%m%d%H%M%S')}-{time.monotonic_ns() % 1_000_000:06d}"
    client.indices.create(
        index=new,
        settings={"number_of_shards": 1, "auto_expand_replicas": "0-1", "refresh_interval": "-1"},
        mappings=MAPPING,
    )
    try:
        count = 0
        for kind, (rows, _document) in READERS.items():
            actions = _actions(new, kind, rows().order_by("pk").iterator(chunk_size=chunk_size))
            for _ok, _item in helpers.streaming_bulk(client, actions, chunk_size=chunk_size, raise_on_error=True):
                count += 1
        client.indices.put_settings(index=new, settings={"refresh_interval": "1s"})
        client.indices.refresh(index=new)
        old = list(client.indices.get_alias(name=name)) if client.indices.exists_alias(name=name) else []
        client.indices.update_aliases(
            actions=[{"remove": {"index": index, "alias": name}} for index in old]
            + [{"add": {"index": new, "alias": name}}]
        )
    except Exception:
        client.indices.delete(index=new, ignore_unavailable=True)
        raise
    for index in old:
        client.indices.delete(index=index, ignore_unavailable=True)
    PendingUpdate.objects.filter(family=NAME).delete()
    return count, time.perf_counter() - started


def drop():
    """Delete the index and its alias (tests and benchmarks)."""
    elasticsearch_client().indices.delete(index=f"{alias()}-*", ignore_unavailable=True, allow_no_indices=True)


def write(kind, ids, refresh=False):
    """Index these rows as they are now; delete the documents of those that are gone (or closed requests)."""
    client = elasticsearch_client()
    name = alias()
    if not client.indices.exists_alias(name=name):
        return 0  # never built: an index of only the changed rows would hide the others
    rows = list(READERS[kind][0]([int(i) for i in ids]))
    gone = {int(i) for i in ids} - {row.pk for row in rows}
    actions = list(_actions(name, kind, rows))
    actions += [{"_op_type": "delete", "_index": name, "_id": _uid(kind, pk)} for pk in sorted(gone)]
    helpers.bulk(client, actions, raise_on_error=False, refresh=refresh)  # a delete of a missing id is fine
    return len(actions)


def update_documents(kind, ids):
    """What the task runs: write, or record the ids as pending when Elasticsearch fails (never raises for it)."""
    from search.models import PendingUpdate

    if configured_engine_name() != "elasticsearch":
        return {"written": 0}
    try:
        return {"written": write(kind, ids)}
    except Exception as error:
        logger.warning("matching index: %s %s kept as pending updates (%r)", len(ids), kind, error)
        PendingUpdate.objects.bulk_create(
            [
                PendingUpdate(family=NAME, object_id=_uid(kind, i), action=PendingUpdate.UPDATE, error=str(error)[:200])
                for i in ids
            ]
        )
        return {"written": 0, "pending": len(ids)}


def replay_pending(rows):
    """search.indexing.replay_pending_updates for this index: write the rows' ids again (raises on a failure)."""
    by_kind = {}
    for row in rows:
        kind, _sep, object_id = row.object_id.partition(":")
        by_kind.setdefault(kind, set()).add(object_id)
    for kind, ids in by_kind.items():
        if kind in READERS:
            write(kind, sorted(ids))


# --- per-change updates -----------------------------------------------------------------------------------------
_state = threading.local()


def schedule_update(kind, ids):
    """Collect the ids; one task per kind at commit (every save registers a callback, the first takes all)."""
    if not hasattr(_state, "pending"):
        _state.pending = {}
    _state.pending.setdefault(kind, set()).update(int(i) for i in ids)
    transaction.on_commit(_flush, robust=True)


def _flush():
    from search.tasks import update_matching_documents

    pending = getattr(_state, "pending", {})
    taken = {kind: sorted(ids) for kind, ids in pending.items() if ids}
    pending.clear()
    if configured_engine_name() != "elasticsearch":
        return
    for kind, ids in taken.items():
        for start in range(0, len(ids), CHUNK):
            try:
                update_matching_documents.enqueue(kind, ids[start : start + CHUNK])
            except Exception:  # a queue failure must not break the save that caused it
                logger.exception("could not enqueue a matching index update")


def _on_save(kind):
    def handler(sender, instance, raw=False, **kwargs):
        if not raw:
            schedule_update(kind, [instance.pk])

    return handler


def _on_m2m(sender, instance, action, reverse, pk_set=None, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    # reverse, e.g. township.<profiles>.add(profile): the profiles are in pk_set (None on a reverse clear: the next
    # save of each profile, or the nightly rebuild, catches up).
    ids = list(pk_set or ()) if reverse else [instance.pk]
    if ids:
        schedule_update(PROFILE, ids)


def connect_matching_receivers():
    from people.models import HelpRequest, TalentProfile

    for kind, model in ((PROFILE, TalentProfile), (REQUEST, HelpRequest)):
        handler = _on_save(kind)
        uid = f"search-matching-{kind}"
        post_save.connect(handler, sender=model, weak=False, dispatch_uid=uid + "-save")
        post_delete.connect(handler, sender=model, weak=False, dispatch_uid=uid + "-delete")
    for through in (TalentProfile.townships.through, TalentProfile.sectors.through):
        m2m_changed.connect(_on_m2m, sender=through, weak=False, dispatch_uid=f"search-matching-{through._meta.label}")


# --- reading ----------------------------------------------------------------------------------------------------
def _worth(query, points):
    return {"constant_score": {"filter": query, "boost": points}}


def _always(points):
    return _worth({"match_all": {}}, points)


def _format_fit(work_format):
    from people.models import WorkFormat

    if work_format == WorkFormat.EITHER:
        return None
    return {"terms": {"work_format": [work_format, WorkFormat.EITHER]}}


def requests_query(profile, today):
    """The query whose score is people.matching's score of each open request for `profile`."""
    from people.matching import WEIGHTS
    from people.models import split_codes

    should = []
    home = profile.home_township
    if home:
        should.append(_worth({"term": {"township": home.pk}}, WEIGHTS["home_township"]))
        same_county = {
            "bool": {"filter": [{"term": {"county": home.county_id}}], "must_not": [{"term": {"township": home.pk}}]}
        }
        should.append(_worth(same_county, WEIGHTS["same_county"]))
    served = sorted(profile.townships.values_list("pk", flat=True))
    if served:
        should.append(_worth({"terms": {"township": served}}, WEIGHTS["serves_township"]))
    fields = split_codes(profile.fields)
    if fields:
        should.append(_worth({"terms": {"field": fields}}, WEIGHTS["field"]))
    sectors = sorted(profile.sectors.values_list("pk", flat=True))
    if sectors:
        should.append(_worth({"terms": {"sector": sectors}}, WEIGHTS["sector"]))
    fit = _format_fit(profile.work_format)
    should.append(_worth(fit, WEIGHTS["format_fit"]) if fit else _always(WEIGHTS["format_fit"]))
    dates = []
    if profile.available_from:
        dates.append({"range": {"starts_on": {"gte": profile.available_from.isoformat()}}})
    if profile.available_until:
        dates.append({"range": {"ends_on": {"lte": profile.available_until.isoformat()}}})
    should.append(_worth({"bool": {"filter": dates}}, WEIGHTS["dates_fit"]) if dates else _always(WEIGHTS["dates_fit"]))
    if profile.pro_bono:
        should.append(_worth({"term": {"pro_bono": True}}, WEIGHTS["pro_bono"]))
    return {
        "bool": {
            "filter": [{"term": {"kind": REQUEST}}, {"range": {"ends_on": {"gte": today.isoformat()}}}],
            "should": should,
        }
    }


def _missing_or(field, condition):
    return {"bool": {"should": [{"bool": {"must_not": [{"exists": {"field": field}}]}}, condition]}}


def people_query(help_request, today, audience=None):
    """The query whose score is people.matching's score of each profile for `help_request`, among the profiles
    `audience` (people.queries.ProfileAudience; None: every profile) may see."""
    from people.matching import WEIGHTS

    township = help_request.township
    should = [
        _worth({"term": {"home_township": township.pk}}, WEIGHTS["home_township"]),
        _worth(
            {
                "bool": {
                    "filter": [{"term": {"home_county": township.county_id}}],
                    "must_not": [{"term": {"home_township": township.pk}}],
                }
            },
            WEIGHTS["same_county"],
        ),
        _worth({"term": {"townships": township.pk}}, WEIGHTS["serves_township"]),
        _worth({"term": {"fields": help_request.field}}, WEIGHTS["field"]),
    ]
    if help_request.sector_id:
        should.append(_worth({"term": {"sectors": help_request.sector_id}}, WEIGHTS["sector"]))
    fit = _format_fit(help_request.work_format)
    should.append(_worth(fit, WEIGHTS["format_fit"]) if fit else _always(WEIGHTS["format_fit"]))
    dates = [
        _missing_or("available_from", {"range": {"available_from": {"lte": help_request.starts_on.isoformat()}}}),
        _missing_or("available_until", {"range": {"available_until": {"gte": help_request.ends_on.isoformat()}}}),
    ]
    should.append(_worth({"bool": {"filter": dates}}, WEIGHTS["dates_fit"]))
    if help_request.pro_bono:
        should.append(_worth({"term": {"pro_bono": True}}, WEIGHTS["pro_bono"]))
    filters = [
        {"term": {"kind": PROFILE}},
        _missing_or("available_until", {"range": {"available_until": {"gte": today.isoformat()}}}),
    ]
    if audience is not None:
        visible = [{"terms": {"visibility": list(audience.visibilities)}}]
        if audience.own_user_id is not None:
            visible.append({"term": {"user_id": audience.own_user_id}})
        filters.append({"bool": {"should": visible}})
    return {"bool": {"filter": filters, "should": should}}


def search_body(query, newest, count):
    """The search request: the query, the database's order, and nothing fetched but the ids."""
    return {
        "query": query,
        "size": count,
        "source": False,
        "track_total_hits": False,
        "sort": [{"_score": "desc"}, {newest: "desc"}, {"object_id": "desc"}],
        "docvalue_fields": ["object_id"],
    }


def _ids(query, newest, count):
    response = elasticsearch_client().search(index=alias(), **search_body(query, newest, count))
    return [hit["fields"]["object_id"][0] for hit in response["hits"]["hits"]]


def _usable():
    """Elasticsearch is the engine and nothing the index missed is waiting to be replayed."""
    from search.models import PendingUpdate

    return configured_engine_name() == "elasticsearch" and not PendingUpdate.objects.filter(family=NAME).exists()


def request_candidates(profile, count, today):
    """people.providers.matching_request_candidates."""
    if not _usable():
        return None
    return _ids(requests_query(profile, today), "created_us", count)


def people_candidates(help_request, count, today, audience):
    """people.providers.matching_people_candidates."""
    if not _usable():
        return None
    return _ids(people_query(help_request, today, audience), "updated_us", count)
