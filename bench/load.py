"""A bounded load run of the mix people make, against a production-shaped set-up this script starts and stops itself.

The set-up: deploy/local_cluster.py's topology (production settings, DEBUG off, N web processes behind nginx with
deploy/nginx.conf's rules, static files collected with hashed names and served by WhiteNoise in each web process as
in the image), one task worker, on the PostgreSQL, Redis, Elasticsearch and MinIO of scripts/services; its own
database `homeward_load` with the demo content (`load_demo`, `load_demo_history`), settled as an operator settles
a bulk load (`ANALYZE`, the new search indices force-merged), a signed-in backer with backings and the demo
company's admin. Web processes are daphne (the production setting) or uvicorn (`--server uvicorn`).

The run: for each concurrency level (1, 8, 32, 64, 128), that many connections send requests back to back for
`--seconds` (loopback only: the client talks to nginx on 127.0.0.1), then stop; per level it prints requests/s,
p50/p95/p99, errors (status ≥ 400, timeouts, refused), the CPU seconds each part used (app: the web processes;
PostgreSQL, Redis, Elasticsearch, nginx: their process trees, from /proc) and the load average. Before the run, the
queries of one request of each kind (counted in one process through Django's test client, second request of two).

    eval "$(scripts/services env)"
    .venv/bin/python bench/load.py [--web 2] [--server daphne|uvicorn] [--seconds 10] [--levels 1,8,32,64,128]
                                   [--reuse]   # keep the database of the last run (skips the minutes of set-up)

Nothing outlives the run: the cluster is stopped in a `finally`, and every level ends after its `--seconds`.
The machine is shared: read the figures next to the load average printed with them.
"""

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from deploy.local_cluster import DAPHNE, PYTHON, LocalCluster  # noqa: E402

DATABASE = "homeward_load"

# (kind, weight): what a busy day looks like, anonymous reading first.
MIX = [
    ("home", 14),
    ("search", 10),
    ("search filtered", 8),
    ("project page", 18),
    ("township page", 10),
    ("impact page", 8),
    ("funding JSON", 12),
    ("sign-in page", 6),
    ("my backings (signed in)", 7),
    ("company recommendations (signed in)", 7),
]

# Runs in `manage.py shell` with the cluster's settings: a backer with backings and the demo company admin, a
# session for each; the URLs of the mix; the queries of one request of each kind.
SETUP_SCRIPT = r"""
import json
import time
from django.contrib.auth import get_user_model, BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.db import connection
from django.db.models import Q
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from wagtail.models import Locale
from cms.models import ProjectPage, TownshipPage
from marketplace.models import CompanyProfile, ProjectListing
from payments.models import Backing

User = get_user_model()
backer, _ = User.objects.get_or_create(email="backer@load.test", defaults={"display_name": "Load backer"})
# The same eight backings on every run (a --reuse run gave the backer eight more each time, and their page grew).
mine = list(
    Backing.objects.filter(Q(backer__isnull=True) | Q(backer=backer)).order_by("pk").values_list("pk", flat=True)[:8]
)
Backing.objects.filter(backer=backer).exclude(pk__in=mine).update(backer=None)
Backing.objects.filter(pk__in=mine).update(backer=backer, backer_email=backer.email)
# Every company with a member, each read by its own member: a company's ranking is kept for its own page, so one
# company asked again and again would measure the kept ranking only.
company_readers = []
for company in CompanyProfile.objects.filter(organisation__memberships__isnull=False).distinct().order_by("pk"):
    member = User.objects.filter(memberships__organisation=company.organisation).order_by("pk").first()
    company_readers.append((company, member))

def session_for(user):
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    return session.session_key

zh = Locale.objects.get(language_code="zh-hant")
projects = list(ProjectPage.objects.live().public().filter(locale=zh).order_by("pk"))
funded = [project for project in projects if ProjectListing.objects.filter(project=project).exists()]
with_projects = {project.get_parent().pk for project in projects}
townships = list(TownshipPage.objects.live().filter(locale=zh, pk__in=with_projects).order_by("pk"))
townships += list(TownshipPage.objects.live().filter(locale=zh).exclude(pk__in=with_projects).order_by("?")[:20])
translation.activate("zh-hant")
urls = {
    "home": ["/zh-hant/", "/en/", "/ja/"],
    "search": [reverse("search:page") + q for q in ("", "?q=茶", "?q=農業", "?q=rice", "?q=咖啡", "?q=漁")],
    "search filtered": [reverse("search:page") + q for q in (
        "?kind=projects&sort=newest", "?q=茶&kind=projects", "?funding_type=subscription", "?sector=agriculture",
        "?kind=projects&priority_area=true", "?q=農&county=10013")],
    "project page": [project.url for project in projects],
    "township page": [township.url for township in townships],
    "impact page": [reverse("impact:page")],
    "funding JSON": [reverse("payments:funding_progress", kwargs={"project_id": project.pk}) for project in funded],
    "sign-in page": [reverse("account_login")],
    "my backings (signed in)": [reverse("payments:my_backings")],
    "company recommendations (signed in)": [
        reverse("marketplace:recommendations", kwargs={"slug": company.organisation.slug})
        for company, _member in company_readers],
}
# The session of each signed-in URL, in the order of its kind's URLs.
sessions = {
    "my backings (signed in)": [session_for(backer)],
    "company recommendations (signed in)": [session_for(member) for _company, member in company_readers],
}
queries = {}
for kind, kind_urls in urls.items():
    clients = [Client() for _url in kind_urls] if kind in sessions else [Client()] * len(kind_urls)
    for client, session in zip(clients, sessions.get(kind, ()), strict=False):
        client.cookies["sessionid"] = session

    def get(number):
        return clients[number % len(kind_urls)].get(kind_urls[number % len(kind_urls)], HTTP_HOST="127.0.0.1")
    # Each URL once before timing: each test client loads the middleware on its first
    # request, and each page's first visit renders it (a kind of 25 township pages timed cold would measure renders).
    for number in range(len(kind_urls)):
        get(number)
    with CaptureQueriesContext(connection) as captured:
        response = get(0)
    queries[kind] = {"url": kind_urls[0], "status": response.status_code, "queries": len(captured.captured_queries)}
    # The server's own cost of the kind, without HTTP: ten requests in turn over its URLs, median.
    took = []
    for number in range(10):
        began = time.perf_counter()
        get(number)
        took.append(time.perf_counter() - began)
    queries[kind]["in_process_ms"] = sorted(took)[len(took) // 2] * 1000
print("LOAD-SETUP " + json.dumps({"urls": urls, "sessions": sessions, "queries": queries}))
"""

# Runs in `manage.py shell`: waits until the task worker has done every task queued before the run (the demo's
# reference-index and search updates), so that the timed levels do not share the cores with a backlog.
# Runs once after a build: what an operator does after a bulk load, so that the run measures the site as it stands
# rather than its first minutes (fresh tables without planner statistics, a new index still merging its segments).
SETTLE_SCRIPT = r"""
import time
from django.db import connection
from search.documents import families
from search.engines import elasticsearch_client
from search.es import alias_name
began = time.monotonic()
with connection.cursor() as cursor:
    cursor.execute("ANALYZE")
analysed = time.monotonic() - began
client = elasticsearch_client().options(request_timeout=600)
for family in families():
    client.indices.forcemerge(index=alias_name(family), max_num_segments=1, wait_for_completion=True)
print(f"SETTLED {analysed:.1f} {time.monotonic() - began - analysed:.1f}")
"""

DRAIN_SCRIPT = r"""
import time
from django_tasks_db.models import DBTaskResult
began = time.monotonic()
while True:
    waiting = DBTaskResult.objects.ready().count() + DBTaskResult.objects.running().count()
    if not waiting or time.monotonic() - began > 900:
        break
    print(f"  task queue: {waiting} waiting ({time.monotonic() - began:.0f} s)", flush=True)
    time.sleep(10)
print(f"TASKS-DRAINED {waiting} {time.monotonic() - began:.0f}")
"""


def uvicorn_command(port):
    """uvicorn serving config.asgi on 127.0.0.1:`port` (httptools, no websockets), as the benches compare it."""
    return [
        PYTHON,  # `-m`, not the console script: its first line names the interpreter it was installed with
        "-m",
        "uvicorn",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--proxy-headers",
        "--no-access-log",
        "--http",
        "httptools",
        "--ws",
        "none",
        "--log-level",
        "warning",
        "config.asgi:application",
    ]


class LoadCluster(LocalCluster):
    """local_cluster's processes, with uvicorn in place of daphne when asked."""

    def __init__(self, *args, server="daphne", threads=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.server = server
        self.threads = threads

    def _spawn(self, name, command, role):
        if role == "web" and self.server == "uvicorn" and command[0] == DAPHNE:
            command = uvicorn_command(command[command.index("-p") + 1])
        if role == "web" and self.server == "gunicorn" and command[0] == DAPHNE:
            # Plain HTTP through WSGI (no websockets: production would send /ws/ to daphne): one worker process
            # per web process, so the topology stays N processes behind nginx.
            port = command[command.index("-p") + 1]
            command = [
                PYTHON,
                "-m",
                "gunicorn",
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "1",
                "--threads",
                str(self.threads),
                "--log-level",
                "warning",
                "config.wsgi:application",
            ]
        return super()._spawn(name, command, role)


# ------------------------------------------------------------------ CPU from /proc


def _children_map():
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry))
    return children


def _tree(pids, children):
    seen, stack = set(), list(pids)
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        stack.extend(children.get(pid, []))
    return seen


def _cpu_seconds(pids):
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (children are counted as processes of the tree)
    return total / ticks


def service_pids():
    """postgres/redis/elasticsearch pids from `scripts/services status`."""
    output = subprocess.run(  # noqa: S603
        [str(ROOT / "scripts" / "services"), "status"], cwd=ROOT, capture_output=True, text=True, check=False
    ).stdout
    pids = {}
    for line in output.splitlines():
        parts = line.split()
        if len(parts) >= 5 and parts[1] == "running" and "pid" in parts:
            pids[parts[0]] = int(parts[parts.index("pid") + 1])
    return pids


class CpuMeter:
    def __init__(self, cluster):
        services = service_pids()
        self.roots = {
            "app": [p.pid for name, p in cluster.processes.items() if name.startswith("web-")],
            "PostgreSQL": [services["postgres"]] if "postgres" in services else [],
            "Redis": [services["redis"]] if "redis" in services else [],
            "Elasticsearch": [services["elasticsearch"]] if "elasticsearch" in services else [],
            "nginx": [cluster.processes["proxy"].pid],
            "worker": [p.pid for name, p in cluster.processes.items() if name.startswith("worker-")],
        }

    def sample(self):
        children = _children_map()
        found = {part: _cpu_seconds(_tree(pids, children)) for part, pids in self.roots.items()}
        found["load client"] = _cpu_seconds([os.getpid()])  # this process alone: the cluster is its children
        return found


def machine_busy_seconds():
    fields = [int(value) for value in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields) - idle) / os.sysconf("SC_CLK_TCK")


# ------------------------------------------------------------------ the client


def percentile(values, share):
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


async def run_level(base, setup, concurrency, seconds, seed):
    import aiohttp

    kinds = [kind for kind, weight in MIX for _ in range(weight)]
    results = []  # (kind, seconds, ok)
    stop_at = time.monotonic() + seconds
    connector = aiohttp.TCPConnector(limit=concurrency, force_close=False)
    timeout = aiohttp.ClientTimeout(total=30)

    async def one_connection(number):
        rng = random.Random(seed * 1000 + number)  # noqa: S311 (a load mix, not security)
        async with aiohttp.ClientSession(
            base_url=base,
            connector=connector,
            connector_owner=False,
            timeout=timeout,
            cookie_jar=aiohttp.DummyCookieJar(),
        ) as session:
            while time.monotonic() < stop_at:
                kind = rng.choice(kinds)
                number = rng.randrange(len(setup["urls"][kind]))
                url = setup["urls"][kind][number]
                headers = {"Accept-Encoding": "gzip", "Accept-Language": "zh-TW"}
                if kind in setup["sessions"]:
                    headers["Cookie"] = f"sessionid={setup['sessions'][kind][number]}"
                started = time.perf_counter()
                try:
                    async with session.get(url, headers=headers, allow_redirects=False) as response:
                        await response.read()
                        ok = response.status < 400
                except (TimeoutError, aiohttp.ClientError):
                    ok = False
                results.append((kind, time.perf_counter() - started, ok))

    started = time.monotonic()
    await asyncio.gather(*(one_connection(number) for number in range(concurrency)))
    elapsed = time.monotonic() - started
    await connector.close()
    return results, elapsed


def script_line(cluster, script, marker):
    """The line starting with `marker` that `script` printed, run in `manage.py shell` with the cluster's settings."""
    output = cluster.manage("shell", "-c", script).stdout
    return next(line for line in output.splitlines() if line.startswith(marker))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--web", type=int, default=2, help="web processes (default 2: one per core here)")
    parser.add_argument("--server", choices=["daphne", "uvicorn", "gunicorn"], default="daphne")
    parser.add_argument("--threads", type=int, default=1, help="gunicorn: threads per worker process")
    parser.add_argument("--seconds", type=float, default=10.0, help="per concurrency level")
    parser.add_argument("--levels", default="1,8,32,64,128")
    parser.add_argument("--reuse", action="store_true", help="keep the database of the last run")
    parser.add_argument("--run-dir", default=f"/tmp/homeward-load-{os.getuid()}")  # noqa: S108 (a run folder)
    options = parser.parse_args()
    levels = [int(level) for level in options.levels.split(",")]
    run_dir = Path(options.run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)

    cluster = LoadCluster(
        run_dir,
        web=options.web,
        workers=1,
        schedulers=0,
        database=DATABASE,
        server=options.server,
        threads=options.threads,
        extra_env={"DJANGO_STATIC_ROOT": str(run_dir / "static"), "LOG_LEVEL": "WARNING"},
    )
    began = time.monotonic()
    demo_marker = run_dir / "demo-loaded"
    if not options.reuse:
        print("set-up: fresh database, migrate, prepare_site, index, demo content (minutes on a busy machine) …")
        demo_marker.unlink(missing_ok=True)
        cluster.first_start()
    if not demo_marker.exists():
        # The demo loaders refuse production settings (they create accounts whose passwords are published): they
        # write the same database with the development settings; the servers then run on the production ones.
        for command in ("load_demo", "load_demo_history"):
            cluster.manage(command, env={"DJANGO_SETTINGS_MODULE": "config.settings.dev"})
        cluster.manage("rebuild_search_index", env={"SEARCH_TIMEOUT_SECONDS": "60"})
        settled = script_line(cluster, SETTLE_SCRIPT, "SETTLED ").split()
        print(f"after the build: ANALYZE in {settled[1]} s, the search indices merged in {settled[2]} s")
        demo_marker.touch()
    cluster.manage("collectstatic", "--noinput", "--verbosity", "0")
    setup = json.loads(script_line(cluster, SETUP_SCRIPT, "LOAD-SETUP ")[11:])
    print(f"set-up ready in {time.monotonic() - began:.0f} s")
    print("\nqueries of one request (second of two) and the median of ten in one process (Django's test client):")
    for kind, row in setup["queries"].items():
        print(
            f"  {kind:<38} {row['queries']:>4} queries {row['in_process_ms']:>7.1f} ms   "
            f"(status {row['status']}, {row['url']})"
        )

    try:
        cluster.start()
        base = f"http://127.0.0.1:{cluster.proxy_port}"
        meter = CpuMeter(cluster)
        drained = script_line(cluster, DRAIN_SCRIPT, "TASKS-DRAINED ").split()
        print(f"task queue before the run: {drained[1]} left after waiting {drained[2]} s for the worker")
        # Warm every process (template loading, first connections) before timing.
        asyncio.run(run_level(base, setup, 4, 3, seed=0))
        print(
            f"\n{options.web} × {options.server} behind nginx, production settings (DEBUG off), "
            f"{options.seconds:.0f} s per level; CPU in seconds per level from /proc (2 cores: at most "
            f"{2 * options.seconds:.0f})"
        )
        header = (
            f"{'conc':>5} {'wall s':>6} {'req/s':>7} {'p50 ms':>7} {'p95 ms':>7} {'p99 ms':>7} {'errors':>7}  "
            f"{'app':>5} {'pg':>5} {'redis':>5} {'es':>5} {'nginx':>5} {'worker':>6} {'client':>6} "
            f"{'machine':>7}  load avg"
        )
        print(header)
        by_kind_at = {}
        for level in levels:
            before, busy_before = meter.sample(), machine_busy_seconds()
            results, elapsed = asyncio.run(run_level(base, setup, level, options.seconds, seed=level))
            after, busy_after = meter.sample(), machine_busy_seconds()
            cpu = {part: after[part] - before[part] for part in after}
            times = [seconds for _kind, seconds, _ok in results]
            errors = sum(1 for _kind, _seconds, ok in results if not ok)
            load = os.getloadavg()
            print(
                f"{level:>5} {elapsed:>6.1f} {len(results) / elapsed:>7.1f} {percentile(times, 0.5) * 1000:>7.0f} "
                f"{percentile(times, 0.95) * 1000:>7.0f} {percentile(times, 0.99) * 1000:>7.0f} {errors:>7}  "
                f"{cpu['app']:>5.1f} {cpu['PostgreSQL']:>5.1f} {cpu['Redis']:>5.1f} {cpu['Elasticsearch']:>5.1f} "
                f"{cpu['nginx']:>5.1f} {cpu['worker']:>6.1f} {cpu['load client']:>6.1f} "
                f"{busy_after - busy_before:>7.1f}  "
                f"{load[0]:.1f} {load[1]:.1f} {load[2]:.1f}",
                flush=True,
            )
            by_kind_at[level] = results
        top = levels[-1] if 64 not in levels else 64
        print(f"\nper kind at {top} connections: requests, p50 / p95 ms, errors")
        for kind, _weight in MIX:
            times = [seconds for k, seconds, _ok in by_kind_at[top] if k == kind]
            errors = sum(1 for k, _seconds, ok in by_kind_at[top] if k == kind and not ok)
            print(
                f"  {kind:<38} {len(times):>6} {percentile(times, 0.5) * 1000:>7.0f} / "
                f"{percentile(times, 0.95) * 1000:<7.0f} {errors:>4}"
            )
    finally:
        cluster.stop()
    print(f"\nlogs: {run_dir}")


if __name__ == "__main__":
    main()
