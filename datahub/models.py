"""Official township and county figures: indicators, import batches (one per uploaded file) and observations.

A re-import never overwrites: each file is a new batch with a higher version, its observations become the current
ones for their (indicator, place, period), and the older ones stay in the database, flagged not current, so every
earlier import stays viewable (the time-series page lists them).
"""

import re

from django.conf import settings
from django.db import models
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from core.dates import years_from

PERIOD_PATTERN = re.compile(r"^\d{4}(-(0[1-9]|1[0-2]))?$")  # a year (2021) or a month (2021-03)


class Indicator(models.Model):
    class Level(models.TextChoices):
        TOWNSHIP = "township", _("Township")
        COUNTY = "county", _("County")

    code = models.SlugField(
        _("code"), max_length=60, unique=True, help_text=_("The name used in the CSV's indicator column.")
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=120)
    name_en = models.CharField(_("name (English)"), max_length=160)
    name_ja = models.CharField(_("name (Japanese)"), max_length=160, blank=True)
    unit = models.CharField(
        _("unit"), max_length=30, help_text=_("As written in the CSV's unit column, e.g. persons or %.")
    )
    description = models.TextField(_("description"), blank=True)
    level = models.CharField(_("level"), max_length=10, choices=Level.choices, default=Level.TOWNSHIP)

    class Meta:
        ordering = ["code"]
        verbose_name = _("indicator")
        verbose_name_plural = _("indicators")

    def __str__(self):
        return f"{self.name} ({self.code})"

    @property
    def name(self):
        language = (get_language() or "zh-hant").lower()
        if language.startswith("en"):
            return self.name_en or self.name_zh
        if language.startswith("ja"):
            return self.name_ja or self.name_en or self.name_zh
        return self.name_zh


def source_date_bounds(today=None):
    """The first and last day a source may have published figures on: settings.DATAHUB_SOURCE_MAX_YEARS_BACK ago,
    and today (figures are imported once published)."""
    today = today or timezone.localdate()
    return years_from(today, -settings.DATAHUB_SOURCE_MAX_YEARS_BACK), today


def source_date_out_of_bounds_message(today=None):
    earliest, latest = source_date_bounds(today)
    return gettext(
        "The source published the figures within the last %(years)s years: give a day between %(earliest)s and "
        "%(latest)s."
    ) % {
        "years": settings.DATAHUB_SOURCE_MAX_YEARS_BACK,
        "earliest": formats.date_format(earliest),
        "latest": formats.date_format(latest),
    }


class ImportBatch(models.Model):
    """One imported file: where the figures come from, under which licence, who brought them in and when."""

    wagtail_reference_index_ignore = True  # not content: no reference-index task per save (see core.AuditEntry)

    source = models.CharField(_("source"), max_length=200)
    licence = models.CharField(_("licence"), max_length=200)
    source_date = models.DateField(_("source date"), help_text=_("The date the source published the figures."))
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("imported by"),
    )
    imported_at = models.DateTimeField(_("imported at"), auto_now_add=True)
    file_name = models.CharField(_("file name"), max_length=255)
    row_count = models.PositiveIntegerField(_("rows"))
    version = models.PositiveIntegerField(
        _("version"), help_text=_("1 for the first import of these indicators, one more for each re-import.")
    )
    indicators = models.ManyToManyField(Indicator, related_name="batches", verbose_name=_("indicators"))

    class Meta:
        ordering = ["-imported_at", "-pk"]
        verbose_name = _("import")
        verbose_name_plural = _("imports")

    def __str__(self):
        return f"{self.file_name} v{self.version} ({self.source_date:%Y-%m-%d})"


class Observation(models.Model):
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="observations", verbose_name=_("indicator")
    )
    batch = models.ForeignKey(
        ImportBatch, on_delete=models.CASCADE, related_name="observations", verbose_name=_("import batch")
    )
    period = models.CharField(_("period"), max_length=7)
    place_code = models.CharField(_("town or county code"), max_length=8, db_index=True)
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=4)
    is_current = models.BooleanField(_("current"), default=True)

    class Meta:
        ordering = ["indicator", "place_code", "period"]
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "indicator", "place_code", "period"], name="datahub_observation_once_per_batch"
            ),
            models.UniqueConstraint(
                fields=["indicator", "place_code", "period"],
                condition=models.Q(is_current=True),
                name="datahub_observation_one_current",
            ),
        ]
        indexes = [models.Index(fields=["indicator", "is_current", "place_code"], name="datahub_obs_current")]

    def __str__(self):
        return f"{self.indicator.code} {self.place_code} {self.period}: {self.value}"
