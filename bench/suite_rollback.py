"""What one transactional test costs the suite beyond its own work: the serialized rollback of the migrated rows.

tests/conftest.py turns every transactional test (transaction=True, live_server, browser) into a serialized-rollback
test: after the flush that empties every table, the rows migrations wrote (permissions, content types, synonym
seed, SDGs, workflow, groups…) are put back one object at a time. This prints the size of that state, what one
restore costs (inside a transaction that is rolled back, so the database is left as it was) and how many tables a
flush truncates. Point it at a migrated test database (e.g. one kept by `pytest --reuse-db`):

    eval "$(scripts/services env)"
    DJANGO_SETTINGS_MODULE=config.settings.test .venv/bin/python bench/suite_rollback.py [--database test_homeward]
"""

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", default="test_homeward")
    options = parser.parse_args()
    os.environ["DATABASE_URL"] = os.environ["DATABASE_URL"].rsplit("/", 1)[0] + f"/{options.database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.core import serializers
    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext

    started = time.perf_counter()
    data = connection.creation.serialize_db_to_string()
    serialize = time.perf_counter() - started
    kinds = Counter(type(item.object).__name__ for item in serializers.deserialize("json", data))
    print(f"migrated state: {len(data) / 1e6:.2f} MB, {sum(kinds.values())} objects (serialized in {serialize:.1f} s)")
    print("  most: " + ", ".join(f"{name} {count}" for name, count in kinds.most_common(8)))
    with transaction.atomic():
        with CaptureQueriesContext(connection) as captured:
            started = time.perf_counter()
            connection.creation.deserialize_db_from_string(data)
            took = time.perf_counter() - started
        transaction.set_rollback(True)
    # What tests/conftest.py does instead: one INSERT … SELECT per table from a copy kept in the database, after a
    # flush (so the tables are empty, as after a transactional test) and over the rows still there.
    sys.path.insert(0, str(ROOT))
    from django.core.management import call_command

    from tests import migrated_rows

    with transaction.atomic():
        statements = migrated_rows.snapshot(connection)
        started = time.perf_counter()
        migrated_rows.restore(connection, statements)
        over_took = time.perf_counter() - started
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        with CaptureQueriesContext(connection) as after_flush:
            started = time.perf_counter()
            migrated_rows.restore(connection, statements)
            flush_took = time.perf_counter() - started
        restored = connection.creation.serialize_db_to_string()
        transaction.set_rollback(True)
    same = sorted(json.loads(restored), key=repr) == sorted(json.loads(data), key=repr)
    print(
        f"from the copy in the database: {flush_took:.2f} s, {len(after_flush.captured_queries)} queries after a"
        f" flush; {over_took:.2f} s over the rows still there; same rows as serialized: {same}"
    )
    tables = connection.introspection.django_table_names(only_existing=True, include_views=False)
    load = os.getloadavg()
    queries = len(captured.captured_queries)
    print(f"one restore: {took:.2f} s, {queries} queries; a flush truncates {len(tables)} tables")
    print(f"load average: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")


if __name__ == "__main__":
    main()
