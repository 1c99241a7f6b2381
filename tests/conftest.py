"""Fixtures for the real services.

A test marked with a service (postgres, redis, elasticsearch, stripe, browser)
fails, loudly and with the way to fix it, when that service does not answer:
nothing is ever skipped because a service is missing.
"""

import os
import subprocess
from functools import cache
from pathlib import Path

import pytest
import requests
from django.conf import settings

from tests import migrated_rows

ROOT = Path(__file__).resolve().parent.parent
START_HINT = "start the services with `scripts/services start` (or run the whole suite with `make test`)"


def pytest_report_header(config):
    try:
        output = subprocess.run(
            ["bash", str(ROOT / "scripts" / "services"), "versions"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        ).stdout.strip()
    except (OSError, subprocess.TimeoutExpired) as error:
        output = f"(could not read service versions: {error})"
    return ["services:"] + ["  " + line for line in output.splitlines()]


@cache
def _service_problem(name):
    """None when the service answers, otherwise one line saying what is wrong."""
    try:
        if name == "postgres":
            if settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
                return "the test database is not PostgreSQL"
        elif name == "redis":
            import redis

            redis.Redis.from_url(settings.REDIS_URL, socket_timeout=2).ping()
        elif name == "elasticsearch":
            response = requests.get(
                f"{settings.HOMEWARD_SEARCH['ELASTICSEARCH_URL'].split(',')[0]}/_cluster/health", timeout=5
            )
            response.raise_for_status()
        elif name == "stripe":
            response = requests.get(
                f"{settings.STRIPE_API_BASE}/v1/customers",
                headers={"Authorization": f"Bearer {settings.STRIPE_SECRET_KEY}"},
                timeout=5,
            )
            response.raise_for_status()
        elif name == "s3":
            response = requests.get(f"{settings.S3_TEST['endpoint_url']}/minio/health/ready", timeout=5)
            response.raise_for_status()
        elif name == "browser" and not os.access(settings.CHROMIUM_PATH, os.X_OK):
            return f"Chromium is not installed at {settings.CHROMIUM_PATH}"
    except Exception as error:  # any failure to reach the service is reported the same way
        return f"{type(error).__name__}: {error}"
    return None


SERVICE_MARKERS = ("postgres", "redis", "elasticsearch", "stripe", "s3", "browser")


def _flushes_the_database(item):
    names = getattr(item, "fixturenames", ())
    marker = item.get_closest_marker("django_db")
    return (
        "transactional_db" in names
        or "live_server" in names
        or bool(marker and (marker.kwargs.get("transaction") or (marker.args and marker.args[0])))
    )


def _uses_module_fixtures(item):
    info = getattr(item, "_fixtureinfo", None)
    if info is None:
        return False
    return any(
        definition.scope in ("module", "package")
        for definitions in info.name2fixturedefs.values()
        for definition in definitions
    )


def _group_files_with_module_fixtures(config, items):
    # scripts/test hands tests out one by one in collection order (--dist loadgroup --no-loadscope-reorder): a
    # file whose tests share a module fixture (a browser, a migrated SQLite, an indexed set) stays in one process,
    # so the fixture is built once. Plain and transactional tests of one file never share a group: a group runs
    # where its first test stands in the collection order. (The "@group" suffix is how pytest-xdist groups.)
    if not getattr(config.option, "loadgroup", False):
        return
    for item in items:
        if _uses_module_fixtures(item) and "@" not in item.nodeid:
            kind = "transactional" if _flushes_the_database(item) else "plain"
            item._nodeid = f"{item.nodeid}@{item.nodeid.split('::')[0]}:{kind}"


def pytest_collection_modifyitems(session, config, items):
    # Browser tests go last within each process (tests/browser/conftest.py closes Playwright after each file, so
    # no event loop outlives them either way).
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)
    # A transactional test ends by emptying every table, migration-made rows included (wagtail's locales, the
    # staff groups, the synonym seed, the reference data). Serialized rollback puts them back when the next
    # transactional test starts (and keeps post_migrate from re-creating them under new keys after the flush).
    # pytest-django runs plain tests before transactional ones and each process takes its tests in that order;
    # pytest_runtest_setup below still restores the rows for a plain test that comes after a flush anyway.
    for item in items:
        if _flushes_the_database(item):
            marker = item.get_closest_marker("django_db")
            kwargs = dict(marker.kwargs) if marker else {}
            kwargs.update(transaction=True, serialized_rollback=True)
            item.add_marker(pytest.mark.django_db(**kwargs), append=False)
    _group_files_with_module_fixtures(config, items)


# --- one migration per run: the first process migrates a template database, every process copies it ------------

TEMPLATE_SUFFIX = "_template_"


RUN_VARIABLE = "HOMEWARD_TEST_TEMPLATE_RUN"


def pytest_configure(config):
    # The controller names the run; its worker processes inherit the variable with the rest of its environment.
    if not getattr(config, "workerinput", None) and getattr(config.option, "numprocesses", None):
        import uuid

        os.environ[RUN_VARIABLE] = uuid.uuid4().hex[:12]


def _template_name(config):
    """The migrated template's name for this run (shared by the processes of one run: RUN_VARIABLE)."""
    from django.db import connection

    run = os.environ[RUN_VARIABLE]
    base = connection.settings_dict["TEST"].get("NAME") or "test_" + connection.settings_dict["NAME"]
    return f"{base.removesuffix('_' + config.workerinput['workerid'])}{TEMPLATE_SUFFIX}{run}"


def _clones_a_template(config):
    # Only under pytest-xdist, and not when the caller asked for pytest-django's own handling of the database.
    return bool(
        getattr(config, "workerinput", None)
        and os.environ.get(RUN_VARIABLE)
        and not config.getvalue("reuse_db")
        and not config.getvalue("create_db")
        and not config.getvalue("nomigrations")
    )


def _migrate_template(connection, template):
    """Create and migrate the template with Django's own test-database creation, leaving the settings as they were."""
    from django.conf import settings as django_settings

    alias = connection.alias
    saved = (django_settings.DATABASES[alias]["NAME"], connection.settings_dict["NAME"])
    saved_test_name = connection.settings_dict["TEST"].get("NAME")
    connection.settings_dict["TEST"]["NAME"] = template
    try:
        connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False, keepdb=False)
    finally:
        connection.close()
        django_settings.DATABASES[alias]["NAME"], connection.settings_dict["NAME"] = saved
        connection.settings_dict["TEST"]["NAME"] = saved_test_name


@pytest.fixture(scope="session")
def _worker_database_from_template(request, django_db_modify_db_settings, django_db_blocker):
    """Under pytest-xdist every process used to migrate its own test database from scratch, at the same time as
    the others (minutes on a busy machine). Now the first process to get here migrates one template database for
    the run (under a file lock); each process then creates its own database as a copy of it (CREATE DATABASE …
    TEMPLATE, a file copy) and pytest-django finds it migrated. Migrations still run once a run, from nothing.
    Returns whether the process's database was made that way."""
    import fcntl
    import tempfile

    from django.db import connection

    if not _clones_a_template(request.config):
        return False
    template = _template_name(request.config)
    worker_database = connection.settings_dict["TEST"]["NAME"]
    quote = connection.ops.quote_name
    lock_path = Path(tempfile.gettempdir()) / f"homeward-{connection.settings_dict.get('PORT') or 5432}-{template}.lock"
    with django_db_blocker.unblock(), open(lock_path, "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
            exists = cursor.fetchone() is not None
        if not exists:
            _migrate_template(connection, template)
        with connection.creation._nodb_cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {quote(worker_database)} WITH (FORCE)")
            cursor.execute(f"CREATE DATABASE {quote(worker_database)} TEMPLATE {quote(template)}")
    return True


@pytest.fixture(scope="session")
def django_db_keepdb(request, _worker_database_from_template):
    # pytest-django creates the database unless it is kept: a copy of the template is kept (and migrate, run on it,
    # finds nothing to do); django_db_setup below drops it at the end as pytest-django would.
    return bool(_worker_database_from_template or request.config.getvalue("reuse_db"))


def pytest_sessionfinish(session):
    """The controller drops this run's template once every process is done."""
    if getattr(session.config, "workerinput", None) or not os.environ.get(RUN_VARIABLE):
        return
    from django.db import connection
    from pytest_django.plugin import blocking_manager_key

    run = os.environ[RUN_VARIABLE]
    try:
        with session.config.stash[blocking_manager_key].unblock(), connection.creation._nodb_cursor() as cursor:
            cursor.execute("SELECT datname FROM pg_database WHERE datname LIKE %s", [f"%{TEMPLATE_SUFFIX}{run}"])
            for (name,) in cursor.fetchall():
                cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")
    except Exception as error:  # the run's outcome stands; say what was left behind
        print(f"\ncould not drop the template test database of this run: {error}")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker, _worker_database_from_template):
    """The test database as migrations leave it, serialized once, whether or not a test asked for it."""
    from django.db import connections

    with django_db_blocker.unblock():
        for connection in connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents is None:
                contents = connection.creation.serialize_db_to_string()
            # Put back with one statement per table rather than ~900 saves (tests/migrated_rows.py).
            contents = MigratedRows(contents)
            contents.statements = migrated_rows.snapshot(connection)
            # On the class, not the connection: once Playwright runs its event loop in the test thread, Django
            # hands the thread another connection object, and serialized rollback must find the state there too.
            type(connection)._test_serialized_contents = contents
            creation = type(connection.creation)
            if not getattr(creation, "_restores_migrated_rows", False):
                creation.deserialize_db_from_string = _deserialize_or_restore(creation.deserialize_db_from_string)
                creation._restores_migrated_rows = True
    yield
    if _worker_database_from_template:  # kept from pytest-django's teardown (django_db_keepdb): drop it here
        with django_db_blocker.unblock():
            default = connections["default"]
            name = default.settings_dict["NAME"]
            connections.close_all()
            with default.creation._nodb_cursor() as cursor:
                cursor.execute(f"DROP DATABASE IF EXISTS {default.ops.quote_name(name)} WITH (FORCE)")


class MigratedRows(str):
    """The serialized migrated state, and the statements that put it back (tests/migrated_rows.py)."""

    statements = ()


def _deserialize_or_restore(deserialize):
    def deserialize_db_from_string(self, data):
        if isinstance(data, MigratedRows):
            migrated_rows.restore(self.connection, data.statements)
        else:
            deserialize(self, data)

    return deserialize_db_from_string


_database_flushed = False


def pytest_runtest_teardown(item):
    global _database_flushed
    if _flushes_the_database(item):
        _database_flushed = True


def _restore_migrated_rows(item):
    """Put back what migrations wrote, before a plain test that follows a transactional one opens its transaction."""
    from django.db import connections
    from pytest_django.plugin import blocking_manager_key

    with item.config.stash[blocking_manager_key].unblock():
        for connection in connections.all(initialized_only=True):
            contents = getattr(connection, "_test_serialized_contents", None)
            if contents is not None:
                connection.creation.deserialize_db_from_string(contents)


def pytest_runtest_setup(item):
    global _database_flushed
    for name in SERVICE_MARKERS:
        if item.get_closest_marker(name):
            problem = _service_problem(name)
            if problem:
                pytest.fail(f"{name} is needed by this test and does not answer ({problem}); {START_HINT}.")
    if _database_flushed and "django_db_setup" in item.fixturenames:
        if not _flushes_the_database(item):  # a transactional test restores them itself (serialized rollback)
            _restore_migrated_rows(item)
        _database_flushed = False


@pytest.fixture
def page_cache_on(settings):
    """The page cache on, on the real Redis, empty before and after the test."""
    from django.core.cache import cache as django_cache

    assert settings.CACHES["default"]["BACKEND"] == "core.cache.ResilientRedisCache", "these tests need REDIS_URL"
    settings.PAGE_CACHE_ENABLED = True
    django_cache.clear()
    yield
    django_cache.clear()


@pytest.fixture
def home_pages(db):
    """The home page in every language, as the demo loader makes it."""
    from cms.demo import ensure_home_pages

    ensure_home_pages()


@pytest.fixture
def townships(db):
    from places.actions import load_townships

    load_townships()


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the site's default language: a language an earlier test activated (a request to
    /en/…, translation.override left open) must not change what reverse() and gettext give the next one."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def fresh_channel_layer():
    """A Redis channel layer binds its receive lock to the event loop that first received on it, and every
    async_to_sync call runs its own loop: each test gets a layer of its own."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()


@pytest.fixture(autouse=True)
def no_sweep_remembered():
    """A web process remembers the receipt sweep it enqueued (payments.receipts): a test must not rely on a sweep
    an earlier test enqueued into a queue that is gone."""
    from payments.receipts import forget_sweep_enqueued_here

    forget_sweep_enqueued_here()
    yield
    forget_sweep_enqueued_here()


# --- the people, places and projects most tests share (built by tests/factories) -------------------


@pytest.fixture
def alice(db):
    from tests.factories.accounts import UserFactory

    return UserFactory(email="alice@example.tw", display_name="Alice 林")


@pytest.fixture
def bob(db):
    from tests.factories.accounts import UserFactory

    return UserFactory(email="bob@example.tw", display_name="Bob")


@pytest.fixture
def cms_site(home_pages, townships):
    """Home pages in every language, both sections, and the pages of a few townships (all languages)."""
    from cms.actions import ensure_project_review_workflow, ensure_township_pages
    from tests.factories.cms import TEST_TOWN_CODES

    ensure_project_review_workflow()
    ensure_township_pages(codes=TEST_TOWN_CODES)


@pytest.fixture
def market(home_pages, townships):
    """The small marketplace world of tests/factories/market.py (a company with ties, a team, projects)."""
    from tests.factories.market import build_market

    return build_market()


@pytest.fixture
def team(alice, bob):
    """Alice owns the enterprise team; Bob is its editor."""
    from accounts import actions
    from accounts.models import Organisation, Role

    organisation = actions.create_organisation(alice, kind=Organisation.Kind.ENTERPRISE, name="口湖魚塭隊")
    organisation.memberships.create(user=bob, role=Role.EDITOR)
    return organisation


@pytest.fixture
def kouhu(townships):
    from places.models import Township
    from tests.factories.market import KOUHU

    return Township.objects.get(code=KOUHU)


@pytest.fixture
def profile(cms_site, team, alice, kouhu):
    """The team's enterprise profile, in 口湖鄉."""
    from marketplace.actions import save_enterprise_profile

    return save_enterprise_profile(alice, team, township=kouhu, team_size=4, members_returned_home=3, summary="養殖")


@pytest.fixture
def listing(profile, alice):
    """A project the team submitted through the wizard (a plan, a milestone), then published by a moderator."""
    from marketplace import actions
    from marketplace.models import ProjectListing

    draft = actions.start_project_draft(alice, profile.organisation)
    actions.save_draft_step(alice, draft, "basics", title="智慧魚塭", summary="省水")
    actions.save_draft_step(alice, draft, "story", story="故事")
    actions.add_subscription_plan(alice, draft, name="認養", price_twd=500, rewards="魚", season_months=[6, 7])
    actions.add_milestone(alice, draft, title="第一座", target_date=None)
    project, _state = actions.submit_project_draft(alice, draft)
    project.save_revision().publish()
    return ProjectListing.objects.get(project=project)


@pytest.fixture
def plan(listing):
    return listing.subscription_plans.get()


@pytest.fixture
def campaign(listing):
    """The listing's open donation campaign (keep what you raise, NT$10,000 in 20 days)."""
    import datetime

    from django.utils import timezone

    from marketplace.models import DonationCampaign

    return DonationCampaign.objects.create(
        listing=listing,
        goal_twd=10_000,
        deadline=timezone.localdate() + datetime.timedelta(days=20),
        funding_model="keep_what_you_raise",
        suggested_amounts_twd=[300, 1_000],
    )
