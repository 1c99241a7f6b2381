"""Tasks bench/cluster.py enqueues into the cluster's workers (importable by the workers as bench.cluster_tasks)."""

import os
import time

from django.db import connection, transaction
from django_tasks import task

TABLE = "bench_cluster_executions"


def create_table():
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE IF NOT EXISTS {TABLE} (key text NOT NULL, pid integer NOT NULL, at timestamptz DEFAULT now())"  # noqa: E501,S608
        )
        cursor.execute(f"TRUNCATE {TABLE}")


def executions():
    """key -> how many committed executions."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, count(*) FROM {TABLE} GROUP BY key")  # noqa: S608 (a constant)
        return dict(cursor.fetchall())


@task()
def record_execution(key, seconds=0.0):
    """One execution row; `seconds` of work first, so that both workers get a share of a burst."""
    time.sleep(seconds)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (key, pid) VALUES (%s, %s)", [key, os.getpid()])  # noqa: S608
    return os.getpid()


@task()
def slow_effect(key, seconds):
    """Writes its effect, then works a while before committing: a worker killed meanwhile leaves no effect."""
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {TABLE} (key, pid) VALUES (%s, %s)", [key, os.getpid()])  # noqa: S608
        time.sleep(seconds)
    return os.getpid()
