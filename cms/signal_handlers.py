"""Receivers for Django's and Wagtail's own signals; each one calls a named action and nothing more."""


def after_migrate(sender, app_config=None, using="default", **kwargs):
    """The one place reference data is loaded: after every `migrate` (and test flush), once every app's tables
    and permissions exist. Safe to repeat: each step creates only what is missing."""
    # Sent once per app that has models, in INSTALLED_APPS order: act on the last one.
    from django.apps import apps

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if app_config is None or app_config.label != with_models[-1].label:
        return
    from accounts.staff import ensure_staff_groups
    from cms.actions import ensure_project_review_workflow, follow_site_base_url
    from cms.models import SustainableDevelopmentGoal
    from cms.sdgs import load_sdgs

    ensure_staff_groups()  # Editors and Moderators, before the workflow grants Moderators its own
    load_sdgs(SustainableDevelopmentGoal)
    ensure_project_review_workflow()
    follow_site_base_url()


def project_approved(sender, instance, user=None, **kwargs):
    from cms.actions import project_review_approved

    project_review_approved(instance, user)


def project_rejected(sender, instance, user=None, **kwargs):
    from cms.actions import record_review_notice
    from cms.models import ReviewNotice

    record_review_notice(instance, ReviewNotice.Decision.REJECTED)


def workflow_rejection_email(sender, instance, **kwargs):
    """Wagtail's email to the submitter of what was sent back, except for projects: cms.actions tells their team,
    with the reason and a link they can open (Wagtail's links to its admin)."""
    from wagtail.admin.signal_handlers import workflow_rejection_email_notifier

    from cms.models import ProjectPage

    if isinstance(getattr(instance.content_object, "specific", None), ProjectPage):
        return None
    return workflow_rejection_email_notifier(sender=sender, instance=instance, **kwargs)


def page_published(sender, instance, **kwargs):
    """A page was published: the cached copies showing it are stale; workers render them again, and until they have,
    the copies from just before the publish are served."""
    from cms.page_cache import pages_changed, replacing_seconds
    from cms.page_warming import warm_after_change

    warm_after_change([instance], published=pages_changed([instance], keep_before=replacing_seconds() > 0))


def page_slug_changed(sender, instance, **kwargs):
    """A publish gave a page a new slug (sent once it committed): its address and those under it changed. The pages
    listing it are bumped once more, so that no copy from before the publish, linking its old address, is served
    while the worker renders them again (cms.page_cache.serve_previous_until_replaced)."""
    from cms.page_cache import pages_changed

    pages_changed([instance])


def page_changed(sender, instance, **kwargs):
    """A page was unpublished or deleted: the cached copies showing it are stale, and a project's open sockets
    close."""
    from cms.page_cache import pages_changed
    from cms.page_warming import warm_after_change
    from cms.public import announce_if_withdrawn

    pages_changed([instance])
    warm_after_change([instance])
    if _is_project(instance):
        announce_if_withdrawn([instance.pk])


def _is_project(page):
    from django.contrib.contenttypes.models import ContentType

    from cms.models import ProjectPage

    # A deleted page reaches here as a plain Page (post_delete of the parent table): its content type says what it was.
    return page.content_type_id == ContentType.objects.get_for_model(ProjectPage).pk


def projects_behind_restriction(sender, instance, **kwargs):
    """A view restriction was saved: the projects at and under its page are no longer public, and their open
    sockets close."""
    from cms.models import ProjectPage
    from cms.public import announce_if_withdrawn

    page = instance.page
    announce_if_withdrawn(ProjectPage.objects.descendant_of(page, inclusive=True).values_list("pk", flat=True))


def page_moved(sender, instance, parent_page_before=None, **kwargs):
    """A page was moved: the cached copies showing it are stale, and the lists of the page it left."""
    from cms.page_cache import pages_changed, pages_listed_changed
    from cms.page_warming import warm_after_change

    pages_changed([instance])
    if parent_page_before is not None:
        pages_listed_changed([parent_page_before])
    warm_after_change([instance, *([parent_page_before] if parent_page_before is not None else [])])


def site_wide_change(sender, **kwargs):
    """A catalogue or the navigation every page shows changed."""
    from cms.page_cache import site_changed

    site_changed()


def site_access_change(sender, **kwargs):
    """A view restriction or a site (its hostname, its root) changed: no copy from before is ever served again."""
    from cms.page_cache import site_changed

    site_changed(previous_copies=False)
