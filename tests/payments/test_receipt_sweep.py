"""Receipts at volume: payments share one sweep that sends them all; the scheduler's sweep sends what a
refusing mail server or a crash left behind (payments.receipts)."""

import datetime
import time

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.locmem import EmailBackend
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from payments import receipts
from payments.models import LedgerEntry
from scheduling.jobs import JOBS
from tests.factories.accounts import UserFactory
from tests.factories.payments import paid_backing
from tests.factories.stripe import pay_through_webhook

pytestmark = [pytest.mark.postgres, pytest.mark.redis, pytest.mark.django_db(transaction=True)]

SWEEP = "payments.receipts.send_due_receipts"


class RefusingEmailBackend(EmailBackend):
    """The locmem outbox, behind a mail server that refuses the addresses of refused.example."""

    def send_messages(self, messages):
        for message in messages:
            if any(address.endswith("@refused.example") for address in message.recipients()):
                raise OSError("550 mailbox unavailable")
        return super().send_messages(messages)


@pytest.fixture
def deferring(settings):
    """A task queue that defers, as in production: receipts wait for a worker's sweep."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    cache.clear()
    yield settings
    cache.clear()


def _sweeps_enqueued():
    return DBTaskResult.objects.filter(task_path=SWEEP).count()


def _pay(listing, email, key):
    pay_through_webhook(listing, UserFactory(email=email), 500, key)
    return LedgerEntry.objects.get(source_key=f"payment_intent:pi_{key}")


def test_a_burst_of_payments_enqueues_one_sweep_which_sends_every_receipt_once(listing, deferring):
    entries = [_pay(listing, f"backer{n}@example.tw", f"burst{n}") for n in range(4)]

    assert _sweeps_enqueued() == 1, "the first payment enqueues the sweep; the others find it due"
    assert mail.outbox == [], "nothing is sent before a worker runs the sweep"
    assert receipts.send_due_receipts.call() == {"sent": 4, "failed": 0, "waiting": 0}
    assert sorted(message.to[0] for message in mail.outbox) == [f"backer{n}@example.tw" for n in range(4)]
    everything_sent = " ".join(message.subject + message.body for message in mail.outbox)
    assert all(entry.receipt_number and entry.receipt_number in everything_sent for entry in entries)
    assert LedgerEntry.objects.filter(receipt_sent_at=None).count() == 0
    assert receipts.send_due_receipts.call() == {"sent": 0, "failed": 0, "waiting": 0}, "never sent twice"
    assert len(mail.outbox) == 4


def test_the_shared_sweep_starts_after_the_payments_relying_on_it_and_a_later_payment_enqueues_again(
    listing, deferring, monkeypatch
):
    monkeypatch.setattr(receipts, "SWEEP_SHARED_SECONDS", 0.5)
    _pay(listing, "first@example.tw", "shared1")
    last = _pay(listing, "second@example.tw", "shared2")
    [sweep] = DBTaskResult.objects.filter(task_path=SWEEP)
    assert sweep.run_after > last.created, "the worker starts it after the last payment relying on it committed"

    time.sleep(0.6)
    _pay(listing, "third@example.tw", "later")

    assert _sweeps_enqueued() == 2
    assert receipts.send_due_receipts.call()["sent"] == 3


def test_a_refused_receipt_waits_then_is_sent_and_the_others_go_out_meanwhile(listing, deferring):
    deferring.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"
    refused = _pay(listing, "gone@refused.example", "refused")
    _pay(listing, "fine@example.tw", "fine")

    assert receipts.send_due_receipts.call() == {"sent": 1, "failed": 1, "waiting": 0}
    assert receipts.send_due_receipts.call() == {"sent": 0, "failed": 0, "waiting": 1}, "not tried again at once"
    refused.refresh_from_db()
    assert refused.receipt_sent_at is None

    deferring.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"  # the server takes it now
    cache.delete(f"payments:receipt-failed:{refused.pk}")  # RETRY_FAILED_AFTER has passed
    assert receipts.send_due_receipts.call()["sent"] == 1
    assert [message.to for message in mail.outbox] == [["fine@example.tw"], ["gone@refused.example"]]


def test_receipts_waiting_after_a_failure_do_not_hold_the_others_back(listing, deferring, monkeypatch):
    deferring.EMAIL_BACKEND = f"{__name__}.RefusingEmailBackend"
    monkeypatch.setattr(receipts, "RECEIPTS_PER_SWEEP", 2)
    for n in range(3):
        _pay(listing, f"gone{n}@refused.example", f"gone{n}")
    _pay(listing, "fine@example.tw", "fine-last")

    assert receipts.send_due_receipts.call() == {"sent": 0, "failed": 2, "waiting": 0}
    assert receipts.send_due_receipts.call() == {"sent": 1, "failed": 1, "waiting": 2}
    assert [message.to for message in mail.outbox] == [["fine@example.tw"]]


def test_the_scheduled_sweep_sends_what_no_sweep_was_enqueued_for(listing, deferring):
    """A crash between the payment's commit and its sweep's enqueue: the entry is unsent and no sweep is due."""
    entry = _pay(listing, "crash@example.tw", "crash")
    DBTaskResult.objects.all().delete()
    job = next(job for job in JOBS if job.name == "send_due_receipts")

    assert job.task is receipts.send_due_receipts
    assert job.task.call()["sent"] == 1
    entry.refresh_from_db()
    assert entry.receipt_sent_at is not None


def test_only_recent_unsent_payments_with_an_address_are_due(listing, deferring, alice):
    due = _pay(listing, "due@example.tw", "due")
    sent = _pay(listing, "sent@example.tw", "sent")
    LedgerEntry.objects.filter(pk=sent.pk).update(receipt_sent_at=timezone.now())
    old = _pay(listing, "old@example.tw", "old")
    LedgerEntry.objects.filter(pk=old.pk).update(created=timezone.now() - datetime.timedelta(days=3))
    nowhere = _pay(listing, "nowhere@example.tw", "nowhere")
    nowhere.backing.backer.email = ""
    nowhere.backing.backer.save()
    type(nowhere.backing).objects.filter(pk=nowhere.backing_id).update(backer_email="")
    _, unnumbered = paid_backing(listing, 300, backer_email="unnumbered@example.tw")  # written without a receipt

    assert list(receipts.unsent_receipts().values_list("pk", flat=True)) == [due.pk]
    assert unnumbered.receipt_number is None
