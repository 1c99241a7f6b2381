"""Fulfilment of plans that ship goods: the backer's delivery address, the team's monthly list, "shipped".

Periods and the cut-off (kept simple on purpose):

- A plan that ships goods (SubscriptionPlan.ships_goods) ships once in every calendar month (Taiwan time) of its
  season (every month when it has no season), on its `ship_day` (1–28). The month is the *period*.
- The backer may change the address until the cut-off: FULFILMENT_CUTOFF_DAYS (3) days before that month's ship
  day. From the day after the cut-off until the ship day the address is locked (the team is packing); from the day
  after the ship day it can change again, for the next month's parcel.
- The team's list of a month holds the backers whose subscription is active now (paused and skipped ones, and
  those whose payment failed, are left out) and everyone already marked shipped that month. Addresses are shown
  only on the current month's list of a plan that ships that month (PDPA: the team sees an address only for the
  period it ships); earlier months show who was sent what, never where.
- An address is erased DELIVERY_ADDRESS_RETENTION_DAYS after its subscription ended (cancelled, refunded, or a
  checkout never completed), by the daily job `erase_ended_delivery_addresses`, and at once with the account.

Each action is check then do, in one transaction, with an audit entry (core.audit) that never holds the address.
"""

import datetime
import re
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from core.actions import ActionRefused
from core.audit import Action, log
from core.numbers import normalise_digits
from payments.models import Backing, DeliveryAddress, Shipment

# Subscriptions whose backer gets this month's goods.
SHIPS_TO = (Backing.Status.ACTIVE,)
# Subscriptions that ended: their address is erased after the retention period.
ENDED = (Backing.Status.CANCELED, Backing.Status.REFUNDED, Backing.Status.EXPIRED)
# Backings whose address the backer may still change.
EDITABLE = (Backing.Status.PENDING, Backing.Status.ACTIVE, Backing.Status.PAUSED, Backing.Status.PAST_DUE)

ADDRESS_FIELDS = ("destination", "recipient_name", "phone", "township", "postal_code", "street", "country", "city")


# --- phones and postal codes ----------------------------------------------------------------


SEPARATORS = re.compile(r"[\s\-().‐‑–—・·]")
TAIWAN_MOBILE = re.compile(r"09\d{8}")
TAIWAN_LANDLINE = re.compile(r"0[2-8]\d{7,8}")
INTERNATIONAL = re.compile(r"\+[1-9]\d{6,14}")


def normalise_taiwan_phone(text):
    """A Taiwan mobile (0912345678) or landline (0223456789, 037123456) as digits, from anything people type:
    full-width digits (NFKC), spaces, hyphens, brackets, +886 or 00886 in front; None when it is not one."""
    value = SEPARATORS.sub("", normalise_digits(text or ""))
    for prefix in ("+886", "00886", "886"):
        if value.startswith(prefix) and len(value) > len(prefix) + 7:
            value = "0" + value.removeprefix(prefix).removeprefix("0")
            break
    if TAIWAN_MOBILE.fullmatch(value) or TAIWAN_LANDLINE.fullmatch(value):
        return value
    return None


def normalise_international_phone(text):
    """A phone outside Taiwan as +<country code><number> (E.164), or None."""
    value = SEPARATORS.sub("", normalise_digits(text or ""))
    if value.startswith("00"):
        value = "+" + value[2:]
    return value if INTERNATIONAL.fullmatch(value) else None


def postal_code_matches(postal_code, township):
    """A Taiwan postal code (3, 5 or 6 digits) belongs to `township` when its first three digits are the township's
    (places' reference data, from Chunghwa Post's 3-digit codes)."""
    return bool(township.postal_code) and postal_code[:3] == township.postal_code


# --- periods ------------------------------------------------------------------------------------


def period_of(day):
    """The month `day` falls in, as its first day."""
    return day.replace(day=1)


def ships_in(plan, period):
    return plan.ships_goods and (not plan.season_months or period.month in plan.season_months)


def ship_date(plan, period):
    return period.replace(day=plan.ship_day)


def cutoff_date(plan, period):
    """The last day the address of `period`'s parcel can change."""
    return ship_date(plan, period) - datetime.timedelta(days=settings.FULFILMENT_CUTOFF_DAYS)


def locked_until(plan, today=None):
    """The ship day while the address of this month's parcel is locked (after the cut-off), else None."""
    today = today or timezone.localdate()
    period = period_of(today)
    if ships_in(plan, period) and cutoff_date(plan, period) < today <= ship_date(plan, period):
        return ship_date(plan, period)
    return None


def next_cutoff(plan, today=None):
    """(cut-off day, ship day) of the next parcel whose address can still change, or None (no shipping month)."""
    today = today or timezone.localdate()
    period = period_of(today)
    for _month in range(13):
        if ships_in(plan, period) and today <= cutoff_date(plan, period):
            return cutoff_date(plan, period), ship_date(plan, period)
        period = (period + datetime.timedelta(days=32)).replace(day=1)
    return None


# --- the backer's address -------------------------------------------------------------------------


def check_address_allowed(plan, fields):
    if not plan.ships_goods:
        raise ActionRefused(_("This plan does not ship goods, so it needs no delivery address."), code="no_goods")
    if fields.get("destination") == DeliveryAddress.Destination.OVERSEAS and not plan.ships_overseas:
        raise ActionRefused(_("This plan ships only within Taiwan."), code="taiwan_only")
    township = fields.get("township")
    if fields.get("destination") != DeliveryAddress.Destination.OVERSEAS:
        if township is None:
            raise ActionRefused(_("Choose the township of the address."), code="township")
        if not postal_code_matches(fields.get("postal_code", ""), township):
            raise ActionRefused(
                _("The postal code %(code)s is not the postal code of %(township)s.")
                % {"code": fields.get("postal_code", ""), "township": township.full_name},
                code="postal_code",
            )


def check_can_edit_address(user, backing, today=None):
    """Only the backer, while the subscription runs, and not between the cut-off and the ship day."""
    if not user.is_authenticated or backing.backer_id != user.pk:
        raise PermissionDenied
    if backing.kind != Backing.Kind.SUBSCRIPTION or not backing.plan.ships_goods:
        raise ActionRefused(_("This plan does not ship goods, so it needs no delivery address."), code="no_goods")
    if backing.status not in EDITABLE:
        raise ActionRefused(_("This subscription has ended, so its address can no longer change."), code="ended")
    until = locked_until(backing.plan, today)
    if until is not None:
        raise ActionRefused(
            _(
                "This month's parcel is being packed for %(date)s, so the address is locked until then; you can "
                "change it for next month's parcel from the day after."
            )
            % {"date": until.strftime("%Y-%m-%d")},
            code="locked",
        )


def _address_values(fields):
    values = {name: fields.get(name) or "" for name in ADDRESS_FIELDS if name != "township"}
    overseas = fields.get("destination") == DeliveryAddress.Destination.OVERSEAS
    values["township"] = None if overseas else fields.get("township")
    if not overseas:
        values["country"] = values["city"] = ""
    return values


def record_address(backing, fields):
    """Write the backing's address (no check: start_subscription and save_delivery_address check first)."""
    address, _created = DeliveryAddress.objects.update_or_create(backing=backing, defaults=_address_values(fields))
    return address


@transaction.atomic
def save_delivery_address(user, backing, fields):
    """The backer gives or changes the delivery address of their subscription."""
    backing = Backing.objects.select_for_update(of=("self",)).select_related("plan").get(pk=backing.pk)
    check_can_edit_address(user, backing)
    check_address_allowed(backing.plan, fields)
    address = record_address(backing, fields)
    # The address itself stays out of the audit log: the log outlives the address (PDPA).
    log(Action.DELIVERY_ADDRESS_SAVED, actor=user, organisation=None, backing=backing.pk)
    return address


def erase_ended_addresses(now=None):
    """Delete the addresses of subscriptions that ended more than the retention period ago; returns how many.

    "Ended" is the backing's last change (its status became cancelled, refunded or expired then); a later change
    only moves the erasure later, never earlier."""
    now = now or timezone.now()
    before = now - datetime.timedelta(days=settings.DELIVERY_ADDRESS_RETENTION_DAYS)
    with transaction.atomic():
        stale = DeliveryAddress.objects.filter(backing__status__in=ENDED, backing__updated__lt=before)
        erased, _details = stale.delete()
        if erased:
            log(Action.DELIVERY_ADDRESSES_ERASED, actor=None, organisation=None, count=erased)
    return erased


# --- the team's list ------------------------------------------------------------------------------


@dataclass(frozen=True)
class FulfilmentRow:
    backing: Backing
    shipment: Shipment | None
    address: DeliveryAddress | None  # None when it may not be shown (or the backer gave none)
    has_address: bool

    @property
    def recipient(self):
        """To whom: the address's recipient where it may be shown, else the backer as the team sees backers."""
        if self.address is not None:
            return self.address.recipient_name
        from payments.dashboard import backer_identity

        return backer_identity(self.backing)[0]


@dataclass(frozen=True)
class FulfilmentList:
    period: datetime.date
    is_current: bool
    rows: list
    left_out: int  # paused, skipped or payment failed, on plans that ship this month
    shipping_plans: list

    @property
    def shipped(self):
        return sum(1 for row in self.rows if row.shipment is not None)

    @property
    def to_ship(self):
        return len(self.rows) - self.shipped


def fulfilment_list(listing, period, today=None):
    """Who gets what this `period` (a month's first day) on the listing's shipping plans."""
    from payments.queries import shipping_backings

    today = today or timezone.localdate()
    is_current = period == period_of(today)
    plans = [plan for plan in listing.subscription_plans.all() if plan.ships_goods]
    shipping_now = [plan.pk for plan in plans if ships_in(plan, period)]
    shipments = {
        shipment.backing_id: shipment
        for shipment in Shipment.objects.filter(backing__listing=listing, period=period).select_related("plan")
    }
    backings = shipping_backings(listing, shipment_backings=shipments.keys(), plans=shipping_now if is_current else [])
    rows = []
    left_out = 0
    for backing in backings:
        shipment = shipments.get(backing.pk)
        if shipment is None and backing.status not in SHIPS_TO:
            left_out += 1
            continue
        address = getattr(backing, "delivery_address", None)
        visible = is_current and backing.plan_id in shipping_now and address is not None
        rows.append(
            FulfilmentRow(
                backing=backing,
                shipment=shipment,
                address=address if visible else None,
                has_address=address is not None,
            )
        )
    return FulfilmentList(period=period, is_current=is_current, rows=rows, left_out=left_out, shipping_plans=plans)


def check_can_ship(user, listing):
    from marketplace.actions.teams import check_project_team

    check_project_team(user, listing)


@transaction.atomic
def mark_shipped(user, listing, backing_pk, tracking_number="", today=None):
    """The team marks this month's goods sent to one backer; the backer is told, in their language."""
    check_can_ship(user, listing)
    today = today or timezone.localdate()
    period = period_of(today)
    backing = (
        Backing.objects.select_for_update(of=("self",))
        .select_related("plan", "backer", "listing__project")
        .filter(pk=backing_pk, listing=listing, kind=Backing.Kind.SUBSCRIPTION)
        .first()
    )
    if backing is None:
        raise ActionRefused(_("This backer is not on this month's list."), code="not_listed")
    if not ships_in(backing.plan, period) or backing.status not in SHIPS_TO:
        raise ActionRefused(_("This backer is not on this month's list."), code="not_listed")
    if not hasattr(backing, "delivery_address"):
        raise ActionRefused(
            _("This backer has not given a delivery address yet; they are asked for one on their backings page."),
            code="no_address",
        )
    if Shipment.objects.filter(backing=backing, period=period).exists():
        raise ActionRefused(_("This parcel is already marked shipped."), code="already")
    shipment = Shipment.objects.create(
        backing=backing,
        period=period,
        plan=backing.plan,
        tracking_number=tracking_number.strip(),
        shipped_at=timezone.now(),
        shipped_by=user,
    )
    log(
        Action.SHIPMENT_MARKED,
        actor=user,
        organisation=listing.enterprise.organisation,
        backing=backing.pk,
        period=period.isoformat(),
    )
    _tell_backer(backing, shipment)
    return shipment


def _tell_backer(backing, shipment):
    from django.urls import reverse

    from notifications.actions import in_language_of, notify
    from notifications.messages import Message
    from notifications.models import Notification

    person = backing.backer
    if person is None or not person.is_active:
        return
    with in_language_of(person):
        title = Message(
            gettext_noop("Your “%(plan)s” goods are on their way"), plan=Message.named(backing.plan.versions("name"))
        )
        body = (
            Message(gettext_noop("Tracking number: %(number)s"), number=shipment.tracking_number)
            if shipment.tracking_number
            else Message(gettext_noop("The team has sent this month's goods to your delivery address."))
        )
        url = reverse("payments:backing_detail", kwargs={"pk": backing.pk})
        notify(person, Notification.Kind.PARCEL_SHIPPED, title, body=body, url=url)


def write_fulfilment_csv(result, stream):
    """The month's list as CSV (through core.spreadsheets: a name typed as a formula stays text)."""
    from core.spreadsheets import SafeWriter

    writer = SafeWriter(stream)
    writer.writerow(
        [
            _("month"),
            _("plan"),
            _("what backers receive"),
            _("recipient"),
            _("phone"),
            _("postal code"),
            _("address"),
            _("country"),
            _("status"),
            _("tracking number"),
            _("shipped on"),
        ]
    )
    for row in result.rows:
        address = row.address
        overseas = address is not None and address.destination == DeliveryAddress.Destination.OVERSEAS
        writer.writerow(
            [
                result.period.strftime("%Y-%m"),
                row.backing.plan.shown_name,
                row.backing.plan.shown_rewards,
                row.recipient,
                address.phone if address else "",
                address.postal_code if address else "",
                " ".join(line for line in address.lines if line) if address else "",
                (address.country if overseas else _("Taiwan")) if address else "",
                _("shipped") if row.shipment else _("to ship"),
                row.shipment.tracking_number if row.shipment else "",
                timezone.localtime(row.shipment.shipped_at).strftime("%Y-%m-%d") if row.shipment else "",
            ]
        )
