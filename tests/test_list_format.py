"""Inline lists take the page language's separator: 「、」 in Chinese and Japanese, a comma in English."""

from django.template import Context, Template
from django.utils import translation

TEMPLATE = Template("{% load formats %}{{ items|as_list }}")


def render(language, items):
    with translation.override(language):
        return TEMPLATE.render(Context({"items": items}))


def test_each_language_joins_a_list_with_its_own_separator():
    months = ["1月", "2月", "12月"]
    assert render("zh-hant", months) == "1月、2月、12月"
    assert render("ja", months) == "1月、2月、12月"
    assert render("en", ["Jan", "Feb", "Dec"]) == "Jan, Feb, Dec"


def test_items_are_escaped_and_a_single_item_has_no_separator():
    assert render("en", ["<b>tea</b>", "rice"]) == "&lt;b&gt;tea&lt;/b&gt;, rice"
    assert render("ja", ["茶"]) == "茶"
    assert render("en", []) == ""


def test_lists_written_in_python_take_the_same_separator():
    from core.languages import inline_list

    for language, expected in [("zh-hant", "技術、管理"), ("ja", "技術、管理"), ("en", "技術, 管理")]:
        with translation.override(language):
            assert inline_list(["技術", "", "管理"]) == expected
