"""Warming the page cache (cms.page_warming), on the real Redis: once a publish commits, the pages it made stale are
rendered again by a worker, so that their next visitors meet stored copies; the warm-up counts no visit, keeps each
language apart and leaves the worker's language as it was."""

import re
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from django.utils import timezone, translation
from wagtail.models import Locale, PageViewRestriction

from cms.actions import township_page_for
from cms.models import HomePage
from cms.page_warming import pages_to_warm, warm
from cms.visit_counter import pending_visits
from tests.helpers import cached

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis, pytest.mark.usefixtures("page_cache_on")]


@pytest.fixture
def warming_on(settings):
    settings.PAGE_CACHE_WARMING = True


def served(url):
    response = Client().get(url)
    assert response.status_code == 200, (url, response.status_code)
    return response


def test_a_publish_leaves_its_page_its_township_and_the_home_pages_stored_in_every_language(
    market, warming_on, django_capture_on_commit_callbacks
):
    rice = market["rice"]
    township = township_page_for(rice.township)
    pages = [rice, *township.get_translations(inclusive=True), *HomePage.objects.all()]
    for page in pages:
        cached(Client(), page.url)

    rice.title = "關山好米"
    with django_capture_on_commit_callbacks(execute=True):
        rice.save_revision().publish()

    for page in pages:
        response = served(page.url)
        assert response["X-Page-Cache"] == "hit", page.url
    assert "關山好米" in served(rice.url).content.decode()
    assert "關山好米" in served(township.url).content.decode()


def test_without_warming_the_next_visitor_renders_the_page(market, django_capture_on_commit_callbacks):
    """The test above would pass without a warm-up if the page cache kept stale copies: this one shows it does not."""
    rice = market["rice"]
    cached(Client(), rice.url)
    with django_capture_on_commit_callbacks(execute=True):
        rice.save_revision().publish()

    assert served(rice.url)["X-Page-Cache"] == "miss"


def test_the_pages_warmed_are_the_page_its_parent_and_the_home_pages_in_every_language(market):
    rice = market["rice"]
    township = township_page_for(rice.township)

    warmed = pages_to_warm([rice])

    assert warmed[0] == rice.pk
    expected = {rice.pk, *(page.pk for page in township.get_translations(inclusive=True))}
    expected |= set(HomePage.objects.live().values_list("pk", flat=True))
    assert set(warmed) == expected
    assert len(warmed) == len(set(warmed))


def test_warming_counts_no_visit_and_keeps_the_workers_language(market):
    township = township_page_for(market["rice"].township)
    japanese = township.get_translation(Locale.objects.get(language_code="ja"))
    cached(Client(), HomePage.objects.first().url)  # the site's first request makes its navigation settings
    before = pending_visits(timezone.localdate()).get(str(township.translation_key), 0)

    with translation.override("en"):
        report = warm([japanese.pk, township.pk])
        assert translation.get_language() == "en"

    assert report.served == {"miss": 2} and report.failed == []
    assert pending_visits(timezone.localdate()).get(str(township.translation_key), 0) == before
    stored = served(japanese.url)
    assert stored["X-Page-Cache"] == "hit"
    assert '<html lang="ja">' in stored.content.decode()
    # A second warm-up finds the copies current and renders nothing.
    assert warm([japanese.pk]).served == {"hit": 1}


def test_a_restricted_page_is_not_stored_by_a_warm_up(market):
    rice = market["rice"]
    cached(Client(), HomePage.objects.first().url)
    PageViewRestriction.objects.create(page=rice, restriction_type=PageViewRestriction.PASSWORD, password="secret")

    report = warm([rice.pk])

    assert report.served == {"not stored": 1} and report.failed == []
    assert served(rice.url).get("X-Page-Cache") is None


def test_the_command_warms_the_site_and_reports_what_it_did(market):
    Client().get(HomePage.objects.first().url)  # the site's first request makes its navigation settings
    out = StringIO()
    call_command("warm_page_cache", stdout=out)

    summary = out.getvalue().strip().splitlines()[-1]
    assert " pages in " in summary and " miss" in summary
    for page in HomePage.objects.all():
        assert served(page.url)["X-Page-Cache"] == "hit"
    assert served(market["rice"].url)["X-Page-Cache"] == "hit"


def test_the_command_refuses_to_run_with_the_cache_off(settings):
    settings.PAGE_CACHE_ENABLED = False
    with pytest.raises(CommandError, match="page cache is off"):
        call_command("warm_page_cache", stdout=StringIO())


def test_a_page_read_near_the_end_of_its_lifetime_is_rendered_again_by_a_worker_once(
    market, warming_on, settings, monkeypatch
):
    """Refresh ahead: a page read often never ages out under its readers, and what changed without telling the cache
    shows once the worker rendered it again."""
    import time
    from types import SimpleNamespace

    from django_tasks_db.models import DBTaskResult

    from cms import page_cache, page_warming
    from cms.models import ProjectPage
    from cms.tasks import warm_pages

    monkeypatch.setattr(page_warming, "_refresh_asked", {})
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.PAGE_CACHE_SECONDS = 600
    rice = market["rice"]
    cached(Client(), rice.url)
    # No publish: the cache is not told. The summary shows in the introduction, a part kept for every reader.
    ProjectPage.objects.filter(pk=rice.pk).update(summary="悄悄改名的介紹")
    assert served(rice.url)["X-Page-Cache"] == "hit"
    assert not DBTaskResult.objects.filter(task_path="cms.tasks.warm_pages").exists()

    # Eight minutes on: the copy is in the second half of its ten.
    monkeypatch.setattr(page_cache, "time", SimpleNamespace(time=lambda: time.time() + 480))
    for _ in range(2):
        response = served(rice.url)
        assert response["X-Page-Cache"] == "hit" and "悄悄改名的介紹</p>" not in response.content.decode()
    [enqueued] = DBTaskResult.objects.filter(task_path="cms.tasks.warm_pages")
    assert enqueued.args_kwargs["args"] == [[rice.pk]]

    assert warm_pages.call([rice.pk]).endswith("1 miss")  # what the worker runs: the page is rendered again
    response = served(rice.url)
    assert response["X-Page-Cache"] == "hit" and "悄悄改名的介紹</p>" in response.content.decode()
    assert DBTaskResult.objects.filter(task_path="cms.tasks.warm_pages").count() == 1


def test_the_day_starts_with_the_most_read_pages_warmed(market, warming_on):
    from cms.page_warming import most_read_first, pages_of_the_day
    from cms.tasks import warm_pages_of_the_day
    from cms.visit_counter import count_visit, flush_page_visits
    from scheduling.jobs import job_named

    rice = market["rice"]
    Client().get(HomePage.objects.first().url)
    for _ in range(3):
        count_visit(rice.translation_key)
    flush_page_visits()
    assert most_read_first(limit=1) == [rice.pk]

    job = job_named("warm_pages_of_the_day")
    assert job.task is warm_pages_of_the_day and job.cron == "0 0 * * *"
    assert job.task.call(**job.kwargs).startswith(f"{len(pages_of_the_day(job.kwargs['limit']))} pages in ")
    assert served(rice.url)["X-Page-Cache"] == "hit"


def test_a_change_every_page_shows_warms_the_most_read_pages_once_after_the_edits(
    market, warming_on, settings, django_capture_on_commit_callbacks
):
    """An editor saving the menus twice starts one warm-up, a few seconds later, which sees the last save; meanwhile
    the copy from before both saves is served, not a render."""
    import datetime

    from wagtail.models import Site

    from cms.models import NavigationSettings
    from cms.page_warming import SITE_CHANGE_DELAY, SITE_CHANGE_LOCK, SITE_CHANGE_PAGES
    from cms.tasks import warm_pages_of_the_day

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    navigation = NavigationSettings.for_site(Site.objects.get(is_default_site=True))
    cached(Client(), market["rice"].url)

    enqueued, started = _saved_twice(
        navigation,
        "footer_note",
        ("第一版頁尾", "第二版頁尾"),
        django_capture_on_commit_callbacks,
        SITE_CHANGE_LOCK,  # taken when the settings above were made
        "cms.tasks.warm_pages_of_the_day",
    )
    assert enqueued.args_kwargs["args"] == [SITE_CHANGE_PAGES]
    assert enqueued.run_after >= started + datetime.timedelta(seconds=SITE_CHANGE_DELAY - 1)
    before = served(market["rice"].url)  # the menus changed: every copy is stale, served until the warm-up
    assert before["X-Page-Cache"] == "previous" and "第二版頁尾" not in before.content.decode()

    warm_pages_of_the_day.call(SITE_CHANGE_PAGES)  # what a worker runs once the delay is over
    response = served(market["rice"].url)
    assert response["X-Page-Cache"] == "hit" and "第二版頁尾" in response.content.decode()


def test_an_enterprise_saved_twice_warms_its_townships_pages_once_after_the_edits(
    profile, kouhu, warming_on, settings, django_capture_on_commit_callbacks
):
    """Every township page is stale after such an edit; the row's own township's pages are warmed, in every
    language, a few seconds later, by one task for both saves."""
    import datetime

    from cms.page_warming import TOWNSHIP_CHANGE_DELAY, TOWNSHIP_CHANGE_LOCK
    from cms.tasks import warm_pages

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    township = township_page_for(kouhu)
    page_ids = sorted(page.pk for page in township.get_translations(inclusive=True).live())
    cached(Client(), township.url)

    enqueued, started = _saved_twice(
        profile,
        "summary",
        ("養殖與加工", "養殖、加工與導覽"),
        django_capture_on_commit_callbacks,
        f"{TOWNSHIP_CHANGE_LOCK}:{kouhu.pk}",  # taken when the profile was made
        "cms.tasks.warm_pages",
    )
    assert enqueued.args_kwargs["args"] == [page_ids] and len(page_ids) == 3
    assert enqueued.run_after >= started + datetime.timedelta(seconds=TOWNSHIP_CHANGE_DELAY - 1)
    assert warm_pages.call(page_ids).endswith(f"{len(page_ids)} miss")  # what a worker runs after the delay
    assert served(township.url)["X-Page-Cache"] == "hit"


def _clock_moved(monkeypatch, seconds):
    """The page cache's clock (only its own) `seconds` ahead."""
    import time
    from types import SimpleNamespace

    from cms import page_cache

    monkeypatch.setattr(page_cache, "time", SimpleNamespace(time=lambda: time.time() + seconds))


@pytest.fixture
def worker_tasks(settings, monkeypatch):
    """Tasks go to the database queue, as for a real worker; no refresh asked earlier in this process."""
    from cms import page_warming

    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    monkeypatch.setattr(page_warming, "_refresh_asked", {})


def test_a_copy_past_its_lifetime_is_served_stale_while_a_worker_renders_it_again(
    market, warming_on, worker_tasks, settings, monkeypatch
):
    from django_tasks_db.models import DBTaskResult

    from cms.models import ProjectPage
    from cms.tasks import warm_pages

    settings.PAGE_CACHE_SECONDS, settings.PAGE_CACHE_STALE_SECONDS = 600, 3600
    rice = market["rice"]
    cached(Client(), rice.url)
    ProjectPage.objects.filter(pk=rice.pk).update(summary="悄悄改名的介紹")  # untold

    _clock_moved(monkeypatch, 1800)  # half an hour on: past the lifetime, within the stale bound
    stale = served(rice.url)
    assert stale["X-Page-Cache"] == "stale" and "悄悄改名的介紹</p>" not in stale.content.decode()
    assert DBTaskResult.objects.filter(task_path="cms.tasks.warm_pages").count() == 1

    warm_pages.call([rice.pk])
    fresh = served(rice.url)
    assert fresh["X-Page-Cache"] == "hit" and "悄悄改名的介紹</p>" in fresh.content.decode()


def test_a_stale_copy_is_never_served_once_what_it_shows_changed(
    market, warming_on, worker_tasks, settings, monkeypatch, django_capture_on_commit_callbacks
):
    settings.PAGE_CACHE_SECONDS, settings.PAGE_CACHE_STALE_SECONDS = 600, 3600
    settings.PAGE_CACHE_WARMING = False  # no warm-up after the publish: the reader meets the change itself
    rice = market["rice"]
    cached(Client(), rice.url)
    rice.title = "關山好米"
    with django_capture_on_commit_callbacks(execute=True):
        rice.save_revision().publish()
    settings.PAGE_CACHE_WARMING = True

    _clock_moved(monkeypatch, 1800)
    response = served(rice.url)
    assert response["X-Page-Cache"] == "miss" and "關山好米" in response.content.decode()


@pytest.mark.parametrize("why", ["past the stale bound", "no worker", "a query string"])
def test_a_copy_past_its_lifetime_is_rendered_when_it_may_not_be_served_stale(
    market, warming_on, worker_tasks, settings, monkeypatch, why
):
    settings.PAGE_CACHE_SECONDS, settings.PAGE_CACHE_STALE_SECONDS = 600, 3600
    township = market["rice"].get_parent()
    # A township page is kept all day (the test below): a project page goes past the stale bound.
    url = market["rice"].url if why == "past the stale bound" else township.url
    url += "?page=1" if why == "a query string" else ""
    cached(Client(), url)
    if why == "no worker":
        settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    _clock_moved(monkeypatch, 4300 if why == "past the stale bound" else 1800)
    assert served(url)["X-Page-Cache"] == "miss"


@pytest.fixture
def a_long_day(monkeypatch):
    """The local day has a day left, whatever the hour the test runs at."""
    from cms import page_cache

    monkeypatch.setattr(page_cache, "seconds_left_today", lambda: 86_400)


def test_a_township_page_is_served_all_day_while_a_worker_renders_it_again(
    market, warming_on, worker_tasks, settings, monkeypatch, a_long_day
):
    """A township page is read far less often than its lifetime: its copy stays for its next reader, however late
    in the day, who is served it while a worker renders it again; a project page's copy goes after the stale bound."""
    from django_tasks_db.models import DBTaskResult

    from cms.models import TownshipPage
    from cms.tasks import warm_pages

    settings.PAGE_CACHE_SECONDS, settings.PAGE_CACHE_STALE_SECONDS = 600, 3600
    rice = market["rice"]
    township = rice.get_parent().specific
    for url in (township.url, rice.url):
        cached(Client(), url)
    TownshipPage.objects.filter(pk=township.pk).update(summary="悄悄寫下的鄉鎮介紹")  # untold

    _clock_moved(monkeypatch, 5 * 3600)  # five hours on: past the lifetime and the stale bound
    stale = served(township.url)
    assert stale["X-Page-Cache"] == "stale" and "悄悄寫下的鄉鎮介紹" not in stale.content.decode()
    [enqueued] = DBTaskResult.objects.filter(task_path="cms.tasks.warm_pages")
    assert enqueued.args_kwargs["args"] == [[township.pk]]
    assert served(rice.url)["X-Page-Cache"] == "miss"

    assert warm_pages.call([township.pk]).endswith("1 miss")  # what the worker runs
    fresh = served(township.url)
    assert fresh["X-Page-Cache"] == "hit" and "悄悄寫下的鄉鎮介紹" in fresh.content.decode()


def test_a_township_page_kept_all_day_is_rendered_when_no_worker_will_render_it_again(
    market, warming_on, settings, monkeypatch, a_long_day
):
    settings.PAGE_CACHE_SECONDS, settings.PAGE_CACHE_STALE_SECONDS = 600, 3600
    url = market["rice"].get_parent().url
    cached(Client(), url)
    _clock_moved(monkeypatch, 5 * 3600)  # the immediate backend of the tests: nothing renders it later
    assert served(url)["X-Page-Cache"] == "miss"


def test_a_signed_in_reader_of_a_township_page_gets_its_parts_all_day_while_a_worker_renders_them_again(
    market, reader, warming_on, worker_tasks, settings, monkeypatch, a_long_day
):
    """A signed-in reader's page is rendered for them around the parts every reader sees alike; on a page kept all
    day those parts stay too, past their lifetime, and the first reader after it has a worker render them again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    from cms.models import TownshipPage
    from cms.tasks import warm_pages

    settings.PAGE_CACHE_SECONDS, settings.PAGE_CACHE_STALE_SECONDS = 600, 3600
    township = market["rice"].get_parent().specific
    for _ in range(3):  # the site's first request makes its navigation settings
        reader.get(township.url)
    with CaptureQueriesContext(connection) as kept_parts:
        assert reader.get(township.url).status_code == 200
    TownshipPage.objects.filter(pk=township.pk).update(summary="悄悄寫下的鄉鎮介紹")  # untold

    _clock_moved(monkeypatch, 5 * 3600)
    with CaptureQueriesContext(connection) as later:
        response = reader.get(township.url)
    assert "悄悄寫下的鄉鎮介紹</p>" not in response.content.decode()  # the head's description is rendered for them
    assert len(later) <= len(kept_parts) + 2  # the refresh's task row, not the parts' queries
    [enqueued] = DBTaskResult.objects.filter(task_path="cms.tasks.warm_pages")
    assert enqueued.args_kwargs["args"] == [[township.pk]]

    warm_pages.call([township.pk])
    assert "悄悄寫下的鄉鎮介紹</p>" in reader.get(township.url).content.decode()


def test_a_copy_is_stale_once_a_part_of_it_changes_by_itself(market, warming_on, worker_tasks, settings, monkeypatch):
    """A township's next experience starts in an hour: until then its page is a hit; after it, its next reader is
    served the copy while a worker renders the page again (it lists the experience as coming no longer)."""
    import datetime

    from django_tasks_db.models import DBTaskResult

    from accounts.models import Organisation
    from experiences.models import Experience, Slot

    settings.PAGE_CACHE_SECONDS, settings.PAGE_CACHE_STALE_SECONDS = 86_400, 3600
    rice = market["rice"]
    township = rice.get_parent().specific
    office = Organisation.objects.create(
        kind=Organisation.Kind.TOWNSHIP_OFFICE, name="關山鎮公所", slug="guanshan-office", township=rice.township
    )
    experience = Experience.objects.create(
        organisation=office,
        kind=Experience.Kind.EXPERIENCE,
        title_zh="稻田腳踏車導覽",
        title_en="Rice-field bike tour",
        description_zh="騎車看稻田",
        township=township.township,
        is_published=True,
    )
    starts = timezone.now() + datetime.timedelta(hours=1)
    Slot.objects.create(
        experience=experience, starts_at=starts, ends_at=starts + datetime.timedelta(hours=2), capacity=9
    )
    assert "稻田腳踏車導覽" in cached(Client(), township.url).content.decode()

    _clock_moved(monkeypatch, 1800)
    assert served(township.url)["X-Page-Cache"] == "hit"
    assert not DBTaskResult.objects.filter(task_path="cms.tasks.warm_pages").exists()
    _clock_moved(monkeypatch, 2 * 3600)
    assert served(township.url)["X-Page-Cache"] == "stale"
    [enqueued] = DBTaskResult.objects.filter(task_path="cms.tasks.warm_pages")
    assert enqueued.args_kwargs["args"] == [[township.pk]]


def test_the_day_starts_with_the_most_read_pages_then_every_township_and_index_page(market, warming_on):
    from cms.models import CountyPage, StoryIndexPage, TownshipIndexPage, TownshipPage
    from cms.page_warming import pages_kept_all_day, pages_of_the_day

    rice = market["rice"]
    kept = set(pages_kept_all_day())
    for kind in (HomePage, TownshipIndexPage, CountyPage, TownshipPage, StoryIndexPage):
        assert set(kind.objects.live().values_list("pk", flat=True)) <= kept, kind
    assert rice.pk not in kept and len(kept) >= 3 * 2  # the home and township pages, in three languages

    with_rice_first = pages_of_the_day(limit=1)
    assert with_rice_first[0] in (rice.pk, *kept)
    assert set(with_rice_first[1:]) == kept - {with_rice_first[0]} and len(with_rice_first) == len(set(with_rice_first))


def _saved_twice(row, field, values, capture, lock, task_path):
    """Empty the task queue and `lock`, then save `row` with each of `values` in `field`, each save committed;
    returns the one task of `task_path` enqueued, and when the saves began."""
    from django.core.cache import cache
    from django_tasks_db.models import DBTaskResult

    DBTaskResult.objects.all().delete()
    cache.delete(lock)
    started = timezone.now()
    for value in values:
        setattr(row, field, value)
        with capture(execute=True):
            row.save()
    [enqueued] = DBTaskResult.objects.filter(task_path=task_path)
    return enqueued, started


def _published(page, capture, **changes):
    """`page` published with `changes`, the publish committed."""
    for name, value in changes.items():
        setattr(page, name, value)
    with capture(execute=True):
        page.save_revision().publish()


def test_after_a_publish_the_previous_copies_are_served_until_the_worker_stored_the_new_ones(
    market, warming_on, worker_tasks, django_capture_on_commit_callbacks
):
    """The reader who comes between a publish and the worker's render meets the copy from just before the publish,
    not a render; the publish shows once the worker stored the new copies."""
    from django_tasks_db.models import DBTaskResult

    from cms.models import ProjectUpdate
    from cms.tasks import warm_pages

    rice = market["rice"]
    # A publish saves the page's updates again with it (modelcluster): still one change, the publish.
    rice.updates.add(ProjectUpdate(date=timezone.localdate(), title="秧苗下田", body="<p>第一期稻作開始。</p>"))
    _published(rice, django_capture_on_commit_callbacks)
    township = township_page_for(rice.township)
    pages = [rice, township, HomePage.objects.first()]
    for page in pages:
        cached(Client(), page.url)
    DBTaskResult.objects.all().delete()

    _published(rice, django_capture_on_commit_callbacks, title="關山好米")

    for page in pages:
        response = served(page.url)
        assert response["X-Page-Cache"] == "previous", page.url
        assert "關山好米" not in response.content.decode()
    [enqueued] = DBTaskResult.objects.filter(task_path="cms.tasks.warm_pages")
    warm_pages.call(*enqueued.args_kwargs["args"])  # what the worker runs: the warm-up renders, not "previous"
    for page in pages:
        assert served(page.url)["X-Page-Cache"] == "hit", page.url
    for page in (rice, township):  # the home page does not feature it
        assert "關山好米" in served(page.url).content.decode()


def test_after_a_township_row_changes_its_pages_previous_copies_are_served_until_the_worker_stored_the_new_ones(
    market, warming_on, worker_tasks, django_capture_on_commit_callbacks
):
    """As after a publish: a help request posted shows on its township's pages once the worker has rendered them;
    the reader who comes between meets the copy from just before it. Another township's pages stay hits."""
    import datetime

    from django.core.cache import cache
    from django_tasks_db.models import DBTaskResult

    from accounts.models import Organisation
    from cms.page_warming import TOWNSHIP_CHANGE_LOCK
    from cms.tasks import warm_pages
    from people.models import HelpRequest

    rice = market["rice"]
    office = Organisation.objects.create(
        kind=Organisation.Kind.TOWNSHIP_OFFICE, name="關山鎮公所", slug="guanshan-office", township=rice.township
    )
    guanshan = township_page_for(rice.township)
    kouhu = township_page_for(market["oysters"].township)
    for page in (guanshan, kouhu):
        cached(Client(), page.url)
    DBTaskResult.objects.all().delete()
    cache.delete(f"{TOWNSHIP_CHANGE_LOCK}:{rice.township_id}")  # taken when the office was made

    today = timezone.localdate()
    with django_capture_on_commit_callbacks(execute=True):
        HelpRequest.objects.create(
            organisation=office,
            title="秋收志工召募",
            description="幫忙割稻",
            field=HelpRequest._meta.get_field("field").choices[0][0],
            township=rice.township,
            work_format=HelpRequest._meta.get_field("work_format").choices[0][0],
            starts_on=today,
            ends_on=today + datetime.timedelta(days=10),
        )

    response = served(guanshan.url)
    assert response["X-Page-Cache"] == "previous" and "秋收志工召募" not in response.content.decode()
    assert served(kouhu.url)["X-Page-Cache"] == "hit"
    [enqueued] = DBTaskResult.objects.filter(task_path="cms.tasks.warm_pages")
    warm_pages.call(*enqueued.args_kwargs["args"])  # what the worker runs after the delay
    response = served(guanshan.url)
    assert response["X-Page-Cache"] == "hit" and "秋收志工召募" in response.content.decode()


@pytest.mark.parametrize("change", ["unpublished", "another change after", "a new slug", "too long ago", "off"])
def test_a_copy_from_before_a_change_is_not_served_unless_the_change_was_only_that_publish(
    market, warming_on, worker_tasks, settings, monkeypatch, django_capture_on_commit_callbacks, change
):
    from cms.page_cache import page_content_changed

    rice = market["rice"]
    township = township_page_for(rice.township)
    old_url = rice.url
    cached(Client(), old_url)
    cached(Client(), township.url)
    if change == "off":
        settings.PAGE_CACHE_REPLACING_SECONDS = 0

    if change == "unpublished":
        with django_capture_on_commit_callbacks(execute=True):
            rice.unpublish()
    else:
        new_slug = {"slug": "new-rice"} if change == "a new slug" else {}
        _published(rice, django_capture_on_commit_callbacks, title="關山好米", **new_slug)
    if change == "another change after":
        page_content_changed([rice.pk])  # an update the team posted, shown without a publish
    if change == "too long ago":
        _clock_moved(monkeypatch, settings.PAGE_CACHE_REPLACING_SECONDS + 1)

    response = Client().get(old_url)
    assert response.get("X-Page-Cache") != "previous"
    if change in ("unpublished", "a new slug"):
        assert response.status_code in (301, 302, 404)
        listing = served(township.url)  # the township page listed the page at its old place
        assert listing["X-Page-Cache"] == "miss" and old_url not in listing.content.decode()
    else:
        assert response["X-Page-Cache"] == "miss" and "關山好米" in response.content.decode()


def test_a_page_given_a_password_and_then_published_is_never_served_from_before(
    home_pages, warming_on, worker_tasks, django_capture_on_commit_callbacks
):
    """The copy from before the password is stale by the site's generation (a view restriction moves it), and so
    is the page's publish: the copy was not current just before the publish, so it is not that publish's to keep."""
    from cms.models import StandardPage

    home = HomePage.objects.first()
    page = home.add_child(instance=StandardPage(title="合作夥伴", slug="partners", body=[("paragraph", "<p>名單</p>")]))
    cached(Client(), page.url)
    PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="x")

    _published(page, django_capture_on_commit_callbacks, title="合作夥伴名單")

    response = Client().get(page.url)
    assert response.get("X-Page-Cache") != "previous"
    assert response.status_code == 200 and "名單</p>" not in response.content.decode()


def test_a_previous_copy_shows_a_payment_made_after_the_publish(
    market, warming_on, worker_tasks, django_capture_on_commit_callbacks
):
    """The holes of a copy from before a publish that only the publish moved (the card's content) show what they
    showed; one a payment moved since is filled again."""
    from marketplace.models import ProjectListing
    from tests.factories.accounts import UserFactory
    from tests.factories.payments import open_campaign
    from tests.factories.stripe import pay_through_webhook

    rice = market["rice"]
    listing = ProjectListing.objects.get(project=rice)
    open_campaign(listing, 200_000)
    township = township_page_for(rice.township)
    cached(Client(), township.url)

    _published(rice, django_capture_on_commit_callbacks, title="關山好米")
    with django_capture_on_commit_callbacks(execute=True):
        pay_through_webhook(listing, UserFactory(email="backer@example.tw"), 12_345, "previous_1")

    response = served(township.url)
    content = response.content.decode()
    assert response["X-Page-Cache"] == "previous"
    assert "12,345" in content and "關山好米" not in content


@pytest.fixture
def yesterdays_copies(monkeypatch):
    """Pages stored yesterday: `store(url)` keeps a copy as yesterday's render would have (its day in its key, its
    days left counted from yesterday); then the day turns, `seconds` after midnight (60 unless told)."""
    import datetime

    from django.utils import timezone as django_timezone

    from cms import page_cache

    today = django_timezone.localdate()

    def store(*urls, reader=None):
        """Anonymous readers store the pages; a signed-in `reader` their shared parts only."""
        with monkeypatch.context() as yesterday:
            yesterday.setattr(django_timezone, "localdate", lambda *args: today - datetime.timedelta(days=1))
            for url in urls:
                if reader is None:
                    cached(Client(), url)
                else:
                    for _ in range(2):  # the site's first request makes its navigation settings
                        assert reader.get(url).status_code == 200

    def turn(seconds=60):
        monkeypatch.setattr(page_cache, "seconds_since_midnight", lambda: seconds)

    return SimpleNamespace(store=store, turn=turn)


def test_as_a_day_starts_yesterdays_copies_are_served_while_a_worker_renders_the_new_days(
    listing, campaign, warming_on, worker_tasks, yesterdays_copies, settings, a_long_day
):
    """Every key holds the day: at midnight no page has a copy. Until a worker has rendered a page for the new day,
    its reader is served yesterday's copy with its money filled again (the days left count from today), not a
    render; the page's refresh is asked once."""
    from django_tasks_db.models import DBTaskResult

    from cms.models import TownshipPage
    from cms.tasks import warm_pages

    project = listing.project
    township = TownshipPage.objects.get(pk=project.get_parent().pk).get_translation(
        Locale.objects.get(language_code="en")
    )
    project_en = project.get_translation(Locale.objects.get(language_code="en"))
    yesterdays_copies.store(township.url, project_en.url)
    yesterdays_copies.turn(60)

    # The card's money on the township page, the funding panel's on the project's.
    for page, today in ((township, r"\b20 days left"), (project_en, r"days left</dt>\s*<dd>20</dd>")):
        response = served(page.url)
        assert response["X-Page-Cache"] == "previous", page.url
        assert re.search(today, response.content.decode()), page.url
        assert served(page.url)["X-Page-Cache"] == "previous"  # asked once
    refreshes = DBTaskResult.objects.filter(task_path="cms.tasks.warm_pages")
    assert sorted(task.args_kwargs["args"][0][0] for task in refreshes) == sorted([township.pk, project_en.pk])

    assert warm_pages.call([township.pk, project_en.pk]).endswith("2 miss")  # what the worker runs
    for page in (township, project_en):
        assert served(page.url)["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("why", ["no worker", "later in the day", "a change since"])
def test_yesterdays_copy_is_not_served_without_a_worker_later_in_the_day_or_after_a_change(
    why, market, warming_on, yesterdays_copies, settings, monkeypatch
):
    from cms import page_warming
    from cms.page_cache import page_content_changed

    rice = market["rice"]
    yesterdays_copies.store(rice.url)
    if why != "no worker":  # the tests' immediate backend runs a task in the request: nobody renders it later
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        monkeypatch.setattr(page_warming, "_refresh_asked", {})
    yesterdays_copies.turn(settings.PAGE_CACHE_SECONDS + 1 if why == "later in the day" else 60)
    if why == "a change since":  # what the page shows of its own changed (an update, an answer): no copy from before
        page_content_changed([rice.pk])

    assert served(rice.url)["X-Page-Cache"] == "miss"


def test_after_official_figures_change_township_pages_previous_copies_are_served_until_the_warm_up(
    market, warming_on, worker_tasks, django_capture_on_commit_callbacks
):
    """Official figures show on every township page: they are all stale, served from before the change until the
    warm-up (the pages kept all day, once for all the rows of an import) has stored the new ones."""
    from django.core.cache import cache
    from django_tasks_db.models import DBTaskResult

    from cms.page_warming import SITE_CHANGE_LOCK, SITE_CHANGE_PAGES
    from cms.tasks import warm_pages_of_the_day
    from datahub.models import Indicator

    township = township_page_for(market["rice"].township)
    cached(Client(), township.url)
    DBTaskResult.objects.all().delete()
    cache.delete(SITE_CHANGE_LOCK)  # taken when the site's settings were made

    with django_capture_on_commit_callbacks(execute=True):
        Indicator.objects.create(code="farm-ponds", name_zh="魚塭數", name_en="Fish ponds", unit="farms")

    assert served(township.url)["X-Page-Cache"] == "previous"
    [enqueued] = DBTaskResult.objects.filter(task_path="cms.tasks.warm_pages_of_the_day")
    assert enqueued.args_kwargs["args"] == [SITE_CHANGE_PAGES]
    warm_pages_of_the_day.call(SITE_CHANGE_PAGES)  # what a worker runs once the delay is over
    assert served(township.url)["X-Page-Cache"] == "hit"


def test_a_page_no_warm_up_renders_is_rendered_again_by_a_worker_after_a_change_every_page_shows(
    market, warming_on, worker_tasks, django_capture_on_commit_callbacks
):
    """A copy from before the menus changed is served once more, and that reader's visit has a worker render the
    page, whether or not the site's warm-up lists it; then the copy from before is never served again."""
    from django_tasks_db.models import DBTaskResult
    from wagtail.models import Site

    from cms.models import NavigationSettings
    from cms.tasks import warm_pages

    rice = market["rice"]
    navigation = NavigationSettings.for_site(Site.objects.get(is_default_site=True))
    cached(Client(), rice.url)
    DBTaskResult.objects.all().delete()

    navigation.footer_note = "新的頁尾"
    with django_capture_on_commit_callbacks(execute=True):
        navigation.save()

    assert served(rice.url)["X-Page-Cache"] == "previous"
    [refresh] = DBTaskResult.objects.filter(task_path="cms.tasks.warm_pages")
    assert refresh.args_kwargs["args"] == [[rice.pk]]
    warm_pages.call([rice.pk])
    response = served(rice.url)
    assert response["X-Page-Cache"] == "hit" and "新的頁尾" in response.content.decode()


def test_as_a_day_starts_a_signed_in_reader_gets_yesterdays_parts_while_a_worker_renders_the_new_days(
    market, reader, warming_on, worker_tasks, yesterdays_copies, a_long_day
):
    """The parts every reader sees alike are kept per day too: as a day starts, a signed-in reader's page is
    rendered around yesterday's parts while a worker renders the new day's. An anonymous reader's page rendered
    around one of them is stored stale: the next reader is served it while a worker renders it again."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django_tasks_db.models import DBTaskResult

    from cms.models import TownshipPage
    from cms.tasks import warm_pages

    township = market["rice"].get_parent().specific
    yesterdays_copies.store(township.url, reader=reader)
    TownshipPage.objects.filter(pk=township.pk).update(summary="悄悄寫下的鄉鎮介紹")  # untold
    yesterdays_copies.turn(60)

    with CaptureQueriesContext(connection) as as_the_day_starts:
        response = reader.get(township.url)
    assert "悄悄寫下的鄉鎮介紹</p>" not in response.content.decode()  # the head: yesterday's part
    [refresh] = DBTaskResult.objects.filter(task_path="cms.tasks.warm_pages")
    assert refresh.args_kwargs["args"] == [[township.pk]]

    assert served(township.url)["X-Page-Cache"] == "miss"  # rendered around yesterday's parts, stored stale
    assert served(township.url)["X-Page-Cache"] == "stale"
    warm_pages.call([township.pk])
    with CaptureQueriesContext(connection) as with_todays_parts:
        assert "悄悄寫下的鄉鎮介紹</p>" in reader.get(township.url).content.decode()
    assert len(as_the_day_starts) <= len(with_todays_parts) + 2  # the refresh's task row, not the parts' queries
    assert served(township.url)["X-Page-Cache"] == "hit"


@pytest.mark.parametrize("menus_changed_before", [False, True])
def test_a_page_given_a_password_is_never_served_from_before_even_after_a_change_every_page_shows(
    menus_changed_before, home_pages, warming_on, worker_tasks, django_capture_on_commit_callbacks
):
    """A view restriction makes every copy stale as the menus do, but a copy from before it is never served: it
    may be the page now behind the password. Nor after the menus changed just before, whose copies from before
    would otherwise be served."""
    from wagtail.models import Site

    from cms.models import NavigationSettings, StandardPage

    home = HomePage.objects.first()
    page = home.add_child(instance=StandardPage(title="合作夥伴", slug="partners", body=[("paragraph", "<p>名單</p>")]))
    navigation = NavigationSettings.for_site(Site.objects.get(is_default_site=True))
    cached(Client(), page.url)
    if menus_changed_before:
        navigation.footer_note = "新的頁尾"
        with django_capture_on_commit_callbacks(execute=True):
            navigation.save()

    with django_capture_on_commit_callbacks(execute=True):
        PageViewRestriction.objects.create(page=page, restriction_type=PageViewRestriction.PASSWORD, password="x")

    response = Client().get(page.url)
    assert response.get("X-Page-Cache") != "previous"
    assert response.status_code == 200 and "名單</p>" not in response.content.decode()


def test_after_a_publish_every_page_shows_the_other_pages_copies_from_before_it_are_served_until_the_warm_up(
    market, warming_on, worker_tasks, django_capture_on_commit_callbacks
):
    """A page in the menus published (its title is every page's menu entry): every copy is stale, as after a change
    of the menus, and the other pages' copies from before it are served while the warm-up renders them again."""
    from django.core.cache import cache
    from django_tasks_db.models import DBTaskResult

    from cms.models import StandardPage
    from cms.page_warming import SITE_CHANGE_LOCK
    from cms.tasks import warm_pages_of_the_day

    home = HomePage.objects.first()
    about = home.add_child(instance=StandardPage(title="關於我們", slug="about", body=[("paragraph", "<p>我們</p>")]))
    rice = market["rice"]
    cached(Client(), rice.url)
    DBTaskResult.objects.all().delete()
    cache.delete(SITE_CHANGE_LOCK)

    _published(about, django_capture_on_commit_callbacks, title="關於歸鄉")

    response = served(rice.url)
    assert response["X-Page-Cache"] == "previous"
    [enqueued] = DBTaskResult.objects.filter(task_path="cms.tasks.warm_pages_of_the_day")
    warm_pages_of_the_day.call(*enqueued.args_kwargs["args"])  # what a worker runs once the delay is over
    assert served(rice.url)["X-Page-Cache"] == "hit"
