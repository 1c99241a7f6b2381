"""Starting payments against stripe-mock: plans mirrored as Prices, Checkout for donations and subscriptions."""

import datetime
import re
import time

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace import actions
from payments import checkout, stripe_api
from payments import tasks as payment_tasks
from payments.models import Backing
from tests.factories.payments import pending_subscription

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.stripe]


class StripeRequests:
    """Every request the Stripe client makes, as (method, path, params) — they still go to stripe-mock."""

    def __init__(self, monkeypatch):
        self.calls = []
        self.idempotency_keys = []
        original = stripe_api.stripe.RequestsClient.request

        def record(client, method, url, headers, post_data=None, **kwargs):
            body = (post_data or "").replace("%5B", "[").replace("%5D", "]")
            self.calls.append((method.upper(), url.split("?")[0].split("/v1/", 1)[-1], body))
            self.idempotency_keys.append(headers.get("Idempotency-Key"))
            return original(client, method, url, headers, post_data, **kwargs)

        monkeypatch.setattr(stripe_api.stripe.RequestsClient, "request", record)

    def paths(self, method):
        return [path for verb, path, _body in self.calls if verb == method]


@pytest.fixture
def stripe_requests(monkeypatch):
    return StripeRequests(monkeypatch)


def in_english(url):
    return re.sub(r"^/[^/]+/", "/en/", url)


def donate_url(listing):
    return reverse("payments:donate", kwargs={"project_id": listing.project_id})


# --- plans as Products and Prices -----------------------------------------------------------------


def test_a_plan_is_mirrored_as_a_product_and_a_price_with_its_lookup_key(plan, stripe_requests):
    prices = stripe_api.sync_plan_prices([plan])

    assert prices[plan.pk].startswith("price_")
    # Looked up by lookup key first; stripe-mock knows no Price with ours, so one Price is created (the Product
    # with our own id is found by retrieve, so it is not created again).
    assert stripe_requests.paths("GET") == ["prices", f"products/homeward_plan_{plan.pk}"]
    assert stripe_requests.paths("POST") == ["prices"]
    body = [body for verb, path, body in stripe_requests.calls if verb == "POST"][0]
    assert f"lookup_key=homeward-plan-{plan.pk}-500-month" in body
    assert "transfer_lookup_key=true" in body
    assert "unit_amount=50000" in body and "currency=twd" in body


def test_a_price_already_in_stripe_is_found_by_lookup_key_and_nothing_is_created(plan, stripe_requests, monkeypatch):
    # stripe-mock is stateless: its one fixture Price has no lookup key. Give our plan that Price's key
    # so the lookup finds it, as Stripe would on a second sync.
    monkeypatch.setattr(stripe_api, "plan_lookup_key", lambda plan: None)

    prices = stripe_api.sync_plan_prices([plan])

    assert prices[plan.pk].startswith("price_")
    assert stripe_requests.paths("POST") == []


def test_submitting_a_project_syncs_its_plans_once_committed(
    profile, alice, stripe_requests, django_capture_on_commit_callbacks
):  # noqa: E501
    draft = actions.start_project_draft(alice, profile.organisation)
    actions.save_draft_step(alice, draft, "basics", title="茶園", summary="茶")
    actions.save_draft_step(alice, draft, "story", story="故事")
    actions.add_subscription_plan(alice, draft, name="年度茶", price_twd=1_200, rewards="茶", interval="year")

    with django_capture_on_commit_callbacks(execute=True):
        actions.submit_project_draft(alice, draft)

    assert "prices" in stripe_requests.paths("POST")
    assert any("recurring[interval]=year" in body for _verb, _path, body in stripe_requests.calls)


def test_stripe_down_at_submission_does_not_stop_the_submission(
    profile, alice, settings, django_capture_on_commit_callbacks
):  # noqa: E501
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens there
    draft = actions.start_project_draft(alice, profile.organisation)
    actions.save_draft_step(alice, draft, "basics", title="茶園", summary="茶")
    actions.save_draft_step(alice, draft, "story", story="故事")
    actions.add_subscription_plan(alice, draft, name="茶", price_twd=300, rewards="茶")

    with django_capture_on_commit_callbacks(execute=True):
        project, _state = actions.submit_project_draft(alice, draft)

    assert project.pk


# --- donations -----------------------------------------------------------------------------------


def test_a_guest_donates_a_suggested_amount_and_is_sent_to_checkout(client, listing, campaign, stripe_requests):
    response = client.post(donate_url(listing), {"suggested": "1000", "name": "林小姐", "anonymous": "on"})

    assert response.status_code == 302
    assert response["Location"].startswith("https://checkout.stripe.com/")
    backing = Backing.objects.get()
    assert (backing.kind, backing.status, backing.amount_twd) == ("donation", "pending", 1_000)
    assert backing.backer is None and backing.anonymous and backing.backer_name == "林小姐"
    assert backing.campaign == campaign and backing.language == "zh-hant"
    assert backing.stripe_checkout_session_id.startswith("cs_")
    [(_verb, _path, body)] = [call for call in stripe_requests.calls if call[1] == "checkout/sessions"]
    assert "mode=payment" in body and "[price_data][unit_amount]=100000" in body and "currency]=twd" in body
    assert f"metadata[backing_id]={backing.pk}" in body
    assert f"client_reference_id={backing.pk}" in body
    assert "locale=zh-TW" in body
    assert "success_url=http" in body and "checkout%2Fsuccess" in body
    assert f"homeward-checkout-backing-{backing.pk}" in stripe_requests.idempotency_keys


def test_a_signed_in_donor_is_linked_and_a_custom_amount_is_used(client, listing, campaign, bob):
    client.force_login(bob)

    response = client.post(donate_url(listing), {"suggested": "other", "custom_amount": "NT$2,500"})

    assert response.status_code == 302
    backing = Backing.objects.get()
    assert (backing.backer, backing.backer_email, backing.amount_twd) == (bob, bob.email, 2_500)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"suggested": "other", "custom_amount": "12.5"}, "without decimals"),
        # Letters or a number in words are not "decimals": the message says what is read.
        ({"suggested": "other", "custom_amount": "abc"}, "in digits, such as 500: words and letters"),
        ({"suggested": "other", "custom_amount": "一百"}, "in digits, such as 500: words and letters"),
        ({"suggested": "other", "custom_amount": "10"}, "smallest amount"),
        ({"suggested": "other", "custom_amount": "99999999"}, "largest amount"),
        ({"suggested": "other"}, "Choose an amount"),
        ({"suggested": "777"}, "valid choice"),
        # What a keyboard or a paste may bring: the form's own message, never a 500.
        ({"suggested": "other", "custom_amount": "--5"}, "without spaces or other signs"),
        ({"suggested": "other", "custom_amount": "1⁄2"}, "without decimals"),
        ({"suggested": "other", "custom_amount": "9" * 5000}, "largest amount"),
    ],
)
def test_a_bad_amount_re_renders_the_form_and_saves_nothing(client, listing, campaign, data, message):
    with_english = in_english(donate_url(listing))

    response = client.post(with_english, data)

    assert response.status_code == 400
    assert message in response.text
    assert not Backing.objects.exists()


def _chips(html):
    """The donate page's amount buttons: {value: checked}."""
    chips = re.findall(
        r'<label class="amount-chip"[^>]*><input type="radio" name="suggested" value="([^"]+)"([^>]*)>', html
    )
    return {value: " checked" in attributes for value, attributes in chips}


def test_the_donate_page_shown_again_after_an_error_looks_and_works_like_the_panel(client, listing, campaign):
    """It showed the suggested amounts as plain radio buttons with none chosen, while the project page's panel shows
    them as buttons with the first chosen: now the same buttons, with the amount the person chose or typed marked."""
    first_visit = client.get(in_english(donate_url(listing))).text
    assert _chips(first_visit) == {"300": True, "1000": False, "other": False}

    # A suggested amount chosen, another field wrong: that amount stays chosen.
    chosen = client.post(in_english(donate_url(listing)), {"suggested": "1000", "name": "林" * 151})
    assert chosen.status_code == 400
    assert _chips(chosen.text) == {"300": False, "1000": True, "other": False}

    # An amount typed (the first button was still chosen in the panel): "Another amount" marked, the text kept.
    typed = client.post(in_english(donate_url(listing)), {"suggested": "300", "custom_amount": "一百"})
    assert typed.status_code == 400
    assert _chips(typed.text) == {"300": False, "1000": False, "other": True}
    assert 'value="一百"' in typed.text
    assert "Enter the amount in digits, such as 500: words and letters cannot be read as an amount." in typed.text
    assert not Backing.objects.exists()

    # Sent again from the page as it is now shown, with the amount corrected: the typed amount is the one paid.
    corrected = client.post(in_english(donate_url(listing)), {"suggested": "other", "custom_amount": "100"})
    assert corrected.status_code == 302
    assert Backing.objects.get().amount_twd == 100


@pytest.mark.parametrize(
    ("language", "typed", "message"),
    [
        ("zh-hant", "一百", "請用阿拉伯數字輸入金額，例如 500；文字和字母無法當作金額。"),
        ("ja", "abc", "金額は 500 のように算用数字で入力してください。文字や漢数字は金額として読み取れません。"),
        ("zh-hant", "100.5", "請輸入新臺幣整數金額，不含小數。"),
        ("ja", "1 2", "金額は 500 のように数字だけで入力してください。空白や記号は入れないでください。"),
        ("zh-hant", "2000000", "最高金額"),
    ],
)
def test_a_bad_amount_is_explained_in_the_pages_language_by_what_was_typed(
    client, listing, campaign, language, typed, message
):
    url = re.sub(r"^/[^/]+/", f"/{language}/", donate_url(listing))

    response = client.post(url, {"suggested": "other", "custom_amount": typed})

    assert response.status_code == 400
    assert message in response.text
    assert not Backing.objects.exists()


def test_a_guest_types_full_width_digits_and_the_normalised_amount_is_stored(client, listing, campaign):
    response = client.post(donate_url(listing), {"suggested": "other", "custom_amount": "ＮＴ＄２，５００"})

    assert response.status_code == 302
    assert Backing.objects.get().amount_twd == 2_500


def test_a_closed_campaign_refuses_donations(client, listing, campaign):
    campaign.deadline = timezone.localdate() - datetime.timedelta(days=1)
    campaign.save()

    response = client.post(in_english(donate_url(listing)), {"suggested": "300"})
    page = client.get(listing.project.url)

    assert response.status_code == 400
    assert "campaign has closed" in response.text
    assert not Backing.objects.exists()
    assert "donation-form" not in page.text


def test_stripe_unreachable_says_so_and_leaves_no_pending_backing(client, listing, campaign, settings):
    settings.STRIPE_API_BASE = "http://127.0.0.1:9"

    response = client.post(in_english(donate_url(listing)), {"suggested": "300", "name": "Lin Mei"})

    # The request was fine and Stripe did not answer: 503 with a time to try again, the form as the person filled it.
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "could not be reached" in response.text
    assert 'value="Lin Mei"' in response.text
    assert list(Backing.objects.values_list("status", flat=True)) == ["expired"]


def test_payments_not_configured_says_so_and_records_nothing(client, listing, campaign, settings):
    settings.STRIPE_SECRET_KEY = ""

    response = client.post(in_english(donate_url(listing)), {"suggested": "300"})

    assert response.status_code == 503
    assert "not configured" in response.text
    assert not Backing.objects.exists()


def test_the_project_page_offers_the_donation_form_and_the_plans(client, listing, campaign, plan):
    text = client.get(listing.project.url).text

    assert 'class="stacked-form donation-form"' in text
    assert donate_url(listing) in text
    assert reverse("payments:subscribe", kwargs={"project_id": listing.project_id, "plan_id": plan.pk}) in text


# --- subscriptions -------------------------------------------------------------------------------


def subscribe_url(plan):
    return reverse("payments:subscribe", kwargs={"project_id": plan.listing.project_id, "plan_id": plan.pk})


def test_subscribing_needs_an_account(client, plan):
    response = client.post(subscribe_url(plan), {})

    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]
    assert not Backing.objects.exists()


def test_a_signed_in_person_subscribes_through_checkout_with_the_plans_price(client, plan, bob, stripe_requests):
    client.force_login(bob)

    response = client.post(subscribe_url(plan), {"name": "Bob"})

    assert response.status_code == 302
    assert response["Location"].startswith("https://checkout.stripe.com/")
    backing = Backing.objects.get()
    assert (backing.kind, backing.status, backing.plan, backing.backer) == ("subscription", "pending", plan, bob)
    [(_verb, _path, body)] = [call for call in stripe_requests.calls if call[1] == "checkout/sessions"]
    assert "mode=subscription" in body
    assert f"subscription_data[metadata][backing_id]={backing.pk}" in body
    assert "line_items[0][price]=price_" in body


def test_a_full_plan_refuses_another_backer(client, plan, bob, alice):
    plan.max_backers = 1
    plan.save()
    pending_subscription(plan, alice, status=Backing.Status.ACTIVE)
    client.force_login(bob)

    response = client.post(in_english(subscribe_url(plan)), {})

    assert response.status_code == 400
    assert "This plan is full" in response.text, response.text[response.text.find("<main") :][:1500]
    assert Backing.objects.count() == 1


def test_subscribing_again_to_a_plan_one_already_backs_is_refused_and_says_where_to_manage_it(client, plan, bob):
    running = pending_subscription(plan, bob, status=Backing.Status.ACTIVE)
    client.force_login(bob)

    response = client.post(in_english(subscribe_url(plan)), {})  # the back button after paying, the form again

    assert response.status_code == 400
    assert "You already back this plan" in response.text
    assert list(Backing.objects.values_list("pk", flat=True)) == [running.pk]
    # The page says so before the form is filled again and offers what is left to do: the subscription's own page,
    # with no form and no Continue button that would only be refused.
    page = client.get(in_english(subscribe_url(plan))).text
    assert "You already back this plan: pause it" in page
    assert reverse("payments:backing_detail", kwargs={"pk": running.pk}) in page
    assert 'method="post" class="stacked-form"' not in page and "Continue to" not in page
    assert "Subscribe with Stripe" not in page
    for language, notice in [("zh-hant", "您已經訂閱這個方案"), ("ja", "このプランはすでに支援しています")]:
        translated = client.get(in_english(subscribe_url(plan)).replace("/en/", f"/{language}/", 1)).text
        assert notice in translated and 'name="payer"' not in translated

    # Once it has ended, the plan may be taken again.
    Backing.objects.filter(pk=running.pk).update(status=Backing.Status.CANCELED)
    assert "You already back this plan" not in client.get(in_english(subscribe_url(plan))).text
    response = client.post(in_english(subscribe_url(plan)), {})
    assert response.status_code == 302
    assert Backing.objects.count() == 2


def test_the_checkout_return_says_what_happened_and_changes_nothing(client, listing):
    url = reverse("payments:checkout_return", kwargs={"project_id": listing.project_id, "outcome": "canceled"})

    response = client.get(in_english(url), follow=True)

    assert "nothing was charged" in response.text
    assert not Backing.objects.exists()


def test_the_success_return_names_the_backing_and_thanks_only_for_a_checkout_started_for_the_project(
    client, listing, campaign, bob, stripe_requests
):
    """The success page thanked whoever opened it ("Stripe has your payment"), also by hand, with a made-up session id
    or another project's checkout: Stripe's success address now names the backing, and only a checkout of this
    project that was not given up is thanked for. Nothing is recorded either way (the webhook does that)."""
    from urllib.parse import parse_qs, urlsplit

    client.force_login(bob)
    assert client.post(in_english(donate_url(listing)), {"suggested": "1000"}).status_code == 302
    body = [body for verb, path, body in stripe_requests.calls if path == "checkout/sessions"][-1]
    success = urlsplit(parse_qs(body)["success_url"][0])
    backing = Backing.objects.get()
    assert parse_qs(success.query) == {"backing": [str(backing.pk)]}
    thanks = "Thank you! Stripe has your payment; it appears in your backings as soon as Stripe confirms it."

    came_back = client.get(f"{success.path}?{success.query}", follow=True)
    assert thanks in came_back.text
    assert client.get(f"{success.path}?{success.query}", follow=True).text.count(thanks) == 1, "opened twice: once"

    plain = reverse("payments:checkout_return", kwargs={"project_id": listing.project_id, "outcome": "success"})
    for forged in ("", "?session_id=cs_test_forged", "?backing=999999", "?backing=abc", f"?backing={backing.pk}0"):
        response = client.get(in_english(plain) + forged, follow=True)
        assert response.status_code == 200 and response.redirect_chain[-1][1] == 302
        assert "Thank you" not in response.text, forged

    Backing.objects.filter(pk=backing.pk).update(status=Backing.Status.EXPIRED)  # given up at Stripe's "cancel"
    assert "Thank you" not in client.get(f"{success.path}?{success.query}", follow=True).text
    assert Backing.objects.get().status == Backing.Status.EXPIRED


def test_many_plans_are_looked_up_ten_lookup_keys_at_a_time(listing, stripe_requests):
    from marketplace.models import SubscriptionPlan

    for number in range(11):
        SubscriptionPlan.objects.create(listing=listing, name=f"plan {number}", price_twd=100 + number, rewards="x")

    prices = stripe_api.sync_plan_prices(listing.subscription_plans.all())

    assert len(prices) == 12
    assert stripe_requests.paths("GET").count("prices") == 2
    assert stripe_requests.paths("POST").count("prices") == 12


# --- capped plans and checkout spam (#17.7) ---------------------------------------------------------


def test_a_checkout_session_expires_after_31_minutes(client, listing, campaign, stripe_requests):
    before = int(time.time())
    assert client.post(donate_url(listing), {"suggested": "1000"}).status_code == 302
    [(_verb, _path, body)] = [call for call in stripe_requests.calls if call[1] == "checkout/sessions"]
    expires_at = int(re.search(r"expires_at=(\d+)", body).group(1))
    assert 30 * 60 < expires_at - before <= 31 * 60 + 5, "Stripe takes 30 minutes to 24 hours"


def test_an_abandoned_checkout_holds_a_capped_place_only_for_the_sessions_lifetime(client, plan, bob, alice):
    plan.max_backers = 1
    plan.save()
    client.force_login(alice)
    assert client.post(subscribe_url(plan), {"name": "Alice"}).status_code == 302  # then she walks away
    client.force_login(bob)
    assert "This plan is full" in client.post(in_english(subscribe_url(plan)), {}).text

    # 32 minutes later her session has expired at Stripe: the place is free again, for Bob.
    Backing.objects.filter(backer=alice).update(created=timezone.now() - datetime.timedelta(minutes=32))
    assert checkout.places_taken(plan) == 0
    assert client.post(subscribe_url(plan), {"name": "Bob"}).status_code == 302
    assert Backing.objects.filter(backer=bob, status="pending").count() == 1
    assert payment_tasks.expire_abandoned_checkouts.call() == 1, "alice's is marked not completed"


def test_one_person_cannot_hold_more_than_three_open_checkouts(client, listing, campaign, bob):
    client.force_login(bob)
    for _attempt in range(checkout.MAX_OPEN_CHECKOUTS):
        assert client.post(donate_url(listing), {"suggested": "1000"}).status_code == 302
    response = client.post(in_english(donate_url(listing)), {"suggested": "1000"})
    assert response.status_code == 400
    assert "You already have 3 payments waiting to be completed." in response.text
    assert Backing.objects.filter(backer=bob).count() == 3

    Backing.objects.filter(backer=bob).update(created=timezone.now() - datetime.timedelta(minutes=32))
    assert client.post(donate_url(listing), {"suggested": "1000"}).status_code == 302


def test_guest_checkouts_are_throttled_per_client_address(client, listing, campaign, settings):
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "checkout": "3/m/ip"}
    address = f"198.51.100.{int(time.time()) % 250}"  # an address no other test used within the minute
    for _attempt in range(3):
        response = client.post(donate_url(listing), {"suggested": "1000"}, REMOTE_ADDR=address)
        assert response.status_code == 302
    refused = client.post(in_english(donate_url(listing)), {"suggested": "1000"}, REMOTE_ADDR=address)
    assert refused.status_code == 429
    assert "Too many payments were started from your connection." in refused.text
    assert Backing.objects.count() == 3, "no Checkout Session was opened for the refused one"
    assert client.post(donate_url(listing), {"suggested": "1000"}, REMOTE_ADDR="203.0.113.9").status_code == 302


def test_the_donation_page_of_a_closed_campaign_says_so_instead_of_asking_for_an_amount(client, listing, campaign):
    campaign.deadline = timezone.localdate() - datetime.timedelta(days=1)
    campaign.save()

    response = client.get(in_english(donate_url(listing)))

    assert response.status_code == 200
    assert "This donation campaign has closed: its deadline has passed." in response.text
    assert 'name="custom_amount"' not in response.text and "Continue to the demo checkout" not in response.text


def test_cancelling_on_stripe_closes_the_session_and_frees_the_open_checkout(
    client, listing, campaign, bob, stripe_requests
):
    """Stripe's cancel address names the backing; coming back from it expires that Checkout Session at Stripe (so it
    can no longer be paid) and the backing, which then no longer counts among the person's open checkouts."""
    from urllib.parse import parse_qs, urlsplit

    client.force_login(bob)
    for _attempt in range(checkout.MAX_OPEN_CHECKOUTS + 1):
        assert client.post(in_english(donate_url(listing)), {"suggested": "1000"}).status_code == 302
        body = [body for verb, path, body in stripe_requests.calls if path == "checkout/sessions"][-1]
        cancel_url = urlsplit(parse_qs(body)["cancel_url"][0])
        backing = Backing.objects.latest("pk")
        assert parse_qs(cancel_url.query) == {"backing": [str(backing.pk)]}

        response = client.get(f"{cancel_url.path}?{cancel_url.query}", follow=True)

        assert "nothing was charged" in response.text
        backing.refresh_from_db()
        assert backing.status == Backing.Status.EXPIRED
    assert stripe_requests.paths("POST").count(f"checkout/sessions/{backing.stripe_checkout_session_id}/expire") == 1
