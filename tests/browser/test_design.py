"""The pages people meet, as they meet them: screenshots at 1280 and 390 px in the three languages, and axe-core.

On the demo content (`manage.py load_demo`'s loaders, pictures included) Chromium opens the home page, search
results, a project page, a township page, a story page and the impact map in zh-hant, en and ja, at a wide and
a phone width. Each page is written to var/screenshots/ (not committed: look at them) and checked with axe-core
(tests/browser/assets/axe-core, injected by Playwright) against WCAG 2.2 A and AA: no violation is allowed.
"""

import json
import mimetypes
from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.signing_in import sign_in
from tests.helpers import translation_of

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.elasticsearch,  # the search results page
    pytest.mark.django_db(transaction=True),
]

AXE = Path(__file__).parent / "assets" / "axe-core" / "axe.min.js"
SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"
LANGUAGES = ("zh-hant", "en", "ja")
WIDTHS = (1280, 390)
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
DEMO_PROJECT = "屏東可可共同發酵場"
DEMO_STORY = "屏東可可取代檳榔"
DEMO_TOWN = "10013130"  # 屏東縣內埔鄉, where the demo cocoa project is


@pytest.fixture
def demo(home_pages, townships):
    """The demo as `make run` loads it, with the cocoa project and its story copied into en and ja the way an
    editor starts a translation (the interface is translated; the text is still the Chinese original).

    The database is emptied after the test, the search indices are not: the demo's projects, stories and
    enterprises are taken out of Elasticsearch again, so later tests do not find them."""
    from cms.actions import ensure_project_review_workflow
    from cms.demo import ensure_demo_pages
    from cms.demo_pictures import ensure_demo_pictures
    from cms.models import ProjectPage, StoryPage
    from marketplace.demo import ensure_demo_enterprises

    ensure_project_review_workflow()
    ensure_demo_pages()
    ensure_demo_enterprises()
    ensure_demo_pictures()
    project = ProjectPage.objects.get(title=DEMO_PROJECT, locale__language_code="zh-hant")
    story = StoryPage.objects.get(slug=DEMO_STORY, locale__language_code="zh-hant")
    for code in ("en", "ja"):
        for page in (project, story):
            translation_of(page, code).save_revision().publish()
    yield
    from search.es import ElasticsearchEngine

    for family in ("projects", "stories", "enterprises"):
        ElasticsearchEngine().drop(family)


def page_urls(language):
    from django.utils import translation

    from cms.models import ProjectPage, StoryPage, TownshipPage

    def url_of(model, **lookup):
        # Found in the default language, then taken in this one: the demo's translations have their own titles.
        original = model.objects.get(locale__language_code=settings.LANGUAGE_CODE, **lookup)
        return model.objects.get(locale__language_code=language, translation_key=original.translation_key).url

    with translation.override(language):
        return {
            "home": f"/{language}/",
            "search": f"/{language}/search/?q=可可",
            "project": url_of(ProjectPage, title=DEMO_PROJECT),
            "township": url_of(TownshipPage, township__code=DEMO_TOWN),
            "story": url_of(StoryPage, slug=DEMO_STORY),
            "impact": f"/{language}/impact/",
        }


def serve_media(route):
    """Uploaded pictures and their renditions, from MEDIA_ROOT (the test server runs without DEBUG's media view)."""
    path = Path(settings.MEDIA_ROOT) / route.request.url.split("/media/", 1)[1].split("?")[0]
    if not path.is_file():
        route.fulfill(status=404)
        return
    route.fulfill(body=path.read_bytes(), content_type=mimetypes.guess_type(path.name)[0] or "image/jpeg")


def show_every_picture(page):
    """Load lazy pictures too, so a full-page screenshot shows them all."""
    page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach((img) => { img.loading = 'eager'; })")
    page.wait_for_function("() => Array.from(document.images).every((img) => img.complete)")


def axe_violations(page):
    # Evaluated through the DevTools protocol: the site's Content-Security-Policy refuses an injected <script>, as it
    # should, and the page under test is audited with that policy in force.
    page.evaluate(AXE.read_text())
    results = page.evaluate(
        "(tags) => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", AXE_TAGS
    )
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(json.dumps(node["target"], ensure_ascii=False) for node in violation["nodes"][:5])
        for violation in results["violations"]
    ]


# The demo content (every township page in three languages) and 36 page visits take longer than the suite's
# default limit on the shared two-core machine.
@pytest.mark.timeout(900)
def test_the_main_pages_in_three_languages_at_two_widths_have_no_axe_violations(chromium, live_server, demo):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    problems = []
    for language in LANGUAGES:
        urls = page_urls(language)
        for width in WIDTHS:
            context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-TW")
            context.route("**/media/**", serve_media)
            page = context.new_page()
            page.set_default_timeout(30_000)
            for name, path in urls.items():
                response = page.goto(f"{live_server.url}{path}")
                assert response.status == 200, f"{name} ({language}) answered {response.status}"
                show_every_picture(page)
                page.screenshot(path=str(SCREENSHOTS / f"{name}-{language}-{width}.png"), full_page=True)
                problems += [f"{name} {language} {width}px: {problem}" for problem in axe_violations(page)]
            context.close()
    assert not problems, "axe-core found WCAG 2.2 AA violations:\n" + "\n".join(problems)

    # The check itself can fail: a picture without a text alternative is reported.
    page = chromium.new_page()
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')
    assert any(problem.startswith("image-alt") for problem in axe_violations(page))
    page.close()


def test_on_a_phone_the_header_folds_into_a_menu_button(chromium, live_server, home_pages):
    from playwright.sync_api import expect

    context = chromium.new_context(viewport={"width": 390, "height": 844}, locale="zh-TW")
    page = context.new_page()
    page.goto(f"{live_server.url}/en/")

    header = page.locator(".site-header")
    menu_button = page.get_by_role("button", name="Menu")
    navigation = page.get_by_role("navigation", name="Main")
    expect(menu_button).to_have_attribute("aria-expanded", "false")
    expect(navigation).to_be_hidden()
    assert header.bounding_box()["height"] < 90  # a bar, not half of the screen

    menu_button.click()

    expect(menu_button).to_have_attribute("aria-expanded", "true")
    expect(navigation.get_by_role("link", name="Discover")).to_be_visible()
    expect(page.get_by_role("navigation", name="Language").get_by_role("link", name="日本語")).to_be_visible()
    page.keyboard.press("Escape")
    expect(navigation).to_be_hidden()
    expect(menu_button).to_be_focused()
    context.close()


def test_at_1280_px_the_navigation_shows_and_the_menu_button_does_not(chromium, live_server, home_pages):
    from playwright.sync_api import expect

    context = chromium.new_context(viewport={"width": 1280, "height": 800}, locale="zh-TW")
    page = context.new_page()
    page.goto(f"{live_server.url}/en/")

    expect(page.get_by_role("button", name="Menu")).to_be_hidden()
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Discover")).to_be_visible()
    assert page.locator(".site-header").bounding_box()["height"] < 130
    context.close()


@pytest.mark.timeout(600)
def test_a_saved_profile_and_the_chain_explainer_have_no_axe_violations(chromium, live_server, home_pages):
    """What the accessibility audit of the signed-in pages found: the flash message list had role=status on the
    <ul>, which left its item outside any list (listitem), and the chain explainer's code sample scrolled sideways
    out of the keyboard's reach (scrollable-region-focusable)."""
    from tests.factories.accounts import UserFactory

    UserFactory(email="audit@example.tw")
    problems = []
    for width in WIDTHS:
        context = chromium.new_context(viewport={"width": width, "height": 900}, locale="zh-TW")
        page = context.new_page()
        page.set_default_timeout(30_000)
        sign_in(page, live_server.url, "audit@example.tw", language="en")
        for language in LANGUAGES:
            page.goto(f"{live_server.url}/{language}/accounts/profile/")
            page.locator("main form.stacked-form button[type=submit]").click()
            page.wait_for_load_state()
            assert page.locator("main ul.messages li").count() == 1, "the saved profile shows no message"
            problems += [f"profile {language} {width}px: {problem}" for problem in axe_violations(page)]
            page.goto(f"{live_server.url}/{language}/trace/how-it-works/")
            problems += [f"how it works {language} {width}px: {problem}" for problem in axe_violations(page)]
        context.close()
    assert not problems, "axe-core found WCAG 2.2 AA violations:\n" + "\n".join(problems)


def test_the_home_heros_caption_stays_readable_over_a_white_picture(chromium, live_server, home_pages):
    """The featured project's caption is white text on a shade over the picture. axe cannot judge a gradient, so
    this measures it: over an all-white picture, the lightest pixel behind the words keeps 4.5:1 with white. The
    shade used to fade in over the caption's whole height, leaving its first line on as little as half of it."""
    from io import BytesIO

    from PIL import Image

    page = chromium.new_page(viewport={"width": 1280, "height": 900})
    page.goto(f"{live_server.url}/en/accounts/login/")  # any page with the site's stylesheet
    box = page.evaluate(
        """() => {
          // Built through the DOM: the Content-Security-Policy refuses inline style attributes in markup.
          const figure = document.createElement('figure');
          figure.className = 'home-hero-media';
          figure.style.width = '640px';
          const picture = document.createElement('div');
          picture.style.cssText = 'width: 100%; height: 100%; background: #fff';
          const caption = document.createElement('figcaption');
          caption.style.color = 'transparent';  // the shade alone is measured
          caption.textContent = 'Featured project: Pingtung shared cacao fermentary · Neipu Township, Pingtung County';
          figure.append(picture, caption);
          document.querySelector('main').replaceChildren(figure);
          const range = document.createRange();
          range.selectNodeContents(caption);
          const r = range.getBoundingClientRect();
          return {x: r.x, y: r.y, width: r.width, height: r.height};
        }"""
    )
    shot = Image.open(BytesIO(page.screenshot(clip=box))).convert("RGB")
    page.close()

    def luminance(rgb):
        channels = [c / 255 for c in rgb]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    lightest = max(luminance(shot.getpixel((x, y))) for x in range(shot.width) for y in range(shot.height))
    assert (1.0 + 0.05) / (lightest + 0.05) >= 4.5
