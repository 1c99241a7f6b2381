"""Moderated submissions: submit, approve, reject with a comment, resubmit; live pages unchanged during review."""

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from wagtail.models import WorkflowState

from accounts.models import User
from cms.actions import (
    MODERATORS_GROUP,
    PROJECT_REVIEW_WORKFLOW,
    create_project_draft,
    review_notices_for,
    submit_project_for_review,
)
from cms.models import ProjectPage, ReviewNotice, StoryIndexPage, TownshipIndexPage
from notifications.models import Notification
from places.models import Township
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def submitter(db):
    return User.objects.create_user("team@example.tw", "a-long-password-1")


@pytest.fixture
def moderator(db):
    user = User.objects.create_user("mod@homeward.test", "a-long-password-2")
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return with_mfa(user)  # everyone who can open the admin has a second factor


@pytest.fixture
def kouhu():
    return Township.objects.get(code="10009190")


def act(client, moderator, project, action, comment=""):
    """A moderator presses approve or reject in the admin."""
    client.force_login(moderator)
    task_state = project.current_workflow_state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[project.pk, action, task_state.pk])
    response = client.post(url, {"comment": comment})
    client.logout()
    assert response.status_code in (200, 302), response.content[:500]
    return response


def test_setup_makes_the_group_and_workflow(cms_site):
    from wagtail.models import Workflow

    workflow = Workflow.objects.get(name=PROJECT_REVIEW_WORKFLOW)
    task = workflow.tasks.get().specific
    assert list(task.groups.values_list("name", flat=True)) == [MODERATORS_GROUP]
    for township_index in TownshipIndexPage.objects.all():  # every language's township section
        assert township_index.get_workflow() == workflow
    assert StoryIndexPage.objects.first().get_workflow() != workflow, "stories keep Wagtail's default workflow"


def test_submitted_project_is_a_draft_in_its_township_until_approved(cms_site, client, submitter, moderator, kouhu):
    project = create_project_draft(township=kouhu, owner=submitter, title="口湖智慧魚塭", summary="水質感測")
    state = submit_project_for_review(project, submitter)

    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    project.refresh_from_db()
    assert not project.live and project.owner == submitter
    assert project.get_parent().specific.township == kouhu and project.township == kouhu
    assert project.get_workflow().name == PROJECT_REVIEW_WORKFLOW
    assert client.get(project.url).status_code == 404
    assert "口湖智慧魚塭" not in client.get("/sitemap.xml").content.decode()
    assert client.get("/zh-hant/").context["figures"]["projects"] == 0
    assert any(m.to == ["mod@homeward.test"] for m in mail.outbox), "moderators are told of the submission"

    mail.outbox.clear()
    act(client, moderator, project, "approve", comment="很好")

    project.refresh_from_db()
    assert project.live
    assert client.get(project.url).status_code == 200
    assert client.get("/zh-hant/").context["figures"]["projects"] == 1
    notice = review_notices_for(submitter).get()
    assert notice.decision == ReviewNotice.Decision.APPROVED
    assert any(m.to == ["team@example.tw"] for m in mail.outbox), "the submitter is told by email"
    bell = Notification.objects.get(recipient=submitter)
    assert bell.kind == Notification.Kind.SUBMISSION_APPROVED
    assert "口湖智慧魚塭" in bell.title
    assert len([m for m in mail.outbox if m.to == ["team@example.tw"]]) == 1, "one email, not two"


def test_rejected_project_can_be_edited_and_resubmitted(
    cms_site, client, submitter, moderator, kouhu, django_capture_on_commit_callbacks
):
    project = create_project_draft(township=kouhu, owner=submitter, title="口湖魚塭")
    submit_project_for_review(project, submitter)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        act(client, moderator, project, "reject", comment="請補上水質數據")

    state = project.current_workflow_state
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    notice = review_notices_for(submitter).get()
    assert notice.decision == ReviewNotice.Decision.REJECTED and notice.comment == "請補上水質數據"
    bell = Notification.objects.get(recipient=submitter)
    assert (bell.kind, bell.body) == (Notification.Kind.SUBMISSION_REJECTED, "請補上水質數據")
    assert any(m.to == ["team@example.tw"] for m in mail.outbox)
    project.refresh_from_db()
    assert not project.live

    project = ProjectPage.objects.get(pk=project.pk).get_latest_revision_as_object()
    project.summary = "溶氧與水溫全天監測"
    resumed = submit_project_for_review(project, submitter)

    assert resumed.pk == state.pk and resumed.status == WorkflowState.STATUS_IN_PROGRESS
    act(client, moderator, project, "approve")
    project = ProjectPage.objects.get(pk=project.pk)
    assert project.live and project.summary == "溶氧與水溫全天監測"


def test_live_project_stays_as_it_was_until_the_edit_is_approved(cms_site, client, submitter, moderator, kouhu):
    project = create_project_draft(township=kouhu, owner=submitter, title="口湖魚塭", summary="第一版")
    submit_project_for_review(project, submitter)
    act(client, moderator, project, "approve")

    edited = ProjectPage.objects.get(pk=project.pk)
    edited.summary = "第二版"
    submit_project_for_review(edited, submitter)

    live = ProjectPage.objects.get(pk=project.pk)
    assert live.live and live.summary == "第一版" and live.has_unpublished_changes
    assert "第一版" in client.get(live.url).content.decode()
    assert "第二版" not in client.get(live.url).content.decode()

    act(client, moderator, live, "reject", comment="再修改")
    assert "第一版" in client.get(live.url).content.decode()

    act_resubmit = submit_project_for_review(
        ProjectPage.objects.get(pk=project.pk).get_latest_revision_as_object(), submitter
    )
    assert act_resubmit.status == WorkflowState.STATUS_IN_PROGRESS
    act(client, moderator, live, "approve")
    assert "第二版" in client.get(live.url).content.decode()


def test_someone_outside_the_moderators_cannot_approve(cms_site, client, submitter, kouhu):
    outsider = User.objects.create_user("editor@homeward.test", "a-long-password-3", is_staff=True)
    project = create_project_draft(township=kouhu, owner=submitter, title="口湖魚塭")
    submit_project_for_review(project, submitter)

    client.force_login(outsider)
    task_state = project.current_workflow_state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[project.pk, "approve", task_state.pk])
    response = client.post(url, {"comment": ""})

    assert response.status_code in (302, 403)
    project.refresh_from_db()
    assert not project.live


def test_the_submitter_reads_the_decision_on_the_site(cms_site, client, submitter, moderator, kouhu):
    project = create_project_draft(township=kouhu, owner=submitter, title="口湖魚塭")
    submit_project_for_review(project, submitter)
    act(client, moderator, project, "reject", comment="請補上水質數據")
    url = reverse("cms:review_notices")

    assert client.get(url).status_code == 302, "only for the signed-in submitter"
    client.force_login(submitter)
    html = client.get(url).content.decode()

    assert "口湖魚塭" in html and "請補上水質數據" in html and "需要修改" in html
    assert review_notices_for(submitter, unread_only=True).count() == 0

    other = User.objects.create_user("other@example.tw", "a-long-password-6")
    client.force_login(other)
    assert "口湖魚塭" not in client.get(url).content.decode()


def test_drafts_are_never_in_the_public_querysets(cms_site, client, submitter, moderator, kouhu):
    from cms.public import is_public, public_projects

    project = create_project_draft(township=kouhu, owner=submitter, title="口湖魚塭")
    submit_project_for_review(project, submitter)
    assert project.pk not in public_projects().values_list("pk", flat=True) and not is_public(project)

    act(client, moderator, project, "approve")
    project.refresh_from_db()
    assert project.pk in public_projects().values_list("pk", flat=True) and is_public(project)


def test_migrate_sets_up_the_review_workflow_by_itself(db):
    """No fixture has called the setup: the post_migrate step made the group and the workflow."""
    from wagtail.models import Workflow

    assert Group.objects.filter(name=MODERATORS_GROUP).exists()
    assert Workflow.objects.filter(name=PROJECT_REVIEW_WORKFLOW).exists()
    assert Group.objects.get(name=MODERATORS_GROUP).permissions.filter(codename="access_admin").exists()


def test_changes_cannot_be_requested_without_a_reason(cms_site, client, submitter, moderator, kouhu):
    """The modal refuses a blank reason, and the page editor (which hands the modal's data to the task) too."""
    from django.core.exceptions import PermissionDenied

    project = create_project_draft(township=kouhu, owner=submitter, title="口湖魚塭")
    submit_project_for_review(project, submitter)
    task_state = project.current_workflow_state.current_task_state
    client.force_login(moderator)

    modal = reverse("wagtailadmin_pages:workflow_action", args=[project.pk, "reject", task_state.pk])
    response = client.post(modal, {"comment": "   "}, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200 and response.json()["step"] == "action", "the form comes back with its error"
    collect = reverse("wagtailadmin_pages:collect_workflow_action_data", args=[project.pk, "reject", task_state.pk])
    response = client.post(collect, {"comment": ""}, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.json()["step"] == "action"

    # the page editor's "Request changes" passes the modal's data to the task as it is
    task = task_state.task.specific
    with pytest.raises(PermissionDenied):
        task.on_action(task_state.specific, moderator, "reject", comment=" ")
    state = project.current_workflow_state
    assert state.status == WorkflowState.STATUS_IN_PROGRESS
    assert not ReviewNotice.objects.exists() and not Notification.objects.filter(recipient=submitter).exists()


def test_the_team_is_emailed_the_reason_and_a_link_it_can_open(
    cms_site, client, submitter, moderator, kouhu, django_capture_on_commit_callbacks
):
    project = create_project_draft(township=kouhu, owner=submitter, title="口湖魚塭")
    submit_project_for_review(project, submitter)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        act(client, moderator, project, "reject", comment="請補上水質數據")

    emails = [m for m in mail.outbox if m.to == ["team@example.tw"]]
    assert len(emails) == 1, "one email, not Wagtail's as well"
    assert "請補上水質數據" in emails[0].body
    assert reverse("cms:review_notices") in emails[0].body and "/admin/" not in emails[0].body
    bell = Notification.objects.get(recipient=submitter)
    assert bell.url == reverse("cms:review_notices")
    client.force_login(submitter)
    assert "請補上水質數據" in client.get(bell.url).content.decode()


def test_the_review_task_of_an_existing_site_becomes_a_project_review_task(cms_site, submitter, kouhu):
    """A site set up before the reason was required: its Group approval task keeps its groups and reviews."""
    import importlib

    from django.apps import apps
    from wagtail.models import GroupApprovalTask, Task, Workflow, WorkflowTask

    from cms.models import ProjectReviewTask

    workflow = Workflow.objects.get(name=PROJECT_REVIEW_WORKFLOW)
    WorkflowTask.objects.filter(workflow=workflow).delete()
    ProjectReviewTask.objects.all().delete()
    old = GroupApprovalTask.objects.create(name=PROJECT_REVIEW_WORKFLOW)
    old.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    WorkflowTask.objects.create(workflow=workflow, task=old, sort_order=0)
    project = create_project_draft(township=kouhu, owner=submitter, title="口湖魚塭")
    state = submit_project_for_review(project, submitter)

    migration = importlib.import_module("cms.migrations.0005_project_review_task")
    migration.convert_review_task(apps, None)

    task = Task.objects.get(pk=old.pk).specific
    assert isinstance(task, ProjectReviewTask)
    assert task.name == PROJECT_REVIEW_WORKFLOW and [g.name for g in task.groups.all()] == [MODERATORS_GROUP]
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.current_task_state.task_id == old.pk


def test_workflow_and_task_names_read_in_the_staff_members_language(
    cms_site, client, submitter, moderator, kouhu, django_capture_on_commit_callbacks
):
    """Stored once in English; each moderator reads them in the admin's language, and saving keeps the English."""
    from django.utils import translation
    from wagtail.models import Task, Workflow

    workflow = Workflow.objects.get(name=PROJECT_REVIEW_WORKFLOW)
    with translation.override("ja"):
        assert str(workflow.name) == "プロジェクト審査" and f"{workflow.tasks.get().name}" == "プロジェクト審査"
    with translation.override("zh-hant"):
        assert "%s" % workflow.name == "專案審查"  # noqa: UP031 (as Wagtail formats its messages)

    moderator.wagtail_userprofile.preferred_language = "ja"
    moderator.wagtail_userprofile.save()
    client.force_login(moderator)
    project = create_project_draft(township=kouhu, owner=submitter, title="口湖魚塭")
    submit_project_for_review(project, submitter)
    dashboard = client.get(reverse("wagtailadmin_pages:edit", args=[project.pk])).content.decode()
    assert "プロジェクト審査" in dashboard and "Project review" not in dashboard

    with translation.override("zh-hant"):
        workflow.name = str(workflow.name)  # as the workflow's edit form posts it back: "專案審查"
        workflow.save()
    assert Workflow.objects.filter(name=PROJECT_REVIEW_WORKFLOW).exists()
    assert Task.objects.filter(name=PROJECT_REVIEW_WORKFLOW).exists()


def _story_in_review(submitter):
    """A brand story submitted to its workflow (Wagtail's default "Moderators approval", made by its migrations)."""
    from cms.models import StoryPage

    index = StoryIndexPage.objects.filter(locale__language_code="zh-hant").first()
    story = index.add_child(instance=StoryPage(title="坪林的包種茶", slug="tea", date="2026-01-01", live=False))
    story.save_revision(user=submitter)
    story.get_workflow().start(story, submitter)
    return story


def test_a_brand_story_cannot_be_sent_back_without_a_reason(cms_site, client, submitter, moderator):
    """The stories' review holds "Request changes" to a reason the same way the projects' review does."""
    from django.core.exceptions import PermissionDenied

    from cms.models import PageReviewTask

    story = _story_in_review(submitter)
    task_state = story.current_workflow_state.current_task_state
    assert isinstance(task_state.task.specific, PageReviewTask)
    client.force_login(moderator)

    modal = reverse("wagtailadmin_pages:workflow_action", args=[story.pk, "reject", task_state.pk])
    response = client.post(modal, {"comment": "  "}, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200 and response.json()["step"] == "action", "the form comes back with its error"
    with pytest.raises(PermissionDenied):
        task_state.task.specific.on_action(task_state.specific, moderator, "reject", comment="")
    assert story.current_workflow_state.status == WorkflowState.STATUS_IN_PROGRESS

    response = client.post(modal, {"comment": "請補上照片來源"}, headers={"x-requested-with": "XMLHttpRequest"})
    assert response.status_code == 200 and response.json()["step"] == "success"
    state = story.workflow_states.get()
    assert state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert state.current_task_state.comment == "請補上照片來源"


def test_the_default_workflow_of_an_existing_site_becomes_a_page_review_task(cms_site, submitter):
    """Migration 0006: "Moderators approval"'s Group approval task keeps its groups and reviews in progress; the
    projects' task stays a ProjectReviewTask."""
    import importlib

    from django.apps import apps
    from wagtail.models import GroupApprovalTask, Task, Workflow, WorkflowTask

    from cms.models import PageReviewTask, ProjectReviewTask

    workflow = Workflow.objects.get(name="Moderators approval")
    WorkflowTask.objects.filter(workflow=workflow).delete()
    PageReviewTask.objects.all().delete()
    old = GroupApprovalTask.objects.create(name="Moderators approval")
    old.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    WorkflowTask.objects.create(workflow=workflow, task=old, sort_order=0)
    state = _story_in_review(submitter).current_workflow_state

    migration = importlib.import_module("cms.migrations.0006_page_review_task")
    migration.convert_moderators_approval_task(apps, None)

    task = Task.objects.get(pk=old.pk).specific
    assert isinstance(task, PageReviewTask)
    assert task.name == "Moderators approval" and [g.name for g in task.groups.all()] == [MODERATORS_GROUP]
    state.refresh_from_db()
    assert state.status == WorkflowState.STATUS_IN_PROGRESS and state.current_task_state.task_id == old.pk
    project_task = Workflow.objects.get(name=PROJECT_REVIEW_WORKFLOW).tasks.get().specific
    assert isinstance(project_task, ProjectReviewTask)
