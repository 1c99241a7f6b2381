"""Snippets managed in the admin: sectors, the 17 UN SDGs, public support programmes."""

from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class TrilingualNameMixin:
    """`name` in the active language: name_zh, name_en or name_ja."""

    @property
    def name(self):
        language = (get_language() or "zh-hant").lower()
        if language.startswith("ja"):
            return self.name_ja or self.name_zh
        if language.startswith("en"):
            return self.name_en or self.name_zh
        return self.name_zh


class Sector(TrilingualNameMixin, models.Model):
    slug = models.SlugField(_("slug"), unique=True, allow_unicode=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_ja = models.CharField(_("name (Japanese)"), max_length=80)

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    def __str__(self):
        return self.name_zh


class SustainableDevelopmentGoal(TrilingualNameMixin, models.Model):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=60)
    name_en = models.CharField(_("name (English)"), max_length=80)
    name_ja = models.CharField(_("name (Japanese)"), max_length=80)

    class Meta:
        ordering = ["number"]
        verbose_name = _("sustainable development goal")
        verbose_name_plural = _("sustainable development goals")

    def __str__(self):
        return f"SDG {self.number} {self.name_zh}"


class SupportProgramme(models.Model):
    class Kind(models.TextChoices):
        GRANT = "grant", _("Grant or subsidy")
        LOAN = "loan", _("Loan or credit guarantee")
        ADVICE = "advice", _("Advice and coaching")
        TRAINING = "training", _("Training")
        OTHER = "other", _("Other support")

    ministry = models.CharField(_("ministry or agency"), max_length=120)
    name = models.CharField(_("programme"), max_length=200)
    kind = models.CharField(_("kind of support"), max_length=20, choices=Kind.choices)
    eligibility = models.TextField(_("who may apply"), blank=True)
    url = models.URLField(_("link"), blank=True)
    is_example = models.BooleanField(
        _("example only"), default=False, help_text=_("Shown with a note that it is an example, not a real programme.")
    )

    class Meta:
        ordering = ["ministry", "name"]
        verbose_name = _("support programme")
        verbose_name_plural = _("support programmes")

    def __str__(self):
        return f"{self.ministry} — {self.name}"
