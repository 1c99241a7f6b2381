"""What a search document is, and the registry of document families.

A family (townships today; projects, stories and enterprises later) says which
objects it indexes and turns one object into a `SearchDocument`. Both engines
index the same `SearchDocument`s, so a new family needs only a subclass of
`ModelFamily` and one `register()` call (see search/families.py).
"""

from dataclasses import dataclass, field, fields
from datetime import datetime

from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

# The whitelisted facets: a filter on any other name is refused with a reason.
FACETS = {
    "family": _("Kind"),
    "county": _("County or city"),
    "township": _("Township"),
    "sector": _("Sector"),
    "funding_type": _("Funding type"),
    "sdg": _("SDG"),
    "priority_area": _("Priority area"),
    "status": _("Status"),
    "traceability": _("Traceability"),
    # People, help requests, experiences and organisations (search/people_families.py).
    "category": pgettext_lazy("search facet", "Category"),
    "field": _("Field"),
    "date": _("Date"),
    "price": _("Price"),
    "language": _("Language"),
    "ministry": _("Ministry"),  # support programmes and regulatory issues (search/families_policy.py)
    "programme_kind": _("Kind of support"),
}
# Multi-valued facets are stored as rows of their own in the database engine (no column per facet): "ministry" and
# "programme_kind" have one value per document but live there too, so a new facet needs no migration.
MULTI_VALUED_FACETS = {"sector", "funding_type", "sdg", "traceability", "ministry", "programme_kind"}
MULTI_VALUED_FACETS |= {"category", "field", "date", "price", "language"}  # search/people_families.py
SINGLE_VALUED_FACETS = [name for name in FACETS if name not in MULTI_VALUED_FACETS]
SORTS = ("relevance", "newest", "most_backed", "closest_to_goal", "nearest")
# How many of a project's latest update dates are indexed: recommendations count recent updates up to this many.
LATEST_UPDATES_KEPT = 5


@dataclass
class SearchDocument:
    """One searchable thing, independent of the engine. Texts are stored as given; engines normalise them."""

    family: str
    object_id: str
    title: str
    is_public: bool = True
    title_en: str = ""
    title_ja: str = ""
    # The summaries of the document's written translations (English, Japanese), indexed, not shown: results show
    # the page in the reader's language (search/localize.py).
    translated_summaries: list = field(default_factory=list)
    summary: str = ""
    body: str = ""
    # The body's written translations (English, Japanese), indexed with it, not shown.
    translated_bodies: list = field(default_factory=list)
    url: str = ""
    team: str = ""  # the enterprise or team behind a project
    place_en: str = ""  # English names of the township and county (content is written in Chinese)
    labels: list = field(default_factory=list)  # sector, SDG and funding names in the three languages
    county: str = ""
    county_name: str = ""
    township: str = ""
    township_name: str = ""
    sector: list = field(default_factory=list)
    funding_type: list = field(default_factory=list)
    sdg: list = field(default_factory=list)
    traceability: list = field(default_factory=list)  # traceability.badges: "traceable", "live_data"
    priority_area: bool = False
    status: str = ""
    published_at: datetime | None = None
    backed_amount: int = 0
    backers: int = 0
    progress: float | None = None  # share of the funding goal reached, 0..n
    latitude: float | None = None
    longitude: float | None = None
    # Facts company recommendations (marketplace.matching) score on: the investment ask of a project that seeks
    # investment (ask_high > 0), and the dates of its latest updates, newest first (up to LATEST_UPDATES_KEPT).
    ask_low: int | None = None
    ask_high: int | None = None
    update_dates: list = field(default_factory=list)
    # People, help requests, experiences and organisations (search/people_families.py): codes, labelled on the page.
    category: list = field(default_factory=list)  # a profile's, experience's or organisation's kind
    fields_of_work: list = field(default_factory=list)  # advisory fields (people.models.Field): the "field" facet
    date: list = field(default_factory=list)  # upcoming months ("2026-12") of an experience's slots or a request
    price: list = field(default_factory=list)  # "free" or "paid"
    language: list = field(default_factory=list)  # languages spoken (codes)
    next_date: datetime | None = None  # an experience's next open slot
    ministry: list = field(default_factory=list)  # slugs of cms.Ministry
    programme_kind: list = field(default_factory=list)  # cms.SupportProgramme.Kind values

    @property
    def goal_gap(self):
        """What is left to the funding goal (0..1) while it is not reached; None once reached or without a goal.
        "Closest to goal" sorts by it, smallest first."""
        if self.progress is None or self.progress >= 1:
            return None
        return round(1 - self.progress, 6)

    @property
    def uid(self):
        return f"{self.family}:{self.object_id}"

    def field_texts(self):
        """{field: [values]}: the scored fields of search/ranking.py, each value analysed on its own."""
        place = f"{self.county_name}{self.township_name}"
        values = {
            "title": [self.title, self.title_en, self.title_ja],
            "summary": [self.summary, *self.translated_summaries],
            "body": [self.body, *self.translated_bodies],
            "meta": [self.team, place, self.place_en, *self.labels],
        }
        return {name: [value for value in texts if value] for name, texts in values.items()}

    def texts(self):
        return [value for values in self.field_texts().values() for value in values]

    def facet_values(self):
        """{facet: [values]} with every value a string."""
        values = {
            "family": [self.family],
            "county": [self.county] if self.county else [],
            "township": [self.township] if self.township else [],
            "sector": [str(value) for value in self.sector],
            "funding_type": [str(value) for value in self.funding_type],
            "sdg": [str(value) for value in self.sdg],
            "traceability": [str(value) for value in self.traceability],
            "priority_area": ["true" if self.priority_area else "false"],
            "status": [self.status] if self.status else [],
            "category": [str(value) for value in self.category],
            "field": [str(value) for value in self.fields_of_work],
            "date": [str(value) for value in self.date],
            "price": [str(value) for value in self.price],
            "language": [str(value) for value in self.language],
            "ministry": [str(value) for value in self.ministry],
            "programme_kind": [str(value) for value in self.programme_kind],
        }
        # Most lists hold one value or none: sorting only the others is a good part of the cost (once per document).
        return {name: sorted(set(items)) if len(items) > 1 else items for name, items in values.items()}

    def display(self):
        """What a result shows, stored as is in both engines."""
        # A shallow copy of the scalar fields: dataclasses.asdict deep-copies every value, for every document indexed.
        data = {name: getattr(self, name) for name in _DISPLAY_FIELDS}
        data["published_at"] = self.published_at.isoformat() if self.published_at else None
        data["next_date"] = self.next_date.isoformat() if self.next_date else None
        return data


_DISPLAY_FIELDS = [
    f.name
    for f in fields(SearchDocument)
    if f.name
    not in (
        "sector",
        "funding_type",
        "sdg",
        "traceability",
        "published_at",
        "latitude",
        "longitude",
        "ask_low",
        "ask_high",
        "update_dates",
        "labels",
        "place_en",
        "translated_summaries",
        "translated_bodies",
        "category",
        "fields_of_work",
        "date",
        "price",
        "language",
        "next_date",
        "ministry",
        "programme_kind",
    )
]


class Family:
    """A kind of document. Subclasses give `name`, `label`, and the object access below."""

    name = ""
    label = ""
    models = ()  # models whose saves and deletes reindex this family (receivers in search/receivers.py)
    page_models = ()  # Wagtail pages: reindexed when published, unpublished or deleted, never on a plain save
    m2m_fields = ()  # many-to-many fields (Model.field descriptors' `through`) whose changes reindex the instance
    # The field of queryset()'s model naming the township whose place facts each document carries (county, names,
    # priority area, location): an edit of a township reindexes the documents in it (search/receivers.py).
    township_field = None

    def count(self):
        raise NotImplementedError

    def iter_objects(self, batch_size=500):
        raise NotImplementedError

    def objects_for_ids(self, ids):
        """{object_id (str): object} for the ids that still exist."""
        raise NotImplementedError

    def to_document(self, obj):
        raise NotImplementedError

    def documents_for(self, objects):
        """The documents of many objects, in their order. A family whose documents read other rows overrides it to
        read them for all the objects at once (a bounded number of queries, whatever their number); `to_document`
        is then the same code for one object."""
        return [self.to_document(obj) for obj in objects]

    def iter_batches(self, batch_size=500):
        """The objects in lists of up to `batch_size`."""
        batch = []
        for obj in self.iter_objects(batch_size=batch_size):
            batch.append(obj)
            if len(batch) >= batch_size:
                yield batch
                batch = []
        if batch:
            yield batch

    def iter_documents(self, batch_size=500):
        """Every document of the family, in lists of up to `batch_size` (what a rebuild writes)."""
        for batch in self.iter_batches(batch_size=batch_size):
            yield self.documents_for(batch)

    def ids_for_instance(self, instance):
        """The object ids of this family to reindex when `instance` (of one of `models`) changes."""
        return [str(instance.pk)]

    def ids_in_townships(self, township_ids):
        """The object ids of this family whose documents carry the place facts of one of these townships."""
        return []


class ModelFamily(Family):
    def queryset(self):
        raise NotImplementedError

    def ids_in_townships(self, township_ids):
        if not self.township_field:
            return []
        rows = self.queryset().prefetch_related(None).filter(**{f"{self.township_field}__in": list(township_ids)})
        return [str(pk) for pk in rows.values_list("pk", flat=True)]

    def count(self):
        return self.queryset().count()

    def iter_objects(self, batch_size=500):
        for batch in self.iter_batches(batch_size=batch_size):
            yield from batch

    def iter_batches(self, batch_size=500):
        """The objects by primary key, `batch_size` rows per query (with the queryset's prefetches per batch)."""
        queryset = self.queryset().order_by("pk")
        last = None
        while True:
            batch = list((queryset.filter(pk__gt=last) if last is not None else queryset)[:batch_size])
            if not batch:
                return
            yield batch
            last = batch[-1].pk

    def objects_for_ids(self, ids):
        return {str(obj.pk): obj for obj in self.queryset().filter(pk__in=list(ids))}


class StaticFamily(Family):
    """A family whose objects are SearchDocuments held in memory (synthetic data for tests and benchmarks)."""

    def __init__(self, name, documents, label=""):
        self.name = name
        self.label = label or name
        self.documents = {document.object_id: document for document in documents}

    def count(self):
        return len(self.documents)

    def iter_objects(self, batch_size=500):
        yield from self.documents.values()

    def objects_for_ids(self, ids):
        return {str(i): self.documents[str(i)] for i in ids if str(i) in self.documents}

    def to_document(self, obj):
        return obj


_registry = {}


def register(family):
    _registry[family.name] = family
    return family


def unregister(name):
    _registry.pop(name, None)


def get_family(name):
    try:
        return _registry[name]
    except KeyError:
        raise LookupError(f"no search family named {name!r}; known: {', '.join(sorted(_registry))}") from None


def families():
    return dict(_registry)
