"""Named actions of the CMS: what other apps, commands and the admin call.

- ensure_section_pages / ensure_township_pages: the township and story sections, one page per county
  and township in every language that has a home page (idempotent; editors' text is never overwritten).
- ensure_language_versions: the other languages' version of every page (an alias until it is translated).
- ensure_project_review_workflow: the "Project review" workflow and the "Moderators" group.
- create_project_draft / submit_project_for_review: what the marketplace calls when a team submits a project.
- project_review_approved / record_review_notice: what follows a moderator's decision (the apps above apply what
  waited for the approval through the `project_approved` hook; the submitter is told).
"""

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext_noop
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import (
    Collection,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)

from cms.models import (
    CountyPage,
    HomePage,
    ProjectPage,
    ProjectReviewTask,
    ReviewNotice,
    StoryIndexPage,
    TownshipIndexPage,
    TownshipPage,
)
from core.providers import Hook, Provider
from places.models import County, Township

PROJECT_REVIEW_WORKFLOW = "Project review"
MODERATORS_GROUP = "Moderators"

SECTION_TEXT = {
    "zh-hant": {"townships": ("地方DNA", "地方dna"), "stories": ("品牌故事", "品牌故事")},
    "en": {"townships": ("Local DNA", "local-dna"), "stories": ("Brand stories", "stories")},
    "ja": {"townships": ("地方DNA", "local-dna"), "stories": ("ブランドストーリー", "stories")},
}


def default_locale():
    return Locale.objects.get(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))


def _place_name(place, language_code):
    return {"en": place.name_en, "ja": place.name_ja}.get(language_code, place.name_zh)


def _slug(text):
    return slugify(text, allow_unicode=True) or "page"


def _add_live_child(parent, page):
    now = timezone.now()
    page.live = True
    page.has_unpublished_changes = False
    page.first_published_at = page.last_published_at = now
    return parent.add_child(instance=page)


def _add_translated_child(parent, page, source):
    """A published page in parent's locale that Wagtail treats as `source`'s translation."""
    page.locale_id = parent.locale_id
    page.translation_key = source.translation_key
    return _add_live_child(parent, page)


def _section(home, page_class, key, source=None):
    language_code = home.locale.language_code
    existing = page_class.objects.child_of(home).first()
    if existing is not None:
        return existing, False
    title, slug = SECTION_TEXT.get(language_code, SECTION_TEXT["en"])[key]
    page = page_class(title=title, slug=slug)
    if source is None:
        return _add_live_child(home, page), True
    return _add_translated_child(home, page, source), True


@transaction.atomic
def ensure_section_pages():
    """The township index and the story index under every home page. Returns how many were created."""
    created = 0
    source_home = HomePage.objects.get(locale=default_locale())
    sources = {}
    for key, page_class in (("townships", TownshipIndexPage), ("stories", StoryIndexPage)):
        sources[key], made = _section(source_home, page_class, key)
        created += made
    for home in HomePage.objects.exclude(pk=source_home.pk).select_related("locale"):
        for key, page_class in (("townships", TownshipIndexPage), ("stories", StoryIndexPage)):
            created += _section(home, page_class, key, source=sources[key])[1]
    assign_project_review_workflow()
    return created


@transaction.atomic
def ensure_township_pages(codes=None):
    """A CountyPage per county and a TownshipPage per township (or only those in `codes`) in every language.

    Only missing pages are created; an existing page, and whatever editors wrote on it, is left as it is.
    Returns the number of pages created (the two section pages per language included).
    """
    created = ensure_section_pages()
    townships = Township.objects.with_county().order_by("code")
    if codes is not None:
        townships = townships.filter(code__in=codes)
    townships = list(townships)
    counties = County.objects.filter(pk__in={t.county_id for t in townships}).order_by("code")
    source_locale = default_locale()
    indexes = list(TownshipIndexPage.objects.select_related("locale").order_by("depth", "path"))
    indexes.sort(key=lambda page: page.locale_id != source_locale.pk)  # the source language first
    source_counties, source_townships = {}, {}
    for index_page in indexes:
        language_code = index_page.locale.language_code
        is_source = index_page.locale_id == source_locale.pk
        county_pages = {page.county_id: page for page in CountyPage.objects.child_of(index_page)}
        for county in counties:
            if county.pk not in county_pages:
                page = CountyPage(
                    title=_place_name(county, language_code),
                    slug=_slug(_place_name(county, language_code)),
                    county=county,
                )
                if is_source:
                    county_pages[county.pk] = _add_live_child(index_page, page)
                else:
                    county_pages[county.pk] = _add_translated_child(index_page, page, source_counties[county.pk])
                created += 1
            if is_source:
                source_counties[county.pk] = county_pages[county.pk]
        existing = set(TownshipPage.objects.descendant_of(index_page).values_list("township_id", flat=True))
        if is_source:
            source_townships.update({page.township_id: page for page in TownshipPage.objects.descendant_of(index_page)})
        for township in townships:
            if township.pk in existing:
                continue
            name = _place_name(township, language_code)
            page = TownshipPage(title=name, slug=_slug(name), township=township)
            parent = county_pages[township.county_id]
            if is_source:
                source_townships[township.pk] = _add_live_child(parent, page)
            else:
                _add_translated_child(parent, page, source_townships[township.pk])
            created += 1
    return created


def ensure_language_versions(page=None):
    """Every page of the default-language tree (or only `page`) exists in every language that has a home page.

    Where no editor has translated a page, its version in that language is a Wagtail alias: it shows the
    original's content (marked as untranslated on the page), follows every publish of the original, and becomes
    an ordinary translation when an editor converts and translates it. So a visitor's URL prefix and the language
    switch always lead to the same page, and every language's listings hold every public item.
    Returns the number of aliases created. Idempotent.
    """
    source_locale = default_locale()
    source_home = HomePage.objects.filter(locale=source_locale).first()
    if source_home is None:
        return 0
    locales = [home.locale for home in source_home.get_translations().select_related("locale")]
    if not locales:
        return 0
    if page is not None:
        pages = [page.specific] if page.locale_id == source_locale.pk and page.depth > source_home.depth else []
    else:
        pages = Page.objects.descendant_of(source_home).filter(locale=source_locale).order_by("path").specific()
    created = 0
    for source in pages:
        have = set(
            Page.objects.filter(translation_key=source.translation_key, locale__in=locales).values_list(
                "locale_id", flat=True
            )
        )
        for locale in locales:
            if locale.pk not in have:
                source.copy_for_translation(locale, copy_parents=True, alias=True)
                created += 1
    return created


def township_page_for(township, locale=None):
    """The township's page in `locale` (the default language if None), or None."""
    locale = locale or default_locale()
    return TownshipPage.objects.filter(township=township, locale=locale).first()


# --- Review -------------------------------------------------------------------------------------


@transaction.atomic
def ensure_project_review_workflow():
    """The "Moderators" group (admin access, page and image rights) and the "Project review" workflow."""
    moderators, _ = Group.objects.get_or_create(name=MODERATORS_GROUP)
    admin_access = Permission.objects.filter(content_type__app_label="wagtailadmin", codename="access_admin")
    moderators.permissions.add(*admin_access)
    root = Page.get_first_root_node()
    if root is not None:
        for codename in ("add_page", "change_page", "publish_page", "lock_page", "unlock_page"):
            permission = Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
            GroupPagePermission.objects.get_or_create(group=moderators, page=root, permission=permission)
    # Wagtail's migrations make the root collection; a flushed test database has none.
    root_collection = Collection.get_first_root_node() or Collection.add_root(name="Root")
    if root_collection is not None:
        for codename in ("add_image", "choose_image"):
            permission = Permission.objects.get(content_type__app_label="wagtailimages", codename=codename)
            GroupCollectionPermission.objects.get_or_create(
                group=moderators, collection=root_collection, permission=permission
            )

    task = ProjectReviewTask.objects.filter(name=PROJECT_REVIEW_WORKFLOW).first()
    if task is None:
        task = ProjectReviewTask.objects.create(name=PROJECT_REVIEW_WORKFLOW)
    task.groups.add(moderators)
    workflow, _ = Workflow.objects.get_or_create(name=PROJECT_REVIEW_WORKFLOW)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    assign_project_review_workflow()
    return workflow


def assign_project_review_workflow():
    """Every township section (every language) uses the review workflow, also for edits made in the admin."""
    workflow = Workflow.objects.filter(name=PROJECT_REVIEW_WORKFLOW).first()
    if workflow is None:
        return
    for index_page in TownshipIndexPage.objects.all():
        WorkflowPage.objects.get_or_create(page=index_page, defaults={"workflow": workflow})


def project_review_workflow():
    return Workflow.objects.filter(name=PROJECT_REVIEW_WORKFLOW).first() or ensure_project_review_workflow()


@transaction.atomic
def create_project_draft(*, township, owner, title, summary="", body=None, sector=None, sdgs=(), programmes=()):
    """A draft ProjectPage in the township's page (default language), owned by the submitting user.

    Nothing is public until a moderator approves it: call submit_project_for_review next.
    """
    parent = township_page_for(township)
    if parent is None:
        raise TownshipPageMissing(township)
    slug = base = _slug(title)
    siblings = set(parent.get_children().values_list("slug", flat=True))
    number = 2
    while slug in siblings:
        slug = f"{base}-{number}"
        number += 1
    project = ProjectPage(
        title=title,
        slug=slug,
        summary=summary,
        body=body or [],
        sector=sector,
        owner=owner,
        live=False,
        has_unpublished_changes=True,
    )
    parent.add_child(instance=project)
    project.sdgs.set(sdgs)
    project.support_programmes.set(programmes)
    project.save_revision(user=owner, log_action=True)
    ensure_language_versions(project)  # drafts as well: the aliases go live when the original is approved
    return project


class TownshipPageMissing(LookupError):
    def __init__(self, township):
        super().__init__(f"No township page for {township.code}; run `manage.py create_township_pages`.")


@transaction.atomic
def submit_project_for_review(project, user):
    """Save the project's current state as a revision and put it before the moderators.

    A new project stays a draft; a live project stays as it is on the site until the new revision is
    approved. A project sent back with changes requested is resubmitted into the same workflow.
    Returns the WorkflowState.
    """
    project = project.specific
    project.save_revision(user=user, log_action=True)
    state = project.current_workflow_state
    if state is not None and state.status == WorkflowState.STATUS_NEEDS_CHANGES:
        state.resume(user)
        return state
    if state is not None:  # already in review: the moderators see the newest revision
        return state
    return project_review_workflow().start(project, user)


def submit_translation_for_review(project, language_code, user, *, title, summary="", body=None):
    """A team's own translation of its project (from the wizard) into `language_code`, put before the moderators
    in the same review as the original: the language's alias of the project (ensure_language_versions made it)
    becomes a page of its own with this text, as a new revision; nothing of it is public until a moderator
    approves it. An existing translation gets the text as a new revision. Returns the WorkflowState."""
    from wagtail.actions.convert_alias import ConvertAliasPageAction

    locale = Locale.objects.get(language_code=language_code)
    version = Page.objects.filter(translation_key=project.translation_key, locale=locale).first()
    if version is None:
        ensure_language_versions(project)
        version = Page.objects.get(translation_key=project.translation_key, locale=locale)
    if version.alias_of_id is not None:
        ConvertAliasPageAction(version.specific, log_action=False).execute(skip_permission_checks=True)
    version = ProjectPage.objects.get(pk=version.pk).get_latest_revision_as_object()
    version.title, version.summary = title, summary
    version.body = body or []
    version.draft_title = title
    return submit_project_for_review(version, user)


def review_state(project):
    """The project's current review state (in progress or needs changes), or None."""
    return project.current_workflow_state


# Called with (project page, moderator) once a project's approved revision is published, inside the approval's
# transaction: marketplace registers marketplace.actions.apply_approved_project_changes (it sits above cms).
project_approved = Hook("cms.project_approved")

# Where the team that submitted a project changes it when the moderators send it back (a path on this site):
# marketplace provides its team's projects page (the reasons and the button to make the changes); until then, the
# page of review notices.
project_edit_url = Provider("cms.project_edit_url", default=lambda project: reverse("cms:review_notices"))


def project_review_approved(workflow_state, user=None):
    """A moderator approved a project in review: what waited for the approval is applied (the `project_approved`
    hook), then the submitter is told. Wagtail has already published the approved revision."""
    project = getattr(workflow_state.content_object, "specific", None)
    if isinstance(project, ProjectPage):
        project_approved(project, user)
    return record_review_notice(workflow_state, ReviewNotice.Decision.APPROVED)


def record_review_notice(workflow_state, decision):
    """Tell the submitter, on the site, what the moderators decided (Wagtail sends the email)."""
    project = getattr(workflow_state.content_object, "specific", None)
    if not isinstance(project, ProjectPage) or workflow_state.requested_by_id is None:
        return None
    task_state = workflow_state.current_task_state
    comment = task_state.specific.get_comment() if task_state is not None else ""
    notice = ReviewNotice.objects.create(
        user_id=workflow_state.requested_by_id, project=project, decision=decision, comment=comment or ""
    )
    _notify_submitter(notice)
    return notice


def _notify_submitter(notice):
    """The bell, the notifications page and an email carry the decision. A project sent back comes with the
    moderator's reason and the link to make the changes; Wagtail's own email (its admin's edit link, which a team
    cannot open) is not sent for projects (cms.signal_handlers.workflow_rejection_email). Wagtail emails approvals."""
    from core.languages import page_titles_by_language
    from notifications.actions import in_language_of, notify
    from notifications.messages import Message
    from notifications.models import Notification

    submitter = notice.user
    approved = notice.decision == ReviewNotice.Decision.APPROVED
    with in_language_of(submitter):
        title = Message(
            gettext_noop("“%(title)s” was approved and is live")
            if approved
            else gettext_noop("“%(title)s” needs changes"),
            title=Message.named(page_titles_by_language(notice.project)),
        )
        notify(
            submitter,
            Notification.Kind.SUBMISSION_APPROVED if approved else Notification.Kind.SUBMISSION_REJECTED,
            title,
            body=notice.comment,
            url=reverse("cms:review_notices") if approved else project_edit_url(notice.project),
            email=not approved,
        )


def review_notices_for(user, unread_only=False):
    notices = ReviewNotice.objects.filter(user=user).select_related("project")
    return notices.filter(read_at__isnull=True) if unread_only else notices


def mark_review_notices_read(user):
    return ReviewNotice.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def follow_site_base_url():
    """The default Wagtail Site takes its host and port from SITE_BASE_URL, so that every absolute page URL
    (canonical and hreflang tags, the sitemap, Open Graph, links in emails) starts with it. Returns True when the
    record changed. Wagtail writes port 443 as https and any other port as http."""
    from urllib.parse import urlsplit

    from wagtail.models import Site

    address = urlsplit(settings.SITE_BASE_URL)
    hostname = address.hostname or "127.0.0.1"
    port = address.port or (443 if address.scheme == "https" else 80)
    site = Site.objects.filter(is_default_site=True).first()
    if site is None or (site.hostname, site.port) == (hostname, port):
        return False
    site.hostname, site.port = hostname, port
    site.save(update_fields=["hostname", "port"])  # Wagtail's post_save clears its cache of site roots
    return True


def image_in_use(image):
    """Whether anything may still show `image`: a row of any model with a foreign key to it (a page's hero image,
    another draft's photo; its own renditions aside), a reference Wagtail indexed (a StreamField block), or a
    revision of any page or snippet saved since the image exists whose content holds its id as a value (a version
    waiting for review, an older one an editor may revert to). When in doubt (a revision holding the same number in
    another field) the image counts as used: it is kept."""
    from django.db.models import TextField
    from django.db.models.functions import Cast
    from wagtail.models import ReferenceIndex, Revision

    relations = [
        field
        for field in type(image)._meta.get_fields(include_hidden=True)  # related_name="+" ones too (a draft's photo)
        if field.auto_created and not field.concrete and (field.one_to_many or field.one_to_one or field.many_to_many)
    ]
    for relation in relations:
        model = relation.related_model
        if model is type(image).get_rendition_model():
            continue
        if model._base_manager.filter(**{relation.field.name: image.pk}).exists():
            return True
    if ReferenceIndex.get_references_to(image).exists():
        return True
    # The id as a JSON number in an object or list (also inside a StreamField's JSON text): `"hero_image": 42,`.
    as_value = rf"[:\[,]\s*{int(image.pk)}\s*[,}}\]]"
    return (
        Revision.objects.filter(created_at__gte=image.created_at)
        .annotate(text=Cast("content", TextField()))
        .filter(text__regex=as_value)
        .exists()
    )


@transaction.atomic
def discard_image_if_unused(image):
    """Delete `image` (a photo a team replaced) from the library when nothing uses it any more; True when deleted.
    Wagtail removes its file and its renditions' files once the transaction commits."""
    if image is None or image_in_use(image):
        return False
    image.delete()
    return True
