"""Which discovery engine this process uses, and whether it answers.

The database engine is the embedded default and the fallback; Elasticsearch
is used when SEARCH_ENGINE=elasticsearch. The query side of both engines
is chosen here; every index change goes to the database engine too, so it can
answer when Elasticsearch does not.
"""

import logging
from functools import lru_cache

from django.conf import settings

logger = logging.getLogger(__name__)


def configured_engine_name():
    return settings.HOMEWARD_SEARCH["ENGINE"]


@lru_cache(maxsize=2)
def _elasticsearch_client(url, timeout):
    """The process's client for these settings (its connection pool is shared by every request)."""
    return new_elasticsearch_client(url, timeout)


def new_elasticsearch_client(url, timeout=10):
    """ELASTICSEARCH_URL may list several nodes (comma-separated): a request that cannot reach one node is sent to
    the next at once (a node down is a connection error, not a timeout); a single node is never retried, so an
    outage falls back to the database without delay."""
    from elasticsearch import Elasticsearch
    from elasticsearch.serializer import OrjsonSerializer

    nodes = [node.strip() for node in url.split(",") if node.strip()]
    return Elasticsearch(
        nodes,
        request_timeout=timeout,
        max_retries=len(nodes) - 1,
        retry_on_timeout=False,
        dead_node_backoff_factor=1.0,
        # orjson writes a rebuild's bulk bodies and reads search responses in a fraction of the standard library's
        # time (the bulk body was a tenth of the rebuild's Python time).
        serializer=OrjsonSerializer(),
    )


def elasticsearch_client():
    config = settings.HOMEWARD_SEARCH
    return _elasticsearch_client(config["ELASTICSEARCH_URL"], config["TIMEOUT_SECONDS"])


def engine_status():
    """{"ok", "engine", ...}: never raises, so callers can fall back to the database."""
    if configured_engine_name() == "database":
        from django.db import connection

        return {"ok": True, "engine": "database", "vendor": connection.vendor}
    try:
        # The test distribution of Elasticsearch has no `GET /`; cluster health exists everywhere.
        health = elasticsearch_client().cluster.health(timeout="1s")
    except Exception as error:  # any transport or API error means "fall back", never "crash"
        return {"ok": False, "engine": "elasticsearch", "fallback": "database", "error": type(error).__name__}
    return {
        "ok": health["status"] in ("green", "yellow"),
        "engine": "elasticsearch",
        "cluster_status": health["status"],
    }


def database_engine():
    from search.db_engine import DatabaseEngine

    return DatabaseEngine()


def elasticsearch_engine():
    from search.es import ElasticsearchEngine

    return ElasticsearchEngine()


def index_engines():
    """The engines every index change goes to: the database engine always (it is the fallback), and Elasticsearch
    when it is configured."""
    engines = [database_engine()]
    if configured_engine_name() == "elasticsearch":
        engines.append(elasticsearch_engine())
    return engines


def _with_fallback(method, *args, **kwargs):
    """(answer, incomplete): Elasticsearch's answer, or the database engine's when Elasticsearch fails."""
    from search.query import InvalidSearch

    if configured_engine_name() == "elasticsearch":
        try:
            return getattr(elasticsearch_engine(), method)(*args, **kwargs), False
        except InvalidSearch:
            raise
        except Exception:  # any transport or API error: answer from the database and say so
            logger.warning("Elasticsearch failed; the database engine answers", exc_info=True)
            from config.metrics import record_search_fallback

            record_search_fallback(method)
            return getattr(database_engine(), method)(*args, **kwargs), True
    return getattr(database_engine(), method)(*args, **kwargs), False


def search(query):
    """A SearchResult for a SearchQuery; `result.incomplete` is True when the fallback answered."""
    result, incomplete = _with_fallback("search", query)
    result.incomplete = incomplete
    return result


def autocomplete(prefix, size=8, families_=None):
    """Suggestions for a typed prefix; after what the prefix as typed completes (a Japanese 会 stays 会 first), what
    the other forms the search reads it in complete (search.planner.completion_forms): 屏东 → 屏東縣…, ここあ →
    ココア and its synonym 可可."""
    from search.planner import completion_forms

    suggestions, _incomplete = _with_fallback("autocomplete", prefix, size, families_)
    for other in completion_forms(prefix):
        if len(suggestions) >= size:
            break
        seen = {suggestion["uid"] for suggestion in suggestions}
        more, _incomplete = _with_fallback("autocomplete", other, size, families_)
        suggestions += [suggestion for suggestion in more if suggestion["uid"] not in seen][: size - len(suggestions)]
    return suggestions
