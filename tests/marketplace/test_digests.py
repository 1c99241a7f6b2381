import datetime
import io

import pytest
from django.core import mail
from django.core.management import call_command

from marketplace.digests import send_weekly_digests
from marketplace.models import DigestRun, SavedSearch
from notifications.models import Notification
from places.models import County
from tests.factories.market import NOW, publish_project

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture
def saved_search(market):
    search = SavedSearch.objects.create(company=market["company"], name="臺東", priority_areas_only=True)
    search.counties.set([County.objects.get(code="10014")])
    return search


def test_members_who_want_recommendations_get_the_new_matching_projects_once_a_week(market, saved_search):
    market["dave"].notify_recommendations = False
    market["dave"].save()
    new = publish_project("10014030", "關山新專案", published=NOW - datetime.timedelta(days=2))
    publish_project("10008040", "竹山新專案", published=NOW - datetime.timedelta(days=2))  # not in Taitung

    assert send_weekly_digests(now=NOW) == 1

    assert [message.to for message in mail.outbox] == [["carol@example.tw"]]
    assert "關山新專案" in mail.outbox[0].body
    assert "竹山新專案" not in mail.outbox[0].body
    assert "關山米" not in mail.outbox[0].body  # published 18 days ago: before the first digest's week
    bell = Notification.objects.get(recipient=market["carol"], kind=Notification.Kind.MATCHING_PROJECT)
    assert bell.emailed_at is None
    run = DigestRun.objects.get()
    assert (run.projects, run.recipients) == (1, 1)
    assert new.pk


def test_sending_again_in_the_same_week_sends_nothing(market, saved_search):
    publish_project("10014030", "關山新專案", published=NOW - datetime.timedelta(days=2))
    send_weekly_digests(now=NOW)
    mail.outbox.clear()

    assert send_weekly_digests(now=NOW + datetime.timedelta(hours=3)) == 0

    assert [m for m in mail.outbox if "關山新專案" in m.body] == []
    assert DigestRun.objects.filter(week=datetime.date(2026, 11, 23)).count() == 1


def test_next_week_only_projects_published_since_the_last_digest_are_sent(market, saved_search):
    publish_project("10014030", "關山新專案", published=NOW - datetime.timedelta(days=2))
    send_weekly_digests(now=NOW)
    DigestRun.objects.update(sent_at=NOW)
    mail.outbox.clear()
    publish_project("10014030", "關山第二案", published=NOW + datetime.timedelta(days=3))

    assert send_weekly_digests(now=NOW + datetime.timedelta(days=7)) == 1

    assert "關山第二案" in mail.outbox[0].body and "關山新專案" not in mail.outbox[0].body


def test_the_command_sends_this_weeks_digests_and_is_safe_to_repeat(market, saved_search):
    publish_project("10014030", "關山新專案")
    first, second = io.StringIO(), io.StringIO()

    call_command("send_weekly_digests", stdout=first)
    call_command("send_weekly_digests", stdout=second)

    assert first.getvalue().strip() == "Weekly digests sent: 1."
    assert second.getvalue().strip() == "Weekly digests sent: 0."
    assert len([m for m in mail.outbox if "關山新專案" in m.body]) == 2  # carol and dave


def test_a_member_saves_and_deletes_a_search_from_the_page(client, market):
    client.force_login(market["dave"])
    url = f"/zh-hant/marketplace/companies/{market['company_org'].slug}/searches/"

    assert client.post(url, {"name": ""}).status_code == 400
    assert not SavedSearch.objects.exists()
    taitung = County.objects.get(code="10014")
    assert client.post(url, {"name": "臺東", "counties": [taitung.pk], "priority_areas_only": "on"}).status_code == 302
    saved = SavedSearch.objects.get()
    assert (saved.company, saved.priority_areas_only) == (market["company"], True)
    assert list(saved.counties.all()) == [taitung]
    assert "臺東" in client.get(url).text
    client.post(f"{url}{saved.pk}/delete/")
    assert not SavedSearch.objects.exists()


@pytest.mark.parametrize("language", ["en", "ja"])
def test_the_saved_searches_page_names_sectors_and_counties_in_the_readers_language(
    client, market, saved_search, language
):
    """The form's choices and the saved searches were the Chinese names (the models' __str__) on every page."""
    from bs4 import BeautifulSoup
    from django.utils import translation

    from cms.models import Sector

    sectors = list(Sector.objects.filter(slug__in=["test-agri", "test-crafts"]).order_by("slug"))
    saved_search.sectors.set(sectors)
    client.force_login(market["dave"])

    html = BeautifulSoup(
        client.get(f"/{language}/marketplace/companies/{market['company_org'].slug}/searches/").text, "html.parser"
    )

    with translation.override(language):
        taitung = County.objects.get(code="10014").name
        names = [sector.name for sector in saved_search.sectors.all()]
        separator = translation.pgettext("list separator", ", ")
    choices = {label.get_text(strip=True) for label in html.select("main form label")}
    assert {taitung, *names} <= choices and "臺東縣" not in choices
    listed = html.select_one("ul.saved-searches li").get_text(" ", strip=True)
    assert separator.join(names) in listed and taitung in listed
    item = str(html.select_one("ul.saved-searches li"))
    colon = "：" if language == "ja" else ": "
    assert f"<strong>{saved_search.name}</strong>{colon}" in item  # the colon as the language writes it


def test_a_digest_is_written_in_the_members_language_with_the_projects_translated_titles(market, saved_search):
    """#15: a member reading English gets the English digest, each project by its English title and address."""
    from django.utils import translation

    from cms.actions import ensure_language_versions
    from tests.helpers import translation_of

    market["dave"].notify_recommendations = False
    market["dave"].save()
    carol = market["carol"]
    carol.preferred_language = "en"
    carol.save(update_fields=["preferred_language"])
    new = publish_project("10014030", "關山新專案", published=NOW - datetime.timedelta(days=2))
    ensure_language_versions()
    english = translation_of(new, "en")
    english.title = "Guanshan new project"
    english.save_revision().publish()

    with translation.override("zh-hant"):  # the sender's (the scheduler's) language is not the recipient's
        assert send_weekly_digests(now=NOW) == 1

    [message] = mail.outbox
    with translation.override("en"):
        assert "saved searches" in message.subject
        assert "New projects for" in message.body and "本週" not in message.body
    assert "Guanshan new project" in message.body and english.url in message.body
    assert "關山新專案" not in message.body


def test_the_digests_bell_notification_is_read_in_the_language_the_member_reads_now(client, market, saved_search):
    """Made in the member's Chinese; read later in English (its plural form) and Japanese, the company's name as is."""
    from django.utils import translation

    from tests.helpers import notifications_page_in

    market["dave"].notify_recommendations = False
    market["dave"].save()
    carol = market["carol"]
    publish_project("10014030", "關山新專案", published=NOW - datetime.timedelta(days=2))
    publish_project("10014030", "關山第二案", published=NOW - datetime.timedelta(days=1))

    with translation.override("ja"):  # the scheduler's language is neither the maker's nor the reader's
        assert send_weekly_digests(now=NOW) == 1

    company = str(market["company"])
    made = Notification.objects.get(recipient=carol, kind=Notification.Kind.MATCHING_PROJECT)
    assert made.title == f"有 2 個新專案符合{company}儲存的搜尋"
    client.force_login(carol)
    english, japanese = notifications_page_in(client, "en"), notifications_page_in(client, "ja")
    assert f"2 new projects match {company}&#x27;s saved searches" in english
    assert "See this week&#x27;s digest." in english
    assert f"2件の新しいプロジェクトが{company}の保存した検索に合います" in japanese
    assert "今週のダイジェストをご覧ください。" in japanese
    assert "新專案符合" not in english + japanese


def test_a_second_save_of_the_same_search_is_refused_with_a_reason_and_keeps_the_input(client, market, saved_search):
    """A double click on Save, or a name already used, made two identical searches (two same digest sections)."""
    client.force_login(market["dave"])
    url = f"/en/marketplace/companies/{market['company_org'].slug}/searches/"
    taitung = County.objects.get(code="10014")

    first = client.post(url, {"name": "Yilan farms", "counties": [taitung.pk]})
    again = client.post(url, {"name": "yilan FARMS", "counties": [taitung.pk]})

    assert first.status_code == 302
    assert again.status_code == 400
    assert "already has a saved search of that name" in again.text
    assert 'value="yilan FARMS"' in again.text
    assert sorted(market["company"].saved_searches.values_list("name", flat=True)) == ["Yilan farms", "臺東"]
