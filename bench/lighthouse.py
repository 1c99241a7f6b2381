"""Lighthouse scores of the pages people meet, on a site this script starts itself the way `make run` does.

Lighthouse 12.2.3 (13 wants a newer Node than Debian's) is installed once with npm into ~/.cache/homeward/
(Node and npm from Debian's packages when missing) and runs Debian's Chromium with its default mobile emulation
(Moto G Power screen, 4× CPU slowdown, slow 4G) on the home page, search results, a project page, a township page,
a story page and the impact map, then prints performance, accessibility, best practices and SEO per page, and
under the table every audit of the last three that did not pass (what to fix).

    .venv/bin/python bench/lighthouse.py [--port 8105] [--language zh-hant] [--keep-data] [--reports DIR] [--only home]
                                         [--runs 3]

With --runs N each page is audited N times and the table shows the median of each score (the machine is often shared:
one run under load can lose ten performance points), with the load average before and after the runs.

The site runs `scripts/run` (migrate, demo content, worker, scheduler, daphne's runserver with the development
settings) on its own port with its own SQLite file in var/lighthouse/, so a `make run` on port 8000 is untouched.
It is the development server with DEBUG on: pages are gzipped (GZipMiddleware, as in production) but static files are
served uncompressed and without caching headers, which costs some performance points a production deployment
(WhiteNoise: compressed, hashed files with long caching headers) does not lose.
"""

import argparse
import json
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LIGHTHOUSE_VERSION = "12.2.3"
CACHE = Path(os.environ.get("HOMEWARD_CACHE", Path.home() / ".cache" / "homeward")) / f"lighthouse-{LIGHTHOUSE_VERSION}"
CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
# Variables of the test services that would point the site elsewhere than its embedded defaults.
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "ELASTICSEARCH_URL",
    "SEARCH_ENGINE",
    "SEARCH_INDEX_PREFIX",
    "STRIPE_API_BASE",
    "STRIPE_SECRET_KEY",
    "STRIPE_PUBLISHABLE_KEY",
    "STRIPE_WEBHOOK_SECRET",
    "MEDIA_STORAGE",
    "TASKS_BACKEND",
    "DJANGO_SETTINGS_MODULE",
)


def node_version():
    node = shutil.which("node") or shutil.which("nodejs")
    if node is None:
        return None
    output = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    return tuple(int(part) for part in output.lstrip("v").split(".")[:3])


def ensure_lighthouse():
    """The lighthouse command of the pinned version, installed on first use."""
    version = node_version()
    if version is None or shutil.which("npm") is None:
        print("==> installing Node.js and npm from Debian's packages", flush=True)
        subprocess.run(["apt-get", "install", "-y", "--no-install-recommends", "nodejs", "npm"], check=True)
        version = node_version()
    if version < (18, 20):
        raise SystemExit(f"lighthouse {LIGHTHOUSE_VERSION} needs Node 18.20 or newer; this one is {version}.")
    command = CACHE / "node_modules" / ".bin" / "lighthouse"
    if not command.exists():
        print(f"==> installing lighthouse {LIGHTHOUSE_VERSION} into {CACHE}", flush=True)
        CACHE.mkdir(parents=True, exist_ok=True)
        subprocess.run(
            [
                "npm",
                "install",
                "--no-audit",
                "--no-fund",
                "--save-exact",
                "--prefix",
                str(CACHE),
                f"lighthouse@{LIGHTHOUSE_VERSION}",
            ],
            check=True,
        )
    return command


def site_environment(port, data):
    environment = {key: value for key, value in os.environ.items() if key not in SERVICE_VARIABLES}
    environment.update(
        PORT=str(port),
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=f"sqlite:///{data / 'homeward.sqlite3'}",
        SITE_BASE_URL=f"http://127.0.0.1:{port}",
        LOG_LEVEL="WARNING",
    )
    return environment


def start_site(port, data, log):
    """scripts/run in its own process group (its worker and scheduler with it); returns the Popen."""
    process = subprocess.Popen(
        [str(ROOT / "scripts" / "run")],
        cwd=ROOT,
        env=site_environment(port, data),
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    deadline = time.monotonic() + 1200  # a first run migrates and loads the demo (a few minutes on 2 cores)
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the site stopped (exit {process.returncode}); see {log.name}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=5) as response:  # noqa: S310
                if response.status == 200:
                    return process
        except OSError:
            pass
        time.sleep(2)
    stop_site(process)
    raise SystemExit(f"the site did not answer on port {port} within 20 minutes; see {log.name}")


def stop_site(process):
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


PAGE_QUERY = """
import json
from cms.models import ProjectPage, StoryPage, TownshipPage
from marketplace.models import ProjectListing

language = {language!r}
projects = ProjectPage.objects.live().public().filter(locale__language_code=language, alias_of__isnull=True)
project = projects.filter(pk__in=ProjectListing.objects.values("project")).order_by("pk").first() or projects.first()
township = TownshipPage.objects.live().filter(locale__language_code=language, township=project.township).first()
story = StoryPage.objects.live().public().filter(locale__language_code=language).order_by("-date", "pk").first()
print(json.dumps({{"project": project.url, "township": township.url, "story": story.url}}))
"""


def pages_to_audit(port, data, language):
    """[(name, absolute URL)] of the six pages, the demo's first project, its township and the newest story."""
    environment = site_environment(port, data)
    result = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), "manage.py", "shell", "-c", PAGE_QUERY.format(language=language)],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        check=True,
    )
    urls = json.loads(result.stdout.strip().splitlines()[-1])
    base = f"http://127.0.0.1:{port}"
    return [
        ("home", f"{base}/{language}/"),
        ("search results", f"{base}/{language}/search/?q=%E8%8C%B6"),  # 茶 (tea): demo projects and stories match
        ("project", base + urls["project"]),
        ("township", base + urls["township"]),
        ("story", base + urls["story"]),
        ("impact map", f"{base}/{language}/impact/"),
    ]


def run_lighthouse(command, url, output):
    arguments = [
        str(command),
        url,
        f"--chrome-path={CHROMIUM}",
        "--chrome-flags=--headless=new --no-sandbox --disable-gpu --disable-background-networking",
        f"--only-categories={','.join(CATEGORIES)}",
        "--form-factor=mobile",  # Lighthouse's default, said out loud: a phone's screen, CPU and network
        "--output=json",
        f"--output-path={output}",
        "--quiet",
    ]
    for attempt in range(1, 4):
        # Chromium under load sometimes loses the trace of the load (NO_NAVSTART); Lighthouse says to run it again.
        result = subprocess.run(arguments, timeout=300, check=False)
        if result.returncode == 0:
            return json.loads(Path(output).read_text())
        print(f"    lighthouse failed (attempt {attempt} of 3)", flush=True)
    raise SystemExit(f"lighthouse failed three times on {url}")


def findings(report):
    """Audits of accessibility, best practices and SEO that did not pass: [(category, title, items)]."""
    failed = []
    for category in CATEGORIES[1:]:
        for reference in report["categories"][category]["auditRefs"]:
            audit = report["audits"][reference["id"]]
            if reference["weight"] and audit["score"] is not None and audit["score"] < 1:
                items = (audit.get("details") or {}).get("items") or []
                failed.append((category, audit["title"], len(items)))
    return failed


def percent(score):
    return "-" if score is None else str(round(score * 100))


def median_scores(runs):
    """The median of each category's score over the runs (a list of score lists), as 0–100."""
    medians = []
    for scores in zip(*runs, strict=True):
        present = [score for score in scores if score is not None]
        medians.append(round(statistics.median(present) * 100) if present else None)
    return medians


def format_load(load):
    return " ".join(f"{value:.1f}" for value in load)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8105)
    parser.add_argument("--language", default="zh-hant", choices=["zh-hant", "en", "ja"])
    parser.add_argument("--keep-data", action="store_true", help="keep var/lighthouse/ (the next run starts faster)")
    parser.add_argument("--reports", type=Path, help="also write each page's full JSON report here")
    parser.add_argument("--only", action="append", help="audit only this page (home, project, …); repeatable")
    parser.add_argument("--runs", type=int, default=1, help="audit each page this many times; print the medians")
    options = parser.parse_args()

    command = ensure_lighthouse()
    data = ROOT / "var" / "lighthouse"
    if not options.keep_data and data.exists():
        shutil.rmtree(data)
    data.mkdir(parents=True, exist_ok=True)
    reports = options.reports or Path(tempfile.mkdtemp(prefix="homeward-lighthouse-"))
    reports.mkdir(parents=True, exist_ok=True)
    print(f"==> starting the site on port {options.port} (log: {data / 'site.log'})", flush=True)
    with open(data / "site.log", "w") as log:
        site = start_site(options.port, data, log)
        try:
            pages = pages_to_audit(options.port, data, options.language)
            pages = [(name, url) for name, url in pages if not options.only or name in options.only]
            for _name, url in pages:  # a first request renders and caches renditions; it is not what is measured
                urllib.request.urlopen(url, timeout=120).read()  # noqa: S310
            rows = []
            load_before = os.getloadavg()
            for name, url in pages:
                runs = []
                for run in range(1, options.runs + 1):
                    print(f"==> lighthouse {name} ({run} of {options.runs}): {url}", flush=True)
                    suffix = "" if options.runs == 1 else f"-{run}"
                    report = run_lighthouse(command, url, reports / f"{name.replace(' ', '-')}{suffix}.json")
                    runs.append(([report["categories"][category]["score"] for category in CATEGORIES], report))
                rows.append((name, median_scores([scores for scores, _report in runs]), findings(runs[-1][1]), runs))
            load_after = os.getloadavg()
        finally:
            stop_site(site)
    print(f"\nLighthouse {LIGHTHOUSE_VERSION}, mobile emulation, {options.language}, Chromium at {CHROMIUM}")
    if options.runs > 1:
        print(f"median of {options.runs} runs per page; each run's performance score in brackets")
    print(f"load average before {format_load(load_before)}, after {format_load(load_after)} ({os.cpu_count()} cores)")
    print(f"{'page':<16}{'perf':>6}{'a11y':>6}{'best':>6}{'seo':>6}")
    for name, scores, _failed, runs in rows:
        line = f"{name:<16}" + "".join(f"{'-' if score is None else score:>6}" for score in scores)
        if options.runs > 1:
            line += "   [" + " ".join(percent(scores[0]) for scores, _report in runs) + "]"
        print(line)
    print()
    for name, _scores, failed, _runs in rows:
        for category, title, count in failed:
            print(f"{name}: {category}: {title}" + (f" ({count} items)" if count else ""))
    print(f"\nfull reports: {reports}")


if __name__ == "__main__":
    sys.exit(main())
