"""Staff refund a payment from the Wagtail admin: form, confirmation, one Stripe refund, an audit line."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from core.models import AuditEntry
from payments.admin_views import check_can_refund
from payments.ledger import write_entry
from payments.models import RefundRequest
from tests.factories.payments import donation
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.stripe]


@pytest.fixture
def staff(django_user_model):
    return with_mfa(django_user_model.objects.create_superuser("staff@example.tw", "x-long-password-1"))


@pytest.fixture
def payment(listing, bob):
    return donation(listing, bob, 1_000)[1]


def _refund(client, payment, **data):
    return client.post(reverse("ledger:refund"), {"payment": payment.pk, **data})


def test_staff_refund_part_of_a_payment_after_confirming(client, staff, payment):
    client.force_login(staff)

    inspect = client.get(reverse("ledger:inspect", args=[payment.pk]))
    form = client.get(reverse("ledger:refund"), {"payment": payment.pk})
    confirm = _refund(client, payment, amount="400", reason="兩箱寄丟了")

    assert reverse("ledger:refund") + f"?payment={payment.pk}" in inspect.text
    assert form.status_code == 200 and 'name="reason"' in form.text
    assert confirm.status_code == 200 and not RefundRequest.objects.exists(), "nothing is refunded before confirming"
    token = confirm.context["token"]

    done = _refund(client, payment, amount="400", reason="兩箱寄丟了", token=token, confirm="1")
    twice = _refund(client, payment, amount="400", reason="兩箱寄丟了", token=token, confirm="1")

    assert done.status_code == 302 and twice.status_code == 302
    refund = RefundRequest.objects.get()
    assert (refund.amount_twd, refund.origin, refund.requested_by, refund.reason) == (400, "staff", staff, "兩箱寄丟了")
    assert refund.stripe_refund_id.startswith("re_")
    assert AuditEntry.objects.filter(action="payment.refund_requested", actor=staff).count() == 1


def test_a_full_refund_leaves_the_amount_empty(client, staff, payment):
    client.force_login(staff)
    token = _refund(client, payment, amount="", reason="取消").context["token"]

    _refund(client, payment, amount="", reason="取消", token=token, confirm="1")

    assert RefundRequest.objects.get().amount_twd is None


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"amount": "12.5", "reason": "x"}, "amount"),
        ({"amount": "0", "reason": "x"}, "amount"),
        ({"amount": "1001", "reason": "x"}, "amount"),
        ({"amount": "100", "reason": "   "}, "reason"),
        ({"amount": "100", "reason": "x", "token": "not-a-token", "confirm": "1"}, "token"),
    ],
)
def test_bad_input_re_renders_and_refunds_nothing(client, staff, payment, data, field):
    client.force_login(staff)

    response = _refund(client, payment, **data)

    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not RefundRequest.objects.exists()


def test_a_refunded_payment_has_nothing_left(client, staff, payment):
    write_entry(
        kind="refund",
        listing=payment.listing,
        backing=payment.backing,
        amount_twd=-1_000,
        source_key="refund:re_old",
        occurred_at=payment.occurred_at,
    )
    client.force_login(staff)

    response = _refund(client, payment, amount="", reason="again")

    assert response.status_code == 400 and response.context["form"].errors["amount"]


def test_the_ledger_is_read_only_and_only_refunders_may_refund(client, staff, payment, bob):
    client.force_login(staff)
    assert client.get(reverse("ledger:index")).status_code == 200
    assert client.get(reverse("ledger:edit", args=[payment.pk])).status_code in (302, 403)

    editors = Group.objects.create(name="ledger viewers")
    editors.permissions.add(
        Permission.objects.get(codename="access_admin"), Permission.objects.get(codename="view_ledgerentry")
    )
    bob.groups.add(editors)
    with pytest.raises(PermissionDenied):
        check_can_refund(bob)
    client.force_login(with_mfa(bob))
    # Wagtail turns PermissionDenied inside the admin into a redirect to the dashboard with a message.
    looked = client.get(reverse("ledger:refund"), {"payment": payment.pk})
    tried = _refund(client, payment, reason="x", token="00000000-0000-4000-8000-000000000000", confirm="1")
    assert [(r.status_code, r["Location"]) for r in (looked, tried)] == [(302, "/admin/")] * 2
    assert not RefundRequest.objects.exists()
