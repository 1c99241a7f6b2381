"""Chromium switches language on a project, a story and a township page and stays on the same page."""

import re

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

SWITCH_NAME = {"zh-hant": "語言", "en": "Language", "ja": "言語"}
LANGUAGE_NAME = {"zh-hant": "繁體中文", "en": "English", "ja": "日本語"}


@pytest.fixture
def pages(cms_site):
    from cms.actions import ensure_language_versions, township_page_for
    from cms.models import ProjectPage, StoryIndexPage, StoryPage
    from places.models import Township

    township = township_page_for(Township.objects.get(code="10008040"))
    project = township.add_child(instance=ProjectPage(title="竹山竹藝工坊", slug="bamboo", summary="竹編工坊"))
    project.save_revision().publish()
    index = StoryIndexPage.objects.get(locale__language_code="zh-hant")
    story = index.add_child(instance=StoryPage(title="坪林的包種茶", slug="tea", date="2026-01-01"))
    story.save_revision().publish()
    ensure_language_versions()
    return {"project": project, "story": story, "township": township}


def url_in(page, code):
    from wagtail.models import Page

    return Page.objects.get(translation_key=page.translation_key, locale__language_code=code).url


@pytest.mark.parametrize("kind", ["project", "story", "township"])
def test_switching_language_stays_on_the_same_page(page, live_server, pages, kind):
    source = pages[kind]
    page.goto(live_server.url + url_in(source, "zh-hant"))
    heading = page.locator("h1").inner_text()

    for current, target in (("zh-hant", "en"), ("en", "ja"), ("ja", "zh-hant")):
        switch = page.get_by_role("navigation", name=SWITCH_NAME[current])
        switch.get_by_role("link", name=LANGUAGE_NAME[target]).click()

        assert page.url == live_server.url + url_in(source, target), (kind, target)
        assert page.locator("html").get_attribute("lang") == ("zh-Hant-TW" if target == "zh-hant" else target)
        if kind != "township":  # township pages are translated (their names); the others show the original
            assert page.locator("h1").inner_text() == heading
            note = page.locator(".untranslated-note")
            assert note.count() == (0 if target == "zh-hant" else 1)
        assert not re.search(rf"{live_server.url}/{target}/$", page.url), "never the home page"
