"""Tables of the database search engine and the queue of updates Elasticsearch missed.

The database engine does not use SQLite FTS5 or PostgreSQL's text search
parsers: neither cuts Chinese the way our analysis does. It stores the tokens
that search/analysis.py makes (the same ones Elasticsearch sees) in a token
table with an index on (kind, token), which works the same on SQLite and
PostgreSQL, so both databases give the same hits.
"""

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

    class Meta:
        constraints = [models.UniqueConstraint(fields=["family", "object_id"], name="search_entry_family_object")]
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")

    def __str__(self):
        return self.uid


class SearchToken(models.Model):
    BIGRAM = "b"
    WORD = "w"
    SUGGEST = "s"

    entry = models.ForeignKey(SearchEntry, on_delete=models.CASCADE, related_name="tokens")
    kind = models.CharField(max_length=1)
    token = models.CharField(max_length=100)
    weight = models.SmallIntegerField(default=1)

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
    action = models.CharField(max_length=6, choices=[(UPDATE, UPDATE), (DELETE, DELETE)])
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
