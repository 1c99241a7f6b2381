"""Wagtail's default "Moderators approval" workflow (brand stories, and every page outside the township sections)
gets a PageReviewTask: sending a page back needs a reason, as sending a project back does (0005).

Its existing task keeps its row, its groups and its task states (reviews in progress go on)."""

import django.db.models.deletion
from django.db import migrations, models

from cms.review_task_migrations import convert_tasks, restore_group_approval_tasks

MODERATORS_APPROVAL = "Moderators approval"


def convert_moderators_approval_task(apps, schema_editor):
    convert_tasks(
        apps,
        model_name="PageReviewTask",
        workflow_name=MODERATORS_APPROVAL,
        exclude_model_names=("projectreviewtask",),
    )


def restore_group_approval_task(apps, schema_editor):
    restore_group_approval_tasks(apps, schema_editor, model_name="PageReviewTask")


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0005_project_review_task"),
        ("wagtailcore", "0098_apitoken"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.CreateModel(
            name="PageReviewTask",
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
                "verbose_name": "page review task",
                "verbose_name_plural": "page review tasks",
            },
            bases=("wagtailcore.groupapprovaltask",),
        ),
        migrations.RunPython(convert_moderators_approval_task, restore_group_approval_task),
    ]
