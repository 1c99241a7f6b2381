"""Importing official figures: one action, validated line by line, all or nothing.

`import_figures(text, file_name=…, source=…, licence=…, source_date=…, actor=…)` reads a CSV with the columns
indicator, unit, period, code, value. Every problem is collected with its line number (the header is line 1) and the
whole file is refused if there is any; otherwise one transaction writes a new batch, marks the observations it
replaces as not current, and writes an audit entry.
"""

import csv
import io
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from core import audit
from datahub.models import (
    PERIOD_PATTERN,
    ImportBatch,
    Indicator,
    Observation,
    source_date_bounds,
    source_date_out_of_bounds_message,
)
from places.models import County, Township

COLUMNS = ("indicator", "unit", "period", "code", "value")
MAX_ERRORS_SHOWN = 200
IMPORT_PERMISSION = "datahub.add_importbatch"


class ImportRefused(Exception):
    """The file was refused; ``errors`` is a list of (line number or None, message)."""

    def __init__(self, errors):
        self.errors = errors
        super().__init__("; ".join(f"{line}: {message}" if line else message for line, message in errors[:5]))


@dataclass(frozen=True)
class Row:
    line: int
    indicator: Indicator
    period: str
    code: str
    value: Decimal


def _parse_value(text):
    cleaned = text.strip().replace(",", "")
    if not cleaned:
        raise InvalidOperation
    value = Decimal(cleaned)
    if not value.is_finite():
        raise InvalidOperation
    return value


def validate(text):
    """The rows of the CSV text, checked; ImportRefused with every error and its line number otherwise."""
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in COLUMNS if name not in header]
    if missing:
        raise ImportRefused([(1, _("The header lacks the columns: %(columns)s.") % {"columns": ", ".join(missing)})])
    reader.fieldnames = header
    indicators = {indicator.code: indicator for indicator in Indicator.objects.all()}
    town_codes = set(Township.objects.values_list("code", flat=True))
    county_codes = set(County.objects.values_list("code", flat=True))
    errors, rows, seen = [], [], {}
    for line, raw in enumerate(reader, start=2):
        record = {name: (raw.get(name) or "").strip() for name in COLUMNS}
        if not any(record.values()):
            continue  # a blank line
        indicator = indicators.get(record["indicator"])
        if indicator is None:
            errors.append((line, _("Unknown indicator “%(code)s”.") % {"code": record["indicator"]}))
        elif record["unit"] != indicator.unit:
            errors.append(
                (
                    line,
                    _("The unit “%(unit)s” does not match the indicator's unit “%(expected)s”.")
                    % {"unit": record["unit"], "expected": indicator.unit},
                )
            )
        if not PERIOD_PATTERN.match(record["period"]):
            errors.append((line, _("The period “%(period)s” is not a year (2021) or a month (2021-03).") % record))
        code = record["code"]
        if indicator is not None:
            known = town_codes if indicator.level == Indicator.Level.TOWNSHIP else county_codes
            if code not in known:
                message = (
                    _("Unknown town code “%(code)s”.")
                    if indicator.level == Indicator.Level.TOWNSHIP
                    else _("Unknown county code “%(code)s”.")
                )
                errors.append((line, message % {"code": code}))
        try:
            value = _parse_value(record["value"])
        except InvalidOperation:
            value = None
            errors.append((line, _("The value “%(value)s” is not a number.") % record))
        key = (record["indicator"], code, record["period"])
        if key in seen:
            errors.append(
                (
                    line,
                    _("%(indicator)s for %(code)s in %(period)s is already on line %(first)s.")
                    % {"indicator": key[0], "code": key[1], "period": key[2], "first": seen[key]},
                )
            )
        else:
            seen[key] = line
        if indicator is not None and value is not None:
            rows.append(Row(line=line, indicator=indicator, period=record["period"], code=code, value=value))
    if not errors and not rows:
        errors.append((None, _("The file has no rows of figures.")))
    if errors:
        raise ImportRefused(errors)
    return rows


def can_import(user):
    return bool(user and user.is_active and user.is_staff and user.has_perm(IMPORT_PERMISSION))


@transaction.atomic
def import_figures(text, *, file_name, source, licence, source_date, actor=None, progress=None):
    """Validate and write one batch; returns it. ``progress(count)`` is called as rows are written.

    ``actor``: the staff member importing (checked: staff with datahub.add_importbatch); None for the management
    commands, which run with the server's own rights.
    """
    if actor is not None and not can_import(actor):
        raise PermissionDenied(_("Only staff with the permission to import figures may import them."))
    earliest, latest = source_date_bounds()
    if not earliest <= source_date <= latest:
        raise ImportRefused([(None, source_date_out_of_bounds_message())])
    rows = validate(text)
    indicators = {row.indicator.pk: row.indicator for row in rows}
    previous = ImportBatch.objects.filter(indicators__in=list(indicators)).aggregate(top=Max("version"))["top"]
    batch = ImportBatch.objects.create(
        source=source,
        licence=licence,
        source_date=source_date,
        imported_by=actor,
        file_name=file_name[:255],
        row_count=len(rows),
        version=(previous or 0) + 1,
    )
    batch.indicators.set(list(indicators))
    # The observations this file replaces stop being current (they stay, with their batch, as history).
    for indicator_id in indicators:
        keys = {(row.code, row.period) for row in rows if row.indicator.pk == indicator_id}
        current = Observation.objects.filter(indicator_id=indicator_id, is_current=True).values_list(
            "pk", "place_code", "period"
        )
        replaced = [pk for pk, code, period in current if (code, period) in keys]
        for start in range(0, len(replaced), 1000):
            Observation.objects.filter(pk__in=replaced[start : start + 1000]).update(is_current=False)
    chunk = 500
    for start in range(0, len(rows), chunk):
        Observation.objects.bulk_create(
            Observation(
                indicator=row.indicator,
                batch=batch,
                period=row.period,
                place_code=row.code,
                value=row.value,
                is_current=True,
            )
            for row in rows[start : start + chunk]
        )
        if progress:
            progress(min(start + chunk, len(rows)))
    audit.log(
        audit.Action.FIGURES_IMPORT,
        actor=actor,
        batch=batch.pk,
        version=batch.version,
        rows=batch.row_count,
        indicators=sorted(indicator.code for indicator in indicators.values()),
        source=source,
    )
    return batch
