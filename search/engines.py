"""Which discovery engine this process uses, and whether it answers.

The database engine is the embedded default and the fallback; Elasticsearch
is used when SEARCH_ENGINE=elasticsearch. The query side of both engines
arrives with the discovery work; this module is where it plugs in.
"""

from functools import lru_cache

from django.conf import settings


def configured_engine_name():
    return settings.HOMEWARD_SEARCH["ENGINE"]


@lru_cache(maxsize=2)
def _elasticsearch_client(url, timeout):
    from elasticsearch import Elasticsearch

    return Elasticsearch(url, request_timeout=timeout, max_retries=0, retry_on_timeout=False)


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
