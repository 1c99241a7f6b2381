"""Pages fit a 390 px phone: nothing makes the document wider than the screen (a wide table scrolls in its own
region instead). The company impact page was 695 px wide in English: bare five-column tables in a 1fr grid track."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from marketplace import actions
from marketplace.models import Interest
from tests.browser.signing_in import sign_in
from tests.factories.market import build_market

pytestmark = [pytest.mark.browser, pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
LANGUAGES = ("zh-hant", "en", "ja")


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()  # sign-in rate limits
    yield
    cache.clear()


def commit(market):
    """Dave's company commits NT$800,000 to 關山米, confirmed by both sides: the report has a projects table."""
    stage = Interest.Stage
    interest = actions.express_interest(market["dave"], market["company"], market["rice"])
    for step in (stage.ACCEPTED, stage.INTRODUCED, stage.DUE_DILIGENCE, stage.TERM_SHEET):
        actions.advance_interest(market["erin"], interest, step)
    actions.propose_commitment(market["erin"], interest, amount_twd=800_000, instrument="loan")
    actions.confirm_commitment(market["carol"], interest)


def company_member_on_a_phone(chromium, live_server):
    """(browser context, page, the company impact page's path in zh-hant) for a company member with a confirmed
    commitment, signed in on a phone-sized window."""
    market = build_market()
    commit(market)
    context = chromium.new_context(viewport=PHONE, locale="zh-TW")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, "dave@example.tw", language="en")
    return context, page, reverse("marketplace:impact", kwargs={"slug": market["company_org"].slug})


def test_the_company_impact_page_fits_a_phone_in_three_languages(chromium, live_server, home_pages, townships):
    context, page, path = company_member_on_a_phone(chromium, live_server)
    widths = {}
    for language in LANGUAGES:
        page.goto(live_server.url + path.replace("/zh-hant/", f"/{language}/", 1))
        assert page.locator("table").count() >= 1, "the report has its projects table"
        widths[language] = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
    context.close()

    assert all(scroll <= client for scroll, client in widths.values()), f"wider than the phone: {widths}"


def test_the_impact_page_tables_scroll_in_named_regions(chromium, live_server, home_pages, townships):
    """The wide table is still all there: it scrolls inside a region a keyboard can reach, named by its heading."""
    context, page, path = company_member_on_a_phone(chromium, live_server)
    page.goto(live_server.url + path.replace("/zh-hant/", "/en/", 1))

    # One region of that name (the section around the box is not named too), and it is the box a keyboard focuses.
    region = page.get_by_role("region", name="Projects", exact=True)
    assert region.count() == 1 and region.evaluate("(box) => box.matches(\".table-scroll[tabindex='0']\")")
    assert region.get_by_role("cell", name="關山米").is_visible()
    assert region.evaluate("(box) => box.scrollWidth > box.clientWidth"), "the table is wider than the phone"
    region.focus()
    page.keyboard.press("ArrowRight")
    page.wait_for_function("(box) => box.scrollLeft > 0", arg=region.element_handle())  # the keyboard scrolls it
    context.close()


def test_a_long_unbroken_project_title_does_not_widen_the_teams_projects_page(
    chromium, live_server, home_pages, profile, alice
):
    """A title is what the team typed: 120 letters without a space (a pasted code, a name in Latin letters) wrap
    inside its card; the grid track grew to the word's width and the page scrolled sideways, 2,458 px on a phone."""
    draft = actions.start_project_draft(alice, profile.organisation)
    actions.save_draft_step(alice, draft, "basics", title="W" * 120, summary="S" * 400)
    context = chromium.new_context(viewport=PHONE, locale="zh-TW")
    page = context.new_page()
    page.set_default_timeout(15_000)
    sign_in(page, live_server.url, alice.email, language="en")
    widths = {}
    for language in LANGUAGES:
        page.goto(f"{live_server.url}/{language}/enterprises/{profile.organisation.slug}/projects/")
        assert page.get_by_text("W" * 120).count() == 1
        widths[language] = page.evaluate(
            "() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]"
        )
    context.close()

    assert all(scroll <= client for scroll, client in widths.values()), f"wider than the phone: {widths}"


@pytest.mark.parametrize("width", [390, 1024, 1280])
def test_the_impact_figures_fit_their_boxes_with_a_nine_digit_amount(chromium, live_server, home_pages, width):
    """A national total of hundreds of millions of NT$ (nine digits, never wrapped) stays inside its box: at 1280 px
    the seven-column grid left 112 px for the figure and NT$8,450,000 ran over the card's edge."""
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + reverse("impact:page").replace("/zh-hant/", "/en/", 1))

    overflowing = page.evaluate(
        """() => [...document.querySelectorAll('.impact-figures dd')].filter((figure) => {
            figure.textContent = 'NT$123,456,789';
            return figure.scrollWidth > figure.clientWidth;
        }).length"""
    )

    assert page.locator(".impact-figures dd").count() > 5
    assert overflowing == 0
    context.close()
