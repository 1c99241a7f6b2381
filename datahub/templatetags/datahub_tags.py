from dataclasses import dataclass

from django import template
from django.urls import reverse

from datahub.presentation import format_value, sparkline
from datahub.queries import migration_balance, township_series
from places.maps import format_number

register = template.Library()


@dataclass
class MigrationRow:
    period: str
    moved_in: str
    moved_out: str
    net: str
    positive: bool
    negative: bool


def _signed(value):
    text = format_number(value, 0)
    return f"+{text}" if value > 0 else text


@register.inclusion_tag("datahub/includes/township_figures.html")
def township_figures(township):
    """The township's official figures: latest value per indicator with its source, a sparkline, migration."""
    all_series = township_series(township)
    rows = [
        {
            "series": item,
            "value": format_value(item.latest.value, item.indicator.unit),
            "chart": sparkline(item),
            "url": reverse("datahub:time_series", args=[item.indicator.code, item.place_code]),
        }
        for item in all_series
    ]
    balance = migration_balance(township, all_series)
    migration_rows = []
    if balance:
        migration_rows = [
            MigrationRow(
                year.period,
                format_number(year.moved_in, 0),
                format_number(year.moved_out, 0),
                _signed(year.net),
                year.net > 0,
                year.net < 0,
            )
            for year in balance.years
        ]
    return {"figures": {"rows": rows, "migration": balance, "migration_rows": migration_rows}}
