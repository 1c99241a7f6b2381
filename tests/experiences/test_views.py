"""The experience pages: listing with filters and empty states, detail and booking, my bookings, the organiser's."""

import datetime
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from experiences import actions
from experiences.models import Booking, Experience
from tests.experiences.conftest import make_experience, soon
from tests.factories.accounts import UserFactory
from tests.factories.market import KOUHU, township

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]
HOUR = datetime.timedelta(hours=1)


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"experiences:{name}", kwargs=kwargs or None)


def test_the_listing_shows_published_experiences_with_dates_and_filters_them(client, alice, office, slot):
    beach = make_experience(
        alice, office, kind=Experience.Kind.VOLUNTEERING, title_zh="口湖淨灘", township=township(KOUHU)
    )
    actions.add_slot(alice, beach, starts_at=soon(5), ends_at=soon(5) + HOUR, capacity=10)
    hidden = make_experience(alice, office, title_zh="草稿體驗", is_published=False)
    actions.add_slot(alice, hidden, starts_at=soon(5), ends_at=soon(5) + HOUR, capacity=10)

    page = client.get(url("list")).content.decode()
    assert "竹山採茶體驗" in page and "口湖淨灘" in page and "草稿體驗" not in page

    volunteering = client.get(url("list"), {"kind": "volunteering"}).content.decode()
    assert "口湖淨灘" in volunteering and "竹山採茶體驗" not in volunteering
    assert "竹山採茶體驗" in client.get(url("list"), {"township": slot.experience.township.code}).content.decode()
    assert "口湖淨灘" not in client.get(url("list"), {"language": "ja"}).content.decode()
    paid = client.get(url("list"), {"price": "paid"}).content.decode()
    assert "No experience matches these filters" in paid
    later = client.get(url("list"), {"date": soon(4).date().isoformat()}).content.decode()
    assert "口湖淨灘" in later and "竹山採茶體驗" not in later
    # A bad filter value is ignored, not an error.
    assert client.get(url("list"), {"kind": "<script>", "page": "x"}).status_code == 200


def test_an_empty_listing_says_so_in_each_language(client, db):
    assert "No experience has places to book" in client.get(url("list")).content.decode()
    assert "目前沒有可預約的體驗" in client.get(url("list", "zh-hant")).content.decode()
    assert "現在予約できる体験はありません" in client.get(url("list", "ja")).content.decode()


def test_the_listings_price_filter_says_paid_as_a_price_not_as_a_payment_made(client, db):
    """In the price filter, "Paid" means "costs money" (收費, 有料), not "already paid" (已付款, 支払い)."""
    for language, paid, wrong in (("zh-hant", "收費", "已付款"), ("ja", "有料", "支払い"), ("en", "Paid", None)):
        page = client.get(url("list", language)).content.decode()
        assert f'<option value="paid">{paid}</option>' in page, language
        assert wrong is None or f'<option value="paid">{wrong}</option>' not in page, language


def test_the_detail_page_shows_slots_places_and_the_cancellation_rule_before_booking(client, slot):
    page = client.get(url("detail", pk=slot.experience_id)).content.decode()
    assert "2 places left" in page
    assert "Cancel up to 24 hours before the start" in page
    assert "Book" in page


def test_unpublished_experiences_are_hidden_from_everyone_but_their_organisers(client, alice, office):
    draft = make_experience(alice, office, is_published=False)
    assert client.get(url("detail", pk=draft.pk)).status_code == 404
    client.force_login(alice)
    assert client.get(url("detail", pk=draft.pk)).status_code == 200


def test_booking_through_the_page_then_the_waitlist_then_cancelling(client, slot):
    first, second, third = (UserFactory() for _ in range(3))
    for person in (first, second):
        client.force_login(person)
        assert client.post(url("book", pk=slot.pk)).status_code == 302
    client.force_login(third)
    response = client.post(url("book", pk=slot.pk), follow=True)
    assert "you are on the waitlist" in response.content.decode()
    client.force_login(first)
    booking = Booking.objects.get(person=first)
    client.post(url("booking_cancel", pk=booking.pk))
    assert Booking.objects.get(person=third).status == Booking.Status.OFFERED
    client.force_login(third)
    page = client.get(url("my_bookings")).content.decode()
    assert "Claim the place" in page
    client.post(url("booking_claim", pk=Booking.objects.get(person=third).pk))
    assert Booking.objects.get(person=third).status == Booking.Status.CONFIRMED


def test_booking_a_cancelled_slot_through_the_page_says_why_and_saves_nothing(client, alice, slot, bob):
    actions.cancel_slot(alice, slot)
    client.force_login(bob)
    response = client.post(url("book", pk=slot.pk), follow=True)
    assert "cancelled by the organiser" in response.content.decode()
    assert not Booking.objects.exists()


def test_the_organiser_adds_slots_and_bad_slots_are_refused_with_the_reason(client, alice, experience, slot):
    client.force_login(alice)
    overlapping = {
        "starts_at": (slot.starts_at + HOUR).strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (slot.ends_at + HOUR).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "5",
    }
    response = client.post(url("slot_add", pk=experience.pk), overlapping)
    assert response.status_code == 400
    assert "overlaps another one" in response.content.decode()
    past = {"starts_at": "2020-01-01T09:00", "ends_at": "2020-01-01T10:00", "capacity": "5"}
    assert "starts in the past" in client.post(url("slot_add", pk=experience.pk), past).content.decode()
    assert experience.slots.count() == 1
    later = soon(10)
    good = {
        "starts_at": later.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (later + HOUR).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "5",
    }
    assert client.post(url("slot_add", pk=experience.pk), good).status_code == 302
    assert experience.slots.count() == 2


@pytest.mark.parametrize(
    ("language", "words"),
    [
        ("zh-hant", "場次最晚只能排在今天起 30 天內"),
        ("en", "A time slot starts at most 30 days from today"),
        ("ja", "日時枠の開始は今日から 30 日以内です"),
    ],
)
def test_a_slot_years_ahead_is_refused_with_the_limit(client, alice, experience, slot, settings, language, words):
    """A slot in the year 9999 was accepted: bookable, listed first under "upcoming" for ever."""
    settings.EXPERIENCE_SLOT_MAX_DAYS = 30
    client.force_login(alice)
    for starts in (datetime.datetime(9999, 12, 31, 9), soon(31)):
        data = {
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M"),
            "ends_at": (starts + HOUR).strftime("%Y-%m-%dT%H:%M"),
            "capacity": "5",
        }
        response = client.post(url("slot_add", language, pk=experience.pk), data)
        assert response.status_code == 400
        assert words in response.content.decode()
    assert experience.slots.count() == 1
    picker = response.context["slot_form"]["starts_at"].field.widget.attrs
    assert picker["max"].startswith((timezone.localdate() + datetime.timedelta(days=30)).isoformat())

    within = soon(29)
    good = {
        "starts_at": within.strftime("%Y-%m-%dT%H:%M"),
        "ends_at": (within + HOUR).strftime("%Y-%m-%dT%H:%M"),
        "capacity": "5",
    }
    assert client.post(url("slot_add", language, pk=experience.pk), good).status_code == 302
    assert experience.slots.count() == 2


def test_cancelling_a_slot_asks_again_and_says_who_is_told(client, alice, slot):
    """The slot's cancel button only opens what cancelling does (the people booked or waiting are told and refunded)
    with a second button; that one cancels it."""
    actions.book(UserFactory(), slot)
    actions.book(UserFactory(), slot)
    actions.book(UserFactory(), slot)  # the slot has two places: the third waits
    client.force_login(alice)
    cancel_url = url("slot_cancel", pk=slot.pk)

    for language, told in (
        ("en", "The 3 people booked or waiting are told, and refunded in full if they paid."),
        ("zh-hant", "已預約或候補的 3 人會收到通知，已付款者全額退款。"),
        ("ja", "予約済み・キャンセル待ちの 3 名に通知が届き、支払い済みの方には全額返金されます。"),
    ):
        page = client.get(url("manage", language, pk=slot.experience_id)).content.decode()
        confirm = re.search(r"<details class=\"slot-cancel\" data-slot-cancel>(.*?)</details>", page, re.S).group(1)
        assert told in confirm, language
        assert url("slot_cancel", language, pk=slot.pk) in confirm
        assert "<summary" in confirm and confirm.count("<button") == 1, "the summary opens, the form posts"

    client.post(cancel_url)
    slot.refresh_from_db()
    assert slot.is_cancelled


def test_a_refused_capacity_comes_back_in_its_row_with_the_number_typed_and_the_reason(client, alice, slot, bob):
    actions.book(bob, slot)
    actions.book(UserFactory(), slot)
    client.force_login(alice)
    field_id = f"capacity-{slot.pk}-capacity"
    refusals = {
        "1": ("en", "2 places are already booked"),  # below the places taken: the action refuses
        "0": ("zh-hant", "大於或等於 1"),
        "99999": ("ja", "1000 以下でなければなりません"),
    }
    for typed, (language, reason) in refusals.items():
        response = client.post(url("slot_capacity", language, pk=slot.pk), {"capacity": typed})

        assert response.status_code == 400, typed
        page = response.content.decode()
        assert reason in page, typed
        field = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', page).group(0)
        assert f'value="{typed}"' in field and 'aria-invalid="true"' in field and f"{field_id}_error" in field
        assert f'<ul class="errorlist" id="{field_id}_error">' in page
        assert re.search(rf'data-error-summary.*?<a href="#{field_id}">', page, re.S), typed
    slot.refresh_from_db()
    assert slot.capacity == 2

    accepted = client.post(url("slot_capacity", pk=slot.pk), {"capacity": "3"})
    assert accepted.status_code == 302
    slot.refresh_from_db()
    assert slot.capacity == 3


def test_refused_details_of_an_experience_answer_400_with_what_was_typed(client, alice, slot):
    client.force_login(alice)
    response = client.post(url("manage", pk=slot.experience.pk), {"title_zh": "新的名稱"})
    assert response.status_code == 400
    assert "新的名稱" in response.content.decode()


def test_the_check_in_list_shows_the_people_booked_and_prints(client, alice, slot):
    person = UserFactory(display_name="陳小明")
    actions.book(person, slot)
    client.force_login(alice)
    page = client.get(url("check_in", pk=slot.pk)).content.decode()
    assert "陳小明" in page or person.email in page
    assert "data-print" in page
    assert "0 of 1 checked in" in page


def test_the_organisers_pages_in_three_languages(client, alice, experience, slot):
    client.force_login(alice)
    for language, text in (("zh-hant", "報到名單"), ("en", "Check-in list"), ("ja", "受付名簿")):
        assert text in client.get(url("manage", language, pk=experience.pk)).content.decode()
        assert client.get(url("manage_list", language)).status_code == 200


def test_the_organisers_township_choice_reads_in_the_pages_language(client, alice, office, experience):
    """The township of a new or edited experience is named in the page's language, as everywhere else, not in
    Chinese whatever the page's language."""
    client.force_login(alice)
    for language, chosen, other in (
        ("en", "Zhushan Township, Nantou County", "Kouhu Township, Yunlin County"),
        ("ja", "南投県竹山鎮", "雲林県口湖郷"),
        ("zh-hant", "南投縣竹山鎮", "雲林縣口湖鄉"),
    ):
        edit = client.get(url("manage", language, pk=experience.pk)).content.decode()
        assert re.search(rf'<option value="{experience.township_id}" selected>{chosen}</option>', edit), language
        new = client.get(url("new", language, slug=office.slug)).content.decode()
        assert f'<option value="{township(KOUHU).pk}">{other}</option>' in new, language


def test_the_organisers_text_is_marked_with_its_language_and_shown_in_the_readers_when_written(
    client, alice, office, townships
):
    """The practical details are written in Chinese and may be given in English and Japanese, like the title and
    the description: a reader gets their language's version where there is one, and the Chinese original otherwise,
    marked lang="zh-Hant-TW" inside an English or Japanese page (screen readers, fonts, translation tools)."""
    from bs4 import BeautifulSoup

    client.force_login(alice)
    form = {
        "kind": "experience",
        "title_zh": "坪林採茶",
        "title_en": "Tea picking in Pinglin",
        "description_zh": "跟著茶農上山採茶。",
        "township": township(KOUHU).pk,
        "meeting_point": "茶業博物館前廣場",
        "meeting_point_en": "The square in front of the Tea Museum",
        "accessibility": "步道有階梯。",
        "accessibility_ja": "遊歩道には階段があります。",
        "what_to_bring": "帽子、水壺",
        "price_twd": 0,
        "minimum_age": 0,
        "cancellation_rule": "flexible",
        "is_published": "on",
    }
    refused = client.post(url("new", slug=office.slug), {**form, "title_zh": "  ", "price_twd": -5})
    assert refused.status_code == 400  # shown again with its reasons and what was typed, nothing saved
    assert "茶業博物館前廣場" in refused.text and not Experience.objects.exists()
    response = client.post(url("new", slug=office.slug), form)
    assert response.status_code == 302, response.content.decode()
    experience = Experience.objects.get(title_zh="坪林採茶")
    assert experience.meeting_point_en == "The square in front of the Tea Museum"
    assert experience.accessibility_ja == "遊歩道には階段があります。"
    client.logout()

    def marked(language):
        page = BeautifulSoup(client.get(url("detail", language, pk=experience.pk)).content, "html.parser")
        facts = {dt.get_text(): dd for dt, dd in ((div.dt, div.dd) for div in page.select(".experience-facts > div"))}
        meeting = facts[next(name for name in facts if name in ("Meeting point", "集合場所", "集合地點"))].span
        return {
            "title": (page.h1.get("lang"), page.h1.get_text()),
            "description": (page.select_one(".prose").get("lang"), page.select_one(".prose").get_text().strip()),
            "meeting": (meeting.get("lang"), meeting.get_text()),
            "access": [(dd.get("lang"), dd.get_text()) for dd in facts.values() if "階" in dd.get_text()][0],
        }

    assert marked("en") == {
        "title": ("en", "Tea picking in Pinglin"),
        "description": ("zh-Hant-TW", "跟著茶農上山採茶。"),
        "meeting": ("en", "The square in front of the Tea Museum"),
        "access": ("zh-Hant-TW", "步道有階梯。"),
    }
    japanese = marked("ja")
    assert japanese["meeting"] == ("zh-Hant-TW", "茶業博物館前廣場")
    assert japanese["access"] == ("ja", "遊歩道には階段があります。")
    assert japanese["title"] == ("zh-Hant-TW", "坪林採茶")
    assert marked("zh-hant")["meeting"] == ("zh-Hant-TW", "茶業博物館前廣場")

    actions.add_slot(alice, experience, starts_at=soon(3), ends_at=soon(3) + HOUR, capacity=5)
    for language, lang, title in (("en", "en", "Tea picking in Pinglin"), ("ja", "zh-Hant-TW", "坪林採茶")):
        listing = BeautifulSoup(client.get(url("list", language)).content, "html.parser")
        card = listing.find("a", string=title)
        assert card is not None and card.get("lang") == lang, (language, card)


def test_the_detail_page_describes_each_date_to_come_as_a_schema_org_event(client, alice, office, townships, settings):
    """One Event per date still to come: start and end in Taiwan's time with its offset, the place with its address
    and coordinates, the price in TWD, absolute addresses; a cancelled date stays, marked cancelled and sold out."""
    import json
    import re

    settings.SITE_BASE_URL = "https://homeward.example"
    experience = make_experience(
        alice,
        office,
        title_en="Tea picking </script><script>alert(1)</script>",
        price_twd=800,
        meeting_point="茶業博物館前廣場",
        meeting_point_en="The square of the Tea Museum",
        latitude=24.93,
        longitude=121.71,
        minimum_age=12,
    )
    first = actions.add_slot(alice, experience, starts_at=soon(3, 9), ends_at=soon(3, 12), capacity=5)
    second = actions.add_slot(alice, experience, starts_at=soon(5, 14), ends_at=soon(5, 16), capacity=5)
    actions.cancel_slot(alice, second)

    html = client.get(url("detail", pk=experience.pk), HTTP_HOST="localhost").content.decode()

    [payload] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    assert "<" not in payload, "the organiser's text cannot close the script element"
    events = json.loads(payload)
    assert [event["@type"] for event in events] == ["Event", "Event"]
    scheduled, cancelled = events
    assert scheduled["@context"] == "https://schema.org"
    assert scheduled["name"] == "Tea picking </script><script>alert(1)</script>"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT09:00:00\+08:00", scheduled["startDate"]), scheduled["startDate"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT12:00:00\+08:00", scheduled["endDate"])
    assert datetime.datetime.fromisoformat(scheduled["startDate"]) == first.starts_at
    assert scheduled["eventStatus"] == "https://schema.org/EventScheduled"
    assert scheduled["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    assert scheduled["location"] == {
        "@type": "Place",
        "name": "The square of the Tea Museum",
        "address": {
            "@type": "PostalAddress",
            "addressLocality": experience.township.name,
            "addressRegion": experience.township.county.name,
            "addressCountry": "TW",
        },
        "geo": {"@type": "GeoCoordinates", "latitude": 24.93, "longitude": 121.71},
    }
    detail_url = f"https://homeward.example/en/experiences/{experience.pk}/"
    assert scheduled["url"] == detail_url
    assert scheduled["offers"] == {
        "@type": "Offer",
        "price": "800",
        "priceCurrency": "TWD",
        "url": detail_url,
        "availability": "https://schema.org/InStock",
    }
    assert scheduled["organizer"] == {"@type": "Organization", "name": office.name}
    assert scheduled["image"][0].startswith("https://homeward.example/static/brand/share-default")
    assert cancelled["eventStatus"] == "https://schema.org/EventCancelled"
    assert cancelled["offers"]["availability"] == "https://schema.org/SoldOut"
    assert "localhost" not in payload


def test_the_demo_experiences_give_their_practical_details_in_the_readers_language(client, townships):
    """The demo shows what an organiser's translations look like: each text in English and Japanese too."""
    from experiences.demo import DEMO_EXPERIENCES, ensure_demo_experiences

    for spec in DEMO_EXPERIENCES:
        for text in Experience.TRANSLATED_TEXTS:
            assert spec.get(f"{text}_en") and spec.get(f"{text}_ja"), (spec["title_zh"], text)
    ensure_demo_experiences()

    tea = Experience.objects.get(title_zh="坪林採茶與包種茶製茶體驗")
    english = client.get(url("detail", "en", pk=tea.pk)).content.decode()
    japanese = client.get(url("detail", "ja", pk=tea.pk)).content.decode()
    assert "The square in front of the Pinglin Tea Museum" in english and "坪林茶業博物館前廣場" not in english
    assert "帽子、長袖の服、虫よけ、水筒" in japanese
