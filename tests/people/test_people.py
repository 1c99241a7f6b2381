"""Talent profiles, help requests, offers, explained matching, follows and organisations' public pages."""

import datetime
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import formats, timezone, translation

from accounts import actions as account_actions
from accounts.actions import export_personal_data
from accounts.models import Organisation, Role
from core.actions import ActionRefused
from core.models import AuditEntry
from notifications.models import Notification
from people import actions
from people.matching import WEIGHTS, rank_people_for, rank_requests_for
from people.models import HelpRequest, Offer, TalentProfile
from places.models import Township
from tests.factories.accounts import UserFactory, verified_organisation
from tests.factories.market import GUANSHAN, KOUHU, ZHUSHAN

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def soon(days=3):
    return timezone.localdate() + datetime.timedelta(days=days)


def profile_data(**overrides):
    data = {
        "kind": "expert",
        "headline": "水產養殖顧問",
        "fields": ["farm_fishery"],
        "languages": ["zh", "nan"],
        "work_format": "either",
        "pro_bono": True,
        "contact_email": "expert@example.tw",
        "visibility": "members",
    }
    data.update(overrides)
    return data


def request_data(township, **overrides):
    data = {
        "title": "魚塭水質感測器",
        "description": "我們需要水質感測器的建置協助。",
        "field": "farm_fishery",
        "township": township,
        "work_format": "remote",
        "starts_on": soon(),
        "ends_on": soon(60),
        "pro_bono": True,
    }
    data.update(overrides)
    return data


@pytest.fixture
def places(townships):
    return {code: Township.objects.select_related("county").get(code=code) for code in (KOUHU, ZHUSHAN, GUANSHAN)}


@pytest.fixture
def office(alice, places):
    return verified_organisation(
        alice, kind=Organisation.Kind.TOWNSHIP_OFFICE, name="口湖鄉公所", township=places[KOUHU]
    )


@pytest.fixture
def unverified_office(alice, places):
    """A township office as it stands before staff verify it."""
    return account_actions.create_organisation(
        alice, kind=Organisation.Kind.TOWNSHIP_OFFICE, name="口湖鄉公所", township=places[KOUHU]
    )


@pytest.fixture
def expert(places):
    user = UserFactory(email="expert@example.tw", display_name="陳老師")
    profile = actions.save_profile(user, home_township=places[KOUHU], **profile_data())
    return profile


@pytest.fixture
def help_request(alice, office, places):
    return actions.create_help_request(alice, office, **request_data(places[KOUHU]))


# --- profiles -----------------------------------------------------------------------------------


def test_a_profile_without_a_way_to_be_contacted_is_refused_and_nothing_is_saved(places):
    user = UserFactory()
    with pytest.raises(ActionRefused, match="聯絡方式"):
        actions.save_profile(user, **profile_data(contact_email=""))
    assert not TalentProfile.objects.exists()
    assert not AuditEntry.objects.filter(action="talent_profile.save").exists()


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"available_from": soon(10), "available_until": soon(5)}, "早於開始日"),
        ({"available_until": soon(-2)}, "已經結束"),
        ({"pro_bono": False, "fee_note": ""}, "無償協助"),
    ],
)
def test_bad_profiles_are_refused_with_a_clear_message(places, overrides, words):
    with pytest.raises(ActionRefused, match=words):
        actions.save_profile(UserFactory(), **profile_data(**overrides))


def test_the_profile_forms_kind_offers_only_the_kinds_with_no_dashes_choice(client, places):
    """The kind of person is a set of radio buttons: none is ticked until the person picks; "---------" is no kind."""
    client.force_login(UserFactory())
    page = client.get(reverse("people:profile_edit")).text
    kinds = re.findall(r'<input type="radio" name="kind" value="([^"]*)"', page)
    assert kinds == [value for value, _label in TalentProfile.Kind.choices]
    refused = client.post(reverse("people:profile_edit"), {"headline": "退休校長", "contact_email": "a@example.tw"})
    assert refused.status_code == 400
    assert refused.context["form"].errors["kind"]


def test_the_profile_form_shows_the_refusal_on_the_page(client, places):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("people:profile_edit"),
        {
            "kind": "retiree",
            "headline": "退休校長",
            "hours_per_month": 8,
            "work_format": "either",
            "pro_bono": "on",
            "visibility": "public",
        },
    )
    assert response.status_code == 400
    assert "Name at least one way to contact you" in response.text or "聯絡" in response.text
    assert not TalentProfile.objects.exists()

    response = client.post(
        reverse("people:profile_edit"),
        {
            "kind": "retiree",
            "headline": "退休校長",
            "hours_per_month": 8,
            "work_format": "either",
            "pro_bono": "on",
            "visibility": "public",
            "contact_phone": "0912-345-678",
            "fields_of_work": ["management"],
            "townships": [places[KOUHU].pk],
        },
    )
    profile = TalentProfile.objects.get(user=user)
    assert response.status_code == 302
    assert profile.field_list == ["management"]
    assert list(profile.townships.all()) == [places[KOUHU]]


def test_visibility_is_the_persons_choice(client, expert, alice, office):
    TalentProfile.objects.filter(pk=expert.pk).update(visibility="organisations")
    url = reverse("people:profile", kwargs={"pk": expert.pk})
    assert client.get(url).status_code == 404
    client.force_login(UserFactory())  # signed in, in no organisation
    assert client.get(url).status_code == 404
    client.force_login(alice)  # a member of the township office
    assert client.get(url).status_code == 200

    TalentProfile.objects.filter(pk=expert.pk).update(visibility="public")
    client.logout()
    response = client.get(url)
    assert response.status_code == 200
    assert "陳老師" in response.text
    assert "expert@example.tw" not in response.text


def test_the_profile_is_part_of_the_personal_data_export_and_erasure(expert, help_request):
    actions.make_offer(expert.user, help_request, message="我可以幫忙")
    data = export_personal_data(expert.user)
    exported = data["data"]["people"]["talent_profile"]
    assert exported["headline"] == "水產養殖顧問"
    assert exported["contact_email"] == "expert@example.tw"
    assert exported["offers"][0]["message"] == "我可以幫忙"

    account_actions.delete_account(expert.user)
    assert not TalentProfile.objects.exists()
    assert not Offer.objects.exists()
    assert HelpRequest.objects.filter(pk=help_request.pk).exists()


# --- help requests ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "words"),
    [
        ({"field": ""}, "領域"),
        ({"township": None}, "鄉鎮市區"),
        ({"starts_on": soon(-1)}, "過去"),
        ({"starts_on": soon(10), "ends_on": soon(5)}, "早於開始日"),
        ({"pro_bono": False, "budget_twd": None}, "預算"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_saved(alice, office, places, overrides, words):
    data = request_data(places[KOUHU])
    data.update(overrides)
    with pytest.raises(ActionRefused, match=words):
        actions.create_help_request(alice, office, **data)
    assert not HelpRequest.objects.exists()


def test_the_request_form_explains_what_is_missing(client, alice, office, places):
    client.force_login(alice)
    response = client.post(
        reverse("people:request_create"),
        {
            "organisation": office.pk,
            "title": "x",
            "description": "y",
            "work_format": "remote",
            "starts_on": soon(-3).isoformat(),
            "ends_on": soon(5).isoformat(),
            "pro_bono": "on",
        },
    )
    assert response.status_code == 400
    for message in ("請選擇需要協助的領域。", "請選擇需要協助的鄉鎮市區。", "時程不能從過去開始。"):
        assert message in response.text
    assert not HelpRequest.objects.exists()


@pytest.mark.parametrize(
    ("language", "too_long", "ended"),
    [
        ("zh-hant", "協助需求最長為 30 天", "時程不能在過去結束。"),
        ("en", "A help request runs for at most 30 days", "The timeframe cannot end in the past."),
        ("ja", "協力依頼の期間は最長 30 日", "期間の終了日を過去にすることはできません。"),
    ],
)
def test_a_request_timeframe_is_bounded_and_the_form_says_the_limit(
    client, alice, office, places, settings, language, too_long, ended
):
    """An end date years away (9999-12-31) kept a request open, and offered to people, for ever."""
    settings.HELP_REQUEST_MAX_DAYS = 30
    client.force_login(alice)
    with translation.override(language):
        url = reverse("people:request_create")
        last_day = formats.date_format(soon(30))
    data = request_data(places[KOUHU].pk, organisation=office.pk, pro_bono="on")

    for ends_on in ("9999-12-31", soon(31).isoformat()):
        response = client.post(url, {**data, "ends_on": ends_on})
        assert response.status_code == 400
        assert response.context["form"].errors["ends_on"]
        assert too_long in response.text
        assert last_day in response.text
    ended_page = client.post(url, {**data, "starts_on": soon(-5).isoformat(), "ends_on": soon(-1).isoformat()})
    assert ended in ended_page.text
    picker = response.context["form"]["ends_on"].field.widget.attrs
    assert (picker["min"], picker["max"]) == (soon(0).isoformat(), soon(30).isoformat())
    assert not HelpRequest.objects.exists()

    # The last day allowed is accepted.
    assert client.post(url, {**data, "ends_on": soon(30).isoformat()}).status_code == 302
    assert HelpRequest.objects.get().ends_on == soon(30)


@pytest.mark.parametrize(
    ("language", "too_much", "in_words_message", "sector"),
    [
        ("zh-hant", "最高金額為 NT$100,000,000。", "請用阿拉伯數字輸入金額，例如 500", "農業與食品"),
        ("en", "The largest amount is NT$100,000,000.", "Enter the amount in digits", "Agriculture and food"),
        ("ja", "最高金額は NT$100,000,000 です。", "金額は 500 のように算用数字で入力してください", "農業・食品"),
    ],
)
def test_the_request_forms_budget_has_a_limit_in_nt_and_its_sectors_read_in_the_pages_language(
    client, alice, office, places, language, too_much, in_words_message, sector
):
    """A budget typed with too many zeros was refused with the database column's range (9223372036854775807), and
    the sectors were named in Chinese on every page."""
    from cms.models import Sector

    Sector.objects.create(slug="test-food", name_zh="農業與食品", name_en="Agriculture and food", name_ja="農業・食品")
    client.force_login(alice)
    with translation.override(language):
        url = reverse("people:request_create")
    assert f">{sector}</option>" in client.get(url).text
    data = request_data(places[KOUHU].pk, organisation=office.pk, starts_on=soon().isoformat(), ends_on=soon(9))
    data.pop("pro_bono")

    response = client.post(url, {**data, "budget_twd": "100000001"})

    assert response.status_code == 400
    assert too_much in response.text
    assert "2147483647" not in response.text and "9223372036854775807" not in response.text
    assert 'value="100000001"' in response.text, "the number typed stays, to be corrected"
    # A budget in words (十萬, "ten thousand") is told that digits are read, in the page's language.
    in_words = client.post(url, {**data, "budget_twd": "十萬"})
    assert in_words.status_code == 400
    assert in_words_message in in_words.text
    assert not HelpRequest.objects.exists()
    assert client.post(url, {**data, "budget_twd": "100000000"}).status_code == 302
    assert HelpRequest.objects.get().budget_twd == 100_000_000


def test_the_action_refuses_a_timeframe_beyond_the_limit(alice, office, places, settings):
    settings.HELP_REQUEST_MAX_DAYS = 30
    with pytest.raises(ActionRefused, match="30"):
        actions.create_help_request(alice, office, **request_data(places[KOUHU], ends_on=datetime.date(9999, 12, 31)))
    assert not HelpRequest.objects.exists()


def test_a_public_body_asks_for_help_in_its_name_only_once_staff_have_verified_it(client, alice, places):
    unverified = account_actions.create_organisation(
        alice, kind=Organisation.Kind.COUNTY_GOVERNMENT, name="假的縣政府", county=places[KOUHU].county
    )
    with pytest.raises(ActionRefused, match="假的縣政府"):
        actions.create_help_request(alice, unverified, **request_data(places[KOUHU]))

    client.force_login(alice)
    with translation.override("en"):
        url = reverse("people:request_create")
    page = client.get(url)
    assert page.context["form"] is None
    assert [organisation.name for organisation in page.context["waiting"]] == ["假的縣政府"]
    assert "Waiting for verification" in page.text
    sent = client.post(url, {"organisation": unverified.pk, **request_data(places[KOUHU].pk)})
    assert sent.status_code == 200
    assert not HelpRequest.objects.exists()

    # A community association needs no verification to ask.
    association = account_actions.create_organisation(alice, kind=Organisation.Kind.COMMUNITY, name="口湖社區協會")
    assert actions.create_help_request(alice, association, **request_data(places[KOUHU])).pk


def test_a_complete_request_form_publishes_the_request(client, alice, office, places):
    """The form's "field" (of work) reaches the action: it once collided with run_action's own keyword and every
    complete request answered 500."""
    client.force_login(alice)
    data = request_data(places[KOUHU], starts_on=soon().isoformat(), ends_on=soon(60).isoformat(), pro_bono="on")
    data.update(organisation=office.pk, township=places[KOUHU].pk)

    response = client.post(reverse("people:request_create"), data)

    help_request = HelpRequest.objects.get()
    assert response.status_code == 302
    assert response.url == help_request.get_absolute_url()
    assert help_request.field == "farm_fishery"


def test_only_members_post_and_companies_ask_through_people(alice, places, office):
    with pytest.raises(PermissionDenied):
        actions.create_help_request(UserFactory(), office, **request_data(places[KOUHU]))
    company = account_actions.create_organisation(alice, kind=Organisation.Kind.COMPANY, name="好公司")
    with pytest.raises(ActionRefused):
        actions.create_help_request(alice, company, **request_data(places[KOUHU]))


# --- matching ------------------------------------------------------------------------------------


def test_a_person_sees_requests_ranked_with_reasons(expert, alice, office, places):
    far = actions.create_help_request(
        alice, office, **request_data(places[GUANSHAN], title="包裝設計", field="creative", work_format="on_site")
    )
    home = actions.create_help_request(alice, office, **request_data(places[KOUHU]))
    expert.work_format = "remote"
    expert.save()

    matches = rank_requests_for(expert)

    assert [match.obj for match in matches] == [home, far]
    top = matches[0]
    reasons = [reason for _points, reason in top.parts]
    assert any("口湖" in reason for reason in reasons)  # 您來自口湖
    assert (
        top.score
        == WEIGHTS["home_township"]
        + WEIGHTS["field"]
        + WEIGHTS["format_fit"]
        + WEIGHTS["dates_fit"]
        + WEIGHTS["pro_bono"]
    )
    assert matches[1].score == sum(points for points, _reason in matches[1].parts)


def test_a_requester_sees_people_ranked_with_reasons(expert, help_request, alice, places):
    other = UserFactory(display_name="設計師")
    actions.save_profile(
        other,
        **profile_data(
            fields=["creative"],
            contact_email="d@example.tw",
            pro_bono=False,
            fee_note="NT$1,500/hr",
            work_format="on_site",
        ),
    )

    matches = rank_people_for(help_request, visible_to=alice)

    assert [match.obj.pk for match in matches][0] == expert.pk
    assert matches[0].score > matches[1].score
    with_english = [reason for _points, reason in matches[0].parts]
    assert len(with_english) == 5


def test_the_database_and_python_scores_agree(expert, places, alice, office):
    expert.townships.set([places[ZHUSHAN]])
    for township in places.values():
        actions.create_help_request(alice, office, **request_data(township))
    for match in rank_requests_for(expert):
        assert match.score == match.obj.match_score


# --- offers ----------------------------------------------------------------------------------------


def test_offer_accept_engage_done_with_feedback_from_both_sides(
    client, expert, help_request, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        offer = actions.make_offer(expert.user, help_request, message="可以")
    assert Notification.objects.filter(recipient=alice, kind="help_offer").exists()

    client.force_login(alice)
    profile_url = reverse("people:profile", kwargs={"pk": expert.pk})
    assert "expert@example.tw" not in client.get(profile_url).text
    assert "expert@example.tw" not in client.get(reverse("people:offer", kwargs={"pk": offer.pk})).text

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("people:offer_step", kwargs={"pk": offer.pk, "step": "accept"}))
    offer.refresh_from_db()
    assert offer.status == Offer.Status.ACCEPTED
    assert "expert@example.tw" in client.get(profile_url).text
    assert Notification.objects.filter(recipient=expert.user, kind="help_offer").exists()

    actions.start_engagement(expert.user, offer)
    actions.complete_engagement(alice, offer)
    actions.leave_feedback(alice, offer, rating=5, text="很專業")
    actions.leave_feedback(expert.user, offer, rating=4, text="團隊很投入")
    with pytest.raises(ActionRefused):
        actions.leave_feedback(alice, offer, rating=5, text="again")
    offer.refresh_from_db()
    assert (offer.status, offer.requester_rating, offer.person_rating) == ("done", 5, 4)
    logged = list(AuditEntry.objects.filter(action__startswith="offer.").values_list("action", flat=True))
    assert sorted(logged) == sorted(
        ["offer.make", "offer.accept", "offer.start", "offer.done", "offer.feedback", "offer.feedback"]
    )


def test_an_offer_whose_message_is_too_long_is_not_sent_without_it(client, expert, help_request):
    client.force_login(expert.user)
    too_long = "我可以協助" * 401  # 2,005 characters: the form takes at most 2,000
    response = client.post(reverse("people:offer_make", kwargs={"pk": help_request.pk}), {"message": too_long})

    assert response.status_code == 400
    assert not Offer.objects.exists(), "the offer must not go out with its message silently dropped"
    assert response.context["offer_form"].errors["message"]
    assert too_long in response.text  # the person's text is kept in the form to shorten it

    response = client.post(reverse("people:offer_make", kwargs={"pk": help_request.pk}), {"message": too_long[:2000]})
    assert Offer.objects.get().message == too_long[:2000]


def test_feedback_that_is_refused_comes_back_with_the_text_and_the_reason(client, expert, help_request, alice):
    offer = actions.make_offer(expert.user, help_request, message="可以")
    actions.accept_offer(alice, offer)
    actions.start_engagement(expert.user, offer)
    actions.complete_engagement(alice, offer)
    client.force_login(alice)
    url = reverse("people:offer_feedback", kwargs={"pk": offer.pk})

    written = "專家很用心，" * 400  # 2,400 characters: the form takes at most 2,000
    response = client.post(url, {"rating": "5", "text": written})
    assert response.status_code == 400
    assert response.context["feedback_form"].errors["text"]
    assert written in response.text  # kept to shorten, not lost behind a redirect
    response = client.post(url, {"text": "沒有評分"})
    assert response.status_code == 400 and response.context["feedback_form"].errors["rating"]
    assert "沒有評分" in response.text
    offer.refresh_from_db()
    assert offer.requester_rating is None

    client.post(url, {"rating": "4", "text": written[:2000]})
    offer.refresh_from_db()
    assert (offer.requester_rating, offer.requester_feedback) == (4, written[:2000])


def test_the_person_cannot_accept_their_own_offer_and_outsiders_see_nothing(client, expert, help_request):
    offer = actions.make_offer(expert.user, help_request)
    with pytest.raises(PermissionDenied):
        actions.accept_offer(expert.user, offer)
    outsider = UserFactory()
    with pytest.raises(PermissionDenied):
        actions.decline_offer(outsider, offer)
    client.force_login(outsider)
    assert client.get(reverse("people:offer", kwargs={"pk": offer.pk})).status_code == 404
    with pytest.raises(ActionRefused):
        actions.complete_engagement(help_request.organisation.memberships.first().user, offer)


def test_at_most_ten_open_offers(expert, alice, office, places):
    requests = [
        actions.create_help_request(alice, office, **request_data(places[KOUHU], title=f"需求 {n}"))
        for n in range(actions.MAX_OPEN_OFFERS + 1)
    ]
    for help_request in requests[:-1]:
        actions.make_offer(expert.user, help_request)
    with pytest.raises(ActionRefused, match="10"):
        actions.make_offer(expert.user, requests[-1])
    assert Offer.objects.count() == actions.MAX_OPEN_OFFERS
    actions.withdraw_offer(expert.user, Offer.objects.first())
    actions.make_offer(expert.user, requests[-1])


# --- organisations ----------------------------------------------------------------------------------


def test_a_township_office_must_name_its_township(client, alice, places):
    client.force_login(alice)
    response = client.post(reverse("organisations:create"), {"kind": "township_office", "name": "某鄉公所"})
    assert response.status_code == 200
    assert not Organisation.objects.filter(kind="township_office").exists()
    with pytest.raises(ActionRefused):
        account_actions.create_organisation(alice, kind="county_government", name="某縣政府")
    with pytest.raises(ActionRefused):
        account_actions.create_organisation(
            alice, kind="township_office", name="x", township=places[KOUHU], county=places[GUANSHAN].county
        )

    response = client.post(
        reverse("organisations:create"),
        {"kind": "university", "name": "雲林科技大學", "township": places[KOUHU].pk, "usr_programme": "on"},
    )
    university = Organisation.objects.get(kind="university")
    assert response.status_code == 302
    assert university.usr_programme and university.county == places[KOUHU].county


def test_the_public_page_shows_kind_place_badges_and_members_with_roles(client, unverified_office, alice, bob):
    office = unverified_office
    office.memberships.create(user=bob, role=Role.MEMBER)
    staff = UserFactory(is_superuser=True, is_staff=True)
    with pytest.raises(PermissionDenied):
        account_actions.verify_organisation(alice, office)
    account_actions.verify_organisation(staff, office)
    assert AuditEntry.objects.filter(action="organisation.verify", organisation=office).exists()

    response = client.get(reverse("people:organisation", kwargs={"slug": office.slug}))
    assert response.status_code == 200
    for text in ("口湖鄉公所", "鄉鎮市區公所", "口湖", "管理員", "Alice 林", "Bob", "成員"):
        assert text in response.text, text
    assert "alice@example.tw" not in response.text
    assert "data-verified" in response.text

    account_actions.unverify_organisation(staff, office)
    assert "data-verified" not in client.get(reverse("people:organisation", kwargs={"slug": office.slug})).text


def test_followers_of_a_township_office_hear_of_its_requests(
    client, office, alice, places, django_capture_on_commit_callbacks
):
    follower = UserFactory()
    client.force_login(follower)
    client.post(reverse("people:follow", kwargs={"slug": office.slug}))
    with django_capture_on_commit_callbacks(execute=True):
        actions.create_help_request(alice, office, **request_data(places[KOUHU]))
    assert Notification.objects.filter(recipient=follower, kind="followed_request").count() == 1
    company = account_actions.create_organisation(alice, kind=Organisation.Kind.COMPANY, name="公司")
    with pytest.raises(ActionRefused):
        actions.follow_organisation(follower, company)


def test_following_twice_or_again_from_history_keeps_the_follow(client, office):
    """The follow button says what it does: a double click, or the form sent again from the browser's history,
    leaves the person following instead of undoing it; the unfollow button, sent twice, leaves them not following."""
    follower = UserFactory()
    client.force_login(follower)
    url = reverse("people:follow", kwargs={"slug": office.slug})
    page = client.get(reverse("people:organisation", kwargs={"slug": office.slug})).text
    assert 'name="follow" value="1"' in page

    client.post(url, {"follow": "1"})
    client.post(url, {"follow": "1"})

    assert office.followers.filter(user=follower).count() == 1
    page = client.get(reverse("people:organisation", kwargs={"slug": office.slug})).text
    assert 'name="follow" value="0"' in page

    client.post(url, {"follow": "0"})
    client.post(url, {"follow": "0"})

    assert not office.followers.filter(user=follower).exists()


def test_the_township_page_hears_of_its_organisations_and_open_requests(office, help_request, places):
    from people.queries import township_help_requests, township_organisations

    assert [o.name for o in township_organisations(places[KOUHU])["organisations"]] == ["口湖鄉公所"]
    assert [r.title for r in township_help_requests(places[KOUHU])["help_requests"]] == [help_request.title]
    assert township_organisations(places[GUANSHAN])["organisations"] == []
    assert township_help_requests(places[GUANSHAN])["help_requests"] == []


def test_verified_organisations_come_first_on_the_township_page(office, alice, places):
    from people.queries import township_organisations

    impostor = account_actions.create_organisation(
        alice, kind=Organisation.Kind.TOWNSHIP_OFFICE, name="一口湖鄉公所", township=places[KOUHU]
    )

    names = [o.name for o in township_organisations(places[KOUHU])["organisations"]]

    assert names == [office.name, impostor.name]


def test_a_help_request_sent_twice_is_kept_once_and_followers_hear_once(
    office, alice, places, django_capture_on_commit_callbacks
):
    follower = UserFactory()
    actions.follow_organisation(follower, office)
    data = request_data(places[KOUHU])

    with django_capture_on_commit_callbacks(execute=True):
        first = actions.create_help_request(alice, office, **data)
        again = actions.create_help_request(alice, office, **data)

    assert again.pk == first.pk
    assert HelpRequest.objects.filter(organisation=office).count() == 1
    assert Notification.objects.filter(recipient=follower, kind="followed_request").count() == 1
    # Another request (a different title) is a new one.
    other = actions.create_help_request(alice, office, **{**data, "title": "另一個需求"})
    assert other.pk != first.pk


@pytest.mark.parametrize(("language", "separator"), [("ja", "、"), ("zh-hant", "、"), ("en", ", ")])
def test_a_profiles_lists_are_joined_as_the_readers_language_writes_them(client, expert, places, language, separator):
    from django.utils import translation
    from django.utils.html import escape

    TalentProfile.objects.filter(pk=expert.pk).update(visibility="public", fields=",farm_fishery,management,")
    expert.townships.set([places[KOUHU], places[GUANSHAN]])

    with translation.override(language):
        page = client.get(reverse("people:profile", kwargs={"pk": expert.pk})).text
        fields = [str(label) for label in TalentProfile.objects.get(pk=expert.pk).field_labels]
        languages = [str(label) for label in TalentProfile.objects.get(pk=expert.pk).language_labels]
        townships = sorted(township.full_name for township in expert.townships.all())

    assert escape(separator.join(fields)) in page
    assert escape(separator.join(languages)) in page
    assert any(separator.join(order) in page for order in (townships, townships[::-1]))
    if separator != ", ":
        assert ", " not in page.split("<dl>")[1].split("</dl>")[0]


def test_requests_for_me_without_any_says_how_more_would_reach_the_person(client, expert):
    client.force_login(expert.user)

    page = client.get(reverse("people:matches")).text

    assert "目前還沒有開放中的需求" in page
    assert "檔案中列出的鄉鎮與領域越多" in page and reverse("people:profile_edit") in page


def test_an_offer_the_action_refuses_comes_back_with_the_message_and_the_reason(client, expert, help_request):
    # The request ran out after the page was shown (its end date passed); it still reads as open until closed.
    HelpRequest.objects.filter(pk=help_request.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    client.force_login(expert.user)
    with translation.override("ja"):
        url = reverse("people:offer_make", kwargs={"pk": help_request.pk})

    response = client.post(url, {"message": "週末なら現地で手伝えます"})

    assert response.status_code == 400
    assert "週末なら現地で手伝えます" in response.text
    assert re.search(r"data-error-summary.*?この依頼はもう受け付けていません", response.text, re.S)
    assert not Offer.objects.exists()


def test_feedback_refused_once_given_says_why_on_the_offer_page(client, expert, help_request, alice):
    offer = actions.make_offer(expert.user, help_request, message="可以")
    actions.accept_offer(alice, offer)
    actions.start_engagement(expert.user, offer)
    actions.complete_engagement(alice, offer)
    actions.leave_feedback(alice, offer, rating=5, text="很專業")  # from another tab, a moment ago
    client.force_login(alice)
    with translation.override("en"):
        url = reverse("people:offer_feedback", kwargs={"pk": offer.pk})

    response = client.post(url, {"rating": "3", "text": "第二次"})

    assert response.status_code == 400
    assert "You have already given your feedback." in response.text
    offer.refresh_from_db()
    assert (offer.requester_rating, offer.requester_feedback) == (5, "很專業")
