"""A backer manages their own subscription on our pages; every Stripe request goes to stripe-mock."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.actions import ActionRefused
from core.models import AuditEntry
from payments import stripe_api, subscriptions
from payments.models import Backing
from tests.factories.accounts import UserFactory
from tests.factories.payments import another_plan, subscription

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.stripe]


@pytest.fixture
def citizen(db):

    return UserFactory(email="citizen@example.tw", display_name="Citizen 陳")


@pytest.fixture
def backing(listing, citizen):
    return subscription(listing, citizen)


def _state(backing):
    backing.refresh_from_db()
    return (backing.status, backing.paused_until, backing.pause_reason, backing.cancel_at_period_end, backing.plan_id)


def _url(name, backing):
    return reverse(f"payments:subscription_{name}", kwargs={"pk": backing.pk})


def test_the_page_offers_a_pause_before_cancelling(client, citizen, backing):
    client.force_login(citizen)

    response = client.get(_url("manage", backing))

    text = response.text
    assert response.status_code == 200
    assert "Pause instead of cancelling?" in text or "要不要改成暫停" in text
    assert text.index('action="' + _url("pause", backing)) < text.index('action="' + _url("cancel", backing))
    assert 'name="csrfmiddlewaretoken"' in text
    assert 'for="resumes-on-' in text


def test_pausing_until_a_date_voids_charges_until_that_morning_in_taiwan(client, citizen, backing):
    client.force_login(citizen)
    resumes_on = timezone.localdate() + datetime.timedelta(days=40)

    response = client.post(_url("pause", backing), {"resumes_on": resumes_on.isoformat()}, follow=True)

    status, paused_until, reason, _cancel, _plan = _state(backing)
    assert status == Backing.Status.PAUSED
    assert paused_until == datetime.datetime.combine(resumes_on, datetime.time.min, tzinfo=subscriptions.TAIPEI)
    assert reason == "backer"
    assert AuditEntry.objects.filter(action="subscription.paused", actor=citizen).exists()
    assert any(message.level_tag == "success" for message in response.context["messages"])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", "required"),
        ("not a date", "valid date"),
        ((timezone.localdate()).isoformat(), "after today"),
        ((timezone.localdate() + datetime.timedelta(days=200)).isoformat(), "at most 183 days"),
    ],
)
def test_a_bad_resume_date_re_renders_with_the_reason_and_changes_nothing(client, citizen, backing, value, expected):
    client.force_login(citizen)
    client.cookies.load({"django_language": "en"})
    before = _state(backing)

    response = client.post(_url("pause", backing).replace("/zh-hant/", "/en/"), {"resumes_on": value})

    assert response.status_code == 400
    assert expected in response.text
    assert 'aria-invalid="true"' in response.text
    assert _state(backing) == before
    assert not AuditEntry.objects.filter(action="subscription.paused").exists()


def test_skipping_pauses_until_the_end_of_the_next_period(client, citizen, backing):
    client.force_login(citizen)

    client.post(_url("skip", backing))

    status, paused_until, reason, _cancel, _plan = _state(backing)
    assert status == Backing.Status.PAUSED
    # The current period ends 15 December: the January charge is skipped, billing resumes 15 January.
    assert paused_until == datetime.datetime(2027, 1, 15, 4, 0, tzinfo=datetime.UTC)
    assert reason == "backer"


def test_resuming_clears_the_pause(client, citizen, listing):
    paused = subscription(
        listing, citizen, status=Backing.Status.PAUSED, paused_until=timezone.now() + datetime.timedelta(days=9)
    )
    client.force_login(citizen)

    client.post(_url("resume", paused))

    status, paused_until, reason, _cancel, _plan = _state(paused)
    assert (status, paused_until, reason) == (Backing.Status.ACTIVE, None, "")
    assert AuditEntry.objects.filter(action="subscription.resumed").count() == 1


def test_resuming_a_running_subscription_is_refused_with_a_message(client, citizen, backing):
    client.force_login(citizen)
    before = _state(backing)

    response = client.post(_url("resume", backing), follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert _state(backing) == before


def test_switching_plan_bills_the_new_price_from_the_next_charge(client, citizen, backing, listing):
    bigger = another_plan(listing)
    client.force_login(citizen)

    client.post(_url("switch_plan", backing), {"plan": bigger.pk})

    backing.refresh_from_db()
    assert (backing.plan_id, backing.amount_twd) == (bigger.pk, 1_200)
    assert AuditEntry.objects.filter(action="subscription.plan_switched", data__plan=bigger.pk).exists()


def test_a_plan_of_another_project_is_not_offered_and_is_refused(client, citizen, backing, listing, market):
    from marketplace.models import ProjectListing

    other_listing = ProjectListing.objects.create(project=market["oysters"], enterprise=market["enterprise"])
    foreign = another_plan(other_listing, name="別人的方案")
    another_plan(listing)
    client.force_login(citizen)
    before = _state(backing)

    page = client.get(_url("manage", backing)).text
    response = client.post(_url("switch_plan", backing), {"plan": foreign.pk})

    assert "別人的方案" not in page
    assert response.status_code == 400
    assert 'aria-invalid="true"' in response.text
    assert _state(backing) == before


def test_cancelling_at_the_period_end_and_changing_ones_mind(client, citizen, backing):
    client.force_login(citizen)

    client.post(_url("cancel", backing))
    assert _state(backing)[3] is True
    page = client.get(_url("manage", backing)).text
    assert _url("undo_cancel", backing) in page and _url("cancel", backing) + '"' not in page

    client.post(_url("undo_cancel", backing))
    assert _state(backing)[3] is False
    assert list(AuditEntry.objects.filter(action__startswith="subscription.cancel").values_list("action", flat=True))


def test_a_stripe_outage_says_so_and_changes_nothing(client, citizen, backing, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    client.force_login(citizen)
    before = _state(backing)

    response = client.post(_url("cancel", backing), follow=True)

    assert [m.level_tag for m in response.context["messages"]] == ["error"]
    assert _state(backing) == before
    assert not AuditEntry.objects.filter(action__startswith="subscription.").exists()


def test_an_ended_subscription_cannot_be_changed(citizen, listing):
    ended = subscription(listing, citizen, status=Backing.Status.CANCELED)

    with pytest.raises(ActionRefused):
        subscriptions.cancel_at_period_end(citizen, ended)


def test_someone_else_gets_404_and_nothing_changes(client, backing, bob):
    client.force_login(bob)
    before = _state(backing)

    responses = [client.get(_url("manage", backing)), client.post(_url("cancel", backing))]

    assert [r.status_code for r in responses] == [404, 404]
    assert _state(backing) == before


def test_the_price_of_a_plan_is_found_or_made_by_its_lookup_key(listing):
    plan = listing.subscription_plans.first()

    price_id = stripe_api.price_for_plan(plan)

    assert stripe_api.plan_lookup_key(plan) == f"homeward-plan-{plan.pk}-500-month"
    assert price_id.startswith("price_")


def _stripe_subscription(**fields):
    data = {
        "id": "sub_x",
        "object": "subscription",
        "status": "active",
        "cancel_at_period_end": False,
        "pause_collection": None,
        "metadata": {},
        "items": {"object": "list", "data": [{"id": "si_1", "current_period_end": 1_800_000_000, "price": {}}]},
    }
    data.update(fields)
    return data


def test_the_state_stripe_reports_is_copied_onto_the_backing(backing, listing):
    bigger = another_plan(listing)
    paused = _stripe_subscription(
        pause_collection={"behavior": "void", "resumes_at": 1_790_000_000},
        metadata={"homeward_pause": "season"},
        items={
            "data": [
                {
                    "id": "si_1",
                    "current_period_end": 1_800_000_000,
                    "price": {"lookup_key": f"homeward-plan-{bigger.pk}-1200-month"},
                }
            ]
        },
    )

    subscriptions.apply_subscription_state(backing, paused)
    assert _state(backing) == (
        Backing.Status.PAUSED,
        datetime.datetime.fromtimestamp(1_790_000_000, tz=datetime.UTC),
        "season",
        False,
        bigger.pk,
    )
    assert backing.current_period_end == datetime.datetime.fromtimestamp(1_800_000_000, tz=datetime.UTC)

    subscriptions.apply_subscription_state(backing, _stripe_subscription(status="past_due", cancel_at_period_end=True))
    assert _state(backing)[:4] == (Backing.Status.PAST_DUE, None, "", True)


@pytest.mark.parametrize(
    ("moment", "interval", "expected"),
    [
        (
            datetime.datetime(2027, 1, 31, tzinfo=datetime.UTC),
            "month",
            datetime.datetime(2027, 2, 28, tzinfo=datetime.UTC),
        ),
        (
            datetime.datetime(2026, 12, 5, tzinfo=datetime.UTC),
            "month",
            datetime.datetime(2027, 1, 5, tzinfo=datetime.UTC),
        ),
        (
            datetime.datetime(2028, 2, 29, tzinfo=datetime.UTC),
            "year",
            datetime.datetime(2029, 2, 28, tzinfo=datetime.UTC),
        ),
    ],
)
def test_one_period_later(moment, interval, expected):
    assert subscriptions.add_interval(moment, interval) == expected


def test_skipping_from_an_old_page_while_paused_keeps_the_pause_and_says_why(client, citizen, listing):
    """The list's and the page's "skip" buttons go once a pause is set; a page opened before still has one. Its skip
    would move the day charges resume (here: earlier than the backer chose), so it is refused and nothing changes."""
    resumes = datetime.datetime(2027, 4, 1, 16, 0, tzinfo=datetime.UTC)  # 2 April 2027, midnight in Taiwan
    paused = subscription(listing, citizen, status=Backing.Status.PAUSED, paused_until=resumes, pause_reason="backer")
    client.force_login(citizen)
    before = _state(paused)

    response = client.post(_url("skip", paused).replace("/zh-hant/", "/en/"), follow=True)

    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [
        (
            "error",
            "This subscription is already paused until 2 April 2027: nothing is charged before then, and nothing "
            "was changed. To pause for longer, choose another date.",
        )
    ]
    assert _state(paused) == before
    assert not AuditEntry.objects.filter(action="subscription.skipped").exists()


def test_a_pause_may_lengthen_a_break_outside_the_season_but_not_end_it_early(citizen, listing):
    season_starts = datetime.datetime.combine(
        timezone.localdate() + datetime.timedelta(days=60), datetime.time.min, tzinfo=subscriptions.TAIPEI
    )
    resting = subscription(
        listing, citizen, status=Backing.Status.PAUSED, paused_until=season_starts, pause_reason="season"
    )

    with pytest.raises(ActionRefused) as refused:
        subscriptions.pause_until(citizen, resting, timezone.localdate() + datetime.timedelta(days=10))

    assert refused.value.code == "season"
    assert _state(resting)[1:3] == (season_starts, "season")
    longer = subscriptions.pause_until(citizen, resting, timezone.localdate() + datetime.timedelta(days=90))
    assert longer.pause_reason == "backer"


def test_my_backings_says_until_when_a_subscription_is_paused_instead_of_its_next_charge(client, citizen, listing):
    until = timezone.now() + datetime.timedelta(days=40)
    paused = subscription(listing, citizen, status=Backing.Status.PAUSED, paused_until=until)
    Backing.objects.filter(pk=paused.pk).update(current_period_end=timezone.now() + datetime.timedelta(days=5))
    client.force_login(citizen)

    with translation.override("en"):
        page = client.get(reverse("payments:my_backings")).text

    day = timezone.localtime(until).date()
    assert f"Paused until <strong>{day.day} {day:%B} {day.year}</strong>: nothing is charged before then." in page
    assert "Next charge" not in page


@pytest.mark.parametrize(
    ("language", "too_far", "help_text"),
    [
        ("zh-hant", "暫停最長為 30 天", "最長為今天起 30 天"),
        ("en", "A pause lasts at most 30 days", "at most 30 days from today"),
        ("ja", "一時停止は最長 30 日です", "今日から最長 30 日です"),
    ],
)
def test_a_pause_is_bounded_and_the_page_says_the_limit_and_the_last_day(
    client, citizen, backing, settings, language, too_far, help_text
):
    from django.utils import formats, translation

    settings.SUBSCRIPTION_PAUSE_MAX_DAYS = 30
    today = timezone.localdate()
    last_day = today + datetime.timedelta(days=30)
    client.force_login(citizen)
    with translation.override(language):
        url = _url("pause", backing)
        manage = reverse("payments:subscription_manage", kwargs={"pk": backing.pk})
        shown = formats.date_format(last_day)
    before = _state(backing)
    for resumes_on in ("9999-12-31", (last_day + datetime.timedelta(days=1)).isoformat()):
        response = client.post(url, {"resumes_on": resumes_on})
        assert response.status_code == 400
        assert too_far in response.text and shown in response.text
        assert f'value="{resumes_on}"' in response.text
    assert _state(backing) == before
    page = client.get(manage).text
    assert f'min="{(today + datetime.timedelta(days=1)).isoformat()}" max="{last_day.isoformat()}"' in page
    assert help_text in page

    # The last day allowed is accepted.
    client.post(url, {"resumes_on": last_day.isoformat()})
    assert _state(backing)[1] == datetime.datetime.combine(last_day, datetime.time.min, tzinfo=subscriptions.TAIPEI)


@pytest.mark.parametrize("action", ["pause", "skip", "switch_plan"])
def test_a_subscription_set_to_end_refuses_pause_skip_and_switch_and_says_how_to_keep_it(
    client, citizen, listing, action
):
    """Found by a new backer: after "Cancel at the end of the period" the page still offered a pause, a skip (which
    answered "billing continues after that period") and a plan switch. No charge is left for them to change."""
    ending = subscription(listing, citizen, cancel_at_period_end=True)
    other = another_plan(listing, name="認養兩棵", price_twd=900)
    data = {
        "pause": {"resumes_on": (timezone.localdate() + datetime.timedelta(days=20)).isoformat()},
        "skip": {},
        "switch_plan": {"plan": other.pk},
    }[action]
    client.force_login(citizen)
    before = _state(ending)

    response = client.post(_url(action, ending).replace("/zh-hant/", "/en/"), data, follow=True)

    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [
        (
            "error",
            "This subscription ends on 15 December 2026 and nothing more is charged, so there is nothing to pause, "
            "skip or switch; nothing was changed. To go on backing, choose “Keep my subscription” first.",
        )
    ]
    assert _state(ending) == before
    assert not AuditEntry.objects.filter(action__startswith="subscription.").exists()


@pytest.mark.parametrize(
    ("language", "ends", "keep"),
    [
        ("zh-hant", "這個訂閱將於2026年12月15日終止，之後不會再扣款。", "保留我的訂閱"),
        ("en", "This subscription ends on 15 December 2026: nothing more is charged.", "Keep my subscription"),
        ("ja", "この定期支援は2026年12月15日に終わり、それ以降は請求されません。", "定期支援を続ける"),
    ],
)
def test_the_page_of_a_subscription_set_to_end_says_when_and_offers_only_to_keep_it(
    client, citizen, listing, language, ends, keep
):
    ending = subscription(listing, citizen, cancel_at_period_end=True)
    another_plan(listing, name="認養兩棵", price_twd=900)
    client.force_login(citizen)

    page = client.get(_url("manage", ending).replace("/zh-hant/", f"/{language}/")).text
    listed = client.get(reverse("payments:my_backings").replace("/zh-hant/", f"/{language}/")).text

    assert ends in page and keep in page
    if language == "zh-hant":  # one form of address on the page: the heading said 你 beside 您的訂閱
        assert "管理您的訂閱" in page and "你" not in page
    assert _url("undo_cancel", ending).replace("/zh-hant/", f"/{language}/") in page
    for gone in ("pause", "skip", "switch_plan", "cancel"):
        assert 'action="' + _url(gone, ending).replace("/zh-hant/", f"/{language}/") + '"' not in page
    assert 'action="' + _url("undo_cancel", ending).replace("/zh-hant/", f"/{language}/") + '"' in listed
    assert 'action="' + _url("skip", ending).replace("/zh-hant/", f"/{language}/") + '"' not in listed
    assert "data-subscription-ending" in listed


def test_keeping_a_subscription_from_my_backings_brings_back_its_controls(client, citizen, listing):
    ending = subscription(listing, citizen, cancel_at_period_end=True)
    client.force_login(citizen)

    client.post(_url("undo_cancel", ending))

    with translation.override("en"):
        listed = client.get(reverse("payments:my_backings")).text
    assert _state(ending)[3] is False
    assert "data-subscription-ending" not in listed
    assert "Pause, skip or change plan" in listed
    assert 'action="' + _url("undo_cancel", ending) + '"' not in listed
