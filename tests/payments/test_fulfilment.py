"""Fulfilment of plans that ship goods (payments/fulfilment.py): the delivery address at checkout and afterwards,
the team's monthly list (CSV, packing slips), "shipped" with the backer told, and the address's life (PDPA)."""

import csv
import datetime
import io
import json
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone, translation

from core.actions import ActionRefused
from core.models import AuditEntry
from notifications.models import Notification
from payments import fulfilment
from payments.models import Backing, DeliveryAddress, Shipment
from places.models import Township
from tests.factories.accounts import UserFactory
from tests.factories.payments import subscription

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]

PINGTUNG_CITY = "10013010"  # 屏東縣屏東市, postal code 900
DAAN = "63000030"  # 臺北市大安區, 106


@pytest.fixture
def demo_gateway(settings):
    settings.PAYMENTS_GATEWAY = "demo"
    settings.STRIPE_SECRET_KEY = ""
    settings.STRIPE_WEBHOOK_SECRET = settings.DEMO_STRIPE_WEBHOOK_SECRET
    return settings


@pytest.fixture
def shipping_plan(plan):
    """The listing's plan, shipping goods every month on the 15th."""
    plan.ships_goods = True
    plan.season_months = []
    plan.ship_day = 15
    plan.save()
    return plan


@pytest.fixture
def carol(db):
    return UserFactory(email="carol@example.tw", display_name="Carol 陳", preferred_language="ja")


def township(code):
    return Township.objects.select_related("county").get(code=code)


def address_data(code=PINGTUNG_CITY, postal="900", phone="0912-345-678", **fields):
    town = township(code)
    data = {
        "address-destination": "taiwan",
        "address-recipient_name": "陳小姐",
        "address-phone": phone,
        "address-county": str(town.county_id),
        "address-township": str(town.pk),
        "address-postal_code": postal,
        "address-street": "中正路 1 號",
    }
    data.update({f"address-{key}": value for key, value in fields.items()})
    return data


def give_address(backing, code=PINGTUNG_CITY, postal="900", **fields):
    return DeliveryAddress.objects.create(
        backing=backing,
        township=township(code),
        postal_code=postal,
        street="中正路 1 號",
        recipient_name=fields.pop("recipient_name", "陳小姐"),
        phone="0912345678",
        **fields,
    )


def subscribe_url(plan):
    return reverse("payments:subscribe", kwargs={"project_id": plan.listing.project_id, "plan_id": plan.pk})


# --- phones and postal codes -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("0912-345-678", "0912345678"),
        ("０９１２ ３４５ ６７８", "0912345678"),  # full-width digits and spaces (NFKC)
        ("+886 912 345 678", "0912345678"),
        ("+886-2-2345-6789", "0223456789"),
        ("(02) 2345-6789", "0223456789"),
        ("037-123456", "037123456"),
        ("0912-345-67", None),  # one digit short
        ("1234567890", None),
        ("09123456789", None),  # one too many
        ("call me", None),
    ],
)
def test_taiwan_phones_are_normalised_or_refused(typed, expected):
    assert fulfilment.normalise_taiwan_phone(typed) == expected


def test_international_phones_keep_their_country_code():
    assert fulfilment.normalise_international_phone("+81 90-1234-5678") == "+819012345678"
    assert fulfilment.normalise_international_phone("0081 90 1234 5678") == "+819012345678"
    assert fulfilment.normalise_international_phone("090-1234-5678") is None


# --- the address at checkout ---------------------------------------------------------------------


def test_subscribing_to_a_shipping_plan_asks_for_the_address(client, carol, shipping_plan, demo_gateway):
    client.force_login(carol)
    page = client.get(subscribe_url(shipping_plan))

    text = page.content.decode()
    assert page.status_code == 200
    assert 'name="address-postal_code"' in text and 'name="address-township"' in text
    assert "屏東市" in text  # townships from the reference data


def test_a_postal_code_of_another_township_is_refused_and_nothing_is_saved(client, carol, shipping_plan, demo_gateway):
    client.force_login(carol)
    response = client.post(subscribe_url(shipping_plan), {"name": "", **address_data(postal="106")})

    assert response.status_code == 400
    text = response.content.decode()
    assert "106" in text and "900" in text  # says which code the township has
    assert 'value="中正路 1 號"' in text  # the form comes back as typed
    assert not Backing.objects.exists() and not DeliveryAddress.objects.exists()


def test_a_bad_phone_is_refused(client, carol, shipping_plan, demo_gateway):
    client.force_login(carol)
    response = client.post(subscribe_url(shipping_plan), address_data(phone="12345"))

    assert response.status_code == 400
    assert "09" in response.content.decode()
    assert not Backing.objects.exists()


def test_a_township_outside_the_chosen_county_is_refused(client, carol, shipping_plan, demo_gateway):
    client.force_login(carol)
    data = address_data()
    data["address-county"] = str(township(DAAN).county_id)  # Taipei, with a township of Pingtung
    response = client.post(subscribe_url(shipping_plan), data)

    assert response.status_code == 400
    assert not Backing.objects.exists()


def test_a_shipping_plan_without_an_address_is_refused_at_checkout(carol, shipping_plan, demo_gateway):
    from payments import checkout

    with pytest.raises(ActionRefused) as refused:
        checkout.start_subscription(
            carol, shipping_plan, anonymous=False, name="", success_url="http://x/", cancel_url="http://x/"
        )

    assert refused.value.code == "no_address"
    assert not Backing.objects.exists()


def test_overseas_is_refused_unless_the_plan_ships_abroad(client, carol, shipping_plan, demo_gateway):
    client.force_login(carol)
    data = address_data(destination="overseas", country="日本", city="東京都", phone="+81 90 1234 5678")
    data["address-postal_code"] = "150-0001"
    response = client.post(subscribe_url(shipping_plan), data)
    assert response.status_code == 400 and not Backing.objects.exists()

    shipping_plan.ships_overseas = True
    shipping_plan.save()
    response = client.post(subscribe_url(shipping_plan), data)
    assert response.status_code == 302, response.content.decode()
    address = DeliveryAddress.objects.get()
    assert address.destination == "overseas" and address.township is None
    assert address.phone == "+819012345678" and address.country == "日本"


def test_a_valid_address_goes_with_the_pending_subscription_to_checkout(client, carol, shipping_plan, demo_gateway):
    client.force_login(carol)
    full_width = address_data(postal="９００４９", phone="０９１２３４５６７８")
    response = client.post(subscribe_url(shipping_plan), full_width)

    assert response.status_code == 302
    assert "/demo-checkout/" in response["Location"]
    backing = Backing.objects.get()
    address = backing.delivery_address
    assert address.postal_code == "90049" and address.phone == "0912345678"
    assert address.township.code == PINGTUNG_CITY and address.recipient_name == "陳小姐"


def test_a_plan_without_goods_asks_no_address(client, carol, plan, demo_gateway):
    client.force_login(carol)
    page = client.get(subscribe_url(plan))
    assert "address-postal_code" not in page.content.decode()
    response = client.post(subscribe_url(plan), {"name": ""})
    assert response.status_code == 302
    assert not DeliveryAddress.objects.exists()


# --- the backer changes the address ---------------------------------------------------------------


def test_the_backer_changes_the_address_until_the_cut_off(client, carol, listing, shipping_plan, settings):
    settings.FULFILMENT_CUTOFF_DAYS = 3
    backing = subscription(listing, carol, plan=shipping_plan)
    give_address(backing)
    before = datetime.date(2026, 12, 12)  # the cut-off day itself: still open
    assert fulfilment.locked_until(shipping_plan, before) is None
    during = datetime.date(2026, 12, 13)
    assert fulfilment.locked_until(shipping_plan, during) == datetime.date(2026, 12, 15)
    with pytest.raises(ActionRefused) as refused:
        fulfilment.check_can_edit_address(carol, backing, today=during)
    assert refused.value.code == "locked"
    assert fulfilment.locked_until(shipping_plan, datetime.date(2026, 12, 16)) is None

    # Someone else never edits it.
    with pytest.raises(PermissionDenied):
        fulfilment.check_can_edit_address(UserFactory(), backing, today=before)

    # Through the page (whatever today is, outside the locked days of this month).
    shipping_plan.ship_day = 28 if timezone.localdate().day < 20 else 1
    shipping_plan.save()
    client.force_login(carol)
    url = reverse("payments:delivery_address", kwargs={"pk": backing.pk})
    assert client.get(url).status_code == 200
    data = address_data(code=DAAN, postal="106", recipient_name="新的人")
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()
    backing.delivery_address.refresh_from_db()
    assert backing.delivery_address.recipient_name == "新的人"
    assert backing.delivery_address.township.code == DAAN
    entry = AuditEntry.objects.get(action="delivery_address.saved")
    assert "新的人" not in json.dumps(entry.data, ensure_ascii=False)  # the log keeps no address

    # A mismatched postal code changes nothing.
    response = client.post(url, address_data(code=DAAN, postal="900", recipient_name="又一個人"))
    assert response.status_code == 400
    backing.delivery_address.refresh_from_db()
    assert backing.delivery_address.recipient_name == "新的人"


def test_another_persons_address_page_is_404(client, carol, alice, listing, shipping_plan):
    backing = subscription(listing, carol, plan=shipping_plan)
    give_address(backing)
    client.force_login(alice)
    assert client.get(reverse("payments:delivery_address", kwargs={"pk": backing.pk})).status_code == 404


# --- the team's list -------------------------------------------------------------------------------


@pytest.fixture
def backers(listing, shipping_plan):
    """Four backers: active with an address, active without, paused (skipped), past due."""
    active = subscription(listing, UserFactory(display_name="Active"), plan=shipping_plan)
    give_address(active, recipient_name="收件人甲")
    no_address = subscription(listing, UserFactory(display_name="NoAddress"), plan=shipping_plan)
    skipped = subscription(
        listing,
        UserFactory(display_name="Skipped"),
        plan=shipping_plan,
        status=Backing.Status.PAUSED,
        paused_until=timezone.now() + datetime.timedelta(days=40),
        pause_reason="backer",
    )
    give_address(skipped, recipient_name="收件人乙")
    failed = subscription(listing, UserFactory(display_name="Failed"), plan=shipping_plan, status="past_due")
    give_address(failed, recipient_name="收件人丙")
    return {"active": active, "no_address": no_address, "skipped": skipped, "failed": failed}


def test_the_list_leaves_out_paused_skipped_and_failed_backers(listing, backers):
    result = fulfilment.fulfilment_list(listing, fulfilment.period_of(timezone.localdate()))

    listed = {row.backing.pk for row in result.rows}
    assert listed == {backers["active"].pk, backers["no_address"].pk}
    assert result.left_out == 2
    [with_address] = [row for row in result.rows if row.address is not None]
    assert with_address.recipient == "收件人甲"


def test_the_team_page_shows_this_months_addresses_only(client, alice, listing, backers):
    client.force_login(alice)
    url = reverse("payments:fulfilment", kwargs={"project_id": listing.project_id})
    page = client.get(url)

    text = page.content.decode()
    assert page.status_code == 200
    assert "收件人甲" in text and "中正路 1 號" in text
    assert "收件人乙" not in text and "收件人丙" not in text  # paused and past due: left out

    # Last month's list says who was sent what, never where.
    last_month = (fulfilment.period_of(timezone.localdate()) - datetime.timedelta(days=1)).replace(day=1)
    Shipment.objects.create(
        backing=backers["active"], period=last_month, plan=backers["active"].plan, shipped_at=timezone.now()
    )
    old = client.get(url, {"period": last_month.strftime("%Y-%m")}).content.decode()
    assert "Active" in old and "中正路" not in old and "收件人甲" not in old


def test_a_plan_out_of_season_shows_no_address(listing, backers, shipping_plan):
    this_month = fulfilment.period_of(timezone.localdate())
    shipping_plan.season_months = [((this_month.month) % 12) + 1]  # next month only
    shipping_plan.save()

    result = fulfilment.fulfilment_list(listing, this_month)
    assert result.rows == []


def test_the_csv_escapes_formulas(client, alice, listing, backers):
    address = backers["active"].delivery_address
    address.recipient_name = '=HYPERLINK("http://evil.example","x")'
    address.street = "+1 中正路"
    address.save()
    client.force_login(alice)
    response = client.get(reverse("payments:fulfilment_csv", kwargs={"project_id": listing.project_id}))

    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode().lstrip("\ufeff"))))
    assert len(rows) == 3  # the header, the two backers shipped to
    cells = [cell for row in rows for cell in row]
    assert '\'=HYPERLINK("http://evil.example","x")' in cells
    assert not any(cell.startswith(("=", "+", "@")) for cell in cells)
    assert any("900" in cell for cell in cells)


def test_packing_slips_print_this_months_parcels_with_the_batch_qr(client, alice, listing, backers, shipping_plan):
    from traceability.models import Batch

    this_month = fulfilment.period_of(timezone.localdate())
    Batch.objects.create(
        listing=listing,
        plan=shipping_plan,
        period_start=this_month,
        period_end=this_month + datetime.timedelta(days=27),
        name="十二月可可",
        product="可可豆",
        is_public=True,
        entry_count=1,
    )
    client.force_login(alice)
    page = client.get(reverse("payments:packing_slips", kwargs={"project_id": listing.project_id}))

    text = page.content.decode()
    assert page.status_code == 200
    assert text.count('class="packing-slip"') == 1  # the one backer with an address
    assert "收件人甲" in text and 'class="qr"' in text and "十二月可可" in text


def test_outsiders_see_no_list_and_no_address(client, bob, listing, backers):
    outsider = UserFactory()
    client.force_login(outsider)
    for name in ("payments:fulfilment", "payments:fulfilment_csv", "payments:packing_slips"):
        response = client.get(reverse(name, kwargs={"project_id": listing.project_id}))
        assert response.status_code == 403, name
        assert "收件人甲".encode() not in response.content
    response = client.post(
        reverse("payments:mark_shipped", kwargs={"project_id": listing.project_id}),
        {"backing": backers["active"].pk},
    )
    assert response.status_code == 403
    assert not Shipment.objects.exists()

    # The backer of one parcel does not see the team's list either.
    client.force_login(backers["active"].backer)
    assert client.get(reverse("payments:fulfilment", kwargs={"project_id": listing.project_id})).status_code == 403


# --- shipped ---------------------------------------------------------------------------------------


def test_marking_shipped_tells_the_backer_in_their_language(client, bob, listing, shipping_plan, carol):
    backing = subscription(listing, carol, plan=shipping_plan)
    give_address(backing)
    client.force_login(bob)  # an editor of the team
    response = client.post(
        reverse("payments:mark_shipped", kwargs={"project_id": listing.project_id}),
        {"backing": backing.pk, "tracking_number": "TW123456789"},
    )

    assert response.status_code == 302
    shipment = Shipment.objects.get()
    assert shipment.tracking_number == "TW123456789" and shipment.shipped_by == bob
    notification = Notification.objects.get(recipient=carol, kind="parcel_shipped")
    assert "発送" in notification.title  # Carol reads Japanese
    assert "TW123456789" in notification.body
    assert notification.url.startswith("/ja/")
    assert AuditEntry.objects.filter(action="shipment.marked").count() == 1

    # Twice is refused, and nothing more is sent.
    with pytest.raises(ActionRefused):
        fulfilment.mark_shipped(bob, listing, backing.pk)
    assert Notification.objects.filter(kind="parcel_shipped").count() == 1


def test_a_refused_shipped_keeps_the_tracking_number_typed_in_its_row(client, bob, listing, shipping_plan, carol):
    backing = subscription(listing, carol, plan=shipping_plan)
    give_address(backing)
    client.force_login(bob)
    with translation.override("en"):
        url = reverse("payments:mark_shipped", kwargs={"project_id": listing.project_id})
    field_id = f"ship-{backing.pk}-tracking_number"
    too_long = "黑貓宅急便 " + "9" * 60

    response = client.post(url, {"backing": backing.pk, "tracking_number": too_long})

    assert response.status_code == 400
    text = response.content.decode()
    field = re.search(rf'<input[^>]*id="{field_id}"[^>]*>', text).group(0)
    assert f'value="{too_long}"' in field and 'aria-invalid="true"' in field and f"{field_id}_error" in field
    assert "at most 60 characters" in text
    assert re.search(rf'data-error-summary.*?<a href="#{field_id}">', text, re.S)
    assert not Shipment.objects.exists()

    # Refused by the action (marked meanwhile by someone else of the team): the number typed stays, with why.
    fulfilment.mark_shipped(bob, listing, backing.pk, "TW111")
    with translation.override("ja"):
        again = client.post(
            reverse("payments:mark_shipped", kwargs={"project_id": listing.project_id}),
            {"backing": backing.pk, "tracking_number": "TW222"},
        )
    assert again.status_code == 400
    assert "data-error-summary" in again.content.decode() and "すでに発送済み" in again.content.decode()
    assert "TW222" in again.content.decode()
    assert list(Shipment.objects.values_list("tracking_number", flat=True)) == ["TW111"]


def test_a_paused_backer_cannot_be_marked_shipped(bob, listing, backers):
    with pytest.raises(ActionRefused):
        fulfilment.mark_shipped(bob, listing, backers["skipped"].pk)
    with pytest.raises(ActionRefused) as refused:
        fulfilment.mark_shipped(bob, listing, backers["no_address"].pk)
    assert refused.value.code == "no_address"
    assert not Shipment.objects.exists()


# --- the address's life (PDPA) ----------------------------------------------------------------------


def test_addresses_are_erased_after_the_retention_period(listing, shipping_plan, carol, settings):
    settings.DELIVERY_ADDRESS_RETENTION_DAYS = 90
    running = subscription(listing, carol, plan=shipping_plan)
    give_address(running)
    ended_long_ago = subscription(listing, carol, plan=shipping_plan, status=Backing.Status.CANCELED)
    give_address(ended_long_ago)
    ended_lately = subscription(listing, carol, plan=shipping_plan, status=Backing.Status.CANCELED)
    give_address(ended_lately)
    now = timezone.now()
    Backing.objects.filter(pk=ended_long_ago.pk).update(updated=now - datetime.timedelta(days=91))
    Backing.objects.filter(pk=ended_lately.pk).update(updated=now - datetime.timedelta(days=89))

    from payments.tasks import erase_ended_delivery_addresses

    assert erase_ended_delivery_addresses.call() == {"erased": 1}
    assert set(DeliveryAddress.objects.values_list("backing_id", flat=True)) == {running.pk, ended_lately.pk}
    assert AuditEntry.objects.filter(action="delivery_address.erased").count() == 1
    assert erase_ended_delivery_addresses.call() == {"erased": 0}


def test_the_erasure_job_is_scheduled():
    from scheduling.jobs import job_named

    job = job_named("erase_ended_delivery_addresses")
    assert job.task_path == "payments.tasks.erase_ended_delivery_addresses"
    assert job.task is not None


def test_the_data_download_has_the_address_and_deleting_the_account_erases_it(listing, shipping_plan, carol):
    from payments import personal_data

    backing = subscription(listing, carol, plan=shipping_plan)
    give_address(backing)
    [exported] = personal_data.export(carol)
    assert exported["delivery_address"]["postal_code"] == "900"
    assert exported["delivery_address"]["township"] == "屏東市"
    assert exported["delivery_address"]["recipient"] == "陳小姐"

    personal_data.erase(carol)
    assert not DeliveryAddress.objects.exists()


@pytest.mark.stripe
def test_a_backer_who_skips_leaves_this_months_list_at_once(client, alice, listing, shipping_plan):
    """Skipping (payments.subscriptions.skip_next_period, through stripe-mock) takes the backer off the current
    month's list on the next page load, before any webhook arrives; the list, its CSV and "shipped" agree."""
    from payments import subscriptions

    backer = UserFactory(display_name="Skipper")
    backing = subscription(listing, backer, plan=shipping_plan)
    give_address(backing, recipient_name="跳過的人")
    period = fulfilment.period_of(timezone.localdate())
    assert backing.pk in {row.backing.pk for row in fulfilment.fulfilment_list(listing, period).rows}

    subscriptions.skip_next_period(backer, backing)

    result = fulfilment.fulfilment_list(listing, period)
    assert backing.pk not in {row.backing.pk for row in result.rows}
    assert result.left_out == 1
    client.force_login(alice)
    page = client.get(reverse("payments:fulfilment", kwargs={"project_id": listing.project_id}))
    assert "跳過的人" not in page.content.decode()
    with pytest.raises(ActionRefused):
        fulfilment.mark_shipped(alice, listing, backing.pk)
