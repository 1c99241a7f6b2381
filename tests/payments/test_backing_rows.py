"""payments.rows: the webhook's read and write of a backing give what the ORM's own queryset and save() give."""

import datetime

import pytest
from django.db import connection, transaction
from django.db.models.signals import post_save, pre_save
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from payments import rows
from payments.models import Backing
from tests.factories.payments import BackingFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _fields(instance):
    return {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}


def _through_the_orm(**lookup):
    return (
        Backing.objects.select_for_update(of=("self",))
        .select_related("listing")
        .filter(**lookup)
        .order_by("pk")
        .first()
    )


@pytest.fixture
def backing(listing, alice, plan):
    return BackingFactory(
        listing=listing,
        kind=Backing.Kind.SUBSCRIPTION,
        status=Backing.Status.PAUSED,
        plan=plan,
        backer=alice,
        backer_name="林小姐",
        anonymous=True,
        stripe_checkout_session_id="cs_rows_1",
        stripe_subscription_id="sub_rows_1",
        current_period_end=timezone.now() + datetime.timedelta(days=20),
        paused_until=timezone.now() + datetime.timedelta(days=3),
        cancel_at_period_end=True,
        language="ja",
    )


@pytest.mark.parametrize(
    "field_name", ["pk", "stripe_checkout_session_id", "stripe_subscription_id", "stripe_payment_intent_id"]
)
def test_the_locked_read_gives_what_the_orm_gives_with_the_listing_loaded(backing, field_name):
    Backing.objects.filter(pk=backing.pk).update(stripe_payment_intent_id="pi_rows_1")
    value = {
        "pk": backing.pk,
        "stripe_checkout_session_id": "cs_rows_1",
        "stripe_subscription_id": "sub_rows_1",
        "stripe_payment_intent_id": "pi_rows_1",
    }[field_name]
    with transaction.atomic():
        expected = _through_the_orm(**{field_name: value})
        with CaptureQueriesContext(connection) as queries:
            found = rows.lock_backing(field_name, value)
            listing = found.listing  # loaded with the backing: no second query
    assert len(queries) == 1
    assert "FOR UPDATE OF" in queries[0]["sql"]
    assert type(found) is Backing and found._state.adding is False and found._state.db == "default"
    assert _fields(found) == _fields(expected)
    assert _fields(listing) == _fields(expected.listing)


def test_several_matches_give_the_lowest_id_and_none_gives_none(listing):
    first, _second = (BackingFactory(listing=listing, stripe_payment_intent_id="pi_shared") for _ in range(2))
    with transaction.atomic():
        assert rows.lock_backing("stripe_payment_intent_id", "pi_shared").pk == first.pk
        assert rows.lock_backing("stripe_payment_intent_id", "pi_nobody") is None
        assert rows.lock_backing("pk", 0) is None


def test_a_backing_without_a_listing_is_read_without_one(profile):
    purchase = BackingFactory(
        listing=None, kind=Backing.Kind.PURCHASE, purpose="experiences.booking", payee=profile.organisation
    )
    with transaction.atomic():
        found = rows.lock_backing("pk", purchase.pk)
    assert found.listing_id is None and found.listing is None


def test_the_write_stores_every_field_and_moves_updated_on(backing):
    before = Backing.objects.get(pk=backing.pk).updated
    found = rows.lock_backing("pk", backing.pk)
    found.status = Backing.Status.ACTIVE
    found.backer_name = ""
    found.paused_until = None
    found.stripe_customer_id = "cus_rows"
    rows.save_backing(found)
    stored = Backing.objects.get(pk=backing.pk)
    assert (stored.status, stored.backer_name, stored.paused_until, stored.stripe_customer_id) == (
        Backing.Status.ACTIVE,
        "",
        None,
        "cus_rows",
    )
    assert stored.updated > before
    assert _fields(stored) == {**_fields(found), "updated": stored.updated}


def test_the_write_sends_the_save_signals_as_save_does(backing):
    heard = []

    def before(sender, instance, raw, using, update_fields, **kwargs):
        heard.append(("pre_save", instance.status, using, update_fields))

    def after(sender, instance, created, raw, using, update_fields, **kwargs):
        stored = Backing.objects.get(pk=instance.pk).status
        heard.append(("post_save", stored, created, using, update_fields))

    pre_save.connect(before, sender=Backing, dispatch_uid="test-rows-before")
    post_save.connect(after, sender=Backing, dispatch_uid="test-rows-after")
    try:
        backing.status = Backing.Status.CANCELED
        rows.save_backing(backing)
    finally:
        pre_save.disconnect(sender=Backing, dispatch_uid="test-rows-before")
        post_save.disconnect(sender=Backing, dispatch_uid="test-rows-after")
    assert heard == [
        ("pre_save", Backing.Status.CANCELED, "default", None),
        ("post_save", Backing.Status.CANCELED, False, "default", None),
    ]
