"""Reading the official figures: a place's latest values, a series, a map layer, the migration balance."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max

from datahub.models import ImportBatch, Indicator, Observation
from datahub.presentation import decimals_of

IN_MIGRATION, OUT_MIGRATION = "in_migration", "out_migration"
BALANCE_YEAR, RETURN_YEAR = 2022, 2030  # the plan's goals: balance by 2022, net return by 2030


@dataclass
class Series:
    indicator: Indicator
    place_code: str
    points: list = field(default_factory=list)  # current observations, oldest period first (batch selected)

    @property
    def latest(self):
        return self.points[-1] if self.points else None


def _place_codes(township):
    return {Indicator.Level.TOWNSHIP: township.code, Indicator.Level.COUNTY: township.county.code}


def township_series(township):
    """Every indicator with figures for the township (county-level ones through its county): one Series each."""
    codes = _place_codes(township)
    observations = (
        Observation.objects.filter(is_current=True, place_code__in=set(codes.values()))
        .select_related("indicator", "batch")
        .order_by("indicator_id", "period")  # indicators in the order staff created them (the shipped ones first)
    )
    series = {}
    for observation in observations:
        indicator = observation.indicator
        if observation.place_code != codes[indicator.level]:
            continue
        series.setdefault(indicator.pk, Series(indicator, observation.place_code)).points.append(observation)
    return list(series.values())


def series(indicator, place_code):
    return Series(
        indicator,
        place_code,
        list(
            Observation.objects.filter(indicator=indicator, place_code=place_code, is_current=True)
            .select_related("batch")
            .order_by("period")
        ),
    )


def history(indicator, place_code):
    """Values replaced by later imports, newest import first."""
    return list(
        Observation.objects.filter(indicator=indicator, place_code=place_code, is_current=False)
        .select_related("batch")
        .order_by("-batch__version", "-batch__pk", "period")
    )


def map_indicators():
    """Indicators with at least one current figure, for the impact map's list of layers."""
    return list(Indicator.objects.filter(observations__is_current=True).distinct().order_by("code"))


@dataclass
class Layer:
    indicator: Indicator
    values: dict  # town code → Decimal (a county-level indicator gives each township its county's value)
    periods: list  # the periods shown (latest per place), oldest first
    batches: list  # the imports the values come from
    decimals: int = 0  # the most any value has (at most 2): the legend's ranges read alike


def layer(indicator, townships):
    """The latest current value per place for the map. ``townships``: objects with code and county.code."""
    latest = dict(
        Observation.objects.filter(indicator=indicator, is_current=True)
        .values("place_code")
        .annotate(last=Max("period"))
        .values_list("place_code", "last")
    )
    rows = Observation.objects.filter(indicator=indicator, is_current=True, place_code__in=list(latest)).values_list(
        "place_code", "period", "value", "batch_id"
    )
    by_place, periods, batch_ids = {}, set(), set()
    for code, period, value, batch_id in rows:
        if latest.get(code) == period:
            by_place[code] = value
            periods.add(period)
            batch_ids.add(batch_id)
    if indicator.level == Indicator.Level.COUNTY:
        values = {t.code: by_place[t.county.code] for t in townships if t.county.code in by_place}
    else:
        values = dict(by_place)
    batches = list(ImportBatch.objects.filter(pk__in=batch_ids).order_by("-source_date"))
    decimals = max((decimals_of(value) for value in by_place.values()), default=0)
    return Layer(indicator, values, sorted(periods), batches, decimals)


def latest_import_id():
    """The newest batch's id (0 without one): part of cache keys of pages that show the figures."""
    return ImportBatch.objects.aggregate(top=Max("pk"))["top"] or 0


@dataclass
class MigrationYear:
    period: str
    moved_in: Decimal
    moved_out: Decimal

    @property
    def net(self):
        return self.moved_in - self.moved_out


@dataclass
class MigrationBalance:
    years: list
    balance_year: int = BALANCE_YEAR
    return_year: int = RETURN_YEAR

    @property
    def latest(self):
        return self.years[-1] if self.years else None

    def _year(self, year):
        return next((row for row in self.years if row.period == str(year)), None)

    @property
    def balance(self):
        """The balance-year row (None without figures for it)."""
        return self._year(self.balance_year)

    @property
    def balanced(self):
        row = self.balance
        return None if row is None else row.net >= 0

    @property
    def returning(self):
        row = self.latest
        return None if row is None else row.net > 0


def migration_balance(township, all_series=None):
    """In- against out-migration per period for the township, when staff imported both series (else None)."""
    all_series = all_series if all_series is not None else township_series(township)
    by_code = {item.indicator.code: item for item in all_series}
    moved_in, moved_out = by_code.get(IN_MIGRATION), by_code.get(OUT_MIGRATION)
    if moved_in is None or moved_out is None:
        return None
    outs = {point.period: point.value for point in moved_out.points}
    years = [
        MigrationYear(point.period, point.value, outs[point.period])
        for point in moved_in.points
        if point.period in outs
    ]
    return MigrationBalance(years) if years else None
