"""Every public page in English and Japanese speaks the visitor's language: its visible interface text has no
Chinese (or, in Japanese, no untranslated English), while content shown in its original language is allowed where
it is marked with its `lang`."""

import re
from urllib.parse import parse_qs, urlsplit

import pytest
from bs4 import BeautifulSoup

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

HAN_OR_KANA = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]+")
# Characters Chinese writes and Japanese does not (們 這 與 專 麼 嗎 呢 從 會 對 說 讓 您 …): Chinese left in Japanese.
CHINESE_ONLY = re.compile(r"[們這與專麼嗎呢從會對說讓您臺縣區鄉灣]+")
ENGLISH_WORD = re.compile(r"\b[A-Za-z]{4,}\b")
# Names, not words of the interface; and the impact export's `level` values, which its field list quotes.
ALLOWED_LATIN = {
    "Homeward",
    "Facebook",
    "Instagram",
    "English",
    "Atom",
    "Stripe",
    "Email",
    "SDGs",
    "JSON",
    "CEDICT",
    "LINE",  # the messaging service a page is shared to
    "Enter",  # the key, as Japanese names it (Enter キー)
} | {
    "taiwan",
    "county",
    "township",
}


def visible_text(html, language):
    """The page's visible text, without the elements marked as written in another language."""
    soup = BeautifulSoup(html, "html.parser")
    # <code> holds identifiers (the export's field names), not words of the interface.
    for element in soup(["head", "script", "style", "noscript", "template", "code"]):
        element.decompose()
    for element in soup.select("[lang]"):
        if element.name != "html" and not element.decomposed and element["lang"].lower() != language:
            element.decompose()
    for element in soup.select("[hidden]"):
        element.decompose()
    return soup.get_text(" ", strip=True)


def foreign_text(text, language):
    if language == "en":
        return HAN_OR_KANA.findall(text)
    return CHINESE_ONLY.findall(text) + [word for word in ENGLISH_WORD.findall(text) if word not in ALLOWED_LATIN]


@pytest.fixture
def public_urls(market):
    """The public pages of a small world, in zh-Hant: the caller asks for them under /en/ and /ja/."""
    from cms.actions import ensure_language_versions
    from cms.models import StoryIndexPage, StoryPage

    index = StoryIndexPage.objects.get(locale__language_code="zh-hant")
    story = index.add_child(instance=StoryPage(title="坪林的包種茶", slug="tea", date="2026-01-01", summary="茶山"))
    story.save_revision().publish()
    ensure_language_versions()
    project = market["bamboo"]
    return {
        "home": lambda code: f"/{code}/",
        "township index": lambda code: _in(project.get_parent().get_parent().get_parent(), code),
        "county": lambda code: _in(project.get_parent().get_parent(), code),
        "township": lambda code: _in(project.get_parent(), code),
        "project": lambda code: _in(project, code),
        "story index": lambda code: _in(index, code),
        "story": lambda code: _in(story, code),
        "enterprise": lambda code: _reverse(code, "marketplace:enterprise_detail", slug=market["enterprise_org"].slug),
        # Results in the reader's language, or the original marked; expansions' words marked with their language.
        "search": lambda code: _reverse(code, "search:page") + "?q=%E7%AB%B9",
        "township map": lambda code: _reverse(code, "places:township_map"),
        "impact": lambda code: _reverse(code, "impact:page"),
        "sign in": lambda code: _reverse(code, "account_login"),
        "sign up": lambda code: _reverse(code, "account_signup"),
    }


def _reverse(code, name, **kwargs):
    from django.urls import reverse
    from django.utils import translation

    with translation.override(code):
        return reverse(name, kwargs=kwargs)


def _in(page, code):
    from wagtail.models import Page

    return Page.objects.get(translation_key=page.translation_key, locale__language_code=code).url


@pytest.mark.parametrize("language", ["en", "ja"])
def test_public_pages_speak_the_visitors_language(public_urls, client, language):
    problems = {}
    for name, url_for in public_urls.items():
        url = url_for(language)
        response = client.get(url)
        assert response.status_code == 200, (name, url, response.status_code)
        text = visible_text(response.content.decode(), language)
        # The visitor's own words quoted back ("0 results for “竹”") are theirs, not the interface's.
        typed = parse_qs(urlsplit(url).query).get("q", [""])[0]
        found = foreign_text(text.replace(typed, "") if typed else text, language)
        if found:
            problems[f"{name} {url}"] = found[:10]
    assert problems == {}
