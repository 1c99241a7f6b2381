import pytest
from django.conf import settings

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_the_root_redirects_to_the_traditional_chinese_site(client, home_pages):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/zh-hant/"


@pytest.mark.parametrize(
    ("prefix", "html_lang", "skip_link", "attribution"),
    [
        ("zh-hant", "zh-Hant-TW", "略過至主要內容", "鄉鎮資料來源：內政部"),
        ("en", "en", "Skip to main content", "Township data: Ministry of the Interior"),
        ("ja", "ja", "メインコンテンツへ", "郷鎮データ出典：内政部"),
    ],
)
def test_the_home_page_speaks_each_language(client, home_pages, prefix, html_lang, skip_link, attribution):
    response = client.get(f"/{prefix}/")

    assert response.status_code == 200
    html = response.text
    assert f'<html lang="{html_lang}">' in html
    assert skip_link in html
    assert 'id="main"' in html
    assert attribution in html  # the township data's source, in the reader's language


def test_the_language_switcher_links_to_the_same_page_in_each_language(client, home_pages):
    html = client.get("/zh-hant/").text

    assert 'href="/en/" hreflang="en"' in html
    assert 'href="/ja/" hreflang="ja"' in html
    assert 'href="/zh-hant/" hreflang="zh-hant" lang="zh-hant" aria-current="true"' in html


def test_an_unknown_page_gets_the_site_404_page(client, home_pages):
    response = client.get("/en/no-such-page/")

    assert response.status_code == 404
    assert "Page not found" in response.text
    assert "Go to the home page" in response.text


def test_the_404_page_sends_the_reader_home_in_their_language_and_is_not_a_canonical_page(client, home_pages):
    html = client.get("/ja/no-such-page/").text

    assert 'href="/ja/"' in html and "ホーム" in html
    assert 'rel="canonical"' not in html
    assert 'rel="alternate"' not in html


@pytest.mark.parametrize("path", ["/en/impact/", "/ja/search/", "/zh-hant/townships/map/", "/en/experiences/"])
def test_a_view_that_is_not_a_cms_page_tells_search_engines_its_address_in_every_language(
    client, home_pages, settings, path
):
    """Canonical and hreflang alternates (all three and x-default) on the site's public address, whatever host the
    request named; a list's filters and page number are not part of the canonical address."""
    settings.SITE_BASE_URL = "https://homeward.example"
    language, rest = path.strip("/").split("/", 1)

    html = client.get(path + "?q=tea&page=2", HTTP_HOST="localhost").text

    assert f'<link rel="canonical" href="https://homeward.example{path}">' in html
    for code in ("zh-hant", "en", "ja"):
        assert f'<link rel="alternate" hreflang="{code}" href="https://homeward.example/{code}/{rest}/">' in html
    assert '<link rel="alternate" hreflang="x-default" href="https://homeward.example/zh-hant/' in html
    assert f'<meta property="og:url" content="https://homeward.example{path}">' in html
    assert "localhost" not in html.split("</head>")[0]


@pytest.mark.parametrize(
    "path", ["/zh-hant/", "/en/impact/", "/ja/search/", "/zh-hant/townships/map/", "/en/experiences/"]
)
def test_every_page_gives_link_previews_a_picture_on_the_public_address(client, home_pages, settings, path):
    """A page without a picture of its own (the home page without a hero, the views that are not CMS pages) shows the
    site's own 1200x630 card in link previews, absolute on SITE_BASE_URL, never on the host the request named."""
    import re

    from django.contrib.staticfiles import finders
    from PIL import Image

    settings.SITE_BASE_URL = settings.WAGTAILADMIN_BASE_URL = "https://homeward.example"

    head = client.get(path, HTTP_HOST="localhost").text.split("</head>")[0]

    images = re.findall(r'<meta (?:property="og:image"|name="twitter:image") content="([^"]+)"', head)
    assert len(images) == 2 and images[0] == images[1], head
    assert re.fullmatch(r"https://homeward\.example/static/brand/share-default(\.[0-9a-f]+)?\.png", images[0])
    assert '<meta name="twitter:card" content="summary_large_image">' in head
    assert '<meta property="og:image:width" content="1200">' in head
    assert '<meta property="og:image:height" content="630">' in head
    with Image.open(finders.find("brand/share-default.png")) as picture:
        assert picture.size == (1200, 630)


def test_a_cms_page_keeps_its_own_alternates_and_no_second_canonical(client, home_pages):
    html = client.get("/en/").text

    assert html.count('rel="canonical"') == 1


def test_the_500_page_renders_without_a_request(client):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "系統發生錯誤" in html
    assert "Something went wrong" in html


def test_the_favicon_and_the_web_manifest_are_served(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert icon["Content-Type"] == "image/x-icon"
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file

    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200
    assert manifest["Content-Type"] == "application/manifest+json"
    data = manifest.json()
    assert data["short_name"] == "Homeward"
    assert {icon["sizes"] for icon in data["icons"]} >= {"192x192", "512x512"}
    assert any(icon.get("purpose") == "maskable" for icon in data["icons"])
    from django.contrib.staticfiles import finders

    for entry in data["icons"]:
        assert finders.find(entry["src"].removeprefix(settings.STATIC_URL)), entry["src"]


def test_every_page_links_its_icons_and_marks_the_section_it_is_in(client, home_pages):
    html = client.get("/en/search/").text

    assert '<link rel="icon" href="/favicon.ico"' in html
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'href="/en/search/" aria-current="page">Discover</a>' in html
    assert 'href="/en/" aria-current' not in html  # the home link is current only on the home page
    assert '<button class="menu-toggle" type="button" aria-expanded="false" aria-controls="site-menu"' in html
    assert 'id="site-menu"' in html


def test_icons_come_from_the_sprite_and_are_hidden_from_assistive_technology():
    from django.template import Context, Template

    html = Template('{% load site_shell %}{% icon "map-pin" 18 %}').render(Context())

    assert html == (
        '<svg class="icon" width="18" height="18" aria-hidden="true" focusable="false">'
        '<use href="/static/icons/icons.svg#map-pin"></use></svg>'
    )


def test_every_icon_the_templates_use_is_in_the_sprite():
    import re

    from tests.helpers import ROOT

    sprite = (ROOT / "site" / "static" / "icons" / "icons.svg").read_text()
    symbols = set(re.findall(r'<symbol id="([\w-]+)"', sprite))
    used = set()
    for template in ROOT.glob("*/templates/**/*.html"):
        used |= set(re.findall(r'{% icon "([\w-]+)"', template.read_text()))
    for template in (ROOT / "site" / "templates").glob("**/*.html"):
        used |= set(re.findall(r'{% icon "([\w-]+)"', template.read_text()))
    assert used, "no template uses an icon: the pattern above is out of date"
    assert used <= symbols, f"missing from the sprite (add them to scripts/build_icons.py): {used - symbols}"


def public_templates():
    """The project's templates of the public site (Wagtail's admin screens have their own)."""
    from tests.helpers import ROOT

    templates = [*ROOT.glob("*/templates/**/*.html"), *(ROOT / "site" / "templates").glob("**/*.html")]
    return [template for template in templates if "admin" not in template.relative_to(ROOT).parts]


def test_every_public_table_is_styled_and_scrolls_in_its_own_named_region():
    """A table of the public site (Wagtail's admin screens have their own) has the site's table style and sits in a
    table-scroll box, the one region a keyboard reaches to scroll it on a phone, named by a heading or caption of
    the page. The box is the table's only region of that name: a section around it named by the same heading would
    be a second landmark with the same name, so such a section is left unnamed."""
    import re

    from tests.helpers import ROOT

    checked = 0
    for template in public_templates():
        text = template.read_text()
        for table in re.finditer(r"<table\b[^>]*>", text):
            where = f"{template.relative_to(ROOT)}: {table.group(0)}"
            assert re.search(r'\bclass="(?:[^"]*\s)?table(?:\s[^"]*)?"', table.group(0)), f"{where} lacks class table"
            box = re.search(r"<div\b([^>]*)>\s*$", text[: table.start()])
            assert box and 'class="table-scroll"' in box.group(1), f"{where} is not in a table-scroll box"
            assert 'tabindex="0"' in box.group(1) and 'role="region"' in box.group(1), f"{where}: box not a region"
            name = re.search(r'aria-labelledby="([^"]+)"', box.group(1))
            assert name, f"{where}: the box is not named by a heading or caption"
            assert f'id="{name.group(1)}"' in text, f"{where}: nothing has the id {name.group(1)}"
            twins = re.findall(rf'<(?!div\b)\w+\b[^>]*aria-labelledby="{re.escape(name.group(1))}"', text)
            assert not twins, f"{where}: {twins} is a second region named like the table's box"
            checked += 1
    assert checked > 20, "the pattern above no longer finds the tables"


def test_a_flash_message_is_announced_by_a_status_box_around_its_list(client, home_pages, alice):
    """The status role sits on a box around the messages: on the <ul> itself it replaced the list's role and left
    its items outside any list (axe: listitem, aria-allowed-role)."""
    from bs4 import BeautifulSoup
    from django.urls import reverse

    client.force_login(alice)
    response = client.post(
        reverse("account_profile"), {"display_name": "Alice", "preferred_language": "en"}, follow=True
    )

    messages = BeautifulSoup(response.text, "html.parser").select_one("main ul.messages")
    assert messages is not None and messages.select("li.message"), "the saved profile shows no message"
    assert not messages.has_attr("role")
    assert messages.parent.get("role") == "status"


def test_every_code_sample_that_scrolls_sideways_is_a_named_region_the_keyboard_reaches():
    """A <pre> of the public site scrolls sideways on a phone: like a table's box, it takes the focus (tabindex 0)
    and is a region named by the heading above it, so a keyboard can scroll it (axe: scrollable-region-focusable)."""
    import re

    from tests.helpers import ROOT

    checked = 0
    for template in public_templates():
        text = template.read_text()
        for pre in re.finditer(r"<pre\b[^>]*>", text):
            where = f"{template.relative_to(ROOT)}: {pre.group(0)}"
            assert 'tabindex="0"' in pre.group(0) and 'role="region"' in pre.group(0), f"{where}: not a region"
            name = re.search(r'aria-labelledby="([^"]+)"', pre.group(0))
            assert name and f'id="{name.group(1)}"' in text, f"{where}: not named by a heading of the page"
            checked += 1
    assert checked >= 2, "the pattern above no longer finds the code samples"
