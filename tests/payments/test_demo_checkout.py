"""The demo checkout (payments/gateways/demo.py): `make run` without Stripe keys backs projects through a local
page whose "pay" delivers Stripe-shaped events, signed with the webhook secret, to the real /stripe/webhook/."""

import datetime
import json
import re

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from core.models import AuditEntry
from payments import gateways, subscriptions
from payments.gateways import demo
from payments.ledger import totals_for_project
from payments.models import Backing, LedgerEntry, StripeEvent
from tests.factories.payments import another_plan

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def demo_gateway(settings):
    settings.PAYMENTS_GATEWAY = "demo"
    settings.STRIPE_SECRET_KEY = ""  # as `make run` without keys: nothing may reach Stripe (or stripe-mock)
    settings.STRIPE_WEBHOOK_SECRET = settings.DEMO_STRIPE_WEBHOOK_SECRET
    return settings


def donate(client, listing, amount="1000", **fields):
    response = client.post(
        reverse("payments:donate", kwargs={"project_id": listing.project_id}), {"suggested": amount, **fields}
    )
    assert response.status_code == 302, response.content
    return response["Location"]


def in_language(url, language):
    return re.sub(r"^/[^/]+/", f"/{language}/", url)


def pay(client, url, email="guest@example.tw", name="林小姐"):
    return client.post(url, {"email": email, "name": name})


def test_the_demo_gateway_is_chosen_by_settings(settings):
    settings.PAYMENTS_GATEWAY = "stripe"
    assert gateways.current().__name__ == "payments.gateways.stripe_checkout"
    settings.PAYMENTS_GATEWAY = "demo"
    assert gateways.current() is demo


def test_a_donation_goes_to_the_demo_page_which_says_no_money_moves(client, listing, campaign, demo_gateway):
    url = donate(client, listing)

    assert re.match(r"^/zh-hant/demo-checkout/[^/]+/$", url)
    backing = Backing.objects.get()
    assert backing.status == "pending" and backing.stripe_checkout_session_id.startswith("cs_demo_")
    page = client.get(url)
    assert page.status_code == 200
    text = page.content.decode()
    assert "示範——不會有任何金流" in text  # "Demo — no money moves", in the page's language
    assert "NT$1,000" in text and "智慧魚塭" in text
    english = client.get(url.replace("/zh-hant/", "/en/", 1))
    assert "Demo — no money moves" in english.content.decode()
    japanese = client.get(url.replace("/zh-hant/", "/ja/", 1))
    assert "デモ — お金は動きません" in japanese.content.decode()


def test_a_signed_in_backers_name_is_filled_in_when_the_receipt_name_was_left_empty(
    client, listing, campaign, bob, alice, demo_gateway
):
    """As Stripe's page starts with its customer's name: "Your name" was empty for a signed-in person who left
    "Name on the receipt" empty. A name given for the receipt still comes first; a guest's stays empty; an email
    address is never offered as a name."""
    client.force_login(bob)
    page = client.get(donate(client, listing)).text
    assert re.search(r'<input type="text" name="name" value="Bob"', page)

    page = client.get(donate(client, listing, name="林小姐")).text
    assert re.search(r'<input type="text" name="name" value="林小姐"', page)

    alice.display_name, alice.first_name, alice.last_name = "", "Alice", "Chen"
    alice.save()
    client.force_login(alice)
    page = client.get(donate(client, listing)).text
    assert re.search(r'<input type="text" name="name" value="Alice Chen"', page)

    alice.first_name = alice.last_name = ""
    alice.save()
    page = client.get(donate(client, listing)).text
    assert re.search(r'<input type="text" name="name"(?! value)', page)

    client.logout()
    page = client.get(donate(client, listing)).text
    assert re.search(r'<input type="text" name="name"(?! value)', page)


def test_the_project_panel_says_the_checkout_is_a_demo(client, listing, campaign, demo_gateway):
    page = client.get(listing.project.url).content.decode()

    assert "data-demo-checkout" in page
    assert "payments-unavailable" not in page  # the buttons work: no "payments are not configured" notice


def test_paying_delivers_signed_events_through_the_webhook_and_the_ledger_records_the_donation(
    client, listing, campaign, demo_gateway, django_capture_on_commit_callbacks
):
    url = donate(client, listing)

    with django_capture_on_commit_callbacks(execute=True):
        response = pay(client, url)

    backing = Backing.objects.get()
    assert response.status_code == 302
    assert response["Location"].endswith(
        f"/zh-hant/projects/{listing.project_id}/checkout/success/?backing={backing.pk}"
    )
    [event] = StripeEvent.objects.all()
    assert (event.type, event.status, event.stripe_id) == (
        "checkout.session.completed",
        "processed",
        f"evt_demo_{backing.stripe_checkout_session_id.removeprefix('cs_demo_')}_1",
    )
    assert (backing.status, backing.backer_email) == ("paid", "guest@example.tw")
    [entry] = LedgerEntry.objects.all()
    assert (entry.kind, entry.amount_twd, entry.platform_fee_twd) == ("payment", 1_000, 50)
    assert entry.source_key == f"payment_intent:{backing.stripe_payment_intent_id}"
    assert entry.receipt_number.startswith("HW-")
    assert totals_for_project(listing.project_id).raised_twd == 1_000
    assert [message.to for message in mail.outbox] == [["guest@example.tw"]]  # the receipt
    thanks = client.get(response["Location"], follow=True).content.decode()
    assert "示範支持已記錄" in thanks  # "your demo backing is recorded; no money moved"


def test_the_events_carry_a_signature_the_webhook_verifies(listing, campaign, demo_gateway, client, rf):
    """The signature is Stripe's scheme with the endpoint secret: a wrong secret or a changed body is refused."""
    import stripe

    session = demo.open_session(donate(client, listing).split("/demo-checkout/")[1].rstrip("/"))
    [event] = demo.session_events(session, email="a@example.tw", name="A")
    payload = json.dumps(event).encode()
    header = demo.sign(payload, demo_gateway.STRIPE_WEBHOOK_SECRET, 1_900_000_000)

    assert stripe.WebhookSignature.verify_header(payload.decode(), header, demo_gateway.STRIPE_WEBHOOK_SECRET, None)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(payload.decode(), header, "whsec_someone_else", None)
    with pytest.raises(stripe.SignatureVerificationError):
        stripe.WebhookSignature.verify_header(payload.decode() + " ", header, demo_gateway.STRIPE_WEBHOOK_SECRET, None)


def test_a_webhook_that_refuses_the_signature_leaves_the_backing_unpaid(
    client, listing, campaign, demo_gateway, monkeypatch
):
    url = donate(client, listing)
    # The demo signs with a secret the endpoint does not have: the real check refuses every event.
    original = demo.sign
    monkeypatch.setattr(demo, "sign", lambda payload, secret, timestamp: original(payload, "whsec_other", timestamp))

    response = pay(client, url)

    assert response.status_code == 502
    assert "webhook" in response.content.decode()
    assert Backing.objects.get().status == "pending"
    assert not LedgerEntry.objects.exists() and not StripeEvent.objects.exists()


def test_paying_twice_records_the_money_once(client, listing, campaign, demo_gateway):
    """A double click or the back button: the same events arrive again and the webhook finds them done."""
    url = donate(client, listing)

    first = pay(client, url)
    second = pay(client, url)

    assert first.status_code == second.status_code == 302
    assert StripeEvent.objects.count() == 1
    assert LedgerEntry.objects.count() == 1
    assert totals_for_project(listing.project_id).raised_twd == 1_000
    # Once paid, the page says so instead of offering to pay again.
    assert "此筆付款已完成" in client.get(url).content.decode()


def test_a_subscription_sends_the_subscription_invoice_and_session_events(client, listing, plan, bob, demo_gateway):
    client.force_login(bob)
    response = client.post(reverse("payments:subscribe", kwargs={"project_id": listing.project_id, "plan_id": plan.pk}))
    assert response.status_code == 302

    paid = pay(client, response["Location"], email=bob.email, name="Bob")

    assert paid.status_code == 302
    assert sorted(StripeEvent.objects.values_list("type", "status")) == [
        ("checkout.session.completed", "processed"),
        ("customer.subscription.created", "processed"),
        ("invoice.paid", "processed"),
    ]
    backing = Backing.objects.get()
    assert (backing.kind, backing.status, backing.plan, backing.backer) == ("subscription", "active", plan, bob)
    assert backing.stripe_subscription_id.startswith("sub_demo_")
    assert backing.current_period_end is not None
    [entry] = LedgerEntry.objects.all()
    assert (entry.amount_twd, entry.source_key) == (500, f"invoice:in_demo_{backing.stripe_subscription_id[9:]}_1")
    mine = client.get(reverse("payments:my_backings")).content.decode()
    assert f'data-backing="{backing.pk}"' in mine


def _demo_subscription(client, listing, plan, backer):
    client.force_login(backer)
    response = client.post(reverse("payments:subscribe", kwargs={"project_id": listing.project_id, "plan_id": plan.pk}))
    pay(client, response["Location"], email=backer.email)
    return Backing.objects.get(kind="subscription", backer=backer)


def _manage(client, backing, action, data=None, language="zh-hant"):
    with translation.override(language):
        url = reverse(f"payments:subscription_{action}", kwargs={"pk": backing.pk})
    response = client.post(url, data or {}, follow=True)
    assert response.status_code == 200
    backing.refresh_from_db()
    return [(m.level_tag, str(m)) for m in response.context["messages"]]


def test_a_demo_subscription_is_paused_skipped_resumed_switched_and_cancelled_on_the_backers_page(
    client, listing, plan, bob, demo_gateway
):
    """The demo gateway answers a subscription's changes as Stripe would, so `make run` shows the whole journey;
    nothing reaches Stripe (no key is set: a request to it would fail)."""
    backing = _demo_subscription(client, listing, plan, bob)
    period_end = backing.current_period_end
    page = client.get(reverse("payments:subscription_manage", kwargs={"pk": backing.pk}).replace("/zh-hant/", "/en/"))
    assert "data-demo-subscription" in page.content.decode()  # the page says the demo answers, and charges nothing
    resumes_on = timezone.localdate() + datetime.timedelta(days=20)

    [(level, text)] = _manage(client, backing, "pause", {"resumes_on": resumes_on.isoformat()})
    assert level == "success" and "已暫停" in text  # "Your subscription is paused"
    assert (backing.status, backing.paused_until, backing.pause_reason) == (
        "paused",
        subscriptions.start_of_day(resumes_on),
        "backer",
    )

    [(level, _text)] = _manage(client, backing, "resume", language="en")
    assert level == "success"
    assert (backing.status, backing.paused_until, backing.pause_reason) == ("active", None, "")

    _manage(client, backing, "skip")
    assert backing.status == "paused"
    assert backing.paused_until == subscriptions.add_interval(period_end, plan.interval)
    _manage(client, backing, "resume")

    bigger = another_plan(listing)
    [(level, text)] = _manage(client, backing, "switch_plan", {"plan": bigger.pk}, language="ja")
    assert level == "success" and bigger.name in text
    assert (backing.plan_id, backing.amount_twd, backing.status) == (bigger.pk, bigger.price_twd, "active")

    _manage(client, backing, "cancel")
    assert backing.cancel_at_period_end and backing.status == "active"
    _manage(client, backing, "undo_cancel")
    assert not backing.cancel_at_period_end
    assert backing.current_period_end == period_end  # a change is not a payment: the paid period stays
    assert list(
        AuditEntry.objects.filter(data__backing=backing.pk, action__startswith="subscription.")
        .order_by("pk")
        .values_list("action", flat=True)
    ) == [
        "subscription.paused",
        "subscription.resumed",
        "subscription.skipped",
        "subscription.resumed",
        "subscription.plan_switched",
        "subscription.cancel_requested",
        "subscription.cancel_undone",
    ]
    assert LedgerEntry.objects.count() == 1  # the first invoice only: no change charged anything


def test_the_demo_gateway_answers_only_for_the_subscriptions_its_checkout_made(
    client, listing, plan, bob, demo_gateway
):
    """A subscription held at Stripe (not `sub_demo_`) on a site without a Stripe key cannot change: the backer hears
    why, and nothing changes."""
    backing = _demo_subscription(client, listing, plan, bob)
    Backing.objects.filter(pk=backing.pk).update(stripe_subscription_id="sub_1HeldAtStripe")

    [(level, text)] = _manage(client, backing, "skip")

    page = client.get(reverse("payments:subscription_manage", kwargs={"pk": backing.pk}))
    assert "data-demo-subscription" not in page.content.decode()
    assert level == "error" and "本站沒有連接 Stripe" in text  # "not connected to Stripe"
    assert (backing.status, backing.paused_until) == ("active", None)
    assert not demo.holds("sub_1HeldAtStripe") and demo.holds(f"sub_demo_{'0' * 24}")
    demo_gateway.PAYMENTS_GATEWAY = "stripe"
    assert not demo.holds(f"sub_demo_{'0' * 24}")  # a site on Stripe never asks the demo


def test_cancel_returns_to_the_project_and_nothing_is_paid(client, listing, campaign, demo_gateway):
    url = donate(client, listing)
    page = client.get(url).content.decode()
    cancel = re.search(r'href="([^"]+/checkout/canceled/[^"]*)"', page).group(1)

    response = client.get(cancel.replace("&amp;", "&"), follow=True)

    assert response.redirect_chain[-1][0] == listing.project.url
    assert "付款已取消" in response.content.decode()
    assert Backing.objects.get().status == "pending"
    assert not StripeEvent.objects.exists() and not LedgerEntry.objects.exists()


def test_a_made_up_or_altered_address_is_not_found(client, listing, campaign, demo_gateway):
    url = donate(client, listing)

    assert client.get("/zh-hant/demo-checkout/not-a-session/").status_code == 404
    assert client.get(url[:-5] + "xxxx/").status_code == 404
    assert client.post(url[:-5] + "xxxx/", {"email": "a@example.tw"}).status_code == 404
    assert not StripeEvent.objects.exists()


def test_the_demo_is_refused_when_settings_choose_stripe(client, listing, campaign, demo_gateway, settings):
    url = donate(client, listing)
    settings.PAYMENTS_GATEWAY = "stripe"

    assert client.get(url).status_code == 404
    assert pay(client, url).status_code == 404
    session_backing = Backing.objects.get()
    with pytest.raises(demo.DemoGatewayDisabled):
        demo.create_donation_checkout(
            session_backing, product_name="x", success_url="http://x/", cancel_url="http://x/"
        )
    with pytest.raises(demo.DemoGatewayDisabled):
        demo.deliver({"id": "evt_1", "type": "checkout.session.completed"}, host="testserver")
    assert not StripeEvent.objects.exists()


def _english_version(project, title):
    """The project's English page as a translation of its own (an untranslated page is an alias there)."""
    from wagtail.models import Locale

    english = project.get_translation(Locale.objects.get(language_code="en"))
    english.alias_of = None
    english.title = title
    english.save()
    english.save_revision().publish()
    return english


def test_the_pages_of_a_backing_name_the_project_and_plan_in_the_readers_language(
    client, listing, campaign, plan, bob, demo_gateway
):
    """From the English page on, a backer reads the project's and the plan's English names and is led back to the
    English project page, never to the Chinese one."""
    english = _english_version(listing.project, "Smart fish pond")
    plan.name_en = "Adopt a fish"
    plan.save()
    client.force_login(bob)
    donate_page = client.get(f"/en/projects/{listing.project_id}/donate/").text
    subscribe_url = f"/en/projects/{listing.project_id}/plans/{plan.pk}/subscribe/"
    subscribe_page = client.get(subscribe_url).text

    for page in (donate_page, subscribe_page):
        assert "Smart fish pond" in page and "智慧魚塭" not in page
        assert f'<a href="{english.url}">Back to the project</a>' in page
    checkout_url = client.post(subscribe_url)["Location"]
    checkout_page = client.get(checkout_url).text
    assert "Subscription: Adopt a fish" in checkout_page and "認養" not in checkout_page
    pay(client, checkout_url, email=bob.email)
    backing = Backing.objects.get(kind="subscription", status="active")
    bigger = another_plan(listing, name="大方案", name_en="Big plan")

    [(level, text)] = _manage(client, backing, "switch_plan", {"plan": bigger.pk}, language="en")
    assert (level, text) == ("success", "From the next charge you are on the plan “Big plan”.")


def test_a_signed_in_backer_who_cancels_has_the_checkout_closed_and_may_start_again(
    client, listing, campaign, bob, demo_gateway
):
    """Each "cancel" closes its checkout: three of them do not use up the three open checkouts a person may have
    (they did, for half an hour, while the message said to cancel one), and the closed page can no longer be paid."""
    from payments import checkout

    client.force_login(bob)
    urls = []
    for _attempt in range(checkout.MAX_OPEN_CHECKOUTS + 1):
        url = donate(client, listing)
        cancel = re.search(r'href="([^"]+/checkout/canceled/[^"]*)"', client.get(url).text).group(1)
        client.get(cancel.replace("&amp;", "&"))
        urls.append(url)

    assert set(Backing.objects.values_list("status", flat=True)) == {"expired"}
    assert AuditEntry.objects.filter(action="checkout.canceled", actor=bob).count() == 4
    english = urls[0].replace("/zh-hant/", "/en/", 1)
    assert "This checkout was canceled or has expired" in client.get(english).text
    refused = pay(client, english, email=bob.email)
    assert refused.status_code == 400
    assert not StripeEvent.objects.exists() and not LedgerEntry.objects.exists()


def test_someone_elses_cancel_address_closes_nothing(client, listing, campaign, bob, alice, demo_gateway):
    client.force_login(bob)
    url = donate(client, listing)
    cancel = re.search(r'href="([^"]+/checkout/canceled/[^"]*)"', client.get(url).text).group(1)
    client.force_login(alice)

    client.get(cancel.replace("&amp;", "&"))

    assert Backing.objects.get().status == "pending"
    assert not AuditEntry.objects.filter(action="checkout.canceled").exists()


def test_a_backer_who_left_three_checkouts_unpaid_cancels_one_from_my_backings_and_pays_again(
    client, listing, campaign, bob, alice, demo_gateway
):
    """The back button instead of the checkout's "cancel" (or a closed tab) left three checkouts open: the next
    payment was refused for half an hour, and My backings only said to "back this project again". Each open one now
    has its own "cancel" there; the refusal points to it."""
    from payments import checkout

    client.force_login(bob)
    pages = [donate(client, listing) for _attempt in range(checkout.MAX_OPEN_CHECKOUTS)]
    refused = client.post(
        in_language(reverse("payments:donate", kwargs={"project_id": listing.project_id}), "en"),
        {"suggested": "1000"},
    )
    assert refused.status_code == 400
    # The refusal and My backings name one time: when the first open payment page closes (31 minutes after it opened).
    first_closes = timezone.localtime(Backing.objects.filter(backer=bob).earliest("created").created)
    first_closes += datetime.timedelta(minutes=31)
    assert (
        "Finish one on its payment page, cancel one in My backings, or try again after "
        f"{first_closes:%H:%M}, when the first of them closes."
    ) in refused.text

    my_backings = client.get(in_language(reverse("payments:my_backings"), "ja")).text
    assert f"{first_closes:%H:%M}までこの支払いページで支払えます" in my_backings
    assert my_backings.count("この未完了の支払いを取り消す") == checkout.MAX_OPEN_CHECKOUTS
    first = Backing.objects.filter(backer=bob).earliest("pk")
    cancel_url = in_language(reverse("payments:cancel_checkout", kwargs={"pk": first.pk}), "zh-hant")
    assert f'action="{in_language(cancel_url, "ja")}"' in my_backings

    # Someone else's id in the address: not found, nothing closed.
    client.force_login(alice)
    assert client.post(cancel_url).status_code == 404
    client.force_login(bob)

    response = client.post(cancel_url, follow=True)

    assert response.redirect_chain == [(in_language(reverse("payments:my_backings"), "zh-hant"), 302)]
    assert "已取消這筆尚未完成的付款，沒有任何扣款。您可以重新開始付款。" in response.text
    first.refresh_from_db()
    assert first.status == Backing.Status.EXPIRED
    assert AuditEntry.objects.filter(action="checkout.canceled", actor=bob).count() == 1
    assert response.text.count('/cancel-payment/"') == checkout.MAX_OPEN_CHECKOUTS - 1, "the closed one has none"
    assert pay(client, pages[0], email=bob.email).status_code == 400
    assert not LedgerEntry.objects.exists(), "the cancelled checkout's page can no longer be paid"

    # Sent again (a double click, the back button): refused with the reason, nothing else changes.
    again = client.post(in_language(cancel_url, "en"), follow=True)
    assert "This payment is no longer waiting: it was paid, cancelled or has expired. Nothing was changed." in (
        again.text
    )
    assert AuditEntry.objects.filter(action="checkout.canceled", actor=bob).count() == 1

    # The freed place: a new donation goes to its payment page, and paying it records it.
    url = donate(client, listing)
    assert pay(client, url, email=bob.email).status_code == 302
    assert Backing.objects.filter(backer=bob, status=Backing.Status.PAID).count() == 1


def test_a_paid_backing_offers_no_cancel_and_refuses_one(client, listing, campaign, bob, demo_gateway):
    client.force_login(bob)
    url = donate(client, listing)
    assert pay(client, url, email=bob.email).status_code == 302
    backing = Backing.objects.get()
    assert backing.status == Backing.Status.PAID

    assert "取消這筆尚未完成的付款" not in client.get(in_language(reverse("payments:my_backings"), "zh-hant")).text
    response = client.post(
        in_language(reverse("payments:cancel_checkout", kwargs={"pk": backing.pk}), "zh-hant"), follow=True
    )

    assert "這筆付款已不在等待中" in response.text
    backing.refresh_from_db()
    assert backing.status == Backing.Status.PAID


def test_an_amount_grouped_by_spaces_is_donated_and_a_stray_space_is_refused_with_the_input_kept(
    client, listing, campaign, demo_gateway
):
    """ "1 000" (pasted, or typed with a no-break space) was refused as if it had decimals."""
    donate_url = in_language(reverse("payments:donate", kwargs={"project_id": listing.project_id}), "en")

    refused = client.post(donate_url, {"suggested": "other", "custom_amount": "10 00"})

    assert refused.status_code == 400
    assert "Enter the amount in digits only, such as 500, without spaces or other signs." in refused.text
    assert 'value="10 00"' in refused.text
    assert not Backing.objects.exists()

    url = donate(client, listing, amount="other", custom_amount="1\u00a0000")
    assert pay(client, url).status_code == 302
    assert Backing.objects.get().amount_twd == 1000
    assert LedgerEntry.objects.get().amount_twd == 1000


def test_my_backings_says_until_when_an_unpaid_payment_can_be_paid_and_that_a_lapsed_one_has_closed(
    client, listing, campaign, bob, demo_gateway
):
    """It said the unpaid line "goes away within the hour" while the refusal said "in half an hour": both now name
    the time the payment page closes (31 minutes after it opened); past it, the line says the page has closed until
    the scheduler's sweep (payments.tasks.expire_abandoned_checkouts) takes it off the list."""
    from payments import tasks

    client.force_login(bob)
    donate(client, listing)
    backing = Backing.objects.get()
    closes = timezone.localtime(backing.created) + datetime.timedelta(minutes=31)
    page = client.get(in_language(reverse("payments:my_backings"), "en")).text
    assert f"Not paid yet: its payment page can be used until {closes:%H:%M}." in page

    Backing.objects.filter(pk=backing.pk).update(created=timezone.now() - datetime.timedelta(minutes=32))
    page = client.get(in_language(reverse("payments:my_backings"), "zh-hant")).text
    assert "未付款：付款頁面已關閉，沒有任何扣款。" in page and "/cancel-payment/" not in page

    assert tasks.expire_abandoned_checkouts.call() == 1
    assert "付款頁面已關閉" not in client.get(in_language(reverse("payments:my_backings"), "zh-hant")).text
