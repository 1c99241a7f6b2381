"""Loading and editing the reference data. Each function is one action."""

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django.utils.translation import gettext as _

from core.actions import check_model_permission
from core.audit import Action, log
from places.models import County, Township

TOWNSHIPS_CSV = Path(__file__).resolve().parent / "data" / "townships.csv"
EXPECTED_TOWNSHIP_COLUMNS = {
    "town_code",
    "county_code",
    "county_zh",
    "town_zh",
    "county_en",
    "town_en",
    "lat",
    "lon",
    "postal3",
    "pop_2021_03",
    "pct_65plus",
    "aging_index",
}


class ReferenceDataError(ValueError):
    pass


@dataclass
class LoadResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self):
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def _optional_int(value):
    return int(value) if value not in ("", None) else None


def _optional_decimal(value):
    return Decimal(value) if value not in ("", None) else None


def _township_values(row):
    return {
        "name_zh": row["town_zh"],
        "name_en": row["town_en"],
        "latitude": float(row["lat"]),
        "longitude": float(row["lon"]),
        "postal_code": row["postal3"],
        "population": _optional_int(row["pop_2021_03"]),
        "share_aged_65_plus": _optional_decimal(row["pct_65plus"]),
        "aging_index": _optional_int(row["aging_index"]),
    }


def _read_township_rows(path):
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        missing = EXPECTED_TOWNSHIP_COLUMNS - set(reader.fieldnames or [])
        if missing:
            raise ReferenceDataError(
                _("%(path)s lacks the columns: %(columns)s") % {"path": path, "columns": ", ".join(sorted(missing))}
            )
        return list(reader)


@transaction.atomic
def load_townships(path=TOWNSHIPS_CSV):
    """Create or update counties and townships from the CSV; never touch the priority flag."""
    rows = _read_township_rows(path)
    counties = {county.code: county for county in County.objects.all()}
    townships = {township.code: township for township in Township.objects.all()}
    county_result, township_result = LoadResult(), LoadResult()

    for row in rows:
        county_values = {"name_zh": row["county_zh"], "name_en": row["county_en"]}
        county = counties.get(row["county_code"])
        if county is None:
            county = counties[row["county_code"]] = County.objects.create(code=row["county_code"], **county_values)
            county_result.created += 1
        elif _apply(county, county_values):
            county.save(update_fields=list(county_values))
            county_result.updated += 1

        values = {**_township_values(row), "county_id": county.pk}
        township = townships.get(row["town_code"])
        if township is None:
            Township.objects.create(code=row["town_code"], **values)
            township_result.created += 1
        elif _apply(township, values):
            township.save(update_fields=list(values))
            township_result.updated += 1
        else:
            township_result.unchanged += 1

    county_result.unchanged = len(counties) - county_result.created - county_result.updated
    return county_result, township_result


def _apply(instance, values):
    changed = False
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed = True
    return changed


@dataclass
class PriorityImportResult:
    flagged: list = field(default_factory=list)
    unflagged: list = field(default_factory=list)
    unknown_codes: list = field(default_factory=list)


@transaction.atomic
def import_priority_areas(text, replace=False):
    """Flag the townships whose town_code appears in the CSV text.

    With replace=True, townships missing from the file lose the flag, so the
    file becomes the whole list. Unknown codes abort the import: a typo must
    not leave the list half-applied.
    """
    reader = csv.DictReader(io.StringIO(text))
    if "town_code" not in (reader.fieldnames or []):
        raise ReferenceDataError(_("The CSV needs a column named town_code."))
    codes = {row["town_code"].strip() for row in reader if row["town_code"].strip()}
    known = set(Township.objects.filter(code__in=codes).values_list("code", flat=True))
    result = PriorityImportResult(unknown_codes=sorted(codes - known))
    if result.unknown_codes:
        raise ReferenceDataError(_("Unknown town codes: %(codes)s") % {"codes": ", ".join(result.unknown_codes)})

    to_flag = list(Township.objects.filter(code__in=known, is_priority_area=False).order_by("code"))
    to_unflag = (
        list(Township.objects.filter(is_priority_area=True).exclude(code__in=known).order_by("code")) if replace else []
    )
    # Saved one by one (368 at most), not updated in bulk: the apps that show a township's flag (search's documents
    # of what lies in it) follow its saves.
    with transaction.atomic():
        for townships, flag in ((to_flag, True), (to_unflag, False)):
            for township in townships:
                township.is_priority_area = flag
                township.save(update_fields=["is_priority_area"])
    result.flagged = [township.code for township in to_flag]
    result.unflagged = [township.code for township in to_unflag]
    return result


@transaction.atomic
def set_priority_area(user, township, is_priority_area):
    """Staff flag a township as one of the priority areas for regional revitalization, or remove the flag."""
    check_model_permission(user, Township)
    township = Township.objects.select_for_update().get(pk=township.pk)
    if township.is_priority_area != is_priority_area:
        township.is_priority_area = is_priority_area
        township.save(update_fields=["is_priority_area"])  # a save, as the import: search follows it
        log(Action.TOWNSHIP_PRIORITY_AREA, actor=user, township=township.code, priority_area=is_priority_area)
    return township
