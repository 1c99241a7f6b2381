"""The document families: townships, projects, stories and enterprises.

Pages (projects, stories) are indexed on Wagtail's page_published / page_unpublished and on post_delete
(`page_models`), never on a plain save: a draft revision saves the page row too, and must not reach the
index. Other models (`models`) reindex on post_save / post_delete. See search/receivers.py.
"""

import functools
import re
from urllib.parse import quote

from django.utils.http import RFC3986_SUBDELIMS
from django.utils.translation import gettext_lazy as _

from places.models import Township
from search.documents import LATEST_UPDATES_KEPT, ModelFamily, SearchDocument, register


def public_url(view_name, **kwargs):
    """A public page's URL in the site's default language (as a page's own `url` is, for projects and stories):
    the index is written by a task, whose active language is not the reader's."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        return reverse(view_name, kwargs=kwargs)


@functools.cache
def _served_path():
    """The paths Wagtail's serve view answers: wagtail.urls' own pattern (imported late: it imports the views)."""
    from wagtail.urls import serve_pattern

    return re.compile(serve_pattern)


def _serve_prefix(language_code):
    """What Wagtail's `reverse("wagtail_serve", ...)` puts before a page's path, in the language it would use for a
    page under a root of `language_code` (Page.get_url_parts: the active language when it is a variant of it)."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils import translation
    from wagtail.coreutils import get_supported_content_language_variant

    if not getattr(settings, "WAGTAIL_I18N_ENABLED", False):
        return reverse("wagtail_serve", args=("",))
    try:
        if get_supported_content_language_variant(translation.get_language()) == language_code:
            language_code = translation.get_language()
    except LookupError:
        pass
    with translation.override(language_code):
        return reverse("wagtail_serve", args=("",))


class TownshipFamily(ModelFamily):
    name = "townships"
    label = _("Townships")
    models = (Township,)
    township_field = "pk"  # a township's document carries its own place facts (and its county's)

    @property
    def page_models(self):
        from cms.models import TownshipPage

        return (TownshipPage,)  # a township links to its page once the page is published

    def ids_for_instance(self, instance):
        if isinstance(instance, Township):
            return [str(instance.pk)]
        return [str(instance.township_id)] if getattr(instance, "township_id", None) else []

    def queryset(self):
        return Township.objects.with_county()

    @staticmethod
    def page_url(township):
        """The township's live public page in the default language, or "" when it has none."""
        from cms.actions import default_locale
        from cms.public import public_townships

        page = public_townships().filter(township=township, locale=default_locale()).first()
        return (page.url or "") if page is not None else ""

    def to_document(self, township):
        county = township.county
        # A township links to its public page (地方DNA); one without a published page links to the search
        # narrowed to it (a relative query, so it stays in the reader's language).
        url = self.page_url(township) or f"?township={township.code}"
        facts = []
        if township.population:
            facts.append(f"人口 {township.population:,}")
        if township.share_aged_65_plus is not None:
            facts.append(f"65歲以上 {township.share_aged_65_plus}%")
        return SearchDocument(
            family=self.name,
            object_id=str(township.pk),
            title=f"{county.name_zh}{township.name_zh}",
            title_en=f"{township.name_en}, {county.name_en}",
            title_ja=_if_different(f"{county.name_ja}{township.name_ja}", f"{county.name_zh}{township.name_zh}"),
            summary=" · ".join(facts),
            url=url,
            county=county.code,
            county_name=county.name_zh,
            township=township.code,
            township_name=township.name_zh,
            place_en=f"{township.name_en} {county.name_en}",
            priority_area=township.is_priority_area,
            backers=0,
            backed_amount=0,
            latitude=township.latitude,
            longitude=township.longitude,
            is_public=True,
        )


class PageFamily(ModelFamily):
    """A family of Wagtail pages: one document per translation group, from the live source-language page."""

    page_models = ()

    def public_pages(self):
        raise NotImplementedError

    def queryset(self):
        from cms.actions import default_locale

        return self.public_pages().filter(locale=default_locale())

    def ids_for_instance(self, instance):
        from wagtail.models import Page

        if not isinstance(instance, Page):
            return self.ids_for_related(instance)
        ids = {str(instance.pk)}
        ids.update(
            str(pk) for pk in Page.objects.filter(translation_key=instance.translation_key).values_list("pk", flat=True)
        )
        return sorted(ids)

    def ids_for_related(self, instance):
        return [str(instance.pk)]

    @staticmethod
    def translated_fields_many(pages):
        """{page id: {title_en, title_ja, translated_summaries}} of source pages, from their live, written
        translations (aliases repeat the original and are left out): their titles and summaries are indexed with
        the original, so an English or Japanese query finds the page. One query, whatever the number of pages (all
        of one class), read as rows (a rebuild reads tens of thousands)."""
        pages = list(pages)
        if not pages:
            return {}
        by_key = {page.translation_key: page.pk for page in pages}
        rows = (
            type(pages[0])
            .objects.live()
            .filter(translation_key__in=list(by_key), alias_of__isnull=True)
            .exclude(pk__in=[page.pk for page in pages])
            .order_by("pk")
            .values_list("translation_key", "locale__language_code", "title", "summary")
        )
        found = {page.pk: {} for page in pages}
        for translation_key, language_code, title, summary in rows:
            found[by_key[translation_key]][language_code.lower()] = (title, summary)
        fields = {}
        for pk, translations in found.items():
            english, japanese = translations.get("en"), translations.get("ja")
            fields[pk] = {
                "title_en": english[0] if english else "",
                "title_ja": japanese[0] if japanese else "",
                "translated_summaries": [t[1] for t in (english, japanese) if t is not None and t[1]],
            }
        return fields

    @classmethod
    def translated_fields(cls, page):
        """title_en, title_ja and translated_summaries of a source page, from its written translations."""
        return cls.translated_fields_many([page])[page.pk]

    @staticmethod
    def urls(pages):
        """{page id: page.url or ""}: Wagtail's own `url` of each page, with the sites' root paths read once for
        all of them. On one site, a routable path is made as Wagtail's `reverse` makes it (the language's prefix,
        then the page's path quoted), with `reverse` asked once per language rather than once per page: it was a
        tenth of a rebuild's reading. Anything else (several sites, a path Wagtail would refuse) asks the page."""
        from wagtail.coreutils import WAGTAIL_APPEND_SLASH
        from wagtail.models import Site

        root_paths = Site.get_site_root_paths()
        one_site = WAGTAIL_APPEND_SLASH and len({root.site_id for root in root_paths}) == 1
        prefixes = {}
        urls = {}
        for page in pages:
            root = next((root for root in root_paths if page.url_path.startswith(root.root_path)), None)
            path = page.url_path[len(root.root_path) :] if root is not None else ""
            if one_site and root is not None and _served_path().match(path):
                prefix = prefixes.get(root.language_code)
                if prefix is None:
                    prefix = prefixes[root.language_code] = _serve_prefix(root.language_code)
                urls[page.pk] = prefix + quote(path, safe=RFC3986_SUBDELIMS + "/~:@")
            else:
                page._wagtail_cached_site_root_paths = root_paths
                urls[page.pk] = page.url or ""
        return urls

    def to_document(self, page):
        """One page's document: the same code as a batch's (documents_for)."""
        return self.documents_for([page])[0]


# What ProjectFamily.documents_for reads of a page and its listing, enterprise and organisation (page.url reads
# url_path; the translations are found by translation_key).
PROJECT_DOCUMENT_COLUMNS = (
    "id",  # the page row's own key (the project page's is page_ptr_id): read, so that page.id costs no query
    "title",
    "translation_key",
    "url_path",
    "first_published_at",
    "summary",
    "body",
    "township_id",
    "sector_id",
    "listing__project_id",
    "listing__enterprise_id",
    "listing__seeks_investment",
    "listing__ask_min_twd",
    "listing__ask_max_twd",
    "listing__stage",
    "listing__enterprise__organisation_id",
    "listing__enterprise__name_en",
    "listing__enterprise__name_ja",
    "listing__enterprise__organisation__name",
)


class ProjectFamily(PageFamily):
    township_field = "township"
    name = "projects"
    label = _("Projects")

    @property
    def page_models(self):
        from cms.models import ProjectPage

        return (ProjectPage,)

    @property
    def models(self):
        from cms.models import ProjectUpdate, Sector
        from marketplace.models import DonationCampaign, ProjectListing, SubscriptionPlan

        # The listing says whether the project seeks investment; plans and campaigns give the funding types; a
        # sector's names are indexed as labels (renaming one reindexes its projects); an update a team posts is
        # part of the project's text and of its recent updates at once, without a publish.
        return (ProjectListing, SubscriptionPlan, DonationCampaign, Sector, ProjectUpdate)

    def public_pages(self):
        from cms.public import public_projects

        # SDGs and updates are read by documents_for, for a whole batch (a prefetch would do the same queries, but
        # each page's related managers then cost more than the rest of its document).
        # Townships and sectors are few and repeat from page to page: documents_for reads each once (once per
        # rebuild, through iter_documents) rather than joining them to every page.
        # Only the columns a document is made of: a project page row has some forty, and making each model instance
        # sets every column it was given (a rebuild makes five instances per page).
        return (
            public_projects()
            .select_related(None)
            .select_related("listing__enterprise__organisation")
            .only(*PROJECT_DOCUMENT_COLUMNS)
        )

    def ids_for_related(self, instance):
        from cms.models import Sector
        from marketplace.models import ProjectListing

        if isinstance(instance, Sector):
            return [str(pk) for pk in self.queryset().filter(sector=instance).values_list("pk", flat=True)]
        project_id = getattr(instance, "project_id", None)
        if project_id is None and getattr(instance, "listing_id", None):  # a plan or campaign (not a draft's)
            project_id = ProjectListing.objects.filter(pk=instance.listing_id).values_list("project_id", flat=True)
            project_id = project_id.first()
        return [str(project_id)] if project_id else []

    @staticmethod
    def updates_and_sdgs(pages):
        """({page id: [(date, title, body)]}, {page id: [SDGs]}) of many pages, in the order of page.updates.all()
        (newest first) and page.sdgs.all() (by number): two queries. Both are read as rows, each SDG made once (a
        rebuild reads a few updates and two SDGs for each of tens of thousands of pages)."""
        from cms.models import ProjectPage, ProjectUpdate, SustainableDevelopmentGoal

        ids = [page.pk for page in pages]
        updates, sdgs = {}, {}
        rows = ProjectUpdate.objects.filter(project_id__in=ids).values_list("project_id", "date", "title", "body")
        for project_id, *update in rows:
            updates.setdefault(project_id, []).append(tuple(update))
        goal_fields = ("id", "number", "name_zh", "name_en", "name_ja")
        rows = (
            ProjectPage.sdgs.through.objects.filter(projectpage_id__in=ids)
            .order_by("sustainabledevelopmentgoal__number")
            .values_list("projectpage_id", *(f"sustainabledevelopmentgoal__{field}" for field in goal_fields))
        )
        goals = {}
        for page_id, *values in rows:
            goal = goals.get(values[0])
            if goal is None:
                goal = goals[values[0]] = SustainableDevelopmentGoal(**dict(zip(goal_fields, values, strict=True)))
            sdgs.setdefault(page_id, []).append(goal)
        return updates, sdgs

    @staticmethod
    def places_and_sectors(pages, known=None):
        """({township id: township with its county}, {sector id: sector}) of many pages: two queries at most. With
        `known` (the same pair, from earlier batches), only those not in it are read, and it grows by them."""
        from cms.models import Sector

        townships, sectors = known if known is not None else ({}, {})
        township_ids = {page.township_id for page in pages if page.township_id} - townships.keys()
        sector_ids = {page.sector_id for page in pages if page.sector_id} - sectors.keys()
        if township_ids:
            townships.update(Township.objects.with_county().in_bulk(list(township_ids)))
        if sector_ids:
            sectors.update(Sector.objects.in_bulk(list(sector_ids)))
        return townships, sectors

    def iter_documents(self, batch_size=500):
        # Townships and sectors repeat from batch to batch (368 townships in all): a rebuild reads each once, rather
        # than making the same few hundred of them again for every batch.
        places = ({}, {})
        for batch in self.iter_batches(batch_size=batch_size):
            yield self.documents_for(batch, places=places)

    def documents_for(self, pages, places=None):
        """The documents of many project pages (read by `public_pages`, with their listing): their townships, sectors,
        SDGs, updates, translations, funding facts, traceability badges and addresses are read for all of them at
        once, so a batch costs the same number of queries whatever it holds (`places`: see places_and_sectors)."""
        from search.content import (
            funding_facts_many,
            label_texts,
            place_english,
            place_fields,
            plain_text,
            stream_text,
        )
        from traceability.badges import search_trace_facts_many

        pages = list(pages)
        if not pages:
            return []
        updates_of, sdgs_of = self.updates_and_sdgs(pages)
        townships, sectors = self.places_and_sectors(pages, known=places)
        funding_of = funding_facts_many(pages)
        translated = self.translated_fields_many(pages)
        traceability = search_trace_facts_many(pages)
        urls = self.urls(pages)
        documents = []
        for page in pages:
            funding = funding_of[page.pk]
            updates, sdgs = updates_of.get(page.pk, []), sdgs_of.get(page.pk, [])
            township, sector = townships.get(page.township_id), sectors.get(page.sector_id)
            text = " ".join(f"{title} {plain_text(body)}" for _date, title, body in updates)
            body = f"{stream_text(page.body)} {text}".strip()
            listing = getattr(page, "listing", None)  # a missing reverse one-to-one raises an AttributeError
            ask_low = ask_high = None
            if listing is not None and listing.seeks_investment:
                # The ask range as marketplace.matching reads it: no maximum means the minimum; no ask, no range.
                low, high = listing.ask_min_twd or 0, listing.ask_max_twd or listing.ask_min_twd or 0
                if high > 0:
                    ask_low, ask_high = low, high
            update_dates = sorted((date for date, _title, _body in updates), reverse=True)
            documents.append(
                SearchDocument(
                    family=self.name,
                    object_id=str(page.pk),
                    title=page.title,
                    summary=page.summary,
                    body=body,
                    team=_team_name(listing),
                    place_en=place_english(township),
                    labels=label_texts([sector] if sector else [], sdgs, funding["funding_type"]),
                    url=urls[page.pk],
                    sector=[sector.slug] if sector else [],
                    sdg=[str(sdg.number) for sdg in sdgs],
                    status=listing.stage if listing is not None and listing.stage else "",
                    published_at=page.first_published_at,
                    funding_type=funding["funding_type"],
                    traceability=traceability[page.pk],
                    backed_amount=funding["backed_amount"],
                    backers=funding["backers"],
                    progress=funding["progress"],
                    ask_low=ask_low,
                    ask_high=ask_high,
                    update_dates=update_dates[:LATEST_UPDATES_KEPT],
                    **translated[page.pk],
                    **place_fields(township),
                )
            )
        return documents


class StoryFamily(PageFamily):
    township_field = "township"
    name = "stories"
    label = _("Stories")

    @property
    def page_models(self):
        from cms.models import StoryPage

        return (StoryPage,)

    def public_pages(self):
        from cms.public import public_stories

        return public_stories().prefetch_related("tagged_items__tag", "related_projects__sector")

    def documents_for(self, pages):
        from search.content import as_datetime, label_texts, place_english, place_fields, stream_text

        pages = list(pages)
        translated = self.translated_fields_many(pages)
        urls = self.urls(pages)
        documents = []
        for page in pages:
            tags = " ".join(item.tag.name for item in page.tagged_items.all())
            body = stream_text(page.body)
            sector_objects = {
                project.sector.slug: project.sector for project in page.related_projects.all() if project.sector
            }
            sectors = sorted(sector_objects)
            documents.append(
                SearchDocument(
                    family=self.name,
                    object_id=str(page.pk),
                    title=page.title,
                    summary=f"{page.summary} {tags}".strip(),
                    body=body,
                    place_en=place_english(page.township),
                    labels=label_texts([sector_objects[slug] for slug in sectors]),
                    url=urls[page.pk],
                    sector=sectors,
                    published_at=as_datetime(page.date),
                    **translated[page.pk],
                    **place_fields(page.township),
                )
            )
        return documents


class EnterpriseFamily(ModelFamily):
    """Enterprise profiles: public fields only (name, summary, township, sectors, SDGs, founding year)."""

    township_field = "township"

    name = "enterprises"
    label = _("Enterprises")

    @property
    def models(self):
        from accounts.models import Organisation
        from marketplace.models import EnterpriseProfile

        return (EnterpriseProfile, Organisation)

    @property
    def m2m_fields(self):
        from marketplace.models import EnterpriseProfile

        return (EnterpriseProfile.sectors.through, EnterpriseProfile.sdgs.through)

    def queryset(self):
        from marketplace.models import EnterpriseProfile

        return EnterpriseProfile.objects.select_related("organisation", "township__county").prefetch_related(
            "sectors", "sdgs"
        )

    def ids_for_instance(self, instance):
        from accounts.models import Organisation

        if isinstance(instance, Organisation):
            profile_id = getattr(getattr(instance, "enterprise_profile", None), "pk", None)
            return [str(profile_id)] if profile_id else []
        return [str(instance.pk)]

    def to_document(self, profile):
        from search.content import label_texts, place_english, place_fields

        sectors, sdgs = list(profile.sectors.all()), list(profile.sdgs.all())
        return SearchDocument(
            family=self.name,
            object_id=str(profile.pk),
            title=profile.organisation.name,
            summary=profile.summary,
            body=str(profile.founded_year) if profile.founded_year else "",
            place_en=place_english(profile.township),
            labels=label_texts(sectors, sdgs),
            url=public_url("marketplace:enterprise_detail", slug=profile.organisation.slug),
            sector=[sector.slug for sector in sectors],
            sdg=[str(sdg.number) for sdg in sdgs],
            status="verified" if profile.verified_at else "",
            published_at=profile.verified_at,
            title_en=profile.name_en,
            title_ja=profile.name_ja,
            translated_summaries=[text for text in (profile.summary_en, profile.summary_ja) if text],
            **place_fields(profile.township),
        )


def _if_different(text, original):
    """`text` unless it reads as `original` once normalised (most Japanese place names are the Chinese ones)."""
    from search.analysis import normalise

    return "" if normalise(text) == normalise(original) else text


def _team_name(listing):
    """The name of the enterprise behind a project's listing, with the team's English and Japanese versions of it
    ("" without a listing)."""
    enterprise = getattr(listing, "enterprise", None) if listing is not None else None
    organisation = getattr(enterprise, "organisation", None)
    if organisation is None:
        return ""
    names = [organisation.name, enterprise.name_en, enterprise.name_ja]
    return " ".join(dict.fromkeys(name for name in names if name))


def register_default_families():
    register(TownshipFamily())
    register(ProjectFamily())
    register(StoryFamily())
    register(EnterpriseFamily())
    from search.people_families import register_people_families

    register_people_families()  # talent, help requests, experiences, organisations
    from search.families_policy import register_policy_families

    register_policy_families()
