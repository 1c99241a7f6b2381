import pytest

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_the_root_redirects_to_the_traditional_chinese_site(client, home_pages):
    response = client.get("/")

    assert response.status_code == 302
    assert response["Location"] == "/zh-hant/"


@pytest.mark.parametrize(
    ("prefix", "html_lang", "skip_link"),
    [
        ("zh-hant", "zh-Hant-TW", "略過至主要內容"),
        ("en", "en", "Skip to main content"),
        ("ja", "ja", "メインコンテンツへ"),
    ],
)
def test_the_home_page_speaks_each_language(client, home_pages, prefix, html_lang, skip_link):
    response = client.get(f"/{prefix}/")

    assert response.status_code == 200
    html = response.text
    assert f'<html lang="{html_lang}">' in html
    assert skip_link in html
    assert 'id="main"' in html
    assert "資料來源：內政部" in html


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


def test_the_500_page_renders_without_a_request(client):
    from django.template.loader import render_to_string

    html = render_to_string("500.html")

    assert "系統發生錯誤" in html
    assert "Something went wrong" in html
