"""People sign in with their email address; there are no usernames.

A person acts for themselves or for an organisation (an enterprise team or a
company) they are a member of. Changes to organisations go through
accounts/actions.py.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", True)
        extra_fields.setdefault("is_superuser", True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    username = None
    email = models.EmailField(_("email address"), unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    # The profile lives on the user: one row, no signal to keep a twin in step.
    home_township = models.ForeignKey(
        "places.Township",
        verbose_name=_("home township"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    home_township_consent = models.BooleanField(
        _("may use my home township for matching and the impact map"), default=False
    )
    home_township_consented_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    notify_project_updates = models.BooleanField(_("updates from projects I back or follow"), default=True)
    notify_recommendations = models.BooleanField(_("new projects that match my interests"), default=True)
    notify_messages = models.BooleanField(_("messages and organisation invitations"), default=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["email"]

    def save(self, *args, **kwargs):
        super().save(*args, **kwargs)
        update_fields = kwargs.get("update_fields")
        if update_fields is None or "preferred_language" in update_fields:
            self.sync_admin_language()

    def sync_admin_language(self):
        """Wagtail writes its emails (review requests, approvals) and its admin in the language of its own user
        profile, falling back to the language of whoever triggered the email: keep it the person's language."""
        from wagtail.users.models import UserProfile

        if not UserProfile.objects.filter(user=self, preferred_language=self.preferred_language).exists():
            UserProfile.objects.update_or_create(user=self, defaults={"preferred_language": self.preferred_language})

    def __str__(self):
        return self.display_name or self.email

    def get_full_name(self):
        return self.display_name or super().get_full_name() or self.email

    def shared_home_township(self):
        """The home township, only when the person agreed that matching and the impact map may use it."""
        return self.home_township if self.home_township_consent else None


class Organisation(models.Model):
    wagtail_reference_index_ignore = True  # not content: no reference-index task per save (see core.AuditEntry)

    class Kind(models.TextChoices):
        ENTERPRISE = "enterprise", _("Enterprise team")
        COMPANY = "company", _("Company")
        TOWNSHIP_OFFICE = "township_office", _("Township office")
        COUNTY_GOVERNMENT = "county_government", _("County or city government")
        UNIVERSITY = "university", _("University")
        FOUNDATION = "foundation", _("Foundation or non-profit")
        COMMUNITY = "community", _("Community association")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=140, unique=True, allow_unicode=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    # A township office belongs to its township, a county government to its county; other kinds may name where
    # they are based. Public bodies and universities are verified by staff before they speak for a place.
    township = models.ForeignKey(
        "places.Township",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("township"),
    )
    county = models.ForeignKey(
        "places.County",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
        verbose_name=_("county or city"),
    )
    usr_programme = models.BooleanField(
        _("in the University Social Responsibility programme"),
        default=False,
        help_text=_("Universities only: the Ministry of Education's USR programme."),
    )
    verified_at = models.DateTimeField(_("verified"), null=True, blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, through="Membership", related_name="organisations", verbose_name=_("members")
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("organisations:detail", kwargs={"slug": self.slug})

    @property
    def awaits_verification(self):
        """A public body or university speaks for a place: until staff verify it, it posts nothing in that name
        (help requests, published experiences, plans)."""
        return self.kind in SPEAKS_FOR_A_PLACE and self.verified_at is None

    @property
    def manager_role(self):
        """The role that manages members: owner of an enterprise team, admin of a company."""
        return Role.OWNER if self.kind == self.Kind.ENTERPRISE else Role.ADMIN

    def role_choices(self):
        roles = ROLES_BY_KIND[self.kind]
        return [(value, label) for value, label in Role.choices if value in roles]


SPEAKS_FOR_A_PLACE = (
    Organisation.Kind.TOWNSHIP_OFFICE,
    Organisation.Kind.COUNTY_GOVERNMENT,
    Organisation.Kind.UNIVERSITY,
)


class Role(models.TextChoices):
    OWNER = "owner", _("Owner")
    EDITOR = "editor", _("Editor")
    ADMIN = "admin", pgettext_lazy("organisation role", "Admin")
    MEMBER = "member", _("Member")


ROLES_BY_KIND = {
    Organisation.Kind.ENTERPRISE: (Role.OWNER, Role.EDITOR),
    Organisation.Kind.COMPANY: (Role.ADMIN, Role.MEMBER),
    Organisation.Kind.TOWNSHIP_OFFICE: (Role.ADMIN, Role.MEMBER),
    Organisation.Kind.COUNTY_GOVERNMENT: (Role.ADMIN, Role.MEMBER),
    Organisation.Kind.UNIVERSITY: (Role.ADMIN, Role.MEMBER),
    Organisation.Kind.FOUNDATION: (Role.ADMIN, Role.MEMBER),
    Organisation.Kind.COMMUNITY: (Role.ADMIN, Role.MEMBER),
}
MANAGER_ROLES = (Role.OWNER, Role.ADMIN)


class MembershipQuerySet(models.QuerySet):
    def managers(self):
        return self.filter(role__in=MANAGER_ROLES)


class Membership(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("user")
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("organisation")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    created = models.DateTimeField(_("joined"), auto_now_add=True)

    objects = MembershipQuerySet.as_manager()

    class Meta:
        ordering = ["organisation", "created"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_organisation")]

    def __str__(self):
        return f"{self.user} · {self.organisation} ({self.get_role_display()})"

    @property
    def is_manager(self):
        return self.role in MANAGER_ROLES


def _new_token():
    return secrets.token_urlsafe(32)


INVITATION_VALID_FOR = timedelta(days=7)


def _default_expiry():
    return timezone.now() + INVITATION_VALID_FOR


class InvitationQuerySet(models.QuerySet):
    def pending(self):
        return self.filter(accepted_at__isnull=True, expires_at__gt=timezone.now())


class Invitation(models.Model):
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("organisation")
    )
    email = models.EmailField(_("email address"))
    role = models.CharField(_("role"), max_length=20, choices=Role.choices)
    token = models.CharField(
        max_length=64, unique=True, default=_new_token, editable=False, verbose_name=_("invitation token")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)
    expires_at = models.DateTimeField(_("expires at"), default=_default_expiry)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="invitations_sent",
        verbose_name=_("invited by"),
    )

    objects = InvitationQuerySet.as_manager()

    class Meta:
        ordering = ["-created"]
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self):
        return f"{self.email} → {self.organisation}"

    def get_absolute_url(self):
        return reverse("invitation", kwargs={"token": self.token})

    @property
    def is_expired(self):
        return self.expires_at <= timezone.now()
