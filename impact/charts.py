"""A monthly column chart drawn as SVG on the server (no JavaScript library); the page also has its table."""

from dataclasses import dataclass

from django.utils import formats
from django.utils.translation import pgettext

from core.money import format_twd

WIDTH, HEIGHT, GAP = 720, 200, 4


@dataclass
class Column:
    x: float
    y: float
    width: float
    height: float
    label: str
    month: str


@dataclass
class MonthChart:
    width: int
    height: int
    columns: list
    maximum: str


def month_chart(months, measure="raised_twd"):
    """Columns of NT$ raised per month (None when no month has any)."""
    values = [getattr(row, measure) for row in months]
    top = max(values, default=0)
    if top <= 0:
        return None
    slot = WIDTH / len(months)
    width = max(1.0, slot - GAP)
    columns = []
    for index, row in enumerate(months):
        value = max(0, getattr(row, measure))
        height = round(HEIGHT * value / top, 1)
        month = formats.date_format(row.month, "YEAR_MONTH_FORMAT")
        columns.append(
            Column(
                x=round(index * slot + GAP / 2, 1),
                y=round(HEIGHT - height, 1),
                width=round(width, 1),
                height=height,
                label=f"{month}{pgettext('after a label, before its text', ': ')}{format_twd(getattr(row, measure))}",
                month=month,
            )
        )
    return MonthChart(width=WIDTH, height=HEIGHT, columns=columns, maximum=format_twd(top))
