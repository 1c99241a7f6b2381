"""Charts of a device's public measures, drawn on the server as SVG (no script needed to see them).

Ranges and their sources (at most a few hundred points per line, whatever the number of readings):

| range   | source                        | one point per |
| ------- | ----------------------------- | ------------- |
| day     | raw readings (last 24 hours)  | 5 minutes     |
| week    | hourly aggregates             | hour          |
| month   | hourly aggregates             | 2 hours       |
| quarter | daily aggregates              | day (Taiwan)  |

Each point is the mean, with the lowest and highest value of its span drawn as a band. A span without readings
breaks the line. The hourly and daily aggregates are kept by the scheduled job (storage.refresh_aggregates); the
hour in progress reaches the longer charts within minutes, and the day chart and the live figures at once.

The database groups the rows into spans (one row per measure and span comes back, the span as a number of
seconds): loading timestamps into Python costs far more than the query. bench/traceability.py measures the
90-day chart from the daily aggregates against the same chart from the hourly ones and from the raw readings.
"""

import datetime
import math
from dataclasses import dataclass, field

from django.db.models import BigIntegerField, Count, Func, Max, Min, Sum
from django.utils import formats, timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from traceability import measures
from traceability.models import Reading, ReadingAggregate, ReadingExclusion

RANGES = {
    "day": (datetime.timedelta(days=1), None, datetime.timedelta(minutes=5)),
    "week": (datetime.timedelta(days=7), ReadingAggregate.Resolution.HOUR, datetime.timedelta(hours=1)),
    "month": (datetime.timedelta(days=30), ReadingAggregate.Resolution.HOUR, datetime.timedelta(hours=2)),
    "quarter": (datetime.timedelta(days=90), ReadingAggregate.Resolution.DAY, datetime.timedelta(days=1)),
}
RANGE_LABELS = {
    "day": gettext_lazy("24 hours"),
    "week": gettext_lazy("7 days"),
    "month": gettext_lazy("30 days"),
    "quarter": gettext_lazy("90 days"),
}
DEFAULT_RANGE = "week"

WIDTH, HEIGHT = 640, 220
LEFT, RIGHT, TOP, BOTTOM = 48, 12, 12, 28


@dataclass
class Point:
    start: datetime.datetime
    count: int
    low: float
    high: float
    total: float

    @property
    def mean(self):
        return self.total / self.count


@dataclass
class Series:
    measure: measures.Measure
    points: list = field(default_factory=list)
    start: datetime.datetime | None = None
    end: datetime.datetime | None = None

    @property
    def latest(self):
        return self.points[-1] if self.points else None

    @property
    def lowest(self):
        return min((point.low for point in self.points), default=None)

    @property
    def highest(self):
        return max((point.high for point in self.points), default=None)

    @property
    def mean(self):
        count = sum(point.count for point in self.points)
        return sum(point.total for point in self.points) / count if count else None


class EpochBucket(Func):
    """The start of the `step`-second span a time falls in, as whole seconds since the epoch, computed by the
    database (spans align on multiples of the step from the epoch, as `series_for`'s start does)."""

    output_field = BigIntegerField()

    def __init__(self, expression, step):
        self.step = int(step)
        super().__init__(expression)

    def as_sql(self, compiler, connection, **extra):  # SQLite 3.38+ (unixepoch truncates to whole seconds)
        template = f"(unixepoch(%(expressions)s) / {self.step} * {self.step})"
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        # date_part (double precision) rather than EXTRACT (numeric): the grouping of 8,600 rows took half as long.
        template = f"(FLOOR(date_part('epoch', %(expressions)s))::bigint / {self.step} * {self.step})"
        return super().as_sql(compiler, connection, template=template, **extra)


def series_for(device, codes, range_key=DEFAULT_RANGE, now=None):
    """{measure code: Series} over the range, one query for all the measures."""
    span, resolution, step = RANGES[range_key]
    return series_from(device, codes, span=span, resolution=resolution, step=step, now=now)


def series_from(device, codes, *, span, resolution, step, now=None):
    """{measure code: Series} of the last `span`, one point per `step`, from the aggregates of `resolution` (None:
    the raw readings). A span as long as the resolution takes each aggregate row as it is (a daily row starts at
    Taiwan midnight)."""
    now = now or timezone.now()
    end = now
    start = now - span
    seconds = int(step.total_seconds())
    # Buckets align on whole steps (UTC), so a reload a minute later draws the same points.
    start = datetime.datetime.fromtimestamp((start.timestamp() // seconds) * seconds, tz=datetime.UTC)
    wanted = {measures.BY_CODE[code].number: measures.BY_CODE[code] for code in codes if code in measures.BY_CODE}
    if resolution is None:
        readings = Reading.objects.filter(
            device=device, measure__in=list(wanted), taken_at__gte=start, taken_at__lte=end
        )
        hidden = ReadingExclusion.objects.hiding(device.pk)
        if hidden is not None:
            readings = readings.exclude(hidden)
        rows = (
            readings.annotate(bucket=EpochBucket("taken_at", seconds))
            .values("measure", "bucket")
            .annotate(n=Count("value"), low=Min("value"), high=Max("value"), total=Sum("value"))
        )
    else:
        own_span = 86400 if resolution == ReadingAggregate.Resolution.DAY else 3600
        rows = (
            ReadingAggregate.objects.filter(
                device=device, resolution=resolution, measure__in=list(wanted), start__gte=start, start__lte=end
            )
            .annotate(bucket=EpochBucket("start", 1 if seconds == own_span else seconds))
            .values("measure", "bucket")
            .annotate(n=Sum("count"), low=Min("minimum"), high=Max("maximum"), total=Sum("total"))
        )
    buckets = {number: [] for number in wanted}
    for number, bucket, count, low, high, total in rows.order_by("measure", "bucket").values_list(
        "measure", "bucket", "n", "low", "high", "total"
    ):
        moment = datetime.datetime.fromtimestamp(bucket, tz=datetime.UTC)
        buckets[number].append(Point(moment, count, low, high, total))
    return {
        measure.code: Series(measure=measure, points=buckets[number], start=start, end=end)
        for number, measure in wanted.items()
    }


def _nice_step(span):
    raw = span / 4 or 1
    magnitude = 10 ** math.floor(math.log10(raw))
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return factor * magnitude
    return 10 * magnitude


def _ticks(low, high):
    step = _nice_step(high - low)
    first = math.floor(low / step) * step
    ticks, value = [], first
    while value <= high + step * 0.001:
        if value >= low - step * 0.001:
            ticks.append(round(value, 6))
        value += step
    return ticks


def render_svg(series, *, chart_id, step=None):
    """The SVG of one series: a band (lowest to highest), the mean line, y ticks, first and last dates."""
    measure = series.measure
    title = measure.caption
    if not series.points:
        return mark_safe(  # noqa: S308 (every value escaped)
            f'<p class="chart-empty" id="{escape(chart_id)}">{escape(_("No readings in this period."))}</p>'
        )
    low = min(point.low for point in series.points)
    high = max(point.high for point in series.points)
    if high - low < 1e-9:
        low, high = low - 1, high + 1
    padding = (high - low) * 0.08
    low, high = low - padding, high + padding
    x0, x1 = series.start.timestamp(), series.end.timestamp()
    plot_width, plot_height = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(moment):
        return LEFT + (moment.timestamp() - x0) / (x1 - x0) * plot_width

    def y(value):
        return TOP + (high - value) / (high - low) * plot_height

    gap = (step or _median_step(series.points)) * 1.5
    line, band_segments, segment = [], [], []
    previous = None
    for point in series.points:
        if previous is not None and (point.start - previous.start).total_seconds() > gap:
            band_segments.append(segment)
            segment = []
            line.append("M")
        else:
            line.append("L" if line else "M")
        line[-1] += f"{x(point.start):.1f} {y(point.mean):.1f}"
        segment.append(point)
        previous = point
    band_segments.append(segment)
    band, dots = [], []
    for part in band_segments:
        if len(part) < 2:
            # A lone point (one reading, or one between two gaps) draws no line: a dot shows it.
            for p in part:
                # (a zero-length stroke with round caps: round at any width, as the chart stretches)
                dots.append(f'<path class="chart-point" d="M{x(p.start):.1f} {y(p.mean):.1f} h0"/>')
            continue
        upper = " ".join(f"{x(p.start):.1f},{y(p.high):.1f}" for p in part)
        lower = " ".join(f"{x(p.start):.1f},{y(p.low):.1f}" for p in reversed(part))
        band.append(f'<polygon class="chart-band" points="{upper} {lower}"/>')
    grid = []
    for tick in _ticks(low, high):
        ty = y(tick)
        grid.append(
            f'<line class="chart-grid" x1="{LEFT}" x2="{WIDTH - RIGHT}" y1="{ty:.1f}" y2="{ty:.1f}"/>'
            f'<text class="chart-tick" x="{LEFT - 6}" y="{ty + 4:.1f}" text-anchor="end">'
            f"{escape(formats.number_format(tick, decimal_pos=_decimals(tick)))}</text>"
        )
    start_label = formats.date_format(timezone.localtime(series.start), "SHORT_DATETIME_FORMAT")
    end_label = formats.date_format(timezone.localtime(series.end), "SHORT_DATETIME_FORMAT")
    description = _("From %(start)s to %(end)s: lowest %(low)s, highest %(high)s, latest %(latest)s %(unit)s.") % {
        "start": start_label,
        "end": end_label,
        "low": measure.format(series.lowest),
        "high": measure.format(series.highest),
        "latest": measure.format(series.latest.mean),
        "unit": measure.unit,
    }
    svg = (
        f'<svg class="chart" id="{escape(chart_id)}" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc" preserveAspectRatio="none" '
        f'data-x0="{x0 * 1000:.0f}" data-x1="{x1 * 1000:.0f}" data-low="{low}" data-high="{high}" '
        f'data-left="{LEFT}" data-top="{TOP}" data-width="{plot_width}" data-height="{plot_height}">'
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>'
        f'<desc id="{escape(chart_id)}-desc">{escape(description)}</desc>'
        f"{''.join(grid)}{''.join(band)}"
        f'<path class="chart-line" d="{" ".join(line)}"/>{"".join(dots)}'
        f'<text class="chart-tick" x="{LEFT}" y="{HEIGHT - 8}">{escape(start_label)}</text>'
        f'<text class="chart-tick" x="{WIDTH - RIGHT}" y="{HEIGHT - 8}" text-anchor="end">{escape(end_label)}</text>'
        "</svg>"
    )
    return mark_safe(svg)  # noqa: S308 (built from numbers and escaped text)


def _decimals(value):
    return 0 if float(value).is_integer() else 1 if abs(value * 10 - round(value * 10)) < 1e-6 else 2


def _median_step(points):
    if len(points) < 2:
        return 3600
    gaps = sorted((b.start - a.start).total_seconds() for a, b in zip(points, points[1:], strict=False))
    return gaps[len(gaps) // 2]


def range_start(range_key, now=None):
    """When a chart of this range starts."""
    return (now or timezone.now()) - RANGES[range_key][0]


def chart_step(range_key):
    return RANGES[range_key][2].total_seconds()
