"""Turning a workflow's existing group approval task into one of ours (cms.models.review), in a migration.

The task keeps its row, its groups and its task states (reviews in progress go on): only a row of the new table is
added under it and its content type changes. Used by cms/migrations 0005 (Project review) and 0006 (Moderators
approval); takes the historical models from `apps`."""

from django.db import models


def _group_approval_tasks_of(apps, workflow_name, exclude_model_names=()):
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    tasks = GroupApprovalTask.objects.filter(
        models.Q(name=workflow_name) | models.Q(workflow_tasks__workflow__name=workflow_name)
    ).distinct()
    for model_name in exclude_model_names:  # already another of ours: left as it is
        tasks = tasks.exclude(task_ptr__content_type__app_label="cms", task_ptr__content_type__model=model_name)
    return tasks


def convert_tasks(apps, *, model_name, workflow_name, exclude_model_names=()):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Task = apps.get_model("wagtailcore", "Task")
    Model = apps.get_model("cms", model_name)
    content_type, _ = ContentType.objects.get_or_create(app_label="cms", model=model_name.lower())
    for task in _group_approval_tasks_of(apps, workflow_name, exclude_model_names):
        if not Model.objects.filter(pk=task.pk).exists():
            # raw: writes this table's row only, not the parents' (their name, groups and state stay as they are)
            Model(groupapprovaltask_ptr_id=task.pk).save_base(raw=True)
        Task.objects.filter(pk=task.pk).update(content_type=content_type)


def restore_group_approval_tasks(apps, schema_editor, *, model_name):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Task = apps.get_model("wagtailcore", "Task")
    Model = apps.get_model("cms", model_name)
    content_type, _ = ContentType.objects.get_or_create(app_label="wagtailcore", model="groupapprovaltask")
    ids = list(Model.objects.values_list("pk", flat=True))
    Task.objects.filter(pk__in=ids).update(content_type=content_type)
    # only the child rows: a model delete would take the parents (and their task states) with them
    table = schema_editor.quote_name(Model._meta.db_table)
    schema_editor.execute(f"DELETE FROM {table}")  # noqa: S608 (our own table name, quoted)
