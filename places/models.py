"""Counties and townships of Taiwan: the reference data every app may use.

Loaded from places/data/townships.csv by `manage.py load_townships`. Only the
priority-area flag is edited by staff; everything else comes from the file.
"""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class LocalizedNameMixin:
    """The Chinese name under zh-Hant, the kanji name as Japanese writes it under ja, the English name otherwise."""

    @property
    def name(self):
        language = (get_language() or "zh-hant").lower()
        if language.startswith("ja"):
            # Japanese readers know the kanji names better than the romanisation.
            return self.name_ja
        if language.startswith("zh"):
            return self.name_zh
        return self.name_en

    @property
    def name_ja(self):
        from places.japanese import japanese_place_name

        return japanese_place_name(self.name_zh)

    @property
    def names(self):
        """The name in each of the site's languages, keyed by language code (`name` picks one for the active
        language; this is for keeping all of them, as in a notification read later in another language)."""
        return {"zh-hant": self.name_zh, "en": self.name_en, "ja": self.name_ja}


class County(LocalizedNameMixin, models.Model):
    wagtail_reference_index_ignore = True  # not content: no reference-index task per save (see core.AuditEntry)

    code = models.CharField(_("county code"), max_length=5, unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=20)
    name_en = models.CharField(_("name (English)"), max_length=60)

    class Meta:
        ordering = ["code"]
        verbose_name = _("county")
        verbose_name_plural = _("counties")

    def __str__(self):
        return self.name_zh


class TownshipQuerySet(models.QuerySet):
    def with_county(self):
        return self.select_related("county")

    def priority_areas(self):
        return self.filter(is_priority_area=True)


class Township(LocalizedNameMixin, models.Model):
    wagtail_reference_index_ignore = True  # not content: no reference-index task per save (see core.AuditEntry)

    code = models.CharField(
        _("town code"), max_length=8, unique=True, help_text=_("Ministry of the Interior town code")
    )
    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="townships", verbose_name=_("county"))
    name_zh = models.CharField(_("name (Chinese)"), max_length=20)
    name_en = models.CharField(_("name (English)"), max_length=60)
    latitude = models.FloatField(_("latitude"))
    longitude = models.FloatField(_("longitude"))
    postal_code = models.CharField(_("postal code"), max_length=3, blank=True)
    population = models.PositiveIntegerField(_("population"), null=True, blank=True)
    share_aged_65_plus = models.DecimalField(
        _("share aged 65+ (%)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    aging_index = models.PositiveIntegerField(_("aging index"), null=True, blank=True)
    is_priority_area = models.BooleanField(
        _("priority area"),
        default=False,
        help_text=_("One of the National Development Council's priority townships for regional revitalization."),
    )

    objects = TownshipQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("township")
        verbose_name_plural = _("townships")

    def __str__(self):
        return f"{self.county.name_zh}{self.name_zh}"

    @property
    def full_name(self):
        language = (get_language() or "zh-hant").lower()
        if language.startswith("en"):
            return f"{self.name_en}, {self.county.name_en}"
        if language.startswith("ja"):
            return f"{self.county.name_ja}{self.name_ja}"
        return f"{self.county.name_zh}{self.name_zh}"
