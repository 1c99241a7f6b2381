"""The "needs translation" queue in the admin (#15): live pages without a written English or Japanese version,
newest first, each with the way to translate it."""

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from wagtail.models import Page

from cms.actions import ensure_language_versions, township_page_for
from cms.models import ProjectPage
from cms.translation_queue import pages_needing_translation
from cms.visit_counter import flush_page_visits
from places.models import Township
from tests.helpers import translation_of, with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ZHUSHAN = "10008040"


@pytest.fixture
def staff(db):
    user = get_user_model().objects.create_user("staff@homeward.test", "a-long-password-3", is_staff=True)
    user.is_superuser = True
    user.save()
    return with_mfa(user)


@pytest.fixture
def projects(cms_site):
    township = township_page_for(Township.objects.get(code=ZHUSHAN))
    older = township.add_child(instance=ProjectPage(title="竹山竹藝工坊", slug="bamboo", summary="竹編"))
    older.save_revision().publish()
    newer = township.add_child(instance=ProjectPage(title="竹山茶園", slug="tea", summary="茶"))
    newer.save_revision().publish()
    ensure_language_versions()
    return older, newer


def missing_of(rows, page):
    return [row.missing for row in rows if row.page.pk == page.pk][0]


def rows_by_page(rows):
    return {row.page.pk: [code for code, _alias in row.missing] for row in rows}


def test_the_queue_lists_untranslated_live_pages_newest_first(projects):
    older, newer = projects
    english = translation_of(older, "en")
    english.title = "Zhushan bamboo workshop"
    english.save_revision().publish()
    # Converted in the admin (logged) and being written, not yet published: live with a copy of the original, so
    # still to be translated.
    from wagtail.actions.convert_alias import ConvertAliasPageAction

    alias = Page.objects.get(translation_key=newer.translation_key, locale__language_code="ja").specific
    ConvertAliasPageAction(alias).execute(skip_permission_checks=True)
    draft_japanese = ProjectPage.objects.get(pk=alias.pk)
    draft_japanese.title = "竹山の茶園"
    draft_japanese.save_revision()

    rows = pages_needing_translation()

    missing = rows_by_page(rows)
    assert missing[older.pk] == ["ja"] and missing[newer.pk] == ["en", "ja"]
    order = [row.page.pk for row in rows]
    assert order.index(newer.pk) < order.index(older.pk)
    # The way to translate: the alias in that language, converted in the admin.
    [(code, url)] = [row.missing for row in rows if row.page.pk == older.pk][0]
    alias = Page.objects.get(translation_key=older.translation_key, locale__language_code="ja")
    assert (code, url) == ("ja", reverse("wagtailadmin_pages:convert_alias", args=[alias.pk]))
    # The page being written is opened in the editor.
    [(_code, url)] = [m for m in missing_of(rows, newer) if m[0] == "ja"]
    assert url == reverse("wagtailadmin_pages:edit", args=[draft_japanese.pk])


def test_a_page_written_in_every_language_leaves_the_queue(projects):
    older, _newer = projects
    for code in ("en", "ja"):
        version = translation_of(older, code)
        version.title = f"{code} title"
        version.save_revision().publish()
    assert older.pk not in rows_by_page(pages_needing_translation())


def test_staff_open_the_queue_in_the_admin(client, staff, projects):
    older, _newer = projects
    client.force_login(staff)
    response = client.get(reverse("cms_needs_translation"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    assert f'href="{reverse("wagtailadmin_pages:edit", args=[older.pk])}" lang="zh-Hant-TW">竹山竹藝工坊</a>' in html
    alias = Page.objects.get(translation_key=older.translation_key, locale__language_code="en")
    assert reverse("wagtailadmin_pages:convert_alias", args=[alias.pk]) in html


def test_people_without_the_admin_cannot_open_it(client, projects):
    outsider = get_user_model().objects.create_user("someone@example.tw", "a-long-password-4")
    client.force_login(outsider)
    response = client.get(reverse("cms_needs_translation"))
    assert response.status_code in (302, 403)


def test_reading_a_page_counts_a_visit_of_its_translation_group_and_nothing_about_the_reader(client, projects):
    from cms.models import PageVisitDay

    older, newer = projects
    english = Page.objects.get(translation_key=older.translation_key, locale__language_code="en")
    assert client.get(older.url).status_code == 200
    assert client.get(english.url).status_code == 200  # the English alias: a read of the same page
    client.head(older.url)  # not a read

    flush_page_visits()  # reads are counted in Redis and written by the scheduler's job (cms.visit_counter)
    [row] = PageVisitDay.objects.filter(translation_key=older.translation_key)
    assert row.visits == 2
    assert not PageVisitDay.objects.filter(translation_key=newer.translation_key).exists()
    # Only the group, the day and the count are stored.
    assert {f.name for f in PageVisitDay._meta.get_fields()} == {"id", "translation_key", "day", "visits"}


def test_the_queue_puts_the_most_read_lately_first_or_the_newest_on_request(projects):
    import datetime

    from django.utils import timezone

    from cms.models import PageVisitDay

    older, newer = projects
    today = timezone.localdate()
    PageVisitDay.objects.create(translation_key=older.translation_key, day=today, visits=3)
    PageVisitDay.objects.create(
        translation_key=older.translation_key, day=today - datetime.timedelta(days=29), visits=2
    )
    # Long ago: not counted among the recent reads.
    PageVisitDay.objects.create(
        translation_key=newer.translation_key, day=today - datetime.timedelta(days=30), visits=99
    )
    PageVisitDay.objects.create(translation_key=newer.translation_key, day=today, visits=1)

    by_reads = [row for row in pages_needing_translation() if row.page.pk in (older.pk, newer.pk)]
    assert [(row.page.pk, row.visits) for row in by_reads] == [(older.pk, 5), (newer.pk, 1)]
    by_date = [row.page.pk for row in pages_needing_translation("newest") if row.page.pk in (older.pk, newer.pk)]
    assert by_date == [newer.pk, older.pk]


def test_staff_sort_the_queue_by_reads_or_by_date(client, staff, projects):
    from django.utils import timezone

    from cms.models import PageVisitDay

    older, newer = projects
    PageVisitDay.objects.create(translation_key=older.translation_key, day=timezone.localdate(), visits=7)
    client.force_login(staff)

    html = client.get(reverse("cms_needs_translation"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.index(f'data-page="{older.pk}"') < html.index(f'data-page="{newer.pk}"')
    assert 'data-visits="7"' in html and "瀏覽次數（近 30 天）" in html and 'href="?order=newest"' in html

    html = client.get(reverse("cms_needs_translation") + "?order=newest", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert html.index(f'data-page="{newer.pk}"') < html.index(f'data-page="{older.pk}"')
    assert 'href="?order=visited"' in html
