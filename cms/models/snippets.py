"""Snippets managed in the admin: sectors, the 17 UN SDGs, ministries and their support programmes."""

from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation

# Who may apply: the kinds of organisation (accounts.Organisation.Kind), by value.
APPLICANT_KINDS = dict(Organisation.Kind.choices)


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


class Ministry(TrilingualNameMixin, models.Model):
    """A ministry, council or agency whose programmes the catalogue lists (names in the three languages)."""

    slug = models.SlugField(_("slug"), unique=True, allow_unicode=True)
    name_zh = models.CharField(_("name (Chinese)"), max_length=80, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=120)
    name_ja = models.CharField(_("name (Japanese)"), max_length=120)

    class Meta:
        ordering = ["name_zh"]
        verbose_name = _("ministry")
        verbose_name_plural = _("ministries")

    def __str__(self):
        return self.name_zh


class ProgrammeQuerySet(models.QuerySet):
    def open_on(self, day):
        """Open on `day`: opened on or before it (or no opening date), closing on or after it (or no closing date)."""
        return self.filter(models.Q(opens_on__isnull=True) | models.Q(opens_on__lte=day)).filter(
            models.Q(closes_on__isnull=True) | models.Q(closes_on__gte=day)
        )

    def not_closed_on(self, day):
        return self.filter(models.Q(closes_on__isnull=True) | models.Q(closes_on__gte=day))


class SupportProgramme(models.Model):
    """A public programme or instrument: who runs it, what it gives, who may apply (structured rules), when.

    `name` is the Chinese name (the original); name_en and name_ja its translations. The eligibility rules
    (applicant kinds, sectors, townships or priority areas, stages) are what `cms.programmes.rank_programmes`
    reads; an empty rule means "no restriction".
    """

    class Kind(models.TextChoices):
        SUBSIDY = "subsidy", _("Subsidy or grant")
        INVESTMENT = "investment", _("Investment")
        LOAN = "loan", _("Loan")
        GUARANTEE = "guarantee", _("Credit guarantee")
        TALENT = "talent", _("Talent and training")
        OTHER = "other", _("Other support")

    class Stage(models.TextChoices):
        # The same values as marketplace.ProjectListing.Stage (cms may not import marketplace).
        IDEA = "idea", _("idea")
        PROTOTYPE = "prototype", _("prototype")
        EARLY_REVENUE = "early_revenue", _("early revenue")
        GROWTH = "growth", _("growth")

    ministry = models.ForeignKey(
        Ministry, on_delete=models.PROTECT, related_name="programmes", verbose_name=_("ministry or agency")
    )
    name = models.CharField(_("programme (Chinese)"), max_length=200)
    name_en = models.CharField(_("programme (English)"), max_length=240, blank=True)
    name_ja = models.CharField(_("programme (Japanese)"), max_length=240, blank=True)
    summary_zh = models.TextField(_("summary (Chinese)"), blank=True)
    summary_en = models.TextField(_("summary (English)"), blank=True)
    summary_ja = models.TextField(_("summary (Japanese)"), blank=True)
    kind = models.CharField(_("kind of support"), max_length=20, choices=Kind.choices)
    amount_min = models.PositiveBigIntegerField(_("smallest amount (NT$)"), null=True, blank=True)
    amount_max = models.PositiveBigIntegerField(_("largest amount (NT$)"), null=True, blank=True)
    opens_on = models.DateField(_("opens on"), null=True, blank=True)
    closes_on = models.DateField(_("closes on"), null=True, blank=True)
    applicant_kinds = models.JSONField(
        _("who may apply"), default=list, blank=True, help_text=_("Kinds of organisation; none ticked means any.")
    )
    sectors = models.ManyToManyField(
        Sector, blank=True, related_name="programmes", verbose_name=_("sectors"), help_text=_("None means any sector.")
    )
    for_priority_areas = models.BooleanField(
        _("only for priority areas"),
        default=False,
        help_text=_("Only townships marked as revitalization priority areas."),
    )
    townships = models.ManyToManyField(
        "places.Township",
        blank=True,
        related_name="programmes",
        verbose_name=_("townships"),
        help_text=_("Only these townships; none means any township."),
    )
    stages = models.JSONField(_("stages"), default=list, blank=True, help_text=_("None ticked means any stage."))
    eligibility = models.TextField(_("eligibility notes"), blank=True)
    url = models.URLField(_("link"), blank=True)
    contact = models.CharField(_("contact"), max_length=200, blank=True)
    is_example = models.BooleanField(
        _("example only"), default=False, help_text=_("Shown with a note that it is an example, not a real programme.")
    )
    seeded_from_paper = models.BooleanField(
        _("seeded from the policy paper"),
        default=False,
        help_text=_("Named in the revitalization policy paper; staff complete its amounts, dates and rules."),
    )

    objects = ProgrammeQuerySet.as_manager()

    class Meta:
        ordering = ["ministry__name_zh", "name"]
        verbose_name = _("support programme")
        verbose_name_plural = _("support programmes")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(amount_min__isnull=True)
                | models.Q(amount_max__isnull=True)
                | models.Q(amount_min__lte=models.F("amount_max")),
                name="programme_amount_range",
            ),
            models.CheckConstraint(
                condition=models.Q(opens_on__isnull=True)
                | models.Q(closes_on__isnull=True)
                | models.Q(opens_on__lte=models.F("closes_on")),
                name="programme_dates_in_order",
            ),
        ]

    def __str__(self):
        return f"{self.ministry} — {self.name}"

    def get_absolute_url(self):
        return reverse("cms:programme_detail", kwargs={"pk": self.pk})

    def clean(self):
        errors = {}
        if self.amount_min is not None and self.amount_max is not None and self.amount_min > self.amount_max:
            errors["amount_max"] = _("The largest amount must not be smaller than the smallest amount.")
        if self.opens_on and self.closes_on and self.closes_on < self.opens_on:
            errors["closes_on"] = _("The closing date must not be before the opening date.")
        unknown = set(self.applicant_kinds or []) - set(APPLICANT_KINDS)
        if unknown:
            errors["applicant_kinds"] = _("Unknown kind of applicant: %(kinds)s.") % {
                "kinds": ", ".join(sorted(unknown))
            }
        unknown = set(self.stages or []) - set(self.Stage.values)
        if unknown:
            errors["stages"] = _("Unknown stage: %(stages)s.") % {"stages": ", ".join(sorted(unknown))}
        if errors:
            raise ValidationError(errors)

    @property
    def display_name(self):
        language = (get_language() or "zh-hant").lower()
        if language.startswith("ja"):
            return self.name_ja or self.name
        if language.startswith("en"):
            return self.name_en or self.name
        return self.name

    @property
    def summary(self):
        language = (get_language() or "zh-hant").lower()
        if language.startswith("ja"):
            return self.summary_ja or self.summary_zh
        if language.startswith("en"):
            return self.summary_en or self.summary_zh
        return self.summary_zh

    def applicant_kind_labels(self):
        return [APPLICANT_KINDS[kind] for kind in self.applicant_kinds or [] if kind in APPLICANT_KINDS]

    def stage_labels(self):
        labels = dict(self.Stage.choices)
        return [labels[stage] for stage in self.stages or [] if stage in labels]

    def is_open_on(self, day):
        return (self.opens_on is None or self.opens_on <= day) and (self.closes_on is None or day <= self.closes_on)
