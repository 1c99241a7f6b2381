"""Turning the CMS's and the marketplace's public content into search documents.

Only what `cms.public` returns is indexed (live, public pages), read from the page rows: a draft
revision of a live page lives in its revision, not in the row, so it never reaches the index.
Translations of a page are one document: the source-language page, with the English title of its
English translation when there is one.

Funding hook: the apps say how a project can be backed without editing search internals —
`register_funding_provider(provider, many=None)` where `provider(project_page) -> dict` may hold
"funding_type" (a list of strings, merged with the others'), "backed_amount", "backers" and
"progress" (the share of the goal reached), and `many(project_pages) -> {page id: dict}` gives the same
answers for many pages in a bounded number of queries (the index rebuild reads projects in batches; a provider
without it is asked page by page). The default provider gives "investment" when the
project's ProjectListing seeks investment; search's AppConfig.ready() adds payments' provider
(payments.funding.search_funding_facts and search_funding_facts_many: subscriptions, donations, money raised,
backers).
"""

import datetime
import functools
import re

from django.utils import timezone, translation
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _

_funding_providers = []
_many_providers = {}  # provider -> its many-pages version


def register_funding_provider(provider, many=None):
    """Add `provider(project_page) -> dict`, with `many(project_pages) -> {page id: dict}` when it has one (see the
    module docstring); returns it, so it can decorate."""
    if provider not in _funding_providers:
        _funding_providers.append(provider)
    if many is not None:
        _many_providers[provider] = many
    return provider


def unregister_funding_provider(provider):
    if provider in _funding_providers:
        _funding_providers.remove(provider)
    _many_providers.pop(provider, None)


def investment_listing(project):
    """The default provider: "investment" when the project's marketplace listing seeks investment."""
    try:
        listing = project.listing
    except Exception:  # no listing (RelatedObjectDoesNotExist)
        return {}
    return {"funding_type": ["investment"]} if listing.seeks_investment else {}


def investment_listings(projects):
    """The default provider for many pages (their listings are already read: no query)."""
    return {project.pk: investment_listing(project) for project in projects}


register_funding_provider(investment_listing, many=investment_listings)


def _merged(answers):
    facts = {"funding_type": set(), "backed_amount": 0, "backers": 0, "progress": None}
    for answer in answers:
        answer = answer or {}
        facts["funding_type"].update(answer.get("funding_type", ()))
        facts["backed_amount"] += int(answer.get("backed_amount", 0) or 0)
        facts["backers"] += int(answer.get("backers", 0) or 0)
        if answer.get("progress") is not None:
            facts["progress"] = max(facts["progress"] or 0.0, float(answer["progress"]))
    facts["funding_type"] = sorted(facts["funding_type"])
    return facts


def funding_facts(project):
    """One project's funding facts, every provider asked about this page."""
    return _merged(provider(project) for provider in _funding_providers)


def funding_facts_many(projects):
    """{page id: funding facts} of many project pages: the same facts as `funding_facts` gives each, with each
    provider's many-pages version where it has one (a bounded number of queries, whatever the number of pages)."""
    projects = list(projects)
    answers = []
    for provider in _funding_providers:
        many = _many_providers.get(provider)
        if many is not None:
            answers.append(many(projects))
        else:
            answers.append({project.pk: provider(project) for project in projects})
    return {project.pk: _merged(answer.get(project.pk) for answer in answers) for project in projects}


# A tag as the CMS's rich text writes them: a name, attributes with double-quoted values free of brackets.
_PLAIN_TAG = re.compile(r"</?[a-zA-Z][a-zA-Z0-9]*(?:\s+[a-zA-Z][a-zA-Z0-9-]*(?:=\"[^\"<>]*\")?)*\s*/?>")


def plain_text(html):
    """What Django's `strip_tags` gives, for the rich text a search document is made of. Rich text holds only
    plain tags, which a pattern removes at about a fifteenth of the cost of `strip_tags`' HTML parser (a rebuild strips
    hundreds of thousands of paragraphs); when anything else is left (a comment, a quote, a stray bracket), the
    text goes through `strip_tags` itself."""
    if "<" not in html:
        return html
    stripped = _PLAIN_TAG.sub("", html)
    if "<" in stripped or ">" in stripped:
        return strip_tags(html)
    return stripped


def stream_text(value):
    """The plain text of a StreamField (or any nested block data): every string, tags stripped."""
    raw = getattr(value, "raw_data", value)
    parts = []

    def walk(item):
        if isinstance(item, str):
            parts.append(plain_text(item))
        elif isinstance(item, dict):
            for key, nested in item.items():
                if key not in ("type", "id"):
                    walk(nested)
        elif isinstance(item, list | tuple):
            for nested in item:
                walk(nested)
        elif hasattr(item, "items"):  # a StreamValue's raw data rows
            walk(dict(item.items()))

    walk(list(raw) if raw is not None else [])
    return " ".join(part.strip() for part in parts if part and part.strip())


# The funding kinds' names; with the sectors' and SDGs' names they are indexed in the three languages, so
# "訂閱", "subscription" or "定期支援" finds the projects that offer one.
FUNDING_LABELS = {
    "investment": _("Investment"),
    "subscription": _("Subscription"),
    "donation": _("Donation"),
}
LABEL_LANGUAGES = ("zh-hant", "en", "ja")


def in_every_language(lazy_text):
    """The translations of a marked string in the three languages (distinct, in that order)."""
    out = []
    for language in LABEL_LANGUAGES:
        with translation.override(language):
            text = str(lazy_text)
        if text not in out:
            out.append(text)
    return out


def label_texts(sectors=(), sdgs=(), funding_types=()):
    """Searchable label texts: each sector and SDG (objects with name_zh/name_en/name_ja; SDGs also `number`) and
    each funding kind, its names in the three languages."""
    labels = []
    for sector in sectors:
        labels.append(" ".join(dict.fromkeys(n for n in (sector.name_zh, sector.name_en, sector.name_ja) if n)))
    for sdg in sdgs:
        names = (f"SDG {sdg.number}", sdg.name_zh, sdg.name_en, sdg.name_ja)
        labels.append(" ".join(dict.fromkeys(n for n in names if n)))
    for kind in funding_types:
        if kind in FUNDING_LABELS:
            labels.append(_funding_label(kind))
    return labels


@functools.lru_cache(maxsize=len(FUNDING_LABELS))
def _funding_label(kind):
    """A funding kind's names in the three languages (the catalogues do not change while the process runs; a
    rebuild asks for them for every project)."""
    return " ".join(in_every_language(FUNDING_LABELS[kind]))


def place_english(township):
    """The township's and county's English names (content is written in Chinese; "Kouhu tilapia" finds it)."""
    if township is None:
        return ""
    return f"{township.name_en} {township.county.name_en}"


def as_datetime(value):
    if value is None:
        return None
    if isinstance(value, datetime.datetime):
        return value
    return timezone.make_aware(datetime.datetime.combine(value, datetime.time(12)))


def place_fields(township):
    if township is None:
        return {}
    return {
        "county": township.county.code,
        "county_name": township.county.name_zh,
        "township": township.code,
        "township_name": township.name_zh,
        "priority_area": township.is_priority_area,
        "latitude": township.latitude,
        "longitude": township.longitude,
    }
