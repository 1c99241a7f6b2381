"""The seed of the staff-owned synonyms (search/data/synonyms.txt), and the derived index rows of the old format
dropped: tokens are now per field with their counts (search/ranking.py), so the database engine's tables are
refilled by `manage.py rebuild_search_index` (or by the next publication of each page)."""

from django.db import migrations


def seed(apps, schema_editor):
    from search.synonyms import load_seed

    load_seed(apps.get_model("search", "SynonymEntry"))


def drop_old_rows(apps, schema_editor):
    apps.get_model("search", "SearchToken").objects.all().delete()
    apps.get_model("search", "SearchFacetValue").objects.all().delete()
    apps.get_model("search", "SearchEntry").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("search", "0002_ranking_fields_and_synonyms")]

    operations = [
        migrations.RunPython(drop_old_rows, migrations.RunPython.noop),
        migrations.RunPython(seed, migrations.RunPython.noop),
    ]
