"""A two-node Elasticsearch cluster losing a node while people search and editors save.

Starts a second cluster with `HOMEWARD_ES_NODES=2 scripts/services start elasticsearch elasticsearch-2` on the
ports after yours (the suite's single node stays as it is), indexes the 368 townships behind their alias (one
primary and, on two nodes, one replica: `auto_expand_replicas`), then for `--seconds` runs searchers and a
writer (each write is a real change of a township followed by the app's index update) and, a third of the way
in, kills the data node's JVM (SIGKILL). It shows, and asserts:

- no search raised an error to the visitor (the client skips the dead node; the database answers if needed);
- no update was lost: every write is in the index at the end (written at once, or queued and replayed);
- the alias-swap rebuild works on the cluster, before and after the loss.

    scripts/services start postgres && eval "$(scripts/services env)"
    .venv/bin/python bench/es_cluster.py [--seconds 30]
"""

import argparse
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

ES_PORT = int(os.environ.get("HOMEWARD_ES_PORT", "59200")) + 2
ES_TRANSPORT_PORT = int(os.environ.get("HOMEWARD_ES_TRANSPORT_PORT", "59300")) + 2
RUN_DIR = os.environ.get("HOMEWARD_SERVICES_DIR", "/tmp/homeward-services").rstrip("/") + "-es-cluster"  # noqa: S108
SERVICES_ENV = {
    **os.environ,
    "HOMEWARD_ES_NODES": "2",
    "HOMEWARD_ES_PORT": str(ES_PORT),
    "HOMEWARD_ES_TRANSPORT_PORT": str(ES_TRANSPORT_PORT),
    "HOMEWARD_ES_PORT_2": str(ES_PORT + 1),
    "HOMEWARD_ES_TRANSPORT_PORT_2": str(ES_TRANSPORT_PORT + 1),
    "HOMEWARD_SERVICES_DIR": RUN_DIR,
}


def services(*args):
    subprocess.run([str(ROOT / "scripts" / "services"), *args], env=SERVICES_ENV, check=True)  # noqa: S603


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--searchers", type=int, default=2)
    options = parser.parse_args()
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit('DATABASE_URL must point at PostgreSQL: eval "$(scripts/services env)" first.')

    started = time.monotonic()
    services("start", "elasticsearch", "elasticsearch-2")
    cluster_up = time.monotonic() - started
    try:
        run(options, cluster_up)
    finally:
        services("stop", "elasticsearch", "elasticsearch-2")


def run(options, cluster_up):
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    parts = urlsplit(os.environ["DATABASE_URL"])
    with psycopg.connect(urlunsplit(parts._replace(path="/postgres")), autocommit=True) as connection:
        connection.execute("DROP DATABASE IF EXISTS homeward_bench_es WITH (FORCE)")
        connection.execute("CREATE DATABASE homeward_bench_es")
    os.environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=urlunsplit(parts._replace(path="/homeward_bench_es")),
        SEARCH_ENGINE="elasticsearch",
        ELASTICSEARCH_URL=f"http://127.0.0.1:{ES_PORT},http://127.0.0.1:{ES_PORT + 1}",
        SEARCH_INDEX_PREFIX="homeward-cluster",
        SEARCH_TIMEOUT_SECONDS="5",
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        LOG_LEVEL="ERROR",
    )
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection as db

    from places.actions import load_townships
    from places.models import Township
    from search import engines, indexing
    from search.es import ElasticsearchEngine, alias_name, to_source
    from search.models import PendingUpdate
    from search.query import SearchQuery

    call_command("migrate", verbosity=0)
    load_townships()
    es = ElasticsearchEngine()
    family = "townships"
    client = engines.elasticsearch_client()
    docs, seconds = es.rebuild(indexing.get_family(family))
    health = client.cluster.health(wait_for_status="green", timeout="60s")
    index = next(iter(client.indices.get_alias(name=alias_name(family))))
    replicas = client.indices.get_settings(index=index)[index]["settings"]["index"].get("number_of_replicas")
    print(
        f"cluster up in {cluster_up:.0f} s: {health['number_of_nodes']} nodes, {health['status']}; "
        f"rebuild {docs} docs in {seconds:.1f} s; index replicas {replicas}"
    )
    assert health["number_of_nodes"] == 2 and str(replicas) == "1"

    townships = list(Township.objects.order_by("pk").values_list("pk", flat=True))
    stop = threading.Event()
    searches = {"count": 0, "errors": [], "fallbacks": 0}
    writes = {"count": 0, "queued": 0}
    latest = {}

    def searcher():
        try:
            while not stop.is_set():
                try:
                    result = engines.search(SearchQuery(q="鄉", per_page=5))
                    searches["count"] += 1
                    searches["fallbacks"] += bool(result.incomplete)
                except Exception as error:  # a visitor would see this
                    searches["errors"].append(repr(error))
        finally:
            db.close()

    def writer():
        try:
            number = 0
            while not stop.is_set():
                pk = townships[number % len(townships)]
                marker = f"Bench {number}"
                Township.objects.filter(pk=pk).update(name_en=marker)
                result = indexing.update_documents(family, [str(pk)])
                writes["count"] += 1
                writes["queued"] += result["pending"]
                latest[pk] = marker
                number += 1
        finally:
            db.close()

    threads = [threading.Thread(target=searcher) for _ in range(options.searchers)] + [threading.Thread(target=writer)]
    for thread in threads:
        thread.start()
    time.sleep(options.seconds / 3)
    pid_file = Path(RUN_DIR) / "elasticsearch-2" / "elasticsearch.pid"
    os.kill(int(pid_file.read_text().strip()), signal.SIGKILL)
    killed = time.monotonic()
    print(f"killed the data node (pid file {pid_file}) after {options.seconds / 3:.0f} s")
    time.sleep(options.seconds * 2 / 3)
    stop.set()
    for thread in threads:
        thread.join()
    health = client.cluster.health(timeout="30s")
    pending = PendingUpdate.objects.count()
    replayed = indexing.replay_pending_updates()
    es.refresh(family)
    township_family = indexing.get_family(family)
    current = {t.pk: to_source(township_family.to_document(t))["title"] for t in township_family.queryset()}

    def indexed_title(pk):
        return client.get(index=alias_name(family), id=f"{family}:{pk}")["_source"]["title"]

    # Lost: a township whose indexed title is not the one its last write gave it.
    lost = [pk for pk in latest if indexed_title(pk) != current[pk]]
    docs_after, seconds_after = es.rebuild(indexing.get_family(family))
    print(
        f"searches: {searches['count']}, errors seen by visitors: {len(searches['errors'])}, answered by the "
        f"database fallback: {searches['fallbacks']}\n"
        f"writes: {writes['count']} ({len(latest)} townships), queued while the index refused: {writes['queued']}, "
        f"pending after the run: {pending}, replayed: {replayed}, lost: {len(lost)}\n"
        f"cluster after the kill: {health['number_of_nodes']} node, {health['status']}; "
        f"rebuild (alias swap) on it: {docs_after} docs in {seconds_after:.1f} s; "
        f"{time.monotonic() - killed:.0f} s after the kill"
    )
    assert not searches["errors"], searches["errors"][:3]
    assert not lost, lost[:10]
    assert docs_after == docs


if __name__ == "__main__":
    main()
