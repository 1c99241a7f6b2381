"""Money, dates and numbers are written the way each language writes them (config/formats, core.money)."""

import datetime

import pytest
from django.template import Context, Template
from django.utils import translation

from core.money import format_count, format_twd

DAY = datetime.date(2026, 12, 1)


@pytest.mark.parametrize(
    ("language", "date"),
    [("zh-hant", "2026年12月1日"), ("en", "1 December 2026"), ("ja", "2026年12月1日")],
)
def test_dates_money_and_counts_per_language(language, date):
    with translation.override(language):
        rendered = Template('{% load formats %}{{ day|date:"DATE_FORMAT" }} {{ amount|twd }} {{ count|thousands }}')
        assert rendered.render(Context({"day": DAY, "amount": 1234567, "count": 12345})) == (
            f"{date} NT$1,234,567 12,345"
        )
        assert format_twd(500) == "NT$500" and format_count(1234) == "1,234"
