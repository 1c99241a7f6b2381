"""How the figures read: formatted values with their unit, and a small SVG line of a series drawn on the server."""

from dataclasses import dataclass
from decimal import Decimal

from places.maps import format_number


def decimals_of(value):
    """Decimals worth showing: none for whole numbers, else up to two."""
    value = Decimal(value)
    if value == value.to_integral_value():
        return 0
    return min(2, max(1, -value.normalize().as_tuple().exponent))


def format_value(value, unit=""):
    if value is None:
        return "—"
    text = format_number(value, decimals_of(value))
    if not unit:
        return text
    return f"{text}{unit}" if unit == "%" else f"{text} {unit}"


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
    return Sparkline(width, height, drawn, path, format_value(low, unit), format_value(high, unit))
