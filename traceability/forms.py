"""Forms of the team's traceability pages and of the public digest check."""

import json

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.dates import bound_date_picker, bound_datetime_picker
from core.forms import NamedChoiceField, NameField, Textarea
from places.models import Township
from traceability import measures, uploads
from traceability.models import (
    AlertRule,
    Batch,
    Device,
    Entry,
    ReadingExclusion,
    batch_period_bounds,
    earliest_entry_time,
    earliest_hidden_reading,
    entry_too_long_ago_message,
    hidden_span_too_long_ago_message,
)

# Details a record may carry besides its text; kept only when filled in, shown with these labels.
DETAIL_FIELDS = {
    "quantity": _("quantity (e.g. 120 kg, 3,000 fry)"),
    "material": _("input or material (e.g. organic fertiliser, feed brand)"),
    "laboratory": _("laboratory"),
    "result": _("result"),
    "destination": _("destination"),
    "boxes": _("boxes"),
}
DETAIL_LABELS = {
    "quantity": _("Quantity"),
    "material": _("Input or material"),
    "laboratory": _("Laboratory"),
    "result": _("Result"),
    "destination": _("Destination"),
    "boxes": _("Boxes"),
}
MAX_FILES = 6
MAX_DIGEST_BYTES = 5 * 1024 * 1024


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; cleans to a list (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            files = [single(item, initial) for item in data if item]
        else:
            files = [single(data, initial)] if data else []
        if len(files) > MAX_FILES:
            raise ValidationError(_("Send at most %(count)d files with one record.") % {"count": MAX_FILES})
        return files


class BatchForm(forms.Form):
    name = NameField(label=_("batch name"), max_length=120, help_text=_("e.g. Roselle, harvest of March 2026"))
    product = forms.CharField(label=_("product"), max_length=120)
    description = forms.CharField(label=_("about this batch"), required=False, widget=Textarea(attrs={"rows": 3}))
    plan = forms.ModelChoiceField(
        label=_("subscription plan"),
        queryset=None,
        required=False,
        help_text=_("Backers of this plan see the batch in My backings."),
    )
    period_start = forms.DateField(
        label=_("period from"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    period_end = forms.DateField(
        label=_("period to"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, listing, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].queryset = listing.subscription_plans.all()
        earliest, latest = batch_period_bounds()
        for name in ("period_start", "period_end"):
            bound_date_picker(self.fields[name], earliest, latest)

    def clean(self):
        data = super().clean()
        batch = Batch(plan=data.get("plan"), period_start=data.get("period_start"), period_end=data.get("period_end"))
        try:
            batch.clean()
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    self.add_error(field, message)
        return data


class EntryForm(forms.Form):
    kind = forms.ChoiceField(label=_("step"), choices=Entry.Kind.choices)
    occurred_at = forms.DateTimeField(
        label=_("when it happened"),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    township = NamedChoiceField(label=_("township"), queryset=Township.objects.none())
    place_detail = forms.CharField(
        label=_("place"), max_length=120, required=False, help_text=_("e.g. field 3, pond B, the packing house")
    )
    performed_by = forms.CharField(
        label=_("who"), max_length=120, help_text=_("A role, a first name or a partner: it is shown publicly.")
    )
    description = forms.CharField(label=_("what was done"), required=False, widget=Textarea(attrs={"rows": 3}))
    quantity = forms.CharField(label=DETAIL_FIELDS["quantity"], max_length=120, required=False)
    material = forms.CharField(label=DETAIL_FIELDS["material"], max_length=120, required=False)
    laboratory = forms.CharField(label=DETAIL_FIELDS["laboratory"], max_length=120, required=False)
    result = forms.CharField(label=DETAIL_FIELDS["result"], max_length=200, required=False)
    destination = forms.CharField(label=DETAIL_FIELDS["destination"], max_length=120, required=False)
    boxes = forms.IntegerField(label=DETAIL_FIELDS["boxes"], min_value=1, max_value=10_000, required=False)
    photos = MultipleFileField(
        label=_("photos"), required=False, help_text=_("JPEG, PNG or WebP; embedded data such as GPS is removed.")
    )
    photo_description = forms.CharField(
        label=_("describe the photos"),
        max_length=255,
        required=False,
        help_text=_("For people who cannot see them; needed with photos."),
    )
    documents = MultipleFileField(
        label=_("documents"), required=False, help_text=_("A lab certificate or another document: PDF, JPEG or PNG.")
    )

    def __init__(self, *args, listing, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.with_county().order_by("code")
        if not self.is_bound:
            self.initial.setdefault("township", listing.project.township_id)
            self.initial.setdefault("occurred_at", timezone.localtime().replace(second=0, microsecond=0))
        bound_datetime_picker(self.fields["occurred_at"], earliest_entry_time(), timezone.now())
        self.checked_files = []

    def clean_occurred_at(self):
        occurred_at = self.cleaned_data["occurred_at"]
        if occurred_at < earliest_entry_time():
            raise ValidationError(entry_too_long_ago_message(), code="too_long_ago")
        return occurred_at

    def clean(self):
        data = super().clean()
        checked = []
        photos = data.get("photos") or []
        if photos and not (data.get("photo_description") or "").strip():
            self.add_error("photo_description", _("Describe the photos for people who cannot see them."))
        for upload in photos:
            try:
                checked.append(uploads.check_photo(upload, description=data.get("photo_description", "")))
            except ValidationError as error:
                self.add_error("photos", error)
        for upload in data.get("documents") or []:
            try:
                checked.append(uploads.check_document(upload))
            except ValidationError as error:
                self.add_error("documents", error)
        self.checked_files = checked
        return data

    def details(self):
        return {
            name: self.cleaned_data.get(name) for name in DETAIL_FIELDS if self.cleaned_data.get(name) not in (None, "")
        }


class CorrectionForm(EntryForm):
    correction_reason = forms.CharField(
        label=_("what was wrong"), widget=Textarea(attrs={"rows": 2}), help_text=_("Shown next to both records.")
    )

    field_order = ["correction_reason"]


class DeviceForm(forms.Form):
    name = NameField(label=_("device name"), max_length=80, help_text=_("e.g. Pond 3 water probe"))
    kind = forms.ChoiceField(label=_("kind"), choices=Device.Kind.choices)
    township = NamedChoiceField(label=_("township"), queryset=Township.objects.none())
    measures = forms.MultipleChoiceField(
        label=_("measures it reports"), choices=(), widget=forms.CheckboxSelectMultiple
    )
    public_measures = forms.MultipleChoiceField(
        label=_("measures shown on the project page"),
        choices=(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only these appear in public charts; the others stay with the team."),
    )

    def __init__(self, *args, listing, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(measure.code, measure.caption) for measure in measures.MEASURES]
        self.fields["measures"].choices = choices
        self.fields["public_measures"].choices = choices
        self.fields["township"].queryset = Township.objects.with_county().order_by("code")
        if not self.is_bound:
            self.initial.setdefault("township", listing.project.township_id)


class PublicMeasuresForm(forms.Form):
    public_measures = forms.MultipleChoiceField(
        label=_("measures shown on the project page"), choices=(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["public_measures"].choices = [
            (measure.code, measure.caption) for measure in device.measure_objects()
        ]
        if not self.is_bound:
            self.initial["public_measures"] = device.public_measures


class AlertRuleForm(forms.Form):
    measure = forms.ChoiceField(label=_("measure"), choices=())
    minimum = forms.FloatField(label=AlertRule._meta.get_field("minimum").verbose_name, required=False)
    maximum = forms.FloatField(label=AlertRule._meta.get_field("maximum").verbose_name, required=False)
    sustained_minutes = forms.IntegerField(
        label=AlertRule._meta.get_field("sustained_minutes").verbose_name, min_value=0, initial=10
    )
    notify_backers = forms.BooleanField(label=_("tell the backers too"), required=False)

    def __init__(self, *args, device, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [(measure.code, measure.caption) for measure in device.measure_objects()]


class HideReadingsForm(forms.Form):
    """A span of one measure whose readings are nonsense (hidden from charts and figures, kept stored)."""

    measure = forms.ChoiceField(label=_("measure"), choices=())
    start = forms.DateTimeField(
        label=ReadingExclusion._meta.get_field("start").verbose_name,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    end = forms.DateTimeField(
        label=ReadingExclusion._meta.get_field("end").verbose_name,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    reason = forms.CharField(
        label=ReadingExclusion._meta.get_field("reason").verbose_name,
        max_length=300,
        help_text=_("e.g. the probe was out of the water for cleaning. Shown on the project page."),
    )

    def __init__(self, *args, device, **kwargs):
        kwargs.setdefault("auto_id", "id_hide_%s")  # the alert form on the same page has a measure too
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [(measure.code, measure.caption) for measure in device.measure_objects()]
        now = timezone.now()
        for name in ("start", "end"):
            bound_datetime_picker(self.fields[name], earliest_hidden_reading(now), now)

    def clean_start(self):
        start = self.cleaned_data["start"]
        if start < earliest_hidden_reading():
            raise ValidationError(hidden_span_too_long_ago_message(), code="too_long_ago")
        return start


class DigestCheckForm(forms.Form):
    """A digest file someone kept (pasted or uploaded), to compare this batch's chain with."""

    digest_text = forms.CharField(
        label=_("paste the digest (JSON)"),
        required=False,
        widget=Textarea(attrs={"rows": 4, "spellcheck": "false"}),
    )
    digest_file = forms.FileField(label=_("or choose the digest file"), required=False)

    def clean(self):
        data = super().clean()
        text = data.get("digest_text") or ""
        upload = data.get("digest_file")
        if upload is not None:
            if upload.size > MAX_DIGEST_BYTES:
                raise ValidationError(_("This file is larger than a digest can be (5 MB)."))
            text = upload.read(MAX_DIGEST_BYTES + 1).decode("utf-8", errors="replace")
        if not text.strip():
            raise ValidationError(_("Paste a digest or choose its file."))
        if len(text) > MAX_DIGEST_BYTES:
            raise ValidationError(_("This text is larger than a digest can be (5 MB)."))
        try:
            data["document"] = json.loads(text)
        except (ValueError, RecursionError):  # RecursionError: nested past what the parser takes
            raise ValidationError(_("This is not JSON: paste the whole digest file as it was published.")) from None
        return data
