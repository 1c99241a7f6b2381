"""People who offer skills or time, the help that teams and public bodies ask for, and the offers between them.

A TalentProfile belongs to one person; a HelpRequest to an organisation (a team, a township office, an
association…); an Offer links the two and moves offered → accepted → engaged → done (or declined / withdrawn).
Every change goes through people/actions.py; the ranking both ways is people/matching.py.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _


class Field(models.TextChoices):
    """The expert advisory team's fields (the national plan's list) and a catch-all."""

    TECHNOLOGY = "technology", _("Technology")
    CREATIVE = "creative", _("Creative value-adding")
    FARM_FISHERY = "farm_fishery", _("Farm and fishery R&D")
    MARKETING = "marketing", _("Marketing channels")
    MANAGEMENT = "management", _("Business management")
    OTHER = "other", _("Other")


class WorkFormat(models.TextChoices):
    REMOTE = "remote", _("Remote")
    ON_SITE = "on_site", _("On site")
    EITHER = "either", _("Remote or on site")


class Language(models.TextChoices):
    MANDARIN = "zh", _("Mandarin")
    TAIWANESE = "nan", _("Taiwanese Hokkien")
    HAKKA = "hak", _("Hakka")
    INDIGENOUS = "indigenous", _("An indigenous language")
    ENGLISH = "en", _("English")
    JAPANESE = "ja", _("Japanese")


def join_codes(codes):
    """Several choices in one column, as ",a,b,": a LIKE "%,a,%" finds them on SQLite and PostgreSQL alike."""
    return "," + ",".join(sorted(set(codes))) + "," if codes else ""


def split_codes(value):
    return [code for code in (value or "").split(",") if code]


class TalentProfile(models.Model):
    class Kind(models.TextChoices):
        EXPERT = "expert", _("Expert adviser")
        RETIREE = "retiree", _("Retiree")
        CIVIL_SERVANT = "civil_servant", _("Civil servant (secondment or exchange)")
        RETURNING_YOUTH = "returning_youth", _("Returning youth")

    class Visibility(models.TextChoices):
        PUBLIC = "public", _("Everyone")
        MEMBERS = "members", _("Signed-in members")
        ORGANISATIONS = "organisations", _("Members of organisations only")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="talent_profile", verbose_name=_("person")
    )
    kind = models.CharField(_("I am"), max_length=20, choices=Kind.choices)
    headline = models.CharField(_("headline"), max_length=120)
    about = models.TextField(_("about me"), max_length=2000, blank=True)
    fields = models.CharField(_("fields"), max_length=200, blank=True)  # join_codes(Field)
    skills = models.CharField(_("skills"), max_length=300, blank=True)
    sectors = models.ManyToManyField("cms.Sector", blank=True, related_name="+", verbose_name=_("sectors"))
    languages = models.CharField(_("languages"), max_length=100, blank=True)  # join_codes(Language)
    # Hometown ties, as companies have them: where the person comes from, and the townships they can serve.
    home_township = models.ForeignKey(
        "places.Township",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("home township"),
    )
    townships = models.ManyToManyField(
        "places.Township", blank=True, related_name="talent_profiles", verbose_name=_("townships I can serve")
    )
    hours_per_month = models.PositiveSmallIntegerField(_("hours a month"), default=8)
    work_format = models.CharField(_("format"), max_length=10, choices=WorkFormat.choices, default=WorkFormat.EITHER)
    available_from = models.DateField(_("available from"), null=True, blank=True)
    available_until = models.DateField(_("available until"), null=True, blank=True)
    pro_bono = models.BooleanField(_("pro bono"), default=False)
    fee_note = models.CharField(_("fee"), max_length=120, blank=True)
    visibility = models.CharField(
        _("who may see my profile"), max_length=20, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    contact_email = models.EmailField(_("contact email"), blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_other = models.CharField(_("other way to reach me"), max_length=200, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated"]
        verbose_name = _("talent profile")
        verbose_name_plural = _("talent profiles")
        indexes = [models.Index(fields=["visibility", "available_until"])]

    def __str__(self):
        return f"{self.user} · {self.headline}"

    def get_absolute_url(self):
        return reverse("people:profile", kwargs={"pk": self.pk})

    @property
    def name(self):
        """The name shown on pages: never the email address (accounts.privacy.public_name)."""
        from accounts.privacy import public_name

        return public_name(self.user)

    @property
    def field_list(self):
        return split_codes(self.fields)

    @property
    def field_labels(self):
        return [Field(code).label for code in self.field_list if code in Field.values]

    @property
    def language_labels(self):
        return [Language(code).label for code in split_codes(self.languages) if code in Language.values]


class HelpRequest(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        CLOSED = "closed", _("Closed")

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="help_requests", verbose_name=_("organisation")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("posted by")
    )
    title = models.CharField(_("what you need"), max_length=120)
    description = models.TextField(_("description"), max_length=4000)
    field = models.CharField(_("field"), max_length=20, choices=Field.choices)
    sector = models.ForeignKey(
        "cms.Sector", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("sector")
    )
    township = models.ForeignKey(
        "places.Township", on_delete=models.PROTECT, related_name="help_requests", verbose_name=_("township")
    )
    work_format = models.CharField(_("format"), max_length=10, choices=WorkFormat.choices)
    # The help request form's own labels: "from" alone is a stage change's "from" (原階段) elsewhere.
    starts_on = models.DateField(pgettext_lazy("timeframe", "From"))
    ends_on = models.DateField(pgettext_lazy("timeframe", "Until"))
    budget_twd = models.PositiveIntegerField(_("budget (NT$)"), null=True, blank=True)
    pro_bono = models.BooleanField(_("pro bono"), default=False)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("help request")
        verbose_name_plural = _("help requests")
        indexes = [models.Index(fields=["status", "ends_on"])]
        # Staff (Moderators: accounts.staff) close any organisation's help request, giving it a reason.
        permissions = [("moderate_helprequest", _("Can close any help request, as staff"))]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("people:request", kwargs={"pk": self.pk})


def latest_help_request_end(today=None):
    """The last day a help request posted today may run to (settings.HELP_REQUEST_MAX_DAYS from today)."""
    return (today or timezone.localdate()) + datetime.timedelta(days=settings.HELP_REQUEST_MAX_DAYS)


def help_request_too_long_message(today=None):
    return gettext("A help request runs for at most %(days)s days: give a day on or before %(date)s.") % {
        "days": settings.HELP_REQUEST_MAX_DAYS,
        "date": formats.date_format(latest_help_request_end(today)),
    }


class Offer(models.Model):
    class Status(models.TextChoices):
        OFFERED = "offered", _("Offered")
        ACCEPTED = "accepted", _("Accepted")
        ENGAGED = "engaged", _("Under way")
        DONE = "done", _("Done")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    OPEN_STATUSES = (Status.OFFERED, Status.ACCEPTED, Status.ENGAGED)
    # Once accepted, the requester's members may see the person's contact details.
    ACCEPTED_STATUSES = (Status.ACCEPTED, Status.ENGAGED, Status.DONE)

    help_request = models.ForeignKey(
        HelpRequest, on_delete=models.CASCADE, related_name="offers", verbose_name=_("help request")
    )
    profile = models.ForeignKey(
        TalentProfile, on_delete=models.CASCADE, related_name="offers", verbose_name=_("person")
    )
    message = models.TextField(_("message"), max_length=2000, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OFFERED)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    changed = models.DateTimeField(_("changed"), auto_now=True)
    person_rating = models.PositiveSmallIntegerField(_("the person's rating"), null=True, blank=True)
    person_feedback = models.TextField(_("the person's feedback"), max_length=2000, blank=True)
    requester_rating = models.PositiveSmallIntegerField(_("the requester's rating"), null=True, blank=True)
    requester_feedback = models.TextField(_("the requester's feedback"), max_length=2000, blank=True)
    # The private conversation between the person and the organisation, opened when the offer is accepted.
    conversation = models.OneToOneField(
        "conversations.Conversation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="help_offer",
        verbose_name=_("conversation"),
    )

    class Meta:
        ordering = ["-changed"]
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        constraints = [
            models.UniqueConstraint(fields=["help_request", "profile"], name="one_offer_per_person_and_request")
        ]

    def __str__(self):
        return f"{self.profile.user} → {self.help_request}"

    def get_absolute_url(self):
        return reverse("people:offer", kwargs={"pk": self.pk})


class OrganisationFollow(models.Model):
    """A person follows a township office or a county government: its help requests reach them as notifications."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="organisation_follows",
        verbose_name=_("person"),
    )
    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="followers", verbose_name=_("organisation")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("follow")
        verbose_name_plural = _("follows")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_follow_per_organisation")]

    def __str__(self):
        return f"{self.user} → {self.organisation}"
