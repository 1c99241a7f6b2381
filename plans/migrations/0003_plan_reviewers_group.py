"""The "Plan reviewers" group exists from the start, so that staff find it in the admin's groups and put the national
review desk in it (plans.actions.national_reviewers_to_tell)."""

from django.db import migrations

NATIONAL_REVIEWERS_GROUP = "Plan reviewers"  # plans.actions.NATIONAL_REVIEWERS_GROUP, as of this migration


def create_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.get_or_create(name=NATIONAL_REVIEWERS_GROUP)


class Migration(migrations.Migration):
    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("plans", "0002_plan_text_in_english_and_japanese"),
    ]

    operations = [migrations.RunPython(create_group, migrations.RunPython.noop)]
