"""The "Project review" workflow's task becomes a ProjectReviewTask (sending a project back needs a reason).

The existing task keeps its row, its groups and its task states (reviews in progress go on): only a row of the new
table is added under it and its content type changes."""

import django.db.models.deletion
from django.db import migrations, models


PROJECT_REVIEW = "Project review"


def _review_tasks(apps):
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    return GroupApprovalTask.objects.filter(
        models.Q(name=PROJECT_REVIEW) | models.Q(workflow_tasks__workflow__name=PROJECT_REVIEW)
    ).distinct()


def convert_review_task(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Task = apps.get_model("wagtailcore", "Task")
    ProjectReviewTask = apps.get_model("cms", "ProjectReviewTask")
    content_type, _ = ContentType.objects.get_or_create(app_label="cms", model="projectreviewtask")
    for task in _review_tasks(apps):
        if not ProjectReviewTask.objects.filter(pk=task.pk).exists():
            # raw: writes this table's row only, not the parents' (their name, groups and state stay as they are)
            ProjectReviewTask(groupapprovaltask_ptr_id=task.pk).save_base(raw=True)
        Task.objects.filter(pk=task.pk).update(content_type=content_type)


def restore_group_approval_task(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Task = apps.get_model("wagtailcore", "Task")
    ProjectReviewTask = apps.get_model("cms", "ProjectReviewTask")
    content_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    ids = list(ProjectReviewTask.objects.values_list("pk", flat=True))
    Task.objects.filter(pk__in=ids).update(content_type=content_type)
    # only the child rows: a model delete would take the parents (and their task states) with them
    table = schema_editor.quote_name(ProjectReviewTask._meta.db_table)
    schema_editor.execute(f"DELETE FROM {table}")


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
