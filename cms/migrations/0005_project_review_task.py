"""The "Project review" workflow's task becomes a ProjectReviewTask (sending a project back needs a reason).

The existing task keeps its row, its groups and its task states (reviews in progress go on): only a row of the new
table is added under it and its content type changes."""

import django.db.models.deletion
from django.db import migrations, models

from cms.review_task_migrations import convert_tasks, restore_group_approval_tasks

PROJECT_REVIEW = "Project review"


def convert_review_task(apps, schema_editor):
    convert_tasks(apps, model_name="ProjectReviewTask", workflow_name=PROJECT_REVIEW)


def restore_group_approval_task(apps, schema_editor):
    restore_group_approval_tasks(apps, schema_editor, model_name="ProjectReviewTask")


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0004_programme_catalogue"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="ProjectReviewTask",
            fields=[
                (
                    "groupapprovaltask_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to="wagtailcore.groupapprovaltask",
                    ),
                ),
            ],
            options={
                "verbose_name": "project review task",
                "verbose_name_plural": "project review tasks",
            },
            bases=("wagtailcore.groupapprovaltask",),
        ),
        migrations.RunPython(convert_review_task, restore_group_approval_task),
    ]
