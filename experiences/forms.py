"""Forms of the experience pages: the organiser's experience and slot forms, and the public listing's filters."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from cms.images import ImageUploadField
from core.forms import NamedChoiceField, Textarea
from experiences.models import SPOKEN_LANGUAGES, Experience, latest_slot_start
from places.models import Township

DATETIME_WIDGET = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


PHOTO_HELP = _(
    "A JPEG, PNG, WebP or GIF picture of the place or the activity. It shows on the experience's card and page."
)


class ExperienceForm(forms.ModelForm):
    languages = forms.MultipleChoiceField(
        label=_("languages spoken"), choices=SPOKEN_LANGUAGES, widget=forms.CheckboxSelectMultiple, required=False
    )

    class Meta:
        model = Experience
        fields = [
            "kind",
            "title_zh",
            "title_en",
            "title_ja",
            "description_zh",
            "description_en",
            "description_ja",
            "township",
            "meeting_point",
            "meeting_point_en",
            "meeting_point_ja",
            "latitude",
            "longitude",
            "price_twd",
            "languages",
            "accessibility",
            "accessibility_en",
            "accessibility_ja",
            "what_to_bring",
            "what_to_bring_en",
            "what_to_bring_ja",
            "minimum_age",
            "cancellation_rule",
            "image_alt",
            "image_alt_en",
            "image_alt_ja",
            "is_published",
        ]
        widgets = {
            "description_zh": Textarea(attrs={"rows": 5}),
            "description_en": Textarea(attrs={"rows": 3}),
            "description_ja": Textarea(attrs={"rows": 3}),
            "accessibility": Textarea(attrs={"rows": 2}),
            "accessibility_en": Textarea(attrs={"rows": 2}),
            "accessibility_ja": Textarea(attrs={"rows": 2}),
            "what_to_bring": Textarea(attrs={"rows": 2}),
            "what_to_bring_en": Textarea(attrs={"rows": 2}),
            "what_to_bring_ja": Textarea(attrs={"rows": 2}),
            "cancellation_rule": forms.RadioSelect,
        }
        # The township's name in the page's language (a plain choice field would show the Chinese name everywhere).
        field_classes = {"township": NamedChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["township"].queryset = Township.objects.with_county()
        # The photo comes before the words that describe it. The image limits and their messages are read when the
        # field is made: now, in the person's language (as the project wizard's photo).
        photo = ImageUploadField(label=_("photo (optional)"), required=False)
        photo.help_text = PHOTO_HELP  # Wagtail's field writes its own (formats and size, in its catalogs' words)
        photo.widget.attrs["accept"] = "image/jpeg,image/png,image/webp,image/gif"
        fields = list(self.fields.items())
        at = [name for name, _field in fields].index("image_alt")
        fields.insert(at, ("image", photo))
        if self.instance.image_id:
            fields.insert(
                at + 1,
                ("remove_image", forms.BooleanField(label=_("Remove the current photo"), required=False)),
            )
            photo.label = _("a new photo (optional)")
            photo.help_text = _("Leave empty to keep the current photo.") + " " + str(photo.help_text)
        self.fields = dict(fields)
        self.fields["image_alt"].help_text = _("For people who cannot see it; needed with a photo.")

    def clean(self):
        data = super().clean()
        keeps_photo = self.instance.image_id and not data.get("remove_image")
        if (data.get("image") or keeps_photo) and not data.get("image_alt"):
            self.add_error("image_alt", _("Describe the photo for people who cannot see it."))
        return data


class SlotForm(forms.Form):
    starts_at = forms.DateTimeField(label=_("starts"), widget=DATETIME_WIDGET)
    ends_at = forms.DateTimeField(label=_("ends"), widget=DATETIME_WIDGET)
    capacity = forms.IntegerField(label=_("places"), min_value=1, max_value=1000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser's picker offers only the moments a slot may take (the action checks them all the same).
        earliest = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
        self.fields["starts_at"].widget.attrs.update(min=earliest, max=latest_slot_start().strftime("%Y-%m-%dT%H:%M"))
        self.fields["ends_at"].widget.attrs.update(min=earliest)


class CapacityForm(forms.Form):
    """A slot's places, in the slot's row of the organiser's table: its ids name the slot, so every row's field and
    error have ids of their own."""

    capacity = forms.IntegerField(
        label=_("places"), min_value=1, max_value=1000, widget=forms.NumberInput(attrs={"class": "capacity-input"})
    )

    def __init__(self, *args, slot_id, **kwargs):
        super().__init__(*args, auto_id=f"capacity-{slot_id}-%s", **kwargs)
        self.slot_id = slot_id


# "Paid" as a price (costs money), not as a payment's state ("paid", already): the context keeps the two apart.
PRICE_CHOICES = [("", _("Any price")), ("free", _("Free")), ("paid", pgettext_lazy("price", "Paid"))]


class FilterForm(forms.Form):
    """The listing's filters: every value is checked against a whitelist, so a bad one is simply ignored."""

    kind = forms.ChoiceField(label=_("kind"), required=False, choices=[("", _("All kinds")), *Experience.Kind.choices])
    township = NamedChoiceField(
        label=_("township"),
        required=False,
        queryset=Township.objects.filter(experiences__is_published=True).distinct().with_county(),
        to_field_name="code",
        empty_label=_("All townships"),
    )
    date = forms.DateField(label=_("from date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    price = forms.ChoiceField(label=_("price"), required=False, choices=PRICE_CHOICES)
    language = forms.ChoiceField(
        label=_("language spoken"), required=False, choices=[("", _("Any language")), *SPOKEN_LANGUAGES]
    )
