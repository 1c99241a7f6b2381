"""Tables of the database search engine and the queue of updates Elasticsearch missed.

The database engine does not use SQLite FTS5 or PostgreSQL's text search
parsers: neither cuts Chinese the way our analysis does. It stores the tokens
that search/analysis.py makes (the same ones Elasticsearch sees) in a token
table with an index on (kind, token), which works the same on SQLite and
PostgreSQL, so both databases give the same hits.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    family = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    uid = models.CharField(max_length=110, unique=True)
    is_public = models.BooleanField(default=True)
    published_at = models.DateTimeField(null=True, blank=True)
    backed_amount = models.BigIntegerField(default=0)
    backers = models.IntegerField(default=0)
    progress = models.FloatField(null=True, blank=True)
    goal_gap = models.FloatField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    display = models.JSONField(default=dict)
    # The single-valued facets, as columns (the multi-valued ones are SearchFacetValue rows).
    county = models.CharField(max_length=10, blank=True)
    township = models.CharField(max_length=10, blank=True)
    priority_area = models.CharField(max_length=5, blank=True)
    status = models.CharField(max_length=20, blank=True)
    # The ranking's field statistics, as Lucene keeps them for Elasticsearch's BM25 (search/ranking.py): for each
    # scored field, its length (`units_*`, the tokenizer's positions: one per Han character or Latin word) and its
    # token count (`tokens_*`, unigrams and bigrams: what the average field length is computed from); `words` is
    # the number of distinct words (documents with none do not count in the words field's statistics).
    units_title = models.PositiveIntegerField(default=0)
    units_summary = models.PositiveIntegerField(default=0)
    units_body = models.PositiveIntegerField(default=0)
    units_meta = models.PositiveIntegerField(default=0)
    tokens_title = models.PositiveIntegerField(default=0)
    tokens_summary = models.PositiveIntegerField(default=0)
    tokens_body = models.PositiveIntegerField(default=0)
    tokens_meta = models.PositiveIntegerField(default=0)
    words = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["family", "object_id"], name="search_entry_family_object")]
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self):
        return self.uid


class SearchToken(models.Model):
    """One token of one document: a unigram or bigram of one field (with its count in that field), a word of the
    document (count 1), or an autocomplete input (its weight in `frequency`)."""

    BIGRAM = "b"
    WORD = "w"
    SUGGEST = "s"

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="tokens")
    kind = models.CharField(max_length=1)
    # For bigrams, the field (search/ranking.py FIELDS: t title, s summary, b body, m meta); "" for the others.
    field = models.CharField(max_length=1, blank=True, default="")
    token = models.CharField(max_length=100)
    frequency = models.SmallIntegerField(default=1)

    class Meta:
        indexes = [
            models.Index(fields=["kind", "token", "entry"], name="search_token_lookup"),
            models.Index(fields=["entry", "kind"], name="search_token_entry"),
            # Prefix searches (autocomplete, "did you mean") with LIKE 'x%' on PostgreSQL; ignored elsewhere.
            models.Index(fields=["token"], opclasses=["varchar_pattern_ops"], name="search_token_prefix"),
        ]

    def __str__(self):
        return f"{self.kind}:{self.token}"


class SearchFacetValue(models.Model):
    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="facet_values")
    facet = models.CharField(max_length=20)
    value = models.CharField(max_length=64)

    class Meta:
        indexes = [
            models.Index(fields=["facet", "value", "entry"], name="search_facet_lookup"),
            models.Index(fields=["entry", "facet"], name="search_facet_entry"),
        ]

    def __str__(self):
        return f"{self.facet}={self.value}"


class PendingUpdate(models.Model):
    """An index change Elasticsearch did not take (down or slow); replayed by `replay_pending_search_updates`."""

    UPDATE = "update"
    DELETE = "delete"

    family = models.CharField(max_length=40)
    object_id = models.CharField(max_length=64)
    action = models.CharField(max_length=6, choices=[(UPDATE, _("Reindex")), (DELETE, _("Remove from the index"))])
    error = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("pending search update")
        verbose_name_plural = _("pending search updates")

    def __str__(self):
        return f"{self.action} {self.family}:{self.object_id}"


class IndexRebuild(models.Model):
    """An Elasticsearch rebuild of one family. While one is running, index updates are also queued as
    PendingUpdate rows, and replayed into the new index once the alias points to it, so no write is lost."""

    family = models.CharField(max_length=40)
    index = models.CharField(max_length=200)
    started_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("search index rebuild")
        verbose_name_plural = _("search index rebuilds")

    def __str__(self):
        return f"{self.family} → {self.index}"


def split_terms(text):
    """The terms of a synonym field: separated by commas (, ，、) or new lines, trimmed, empty ones dropped."""
    import re

    return [term.strip() for term in re.split(r"[,，、\n]", text or "") if term.strip()]


class SynonymEntry(models.Model):
    """Synonyms and abbreviations that staff own: words in Traditional Chinese, English and Japanese that mean
    the same thing (two-way: each finds the others), and, for a one-way entry, narrower words its terms also find
    (水果 finds 鳳梨; 鳳梨 does not find every fruit). Applied to the analysed words of a query, in both engines,
    from the next search on: no index rebuild (search/synonyms.py)."""

    wagtail_reference_index_ignore = True  # not content: no reference-index task per save (see core.AuditEntry)

    MAX_TERMS = 40
    MAX_TERM_LENGTH = 60

    terms_zh = models.CharField(
        _("Chinese terms"), max_length=500, blank=True, help_text=_("Separate terms with commas, e.g. 長照, 長期照顧.")
    )
    terms_en = models.CharField(
        _("English terms"), max_length=500, blank=True, help_text=_("e.g. long-term care, elderly care")
    )
    terms_ja = models.CharField(_("Japanese terms"), max_length=500, blank=True, help_text=_("e.g. 介護, 長期介護"))
    one_way = models.BooleanField(
        _("one way"),
        default=False,
        help_text=_("Ticked: the terms above also find the narrower terms below, but those do not find them."),
    )
    narrower = models.CharField(
        _("narrower terms"),
        max_length=1000,
        blank=True,
        help_text=_("One-way entries only, any language, e.g. 鳳梨, 芒果, 釋迦."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True, db_index=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("updated by"),
        editable=False,
    )

    class Meta:
        ordering = ["terms_zh", "pk"]
        verbose_name = _("synonym entry")
        verbose_name_plural = _("synonyms")

    def __str__(self):
        terms = self.terms()
        return " = ".join(terms[:4]) + (" …" if len(terms) > 4 else "")

    def terms(self):
        return split_terms(self.terms_zh) + split_terms(self.terms_en) + split_terms(self.terms_ja)

    def narrower_terms(self):
        return split_terms(self.narrower)

    def clean(self):
        terms, narrower = self.terms(), self.narrower_terms()
        problems = {}
        if not terms:
            problems["terms_zh"] = _("Give at least one term.")
        too_long = [term for term in terms + narrower if len(term) > self.MAX_TERM_LENGTH]
        if too_long:
            problems["terms_zh"] = _("A term is at most %(n)s characters: %(term)s") % {
                "n": self.MAX_TERM_LENGTH,
                "term": too_long[0],
            }
        if len(terms) + len(narrower) > self.MAX_TERMS:
            problems["terms_zh"] = _("An entry holds at most %(n)s terms.") % {"n": self.MAX_TERMS}
        if self.one_way and not narrower:
            problems["narrower"] = _("A one-way entry needs narrower terms.")
        if not self.one_way and narrower:
            problems["narrower"] = _("Narrower terms belong to one-way entries: tick “one way” or clear them.")
        if not self.one_way and terms and len(terms) < 2:
            problems["terms_en"] = _("A two-way entry needs at least two terms (in any of the three languages).")
        if problems:
            raise ValidationError(problems)
