"""What the public may see: the querysets that feeds, the sitemap, listings and the search work start from.

A draft, a page waiting for review or a private page is never in them, nor an untranslated page's alias in
another language's tree (it repeats its original and is not another item). The search app indexes from
these (never from Page.objects), so drafts cannot reach the public index.
"""

from django.db import transaction

from cms.models import ProjectPage, StoryPage, TownshipPage
from core.providers import Hook

# Called after the commit with the ids of project pages that stopped being public (unpublished, deleted, or put
# behind a view restriction). The apps that keep sockets open on a project (payments' live progress,
# traceability's live readings) register here to close them at once rather than at their next push.
projects_withdrawn = Hook("cms.projects_withdrawn")


def public_projects():
    return (
        ProjectPage.objects.live()
        .public()
        .filter(alias_of__isnull=True)
        .select_related("township__county", "sector", "locale")
    )


def public_stories():
    return StoryPage.objects.live().public().filter(alias_of__isnull=True).select_related("township__county", "locale")


def public_townships():
    return (
        TownshipPage.objects.live().public().filter(alias_of__isnull=True).select_related("township__county", "locale")
    )


def is_public(page):
    """True when `page` (any Page) is live and not behind a view restriction."""
    return page.live and not page.get_view_restrictions().exists()


def announce_if_withdrawn(project_ids):
    """Once the current transaction commits, tell `projects_withdrawn` which of these project page ids are no longer
    live and public (a restriction lifted or an unpublish rolled back announces nothing)."""
    candidates = set(project_ids)
    if not candidates:
        return

    def announce():
        still_public = set(ProjectPage.objects.live().public().filter(pk__in=candidates).values_list("pk", flat=True))
        withdrawn = sorted(candidates - still_public)
        if withdrawn:
            projects_withdrawn(withdrawn)

    # robust: the change is committed; a failed announcement leaves the sockets to close at their next push.
    transaction.on_commit(announce, robust=True)


def in_active_language(pages):
    """`pages` (any pages, in order) each as its live version in the visitor's language: the translation, or the
    alias that shows the untranslated original under the visitor's URL prefix; a page with neither stays as it is.
    One query whatever the number of pages, none when they all are in that language already. The versions are of
    the pages' own class when they all share one (project cards read a ProjectPage's township and sector), plain
    Page objects otherwise (title, url; `|content_lang` gives their text's language). The versions come without
    their body (StreamFields are read when asked for)."""
    from wagtail.models import Locale, Page

    pages = list(pages)
    if not pages:
        return pages
    locale = Locale.get_active()
    if all(page.locale_id == locale.pk for page in pages):
        return pages  # already in the reader's language: nothing to look up
    classes = {type(page) for page in pages}
    model = classes.pop() if len(classes) == 1 else Page
    versions = {
        page.translation_key: page
        for page in model.objects.live()
        .filter(locale=locale, translation_key__in={page.translation_key for page in pages})
        .select_related("locale", "alias_of__locale")
        .defer_streamfields()  # what these lists show is a title and an address; a body read is parsed JSON
    }
    return [page if page.locale_id == locale.pk else versions.get(page.translation_key, page) for page in pages]


def ids_in_active_language(pages):
    """The ids of `pages` (a queryset of pages, in its order) as in_active_language gives them: each page's live
    version in the visitor's language (translation or alias), or the page itself. Two queries of ids only (one when
    they all are in that language): for lists whose cards are kept ({% project_card_list %} reads the pages of the
    cards that are not)."""
    rows = list(pages.values_list("pk", "translation_key", "locale_id"))
    versions = _version_ids(rows)
    return [versions[pk] for pk, _key, _locale_id in rows]


def versions_in_active_language(page_ids):
    """{page id: the id of its live version in the visitor's language (translation or alias), or its own id when it
    has none} for the pages with these ids that exist: what in_active_language gives, as ids. One query of ids, two
    when some pages are in another language."""
    from wagtail.models import Page

    return _version_ids(Page.objects.filter(pk__in=set(page_ids)).values_list("pk", "translation_key", "locale_id"))


def _version_ids(rows):
    """{page id: its version's id} for rows of (page id, translation key, locale id)."""
    from wagtail.models import Locale, Page

    locale = Locale.get_active()
    elsewhere = {key for _pk, key, locale_id in rows if locale_id != locale.pk}
    versions = {}
    if elsewhere:
        live = Page.objects.live().filter(locale=locale, translation_key__in=elsewhere)
        versions = dict(live.values_list("translation_key", "pk"))
    return {pk: pk if locale_id == locale.pk else versions.get(key, pk) for pk, key, locale_id in rows}


def live_translations(page):
    """Every live version of `page` (itself included, aliases too) with its locale. Read once per request: the
    language switcher and the hreflang links of a render both show them."""
    from cms.read_once import read_once

    return read_once(
        f"live translations {page.pk}",
        lambda: list(page.get_translations(inclusive=True).live().select_related("locale")),
    )
