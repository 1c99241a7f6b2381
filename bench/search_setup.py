"""Shared set-up of the search benchmarks: Django on PostgreSQL and Elasticsearch from the environment."""

import os
import sys
from pathlib import Path

HOW_TO_START = """These benchmarks need PostgreSQL and Elasticsearch.
Start the project's services and export their addresses:

    scripts/services start
    eval "$(scripts/services env)"      # sets DATABASE_URL and ELASTICSEARCH_URL
    .venv/bin/python bench/<script>.py

(or set DATABASE_URL=postgres://... and ELASTICSEARCH_URL=http://... yourself)."""


def setup():
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    if not os.environ.get("ELASTICSEARCH_URL") or not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        print(HOW_TO_START)
        sys.exit(2)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    os.environ["SEARCH_ENGINE"] = "elasticsearch"
    os.environ.setdefault("SEARCH_INDEX_PREFIX", "homeward-bench")
    os.environ.setdefault("SEARCH_TIMEOUT_SECONDS", "30")
    os.environ["TASKS_BACKEND"] = "django_tasks.backends.immediate.ImmediateBackend"
    import logging

    import django

    django.setup()
    logging.disable(logging.INFO)
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
