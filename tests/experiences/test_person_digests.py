"""The weekly digest for people: matching help requests and new experiences near them, weekly, in their language."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.models import Organisation
from experiences import actions as experience_actions
from experiences.digests import send_person_digests
from experiences.models import PersonDigest
from people import actions as people_actions
from people.models import HelpRequest
from scheduling.jobs import job_named
from tests.experiences.conftest import make_experience, soon
from tests.factories.accounts import UserFactory, verified_organisation
from tests.factories.market import GUANSHAN, KOUHU, township
from tests.people.test_people import profile_data, request_data

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

SUBJECT_WORD = {"zh-hant": "本週", "en": "Your week", "ja": "今週"}


def digests_to(email):
    return [message for message in mail.outbox if message.to == [email] and "[Homeward]" in message.subject]


@pytest.fixture
def kouhu_office(bob, townships):
    return verified_organisation(
        bob, kind=Organisation.Kind.TOWNSHIP_OFFICE, name="口湖鄉公所", township=township(KOUHU)
    )


def expert(email="expert@example.tw", language="zh-hant", **profile):
    user = UserFactory(email=email, display_name="陳老師", preferred_language=language)
    people_actions.save_profile(user, home_township=township(KOUHU), **profile_data(contact_email=email, **profile))
    return user


def new_request(bob, kouhu_office, title="魚塭水質感測器", place=KOUHU, **fields):
    return people_actions.create_help_request(bob, kouhu_office, **request_data(township(place), title=title, **fields))


def new_experience(alice, office, title="竹山採茶體驗", title_en="Tea picking in Zhushan", **fields):
    experience = make_experience(alice, office, title_zh=title, title_en=title_en, **fields)
    start = soon()
    experience_actions.add_slot(
        alice, experience, starts_at=start, ends_at=start + datetime.timedelta(hours=3), capacity=5
    )
    return experience


def follower_of(office, email="follower@example.tw", language="zh-hant"):
    user = UserFactory(email=email, display_name="林小姐", preferred_language=language)
    people_actions.follow_organisation(user, office)
    return user


def test_a_person_gets_matching_requests_with_reasons_and_new_experiences_once_a_week(alice, bob, office, kouhu_office):
    person = expert()
    people_actions.follow_organisation(person, office)  # the Zhushan township office
    new_request(bob, kouhu_office)
    new_experience(alice, office)
    mail.outbox.clear()
    now = timezone.now() + datetime.timedelta(minutes=1)

    assert send_person_digests(now=now) == 1
    assert send_person_digests(now=now + datetime.timedelta(hours=3)) == 0  # the job retried or run twice

    [message] = digests_to("expert@example.tw")
    assert "魚塭水質感測器" in message.body
    assert "您來自雲林縣口湖鄉。" in message.body  # people.matching's reason, in the person's language
    assert "竹山採茶體驗" in message.body
    assert "/zh-hant/accounts/profile/" in message.body  # where to stop it
    html = message.alternatives[0][0]
    assert "魚塭水質感測器" in html and "竹山採茶體驗" in html and "/zh-hant/accounts/profile/" in html
    digest = PersonDigest.objects.get(person=person)
    assert (digest.help_requests, digest.experiences) == (1, 1)


def test_next_week_only_what_is_new_since_the_last_digest_is_sent(alice, bob, office, kouhu_office):
    expert()
    new_request(bob, kouhu_office, title="第一週的請求")
    now = timezone.now() + datetime.timedelta(minutes=1)
    assert send_person_digests(now=now) == 1
    mail.outbox.clear()

    assert send_person_digests(now=now + datetime.timedelta(days=7)) == 0  # nothing new: no email
    assert mail.outbox == []

    second = new_request(bob, kouhu_office, title="第二週的請求")
    HelpRequest.objects.filter(pk=second.pk).update(created=now + datetime.timedelta(days=9))  # posted in week two
    assert send_person_digests(now=now + datetime.timedelta(days=14)) == 1
    [message] = digests_to("expert@example.tw")
    assert "第二週的請求" in message.body and "第一週的請求" not in message.body


@pytest.mark.parametrize(
    ("language", "words"),
    [
        (
            "zh-hant",
            [
                "本週",
                "符合您個人檔案的新協助需求",
                "您來自雲林縣口湖鄉。",
                "竹山採茶體驗",
                "/zh-hant/accounts/profile/",
            ],
        ),
        (
            "en",
            ["Your week", "New help requests that match your profile", "You come from Kouhu", "Tea picking in Zhushan"],
        ),
        ("ja", ["今週", "プロフィールに合う新しい協力依頼", "口湖", "竹山採茶體驗", "/ja/accounts/profile/"]),
    ],
)
def test_the_digest_is_in_the_persons_language(alice, bob, office, kouhu_office, language, words):
    person = expert(language=language)
    people_actions.follow_organisation(person, office)
    new_request(bob, kouhu_office)
    new_experience(alice, office)

    send_person_digests(now=timezone.now() + datetime.timedelta(minutes=1))

    [message] = digests_to("expert@example.tw")
    text = message.subject + message.body + message.alternatives[0][0]
    for word in words:
        assert word in text, word
    if language != "zh-hant":
        assert "/zh-hant/" not in text


def test_nothing_new_sends_nothing_and_records_nothing(alice, bob, office, kouhu_office):
    person = expert()
    people_actions.follow_organisation(person, office)
    new_request(bob, kouhu_office, field="education", place=GUANSHAN)  # fits only by format and dates: not a match
    unpublished = new_experience(alice, office, is_published=False)
    make_experience(alice, office, title_zh="沒有場次的體驗")  # no slot to come
    mail.outbox.clear()

    assert send_person_digests(now=timezone.now() + datetime.timedelta(minutes=1)) == 0

    assert digests_to("expert@example.tw") == []
    assert not PersonDigest.objects.exists()
    assert unpublished.pk


def test_old_news_and_other_places_are_left_out(alice, bob, office, kouhu_office):
    follower_of(office)  # follows Zhushan, has no profile
    new_experience(alice, office, title="竹山新體驗")
    guanshan = verified_organisation(
        alice, kind=Organisation.Kind.TOWNSHIP_OFFICE, name="關山鎮公所", township=township(GUANSHAN)
    )
    new_experience(alice, guanshan, title="關山新體驗", township=township(GUANSHAN))
    new_request(bob, kouhu_office)  # no profile: requests are not for them

    send_person_digests(now=timezone.now() + datetime.timedelta(minutes=1))

    [message] = digests_to("follower@example.tw")
    assert "竹山新體驗" in message.body
    assert "關山新體驗" not in message.body
    assert "魚塭水質感測器" not in message.body
    mail.outbox.clear()

    # A week and a half later the same experience is no longer new.
    assert send_person_digests(now=timezone.now() + datetime.timedelta(days=10)) == 0


def test_opting_out_and_hidden_profiles_are_respected(alice, bob, office, kouhu_office):
    quiet = expert(email="quiet@example.tw")
    quiet.notify_recommendations = False
    quiet.save()
    hidden = expert(email="hidden@example.tw", visibility="organisations")
    new_request(bob, kouhu_office)
    mail.outbox.clear()

    assert send_person_digests(now=timezone.now() + datetime.timedelta(minutes=1)) == 0

    assert digests_to("quiet@example.tw") == [] and digests_to("hidden@example.tw") == []
    assert hidden.pk


def test_the_number_of_queries_does_not_grow_with_the_number_of_people(alice, bob, office, kouhu_office):
    new_request(bob, kouhu_office)
    new_experience(alice, office)

    def run(count, offset):
        for number in range(count):
            person = expert(email=f"p{offset + number}@example.tw", language=["zh-hant", "en", "ja"][number % 3])
            people_actions.follow_organisation(person, office)
        mail.outbox.clear()
        with CaptureQueriesContext(connection) as queries:
            sent = send_person_digests(now=timezone.now() + datetime.timedelta(minutes=1))
        assert sent == PersonDigest.objects.count() == offset + count
        PersonDigest.objects.all().delete()
        return len(queries)

    few = run(2, 0)
    many = run(10, 2)
    assert many == few, (few, many)


def test_the_job_runs_on_monday_morning_after_the_company_digests():
    job = job_named("person_digests")
    slot = job.next_slot(datetime.datetime(2026, 12, 2, 12, 0, tzinfo=datetime.UTC))
    assert (slot.weekday(), slot.hour, slot.minute) == (0, 8, 30)
    assert job.task.module_path == "experiences.tasks.send_person_digests"
