"""How long /healthz and the home page take through Django's whole stack,
next to the cheapest request through the same stack (the language redirect of /).

Uses whatever the environment configures (by default the embedded SQLite
database of `make run`; run `make run` once first so the demo content exists).
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")

import django  # noqa: E402

django.setup()

from django.test import Client  # noqa: E402

from bench.timing import measure, print_table  # noqa: E402


def main(repeat=200):
    client = Client(HTTP_HOST="127.0.0.1")

    def redirect():
        assert client.get("/").status_code == 302

    def healthz():
        assert client.get("/healthz").status_code in (200, 503)

    def home():
        assert client.get("/zh-hant/").status_code == 200

    rows = {
        "GET / redirect (baseline)": measure(redirect, repeat),
        "GET /healthz": measure(healthz, repeat),
        "GET /zh-hant/ (home page)": measure(home, repeat),
    }
    print_table(rows, "GET / redirect (baseline)")


if __name__ == "__main__":
    main()
