"""The "needs translation" queue: live public pages of the default language (zh-Hant) that have no written, live
English or Japanese version yet (an alias that shows the original with a note does not count). Staff translate
them in Wagtail (convert the alias, write, submit: the same review as any page).

Two orders: the most read in the last RECENT_DAYS first (the default: what visitors of every language are reading
now; ties newest first), or the newest first (last published). Reads come from cms.models.visits and the
counts not yet flushed from Redis (cms.visit_counter)."""

import datetime
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Sum
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Locale, Page

from cms.visit_counter import pending_visits

TRANSLATED_LANGUAGES = [code for code, _name in settings.LANGUAGES if code != settings.LANGUAGE_CODE]
RECENT_DAYS = 30
ORDERS = ("visited", "newest")


@dataclass
class QueueRow:
    page: Page
    # [(language code, where to translate: convert the alias, edit the converted page, or Wagtail's translate form)]
    missing: list = field(default_factory=list)
    visits: int = 0  # reads of the page (any language) in the last RECENT_DAYS days


def _converted_not_published():
    """Ids of pages converted from an alias in the admin and not published since: they are live with a copy of
    the original until their translation is published, so they are still to be translated."""
    from django.db.models import Max
    from wagtail.models import PageLogEntry

    last = PageLogEntry.objects.filter(action__in=["wagtail.convert_alias", "wagtail.publish"]).values("page_id")
    conversions = dict(
        last.filter(action="wagtail.convert_alias").annotate(at=Max("timestamp")).values_list("page_id", "at")
    )
    if not conversions:
        return set()
    publications = dict(
        last.filter(action="wagtail.publish", page_id__in=list(conversions))
        .annotate(at=Max("timestamp"))
        .values_list("page_id", "at")
    )
    return {pk for pk, at in conversions.items() if pk not in publications or publications[pk] < at}


def recent_visits(days=RECENT_DAYS):
    """{translation key: reads in the last `days` days, today included}."""
    from cms.models import PageVisitDay

    since = timezone.localdate() - datetime.timedelta(days=days - 1)
    rows = PageVisitDay.objects.filter(day__gte=since).values("translation_key").annotate(total=Sum("visits"))
    totals = {row["translation_key"]: row["total"] for row in rows}
    # Reads counted in Redis since the last flush (cms.visit_counter) count too.
    for key, visits in pending_visits(since).items():
        key = uuid.UUID(key)
        totals[key] = totals.get(key, 0) + visits
    return totals


def pages_needing_translation(order="visited"):
    """[QueueRow] for every live public page of the default language that lacks a written live version in another
    language: most read lately first (ties newest first), or newest first (last published) with order="newest".
    Five queries, whatever the number of pages."""
    default = Locale.get_default()
    others = {locale.pk: locale.language_code for locale in Locale.objects.exclude(pk=default.pk)}
    written, aliases = set(), {}
    versions = Page.objects.filter(locale_id__in=list(others)).values_list(
        "translation_key", "locale_id", "alias_of_id", "live", "pk"
    )
    converted = _converted_not_published()
    visits = recent_visits()
    for key, locale_id, alias_of_id, live, pk in versions:
        code = others[locale_id]
        if alias_of_id is None and live and pk not in converted:
            written.add((key, code))
        elif alias_of_id is None and pk in converted:
            aliases[(key, code)] = reverse("wagtailadmin_pages:edit", args=[pk])
        elif alias_of_id is not None:
            aliases[(key, code)] = reverse("wagtailadmin_pages:convert_alias", args=[pk])
    pages = (
        Page.objects.live()
        .public()
        .filter(locale=default, alias_of__isnull=True, depth__gt=1)
        .select_related("content_type")
        .order_by("-last_published_at", "-pk")
    )
    rows = []
    for page in pages:
        missing = [
            (
                code,
                aliases.get((page.translation_key, code))
                or reverse("simple_translation:submit_page_translation", args=[page.pk]),
            )
            for code in TRANSLATED_LANGUAGES
            if (page.translation_key, code) not in written
        ]
        if missing:
            rows.append(QueueRow(page=page, missing=missing, visits=visits.get(page.translation_key, 0)))
    if order != "newest":
        rows.sort(key=lambda row: -row.visits)  # stable: the newest first among equals
    return rows
