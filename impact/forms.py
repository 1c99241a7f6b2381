import re
from html import escape

from django import forms
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from impact.measures import FUNDING_TYPES, MEASURES, ImpactFilters

FIRST_YEAR = 2024  # the platform's first year: nothing can be dated before it
TOWN_CODE = re.compile(r"^\d{8}$")
# A chosen list of townships (the company report's link) is at most this long. Every list is a separate set of
# figures to compute, so it is bounded, and such figures are not kept in the shared cache (impact.service).
MAX_TOWNSHIPS = 50


FIGURE_PREFIX = "figure:"  # a measure "figure:<indicator code>" colours the map by an imported official figure


def _measure_choices():
    from datahub.queries import map_indicators

    return list(MEASURES.items()) + [
        (f"{FIGURE_PREFIX}{indicator.code}", indicator.name) for indicator in map_indicators()
    ]


def _year_choices():
    return [("", _("All years"))] + [(str(year), str(year)) for year in range(timezone.now().year, FIRST_YEAR - 1, -1)]


def _county_choices():
    from places.models import County

    return [("", _("All of Taiwan"))] + [(county.code, county.name) for county in County.objects.all()]


def _sector_choices():
    from cms.models import Sector

    return [("", _("All sectors"))] + [(sector.slug, sector.name) for sector in Sector.objects.all()]


def _sdg_choices():
    from cms.models import SustainableDevelopmentGoal

    return [("", _("All SDGs"))] + [
        (str(goal.number), f"SDG {goal.number} {goal.name}") for goal in SustainableDevelopmentGoal.objects.all()
    ]


def _attributes(attrs):
    """Django's widgets/attrs.html in Python: False omitted, True as a bare name, every value escaped."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuickSelect(forms.Select):
    """A <select> with the markup of Django's select.html, built in Python: the template renders an include per
    option, which made the page's five lists cost more than its figures. No option groups (none here)."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = "".join(
            f'\n  <option value="{escape(str(option["value"]))}"{_attributes(option["attrs"])}>'
            f"{escape(str(option['label']))}</option>"
            for _group, group_choices, _index in widget["optgroups"]
            for option in group_choices
        )
        return mark_safe(  # noqa: S308 (every value escaped above)
            f'<select name="{escape(widget["name"])}"{_attributes(widget["attrs"])}>{options}\n</select>'
        )


class ImpactFilterForm(forms.Form):
    """The impact page's choices (GET). Every value is whitelisted; anything else re-renders with a message."""

    measure = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Colour the map by"),
        choices=_measure_choices,
        initial=next(iter(MEASURES)),
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not a measure this map can show.")},
    )
    county = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Area"),
        choices=_county_choices,
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not a county code.")},
    )
    year = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Year"),
        choices=_year_choices,
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not a year with figures.")},
    )
    sector = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Sector"),
        choices=_sector_choices,
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not a sector.")},
    )
    sdg = forms.ChoiceField(
        widget=QuickSelect,
        label=_("SDG"),
        choices=_sdg_choices,
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not a Sustainable Development Goal.")},
    )
    funding_type = forms.ChoiceField(
        widget=QuickSelect,
        label=_("Funding type"),
        choices=[("", _("All funding types"))] + list(FUNDING_TYPES.items()),
        required=False,
        error_messages={"invalid_choice": _("“%(value)s” is not a funding type.")},
    )
    # Only these townships (the corporate impact report's link); not shown as a field, kept as hidden inputs.
    town = forms.CharField(required=False, widget=forms.MultipleHiddenInput)

    def __init__(self, data=None, *args, **kwargs):
        self.town_codes = ()
        if data is not None:
            # Normalised: trimmed, each once, in code order (the same choice is the same query, whatever the order).
            codes = data.getlist("town") if hasattr(data, "getlist") else ()
            self.town_codes = tuple(sorted({code.strip() for code in codes if code.strip()}))
        super().__init__(data, *args, **kwargs)

    def clean_measure(self):
        return self.cleaned_data["measure"] or next(iter(MEASURES))

    def clean_county(self):
        return self.cleaned_data["county"] or None

    def clean_town(self):
        codes = self.town_codes
        if len(codes) > MAX_TOWNSHIPS:
            raise forms.ValidationError(
                _("Choose at most %(limit)s townships (%(count)s were chosen).")
                % {"limit": MAX_TOWNSHIPS, "count": len(codes)}
            )
        if any(not TOWN_CODE.match(code) for code in codes):
            raise forms.ValidationError(_("The list of townships is not a list of 8-digit town codes."))
        if codes:
            from places.models import Township

            known = set(Township.objects.filter(code__in=codes).values_list("code", flat=True))
            unknown = [code for code in codes if code not in known]
            if unknown:
                raise forms.ValidationError(_("Unknown town codes: %(codes)s.") % {"codes": ", ".join(unknown[:5])})
        return codes

    def filters(self):
        """ImpactFilters from the cleaned data (an unbound form: no filter)."""
        if not self.is_bound:
            return ImpactFilters()
        data = self.cleaned_data
        sector_id = None
        if data.get("sector"):
            from cms.models import Sector

            sector_id = Sector.objects.values_list("pk", flat=True).get(slug=data["sector"])
        return ImpactFilters(
            year=int(data["year"]) if data.get("year") else None,
            sector_id=sector_id,
            sdg_number=int(data["sdg"]) if data.get("sdg") else None,
            funding_type=data.get("funding_type") or None,
            township_codes=tuple(data.get("town") or ()),
        )

    def chosen_measure(self):
        return self.cleaned_data["measure"] if self.is_bound else next(iter(MEASURES))

    def chosen_indicator(self):
        """The imported indicator chosen as the map's layer (None for the platform's own measures)."""
        measure = self.chosen_measure()
        if not measure.startswith(FIGURE_PREFIX):
            return None
        from datahub.models import Indicator

        return Indicator.objects.get(code=measure.removeprefix(FIGURE_PREFIX))

    def chosen_county(self):
        return self.cleaned_data["county"] if self.is_bound else None
