"""Forms of the plan pages: start, edit (text, funding table, milestones), and the review steps."""

from django import forms
from django.conf import settings
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from wagtail.models import Locale

from accounts.models import Organisation
from cms.models import ProjectPage, Sector, SupportProgramme
from core.dates import bound_date_picker, years_from
from core.forms import (
    NamedChoiceField,
    NamedMultipleChoiceField,
    NameField,
    Textarea,
    TextField,
    name_in_active_language,
)
from core.money import WholeAmountField
from places.models import County
from plans.models import FundingSource, Section, Stage, earliest_meeting_day, meeting_too_long_ago_message

# An amount in a plan is at most NT$1 trillion (more than any county's budget): far below what the database holds,
# where twenty typed digits made the save answer 500. The message says the same number.
MAX_PLAN_TWD = 1_000_000_000_000


def plan_amount_field(label, **kwargs):
    """A whole NT$ amount, typed on any keyboard (full-width digits too: see core.numbers), its thousands grouped by
    commas or not."""
    return WholeAmountField(
        label=label,
        grouping=True,
        min_value=0,
        max_value=MAX_PLAN_TWD,
        error_messages={"max_value": _("Enter at most NT$1,000,000,000,000.")},
        **kwargs,
    )


class PlanFilterForm(forms.Form):
    stage = forms.ChoiceField(label=_("Stage"), required=False, choices=[("", _("All stages"))] + Stage.choices[1:])
    county = forms.ChoiceField(label=_("County or city"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["county"].choices = [("", _("All counties"))] + [
            (county.code, county.name) for county in County.objects.order_by("code")
        ]


class StaffPlanFilterForm(PlanFilterForm):
    """The staff dashboard's filters: drafts too."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["stage"].choices = [("", _("All stages"))] + Stage.choices


class PlanStartForm(forms.Form):
    office = forms.ModelChoiceField(label=_("Township office"), queryset=Organisation.objects.none())
    title = NameField(label=_("Title"), max_length=160)

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices
        if len(offices) == 1:
            self.fields["office"].initial = offices[0].pk


class PlanForm(forms.Form):
    title = NameField(label=_("Title"), max_length=160)
    vision = forms.CharField(label=_("Vision"), required=False, widget=Textarea(attrs={"rows": 4}))
    local_dna = forms.CharField(
        label=_("Local DNA"),
        required=False,
        widget=Textarea(attrs={"rows": 4}),
        help_text=_("What is special about the township: people, land, crafts, produce."),
    )
    sectors = NamedMultipleChoiceField(
        label=_("Target industries"), required=False, queryset=Sector.objects.all(), widget=forms.CheckboxSelectMultiple
    )
    projects = forms.ModelMultipleChoiceField(
        label=_("Projects included"),
        required=False,
        queryset=ProjectPage.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Homeward projects in the county, with their teams."),
    )
    total_twd = plan_amount_field(_("Total planned (NT$)"), initial=0)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["projects"].queryset = (
            ProjectPage.objects.live()
            .filter(locale=Locale.get_default(), township__county_id=plan.township.county_id)
            .order_by("title")
        )


class PlanTranslationsForm(forms.Form):
    """The title, vision and local DNA in English and Japanese (optional): readers of those languages see them,
    others the Chinese original."""

    title_en = forms.CharField(label=_("Title in English"), max_length=160, required=False)
    vision_en = forms.CharField(label=_("Vision in English"), required=False, widget=Textarea(attrs={"rows": 3}))
    local_dna_en = forms.CharField(label=_("Local DNA in English"), required=False, widget=Textarea(attrs={"rows": 3}))
    title_ja = forms.CharField(label=_("Title in Japanese"), max_length=160, required=False)
    vision_ja = forms.CharField(
        label=_("Vision in Japanese"), required=False, widget=Textarea(attrs={"rows": 3, "lang": "ja"})
    )
    local_dna_ja = forms.CharField(
        label=_("Local DNA in Japanese"), required=False, widget=Textarea(attrs={"rows": 3, "lang": "ja"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("title_en", "vision_en", "local_dna_en"):
            self.fields[name].widget.attrs["lang"] = "en"
        self.fields["title_ja"].widget.attrs["lang"] = "ja"


class FundingLineForm(forms.Form):
    # An empty first choice: a blank line the page offers (the formset's extra forms) stays unchanged, so it is
    # skipped instead of refused for its missing amount.
    source = forms.ChoiceField(label=_("Source"), choices=[("", _("Choose…")), *FundingSource.choices])
    programme = NamedChoiceField(
        label=_("Ministry programme"), required=False, queryset=SupportProgramme.objects.select_related("ministry")
    )
    company = forms.ModelChoiceField(
        label=_("Company"), required=False, queryset=Organisation.objects.filter(kind=Organisation.Kind.COMPANY)
    )
    planned_twd = plan_amount_field(_("Planned (NT$)"))
    note = forms.CharField(label=_("Note"), required=False, max_length=200)


class MilestoneForm(forms.Form):
    title = NameField(label=_("Milestone"), max_length=160)
    due = forms.DateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    done = forms.BooleanField(label=_("Done"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        years = settings.PLAN_MILESTONE_MAX_YEARS
        self.earliest, self.latest = years_from(today, -years), years_from(today, years)
        # A date the plan already holds stays as it was under a limit since lowered: only a new one is held to it.
        self.kept_due = self.initial.get("due")
        if self.kept_due:
            self.earliest, self.latest = min(self.earliest, self.kept_due), max(self.latest, self.kept_due)
        bound_date_picker(self.fields["due"], self.earliest, self.latest)

    def clean_due(self):
        due = self.cleaned_data["due"]
        if not self.earliest <= due <= self.latest:
            raise forms.ValidationError(
                _("A milestone is due within %(years)s years of today: give a day between %(earliest)s and %(latest)s.")
                % {
                    "years": settings.PLAN_MILESTONE_MAX_YEARS,
                    "earliest": formats.date_format(self.earliest),
                    "latest": formats.date_format(self.latest),
                }
            )
        return due

    def clean(self):
        data = super().clean()
        due = data.get("due")
        # A milestone still to reach cannot be set in the past; one already overdue in the plan may stay as it is.
        if due and not data.get("done") and due < timezone.localdate() and due != self.kept_due:
            self.add_error(
                "due", _("A milestone not yet done cannot be due in the past: tick “Done” or give a later day.")
            )
        return data


FundingFormSet = forms.formset_factory(FundingLineForm, extra=2, can_delete=True)
MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=2, can_delete=True)


def kept_rows(formset):
    return [form.cleaned_data for form in formset.forms if form.cleaned_data and not form.cleaned_data.get("DELETE")]


class CommentForm(forms.Form):
    comment = TextField(label=_("Comment"), required=False, widget=Textarea(attrs={"rows": 3}))


REVISION_ROWS = 3


class MeetingForm(forms.Form):
    held_on = forms.DateField(label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))
    attendees = forms.CharField(label=_("Attendees"), widget=Textarea(attrs={"rows": 2}))
    minutes = forms.CharField(label=_("Minutes"), widget=Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["held_on"].initial = today
        bound_date_picker(self.fields["held_on"], earliest_meeting_day(today), today)
        for index in range(REVISION_ROWS):
            self.fields[f"section_{index}"] = forms.ChoiceField(
                label=_("Section"), required=False, choices=[("", "—")] + Section.choices
            )
            self.fields[f"request_{index}"] = forms.CharField(
                label=_("Revision request"), required=False, widget=Textarea(attrs={"rows": 2})
            )

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        if held_on > timezone.localdate():
            raise forms.ValidationError(_("Record a meeting once it has been held: its date cannot be in the future."))
        if held_on < earliest_meeting_day():
            raise forms.ValidationError(meeting_too_long_ago_message())
        return held_on

    def meeting_fields(self):
        return [self["held_on"], self["attendees"], self["minutes"]]

    def revision_rows(self):
        return [(self[f"section_{index}"], self[f"request_{index}"]) for index in range(REVISION_ROWS)]

    def revisions(self):
        return [
            (self.cleaned_data[f"section_{index}"], self.cleaned_data[f"request_{index}"])
            for index in range(REVISION_ROWS)
            if self.cleaned_data[f"request_{index}"].strip()
        ]


class MatchForm(forms.Form):
    def __init__(self, *args, lines, **kwargs):
        super().__init__(*args, **kwargs)
        for line in lines:
            label = line.get_source_display()
            name = ""
            if line.programme:
                name = name_in_active_language(line.programme)
            elif line.company:
                name = line.company.name
            self.fields[f"line_{line.pk}"] = plan_amount_field(f"{label} {name}".strip(), initial=line.planned_twd)

    def confirmed(self):
        return {int(key.removeprefix("line_")): value for key, value in self.cleaned_data.items()}


class ReportForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    summary = forms.CharField(label=_("What the year brought"), widget=Textarea(attrs={"rows": 4}))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["year"].initial = timezone.localdate().year
