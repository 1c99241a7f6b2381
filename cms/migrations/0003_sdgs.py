from django.db import migrations

from cms.sdgs import load_sdgs


def add_sdgs(apps, schema_editor):
    load_sdgs(apps.get_model("cms", "SustainableDevelopmentGoal"))


class Migration(migrations.Migration):
    # The review workflow and the Moderators group need Wagtail's permissions, which exist only
    # after migrate: cms.actions.ensure_project_review_workflow makes them (post_migrate, load_demo).
    dependencies = [("cms", "0002_pages_snippets_images")]

    operations = [migrations.RunPython(add_sdgs, migrations.RunPython.noop)]
