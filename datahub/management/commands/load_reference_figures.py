import csv
import datetime
from pathlib import Path

from django.core.management.base import BaseCommand

from datahub.actions import import_figures
from datahub.models import ImportBatch, Indicator

DATA = Path(__file__).resolve().parents[2] / "data"
FILE = "moi-population-2021-03.csv"
SOURCE = "內政部戶籍人口統計 (Ministry of the Interior, household registration)"
LICENCE = "政府資料開放授權條款-第1版 (OGDL-Taiwan-1.0)"
SOURCE_DATE = datetime.date(2021, 3, 31)
FIELDS = ("unit", "level", "name_zh", "name_en", "name_ja", "description")


class Command(BaseCommand):
    help = "Create the shipped indicators and import the shipped reference figures once (datahub/data/README.md)."

    def handle(self, *args, **options):
        with open(DATA / "indicators.csv", newline="", encoding="utf-8") as handle:
            for row in csv.DictReader(handle):
                Indicator.objects.get_or_create(
                    code=row["code"],
                    defaults={key: row[key] for key in FIELDS},
                )
        if ImportBatch.objects.filter(file_name=FILE).exists():
            self.stdout.write(f"{FILE} is already imported.")
            return
        batch = import_figures(
            (DATA / FILE).read_text(encoding="utf-8"),
            file_name=FILE,
            source=SOURCE,
            licence=LICENCE,
            source_date=SOURCE_DATE,
        )
        self.stdout.write(f"Imported {batch.row_count} rows from {FILE}.")
