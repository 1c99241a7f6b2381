"""Two families of the public side of revitalization: the programme catalogue (cms.SupportProgramme) and the
regulatory issues (policy.RegulatoryIssue).

Facets: a programme has its ministry (`ministry`, the ministry's slug) and its kind of support (`programme_kind`);
an issue has the ministry it was routed to (`ministry`) and its outcome (`status`: pending, reinterpreted,
amended, refused). Both are public: every programme of the catalogue, every issue of the public list. An issue's
submitter is indexed as the public list shows it (the organisation's name only when they chose so, else its kind).
"""

from django.utils.translation import gettext_lazy as _

from search.documents import ModelFamily, SearchDocument, register
from search.families import public_url


def _names(*names):
    return " ".join(dict.fromkeys(name for name in names if name))


class ProgrammeFamily(ModelFamily):
    name = "programmes"
    label = _("Support programmes")

    @property
    def models(self):
        from cms.models import Ministry, SupportProgramme

        return (SupportProgramme, Ministry)

    @property
    def m2m_fields(self):
        from cms.models import SupportProgramme

        return (SupportProgramme.sectors.through, SupportProgramme.townships.through)

    def queryset(self):
        from cms.models import SupportProgramme

        return SupportProgramme.objects.select_related("ministry").prefetch_related("sectors")

    def ids_for_instance(self, instance):
        from cms.models import Ministry

        if isinstance(instance, Ministry):  # a renamed ministry: its programmes' texts and facet labels
            return [str(pk) for pk in instance.programmes.values_list("pk", flat=True)]
        return [str(instance.pk)]

    def to_document(self, programme):
        from cms.models import SupportProgramme
        from search.content import in_every_language, label_texts

        ministry = programme.ministry
        kind = SupportProgramme.Kind(programme.kind)
        return SearchDocument(
            family=self.name,
            object_id=str(programme.pk),
            title=programme.name,
            title_en=programme.name_en,
            title_ja=programme.name_ja,
            summary=programme.summary_zh,
            translated_summaries=[text for text in (programme.summary_en, programme.summary_ja) if text],
            body=programme.eligibility,
            team=_names(ministry.name_zh, ministry.name_en, ministry.name_ja),
            labels=[*label_texts(programme.sectors.all()), " ".join(in_every_language(kind.label))],
            url=public_url("cms:programme_detail", pk=programme.pk),
            sector=[sector.slug for sector in programme.sectors.all()],
            ministry=[ministry.slug],
            programme_kind=[programme.kind],
            status="",
            published_at=None,
        )

    def localize_hits(self, hits, terms, language):
        """The programmes' names and summaries in the reader's language when written, and their pages there (one
        query for all the hits)."""
        from cms.models import SupportProgramme

        ids = [int(hit["object_id"]) for hit in hits if str(hit["object_id"]).isdigit()]
        programmes = SupportProgramme.objects.only(
            "name", "name_en", "name_ja", "summary_zh", "summary_en", "summary_ja"
        ).in_bulk(ids)
        for hit in hits:
            _localize_trilingual(
                hit,
                terms,
                language,
                programmes.get(int(hit["object_id"])) if str(hit["object_id"]).isdigit() else None,
                "cms:programme_detail",
                texts=lambda p: {"en": (p.name_en, p.summary_en), "ja": (p.name_ja, p.summary_ja)},
            )


class RegulatoryIssueFamily(ModelFamily):
    township_field = "township"
    name = "regulatory_issues"
    label = _("Regulatory issues")

    @property
    def models(self):
        from cms.models import Ministry
        from policy.models import RegulatoryIssue

        return (RegulatoryIssue, Ministry)

    def queryset(self):
        from policy.models import RegulatoryIssue

        return RegulatoryIssue.objects.select_related("township__county", "organisation", "ministry")

    def ids_for_instance(self, instance):
        from cms.models import Ministry

        if isinstance(instance, Ministry):
            return [str(pk) for pk in instance.regulatory_issues.values_list("pk", flat=True)]
        return [str(instance.pk)]

    def to_document(self, issue):
        from search.content import place_english, place_fields

        ministry = issue.ministry
        return SearchDocument(
            family=self.name,
            object_id=str(issue.pk),
            title=issue.rule,
            summary=issue.blocks,
            body=f"{issue.proposal}\n{issue.answer}".strip(),
            team=_names(
                issue.public_submitter,
                *((ministry.name_zh, ministry.name_en, ministry.name_ja) if ministry is not None else ()),
            ),
            place_en=place_english(issue.township),
            url=public_url("policy:issue_detail", pk=issue.pk),
            ministry=[ministry.slug] if ministry is not None else [],
            status=issue.outcome,
            published_at=issue.created_at,
            **place_fields(issue.township),
        )

    def localize_hits(self, hits, terms, language):
        """The issues' pages under the reader's prefix (their text is the submitter's, in the language written)."""
        from django.urls import reverse

        for hit in hits:
            if str(hit["object_id"]).isdigit():
                hit["display"]["url"] = reverse("policy:issue_detail", kwargs={"pk": int(hit["object_id"])})


def _localize_trilingual(hit, terms, language, obj, view_name, *, texts):
    from django.urls import reverse

    from core.languages import html_lang
    from search.analysis import highlight_terms
    from search.results import SUMMARY_LENGTH

    if obj is None:
        return
    hit["display"]["url"] = reverse(view_name, kwargs={"pk": obj.pk})
    wanted = "ja" if language.startswith("ja") else "en" if language.startswith("en") else None
    if wanted is None:
        return
    title, summary = texts(obj)[wanted]
    if not title:
        return
    hit["lang"] = html_lang(wanted)
    hit["display"]["title"] = title
    hit["title_html"] = highlight_terms(title, terms)
    hit["title_en_html"] = ""
    if summary:
        hit["summary_html"] = highlight_terms(summary, terms, max_length=SUMMARY_LENGTH)
    else:
        hit["summary_lang"] = html_lang(None)


def register_policy_families():
    register(ProgrammeFamily())
    register(RegulatoryIssueFamily())
