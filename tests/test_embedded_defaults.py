"""`make run`'s configuration must not rot: boot it in a child process.

Same settings module, no services: SQLite, database search, in-memory channel
layer, console email; migrate, load the demo twice, serve, ask /healthz.
"""

import ast
import re
import socket
import subprocess
import sys
import time

import pytest
import requests

from tests.helpers import ROOT, clean_environment, manage

pytestmark = pytest.mark.embedded


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def embedded_env(tmp_path_factory):
    folder = tmp_path_factory.mktemp("embedded")
    return clean_environment(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=f"sqlite:///{folder / 'homeward.sqlite3'}",
        MEDIA_ROOT=str(folder / "media"),
    )


@pytest.fixture(scope="module")
def migrated(embedded_env):
    result = manage("migrate", "--noinput", env=embedded_env, timeout=600)
    assert result.returncode == 0, result.stderr
    return embedded_env


def test_demo_content_loads_and_loading_again_changes_nothing(migrated):
    first = manage("load_demo", env=migrated)
    second = manage("load_demo", env=migrated)

    assert first.returncode == 0, first.stderr
    assert "368 created" in first.stdout
    assert "Home pages created: zh-hant, en, ja." in first.stdout
    assert "staff@homeward.test / homeward-demo" in first.stdout
    # 368 townships × 3 languages, 22 counties × 3, 2 sections × 3, 4 standard pages × 3, 9 stories and 5 projects
    # × 3 (WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE gives each its en and ja alias).
    assert "Demo pages created: 1230 " in first.stdout
    assert "Demo companies created: 6." in first.stdout
    assert "company@homeward.test / homeward-demo" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "0 created, 0 updated, 368 unchanged" in second.stdout
    assert "Home pages created: none" in second.stdout
    assert "Demo pages created: 0 " in second.stdout
    assert "Demo staff login already exists" in second.stdout
    assert "Demo companies created: 0." in second.stdout
    # The demo company member sees the demo projects matched, with reasons.
    shown = manage(
        "shell",
        "-c",
        "from django.utils import translation; from marketplace.matching import recommend_projects; "
        "from marketplace.models import CompanyProfile; translation.activate('en'); "
        "best = recommend_projects(CompanyProfile.objects.get(organisation__slug='demo-southern-foods'))[0]; "
        "print(best.project.title, best.reasons)",
        env=migrated,
    )
    assert shown.returncode == 0, shown.stderr
    assert "屏東可可共同發酵場" in shown.stdout
    assert "Your founder comes from Neipu Township, Pingtung County." in shown.stdout


def test_demo_traces_load_on_sqlite_and_loading_again_adds_nothing(migrated):
    assert manage("load_demo", env=migrated).returncode == 0
    first = manage("load_demo_traces", env=migrated)
    second = manage("load_demo_traces", env=migrated)

    assert first.returncode == 0, first.stderr
    assert "batches created: 3; devices registered: 2" in first.stdout
    assert "team@homeward.test / homeward-demo" in first.stdout
    assert second.returncode == 0, second.stderr
    assert "batches created: 0; devices registered: 0" in second.stdout
    # On SQLite: every chain verifies, the charts group their spans in the database, the impact map counts them.
    shown = manage(
        "shell",
        "-c",
        "from traceability import charts, queries; from traceability.models import Batch, Device; "
        "from impact.measures import figures; "
        "print('intact', all(queries.verify_batch(b, use_cache=False).intact for b in Batch.objects.all())); "
        "probe = Device.objects.get(name='三號池水質探頭'); "
        "shown = lambda key: charts.series_for(probe, probe.public_measures, key).values(); "
        "print('points', {key: min(len(s.points) for s in shown(key)) for key in charts.RANGES}); "
        "taiwan = figures().taiwan.figures; print('impact', taiwan.batches_traced, taiwan.devices_live)",
        env=migrated,
    )
    assert shown.returncode == 0, shown.stderr
    assert "intact True" in shown.stdout
    points = ast.literal_eval(next(line for line in shown.stdout.splitlines() if line.startswith("points "))[7:])
    assert points["day"] >= 24 * 12 - 2 and points["week"] >= 7 * 24 - 1, points  # 5-minute and hourly spans
    assert 0 < points["quarter"] <= 23, points  # one a day for the demo's 21 days (22 or 23 spans)
    assert "impact 3 2" in shown.stdout


def test_the_site_serves_on_the_embedded_defaults(migrated):
    assert manage("load_demo", env=migrated).returncode == 0
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, str(ROOT / "manage.py"), "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=migrated,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        health = _wait_for(f"{base}/healthz")
        home = requests.get(f"{base}/", timeout=10)
        admin_login = requests.get(f"{base}/admin/login/", timeout=10)
    finally:
        server.terminate()
        server.wait(timeout=10)

    checks = health.json()["checks"]
    assert health.json()["status"] == "ok"
    assert checks["database"]["vendor"] == "sqlite"
    assert checks["search"]["engine"] == "database"
    assert checks["channel_layer"]["backend"] == "InMemoryChannelLayer"
    assert checks["payments"]["mode"] == "not configured"
    assert checks["payments"]["gateway"] == "demo"  # no Stripe keys: backing goes through the demo checkout
    assert home.url == f"{base}/zh-hant/"
    assert "Homeward 地方創生平台" in home.text
    assert admin_login.status_code == 200


def _wait_for(url, seconds=60):
    deadline = time.monotonic() + seconds
    while True:
        try:
            return requests.get(url, timeout=5)
        except requests.ConnectionError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


def test_every_demo_loader_of_make_run_loads_and_loads_again(migrated):
    """The demo commands `make run` calls, read from scripts/run itself (a loader added there is run here), each run
    twice on the embedded defaults: a rule that a form and its action enforce (a meeting recorded within a year of being
    held) must not stop the demo from loading, and a second run must not fail on what the first one made."""
    loaders = re.findall(r'"\$python" manage\.py (load_demo\w*)', (ROOT / "scripts" / "run").read_text())
    assert len(loaders) >= 7, loaders
    for attempt in ("first", "again"):
        for name in loaders:
            result = manage(name, env=migrated, timeout=900)
            assert result.returncode == 0, (name, attempt, result.stderr[-3000:])
