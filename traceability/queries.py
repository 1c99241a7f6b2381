"""What the traceability pages and other apps read (nothing here changes anything)."""

import hashlib
import json
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.cache import cache
from django.db.models import CharField, Func, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404

from cms.public import is_public
from traceability import chain, measures
from traceability.actions import check_batch_team
from traceability.models import Attachment, Batch, Device, Digest, Entry, normalise_code

VERIFY_CACHE_SECONDS = 300


class BatchNotPublic(Http404):
    """A batch that exists but whose team has not published it (the page says so rather than "not found")."""


def batch_by_code(code):
    return (
        Batch.objects.select_related("listing__project__township__county", "listing__enterprise__organisation", "plan")
        .filter(code=normalise_code(code))
        .first()
    )


def batch_is_public(batch):
    """Whether anyone may see the batch: published by its team, on a project that is live and public."""
    return batch.is_public and is_public(batch.listing.project)


def public_batches():
    """The queryset form of batch_is_public: batches published by their team on a project that is live and public.
    Every list of batch codes shown to the public (digests, backers' and companies' lists) starts from it."""
    from cms.public import public_projects

    return Batch.objects.filter(is_public=True, listing__project__in=public_projects().values("pk"))


def public_codes_among(codes):
    """The set of `codes` whose batches are public now (one query)."""
    return set(public_batches().filter(code__in=set(codes)).values_list("code", flat=True))


def public_batch_or_404(code):
    """The batch of a public code on a live public project; Http404 (BatchNotPublic when it exists unpublished)."""
    batch = batch_by_code(code)
    if batch is None:
        raise Http404("no batch has this code")
    if not batch_is_public(batch):
        raise BatchNotPublic("this batch is not public")
    return batch


def public_project_of_code(code):
    """The project page (in the reader's language when translated) of the batch with this code when that project
    is public, whether or not the batch is; None otherwise (an unknown code, a hidden project)."""
    batch = batch_by_code(code)
    if batch is None or not is_public(batch.listing.project):
        return None
    return project_in_language(batch.listing.project)


def project_in_language(project):
    """The project page in the reader's language when it has a live translation, else the source page."""
    from django.utils import translation

    from cms.public import public_projects

    translated = (
        public_projects()
        .filter(translation_key=project.translation_key, locale__language_code=translation.get_language())
        .first()
    )
    return translated or project


def viewable_batch_or_404(user, code):
    """A public batch for anyone; an unpublished one for its team only (they check labels before publishing)."""
    batch = batch_by_code(code)
    if batch is None:
        raise Http404("no batch has this code")
    if batch_is_public(batch):
        return batch
    if user.is_authenticated:
        from django.core.exceptions import PermissionDenied

        try:
            check_batch_team(user, batch)
            return batch
        except PermissionDenied:
            pass
    raise BatchNotPublic("this batch is not public")


def team_batch_or_404(user, code):
    batch = get_object_or_404(
        Batch.objects.select_related("listing__project__township", "listing__enterprise__organisation", "plan"),
        code=normalise_code(code),
    )
    check_batch_team(user, batch)
    return batch


def team_device_or_404(user, pk):
    from traceability.actions import check_device_team

    device = get_object_or_404(
        Device.objects.select_related("listing__project", "listing__enterprise__organisation", "township"), pk=pk
    )
    check_device_team(user, device)
    return device


# --- a batch's story ---------------------------------------------------------------------------------------


@dataclass
class StoryEntry:
    entry: Entry
    photos: list
    documents: list
    corrected_by: list = field(default_factory=list)  # later entries that correct this one

    @property
    def is_corrected(self):
        return bool(self.corrected_by)


def batch_entries(batch):
    """The batch's entries in order, with their files and the corrections that point at each (three queries)."""
    entries = list(
        Entry.objects.filter(batch=batch)
        .select_related("township__county", "corrects")
        .prefetch_related(Prefetch("attachments", queryset=Attachment.objects.order_by("pk")))
        .order_by("sequence")
    )
    story = {
        entry.pk: StoryEntry(
            entry=entry,
            photos=[item for item in entry.attachments.all() if item.kind == Attachment.Kind.PHOTO],
            documents=[item for item in entry.attachments.all() if item.kind == Attachment.Kind.DOCUMENT],
        )
        for entry in entries
    }
    for entry in entries:
        if entry.corrects_id in story:
            story[entry.corrects_id].corrected_by.append(entry)
    return [story[entry.pk] for entry in entries]


def places_of(story):
    """The townships the batch passed through, in order of first visit: [(township, [entry numbers])]."""
    places = {}
    for item in story:
        township = item.entry.township
        places.setdefault(township.pk, (township, []))[1].append(item.entry.sequence)
    return list(places.values())


def lab_results(story):
    return [item for item in story if item.entry.kind == Entry.Kind.LAB_TEST]


# --- verification ------------------------------------------------------------------------------------------


class UtcText(Func):
    """A time as chain.utc_text writes it ("YYYY-MM-DDTHH:MM:SSZ", UTC, whole seconds), made by the database."""

    output_field = CharField()

    def as_sql(self, compiler, connection, **extra):  # SQLite (stores UTC text)
        # Each % doubled twice: once for the template's own formatting, once for the driver's placeholders.
        template = "strftime('%%%%Y-%%%%m-%%%%dT%%%%H:%%%%M:%%%%SZ', %(expressions)s)"
        return super().as_sql(compiler, connection, template=template, **extra)

    def as_postgresql(self, compiler, connection, **extra):
        template = """to_char(%(expressions)s AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')"""
        return super().as_sql(compiler, connection, template=template, **extra)


def chain_rows(batch):
    """The rows chain.verify_rows checks, rebuilt from the stored columns (two queries for any chain length)."""
    attachments = {}
    for entry_id, kind, sha256 in (
        Attachment.objects.filter(entry__batch=batch)
        .order_by("entry_id", "pk")
        .values_list("entry_id", "kind", "sha256")
    ):
        attachments.setdefault(entry_id, []).append((kind, sha256))
    rows = []
    fields = (
        "pk",
        "sequence",
        "kind",
        "occurred_text",
        "township__code",
        "place_detail",
        "performed_by",
        "description",
        "details",
        "corrects__sequence",
        "correction_reason",
        "recorded_text",
        "content_hash",
        "previous_hash",
        "entry_hash",
    )
    entries = Entry.objects.filter(batch=batch).annotate(
        occurred_text=UtcText("occurred_at"), recorded_text=UtcText("recorded_at")
    )
    for values in entries.order_by("sequence").values_list(*fields):
        row = dict(zip(fields, values, strict=True))
        content = chain.entry_content(
            batch_code=batch.code,
            sequence=row["sequence"],
            kind=row["kind"],
            occurred_at=row["occurred_text"],
            township_code=row["township__code"],
            place_detail=row["place_detail"],
            performed_by=row["performed_by"],
            description=row["description"],
            details=row["details"] or {},
            corrects_sequence=row["corrects__sequence"],
            correction_reason=row["correction_reason"],
            recorded_at=row["recorded_text"],
            attachments=attachments.get(row["pk"], []),
        )
        rows.append({**row, "content": content})
    return rows


@dataclass
class FileProblem:
    sequence: int
    name: str
    reason: str  # "changed" or "missing"


@dataclass
class Verification:
    report: chain.ChainReport
    file_problems: list
    digest: Digest | None  # the latest digest that lists this batch
    digest_entries: int = 0
    digest_matches: bool | None = None  # None: no digest lists this batch yet

    @property
    def intact(self):
        return self.report.intact and not self.file_problems and self.digest_matches is not False


def _check_files(batch):
    problems, checked = [], 0
    for item in Attachment.objects.filter(entry__batch=batch).select_related("entry").order_by("entry__sequence", "pk"):
        try:
            with item.file.open("rb") as handle:
                digest = hashlib.sha256()
                for block in iter(lambda handle=handle: handle.read(1024 * 1024), b""):
                    digest.update(block)
        except (FileNotFoundError, OSError, ValueError):
            problems.append(FileProblem(item.entry.sequence, item.original_name, "missing"))
            continue
        checked += 1
        if digest.hexdigest() != item.sha256:
            problems.append(FileProblem(item.entry.sequence, item.original_name, "changed"))
    return problems, checked


def latest_digest_listing(batch):
    return Digest.objects.filter(payload__contains=f'["{batch.code}",').order_by("-day").first()


def heads_in(digest_payload, code):
    """(entries, head) the digest payload (a dict) recorded for `code`, or None."""
    for item in digest_payload.get("chains", []):
        if isinstance(item, list) and len(item) == 3 and item[0] == code:
            return int(item[1]), str(item[2])
    return None


def verify_batch(batch, *, check_files=True, use_cache=True):
    """Recompute the batch's chain (and its files' hashes) and compare it with the latest digest that lists it.

    The result is kept for a few minutes per chain head, so a popular verify page does not reread every file.
    """
    key = f"traceability:verified:{batch.code}:{batch.entry_count}:{batch.head_hash}:{int(check_files)}"
    if use_cache:
        found = cache.get(key)
        if found is not None:
            return found
    report = chain.verify_rows(chain_rows(batch))
    file_problems = []
    if check_files:
        file_problems, report.files_checked = _check_files(batch)
    digest = latest_digest_listing(batch)
    result = Verification(report=report, file_problems=file_problems, digest=digest)
    if digest is not None:
        recorded = heads_in(json.loads(digest.payload), batch.code)
        if recorded is not None:
            result.digest_entries, head = recorded
            result.digest_matches = (
                0 < result.digest_entries <= len(report.heads) and report.heads[result.digest_entries - 1] == head
            )
    if use_cache:
        cache.set(key, result, VERIFY_CACHE_SECONDS)
    return result


def compare_with_kept_digest(batch, chains):
    """What a kept (and signature-checked) digest says about this batch: None when it does not list it, else
    (entries it recorded, matches now)."""
    recorded = heads_in({"chains": chains}, batch.code)
    if recorded is None:
        return None
    count, head = recorded
    report = chain.verify_rows(chain_rows(batch))
    matches = 0 < count <= len(report.heads) and report.heads[count - 1] == head
    return count, matches


def batch_document(batch):
    """The public JSON of a batch's chain: every entry's hashed content and hashes, to recompute it elsewhere."""
    return {
        "batch": batch.code,
        "algorithm": "SHA-256",
        "genesis": chain.GENESIS,
        "entries": [
            {
                "content": row["content"],
                "content_hash": row["content_hash"],
                "previous_hash": row["previous_hash"],
                "entry_hash": row["entry_hash"],
            }
            for row in chain_rows(batch)
        ],
    }


# --- the team's and the backers' lists ------------------------------------------------------------------------


def batches_of(listing):
    return Batch.objects.filter(listing=listing).select_related("plan").order_by("-created_at")


def devices_of(listing):
    return Device.objects.filter(listing=listing).select_related("township").order_by("revoked_at", "name")


def batches_by_backing(backings, limit=6):
    """{backing pk: the public batches of its plan whose period overlaps the time it has been backed} for a page
    of backings, in one query whatever their number."""
    backings = [backing for backing in backings if backing.plan_id is not None]
    if not backings:
        return {}
    by_plan = defaultdict(list)
    for batch in (
        public_batches()
        .filter(plan_id__in={backing.plan_id for backing in backings}, entry_count__gt=0)
        .order_by("-period_start", "-created_at")
    ):
        by_plan[batch.plan_id].append(batch)
    found = {}
    for backing in backings:
        started = backing.created.date() if backing.created else None
        found[backing.pk] = [
            batch
            for batch in by_plan[backing.plan_id]
            if started is None or batch.period_end is None or batch.period_end >= started
        ][:limit]
    return found


def batches_for_month(plan_ids, month_start):
    """Public batches of these plans whose period overlaps the month starting on `month_start`, newest first."""
    import calendar

    month_end = month_start.replace(day=calendar.monthrange(month_start.year, month_start.month)[1])
    return list(
        public_batches()
        .filter(
            plan_id__in=plan_ids,
            entry_count__gt=0,
            period_start__lte=month_end,
            period_end__gte=month_start,
        )
        .order_by("-period_start", "-created_at")
    )


def public_devices(project):
    """Active devices of a project page (any translation) that show at least one measure publicly."""
    return list(
        Device.objects.filter(listing__project__translation_key=project.translation_key, revoked_at__isnull=True)
        .exclude(public_measures=[])
        .select_related("township", "listing")
        .order_by("name")
    )


def latest_readings(device, codes):
    """{measure code: (taken_at, value)} of the newest reading of each measure (one index probe each)."""
    from traceability.models import Reading, ReadingExclusion

    latest = {}
    hidden = ReadingExclusion.objects.hiding(device.pk)
    for code in codes:
        measure = measures.BY_CODE.get(code)
        if measure is None:
            continue
        readings = Reading.objects.filter(device=device, measure=measure.number)
        if hidden is not None:
            readings = readings.exclude(hidden)
        row = readings.order_by("-taken_at").values_list("taken_at", "value").first()
        if row is not None:
            latest[code] = row
    return latest


def hidden_spans(device, codes, *, since):
    """The spans of these measures the device's team hid that end after `since`, newest first (the project page
    says which and why)."""
    return list(device.exclusions.filter(measure__in=list(codes), end__gt=since).order_by("-start")[:10])


def measure_label(code):
    measure = measures.BY_CODE.get(code)
    return measure.label if measure else code


# --- the staff's admin screens (traceability.wagtail_hooks) -------------------------------------------------------


def batches_for_staff():
    return Batch.objects.select_related("listing__project", "plan")


def devices_for_staff():
    return Device.objects.select_related("listing__project", "township__county")


def entries_for_staff():
    return Entry.objects.select_related("batch", "township__county")
