"""Hits in the reader's language: the index holds one document per translation group, written from the source
page in the default language (a task writes it, whatever language a reader will use). When a page of results or
of suggestions is shown, each hit is turned to the reader's language here:

- projects and stories: the live page in the active locale (a translation: its title, summary and address; an
  untranslated page's alias: its address under the reader's prefix, the original's text marked with its
  language); a page with neither keeps the source page;
- townships: the township's name in the active language, and its live page in that language (else the default
  language's page, else the search narrowed to it, as indexed);
- enterprises: the profile's address under the reader's prefix, its name and summary in the reader's language
  when the team wrote them (else the original's, marked with its language).

Every hit gets `lang` (the HTML language of its title and summary) and `place` (its township in the active
language). A fixed number of queries per page, whatever it holds.
"""

from django.conf import settings
from django.db.models import OuterRef, Subquery
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core.languages import html_lang
from search.analysis import highlight_terms
from search.results import SUMMARY_LENGTH

PAGE_FAMILIES = ("projects", "stories")


def _active_language():
    return (get_language() or settings.LANGUAGE_CODE).lower()


def _page_versions(family, ids):
    """{source page id: page in the active locale (translation or alias)} for one page family; kept per page and
    language while the page's generations stand (cms.page_cache.values_of_pages)."""
    from cms.page_cache import values_of_pages

    return values_of_pages(f"search-version:{family}", ids, lambda missing: _read_page_versions(family, missing))


def _read_page_versions(family, ids):
    from wagtail.models import Locale

    from cms.models import ProjectPage, StoryPage

    model = ProjectPage if family == "projects" else StoryPage
    sources = model.objects.filter(pk__in=ids)
    # One query: each version carries the id of its group's source page (the hit's id).
    source_id = sources.filter(translation_key=OuterRef("translation_key")).values("pk")[:1]
    locale = Locale.get_active()
    versions = (
        model.objects.live()
        .filter(locale=locale, translation_key__in=sources.values("translation_key"))
        .annotate(source_id=Subquery(source_id))
        .defer_streamfields()  # a hit shows the title, summary and address, never the body
    )
    found = {}
    for page in versions:
        # Not joined: every version is in the active locale, and joins cost PostgreSQL milliseconds of planning.
        page.locale = locale
        found[page.source_id] = page
    return found


def _township_urls(codes, language):
    """{town code: live township page url in `language`, else in the default language}."""
    from cms.public import public_townships

    urls = {}
    pages = public_townships().filter(township__code__in=codes).select_related("township", "locale")
    for page in sorted(pages, key=lambda page: page.locale.language_code.lower() != language):
        urls.setdefault(page.township.code, page.url)
    return urls


def _enterprise_profiles(ids):
    """{profile id: profile with its organisation}: the profile's address and texts now, in the reader's language."""
    if not ids:
        return {}
    from marketplace.models import EnterpriseProfile

    return EnterpriseProfile.objects.select_related("organisation").in_bulk(ids)


def _townships(codes):
    from places.models import Township

    return {township.code: township for township in Township.objects.with_county().filter(code__in=codes)}


def _township_facts(township):
    """A township's figures as its result says them, in the active language (the index holds them in Chinese)."""
    facts = []
    if township.population:
        facts.append(f"{_('Population')} {township.population:,}")
    if township.share_aged_65_plus is not None:
        facts.append(f"{_('Aged 65+')} {township.share_aged_65_plus}%")
    return " · ".join(facts)


def localize_hits(hits, terms=()):
    """Turn search hits (search.results.make_hit rows) to the reader's language, in place; returns them."""
    language = _active_language()
    default_lang = html_lang(settings.LANGUAGE_CODE)
    by_family = {}
    for hit in hits:
        if str(hit.get("object_id", "")).isdigit():
            by_family.setdefault(hit["family"], []).append(int(hit["object_id"]))
    versions = {family: _page_versions(family, ids) for family, ids in by_family.items() if family in PAGE_FAMILIES}
    codes = {hit["display"].get("township") for hit in hits if hit["display"].get("township")}
    townships = _townships(codes) if codes else {}
    township_codes = [hit["display"].get("township") for hit in hits if hit["family"] == "townships"]
    township_urls = _township_urls([c for c in township_codes if c], language) if township_codes else {}
    enterprise_profiles = _enterprise_profiles(by_family.get("enterprises", []))
    for hit in hits:
        display = hit["display"] = dict(hit["display"])
        hit["lang"] = default_lang
        township = townships.get(display.get("township") or "")
        hit["place"] = township.full_name if township is not None else ""
        family = hit["family"]
        if family in PAGE_FAMILIES:
            page = versions.get(family, {}).get(int(hit["object_id"]) if str(hit["object_id"]).isdigit() else None)
            if page is None:
                continue
            display["url"] = page.url or display.get("url", "")
            if page.alias_of_id is None and page.locale.language_code.lower() != settings.LANGUAGE_CODE.lower():
                # A written translation: its own title and summary, in the reader's language.
                hit["lang"] = html_lang(page.locale.language_code)
                display["title"] = page.title
                hit["title_html"] = highlight_terms(page.title, terms)
                if page.summary:
                    hit["summary_html"] = highlight_terms(page.summary, terms, max_length=SUMMARY_LENGTH)
                hit["title_en_html"] = ""
        elif family == "townships" and township is not None:
            hit["lang"] = html_lang(language)
            display["title"] = township.full_name
            hit["title_html"] = highlight_terms(township.full_name, terms)
            hit["title_en_html"] = ""
            hit["place"] = ""
            hit["summary_html"] = highlight_terms(_township_facts(township), terms)
            if township.code in township_urls:
                display["url"] = township_urls[township.code]
        elif family == "enterprises":
            from django.urls import reverse

            profile = enterprise_profiles.get(int(hit["object_id"])) if str(hit["object_id"]).isdigit() else None
            if profile is not None:
                display["url"] = reverse("marketplace:enterprise_detail", kwargs={"slug": profile.organisation.slug})
                name, name_lang = profile.shown_name, profile.shown_name_lang
                if name_lang != default_lang:
                    # The team's own translation: its name and summary in the reader's language.
                    hit["lang"] = name_lang
                    display["title"] = name
                    hit["title_html"] = highlight_terms(name, terms)
                    hit["title_en_html"] = ""
                    if profile.shown_summary_lang == name_lang and profile.shown_summary:
                        hit["summary_html"] = highlight_terms(profile.shown_summary, terms, max_length=SUMMARY_LENGTH)
                    else:  # a translated name above the original summary
                        hit["summary_lang"] = default_lang
        display["lang"] = hit["lang"]
    _localize_by_family(hits, terms, language)
    return hits


def _localize_by_family(hits, terms, language):
    """Families that turn their own hits to the reader's language (`localize_hits(hits, terms, language)`, e.g.
    search/families_policy.py, search/people_families.py), once per family for all its hits."""
    from search.documents import families

    registered = families()
    grouped = {}
    for hit in hits:
        family = registered.get(hit["family"])
        # A hit whose id is not a row's (a stale or foreign document) keeps what the index holds.
        if family is not None and hasattr(family, "localize_hits") and str(hit.get("object_id", "")).isdigit():
            grouped.setdefault(hit["family"], (family, []))[1].append(hit)
    for family, family_hits in grouped.values():
        family.localize_hits(family_hits, terms, language)
        for hit in family_hits:
            hit["display"]["lang"] = hit["lang"]


def localize_suggestions(suggestions):
    """Autocomplete suggestions ({uid, family, title, title_en, title_ja, url}) in the reader's language: the
    title and address of the page in the active locale, and `lang` of the title."""
    hits = [
        {
            "family": suggestion["family"],
            "object_id": suggestion["uid"].split(":", 1)[-1],
            "display": {"title": suggestion["title"], "url": suggestion["url"], "township": ""},
            "title_html": "",
            "summary_html": "",
        }
        for suggestion in suggestions
    ]
    if any(hit["family"] == "townships" for hit in hits):
        from places.models import Township

        codes = dict(
            Township.objects.filter(pk__in=[h["object_id"] for h in hits if h["family"] == "townships"]).values_list(
                "pk", "code"
            )
        )
        for hit in hits:
            if hit["family"] == "townships":
                hit["display"]["township"] = codes.get(int(hit["object_id"]), "")
    localize_hits(hits)
    for suggestion, hit in zip(suggestions, hits, strict=True):
        suggestion["title"] = hit["display"]["title"]
        suggestion["url"] = hit["display"]["url"]
        suggestion["lang"] = hit["lang"]
    return suggestions
