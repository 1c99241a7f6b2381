import datetime
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from datahub.actions import ImportRefused, import_figures, validate


class Command(BaseCommand):
    help = "Import official figures from a CSV (indicator, unit, period, code, value): all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--source", required=True, help="who publishes the figures")
        parser.add_argument("--licence", required=True)
        parser.add_argument("--date", required=True, help="the source's publication date, YYYY-MM-DD")
        parser.add_argument("--user", help="username recorded as the importer")
        parser.add_argument("--check", action="store_true", help="validate only, write nothing")

    def handle(self, *args, path, source, licence, date, user=None, check=False, **options):
        try:
            source_date = datetime.date.fromisoformat(date)
        except ValueError:
            raise CommandError(f"--date {date!r} is not a date (YYYY-MM-DD)") from None
        file = Path(path)
        try:
            text = file.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {path}: {error}") from None
        actor = None
        if user:
            actor = get_user_model().objects.filter(username=user).first()
            if actor is None:
                raise CommandError(f"no user named {user!r}")
        try:
            if check:
                rows = validate(text)
                self.stdout.write(f"{len(rows)} rows are valid; nothing written (--check).")
                return
            total = [0]

            def progress(done):
                if not total[0]:
                    total[0] = text.count("\n") or 1
                width = 30
                filled = min(width, round(width * done / max(done, total[0] - 1)))
                self.stderr.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done} rows", ending="")
                self.stderr.flush()

            batch = import_figures(
                text,
                file_name=file.name,
                source=source,
                licence=licence,
                source_date=source_date,
                actor=actor,
                progress=progress,
            )
        except ImportRefused as refused:
            for line, message in refused.errors:
                self.stderr.write(f"line {line}: {message}" if line else message)
            raise CommandError(f"{path}: {len(refused.errors)} errors; nothing was imported.") from None
        self.stderr.write("")
        self.stdout.write(f"Imported {batch.row_count} rows from {file.name} as version {batch.version}.")
