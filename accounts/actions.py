"""Every change to accounts and organisations: check the permission, do it, log it.

The same function serves a view, an API or a script. `check_*` functions raise
PermissionDenied (the caller answers 403) or ActionRefused (a message the person
can act on); `do_*`-style work happens inside a transaction and writes an
audit entry (core.audit.log, with a core.audit.Action).
"""

import logging

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from django.utils.translation import gettext as _

from accounts.models import (
    MANAGER_ROLES,
    ROLES_BY_KIND,
    Invitation,
    Membership,
    Organisation,
    User,
)
from accounts.personal_data import get_providers
from core.actions import ActionRefused
from core.audit import Action, log
from core.live import recheck_sockets_of
from core.mail import subject_line
from core.models import AuditEntry

logger = logging.getLogger(__name__)


# --- permissions -----------------------------------------------------------------


def get_membership(user, organisation):
    if not user.is_authenticated:
        return None
    return Membership.objects.filter(user=user, organisation=organisation).first()


def check_member(user, organisation):
    """Members see the organisation's private pages and edit it; anyone else is refused."""
    membership = get_membership(user, organisation)
    if membership is None:
        raise PermissionDenied
    return membership


def check_manager(user, organisation):
    """Only owners (enterprise) and admins (company) manage members and invitations."""
    membership = check_member(user, organisation)
    if not membership.is_manager:
        raise PermissionDenied
    return membership


def _check_role_fits(organisation, role):
    if role not in ROLES_BY_KIND[organisation.kind]:
        raise ActionRefused(_("This role does not exist for this kind of organisation."))


def _is_last_manager(membership):
    if not membership.is_manager:
        return False
    others = Membership.objects.managers().filter(organisation_id=membership.organisation_id).exclude(pk=membership.pk)
    return not others.exists()


# --- organisations -----------------------------------------------------------------


RESERVED_SLUGS = {"new"}  # /organisations/new/ is the creation form


def _unique_slug(name):
    base = slugify(name, allow_unicode=True)[:120] or "organisation"
    slug, number = base, 2
    while slug in RESERVED_SLUGS or Organisation.objects.filter(slug=slug).exists():
        slug = f"{base}-{number}"
        number += 1
    return slug


PLACE_REQUIRED = {
    Organisation.Kind.TOWNSHIP_OFFICE: "township",
    Organisation.Kind.COUNTY_GOVERNMENT: "county",
}


def check_organisation_place(kind, township, county):
    """A township office names its township, a county government its county; a county given with a township must
    be the township's own."""
    if PLACE_REQUIRED.get(kind) == "township" and township is None:
        raise ActionRefused(_("A township office names its township."))
    if PLACE_REQUIRED.get(kind) == "county" and county is None:
        raise ActionRefused(_("A county or city government names its county or city."))
    if township is not None and county is not None and township.county_id != county.pk:
        raise ActionRefused(_("The township is not in that county or city."))


@transaction.atomic
def create_organisation(user, *, kind, name, township=None, county=None, usr_programme=False):
    """The person who creates an organisation becomes its first owner (enterprise) or admin (other kinds)."""
    if not user.is_authenticated:
        raise PermissionDenied
    if kind not in Organisation.Kind.values:
        raise ActionRefused(_("Choose what kind of organisation it is."))
    check_organisation_place(kind, township, county)
    if township is not None and county is None:
        county = township.county
    organisation = Organisation.objects.create(
        kind=kind,
        name=name.strip(),
        slug=_unique_slug(name),
        township=township,
        county=county,
        usr_programme=bool(usr_programme) and kind == Organisation.Kind.UNIVERSITY,
    )
    Membership.objects.create(user=user, organisation=organisation, role=organisation.manager_role)
    log(Action.ORGANISATION_CREATE, actor=user, organisation=organisation, kind=kind, name=organisation.name)
    return organisation


def check_verifier(user):
    """Staff who may change organisations in the admin (Moderators, superusers) verify them."""
    if not (user.is_authenticated and user.is_active and user.has_perm("accounts.change_organisation")):
        raise PermissionDenied


@transaction.atomic
def verify_organisation(user, organisation):
    """Staff confirm a public body, university or association is who it says it is; its page shows the badge."""
    check_verifier(user)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if organisation.verified_at:
        raise ActionRefused(_("This organisation is already verified."))
    organisation.verified_at = timezone.now()
    organisation.save(update_fields=["verified_at"])
    log(Action.ORGANISATION_VERIFY, actor=user, organisation=organisation)
    return organisation


@transaction.atomic
def unverify_organisation(user, organisation):
    check_verifier(user)
    organisation = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not organisation.verified_at:
        raise ActionRefused(_("This organisation is not verified."))
    organisation.verified_at = None
    organisation.save(update_fields=["verified_at"])
    log(Action.ORGANISATION_UNVERIFY, actor=user, organisation=organisation)
    return organisation


@transaction.atomic
def update_organisation(user, organisation, *, name):
    check_member(user, organisation)
    old = organisation.name
    organisation.name = name.strip()
    organisation.save(update_fields=["name"])
    log(Action.ORGANISATION_UPDATE, actor=user, organisation=organisation, old_name=old, name=organisation.name)
    return organisation


# --- invitations -------------------------------------------------------------------


@transaction.atomic
def invite_member(user, organisation, *, email, role, base_url=None):
    """Invite someone by email; the link works once, for that address, until it expires."""
    check_manager(user, organisation)
    _check_role_fits(organisation, role)
    email = User.objects.normalize_email(email).strip().lower()
    if Membership.objects.filter(organisation=organisation, user__email__iexact=email).exists():
        raise ActionRefused(_("%(email)s is already a member of this organisation.") % {"email": email})
    if organisation.invitations.pending().filter(email__iexact=email).exists():
        raise ActionRefused(
            _("%(email)s has already been invited and the invitation is still valid.") % {"email": email}
        )
    invitation = Invitation.objects.create(organisation=organisation, email=email, role=role, invited_by=user)
    log(Action.INVITATION_CREATE, actor=user, organisation=organisation, email=email, role=role)
    transaction.on_commit(lambda: send_invitation_email(invitation, base_url=base_url))
    return invitation


def send_invitation_email(invitation, *, base_url=None):
    """Written in the invitee's preferred language when they have an account, else in the inviter's current one."""
    invitee = User.objects.filter(email__iexact=invitation.email).only("preferred_language").first()
    language = invitee.preferred_language if invitee else translation.get_language()
    base_url = (base_url or settings.SITE_BASE_URL).rstrip("/")
    with translation.override(language):
        context = {
            "invitation": invitation,
            "organisation": invitation.organisation,
            "inviter": invitation.invited_by,
            "accept_url": base_url + invitation.get_absolute_url(),
        }
        subject = subject_line("accounts/email/invitation_subject.txt", context)
        body = render_to_string("accounts/email/invitation_message.txt", context)
    send_mail(subject, body, None, [invitation.email])


@transaction.atomic
def revoke_invitation(user, invitation):
    check_manager(user, invitation.organisation)
    if invitation.accepted_at:
        raise ActionRefused(_("This invitation has already been accepted."))
    log(Action.INVITATION_REVOKE, actor=user, organisation=invitation.organisation, email=invitation.email)
    invitation.delete()


def check_invitation(user, invitation):
    """Why `user` cannot accept `invitation`, as ActionRefused; nothing when they can."""
    if invitation.accepted_at:
        raise ActionRefused(_("This invitation has already been used."), code="used")
    if invitation.is_expired:
        raise ActionRefused(_("This invitation has expired. Ask the organisation for a new one."), code="expired")
    if user.email.lower() != invitation.email.lower():
        raise ActionRefused(
            _(
                "This invitation was sent to %(invited)s, but you are signed in as %(current)s. "
                "Sign in with the invited address (or add it to your account) to accept it."
            )
            % {"invited": invitation.email, "current": user.email},
            code="other_email",
        )
    if Membership.objects.filter(user=user, organisation=invitation.organisation).exists():
        raise ActionRefused(_("You are already a member of this organisation."))


@transaction.atomic
def accept_invitation(user, token):
    if not user.is_authenticated:
        raise PermissionDenied
    invitation = Invitation.objects.select_for_update().select_related("organisation").filter(token=token).first()
    if invitation is None:
        raise ActionRefused(_("This invitation link is not valid."))
    check_invitation(user, invitation)
    membership = Membership.objects.create(user=user, organisation=invitation.organisation, role=invitation.role)
    invitation.accepted_at = timezone.now()
    invitation.save(update_fields=["accepted_at"])
    log(Action.INVITATION_ACCEPT, actor=user, organisation=invitation.organisation, role=invitation.role)
    return membership


# --- members -------------------------------------------------------------------------


@transaction.atomic
def change_role(user, membership, role):
    organisation = membership.organisation
    check_manager(user, organisation)
    _check_role_fits(organisation, role)
    membership = Membership.objects.select_for_update().get(pk=membership.pk)
    if role not in MANAGER_ROLES and _is_last_manager(membership):
        raise ActionRefused(_("An organisation needs at least one owner. Make someone else an owner first."))
    old = membership.role
    membership.role = role
    membership.save(update_fields=["role"])
    log(Action.MEMBERSHIP_ROLE, actor=user, organisation=organisation, member=membership.user_id, old=old, role=role)
    return membership


@transaction.atomic
def remove_member(user, membership):
    """Owners remove members; anyone may leave. The last owner can do neither."""
    organisation = membership.organisation
    if membership.user_id != user.pk:
        check_manager(user, organisation)
    # Lock every manager row of the organisation, so two owners cannot remove each other at once.
    list(Membership.objects.select_for_update().managers().filter(organisation=organisation))
    if _is_last_manager(membership):
        raise ActionRefused(_("The last owner cannot leave or be removed. Make someone else an owner first."))
    action = Action.MEMBERSHIP_LEAVE if membership.user_id == user.pk else Action.MEMBERSHIP_REMOVE
    log(action, actor=user, organisation=organisation, member=membership.user_id, role=membership.role)
    membership.delete()
    recheck_sockets_of(membership.user_id)  # an open conversation of the organisation closes at once


def leave_organisation(user, organisation):
    return remove_member(user, check_member(user, organisation))


# --- profile and personal data ---------------------------------------------------------


@transaction.atomic
def update_profile(user, actor, **fields):
    """Change the profile; giving or withdrawing consent for the home township is timestamped."""
    if actor.pk != user.pk:
        raise PermissionDenied
    # Compare with the stored value: a bound ModelForm has already copied the new values onto `user`.
    had_consent = User.objects.filter(pk=user.pk).values_list("home_township_consent", flat=True).get()
    consent = fields.get("home_township_consent", had_consent)
    if consent and not had_consent:
        user.home_township_consented_at = timezone.now()
    elif not consent:
        user.home_township_consented_at = None
    for name, value in fields.items():
        setattr(user, name, value)
    user.save()
    log(Action.PROFILE_UPDATE, actor=actor, fields=sorted(fields))
    return user


def export_personal_data(user):
    """Everything Homeward holds about `user`, one key per registered provider."""
    return {
        "format": "homeward-personal-data/1",
        "exported_at": timezone.now().isoformat(),
        "data": {provider.name: provider.export(user) for provider in get_providers()},
    }


def check_can_delete_account(user):
    last_owner_of = [
        membership.organisation.name
        for membership in Membership.objects.managers().filter(user=user).select_related("organisation")
        if _is_last_manager(membership)
    ]
    if last_owner_of:
        raise ActionRefused(
            _("You are the last owner of %(names)s. Make someone else an owner, then delete your account.")
            % {"names": ", ".join(last_owner_of)}
        )


@transaction.atomic
def delete_account(user):
    """Erase the account: each provider removes or anonymises its part, then the user row goes."""
    check_can_delete_account(user)
    for provider in get_providers():
        provider.erase(user)
    log(Action.ACCOUNT_DELETE, actor=None, user_id=user.pk)
    user.delete()


# --- the accounts app's own personal data --------------------------------------------------


def _export_accounts(user):
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.socialaccount.models import SocialAccount

    township = user.home_township
    return {
        "email": user.email,
        "display_name": user.display_name,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
        "preferred_language": user.preferred_language,
        "home_township": township.code if township else None,
        "home_township_consent": user.home_township_consent,
        "home_township_consented_at": (
            user.home_township_consented_at.isoformat() if user.home_township_consented_at else None
        ),
        "notifications": {
            "project_updates": user.notify_project_updates,
            "recommendations": user.notify_recommendations,
            "messages": user.notify_messages,
        },
        "email_addresses": [
            {"email": address.email, "verified": address.verified, "primary": address.primary}
            for address in EmailAddress.objects.filter(user=user)
        ],
        "two_factor_methods": sorted(Authenticator.objects.filter(user=user).values_list("type", flat=True)),
        "social_accounts": [
            {"provider": account.provider, "uid": account.uid} for account in SocialAccount.objects.filter(user=user)
        ],
        "memberships": [
            {
                "organisation": membership.organisation.name,
                "kind": membership.organisation.kind,
                "role": membership.role,
            }
            for membership in user.memberships.select_related("organisation")
        ],
        "invitations_sent": [
            {
                "email": invitation.email,
                "organisation": invitation.organisation.name,
                "created": invitation.created.isoformat(),
            }
            for invitation in user.invitations_sent.select_related("organisation")
        ],
    }


def _erase_accounts(user):
    # Invitations this person sent to others are addressed to third parties: drop the pending ones.
    user.invitations_sent.filter(accepted_at__isnull=True).delete()
    # Invitations to this person's address carry their email: remove them too.
    Invitation.objects.filter(email__iexact=user.email).delete()
    # Memberships, email addresses, social accounts, authenticators and sessions go with the user row (CASCADE).
    # The audit trail keeps what happened, without the person: actor becomes NULL.
    AuditEntry.objects.filter(actor=user).update(actor=None)


def register_accounts_provider():
    from accounts.personal_data import register_provider

    register_provider("accounts", export=_export_accounts, erase=_erase_accounts)
