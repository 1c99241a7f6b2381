"""The impact figures as CSV rows and as a JSON document (the same filters as the page; fields in FIELDS)."""

import io

from core.spreadsheets import SafeWriter
from impact.measures import FIELDS, MEASURES

COLUMNS = list(FIELDS)


def area_record(area):
    record = {
        "level": area.level,
        "code": area.code,
        "name_zh": area.name_zh,
        "name_en": area.name_en,
        "county_code": area.county_code,
        "is_priority_area": area.is_priority_area,
    }
    record.update(area.figures.as_dict())
    return record


def areas(data):
    """Taiwan, then the counties, then the townships."""
    return [data.taiwan, *data.counties, *data.townships]


def csv_text(data):
    buffer = io.StringIO()
    writer = SafeWriter(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for area in areas(data):
        record = area_record(area)
        writer.writerow([record[column] for column in COLUMNS])
    return "\ufeff" + buffer.getvalue()  # a BOM, so spreadsheet programs read the Chinese names as UTF-8


def filters_record(filters):
    return {
        "year": filters.year,
        "sector_id": filters.sector_id,
        "sdg": filters.sdg_number,
        "funding_type": filters.funding_type,
        "townships": list(filters.township_codes),
    }


def json_document(data):
    return {
        "filters": filters_record(data.filters),
        "fields": {name: str(description) for name, description in FIELDS.items()},
        "measures": {name: str(label) for name, label in MEASURES.items()},
        "taiwan": area_record(data.taiwan),
        "counties": [area_record(area) for area in data.counties],
        "townships": [area_record(area) for area in data.townships],
        "months": [
            {
                "month": row.month.strftime("%Y-%m"),
                "committed_twd": row.committed_twd,
                "raised_twd": row.raised_twd,
                "backers": row.backers,
                "projects": row.projects,
            }
            for row in data.months
        ],
    }
