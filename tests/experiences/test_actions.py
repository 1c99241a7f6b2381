"""Experiences, slots and bookings through their actions: every rule and every bad input the issue lists."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from core.actions import ActionRefused
from core.models import AuditEntry
from experiences import actions, impact, rules
from experiences.models import Booking, CancellationRule, Experience, Slot
from notifications.models import Notification
from tests.experiences.conftest import make_experience, soon
from tests.factories.accounts import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
HOUR = datetime.timedelta(hours=1)


def people(count):
    return [UserFactory() for _ in range(count)]


# --- experiences --------------------------------------------------------------------------------------------------


def test_only_members_of_the_organisation_publish_and_manage(alice, bob, office, experience):
    with pytest.raises(PermissionDenied):
        make_experience(bob, office)
    with pytest.raises(PermissionDenied):
        actions.add_slot(bob, experience, starts_at=soon(), ends_at=soon() + HOUR, capacity=5)
    assert AuditEntry.objects.filter(action="experience.create").count() == 1


def test_volunteering_has_no_price(alice, office):
    with pytest.raises(ActionRefused, match="Volunteering is free"):
        make_experience(alice, office, kind=Experience.Kind.VOLUNTEERING, price_twd=300)
    assert not Experience.objects.exists()


def test_a_university_publishes_experiences_in_its_name_only_once_staff_have_verified_it(alice, townships):
    from accounts import actions as account_actions
    from accounts.models import Organisation

    university = account_actions.create_organisation(alice, kind=Organisation.Kind.UNIVERSITY, name="冒名大學")
    with pytest.raises(ActionRefused, match="冒名大學"):
        make_experience(alice, university, is_published=True)
    assert not Experience.objects.exists()

    draft = make_experience(alice, university, is_published=False)
    with pytest.raises(ActionRefused, match="unpublished"):
        actions.update_experience(alice, draft, is_published=True)
    draft.refresh_from_db()
    assert not draft.is_published

    university.verified_at = timezone.now()
    university.save()
    assert actions.update_experience(alice, draft, is_published=True).is_published


def test_a_title_in_chinese_is_required_and_nothing_is_saved_without_it(alice, office):
    with pytest.raises(ActionRefused):
        make_experience(alice, office, title_zh="")
    assert not Experience.objects.exists()


def test_the_title_follows_the_page_language_and_falls_back_to_chinese(alice, office):
    from django.utils import translation

    experience = make_experience(alice, office, title_en="Tea picking in Zhushan")
    with translation.override("en"):
        assert experience.title == "Tea picking in Zhushan"
    with translation.override("ja"):
        assert experience.title == "竹山採茶體驗"


# --- slots --------------------------------------------------------------------------------------------------------


def test_overlapping_slots_of_the_same_experience_are_refused(alice, experience, slot):
    with pytest.raises(ActionRefused, match="overlaps another one"):
        actions.add_slot(alice, experience, starts_at=slot.starts_at + HOUR, ends_at=slot.ends_at + HOUR, capacity=3)
    # Back to back is fine.
    actions.add_slot(alice, experience, starts_at=slot.ends_at, ends_at=slot.ends_at + HOUR, capacity=3)
    assert experience.slots.count() == 2


def test_a_cancelled_slot_does_not_block_its_time(alice, experience, slot):
    actions.cancel_slot(alice, slot)
    actions.add_slot(alice, experience, starts_at=slot.starts_at, ends_at=slot.ends_at, capacity=3)


def test_slots_in_the_past_or_ending_before_they_start_are_refused(alice, experience):
    past = timezone.now() - HOUR
    with pytest.raises(ActionRefused, match="starts in the past"):
        actions.add_slot(alice, experience, starts_at=past, ends_at=past + 2 * HOUR, capacity=3)
    with pytest.raises(ActionRefused, match="must end after it starts"):
        actions.add_slot(alice, experience, starts_at=soon(), ends_at=soon() - HOUR, capacity=3)
    with pytest.raises(ActionRefused, match="at least one place"):
        actions.add_slot(alice, experience, starts_at=soon(), ends_at=soon() + HOUR, capacity=0)
    assert not Slot.objects.exists()
    assert not AuditEntry.objects.filter(action="slot.add").exists()


def test_capacity_cannot_go_below_the_places_booked(alice, slot):
    for person in people(2):
        actions.book(person, slot)
    with pytest.raises(ActionRefused, match="2 places are already booked"):
        actions.change_slot_capacity(alice, slot, capacity=1)
    slot.refresh_from_db()
    assert slot.capacity == 2


def test_raising_the_capacity_offers_the_new_places_to_the_waitlist(alice, slot):
    first, second, waiting = people(3)
    actions.book(first, slot)
    actions.book(second, slot)
    queued = actions.book(waiting, slot)
    assert queued.status == Booking.Status.WAITLISTED
    actions.change_slot_capacity(alice, slot, capacity=3)
    queued.refresh_from_db()
    assert queued.status == Booking.Status.OFFERED


# --- booking ------------------------------------------------------------------------------------------------------


def test_booking_confirms_until_full_then_waitlists(slot):
    first, second, third = people(3)
    assert actions.book(first, slot).status == Booking.Status.CONFIRMED
    assert actions.book(second, slot).status == Booking.Status.CONFIRMED
    assert actions.book(third, slot).status == Booking.Status.WAITLISTED


def test_a_person_books_a_slot_once(slot, bob):
    actions.book(bob, slot)
    with pytest.raises(ActionRefused, match="already booked"):
        actions.book(bob, slot)
    assert Booking.objects.filter(person=bob).count() == 1


def test_a_person_cannot_take_two_places_at_the_same_time(alice, office, slot, bob):
    """Slot: soon(), 09:00–12:00. Another experience at 11:00–13:00 overlaps it; one at 12:00 does not."""
    other = make_experience(alice, office, title_zh="竹山竹藝工作坊")
    overlapping = actions.add_slot(alice, other, starts_at=soon(hour=11), ends_at=soon(hour=13), capacity=1)
    afterwards = actions.add_slot(alice, other, starts_at=soon(hour=13), ends_at=soon(hour=15), capacity=5)
    actions.book(bob, slot)

    with pytest.raises(ActionRefused, match="already have a place at that time: 竹山採茶體驗"):
        actions.book(bob, overlapping)
    assert actions.book(bob, afterwards).status == Booking.Status.CONFIRMED

    # Waiting on the list of a full slot at the same time stays possible; the offered place cannot be claimed
    # while the first one is kept, and can once it is cancelled.
    actions.book(UserFactory(), overlapping)
    waiting = actions.book(bob, overlapping)
    assert waiting.status == Booking.Status.WAITLISTED
    Booking.objects.filter(pk=waiting.pk).update(
        status=Booking.Status.OFFERED, offer_expires_at=timezone.now() + actions.OFFER_TIME
    )
    with pytest.raises(ActionRefused, match="already have a place at that time"):
        actions.claim_offer(bob, waiting)
    actions.cancel_booking(bob, Booking.objects.get(person=bob, slot=slot))
    assert actions.claim_offer(bob, waiting).status == Booking.Status.CONFIRMED


def test_a_cancelled_slot_cannot_be_booked(alice, slot, bob):
    actions.cancel_slot(alice, slot)
    with pytest.raises(ActionRefused, match="cancelled by the organiser"):
        actions.book(bob, slot)
    assert not Booking.objects.exists()


def test_a_slot_that_started_or_an_unpublished_experience_cannot_be_booked(alice, experience, slot, bob):
    Slot.objects.filter(pk=slot.pk).update(starts_at=timezone.now() - HOUR)
    with pytest.raises(ActionRefused, match="already started"):
        actions.book(bob, slot)
    Slot.objects.filter(pk=slot.pk).update(starts_at=soon())
    actions.update_experience(alice, experience, is_published=False)
    with pytest.raises(ActionRefused, match="not open for booking"):
        actions.book(bob, slot)
    assert not Booking.objects.exists()


# --- cancellation, the waitlist and offers -----------------------------------------------------------------------


def test_a_freed_place_is_offered_to_the_first_person_waiting_with_a_notification(slot):
    first, second, early, late = people(4)
    booked = actions.book(first, slot)
    actions.book(second, slot)
    waiting_first = actions.book(early, slot)
    waiting_second = actions.book(late, slot)
    actions.cancel_booking(first, booked)
    waiting_first.refresh_from_db()
    waiting_second.refresh_from_db()
    assert waiting_first.status == Booking.Status.OFFERED
    assert waiting_first.offer_expires_at <= timezone.now() + actions.OFFER_TIME
    assert waiting_second.status == Booking.Status.WAITLISTED
    assert Notification.objects.filter(recipient=early, kind=Notification.Kind.BOOKING_OFFER).count() == 1
    # Claimed: confirmed, and the slot is full again.
    assert actions.claim_offer(early, waiting_first).status == Booking.Status.CONFIRMED
    assert slot.bookings.holding_a_place().count() == 2


def test_an_offer_that_runs_out_goes_to_the_next_person(slot):
    first, second, early, late = people(4)
    booked = actions.book(first, slot)
    actions.book(second, slot)
    waiting_first = actions.book(early, slot)
    waiting_second = actions.book(late, slot)
    actions.cancel_booking(first, booked)
    assert actions.expire_offers(now=timezone.now() + actions.OFFER_TIME + HOUR) == 1
    waiting_first.refresh_from_db()
    waiting_second.refresh_from_db()
    assert waiting_first.status == Booking.Status.LAPSED
    assert waiting_second.status == Booking.Status.OFFERED
    with pytest.raises(ActionRefused, match="No place is offered"):
        actions.claim_offer(early, waiting_first)


def test_claiming_an_offer_that_ran_out_refuses_and_the_next_person_keeps_the_offer(slot):
    first, second, early, late = people(4)
    booked = actions.book(first, slot)
    actions.book(second, slot)
    waiting_first = actions.book(early, slot)
    waiting_second = actions.book(late, slot)
    actions.cancel_booking(first, booked)
    Booking.objects.filter(pk=waiting_first.pk).update(offer_expires_at=timezone.now() - HOUR)

    with pytest.raises(ActionRefused, match="went to the next person waiting"):
        actions.claim_offer(early, waiting_first)

    # The refusal does not undo the lapse: the offer has moved on and its holder is told, once.
    waiting_first.refresh_from_db()
    waiting_second.refresh_from_db()
    assert (waiting_first.status, waiting_second.status) == (Booking.Status.LAPSED, Booking.Status.OFFERED)
    assert Notification.objects.filter(recipient=late, kind=Notification.Kind.BOOKING_OFFER).count() == 1


def test_claiming_an_offer_that_ran_out_with_nobody_waiting_says_so_and_frees_the_place(slot):
    first, second, early = people(3)
    booked = actions.book(first, slot)
    actions.book(second, slot)
    waiting = actions.book(early, slot)
    actions.cancel_booking(first, booked)
    Booking.objects.filter(pk=waiting.pk).update(offer_expires_at=timezone.now() - HOUR)

    with pytest.raises(ActionRefused, match="no longer held for you"):
        actions.claim_offer(early, waiting)

    waiting.refresh_from_db()
    assert waiting.status == Booking.Status.LAPSED
    assert slot.bookings.holding_a_place().count() == 1


def test_nobody_claims_someone_elses_booking(slot, bob):
    carol = UserFactory()
    booking = actions.book(bob, slot)
    with pytest.raises(PermissionDenied):
        actions.cancel_booking(carol, booking)
    with pytest.raises(PermissionDenied):
        actions.claim_offer(carol, booking)


def test_the_organiser_cancelling_a_slot_cancels_every_booking_and_tells_each_person(alice, slot):
    first, second, waiting = people(3)
    for person in (first, second, waiting):
        actions.book(person, slot)
    actions.cancel_slot(alice, slot)
    assert set(slot.bookings.values_list("status", flat=True)) == {Booking.Status.CANCELLED}
    assert all(slot.bookings.values_list("cancelled_by_organiser", flat=True))
    assert Notification.objects.filter(kind=Notification.Kind.BOOKING_CANCELLED).count() == 3
    with pytest.raises(ActionRefused, match="already cancelled"):
        actions.cancel_slot(alice, slot)


@pytest.mark.parametrize(
    ("rule", "notice", "percent"),
    [
        (CancellationRule.FLEXIBLE, datetime.timedelta(hours=25), 100),
        (CancellationRule.FLEXIBLE, datetime.timedelta(hours=23), 0),
        (CancellationRule.MODERATE, datetime.timedelta(days=8), 100),
        (CancellationRule.MODERATE, datetime.timedelta(days=2), 50),
        (CancellationRule.MODERATE, datetime.timedelta(hours=2), 0),
        (CancellationRule.STRICT, datetime.timedelta(days=8), 50),
        (CancellationRule.STRICT, datetime.timedelta(days=6), 0),
    ],
)
def test_the_refund_rules(rule, notice, percent):
    now = timezone.now()
    assert rules.refund_percent(rule, now + notice, now) == percent
    assert rules.describe(rule)


# --- reminders, check-in, hours -----------------------------------------------------------------------------------


def test_reminders_go_the_day_before_in_the_persons_language_once(alice, experience):
    start = soon(days=1, hour=10)
    slot = actions.add_slot(alice, experience, starts_at=start, ends_at=start + HOUR, capacity=5)
    later = actions.add_slot(alice, experience, starts_at=soon(days=2), ends_at=soon(days=2) + HOUR, capacity=5)
    japanese = UserFactory(preferred_language="ja")
    english = UserFactory(preferred_language="en")
    actions.book(japanese, slot)
    actions.book(english, slot)
    actions.book(english, later)
    assert actions.send_reminders() == 2
    assert actions.send_reminders() == 0  # a retried job reminds nobody twice
    assert Notification.objects.get(recipient=japanese, kind="booking_reminder").title.startswith("明日")
    assert Notification.objects.get(recipient=english, kind="booking_reminder").title.startswith("Tomorrow")


def test_a_reminder_names_the_township_in_the_language_each_person_reads(client, alice, office):
    """The township (關山鎮, written 関山鎮 in Japanese) is named in the reader's language, when the reminder is made
    and when it is read later in another language; people's own words stay as they wrote them."""
    from django.utils import translation

    from tests.factories.market import GUANSHAN, township
    from tests.helpers import notifications_page_in

    guanshan = township(GUANSHAN)
    tea = make_experience(alice, office, township=guanshan, meeting_point="關山火車站")
    start = soon(days=1, hour=10)
    slot = actions.add_slot(alice, tea, starts_at=start, ends_at=start + HOUR, capacity=5)
    when = timezone.localtime(start).strftime("%Y-%m-%d %H:%M")
    readers = {language: UserFactory(preferred_language=language) for language in ("zh-hant", "en", "ja")}
    for person in readers.values():
        actions.book(person, slot)
    with translation.override("zh-hant"):  # a task run in whatever language: each person's own is used
        assert actions.send_reminders() == 3

    def reminder(language):
        return Notification.objects.get(recipient=readers[language], kind=Notification.Kind.BOOKING_REMINDER).body

    assert reminder("zh-hant").startswith(f"您預約了 {when} 在關山鎮的名額。集合地點：關山火車站。")
    assert reminder("en").startswith(
        f"Your place is booked for {when} in Guanshan Township. Meeting point: 關山火車站."
    )
    assert reminder("ja").startswith(f"{when}、関山鎮でのご予約です。集合場所：關山火車站。")

    client.force_login(readers["zh-hant"])
    assert f"{when} in Guanshan Township." in notifications_page_in(client, "en")
    assert f"{when}、関山鎮でのご予約です。" in notifications_page_in(client, "ja")
    assert "在關山鎮的名額" in notifications_page_in(client, "zh-hant")


def test_booking_notifications_name_the_experience_in_the_version_the_reader_reads(client, alice, office):
    """The organiser wrote the title in English and Japanese and the meeting point in English only: each reader gets
    the version in the language they read the notification in, when it is made and later in another language (the
    original Chinese where the organiser wrote no version), on the notifications page and in the email."""
    from django.core import mail
    from django.utils import translation

    from tests.helpers import notifications_page_in

    tea = make_experience(
        alice,
        office,
        title_en="Zhushan tea picking",
        title_ja="竹山の茶摘み体験",
        meeting_point="竹山鎮公所前廣場",
        meeting_point_en="Square in front of the Zhushan township office",
        what_to_bring="斗笠",
    )
    start = soon(days=1, hour=10)
    slot = actions.add_slot(alice, tea, starts_at=start, ends_at=start + HOUR, capacity=5)
    readers = {language: UserFactory(preferred_language=language) for language in ("zh-hant", "en", "ja")}
    with translation.override("zh-hant"):  # made in a Chinese request: each person's own language is used
        for person in readers.values():
            actions.book(person, slot)
        mail.outbox.clear()
        assert actions.send_reminders() == 3

    confirmed = Notification.objects.get(recipient=readers["en"], kind=Notification.Kind.BOOKING_CONFIRMED)
    assert confirmed.title == "Your place is booked: Zhushan tea picking"
    reminder_titles = dict(
        Notification.objects.filter(kind=Notification.Kind.BOOKING_REMINDER).values_list(
            "recipient__preferred_language", "title"
        )
    )
    assert reminder_titles == {
        "zh-hant": "明天：竹山採茶體驗",
        "en": "Tomorrow: Zhushan tea picking",
        "ja": "明日：竹山の茶摘み体験",
    }

    client.force_login(readers["zh-hant"])
    english, japanese, chinese = (notifications_page_in(client, code) for code in ("en", "ja", "zh-hant"))
    assert "Tomorrow: Zhushan tea picking" in english
    assert "Meeting point: Square in front of the Zhushan township office. What to bring: 斗笠" in english
    assert "竹山の茶摘み体験" in japanese and "集合場所：竹山鎮公所前廣場。" in japanese  # no Japanese meeting point
    assert "竹山採茶體驗" in chinese and "集合地點：竹山鎮公所前廣場。" in chinese
    assert "Zhushan tea picking" not in chinese + japanese and "竹山採茶體驗" not in english + japanese


def test_check_in_marks_attendance_on_the_day_and_volunteer_hours_follow(alice, office, bob):
    shift_start = timezone.now() + datetime.timedelta(minutes=5)
    beach = make_experience(alice, office, kind=Experience.Kind.VOLUNTEERING, title_zh="淨灘")
    shift = actions.add_slot(alice, beach, starts_at=shift_start, ends_at=shift_start + 2 * HOUR, capacity=10)
    booking = actions.book(bob, shift)
    with pytest.raises(PermissionDenied):
        actions.mark_attended(bob, booking)
    actions.mark_attended(alice, booking)
    assert impact.hours_volunteered_by_township() == {beach.township.code: 2.0}
    assert impact.hours_volunteered_by_person(bob) == {beach.township.code: 2.0}
    actions.mark_attended(alice, booking, attended=False)
    assert impact.hours_volunteered_by_township() == {}


def test_check_in_opens_on_the_day(alice, slot, bob):
    booking = actions.book(bob, slot)
    with pytest.raises(ActionRefused, match="opens on the day"):
        actions.mark_attended(alice, booking)


def test_personal_data_export_and_erasure_free_the_place_for_the_waitlist(slot):
    from experiences import personal_data

    first, second, waiting = people(3)
    actions.book(first, slot)
    actions.book(second, slot)
    queued = actions.book(waiting, slot)
    exported = personal_data.export(first)
    assert [row["status"] for row in exported["bookings"]] == ["confirmed"]
    personal_data.erase(first)
    assert not Booking.objects.filter(person=first).exists()
    queued.refresh_from_db()
    assert queued.status == Booking.Status.OFFERED


def test_a_person_giving_up_a_place_tells_the_organisers_in_their_language(alice, office, slot):
    from accounts.models import Membership, Role

    alice.preferred_language = "ja"
    alice.save(update_fields=["preferred_language"])
    colleague = UserFactory(preferred_language="en")
    Membership.objects.create(user=colleague, organisation=office, role=Role.MEMBER)
    first, second, waiting = people(3)
    first.display_name = "林小美"
    first.save(update_fields=["display_name"])
    booked = actions.book(first, slot)
    actions.book(second, slot)
    waiting_booking = actions.book(waiting, slot)
    told = Notification.objects.filter(kind=Notification.Kind.BOOKING_WITHDRAWN)

    actions.cancel_booking(waiting, waiting_booking)  # leaving the waitlist changes no head count
    assert not told.exists()
    waiting_booking = actions.book(waiting, slot)
    actions.cancel_booking(first, booked)

    assert set(told.values_list("recipient", flat=True)) == {alice.pk, colleague.pk}
    english = told.get(recipient=colleague)
    assert english.title == "A place was cancelled: 竹山採茶體驗"
    assert english.body.startswith("林小美 gave up their place for ")
    assert english.body.endswith("The place is offered to the first person on the waitlist.")
    assert english.url == f"/en/experiences/manage/slots/{slot.pk}/check-in/"
    japanese = told.get(recipient=alice)
    assert japanese.title == "予約の取り消しがありました：竹山採茶體驗"
    assert japanese.url == f"/ja/experiences/manage/slots/{slot.pk}/check-in/"

    # With nobody waiting, the organiser reads how many places are free; the organiser's own booking tells only the
    # other organisers.
    told.all().delete()
    actions.cancel_booking(second, Booking.objects.get(person=second))
    assert told.get(recipient=colleague).body.endswith("1 of 2 places are free now.")
    told.all().delete()
    own = actions.book(alice, slot)
    actions.cancel_booking(alice, own)
    assert list(told.values_list("recipient", flat=True)) == [colleague.pk]


def test_an_offer_that_lapses_with_nobody_left_waiting_tells_the_organisers(alice, slot):
    alice.preferred_language = "en"
    alice.save(update_fields=["preferred_language"])
    first, second, early, late = people(4)
    booked = actions.book(first, slot)
    actions.book(second, slot)
    actions.book(early, slot)
    actions.book(late, slot)
    actions.cancel_booking(first, booked)
    unclaimed = Notification.objects.filter(recipient=alice, kind=Notification.Kind.BOOKING_UNCLAIMED)

    # The first offer lapses: the place goes on to the next person waiting, the organiser is not disturbed.
    later = timezone.now() + actions.OFFER_TIME + HOUR
    assert actions.expire_offers(now=later) == 1
    assert not unclaimed.exists()
    # The last offer lapses: nobody is left, the place stays free and the organiser hears of it once.
    assert actions.expire_offers(now=later + actions.OFFER_TIME + HOUR) == 1
    (notification,) = unclaimed
    assert notification.title == "A freed place was not claimed: 竹山採茶體驗"
    assert "1 of 2 places are free" in notification.body
    assert notification.url == f"/en/experiences/manage/slots/{slot.pk}/check-in/"


def test_booking_notifications_are_read_in_the_language_each_person_reads_now(client, alice, slot):
    """Made while both read Chinese (and the request was in English); read later in English and Japanese, the titles
    and the bodies (each line of them) follow the reader; the experience's own words and the times stay as they are."""
    from django.utils import translation

    from tests.helpers import notifications_page_in

    person = UserFactory(preferred_language="zh-hant", display_name="林小美")
    when = timezone.localtime(slot.starts_at).strftime("%Y-%m-%d %H:%M")
    township = slot.experience.township
    with translation.override("en"):
        booking = actions.book(person, slot)
        actions.cancel_booking(person, booking)

    confirmed = Notification.objects.get(recipient=person, kind=Notification.Kind.BOOKING_CONFIRMED)
    assert confirmed.body.startswith(f"{when}，地點在")
    client.force_login(person)
    english, japanese = notifications_page_in(client, "en"), notifications_page_in(client, "ja")
    assert "Your place is booked: 竹山採茶體驗" in english
    # The township is reference data with a name in each language: named in the reader's, not the maker's.
    assert f"{when} in Zhushan Township. You will get a reminder the day before; cancel on your bookings page." in (
        english
    )
    assert "予約が確定しました：竹山採茶體驗" in japanese
    assert f"{when}、{township.name_ja}にて。前日にリマインダーが届きます。" in japanese
    assert "前一天會提醒您" not in english + japanese

    withdrawn = Notification.objects.get(recipient=alice, kind=Notification.Kind.BOOKING_WITHDRAWN)
    assert withdrawn.body.startswith(f"林小美取消了 {when} 場次的名額。")
    client.force_login(alice)
    english, japanese = notifications_page_in(client, "en"), notifications_page_in(client, "ja")
    assert f"林小美 gave up their place for {when}." in english and "2 of 2 places are free now." in english
    assert f"林小美さんが {when} の回の予約を取り消しました。" in japanese
    assert "現在、定員 2 名のうち 2 名分が空いています。" in japanese
    assert "取消了" not in english + japanese
