"""The account and organisation pages: happy paths, bad input and CSRF-less posts."""

import json
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from accounts import actions
from accounts.models import Invitation, Membership, Organisation, Role, User
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def test_creating_an_organisation_makes_the_creator_its_owner(client, alice):
    client.force_login(alice)

    response = client.post(reverse("organisations:create"), {"kind": "enterprise", "name": "Chishang Rice Lab"})

    organisation = Organisation.objects.get(name="Chishang Rice Lab")
    assert response["Location"] == organisation.get_absolute_url()
    assert organisation.memberships.get().role == Role.OWNER


def test_the_organisation_form_re_renders_with_messages_on_bad_input(client, alice):
    client.force_login(alice)

    response = client.post(reverse("organisations:create"), {"kind": "cooperative", "name": ""})

    assert response.status_code == 200
    assert "Select a valid choice." in response.text
    assert "This field is required." in response.text
    assert not Organisation.objects.exists()


def test_a_name_typed_with_a_line_break_does_not_break_the_invitation_email(
    client, alice, django_capture_on_commit_callbacks
):
    """The name went into the email's subject as typed: Django refuses a header with a line break, a 500."""
    client.force_login(alice)
    client.post(reverse("organisations:create"), {"kind": "enterprise", "name": "池上\r\n米工作室"})
    organisation = Organisation.objects.get()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisations:members", kwargs={"slug": organisation.slug}),
            {"email": "carol@example.tw", "role": "editor"},
        )
    assert response.status_code == 302
    [email] = mail.outbox
    assert "\n" not in email.subject and "池上 米工作室" in email.subject


def test_an_owner_invites_by_email_and_the_invitee_accepts(
    client, enterprise, alice, django_capture_on_commit_callbacks
):
    client.force_login(alice)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("organisations:members", kwargs={"slug": enterprise.slug}),
            {"email": "carol@example.tw", "role": "editor"},
        )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    accept_path = Invitation.objects.get().get_absolute_url()
    assert accept_path in mail.outbox[0].body

    carol = UserFactory(email="carol@example.tw")
    client.force_login(carol)
    assert "池上米工作室" in client.get(accept_path).text
    response = client.post(accept_path)

    assert response["Location"] == enterprise.get_absolute_url()
    assert Membership.objects.get(user=carol, organisation=enterprise).role == Role.EDITOR


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "not-an-email", "role": "editor"}, "Enter a valid email address."),
        ({"email": "bob@example.tw", "role": "editor"}, "bob@example.tw is already a member of this organisation."),
        ({"email": "carol@example.tw", "role": "admin"}, "Select a valid choice."),
    ],
)
def test_bad_invitations_get_clear_errors_and_change_nothing(client, enterprise, alice, data, message):
    client.force_login(alice)

    response = client.post(reverse("organisations:members", kwargs={"slug": enterprise.slug}), data)

    assert response.status_code == 400
    assert message in response.text
    assert not Invitation.objects.exists()
    assert mail.outbox == []


def test_a_second_invitation_to_the_same_address_is_refused(client, enterprise, alice):
    actions.invite_member(alice, enterprise, email="carol@example.tw", role=Role.EDITOR)
    client.force_login(alice)

    response = client.post(
        reverse("organisations:members", kwargs={"slug": enterprise.slug}),
        {"email": "Carol@example.tw", "role": "editor"},
    )

    assert response.status_code == 400
    assert "already been invited" in response.text
    assert Invitation.objects.count() == 1


def test_expired_reused_and_unknown_invitation_links_explain_themselves(client, enterprise, alice):
    carol = UserFactory(email="carol@example.tw")
    invitation = actions.invite_member(alice, enterprise, email="carol@example.tw", role=Role.EDITOR)
    client.force_login(carol)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    response = client.post(invitation.get_absolute_url())
    assert response.status_code == 400
    assert "This invitation has expired." in response.text
    assert not Membership.objects.filter(user=carol).exists()

    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() + timedelta(days=1))
    assert client.post(invitation.get_absolute_url()).status_code == 302
    response = client.post(invitation.get_absolute_url())
    assert response.status_code == 400
    assert "This invitation has already been used." in response.text

    response = client.get(reverse("invitation", kwargs={"token": "made-up"}))
    assert response.status_code == 404
    assert "This invitation link is not valid." in response.text
    assert Membership.objects.filter(user=carol).count() == 1


def test_accepting_with_another_address_is_refused_with_an_explanation(client, enterprise, alice, mallory):
    invitation = actions.invite_member(alice, enterprise, email="carol@example.tw", role=Role.EDITOR)
    client.force_login(mallory)

    response = client.post(invitation.get_absolute_url())

    assert response.status_code == 403
    assert "This invitation was sent to carol@example.tw, but you are signed in as mallory@example.tw." in response.text
    assert not Membership.objects.filter(user=mallory, organisation=enterprise).exists()
    assert Invitation.objects.get().accepted_at is None


def test_the_last_owner_is_told_why_they_cannot_leave(client, enterprise, alice):
    client.force_login(alice)

    response = client.post(reverse("organisations:leave", kwargs={"slug": enterprise.slug}), follow=True)

    assert "The last owner cannot leave or be removed." in response.text
    assert Membership.objects.filter(user=alice, organisation=enterprise).exists()


def test_an_owner_changes_a_role_and_removes_a_member(client, enterprise, alice, bob):
    client.force_login(alice)
    bob_membership = Membership.objects.get(user=bob, organisation=enterprise)
    keys = {"slug": enterprise.slug, "pk": bob_membership.pk}

    client.post(reverse("organisations:member_role", kwargs=keys), {"role": "owner"})
    assert Membership.objects.get(pk=bob_membership.pk).role == Role.OWNER

    response = client.post(reverse("organisations:member_role", kwargs=keys), {"role": "admin"}, follow=True)
    assert "Choose one of the roles offered." in response.text
    assert Membership.objects.get(pk=bob_membership.pk).role == Role.OWNER

    client.post(reverse("organisations:member_remove", kwargs=keys))
    assert not Membership.objects.filter(pk=bob_membership.pk).exists()


def test_a_member_id_of_another_organisation_is_not_found(client, enterprise, alice, mallory):
    forged = Membership.objects.get(user=mallory)
    client.force_login(alice)

    response = client.post(
        reverse("organisations:member_remove", kwargs={"slug": enterprise.slug, "pk": forged.pk}), {"role": "member"}
    )

    assert response.status_code == 404
    assert Membership.objects.filter(pk=forged.pk).exists()


@pytest.mark.parametrize(
    ("name", "kwargs", "data"),
    [
        ("organisations:create", lambda e, m: {}, {"kind": "company", "name": "Forged"}),
        ("organisations:settings", lambda e, m: {"slug": e.slug}, {"name": "Forged"}),
        ("organisations:members", lambda e, m: {"slug": e.slug}, {"email": "x@example.tw", "role": "editor"}),
        ("organisations:member_role", lambda e, m: {"slug": e.slug, "pk": m.pk}, {"role": "owner"}),
        ("organisations:member_remove", lambda e, m: {"slug": e.slug, "pk": m.pk}, {}),
        ("organisations:leave", lambda e, m: {"slug": e.slug}, {}),
        ("account_profile", lambda e, m: {}, {"display_name": "Forged", "preferred_language": "en"}),
        ("account_delete", lambda e, m: {}, {"email": "alice@example.tw"}),
    ],
)
def test_posts_without_a_csrf_token_are_refused(enterprise, alice, bob, name, kwargs, data):
    client = Client(enforce_csrf_checks=True)
    client.force_login(alice)
    bob_membership = Membership.objects.get(user=bob, organisation=enterprise)
    before = (
        list(Organisation.objects.values_list("name", flat=True)),
        list(Membership.objects.values_list("pk", "role")),
        Invitation.objects.count(),
        list(User.objects.values_list("email", "display_name")),
    )

    response = client.post(reverse(name, kwargs=kwargs(enterprise, bob_membership)), data)

    assert response.status_code == 403
    after = (
        list(Organisation.objects.values_list("name", flat=True)),
        list(Membership.objects.values_list("pk", "role")),
        Invitation.objects.count(),
        list(User.objects.values_list("email", "display_name")),
    )
    assert after == before


def test_the_invitation_accept_needs_a_csrf_token(enterprise, alice):
    carol = UserFactory(email="carol@example.tw")
    invitation = actions.invite_member(alice, enterprise, email="carol@example.tw", role=Role.EDITOR)
    client = Client(enforce_csrf_checks=True)
    client.force_login(carol)

    assert client.post(invitation.get_absolute_url()).status_code == 403
    assert not Membership.objects.filter(user=carol).exists()


def test_the_profile_saves_consent_with_a_timestamp(client, alice, townships):
    client.force_login(alice)
    from places.models import Township

    township = Township.objects.get(code="10014060")

    response = client.post(
        reverse("account_profile"),
        {
            "display_name": "Alice",
            "home_township": township.pk,
            "home_township_consent": "on",
            "preferred_language": "ja",
            "notify_messages": "on",
        },
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.home_township_consented_at is not None
    assert (alice.preferred_language, alice.notify_messages, alice.notify_recommendations) == ("ja", True, False)


def test_names_lose_direction_controls_that_would_turn_the_line_around(client, alice):
    """U+202E (right-to-left override) in a name turned the rest of every line showing it around ("‮gpj.exe"
    reads "exe.jpg"); the letters stay, the controls go. Right-to-left letters themselves are kept."""
    client.force_login(alice)

    response = client.post(
        reverse("account_profile"),
        {"display_name": "‮Ali⁦ce⁩ שלום", "preferred_language": "en"},
    )

    assert response.status_code == 302
    alice.refresh_from_db()
    assert alice.display_name == "Alice שלום"


def test_an_organisation_name_loses_direction_controls():
    from accounts.forms import OrganisationForm

    form = OrganisationForm({"name": "Good‮ Rice ‬"})

    assert form.is_valid() and form.cleaned_data["name"] == "Good Rice"


def test_consent_without_a_township_is_refused(client, alice):
    client.force_login(alice)

    response = client.post(
        reverse("account_profile"), {"display_name": "", "home_township_consent": "on", "preferred_language": "en"}
    )

    assert response.status_code == 200
    assert "Choose a home township first" in response.text
    alice.refresh_from_db()
    assert alice.home_township_consent is False


def test_the_personal_data_download_is_json_about_the_person(client, enterprise, alice):
    client.force_login(alice)

    response = client.get(reverse("account_personal_data_download"))

    assert response["Content-Type"].startswith("application/json")
    assert "attachment" in response["Content-Disposition"]
    data = json.loads(response.content)
    assert data["data"]["accounts"]["email"] == "alice@example.tw"
    assert data["data"]["accounts"]["memberships"][0]["organisation"] == "池上米工作室"


def test_account_deletion_asks_for_the_email_then_signs_out_and_deletes(client, bob):
    client.force_login(bob)

    response = client.post(reverse("account_delete"), {"email": "someone@example.tw"})
    assert response.status_code == 400
    assert "This is not the email address of your account." in response.text
    assert User.objects.filter(pk=bob.pk).exists()

    response = client.post(reverse("account_delete"), {"email": "bob@example.tw"})

    assert response.status_code == 302
    assert not User.objects.filter(email="bob@example.tw").exists()
    assert "_auth_user_id" not in client.session


def test_the_last_owner_is_told_to_hand_over_before_deleting(client, enterprise, alice):
    client.force_login(alice)

    response = client.get(reverse("account_delete"))

    assert "You are the last owner of 池上米工作室." in response.text
    assert client.post(reverse("account_delete"), {"email": "alice@example.tw"}).status_code == 400
    assert User.objects.filter(pk=alice.pk).exists()


def test_the_organisation_list_shows_invitations_and_an_empty_state(client, enterprise, alice):
    carol = UserFactory(email="carol@example.tw")
    client.force_login(carol)
    assert "You are not a member of any organisation yet." in client.get(reverse("organisations:list")).text

    actions.invite_member(alice, enterprise, email="carol@example.tw", role=Role.EDITOR)

    assert "池上米工作室" in client.get(reverse("organisations:list")).text


def test_the_organisation_list_introduces_its_kinds_in_japanese_without_chinese_glosses(client, alice):
    client.force_login(alice)

    with translation.override("ja"):
        page = client.get(reverse("organisations:list")).text

    assert "所属する地方創生事業チームや企業の一員として活動できます。" in page
    assert "企業（企業）" not in page
    assert "團隊" not in page


def test_the_header_menu_offers_the_account_pages(client, alice, home_pages):
    anonymous = client.get("/en/").text
    assert reverse("account_login") in anonymous

    client.force_login(alice)
    html = client.get("/en/").text

    assert reverse("account_profile") in html
    assert reverse("organisations:list") in html
    assert reverse("account_logout") in html


def test_account_pages_carry_the_account_menu_and_the_sign_in_page_does_not(client, enterprise, alice):
    assert 'class="account-nav"' not in client.get("/en/accounts/login/").text

    client.force_login(alice)
    for url in (reverse("account_profile"), reverse("account_email"), enterprise.get_absolute_url()):
        html = client.get(url).text
        assert 'class="account-nav"' in html, url
        assert "<title>" in html and "| Homeward</title>" in html


def test_any_member_edits_the_organisation_name(client, enterprise, bob):
    client.force_login(bob)

    response = client.post(
        reverse("organisations:settings", kwargs={"slug": enterprise.slug}), {"name": "池上米研究室"}
    )

    assert response.status_code == 302
    enterprise.refresh_from_db()
    assert enterprise.name == "池上米研究室"
    empty = client.post(reverse("organisations:settings", kwargs={"slug": enterprise.slug}), {"name": ""})
    assert "This field is required." in empty.text


def test_an_owner_withdraws_a_pending_invitation_and_its_link_stops_working(client, enterprise, alice):
    invitation = actions.invite_member(alice, enterprise, email="carol@example.tw", role=Role.EDITOR)
    client.force_login(alice)

    response = client.post(
        reverse("organisations:invitation_revoke", kwargs={"slug": enterprise.slug, "pk": invitation.pk}), follow=True
    )

    assert "The invitation has been withdrawn." in response.text
    carol = UserFactory(email="carol@example.tw")
    client.force_login(carol)
    assert client.post(invitation.get_absolute_url()).status_code == 404
    assert not Membership.objects.filter(user=carol).exists()


def test_the_members_page_costs_the_same_queries_for_many_members(
    client, enterprise, alice, django_assert_max_num_queries
):
    client.force_login(alice)
    url = reverse("organisations:members", kwargs={"slug": enterprise.slug})
    client.get(url)  # warm caches (content types, site)

    with django_assert_max_num_queries(20) as few:
        client.get(url)
    for number in range(15):
        enterprise.memberships.create(user=UserFactory(email=f"member{number}@example.tw"), role=Role.EDITOR)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)

    assert "member14@example.tw" in response.text
