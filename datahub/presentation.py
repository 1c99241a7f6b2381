"""How the figures read: formatted values with their unit, and a small SVG line of a series drawn on the server."""

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext_lazy as _

from places.maps import format_number

# Units written in the CSVs, as they read in each language ("%" and unknown units are shown as written). An index
# has no unit to show: the indicator's name says what it is.
UNIT_LABELS = {
    "persons": _("persons"),
    "households": _("households"),
    "index": "",
}


def unit_label(unit):
    return str(UNIT_LABELS.get(unit, unit))


def decimals_of(value):
    """Decimals worth showing: none for whole numbers, else up to two."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return 0
    return min(2, max(1, -value.normalize().as_tuple().exponent))


def format_value(value, unit="", decimals=None):
    if value is None:
        return "—"
    text = format_number(value, decimals_of(value) if decimals is None else decimals)
    unit = unit_label(unit)
    if not unit:
        return text
    joined = unit == "%" or not unit[0].isascii()  # 20.8%, 26,307人 (no space before a Chinese or Japanese unit)
    return f"{text}{unit}" if joined else f"{text} {unit}"


@dataclass
class Point:
    x: float
    y: float
    label: str


@dataclass
class Sparkline:
    width: int
    height: int
    points: list
    path: str
    minimum: str
    maximum: str
    first_period: str
    last_period: str


def sparkline(series, width=160, height=40, pad=4):
    """A polyline of the series' points (None with fewer than two)."""
    points = series.points
    if len(points) < 2:
        return None
    values = [point.value for point in points]
    low, high = min(values), max(values)
    span = (high - low) or Decimal(1)
    step = (width - 2 * pad) / (len(points) - 1)
    drawn = []
    for index, point in enumerate(points):
        x = round(pad + index * step, 1)
        y = round(pad + float((high - point.value) / span) * (height - 2 * pad), 1)
        drawn.append(Point(x, y, f"{point.period}: {format_value(point.value, series.indicator.unit)}"))
    path = "M" + " L".join(f"{p.x} {p.y}" for p in drawn)
    unit = series.indicator.unit
    low_text, high_text = format_value(low, unit), format_value(high, unit)
    return Sparkline(width, height, drawn, path, low_text, high_text, points[0].period, points[-1].period)
