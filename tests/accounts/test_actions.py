"""accounts.actions: the rules of organisations, invitations, profiles and personal data."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone, translation

from accounts import actions
from accounts.models import Invitation, Membership, Organisation, Role
from accounts.personal_data import register_provider, unregister_provider
from accounts.privacy import public_name
from core.models import AuditEntry
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_the_creator_is_the_first_owner_of_an_enterprise_and_the_admin_of_a_company(alice):
    enterprise = actions.create_organisation(alice, kind="enterprise", name="池上米工作室")
    company = actions.create_organisation(alice, kind="company", name="Hometown Tea Co.")

    assert enterprise.slug == "池上米工作室"
    assert Membership.objects.get(organisation=enterprise, user=alice).role == Role.OWNER
    assert Membership.objects.get(organisation=company, user=alice).role == Role.ADMIN
    assert list(AuditEntry.objects.filter(actor=alice).values_list("action", flat=True)) == [
        "organisation.create",
        "organisation.create",
    ]


def test_slugs_stay_unique_and_avoid_reserved_words(alice):
    first = actions.create_organisation(alice, kind="company", name="New")
    second = actions.create_organisation(alice, kind="company", name="New")

    assert (first.slug, second.slug) == ("new-2", "new-3")


def test_an_invitation_is_sent_by_email_and_accepted_by_the_invited_address(
    enterprise, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        invitation = actions.invite_member(alice, enterprise, email="Carol@Example.tw", role=Role.EDITOR)

    assert invitation.email == "carol@example.tw"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["carol@example.tw"]
    assert invitation.get_absolute_url() in mail.outbox[0].body

    carol = UserFactory(email="carol@example.tw")
    membership = actions.accept_invitation(carol, invitation.token)

    assert membership.role == Role.EDITOR
    invitation.refresh_from_db()
    assert invitation.accepted_at is not None


def test_an_invitation_for_another_address_is_refused_with_an_explanation(enterprise, alice, bob, mallory):
    invitation = actions.invite_member(alice, enterprise, email="carol@example.tw", role=Role.EDITOR)

    with pytest.raises(actions.ActionRefused) as refused:
        actions.accept_invitation(mallory, invitation.token)

    assert "carol@example.tw" in refused.value.message
    assert "mallory@example.tw" in refused.value.message
    assert not Membership.objects.filter(user=mallory, organisation=enterprise).exists()


def test_expired_and_reused_invitations_are_refused(enterprise, alice):
    carol = UserFactory(email="carol@example.tw")
    expired = actions.invite_member(alice, enterprise, email="carol@example.tw", role=Role.EDITOR)
    Invitation.objects.filter(pk=expired.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    with pytest.raises(actions.ActionRefused, match="expired"):
        actions.accept_invitation(carol, expired.token)

    fresh = actions.invite_member(alice, enterprise, email="carol@example.tw", role=Role.EDITOR)
    actions.accept_invitation(carol, fresh.token)
    with pytest.raises(actions.ActionRefused, match="already been used"):
        actions.accept_invitation(carol, fresh.token)
    with pytest.raises(actions.ActionRefused, match="not valid"):
        actions.accept_invitation(carol, "no-such-token")
    assert Membership.objects.filter(user=carol).count() == 1


def test_duplicate_invitations_and_invitations_of_members_are_refused(enterprise, alice):
    actions.invite_member(alice, enterprise, email="carol@example.tw", role=Role.EDITOR)

    with pytest.raises(actions.ActionRefused, match="already been invited"):
        actions.invite_member(alice, enterprise, email="CAROL@example.tw", role=Role.EDITOR)
    with pytest.raises(actions.ActionRefused, match="already a member"):
        actions.invite_member(alice, enterprise, email="bob@example.tw", role=Role.EDITOR)
    assert enterprise.invitations.count() == 1


def test_roles_must_fit_the_kind_of_organisation(enterprise, alice):
    with pytest.raises(actions.ActionRefused):
        actions.invite_member(alice, enterprise, email="carol@example.tw", role=Role.ADMIN)
    with pytest.raises(actions.ActionRefused):
        actions.change_role(alice, Membership.objects.get(user=alice, organisation=enterprise), Role.MEMBER)


def test_only_owners_manage_members(enterprise, alice, bob):
    alice_membership = Membership.objects.get(user=alice, organisation=enterprise)

    with pytest.raises(PermissionDenied):
        actions.invite_member(bob, enterprise, email="carol@example.tw", role=Role.EDITOR)
    with pytest.raises(PermissionDenied):
        actions.remove_member(bob, alice_membership)
    with pytest.raises(PermissionDenied):
        actions.change_role(bob, alice_membership, Role.EDITOR)


def test_the_last_owner_can_neither_leave_nor_be_removed_nor_be_demoted(enterprise, alice, bob):
    alice_membership = Membership.objects.get(user=alice, organisation=enterprise)

    with pytest.raises(actions.ActionRefused, match="last owner"):
        actions.leave_organisation(alice, enterprise)
    with pytest.raises(actions.ActionRefused, match="at least one owner"):
        actions.change_role(alice, alice_membership, Role.EDITOR)

    actions.change_role(alice, Membership.objects.get(user=bob, organisation=enterprise), Role.OWNER)
    actions.leave_organisation(alice, enterprise)

    assert list(enterprise.memberships.values_list("user__email", "role")) == [("bob@example.tw", Role.OWNER)]
    with pytest.raises(actions.ActionRefused, match="last owner"):
        actions.remove_member(bob, Membership.objects.get(user=bob, organisation=enterprise))


def test_an_editor_may_leave(enterprise, bob):
    actions.leave_organisation(bob, enterprise)

    assert not Membership.objects.filter(user=bob, organisation=enterprise).exists()
    assert AuditEntry.objects.filter(action="membership.leave", organisation=enterprise).count() == 1


def test_consent_to_use_the_home_township_is_timestamped_and_withdrawn(alice, townships):
    from places.models import Township

    township = Township.objects.get(code="10014060")  # 臺東縣池上鄉
    actions.update_profile(alice, alice, home_township=township, home_township_consent=True)
    alice.refresh_from_db()

    assert alice.home_township_consented_at is not None
    assert alice.shared_home_township() == township

    actions.update_profile(alice, alice, home_township_consent=False)
    alice.refresh_from_db()

    assert alice.home_township_consented_at is None
    assert alice.shared_home_township() is None
    assert alice.home_township == township


def test_nobody_edits_another_persons_profile(alice, bob):
    with pytest.raises(PermissionDenied):
        actions.update_profile(alice, bob, display_name="Hacked")


def test_the_export_holds_every_providers_data(enterprise, alice):
    register_provider("backings", export=lambda user: [{"amount": 500, "user": user.email}], erase=lambda user: None)
    try:
        data = actions.export_personal_data(alice)
    finally:
        unregister_provider("backings")

    json.dumps(data)  # serialisable as it is
    assert data["data"]["accounts"]["email"] == "alice@example.tw"
    assert data["data"]["accounts"]["memberships"] == [
        {"organisation": "池上米工作室", "kind": "enterprise", "role": "owner"}
    ]
    assert data["data"]["backings"] == [{"amount": 500, "user": "alice@example.tw"}]


def test_deleting_an_account_runs_every_provider_then_removes_the_person(bob, enterprise, alice):
    kept_receipts = []

    def erase_backings(user):
        kept_receipts.append({"user_id": None, "amount": 500, "was": user.pk})

    register_provider("backings", export=lambda user: [], erase=erase_backings)
    try:
        bob_id = bob.pk
        actions.delete_account(bob)
    finally:
        unregister_provider("backings")

    assert kept_receipts == [{"user_id": None, "amount": 500, "was": bob_id}]
    assert not Membership.objects.filter(user_id=bob_id).exists()
    assert enterprise.memberships.count() == 1
    from accounts.models import User

    assert not User.objects.filter(pk=bob_id).exists()


def test_a_failing_provider_leaves_the_account_untouched(bob):
    def broken(user):
        raise RuntimeError("ledger unavailable")

    register_provider("broken", export=lambda user: {}, erase=broken)
    try:
        with pytest.raises(RuntimeError):
            actions.delete_account(bob)
    finally:
        unregister_provider("broken")

    bob.refresh_from_db()
    assert bob.email == "bob@example.tw"


def test_the_last_owner_must_hand_over_before_deleting_the_account(enterprise, alice):
    with pytest.raises(actions.ActionRefused, match="池上米工作室"):
        actions.delete_account(alice)

    assert Organisation.objects.filter(pk=enterprise.pk).exists()


def test_public_names_never_show_an_email(alice):
    anonymous_user = UserFactory(email="no-name@example.tw")

    assert public_name(alice) == "Alice 林"
    assert public_name(alice, anonymous=True) != "Alice 林"
    assert "@" not in public_name(anonymous_user)
    assert "@" not in public_name(None)


def test_the_invitation_email_speaks_the_invitees_language(enterprise, alice, django_capture_on_commit_callbacks):
    UserFactory(email="kenji@example.jp", preferred_language="ja")

    with django_capture_on_commit_callbacks(execute=True):
        actions.invite_member(alice, enterprise, email="kenji@example.jp", role=Role.EDITOR)
        actions.invite_member(alice, enterprise, email="newcomer@example.tw", role=Role.EDITOR)

    assert "池上米工作室への招待" in mail.outbox[0].subject
    assert "You are invited to join 池上米工作室" in mail.outbox[1].subject
