"""Batches and their records: the hash chain, corrections, the append-only rule at every level, bad input."""

import datetime
import io
import threading

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from core.actions import ActionRefused
from core.models import AuditEntry
from tests.factories.traceability import lab_files, pdf_upload, photo_files, photo_upload, record, text_upload
from traceability import actions, chain
from traceability.models import AppendOnlyError, Attachment, Batch, Entry
from traceability.queries import chain_rows, verify_batch

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def test_records_form_one_chain_whose_hashes_anyone_can_recompute(batch, alice):
    first = record(alice, batch, kind="planting")
    second = record(alice, batch, kind="input", details={"material": "有機肥"})

    assert (first.sequence, second.sequence) == (1, 2)
    assert first.previous_hash == chain.GENESIS
    assert second.previous_hash == first.entry_hash
    rows = chain_rows(batch)
    assert chain.content_hash(rows[1]["content"]) == second.content_hash
    assert rows[1]["content"]["details"] == {"material": "有機肥"}
    assert second.entry_hash == chain.sha256_hex(first.entry_hash + second.content_hash)
    batch.refresh_from_db()
    assert (batch.entry_count, batch.head_hash) == (2, second.entry_hash)
    assert AuditEntry.objects.filter(action="batch.entry_append").count() == 2


def test_a_correction_is_a_new_record_pointing_at_the_old_one(batch, alice):
    wrong = record(alice, batch, kind="harvest", details={"quantity": "1200 kg"})
    fix = record(
        alice,
        batch,
        kind="harvest",
        details={"quantity": "120 kg"},
        corrects=wrong,
        correction_reason="多打了一個零",
    )

    wrong.refresh_from_db()
    assert wrong.details == {"quantity": "1200 kg"}  # the original stays as written
    assert fix.corrects == wrong and fix.sequence == 2
    assert chain_rows(batch)[1]["content"]["corrects"] == 1
    assert verify_batch(batch, use_cache=False).intact
    assert AuditEntry.objects.filter(action="batch.entry_correct").count() == 1


def test_a_written_record_cannot_be_changed_by_the_model_the_queryset_or_sql(batch, alice):
    entry = record(alice, batch)
    entry.description = "改過"

    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        Entry.objects.filter(pk=entry.pk).update(description="改過")
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(AppendOnlyError):
        Entry.objects.filter(pk=entry.pk).delete()
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("UPDATE traceability_entry SET description = 'x' WHERE id = %s", [entry.pk])
    with pytest.raises(IntegrityError, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("DELETE FROM traceability_entry WHERE id = %s", [entry.pk])

    entry.refresh_from_db()
    assert entry.description == "採收"


def test_unlinking_the_account_that_recorded_it_is_the_one_change_allowed(batch, alice):
    entry = record(alice, batch)

    Entry.objects.filter(pk=entry.pk).update(recorded_by=None)  # what erasing alice's personal data does

    entry.refresh_from_db()
    assert entry.recorded_by is None
    assert verify_batch(batch, use_cache=False).intact


def test_editing_a_record_through_the_page_is_refused_with_the_way_to_correct_it(client, batch, alice):
    entry = record(alice, batch)
    client.force_login(alice)
    url = reverse("traceability:entry_edit", kwargs={"code": batch.code, "sequence": 1})

    for response in (client.get(url), client.post(url, {"description": "改過"})):
        assert response.status_code == 409
        assert "cannot be changed" in response.content.decode() or "無法" in response.content.decode()
        assert reverse("traceability:entry_correct", kwargs={"code": batch.code, "sequence": 1}) in (
            response.content.decode()
        )
    entry.refresh_from_db()
    assert entry.description == "採收"


def test_a_tampered_record_is_found_where_it_changed(batch, alice):
    record(alice, batch, kind="planting")
    target = record(alice, batch, kind="harvest")
    record(alice, batch, kind="packing")
    tamper(target, "description = '偷改'")

    result = verify_batch(batch, use_cache=False)

    assert not result.intact
    assert [(problem.sequence, problem.reason) for problem in result.report.problems] == [(2, "content")]


def test_concurrent_appends_get_consecutive_numbers_and_one_chain(transactional_db, listing, alice, bob):
    batch = actions.create_batch(alice, listing, name="並行", product="魚")
    errors = []

    def add(user):
        try:
            for _ in range(5):
                record(user, Batch.objects.get(pk=batch.pk))
        except Exception as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=add, args=(user,)) for user in (alice, bob)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert list(Entry.objects.filter(batch=batch).order_by("sequence").values_list("sequence", flat=True)) == list(
        range(1, 11)
    )
    assert verify_batch(Batch.objects.get(pk=batch.pk), use_cache=False).intact


def tamper(entry, assignment):
    """What someone with the database's superuser can do: switch the triggers off and rewrite a row."""
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute(f"UPDATE traceability_entry SET {assignment} WHERE id = %s", [entry.pk])  # noqa: S608
        cursor.execute("SET session_replication_role = DEFAULT")


# --- bad input: a clear reason, nothing stored -----------------------------------------------------------------


def _nothing_stored(batch):
    batch.refresh_from_db()
    return batch.entry_count == 0 and not Entry.objects.filter(batch=batch).exists()


def test_a_record_in_the_future_is_refused(batch, alice):
    with pytest.raises(ActionRefused, match="future"):
        record(alice, batch, when=timezone.now() + datetime.timedelta(hours=2))
    assert _nothing_stored(batch)


def test_a_lab_test_needs_its_certificate(batch, alice):
    with pytest.raises(ActionRefused, match="certificate"):
        record(alice, batch, kind="lab_test", details={"laboratory": "台灣檢驗科技"})
    assert _nothing_stored(batch)

    entry = record(alice, batch, kind="lab_test", files=lab_files(), details={"laboratory": "台灣檢驗科技"})
    assert entry.attachments.get().content_type == "application/pdf"


def test_a_correction_must_point_into_the_same_batch_and_say_why(batch, listing, alice):
    other = actions.create_batch(alice, listing, name="另一批", product="魚")
    elsewhere = record(alice, other)
    mine = record(alice, batch)

    with pytest.raises(ActionRefused, match="same batch"):
        record(alice, batch, corrects=elsewhere, correction_reason="x")
    with pytest.raises(ActionRefused, match="what was wrong"):
        record(alice, batch, corrects=mine, correction_reason=" ")
    batch.refresh_from_db()
    assert batch.entry_count == 1


def test_an_outsider_can_neither_create_a_batch_nor_append(batch, listing, mallory):
    with pytest.raises(PermissionDenied):
        actions.create_batch(mallory, listing, name="x", product="y")
    with pytest.raises(PermissionDenied):
        record(mallory, batch)
    assert _nothing_stored(batch)


def test_a_period_needs_a_plan_and_must_not_end_before_it_starts(listing, alice, plan):
    with pytest.raises(ActionRefused, match="ends before"):
        actions.create_batch(
            alice,
            listing,
            name="x",
            product="y",
            plan=plan,
            period_start=datetime.date(2026, 3, 31),
            period_end=datetime.date(2026, 3, 1),
        )
    with pytest.raises(ActionRefused, match="plan"):
        actions.create_batch(alice, listing, name="x", product="y", period_start=datetime.date(2026, 3, 1))
    assert not Batch.objects.exists()


def test_a_photo_is_stored_clean_with_a_preview_and_its_hash_in_the_record(batch, alice):
    entry = record(alice, batch, files=photo_files())
    photo = entry.attachments.get()

    assert photo.kind == Attachment.Kind.PHOTO and photo.preview
    with photo.file.open("rb") as handle:
        assert chain.sha256_hex(handle.read()) == photo.sha256
    assert chain_rows(batch)[0]["content"]["attachments"] == [{"kind": "photo", "sha256": photo.sha256}]


def huge_scan():
    buffer = io.BytesIO()
    Image.new("1", (20_000, 20_000)).save(buffer, "PNG")  # one bit a pixel: small to make, small to send
    return SimpleUploadedFile("scan.png", buffer.getvalue(), content_type="image/png")


@pytest.mark.parametrize(
    ("field", "upload", "expected"),
    [
        ("photos", text_upload(), "not a picture"),
        ("photos", photo_upload(name="a.gif", image_format="GIF"), "GIF"),
        ("documents", text_upload(name="cert.txt"), "not a PDF"),
        # 20,000 × 20,000 of one colour (a decompression bomb) is a PNG: the reason is its pixels, not its format.
        ("documents", huge_scan(), "more pixels than"),
    ],
    ids=["not-an-image", "gif-photo", "text-as-certificate", "huge-scan"],
)
def test_a_bad_file_refuses_the_whole_record_with_its_reason(client, batch, alice, field, upload, expected):
    client.force_login(alice)
    data = {
        "kind": "harvest",
        "occurred_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "township": batch.listing.project.township_id,
        "performed_by": "阿明",
        "photo_description": "照片",
        field: upload,
    }

    response = client.post(reverse("traceability:batch_manage", kwargs={"code": batch.code}), data, follow=False)

    assert response.status_code == 400
    assert expected in response.content.decode()
    assert _nothing_stored(batch)


def test_an_oversized_photo_is_refused(client, batch, alice, settings):
    settings.TRACE_PHOTO_MAX_BYTES = 500
    client.force_login(alice)
    data = {
        "kind": "harvest",
        "occurred_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "township": batch.listing.project.township_id,
        "performed_by": "阿明",
        "photo_description": "照片",
        "photos": photo_upload(size=(400, 300)),
    }

    response = client.post(reverse("traceability:batch_manage", kwargs={"code": batch.code}), data)

    assert response.status_code == 400
    assert "larger than" in response.content.decode() or "MB" in response.content.decode()
    assert _nothing_stored(batch)


def test_the_team_adds_a_record_with_a_certificate_through_the_page(client, batch, alice):
    client.force_login(alice)
    data = {
        "kind": "lab_test",
        "occurred_at": (timezone.localtime() - datetime.timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
        "township": batch.listing.project.township_id,
        "performed_by": "品管",
        "laboratory": "台灣檢驗科技",
        "result": "未檢出",
        "documents": pdf_upload(),
    }

    response = client.post(reverse("traceability:batch_manage", kwargs={"code": batch.code}), data)

    assert response.status_code == 302
    entry = Entry.objects.get(batch=batch)
    assert entry.details == {"laboratory": "台灣檢驗科技", "result": "未檢出"}
    assert entry.attachments.get().original_name == "certificate.pdf"


@pytest.mark.parametrize(
    ("params", "status", "labels"),
    [({"count": "²"}, 200, 2), ({"count": "３"}, 200, 3), ({"count": "-4"}, 200, 12), ({"entry": "²"}, 404, None)],
)
def test_the_label_sheet_reads_a_typed_count_and_never_fails_on_one(client, batch, alice, params, status, labels):
    """A superscript ² passed str.isdigit() and then failed int(): a 500."""
    client.force_login(alice)
    response = client.get(reverse("traceability:batch_labels", kwargs={"code": batch.code}), params)
    assert response.status_code == status
    if labels is not None:
        assert len(response.context["labels"]) == labels


def _years_from_today(years):
    from core.dates import years_from

    return years_from(timezone.localdate(), years)


@pytest.mark.parametrize(
    ("language", "out_of_bounds", "before_start"),
    [
        ("zh-hant", "批次的期間須在今天起前後 2 年內", "期間的結束早於開始"),
        ("en", "period lies within 2 years of today", "The period ends before it starts"),
        ("ja", "バッチの期間は今日から前後 2 年以内です", "期間の終了が開始より前になっています"),
    ],
)
def test_a_batch_period_is_bounded_and_the_team_page_says_the_limit(
    client, listing, alice, plan, settings, language, out_of_bounds, before_start
):
    """9999-12-31 or year 1 was saved as the month of a harvest its backers look for."""
    from django.utils import formats, translation

    settings.TRACE_BATCH_PERIOD_MAX_YEARS = 2
    earliest, latest = _years_from_today(-2), _years_from_today(2)
    client.force_login(alice)
    with translation.override(language):
        url = reverse("traceability:batch_new", kwargs={"project_id": listing.project_id})
        shown = (formats.date_format(earliest), formats.date_format(latest))
    data = {"name": "三月吳郭魚", "product": "吳郭魚片", "plan": plan.pk}
    for start, end in (
        ("0001-01-01", None),
        (None, "9999-12-31"),
        ((earliest - datetime.timedelta(days=1)).isoformat(), None),
        (None, (latest + datetime.timedelta(days=1)).isoformat()),
    ):
        typed = {"period_start": start or "", "period_end": end or ""}
        response = client.post(url, {**data, **typed})
        assert response.status_code == 200
        assert response.context["form"].errors["period_start" if start else "period_end"]
        assert out_of_bounds in response.text and all(day in response.text for day in shown)
        assert f'value="{start or end}"' in response.text, "what was typed is kept"
    reversed_period = client.post(url, {**data, "period_start": latest.isoformat(), "period_end": earliest.isoformat()})
    assert reversed_period.status_code == 200 and before_start in reversed_period.text
    picker = response.context["form"]["period_end"].field.widget.attrs
    assert (picker["min"], picker["max"]) == (earliest.isoformat(), latest.isoformat())
    assert not Batch.objects.exists()

    # The first and last days allowed are accepted.
    response = client.post(url, {**data, "period_start": earliest.isoformat(), "period_end": latest.isoformat()})
    assert response.status_code == 302
    assert Batch.objects.values_list("period_start", "period_end").get() == (earliest, latest)


def test_the_action_refuses_a_batch_period_beyond_the_limit(listing, alice, plan, settings):
    settings.TRACE_BATCH_PERIOD_MAX_YEARS = 2
    for period in ({"period_start": datetime.date(1, 1, 1)}, {"period_end": datetime.date(9999, 12, 31)}):
        with pytest.raises(ActionRefused, match="within 2 years"):
            actions.create_batch(alice, listing, name="x", product="y", plan=plan, **period)
    assert not Batch.objects.exists()
