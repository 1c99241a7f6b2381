"""Experiences, events and volunteering shifts that organisations publish, their time slots and people's bookings.

A slot's row is the lock that keeps its places from being oversold (experiences.actions.book). A booking holds a
place while it is confirmed, attended, or offered to someone from the waitlist (until the offer's time runs out).
"""

from datetime import timedelta

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from wagtail.images import get_image_model_string

# Languages a host may speak with visitors (codes; labels in LANGUAGE_LABELS).
SPOKEN_LANGUAGES = [
    ("zh", _("Mandarin")),
    ("nan", _("Taiwanese Hokkien")),
    ("hak", _("Hakka")),
    ("en", _("English")),
    ("ja", _("Japanese")),
]
LANGUAGE_LABELS = dict(SPOKEN_LANGUAGES)


class CancellationRule(models.TextChoices):
    """When a person may still cancel and what part of the price comes back (experiences.rules)."""

    FLEXIBLE = "flexible", _("Flexible: full refund up to 24 hours before the start")
    MODERATE = "moderate", _("Moderate: full refund up to 7 days before, half up to 24 hours before")
    STRICT = "strict", _("Strict: half refund up to 7 days before, none after")


class Experience(models.Model):
    class Kind(models.TextChoices):
        EXPERIENCE = "experience", _("Experience")
        BRIEFING = "briefing", _("Briefing")
        WORKSHOP = "workshop", _("Workshop")
        EXHIBITION = "exhibition", _("Exhibition")
        VOLUNTEERING = "volunteering", _("Volunteering")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="experiences", verbose_name=_("organisation")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.EXPERIENCE)
    title_zh = models.CharField(_("title (Chinese)"), max_length=120)
    title_en = models.CharField(_("title (English)"), max_length=120, blank=True)
    title_ja = models.CharField(_("title (Japanese)"), max_length=120, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), max_length=5000)
    description_en = models.TextField(_("description (English)"), max_length=5000, blank=True)
    description_ja = models.TextField(_("description (Japanese)"), max_length=5000, blank=True)
    township = models.ForeignKey(
        "places.Township", on_delete=models.PROTECT, related_name="experiences", verbose_name=_("township")
    )
    meeting_point = models.CharField(_("meeting point"), max_length=200, blank=True)
    meeting_point_en = models.CharField(_("meeting point (English)"), max_length=200, blank=True)
    meeting_point_ja = models.CharField(_("meeting point (Japanese)"), max_length=200, blank=True)
    latitude = models.FloatField(
        _("latitude"), null=True, blank=True, validators=[MinValueValidator(21.5), MaxValueValidator(26.5)]
    )
    longitude = models.FloatField(
        _("longitude"), null=True, blank=True, validators=[MinValueValidator(118.0), MaxValueValidator(122.5)]
    )
    price_twd = models.PositiveIntegerField(
        _("price per person (NT$)"), default=0, help_text=_("0 for a free experience. Volunteering is always free.")
    )
    languages = models.JSONField(_("languages spoken"), default=list, blank=True)
    accessibility = models.TextField(_("accessibility"), max_length=1000, blank=True)
    accessibility_en = models.TextField(_("accessibility (English)"), max_length=1000, blank=True)
    accessibility_ja = models.TextField(_("accessibility (Japanese)"), max_length=1000, blank=True)
    what_to_bring = models.TextField(_("what to bring"), max_length=1000, blank=True)
    what_to_bring_en = models.TextField(_("what to bring (English)"), max_length=1000, blank=True)
    what_to_bring_ja = models.TextField(_("what to bring (Japanese)"), max_length=1000, blank=True)
    minimum_age = models.PositiveSmallIntegerField(
        _("minimum age"), default=0, validators=[MaxValueValidator(99)], help_text=_("0 when all ages are welcome.")
    )
    cancellation_rule = models.CharField(
        _("cancellation and refund rule"),
        max_length=10,
        choices=CancellationRule.choices,
        default=CancellationRule.FLEXIBLE,
    )
    # The organiser's photo, an image of the CMS library like a project's (uploads pass cms.images' checks), with
    # what it shows in words for people who cannot see it, in Chinese and optionally in English and Japanese.
    image = models.ForeignKey(
        get_image_model_string(),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("photo"),
    )
    image_alt = models.CharField(_("what the photo shows"), max_length=255, blank=True)
    image_alt_en = models.CharField(_("what the photo shows (English)"), max_length=255, blank=True)
    image_alt_ja = models.CharField(_("what the photo shows (Japanese)"), max_length=255, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("experience")
        verbose_name_plural = _("experiences")
        indexes = [models.Index(fields=["is_published", "kind"])]
        # Staff (Moderators: accounts.staff) unpublish any team's experience, giving the team a reason.
        permissions = [("moderate_experience", _("Can unpublish any experience, as staff"))]

    def __str__(self):
        return self.title_zh

    def get_absolute_url(self):
        return reverse("experiences:detail", kwargs={"pk": self.pk})

    # The organiser writes in Chinese (title_zh…, meeting_point…) and may add English and Japanese versions.
    ORIGINAL_LANGUAGE = "zh-hant"
    TRANSLATED_TEXTS = ("title", "description", "meeting_point", "accessibility", "what_to_bring", "image_alt")

    def _original(self, field):
        return getattr(self, f"{field}_zh") if field in ("title", "description") else getattr(self, field)

    def language_shown(self, field):
        """The language `field` is shown in to this reader: theirs when the organiser wrote that version, else the
        original Chinese (a page in English may then show Chinese text, marked with its `lang`)."""
        language = (get_language() or self.ORIGINAL_LANGUAGE).lower()
        for code in ("en", "ja"):
            if language.startswith(code) and getattr(self, f"{field}_{code}"):
                return code
        return self.ORIGINAL_LANGUAGE

    def _in_language(self, field):
        code = self.language_shown(field)
        return self._original(field) if code == self.ORIGINAL_LANGUAGE else getattr(self, f"{field}_{code}")

    def versions(self, field):
        """{language: text} of `field` in each language the organiser wrote it in, the original Chinese first: what a
        notification keeps (notifications' `Message.named`) to show it in the language it is read in later, falling
        back to the original where a version is missing."""
        texts = {self.ORIGINAL_LANGUAGE: self._original(field)}
        texts.update({code: getattr(self, f"{field}_{code}") for code in ("en", "ja")})
        return {language: text for language, text in texts.items() if text}

    @property
    def in_reader_language(self):
        """{field: {"text", "lang"}} for the texts the organiser writes, each in the reader's language where there
        is a version in it, with its HTML `lang` (templates mark the text with the language it is written in)."""
        from core.languages import html_lang

        return {
            field: {"text": self._in_language(field), "lang": html_lang(self.language_shown(field))}
            for field in self.TRANSLATED_TEXTS
        }

    @property
    def title(self):
        return self._in_language("title")

    @property
    def description(self):
        return self._in_language("description")

    @property
    def title_lang(self):
        """The HTML `lang` of `title` (cards in lists show the title alone)."""
        from core.languages import html_lang

        return html_lang(self.language_shown("title"))

    @property
    def photo_alt(self):
        """What the photo shows, in the reader's language where the organiser wrote it, else the Chinese original,
        else the library image's own description (every stored image has one)."""
        if self.image is None:
            return ""
        return self._in_language("image_alt") or self.image.description

    @property
    def photo_alt_lang(self):
        from core.languages import html_lang

        return html_lang(self.language_shown("image_alt"))

    @property
    def is_free(self):
        return self.price_twd == 0

    @property
    def is_volunteering(self):
        return self.kind == self.Kind.VOLUNTEERING

    def language_labels(self):
        return [LANGUAGE_LABELS[code] for code in self.languages if code in LANGUAGE_LABELS]


def latest_slot_start():
    """The latest moment a time slot added now may start (settings.EXPERIENCE_SLOT_MAX_DAYS from today's end)."""
    today_ends = timezone.localtime().replace(hour=23, minute=59, second=59, microsecond=0)
    return today_ends + timedelta(days=settings.EXPERIENCE_SLOT_MAX_DAYS)


class Slot(models.Model):
    """One date and time of an experience (a shift, for volunteering) with its number of places."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CANCELLED = "cancelled", _("Cancelled")

    experience = models.ForeignKey(
        Experience, on_delete=models.CASCADE, related_name="slots", verbose_name=_("experience")
    )
    starts_at = models.DateTimeField(_("starts"))
    ends_at = models.DateTimeField(_("ends"))
    capacity = models.PositiveIntegerField(_("places"), validators=[MinValueValidator(1), MaxValueValidator(1000)])
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["starts_at", "pk"]
        verbose_name = _("time slot")
        verbose_name_plural = _("time slots")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_at__gt=models.F("starts_at")), name="slot_ends_after_start")
        ]

    def __str__(self):
        return f"{self.experience} {timezone.localtime(self.starts_at):%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self):
        return self.status == self.Status.CANCELLED

    @property
    def hours(self):
        return round((self.ends_at - self.starts_at) / timedelta(hours=1), 2)


class BookingQuerySet(models.QuerySet):
    def holding_a_place(self):
        return self.filter(status__in=Booking.HOLDS_A_PLACE)

    def active(self):
        return self.filter(status__in=Booking.ACTIVE)


class Booking(models.Model):
    class Status(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed")
        WAITLISTED = "waitlisted", _("On the waitlist")
        OFFERED = "offered", _("Place offered")
        ATTENDED = "attended", _("Attended")
        CANCELLED = "cancelled", _("Cancelled")
        LAPSED = "lapsed", _("Offer lapsed")
        # A paid place held while the person pays on Stripe's page (until hold_expires_at); the webhook confirms it.
        PAYING = "paying", _("Held while you pay")
        # The payment did not come in time (the Checkout Session expired): the place was released.
        UNPAID = "unpaid", _("Not paid: place released")

    HOLDS_A_PLACE = (Status.CONFIRMED, Status.OFFERED, Status.ATTENDED, Status.PAYING)
    ACTIVE = (Status.CONFIRMED, Status.OFFERED, Status.WAITLISTED, Status.ATTENDED, Status.PAYING)

    slot = models.ForeignKey(Slot, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("time slot"))
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bookings", verbose_name=_("person")
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices)
    # What the place cost when booked (0 when free); the money itself is in the payments ledger (`payment`).
    price_twd = models.PositiveIntegerField(_("price (NT$)"), default=0)
    offer_expires_at = models.DateTimeField(_("offer open until"), null=True, blank=True)
    # A paid place: its payment (payments.purchases; one per attempt, the last one here) and how long the place is
    # held for it while the person pays (the Checkout Session's lifetime).
    payment = models.ForeignKey(
        "payments.Backing",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("payment"),
    )
    hold_expires_at = models.DateTimeField(_("held until"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("reminded"), null=True, blank=True)
    attended_at = models.DateTimeField(_("attended"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled"), null=True, blank=True)
    cancelled_by_organiser = models.BooleanField(_("cancelled by the organiser"), default=False)
    refund_percent = models.PositiveSmallIntegerField(_("refund (%)"), null=True, blank=True)
    # The person confirmed they meet the experience's minimum age (no birth date or age is stored).
    age_confirmed = models.BooleanField(_("minimum age confirmed"), default=False)
    created = models.DateTimeField(_("booked"), auto_now_add=True)

    objects = BookingQuerySet.as_manager()

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("booking")
        verbose_name_plural = _("bookings")
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "person"],
                condition=models.Q(status__in=["confirmed", "offered", "waitlisted", "attended", "paying"]),
                name="one_active_booking_per_person_and_slot",
            )
        ]
        indexes = [models.Index(fields=["slot", "status", "created"])]

    def __str__(self):
        return f"{self.person} · {self.slot} ({self.get_status_display()})"

    @property
    def is_active(self):
        return self.status in self.ACTIVE


class PersonDigest(models.Model):
    """One person's weekly digest (matching help requests, new experiences near them): one row per person and week,
    claimed before the email leaves, so a second run of the job in the same week sends nothing."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("person")
    )
    week = models.DateField(_("week (its Monday)"))
    sent_at = models.DateTimeField(_("sent"), default=timezone.now)
    help_requests = models.PositiveSmallIntegerField(_("help requests"), default=0)
    experiences = models.PositiveSmallIntegerField(_("experiences"), default=0)

    class Meta:
        verbose_name = _("weekly digest for a person")
        verbose_name_plural = _("weekly digests for people")
        constraints = [models.UniqueConstraint(fields=["person", "week"], name="one_person_digest_per_week")]

    def __str__(self):
        return f"{self.person} · {self.week}"
