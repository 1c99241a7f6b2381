"""Traceability and device data: production records per batch (a hash chain each), the signed daily digests of
all chains, devices with their tokens, readings and their hourly and daily aggregates, alert rules.

A batch belongs to a project (its marketplace listing) and, optionally, to a subscription plan's period. Its
entries are appended, never changed: the model, the queryset and (on both databases) a trigger refuse it, and a
mistake is corrected by a new entry that points at the one it corrects. How the chain is computed and what it
proves: traceability/README.md and traceability/chain.py.

Readings are the one large table: on PostgreSQL partitioned by month (see migrations/0001 and storage.py), with
a composite primary key (device, measure, time) so a repeated reading is stored once.
"""

import datetime
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from core.dates import years_from
from traceability import measures

# Crockford's base 32 without the letters people misread (I, L, O, U): codes are typed from labels too.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 8  # 40 bits: guessing a batch's code is hopeless, and a label still fits it in large type


def new_batch_code():
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def normalise_code(text):
    """A code as typed or scanned: case and Crockford's look-alikes (O→0, I/L→1) do not matter."""
    return (text or "").strip().upper().replace("O", "0").replace("I", "1").replace("L", "1").replace("-", "")


def code_from_text(text):
    """The code a person typed or pasted (a short URL too), as a batch's code could be: normalised, keeping only the
    alphabet's characters of its last path segment; "" when nothing is left."""
    text = (text or "").strip().rstrip("/").rsplit("/", 1)[-1]
    return "".join(char for char in normalise_code(text) if char in CODE_ALPHABET)[: CODE_LENGTH * 2]


class Batch(models.Model):
    """One product batch (a harvest, a pond's stocking) whose records form one hash chain."""

    code = models.CharField(_("code"), max_length=CODE_LENGTH, unique=True, default=new_batch_code, editable=False)
    listing = models.ForeignKey(
        "marketplace.ProjectListing", on_delete=models.PROTECT, related_name="batches", verbose_name=_("project")
    )
    plan = models.ForeignKey(
        "marketplace.SubscriptionPlan",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="batches",
        verbose_name=_("subscription plan"),
    )
    period_start = models.DateField(_("period from"), null=True, blank=True)
    period_end = models.DateField(_("period to"), null=True, blank=True)
    name = models.CharField(_("batch name"), max_length=120)
    product = models.CharField(_("product"), max_length=120)
    description = models.TextField(_("about this batch"), blank=True)
    is_public = models.BooleanField(_("public"), default=False)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    # The chain's head, kept with each append (in the same transaction, under the batch's row lock) so the digest
    # and the pages read one row per batch; verification never trusts it: it recomputes from the entries.
    entry_count = models.PositiveIntegerField(_("entries"), default=0)
    head_hash = models.CharField(_("latest entry hash"), max_length=64, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("batch")
        verbose_name_plural = _("batches")
        indexes = [models.Index(fields=["listing", "is_public"]), models.Index(fields=["plan", "is_public"])]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def clean(self):
        earliest, latest = batch_period_bounds()
        for name in ("period_start", "period_end"):
            day = getattr(self, name)
            if day and not earliest <= day <= latest:
                raise ValidationError({name: batch_period_out_of_bounds_message()})
        if self.period_start and self.period_end and self.period_start > self.period_end:
            raise ValidationError({"period_end": _("The period ends before it starts; check both dates.")})
        if (self.period_start or self.period_end) and not self.plan_id:
            raise ValidationError({"plan": _("A period belongs to a subscription plan: choose the plan too.")})


def batch_period_bounds(today=None):
    """The first and last day a batch's period may take (settings.TRACE_BATCH_PERIOD_MAX_YEARS either side)."""
    today = today or timezone.localdate()
    years = settings.TRACE_BATCH_PERIOD_MAX_YEARS
    return years_from(today, -years), years_from(today, years)


def batch_period_out_of_bounds_message(today=None):
    earliest, latest = batch_period_bounds(today)
    return _(
        "A batch's period lies within %(years)s years of today: give a day between %(earliest)s and %(latest)s."
    ) % {
        "years": settings.TRACE_BATCH_PERIOD_MAX_YEARS,
        "earliest": formats.date_format(earliest),
        "latest": formats.date_format(latest),
    }


def earliest_entry_time(now=None):
    """The earliest moment a record written now may say it happened (settings.TRACE_ENTRY_MAX_YEARS_BACK ago, from
    the start of that day): a chain is written as the work is done, and the year 1 is a typing slip."""
    today = timezone.localtime(now).date()
    day = years_from(today, -settings.TRACE_ENTRY_MAX_YEARS_BACK)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def entry_too_long_ago_message(now=None):
    return _("A record is written within %(years)s years of what it records: give a time on or after %(earliest)s.") % {
        "years": settings.TRACE_ENTRY_MAX_YEARS_BACK,
        "earliest": formats.date_format(timezone.localtime(earliest_entry_time(now)), "DATETIME_FORMAT"),
    }


def earliest_hidden_reading(now=None):
    """The earliest moment a hidden span may start: readings older than settings.TRACE_RAW_RETENTION_DAYS are pruned
    to their hourly figures, which hiding would recompute from nothing. From the start of that day."""
    day = timezone.localtime(now).date() - datetime.timedelta(days=settings.TRACE_RAW_RETENTION_DAYS)
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


def hidden_span_too_long_ago_message(now=None):
    return _(
        "Readings are kept in full for %(days)s days, and only those can be hidden: start the span on or after "
        "%(earliest)s."
    ) % {
        "days": settings.TRACE_RAW_RETENTION_DAYS,
        "earliest": formats.date_format(timezone.localtime(earliest_hidden_reading(now)), "DATETIME_FORMAT"),
    }


class AppendOnlyError(Exception):
    """Raised when code tries to change or delete a written entry (a correction is a new entry)."""


class EntryQuerySet(models.QuerySet):
    def update(self, **kwargs):
        # Personal data erasure may unlink the account that recorded an entry: that column is outside the hash.
        if set(kwargs) <= {"recorded_by"}:
            return super().update(**kwargs)
        raise AppendOnlyError("batch entries are append-only; append a correction instead")

    def delete(self):
        raise AppendOnlyError("batch entries are append-only; they are never deleted")


class Entry(models.Model):
    """One record of a batch's chain. Everything that is hashed is below; see chain.entry_content()."""

    class Kind(models.TextChoices):
        PLANTING = "planting", _("Planting or stocking")
        INPUT = "input", _("Inputs applied")
        HARVEST = "harvest", _("Harvest")
        PROCESSING = "processing", _("Processing")
        LAB_TEST = "lab_test", _("Lab test")
        PACKING = "packing", _("Packing")
        SHIPPING = "shipping", _("Shipping")
        NOTE = "note", _("Note")

    batch = models.ForeignKey(Batch, on_delete=models.PROTECT, related_name="entries", verbose_name=_("batch"))
    sequence = models.PositiveIntegerField(_("number"))
    kind = models.CharField(_("step"), max_length=20, choices=Kind.choices)
    occurred_at = models.DateTimeField(_("when it happened"))
    township = models.ForeignKey(
        "places.Township", on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    place_detail = models.CharField(_("place"), max_length=120, blank=True)
    performed_by = models.CharField(_("who"), max_length=120)
    description = models.TextField(_("what was done"), blank=True)
    details = models.JSONField(_("details"), default=dict, blank=True)  # kind-specific fields (forms.KIND_FIELDS)
    corrects = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="corrections", verbose_name=_("corrects")
    )
    correction_reason = models.TextField(_("why it is corrected"), blank=True)
    recorded_at = models.DateTimeField(_("recorded"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    content_hash = models.CharField(max_length=64, verbose_name=_("content hash"))
    previous_hash = models.CharField(max_length=64, verbose_name=_("previous entry hash"))
    entry_hash = models.CharField(max_length=64, unique=True, verbose_name=_("entry hash"))

    objects = EntryQuerySet.as_manager()

    class Meta:
        ordering = ["batch", "sequence"]
        verbose_name = _("batch entry")
        verbose_name_plural = _("batch entries")
        constraints = [models.UniqueConstraint(fields=["batch", "sequence"], name="trace_entry_sequence_unique")]

    def __str__(self):
        return f"{self.batch.code} #{self.sequence} {self.get_kind_display()}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AppendOnlyError("batch entries are append-only; append a correction instead")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AppendOnlyError("batch entries are append-only; they are never deleted")


def attachment_path(instance, filename):
    # Outside the public prefixes of config/storage.py: on object storage every file is private and reached
    # through a signed, expiring URL after the batch page checked the batch is public.
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"traceability/{instance.entry.batch.code}/{instance.sha256[:32]}.{extension}"


def preview_path(instance, filename):
    return f"traceability/{instance.entry.batch.code}/{instance.sha256[:32]}-preview.jpg"


class Attachment(models.Model):
    """A photo or a document (a lab certificate) of an entry; its SHA-256 is part of the entry's hash."""

    class Kind(models.TextChoices):
        PHOTO = "photo", _("Photo")
        DOCUMENT = "document", _("Document")

    entry = models.ForeignKey(
        Entry, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("traceability entry")
    )
    kind = models.CharField(max_length=10, choices=Kind.choices, verbose_name=_("kind"))
    file = models.FileField(upload_to=attachment_path, max_length=200, verbose_name=_("file"))
    preview = models.FileField(
        upload_to=preview_path, max_length=200, blank=True, verbose_name=_("preview")
    )  # photos: a smaller JPEG
    sha256 = models.CharField(max_length=64, verbose_name=_("SHA-256 checksum"))
    size = models.PositiveIntegerField(verbose_name=_("file size (bytes)"))
    content_type = models.CharField(max_length=60, verbose_name=_("file type"))
    original_name = models.CharField(max_length=200, verbose_name=_("original file name"))
    description = models.CharField(_("description"), max_length=255, blank=True)

    class Meta:
        ordering = ["entry", "pk"]
        verbose_name = _("attachment")
        verbose_name_plural = _("attachments")

    def __str__(self):
        return self.original_name


class Digest(models.Model):
    """The signed daily digest of every chain: its exact bytes (`payload`) and the Ed25519 signature over them."""

    day = models.DateField(_("day"), unique=True)
    payload = models.TextField(
        verbose_name=_("payload")
    )  # canonical JSON (chain.canonical_json), the bytes that are signed
    payload_sha256 = models.CharField(max_length=64, verbose_name=_("payload SHA-256 checksum"))
    signature = models.CharField(max_length=100, verbose_name=_("signature"))  # base64 of the 64-byte signature
    key_id = models.CharField(max_length=16, verbose_name=_("signing key ID"))
    chains = models.PositiveIntegerField(_("chains"))
    entries = models.PositiveIntegerField(_("entries"))
    created_at = models.DateTimeField(_("published"), auto_now_add=True)

    class Meta:
        ordering = ["-day"]
        verbose_name = _("daily digest")
        verbose_name_plural = _("daily digests")

    def __str__(self):
        return f"{self.day:%Y-%m-%d}"


class Device(models.Model):
    """A sensor or gateway of a project; it posts readings with its token (DeviceToken)."""

    class Kind(models.TextChoices):
        SENSOR = "sensor", _("Sensor")
        GATEWAY = "gateway", _("Gateway")

    # A 4-byte key: it is repeated in every reading row.
    id = models.AutoField(primary_key=True, verbose_name=_("device number"))
    listing = models.ForeignKey(
        "marketplace.ProjectListing", on_delete=models.PROTECT, related_name="devices", verbose_name=_("project")
    )
    name = models.CharField(_("device name"), max_length=80)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices, default=Kind.SENSOR)
    township = models.ForeignKey(
        "places.Township", on_delete=models.PROTECT, related_name="+", verbose_name=_("township")
    )
    measures = models.JSONField(_("measures"), default=list)  # measure codes it reports
    public_measures = models.JSONField(_("measures shown on the project page"), default=list, blank=True)
    created_at = models.DateTimeField(_("registered"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    last_seen_at = models.DateTimeField(_("last reading received"), null=True, blank=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("device")
        verbose_name_plural = _("devices")
        # Staff (Moderators: accounts.staff) revoke any project's device, giving its team a reason.
        permissions = [("moderate_device", _("Can revoke any project's device, as staff"))]

    def __str__(self):
        return self.name

    @property
    def is_active(self):
        return self.revoked_at is None

    def is_quiet(self, now=None):
        """An active device that sent nothing within badges.LIVE_WITHIN (or never): its figures are not live."""
        from django.utils import timezone

        from traceability.badges import LIVE_WITHIN

        if not self.is_active:
            return False
        return self.last_seen_at is None or (now or timezone.now()) - self.last_seen_at >= LIVE_WITHIN

    def measure_objects(self):
        return [measures.BY_CODE[code] for code in self.measures if code in measures.BY_CODE]

    def public_measure_objects(self):
        return [measures.BY_CODE[code] for code in self.public_measures if code in measures.BY_CODE]


class DeviceToken(models.Model):
    """A device's token, stored as its SHA-256 only (shown once). A rotated or revoked token stays, so a device
    that uses it is told why it is refused."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="tokens", verbose_name=_("device"))
    token_hash = models.CharField(max_length=64, unique=True, verbose_name=_("token hash"))
    prefix = models.CharField(
        max_length=12, verbose_name=_("token prefix")
    )  # the first characters, so a team can tell its tokens apart
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    replaced_at = models.DateTimeField(null=True, blank=True, verbose_name=_("replaced"))
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("revoked"))

    class Meta:
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}…"


class Reading(models.Model):
    """One value of one measure at one time from one device; stored once per (device, measure, time)."""

    pk = models.CompositePrimaryKey("device", "measure", "taken_at")
    taken_at = models.DateTimeField()
    value = models.FloatField()
    # No database constraint: the monthly partitions take inserts in bulk, and devices are never deleted (revoked).
    device = models.ForeignKey(Device, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+")
    measure = models.SmallIntegerField()  # measures.Measure.number

    class Meta:
        # migrations/0001 makes the table itself: partitioned by month on PostgreSQL, plain on SQLite.
        verbose_name = _("reading")
        verbose_name_plural = _("readings")

    def __str__(self):
        return f"{self.device_id} {self.measure} {self.taken_at:%Y-%m-%d %H:%M} {self.value}"


class ReadingAggregate(models.Model):
    """Count, minimum, maximum and sum of a device's measure over an hour or a day (Taiwan time)."""

    class Resolution(models.TextChoices):
        HOUR = "h", _("Hourly")
        DAY = "d", _("Daily")

    pk = models.CompositePrimaryKey("device", "measure", "resolution", "start")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    measure = models.SmallIntegerField()
    resolution = models.CharField(max_length=1, choices=Resolution.choices)
    start = models.DateTimeField()
    count = models.PositiveIntegerField()
    minimum = models.FloatField()
    maximum = models.FloatField()
    total = models.FloatField()

    class Meta:
        verbose_name = _("reading aggregate")
        verbose_name_plural = _("reading aggregates")

    def __str__(self):
        return f"{self.device_id} {self.measure} {self.resolution} {self.start:%Y-%m-%d %H:%M}"

    @property
    def mean(self):
        return self.total / self.count if self.count else None


class PendingHour(models.Model):
    """An hour of a device whose readings changed since its aggregates were computed (ingestion marks it)."""

    pk = models.CompositePrimaryKey("device", "hour")
    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="+")
    hour = models.DateTimeField()

    def __str__(self):
        return f"{self.device_id} {self.hour:%Y-%m-%d %H:%M}"


class AlertRule(models.Model):
    """Tell the team (and, if chosen, the backers) when a measure stays outside [minimum, maximum]."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="alert_rules", verbose_name=_("device"))
    measure = models.CharField(_("measure"), max_length=30, choices=measures.CHOICES)
    minimum = models.FloatField(_("lowest acceptable value"), null=True, blank=True)
    maximum = models.FloatField(_("highest acceptable value"), null=True, blank=True)
    sustained_minutes = models.PositiveIntegerField(
        _("minutes outside before alerting"),
        default=10,
        help_text=_("A single odd reading is not an alert; the value must stay outside this long."),
    )
    notify_backers = models.BooleanField(_("tell the backers too"), default=False)
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    # State, changed only when the value crosses a limit (ingestion, under the device's lock).
    outside_since = models.DateTimeField(null=True, blank=True, verbose_name=_("outside the range since"))
    alerted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("alert sent"))
    last_checked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("last checked"))

    class Meta:
        ordering = ["device", "measure", "pk"]
        verbose_name = _("alert rule")
        verbose_name_plural = _("alert rules")

    def __str__(self):
        return f"{self.device} {self.measure}"

    @property
    def measure_object(self):
        return measures.BY_CODE.get(self.measure)

    def is_outside(self, value):
        return (self.minimum is not None and value < self.minimum) or (
            self.maximum is not None and value > self.maximum
        )


class ReadingExclusionQuerySet(models.QuerySet):
    def hiding(self, device_id):
        """A Q matching the readings of `device_id` that its team hid (None when it hid none): exclude() it."""
        hidden = None
        for measure_code, start, end in self.filter(device_id=device_id).values_list("measure", "start", "end"):
            measure = measures.BY_CODE.get(measure_code)
            if measure is None:
                continue
            span = Q(measure=measure.number, taken_at__gte=start, taken_at__lt=end)
            hidden = span if hidden is None else hidden | span
        return hidden


class ReadingExclusion(models.Model):
    """A span of one measure of a device whose readings the team hid (a faulty sensor, a probe out of the water):
    the readings stay stored, the charts, latest figures and aggregates leave them out, and the project page says
    that a span was hidden and why. Made by the action traceability.actions.hide_readings (audited)."""

    device = models.ForeignKey(Device, on_delete=models.CASCADE, related_name="exclusions", verbose_name=_("device"))
    measure = models.CharField(_("measure"), max_length=30, choices=measures.CHOICES)
    start = models.DateTimeField(pgettext_lazy("time span", "from"))
    end = models.DateTimeField(pgettext_lazy("time span", "to"))
    reason = models.CharField(_("why they are hidden"), max_length=300)
    created_at = models.DateTimeField(_("hidden on"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )

    objects = ReadingExclusionQuerySet.as_manager()

    class Meta:
        ordering = ["device", "-start", "pk"]
        verbose_name = _("hidden readings")
        verbose_name_plural = _("hidden readings")
        indexes = [models.Index(fields=["device", "measure", "start"])]

    def __str__(self):
        return f"{self.device} {self.measure} {self.start:%Y-%m-%d %H:%M}–{self.end:%Y-%m-%d %H:%M}"

    @property
    def measure_object(self):
        return measures.BY_CODE.get(self.measure)
