"""Link previews of the views that are not CMS pages: og:title, og:description and the twitter card carry the
view's own title and summary (the words of its <title> and meta description), in the page's language, escaped."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Organisation
from experiences import actions as experience_actions
from people import actions as people_actions
from tests.factories.accounts import verified_organisation
from tests.factories.market import ZHUSHAN, township
from tests.people.test_people import request_data

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

TRICKY_TITLE = '採茶 <體驗> & "tea"'
TRICKY_SUMMARY = "跟著茶農上山採茶 & 喝一杯 <烏龍>。"
TRICKY_QUERY = '<b>"茶"</b>'


class HeadReader(HTMLParser):
    """The <title> and the meta tags of a page's head, their values read as a browser reads them."""

    def __init__(self):
        super().__init__()
        self.meta, self.title, self._in_title, self._done = {}, "", False, False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if self._done:
            return
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs["name"]] = attrs.get("content")
        self._in_title = tag == "title"

    def handle_endtag(self, tag):
        self._in_title = False
        self._done = self._done or tag == "head"

    def handle_data(self, data):
        if self._in_title:
            self.title += data


def read_head(html):
    reader = HeadReader()
    reader.feed(html)
    return reader


@pytest.fixture
def shown(alice, townships):
    office = verified_organisation(
        alice, kind=Organisation.Kind.TOWNSHIP_OFFICE, name="竹山鎮公所", township=township(ZHUSHAN)
    )
    experience = experience_actions.create_experience(
        alice,
        office,
        kind="experience",
        title_zh=TRICKY_TITLE,
        description_zh=TRICKY_SUMMARY,
        township=township(ZHUSHAN),
        languages=["zh"],
        is_published=True,
    )
    help_request = people_actions.create_help_request(
        alice, office, **request_data(township(ZHUSHAN), title=TRICKY_TITLE, description=TRICKY_SUMMARY)
    )
    return {"experience": experience, "help_request": help_request}


def cases(shown):
    """(address, title, summary) of each view, in the active language."""
    return [
        (
            reverse("experiences:list"),
            gettext("Experiences, events and volunteering"),
            gettext(
                "Pick tea, tour a farm or a fish pond, join a workshop, or give a few hours to a township: book a "
                "place with the people who run it."
            ),
        ),
        (
            reverse("impact:page"),
            gettext("Impact, township by township"),
            gettext(
                "What backing has done in each township and county: money raised, investments committed and "
                "projects under way, with the figures to download."
            ),
        ),
        (
            reverse("people:index"),
            gettext("People and help"),
            gettext(
                "Experts, retirees, civil servants and returning youth offer skills and time; teams, township offices "
                "and associations ask for help."
            ),
        ),
        (reverse("experiences:detail", kwargs={"pk": shown["experience"].pk}), TRICKY_TITLE, TRICKY_SUMMARY),
        (reverse("people:request", kwargs={"pk": shown["help_request"].pk}), TRICKY_TITLE, TRICKY_SUMMARY),
        (
            reverse("search:page") + "?q=%3Cb%3E%22%E8%8C%B6%22%3C%2Fb%3E",
            gettext("Search: %(q)s") % {"q": TRICKY_QUERY},
            None,  # the site's own summary
        ),
    ]


@pytest.mark.parametrize("language", ["zh-hant", "en", "ja"])
def test_views_give_link_previews_their_own_title_and_summary_in_the_page_language(client, home_pages, shown, language):
    with translation.override(language):
        expected = cases(shown)
        site_summary = gettext(
            "Homeward connects companies, citizens and returning youth with the enterprises revitalizing "
            "Taiwan’s townships."
        )
    for address, title, summary in expected:
        response = client.get(address)
        assert response.status_code == 200, address
        head_html = response.text.split("</head>")[0]
        head = read_head(response.text)
        summary = summary or site_summary
        assert head.meta["og:title"] == head.meta["twitter:title"] == title, address
        assert head.meta["og:description"] == head.meta["twitter:description"] == summary, address
        assert head.meta["description"] == summary, address
        assert head.title.startswith(title), address
        assert head.meta["twitter:card"] == "summary_large_image"
        # Escaped where it is written: no tag of the title or the query reaches the head as markup.
        assert "<體驗>" not in head_html and "<b>" not in head_html and "<烏龍>" not in head_html, address


def test_a_cms_page_keeps_its_own_preview_tags_once(client, home_pages):
    head = client.get("/en/").text.split("</head>")[0]
    assert head.count('property="og:title"') == 1
    assert head.count('name="twitter:card"') == 1
