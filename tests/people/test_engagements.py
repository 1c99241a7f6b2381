"""What happens around an offer once a team answers it: the conversation that opens on acceptance, who sees the
person's contact details, the notifications of each step, the person's and the company's dashboards, and the
moderators who verify organisations."""

import datetime
import uuid

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from accounts import actions as account_actions
from accounts.models import Organisation
from accounts.staff import ensure_staff_groups
from conversations import actions as conversation_actions
from conversations.models import Conversation, ReadMarker
from conversations.queries import conversations_of, is_participant
from core.actions import ActionRefused
from notifications.models import Notification
from people import actions
from tests.factories.accounts import UserFactory, verified_organisation
from tests.factories.market import KOUHU, ZHUSHAN
from tests.people.test_people import profile_data, request_data

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]
CONTACT = "expert@example.tw"


def accepted(alice, expert, help_request, capture):
    with capture(execute=True):
        offer = actions.make_offer(expert.user, help_request, message="可以")
        actions.accept_offer(alice, offer)
    offer.refresh_from_db()
    return offer


# --- the conversation ---------------------------------------------------------------------------


def test_accepting_opens_one_conversation_both_sides_reach_from_the_offer_page(
    client, alice, bob, office, expert, help_request, django_capture_on_commit_callbacks
):
    office.memberships.create(user=bob, role=office.manager_role)
    offer = accepted(alice, expert, help_request, django_capture_on_commit_callbacks)

    conversation = offer.conversation
    assert conversation is not None
    assert (conversation.team_id, conversation.person_id, conversation.company_id) == (office.pk, expert.user_id, None)
    assert conversation.title == help_request.title
    assert conversation.subject_url == offer.get_absolute_url()
    conversation_url = reverse("conversations:detail", kwargs={"pk": conversation.pk})

    for user in (expert.user, alice, bob):
        client.force_login(user)
        assert conversation_url in client.get(offer.get_absolute_url()).text
        page = client.get(conversation_url)
        assert page.status_code == 200, user
        assert help_request.title in page.text
        assert list(conversations_of(user)) == [conversation]

    outsider = UserFactory()
    assert not is_participant(outsider, conversation)
    client.force_login(outsider)
    assert client.get(conversation_url).status_code == 403
    assert list(conversations_of(outsider)) == []

    # Starting and finishing the engagement keeps the same conversation; nothing opens twice.
    actions.start_engagement(expert.user, offer)
    actions.complete_engagement(alice, offer)
    assert Conversation.objects.count() == 1


def test_a_message_in_the_conversation_reaches_the_other_side(
    alice, expert, help_request, django_capture_on_commit_callbacks
):
    offer = accepted(alice, expert, help_request, django_capture_on_commit_callbacks)
    conversation_actions.send_message(
        expert.user, offer.conversation, text="您好，我下週可以到口湖。", client_id=uuid.uuid4()
    )
    told = Notification.objects.get(recipient=alice, kind="conversation_reply")
    assert help_request.title in told.title
    assert not Notification.objects.filter(recipient=expert.user, kind="conversation_reply").exists()
    # The person left the page a while ago (someone who just wrote is reading live and gets no bell).
    ReadMarker.objects.filter(user=expert.user).update(updated=timezone.now() - datetime.timedelta(minutes=10))
    conversation_actions.send_message(alice, offer.conversation, text="歡迎！", client_id=uuid.uuid4())
    assert Notification.objects.filter(recipient=expert.user, kind="conversation_reply").exists()
    with pytest.raises(PermissionDenied):
        conversation_actions.send_message(UserFactory(), offer.conversation, text="hi", client_id=uuid.uuid4())


def test_no_conversation_before_acceptance_nor_on_a_declined_offer(client, alice, expert, help_request):
    offer = actions.make_offer(expert.user, help_request)
    client.force_login(expert.user)
    assert "data-offer-conversation" not in client.get(offer.get_absolute_url()).text
    actions.decline_offer(alice, offer)
    offer.refresh_from_db()
    assert offer.conversation is None
    assert not Conversation.objects.exists()


def test_a_conversation_is_about_an_interest_or_a_person_never_neither(office):
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Conversation.objects.create(team=office)


# --- contact details ----------------------------------------------------------------------------


def test_contact_details_only_for_the_organisation_that_accepted(
    client, alice, office, expert, help_request, places, django_capture_on_commit_callbacks
):
    profile_url = reverse("people:profile", kwargs={"pk": expert.pk})
    # Another township office the person also offered to help, which has not accepted.
    carol = UserFactory()
    other_office = verified_organisation(
        carol, kind=Organisation.Kind.TOWNSHIP_OFFICE, name="竹山鎮公所", township=places[ZHUSHAN]
    )
    other_request = actions.create_help_request(carol, other_office, **request_data(places[ZHUSHAN]))
    other_offer = actions.make_offer(expert.user, other_request)

    offer = actions.make_offer(expert.user, help_request)
    client.force_login(alice)
    assert CONTACT not in client.get(profile_url).text
    assert CONTACT not in client.get(offer.get_absolute_url()).text

    with django_capture_on_commit_callbacks(execute=True):
        actions.accept_offer(alice, offer)
    assert CONTACT in client.get(profile_url).text
    assert CONTACT in client.get(offer.get_absolute_url()).text

    # Carol's office did not accept: neither the profile nor her offer page shows them, nor the conversation.
    client.force_login(carol)
    assert CONTACT not in client.get(profile_url).text
    assert CONTACT not in client.get(other_offer.get_absolute_url()).text
    offer.refresh_from_db()
    assert client.get(reverse("conversations:detail", kwargs={"pk": offer.conversation_id})).status_code == 403

    # Declining keeps them hidden.
    actions.decline_offer(carol, other_offer)
    assert CONTACT not in client.get(profile_url).text

    # A signed-in member of no organisation, and staff, see none either.
    client.force_login(UserFactory(is_staff=True))
    assert CONTACT not in client.get(profile_url).text


def test_contact_details_hide_again_when_the_person_withdraws(
    client, alice, expert, help_request, django_capture_on_commit_callbacks
):
    offer = accepted(alice, expert, help_request, django_capture_on_commit_callbacks)
    actions.withdraw_offer(expert.user, offer)
    client.force_login(alice)
    assert CONTACT not in client.get(reverse("people:profile", kwargs={"pk": expert.pk})).text


# --- notifications --------------------------------------------------------------------------------


def test_each_step_is_told_in_the_recipients_language(
    alice, bob, office, expert, help_request, django_capture_on_commit_callbacks
):
    alice.preferred_language = "en"
    alice.save(update_fields=["preferred_language"])
    expert.user.preferred_language = "ja"
    expert.user.save(update_fields=["preferred_language"])
    office.memberships.create(user=bob, role=office.manager_role)  # bob keeps the default, zh-hant

    with django_capture_on_commit_callbacks(execute=True):
        offer = actions.make_offer(expert.user, help_request)
    assert "offers to help" in Notification.objects.get(recipient=alice, kind="help_offer").title
    assert "願意協助" in Notification.objects.get(recipient=bob, kind="help_offer").title

    with django_capture_on_commit_callbacks(execute=True):
        actions.accept_offer(alice, offer)
    accepted_title = Notification.objects.get(recipient=expert.user, kind="help_offer").title
    assert "承諾" in accepted_title or "受け入れ" in accepted_title, accepted_title

    with django_capture_on_commit_callbacks(execute=True):
        actions.start_engagement(expert.user, offer)
        actions.complete_engagement(alice, offer)
    assert "feedback" in Notification.objects.filter(recipient=alice, kind="help_offer").first().title
    assert "フィードバック" in Notification.objects.filter(recipient=expert.user, kind="help_offer").first().title
    assert "回饋" in Notification.objects.filter(recipient=bob, kind="help_offer").first().title


def test_a_declined_offer_is_told_to_the_person(alice, expert, help_request, django_capture_on_commit_callbacks):
    offer = actions.make_offer(expert.user, help_request)
    with django_capture_on_commit_callbacks(execute=True):
        actions.decline_offer(alice, offer)
    told = Notification.objects.get(recipient=expert.user, kind="help_offer")
    assert help_request.title in told.title
    assert told.url == offer.get_absolute_url()
    # Declining twice is refused, and nobody is told twice.
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ActionRefused):
        actions.decline_offer(alice, offer)
    assert Notification.objects.filter(recipient=expert.user, kind="help_offer").count() == 1


def test_a_withdrawn_offer_is_told_to_the_organisation_in_each_members_language(
    client, alice, bob, office, expert, help_request, django_capture_on_commit_callbacks
):
    """An accepted person who withdraws through the offer page: every member of the organisation hears of it (in
    their own language), so nobody goes on counting on them."""
    alice.preferred_language = "en"
    alice.save(update_fields=["preferred_language"])
    office.memberships.create(user=bob, role=office.manager_role)  # bob keeps the default, zh-hant
    offer = accepted(alice, expert, help_request, django_capture_on_commit_callbacks)
    client.force_login(expert.user)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:offer_step", kwargs={"pk": offer.pk, "step": "withdraw"}))

    offer.refresh_from_db()
    assert offer.status == "withdrawn"
    to_alice = Notification.objects.get(recipient=alice, kind="help_offer", title__contains="withdrew")
    to_bob = Notification.objects.get(recipient=bob, kind="help_offer", title__contains="撤回")
    assert to_alice.title == f"{expert.name} withdrew their offer: {help_request.title}"
    assert to_bob.title == f"{expert.name}已撤回協助的提議：{help_request.title}"
    assert to_alice.url == f"/en/people/offers/{offer.pk}/"
    assert not Notification.objects.filter(recipient=expert.user, title__contains="withdrew").exists()


def test_each_step_of_an_offer_says_what_it_did_and_what_comes_next(client, alice, expert, help_request):
    """The page after a step says what happened and what is next, in the reader's language (not a bare "updated")."""
    offer = actions.make_offer(expert.user, help_request)

    def step(user, name, language):
        client.force_login(user)
        with translation.override(language):
            step_url = reverse("people:offer_step", kwargs={"pk": offer.pk, "step": name})
        return client.post(step_url, follow=True).content.decode()

    assert "您已接受這份協助。對方的聯絡方式在下方" in step(alice, "accept", "zh-hant")
    assert "The engagement has started. Once the work is finished, mark it as done." in step(expert.user, "start", "en")
    page = step(alice, "done", "ja")
    assert "協力が完了しました。下でフィードバックをお寄せください。" in page
    assert 'name="rating"' in page, "the feedback form the message points to is there"

    second = actions.save_profile(UserFactory(), **profile_data(contact_email="second@example.tw"))
    offer = actions.make_offer(second.user, help_request)
    assert "You declined the offer. The person is told, with thanks." in step(alice, "decline", "en")


def test_closing_a_request_declines_the_offers_still_waiting_and_tells_their_people(
    client, alice, expert, help_request, django_capture_on_commit_callbacks
):
    waiting = actions.make_offer(expert.user, help_request)
    with django_capture_on_commit_callbacks(execute=True):
        actions.close_help_request(alice, help_request)
    waiting.refresh_from_db()
    assert waiting.status == "declined", "an offer on a closed request must not wait (and count as open) forever"
    told = Notification.objects.get(recipient=expert.user, kind="help_offer")
    assert help_request.title in told.title and told.url == waiting.get_absolute_url()
    assert not expert.offers.filter(status__in=("offered", "accepted", "engaged")).exists()

    # Closing twice is refused and tells nobody again; the closed request's offers cannot be accepted.
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(ActionRefused):
        actions.close_help_request(alice, help_request)
    assert Notification.objects.filter(recipient=expert.user, kind="help_offer").count() == 1
    client.force_login(alice)
    response = client.post(reverse("people:request_close", kwargs={"pk": help_request.pk}), follow=True)
    assert "already closed" in response.text or "已經關閉" in response.text


def test_an_offer_on_a_closed_request_cannot_be_accepted(alice, expert, help_request):
    from people.models import HelpRequest, Offer

    offer = actions.make_offer(expert.user, help_request)
    HelpRequest.objects.filter(pk=help_request.pk).update(status=HelpRequest.Status.CLOSED)
    with pytest.raises(ActionRefused):
        actions.accept_offer(alice, offer)
    assert Offer.objects.get(pk=offer.pk).status == "offered" and not Conversation.objects.exists()


# --- dashboards -------------------------------------------------------------------------------------


def test_the_persons_dashboard_links_profile_offers_and_engagements(
    client, alice, expert, help_request, django_capture_on_commit_callbacks
):
    offer = accepted(alice, expert, help_request, django_capture_on_commit_callbacks)
    client.force_login(expert.user)
    page = client.get(reverse("experiences:my_bookings")).text
    assert expert.get_absolute_url() in page
    assert offer.get_absolute_url() in page
    assert reverse("conversations:detail", kwargs={"pk": offer.conversation_id}) in page
    assert reverse("people:matches") in page

    client.force_login(UserFactory())
    page = client.get(reverse("experiences:my_bookings")).text
    assert reverse("people:profile_edit") in page  # no profile yet: the page says how to publish one
    assert 'href="/' in page and "localhost" not in page


@pytest.mark.redis
def test_the_company_dashboard_shows_members_volunteer_hours_and_followed_offices(
    client, alice, office, places, request
):
    from experiences import actions as experience_actions
    from experiences.models import Experience
    from tests.experiences.conftest import make_experience

    carol = UserFactory()
    company = account_actions.create_organisation(carol, kind=Organisation.Kind.COMPANY, name="好公司")
    client.force_login(carol)
    client.post(
        reverse("marketplace:company_profile", kwargs={"slug": company.slug}),
        {
            "unified_business_number": "04595257",
            "size": "small",
            "ticket_min_twd": "100000",
            "ticket_max_twd": "500000",
            "csr_contact_name": "王小姐",
            "csr_contact_email": "csr@example.tw",
            "report_language": "zh-hant",
        },
    )
    impact_url = reverse("marketplace:impact", kwargs={"slug": company.slug})
    page = client.get(impact_url)
    assert page.status_code == 200
    assert "data-company-people" in page.text
    assert office.name not in page.text

    actions.follow_organisation(carol, office)
    # A shift later today (check-in opens on the shift's day), whatever the hour the test runs at: on the real
    # clock, a run a few minutes before midnight put the shift on the next day.
    this_morning = timezone.localtime().replace(hour=9, minute=0, second=0, microsecond=0)
    clock = time_machine.travel(this_morning, tick=True)
    clock.start()
    request.addfinalizer(clock.stop)
    start = timezone.now() + datetime.timedelta(minutes=5)
    beach = make_experience(alice, office, kind=Experience.Kind.VOLUNTEERING, title_zh="淨灘", township=places[KOUHU])
    shift = experience_actions.add_slot(
        alice, beach, starts_at=start, ends_at=start + datetime.timedelta(hours=3), capacity=5
    )
    experience_actions.mark_attended(alice, experience_actions.book(carol, shift))
    outsider = UserFactory()  # not a member: their hours are not the company's
    experience_actions.mark_attended(alice, experience_actions.book(outsider, shift))

    page = client.get(impact_url).text
    assert office.name in page
    assert places[KOUHU].name in page
    assert ">3.0<" in page
    assert "6.0" not in page


# --- moderators verify organisations --------------------------------------------------------------


def test_moderators_verify_organisations_and_editors_cannot(unverified_office):
    office = unverified_office
    ensure_staff_groups()
    moderator = UserFactory(is_staff=True)
    moderator.groups.add(Group.objects.get(name="Moderators"))
    editor = UserFactory(is_staff=True)
    editor.groups.add(Group.objects.get(name="Editors"))

    with pytest.raises(PermissionDenied):
        account_actions.verify_organisation(editor, office)
    account_actions.verify_organisation(moderator, office)
    office.refresh_from_db()
    assert office.verified_at is not None
    with pytest.raises(ActionRefused):
        account_actions.verify_organisation(moderator, office)
    account_actions.unverify_organisation(moderator, office)


def test_a_moderator_verifies_through_the_admin_step(client, unverified_office):
    office = unverified_office
    from tests.helpers import with_mfa

    ensure_staff_groups()
    moderator = with_mfa(UserFactory(is_staff=True))
    moderator.groups.add(Group.objects.get(name="Moderators"))
    client.force_login(moderator)
    assert client.get(reverse("organisations_admin:inspect", args=[office.pk])).status_code == 200
    response = client.post(reverse("organisations_admin:verification"), {"pk": office.pk})
    assert response.status_code == 302
    office.refresh_from_db()
    assert office.verified_at is not None
