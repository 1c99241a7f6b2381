"""The search families of people and their places to go: public talent profiles, open help requests, published
experiences and events (volunteering included) with an upcoming date, and verified organisations (township
offices, county governments, universities, foundations, community associations).

What reaches the index:

- `talent`: profiles whose owner chose "Everyone" (visibility public) only. A profile made private, deleted or
  erased with its account leaves both engines at the commit of that change (the receivers schedule a reindex of
  its id; the task finds it no longer in `queryset()` and deletes it). No contact detail is ever indexed.
- `help_requests`: open requests whose timeframe has not ended.
- `experiences`: published experiences, events and volunteering with at least one open slot still to come; the
  `date` facet holds the months of those slots, `next_date` the first of them.
- `organisations`: verified organisations of the kinds with a public page under /people/o/<slug>/ (enterprise
  teams and companies have theirs in the marketplace, the `enterprises` family).

Facets (search/documents.py): `category` (a profile's, experience's or organisation's kind; the asking
organisation's kind for a request), `field` (the advisory fields), `sector`, `township`, `date`, `price` (free or
paid) and `language`. Their labels are the models' own choices, in the reader's language (`facet_labels`).

Each family also turns its hits to the reader's language (`localize_hits`: the address under the reader's
prefix, an experience's title and description in that language when written, kind labels and the next date) and
says what to do when it has nothing to show (`empty_state`).
"""

import datetime

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext

from core.languages import inline_list
from search.documents import ModelFamily, SearchDocument, register
from search.families import public_url

MONTHS_AHEAD = 12  # months of a request's timeframe listed in the date facet


def _practical_details(experience, language=""):
    """An experience's meeting point, what to bring and accessibility in one text: the Chinese original, or the
    organiser's English or Japanese version (`language` "en" or "ja"), so a query in that language finds them."""
    suffix = f"_{language}" if language else ""
    fields = ("meeting_point", "what_to_bring", "accessibility")
    return " ".join(text for text in (getattr(experience, f"{name}{suffix}") for name in fields) if text)


def _month(day):
    return f"{day.year:04d}-{day.month:02d}"


def _months(start, end):
    """The months from `start` to `end` (dates), at most MONTHS_AHEAD of them."""
    months = []
    year, month = start.year, start.month
    while (year, month) <= (end.year, end.month) and len(months) < MONTHS_AHEAD:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
    return months


def month_label(value):
    """ "2026-12" → "December 2026" / "2026年12月" in the active language."""
    try:
        year, month = (int(part) for part in value.split("-"))
        return formats.date_format(datetime.date(year, month, 1), "YEAR_MONTH_FORMAT")
    except (TypeError, ValueError):
        return value


def _texts_in_every_language(labels):
    from search.content import in_every_language

    return [" ".join(in_every_language(label)) for label in labels]


def _localized_hit(hit, title, summary, terms, lang):
    from search.analysis import highlight_terms
    from search.results import SUMMARY_LENGTH

    hit["lang"] = lang
    hit["display"]["title"] = title
    hit["title_html"] = highlight_terms(title, terms)
    hit["title_en_html"] = ""
    if summary:
        hit["summary_html"] = highlight_terms(summary, terms, max_length=SUMMARY_LENGTH)


def _price_label(value):
    return {"free": _("Free or pro bono"), "paid": pgettext("price", "Paid")}.get(value, "")


def fact(icon, text):
    """One line of a result card's facts: an icon (site/static/icons) and a text ("" lines are not shown)."""
    return {"icon": icon, "text": text}


class PeopleFamilyMixin:
    """What the search page asks of these families: kind labels, facet labels, localized hits, an empty state."""

    kicker = ""

    def facet_labels(self, facet, values):
        return {}

    def localize_hits(self, hits, terms=(), language=None):
        """Turn this family's hits to the reader's language, in place."""

    def empty_state(self):
        return None


# --- talent profiles ----------------------------------------------------------------------------------------


class TalentFamily(PeopleFamilyMixin, ModelFamily):
    township_field = "home_township"
    name = "talent"
    label = gettext_lazy("People offering help")
    kicker = gettext_lazy("Person offering help")

    @property
    def models(self):
        from people.models import TalentProfile

        return (TalentProfile,)

    @property
    def m2m_fields(self):
        from people.models import TalentProfile

        return (TalentProfile.sectors.through, TalentProfile.townships.through)

    def queryset(self):
        from people.models import TalentProfile

        return (
            TalentProfile.objects.filter(visibility=TalentProfile.Visibility.PUBLIC)
            .select_related("user", "home_township__county")
            .prefetch_related("sectors", "townships__county")
        )

    def to_document(self, profile):
        from people.models import Field, Language, TalentProfile, split_codes
        from search.content import label_texts, place_english, place_fields

        sectors = list(profile.sectors.all())
        fields = [code for code in split_codes(profile.fields) if code in Field.values]
        languages = [code for code in split_codes(profile.languages) if code in Language.values]
        served = [f"{t.county.name_zh}{t.name_zh} {t.name_en}" for t in profile.townships.all()]
        # The townships they can serve are searchable (meta), not shown as the card's text.
        labels = (
            served
            + label_texts(sectors)
            + _texts_in_every_language(
                [TalentProfile.Kind(profile.kind).label]
                + [Field(code).label for code in fields]
                + [Language(code).label for code in languages]
            )
        )
        return SearchDocument(
            family=self.name,
            object_id=str(profile.pk),
            title=profile.headline,
            summary=profile.about,
            body=profile.skills,
            team=profile.name,
            place_en=place_english(profile.home_township),
            labels=labels,
            url=public_url("people:profile", pk=profile.pk),
            sector=[sector.slug for sector in sectors],
            category=[profile.kind],
            fields_of_work=fields,
            price=["free" if profile.pro_bono else "paid"],
            language=languages,
            published_at=profile.created,
            **place_fields(profile.home_township),
        )

    def facet_labels(self, facet, values):
        from people.models import Field, Language, TalentProfile

        if facet == "category":
            return {value: str(label) for value, label in TalentProfile.Kind.choices}
        if facet == "field":
            return {value: str(label) for value, label in Field.choices}
        if facet == "language":
            return {value: str(label) for value, label in Language.choices}
        if facet == "price":
            return {value: _price_label(value) for value in values}
        return {}

    def localize_hits(self, hits, terms=(), language=None):
        from people.models import Field, TalentProfile

        profiles = TalentProfile.objects.in_bulk([int(hit["object_id"]) for hit in hits])
        for hit in hits:
            profile = profiles.get(int(hit["object_id"]))
            hit["display"]["url"] = reverse("people:profile", kwargs={"pk": int(hit["object_id"])})
            if profile is None:
                continue
            hit["kicker"] = str(TalentProfile.Kind(profile.kind).label)
            fields = [str(Field(code).label) for code in profile.field_list if code in Field.values]
            hit["facts"] = [
                fact("target", inline_list(fields)),
                fact("hand-coins", _("Pro bono") if profile.pro_bono else pgettext("price", "Paid")),
                fact("globe", inline_list(str(label) for label in profile.language_labels)),
            ]
            hit["byline"] = profile.name

    def empty_state(self):
        return {
            "text": _("No one has published a public profile that matches yet."),
            "link_text": _("Offer your own skills or time"),
            "url": reverse("people:profile_edit"),
        }


# --- help requests ------------------------------------------------------------------------------------------


class HelpRequestFamily(PeopleFamilyMixin, ModelFamily):
    township_field = "township"
    name = "help_requests"
    label = gettext_lazy("Help requests")
    kicker = gettext_lazy("Help request")

    @property
    def models(self):
        from accounts.models import Organisation
        from people.models import HelpRequest

        return (HelpRequest, Organisation)  # the asking organisation's name and kind are indexed

    def ids_for_instance(self, instance):
        from accounts.models import Organisation

        if isinstance(instance, Organisation):
            return [str(pk) for pk in instance.help_requests.values_list("pk", flat=True)]
        return [str(instance.pk)]

    def queryset(self):
        from people.models import HelpRequest

        return HelpRequest.objects.filter(
            status=HelpRequest.Status.OPEN, ends_on__gte=timezone.localdate()
        ).select_related("organisation", "township__county", "sector")

    def to_document(self, help_request):
        from accounts.models import Organisation
        from people.models import Field, WorkFormat
        from search.content import label_texts, place_english, place_fields

        sectors = [help_request.sector] if help_request.sector else []
        organisation = help_request.organisation
        labels = label_texts(sectors) + _texts_in_every_language(
            [
                Field(help_request.field).label,
                WorkFormat(help_request.work_format).label,
                Organisation.Kind(organisation.kind).label,
            ]
        )
        start = max(help_request.starts_on, timezone.localdate())
        return SearchDocument(
            family=self.name,
            object_id=str(help_request.pk),
            title=help_request.title,
            summary=help_request.description,
            team=organisation.name,
            place_en=place_english(help_request.township),
            labels=labels,
            url=public_url("people:request", pk=help_request.pk),
            sector=[sector.slug for sector in sectors],
            category=[organisation.kind],
            fields_of_work=[help_request.field],
            date=_months(start, help_request.ends_on),
            price=["free" if help_request.pro_bono else "paid"],
            published_at=help_request.created,
            **place_fields(help_request.township),
        )

    def facet_labels(self, facet, values):
        from accounts.models import Organisation
        from people.models import Field

        if facet == "category":
            return {value: str(label) for value, label in Organisation.Kind.choices}
        if facet == "field":
            return {value: str(label) for value, label in Field.choices}
        if facet == "price":
            return {value: _price_label(value) for value in values}
        if facet == "date":
            return {value: month_label(value) for value in values}
        return {}

    def localize_hits(self, hits, terms=(), language=None):
        from people.models import Field, HelpRequest

        requests = HelpRequest.objects.select_related("organisation").in_bulk([int(hit["object_id"]) for hit in hits])
        for hit in hits:
            hit["display"]["url"] = reverse("people:request", kwargs={"pk": int(hit["object_id"])})
            help_request = requests.get(int(hit["object_id"]))
            if help_request is None:
                continue
            hit["kicker"] = _("Help request")
            hit["byline"] = help_request.organisation.name
            hit["facts"] = [
                fact("target", str(Field(help_request.field).label)),
                fact("hand-coins", _("Pro bono") if help_request.pro_bono else pgettext("price", "Paid")),
                fact(
                    "calendar",
                    _("Until %(date)s") % {"date": formats.date_format(help_request.ends_on, "SHORT_DATE_FORMAT")},
                ),
            ]

    def empty_state(self):
        return {
            "text": _("No open help request matches yet."),
            "link_text": _("Ask for help for your team or township"),
            "url": reverse("people:request_create"),
        }


# --- experiences, events and volunteering -----------------------------------------------------------------


class ExperienceFamily(PeopleFamilyMixin, ModelFamily):
    township_field = "township"
    name = "experiences"
    label = gettext_lazy("Experiences and events")
    kicker = gettext_lazy("Experience")

    @property
    def models(self):
        from accounts.models import Organisation
        from experiences.models import Experience, Slot

        return (Experience, Slot, Organisation)  # a slot added or cancelled moves the next date

    def ids_for_instance(self, instance):
        from accounts.models import Organisation
        from experiences.models import Slot

        if isinstance(instance, Slot):
            return [str(instance.experience_id)]
        if isinstance(instance, Organisation):
            return [str(pk) for pk in instance.experiences.values_list("pk", flat=True)]
        return [str(instance.pk)]

    def queryset(self):
        from django.db.models import Exists, OuterRef, Prefetch

        from experiences.models import Experience, Slot

        upcoming = Slot.objects.filter(status=Slot.Status.OPEN, starts_at__gt=timezone.now())
        return (
            Experience.objects.filter(is_published=True)
            .filter(Exists(upcoming.filter(experience=OuterRef("pk"))))
            .select_related("organisation", "township__county")
            .prefetch_related(Prefetch("slots", queryset=upcoming.order_by("starts_at"), to_attr="upcoming_slots"))
        )

    def to_document(self, experience):
        from experiences.models import LANGUAGE_LABELS, Experience
        from search.content import place_english, place_fields

        slots = getattr(experience, "upcoming_slots", None)
        if slots is None:
            from experiences.models import Slot

            slots = list(
                experience.slots.filter(status=Slot.Status.OPEN, starts_at__gt=timezone.now()).order_by("starts_at")
            )
        months = sorted({_month(timezone.localtime(slot.starts_at)) for slot in slots})
        languages = [code for code in experience.languages if code in LANGUAGE_LABELS]
        labels = _texts_in_every_language(
            [Experience.Kind(experience.kind).label] + [LANGUAGE_LABELS[code] for code in languages]
        )
        place = place_fields(experience.township)
        if experience.latitude is not None and experience.longitude is not None:
            place.update(latitude=experience.latitude, longitude=experience.longitude)
        return SearchDocument(
            family=self.name,
            object_id=str(experience.pk),
            title=experience.title_zh,
            title_en=experience.title_en,
            title_ja=experience.title_ja,
            summary=experience.description_zh,
            translated_summaries=[text for text in (experience.description_en, experience.description_ja) if text],
            body=_practical_details(experience),
            translated_bodies=[
                text for text in (_practical_details(experience, "en"), _practical_details(experience, "ja")) if text
            ],
            team=experience.organisation.name,
            place_en=place_english(experience.township),
            labels=labels,
            url=public_url("experiences:detail", pk=experience.pk),
            category=[experience.kind],
            date=months,
            price=["free" if experience.price_twd == 0 else "paid"],
            language=languages,
            published_at=experience.created,
            next_date=slots[0].starts_at if slots else None,
            **place,
        )

    def facet_labels(self, facet, values):
        from experiences.models import LANGUAGE_LABELS, Experience

        if facet == "category":
            return {value: str(label) for value, label in Experience.Kind.choices}
        if facet == "language":
            return {value: str(label) for value, label in LANGUAGE_LABELS.items()}
        if facet == "price":
            return {value: {"free": _("Free"), "paid": pgettext("price", "Paid")}.get(value, "") for value in values}
        if facet == "date":
            return {value: month_label(value) for value in values}
        return {}

    def localize_hits(self, hits, terms=(), language=None):
        from core.languages import html_lang
        from experiences.models import Experience

        experiences = Experience.objects.select_related("organisation").in_bulk([int(hit["object_id"]) for hit in hits])
        for hit in hits:
            hit["display"]["url"] = reverse("experiences:detail", kwargs={"pk": int(hit["object_id"])})
            experience = experiences.get(int(hit["object_id"]))
            if experience is None:
                continue
            title = experience.title  # in the active language when written, else the Chinese original
            if title != experience.title_zh:
                from django.utils.translation import get_language

                _localized_hit(hit, title, experience.description, terms, html_lang(get_language()))
            hit["kicker"] = str(Experience.Kind(experience.kind).label)
            hit["byline"] = experience.organisation.name
            facts = []
            next_date = hit["display"].get("next_date")
            if next_date:
                when = timezone.localtime(datetime.datetime.fromisoformat(next_date))
                date = formats.date_format(when, "SHORT_DATETIME_FORMAT")
                facts.append(fact("calendar", _("Next: %(date)s") % {"date": date}))
            facts.append(fact("hand-coins", _("Free") if experience.is_free else f"NT${experience.price_twd:,}"))
            facts.append(fact("globe", inline_list(str(label) for label in experience.language_labels())))
            hit["facts"] = facts

    def empty_state(self):
        return {
            "text": _("No experience or event with an upcoming date matches yet."),
            "link_text": _("See every experience and event"),
            "url": reverse("experiences:list"),
        }


# --- organisations ------------------------------------------------------------------------------------------

PUBLIC_PAGE_KINDS = ("township_office", "county_government", "university", "foundation", "community")


class OrganisationFamily(PeopleFamilyMixin, ModelFamily):
    township_field = "township"
    name = "organisations"
    label = gettext_lazy("Organisations")
    kicker = gettext_lazy("Organisation")

    @property
    def models(self):
        from accounts.models import Organisation

        return (Organisation,)

    def queryset(self):
        from accounts.models import Organisation

        return Organisation.objects.filter(verified_at__isnull=False, kind__in=PUBLIC_PAGE_KINDS).select_related(
            "township__county", "county"
        )

    def to_document(self, organisation):
        from accounts.models import Organisation
        from search.content import place_english, place_fields

        category = [organisation.kind]
        kind_labels = [Organisation.Kind(organisation.kind).label]
        if organisation.kind == Organisation.Kind.UNIVERSITY and organisation.usr_programme:
            category.append("usr")
            kind_labels.append(gettext_lazy("University Social Responsibility (USR)"))
        place = place_fields(organisation.township)
        if not place and organisation.county is not None:
            place = {"county": organisation.county.code, "county_name": organisation.county.name_zh}
        return SearchDocument(
            family=self.name,
            object_id=str(organisation.pk),
            title=organisation.name,
            place_en=place_english(organisation.township)
            if organisation.township
            else (organisation.county.name_en if organisation.county else ""),
            labels=_texts_in_every_language(kind_labels),
            url=public_url("people:organisation", slug=organisation.slug),
            category=category,
            status="verified",
            published_at=organisation.verified_at,
            **place,
        )

    def facet_labels(self, facet, values):
        from accounts.models import Organisation

        if facet == "category":
            labels = {value: str(label) for value, label in Organisation.Kind.choices}
            labels["usr"] = _("University Social Responsibility (USR)")
            return labels
        return {}

    def localize_hits(self, hits, terms=(), language=None):
        from accounts.models import Organisation

        organisations = Organisation.objects.select_related("county").in_bulk([int(hit["object_id"]) for hit in hits])
        for hit in hits:
            organisation = organisations.get(int(hit["object_id"]))
            if organisation is None:
                continue
            hit["display"]["url"] = reverse("people:organisation", kwargs={"slug": organisation.slug})
            hit["kicker"] = str(Organisation.Kind(organisation.kind).label)
            facts = []
            if organisation.township_id is None and organisation.county is not None:
                facts.append(fact("map-pin", organisation.county.name))  # a county government: its county
            if organisation.usr_programme and organisation.kind == Organisation.Kind.UNIVERSITY:
                facts.append(fact("badge-check", _("University Social Responsibility (USR)")))
            hit["facts"] = facts
            if not hit.get("summary_html"):
                hit["summary_html"] = ""

    def empty_state(self):
        return {
            "text": _("No verified organisation matches yet."),
            "link_text": _("Register your organisation"),
            "url": reverse("organisations:create"),
        }


PEOPLE_FAMILIES = ("talent", "help_requests", "experiences", "organisations")


def register_people_families():
    register(TalentFamily())
    register(HelpRequestFamily())
    register(ExperienceFamily())
    register(OrganisationFamily())


def people_facet_labels(facet, values):
    """{value: label} of `facet` from every people family (the search page's facet names; never codes)."""
    from search.documents import families

    labels = {}
    for name in PEOPLE_FAMILIES:
        family = families().get(name)
        if family is not None:
            for value, label in family.facet_labels(facet, values).items():
                labels.setdefault(value, label)
    return labels


def empty_states(query):
    """[{text, link_text, url}] for a search without hits: what to do next, for each people kind searched."""
    from search.documents import families

    kinds = (query.filters.get("family") or []) if query is not None else []
    out = []
    for name in kinds:
        family = families().get(name)
        if name in PEOPLE_FAMILIES and family is not None and family.empty_state():
            out.append(family.empty_state())
    return out
