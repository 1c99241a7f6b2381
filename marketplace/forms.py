"""Forms of the public marketplace pages. Every rule gives a message on the form; nothing is saved half-way."""

import datetime

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from cms.images import ImageUploadField
from cms.models import Sector, SupportProgramme, SustainableDevelopmentGoal
from core.forms import NamedChoiceField, NamedMultipleChoiceField, NameField, Textarea, TextField, text_formfield
from core.money import parse_amount_twd, parse_goal_amount_twd, parse_investment_amount_twd
from core.numbers import WholeNumberField, normalise_digits
from marketplace.models import (
    MONTHS,
    CompanyProfile,
    DonationCampaign,
    EnterpriseProfile,
    HometownTie,
    Interest,
    ProjectDraft,
    ProjectListing,
    SavedSearch,
    SubscriptionPlan,
)
from places.models import Township


def optional_text_in(language, label, *, rows=None, max_length=None, help_text=""):
    """An optional field for a team's text in another language (`lang` set so the browser spells and sets it
    right); a textarea of `rows` rows when `rows` is given."""
    attrs = {"lang": language}
    widget = forms.TextInput(attrs=attrs) if rows is None else Textarea(attrs={"rows": rows, **attrs})
    return TextField(label=label, max_length=max_length, required=False, help_text=help_text, widget=widget)


class AmountField(forms.CharField):
    """A whole amount of NT$ as a person types it ("1,500", "NT$500"), checked by core.money: within a card
    payment's limits, with investment=True within an investment's (never paid on the platform), with goal=True
    within a donation goal's (the sum of many payments)."""

    def __init__(self, *args, investment=False, goal=False, **kwargs):
        self.investment, self.goal = investment, goal
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "numeric"}))
        super().__init__(*args, **kwargs)

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        if self.goal:
            return parse_goal_amount_twd(value)
        return (parse_investment_amount_twd if self.investment else parse_amount_twd)(value)


def township_field(**kwargs):
    field = forms.ModelChoiceField(queryset=Township.objects.with_county().order_by("code"), **kwargs)
    field.label_from_instance = lambda township: f"{township.county.name} {township.name}"
    return field


class CompanyProfileForm(forms.ModelForm):
    ticket_min_twd = AmountField(label=_("Smallest ticket (NT$)"), required=False, investment=True)
    ticket_max_twd = AmountField(label=_("Largest ticket (NT$)"), required=False, investment=True)

    class Meta:
        formfield_callback = text_formfield
        model = CompanyProfile
        fields = [
            "unified_business_number",
            "size",
            "sectors_of_interest",
            "sdg_focus",
            "ticket_min_twd",
            "ticket_max_twd",
            "csr_contact_name",
            "csr_contact_email",
            "report_language",
            "discoverable",
        ]
        widgets = {
            "sectors_of_interest": forms.CheckboxSelectMultiple,
            "sdg_focus": forms.CheckboxSelectMultiple,
        }
        field_classes = {
            "sectors_of_interest": NamedMultipleChoiceField,
            "sdg_focus": NamedMultipleChoiceField,
        }

    def clean_unified_business_number(self):
        # Stored as ASCII digits whatever keyboard typed them ("０４５９５２５７" is 04595257).
        return normalise_digits(self.cleaned_data["unified_business_number"]).strip()

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("ticket_min_twd"), cleaned.get("ticket_max_twd")
        if low and high and low > high:
            self.add_error("ticket_max_twd", _("The largest ticket must not be smaller than the smallest."))
        return cleaned


class CompanyTieForm(forms.Form):
    # The kinds are written to sit inside a match's reason ("A tie to your township: headquarters, …"): a choice
    # on its own starts with a capital letter.
    kind = forms.ChoiceField(
        label=_("Kind of tie"), choices=[(value, capfirst(label)) for value, label in HometownTie.Kind.choices]
    )
    township = township_field(label=_("Township"))
    employee_count = WholeNumberField(
        label=_("Employees from there"),
        min_value=0,
        max_value=1_000_000,
        required=False,
        help_text=_("Only for employees' home townships."),
    )


class OwnTieForm(forms.Form):
    township = township_field(label=_("Your home township"))
    consent = forms.BooleanField(
        label=_("I agree that my company uses my home township for matching (I can remove it at any time)."),
        required=False,
    )

    def __init__(self, *args, **kwargs):
        # The ties page shows this form under CompanyTieForm, which has a township field too: ids stay unique.
        kwargs.setdefault("auto_id", "id_own_%s")
        super().__init__(*args, **kwargs)


# An introduction, not a document: longer text belongs in a conversation.
INTEREST_MESSAGE_MAX_LENGTH = 2_000


class InterestForm(forms.Form):
    message = TextField(
        label=_("Message to the team"),
        widget=Textarea(attrs={"rows": 3}),
        required=False,
        max_length=INTEREST_MESSAGE_MAX_LENGTH,
    )


class AdvanceForm(forms.Form):
    stage = forms.ChoiceField(label=_("Move to"), choices=Interest.Stage.choices)


class CommitmentForm(forms.Form):
    """One side's proposal of the commitment: the other side confirms it (marketplace.actions.propose_commitment)."""

    amount = AmountField(label=_("Amount committed (NT$)"), investment=True)
    instrument = forms.ChoiceField(label=_("Instrument"), choices=ProjectListing.Instrument.choices)


class SavedSearchForm(forms.ModelForm):
    class Meta:
        formfield_callback = text_formfield
        model = SavedSearch
        fields = ["name", "sectors", "counties", "priority_areas_only", "seeking_investment_only"]
        widgets = {"sectors": forms.CheckboxSelectMultiple, "counties": forms.CheckboxSelectMultiple}
        # Named in the reader's language (their __str__ is the Chinese name).
        field_classes = {"sectors": NamedMultipleChoiceField, "counties": NamedMultipleChoiceField}

    def __init__(self, *args, company=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.company = company

    def clean_name(self):
        # A second click on Save, or the same name twice, would send the same digest section twice.
        name = self.cleaned_data["name"]
        if self.company is not None and self.company.saved_searches.filter(name__iexact=name).exists():
            raise forms.ValidationError(
                _("Your company already has a saved search of that name: choose another name or delete that one."),
                code="duplicate",
            )
        return name


class EnterpriseProfileForm(forms.ModelForm):
    township = township_field(label=_("township"))
    sectors = NamedMultipleChoiceField(
        queryset=Sector.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label=_("sectors")
    )
    sdgs = NamedMultipleChoiceField(
        queryset=SustainableDevelopmentGoal.objects.order_by("number"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("SDGs"),
    )

    website = forms.URLField(label=_("website"), required=False, assume_scheme="https")
    facebook_url = forms.URLField(label=_("Facebook"), required=False, assume_scheme="https")
    instagram_url = forms.URLField(label=_("Instagram"), required=False, assume_scheme="https")
    # The team's own English and Japanese versions of its name and summary (optional), for readers of those pages.
    name_en = optional_text_in(
        "en",
        _("name in English (optional)"),
        max_length=200,
        help_text=_("English and Japanese readers see your name and summary in their language when you give them."),
    )
    summary_en = optional_text_in("en", _("summary in English (optional)"), rows=3)
    name_ja = optional_text_in("ja", _("name in Japanese (optional)"), max_length=200)
    summary_ja = optional_text_in("ja", _("summary in Japanese (optional)"), rows=3)

    class Meta:
        formfield_callback = text_formfield
        model = EnterpriseProfile
        fields = [
            "township",
            "sectors",
            "founded_year",
            "team_size",
            "members_returned_home",
            "summary",
            "name_en",
            "summary_en",
            "name_ja",
            "summary_ja",
            "sdgs",
            "website",
            "facebook_url",
            "instagram_url",
            "registered_charity",
            "charity_registration_number",
        ]

    def clean_founded_year(self):
        year = self.cleaned_data.get("founded_year")
        if year is not None and not 1900 <= year <= timezone.localdate().year:
            raise ValidationError(_("Give a founding year between 1900 and this year."))
        return year

    def clean_team_size(self):
        size = self.cleaned_data.get("team_size")
        if size is not None and size < 1:
            raise ValidationError(_("A team has at least one member."))
        return size


# The languages a team may write its project in besides the site's default (the wizard's optional fields).
TRANSLATION_LANGUAGES = ("en", "ja")


class BasicsForm(forms.Form):
    title = NameField(label=_("title"), max_length=120)
    summary = TextField(label=_("summary"), max_length=400, widget=Textarea(attrs={"rows": 3}))
    sector = NamedChoiceField(queryset=Sector.objects.all(), required=False, label=_("sector"))
    sdgs = NamedMultipleChoiceField(
        queryset=SustainableDevelopmentGoal.objects.order_by("number"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("SDGs"),
    )
    title_en = optional_text_in(
        "en",
        _("title in English (optional)"),
        max_length=120,
        help_text=_(
            "With a title, your English text becomes the project's English page once the moderators approve it."
        ),
    )
    summary_en = optional_text_in("en", _("summary in English (optional)"), rows=2, max_length=400)
    title_ja = optional_text_in(
        "ja",
        _("title in Japanese (optional)"),
        max_length=120,
        help_text=_(
            "With a title, your Japanese text becomes the project's Japanese page once the moderators approve it."
        ),
    )
    summary_ja = optional_text_in("ja", _("summary in Japanese (optional)"), rows=2, max_length=400)

    def clean(self):
        data = super().clean()
        for code in TRANSLATION_LANGUAGES:
            if data.get(f"summary_{code}") and not data.get(f"title_{code}"):
                self.add_error(f"title_{code}", _("Give the title in this language too, or leave its summary empty."))
        return data


# A story is a page of reading, not a book: without a bound one post could put megabytes into a page, its search
# entry and the moderators' queue. Twenty thousand characters is a long magazine feature.
STORY_MAX_LENGTH = 20_000
# What the money is for, and what a plan's backers receive: a few paragraphs.
USE_OF_FUNDS_MAX_LENGTH = 4_000
REWARDS_MAX_LENGTH = 2_000


class StoryForm(forms.Form):
    story = TextField(
        label=_("story"),
        widget=Textarea(attrs={"rows": 12}),
        max_length=STORY_MAX_LENGTH,
        help_text=_("Leave an empty line between paragraphs."),
    )
    story_en = optional_text_in("en", _("story in English (optional)"), rows=6, max_length=STORY_MAX_LENGTH)
    story_ja = optional_text_in("ja", _("story in Japanese (optional)"), rows=6, max_length=STORY_MAX_LENGTH)
    image = ImageUploadField(label=_("photo"), required=False)  # made again for each form: see __init__
    image_description = TextField(
        label=_("describe the photo"),
        max_length=255,
        required=False,
        help_text=_("For people who cannot see it; needed with a photo."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The image limits and their messages are read when the field is made: now, in the person's language.
        self.fields["image"] = ImageUploadField(label=_("photo"), required=False)

    def clean(self):
        data = super().clean()
        if data.get("image") and not data.get("image_description"):
            self.add_error("image_description", _("Describe the photo for people who cannot see it."))
        return data


def latest_donation_deadline():
    """The last day a donation campaign set today may run to (settings.DONATION_CAMPAIGN_MAX_DAYS from today)."""
    return timezone.localdate() + datetime.timedelta(days=settings.DONATION_CAMPAIGN_MAX_DAYS)


class FundingForm(forms.Form):
    """Investment ask, donations and public support programmes (subscription plans are added one by one)."""

    seeks_investment = forms.BooleanField(label=_("We seek investment"), required=False)
    ask_min_twd = AmountField(label=_("investment sought from (NT$)"), required=False, investment=True)
    ask_max_twd = AmountField(label=_("investment sought up to (NT$)"), required=False, investment=True)
    instrument = forms.ChoiceField(
        label=_("instrument"), choices=[("", "—")] + ProjectListing.Instrument.choices, required=False
    )
    stage = forms.ChoiceField(label=_("stage"), choices=[("", "—")] + ProjectListing.Stage.choices, required=False)
    use_of_funds = TextField(
        label=_("use of funds"),
        widget=Textarea(attrs={"rows": 3}),
        required=False,
        max_length=USE_OF_FUNDS_MAX_LENGTH,
    )
    use_of_funds_en = optional_text_in(
        "en", _("use of funds in English (optional)"), rows=2, max_length=USE_OF_FUNDS_MAX_LENGTH
    )
    use_of_funds_ja = optional_text_in(
        "ja", _("use of funds in Japanese (optional)"), rows=2, max_length=USE_OF_FUNDS_MAX_LENGTH
    )
    accepts_donations = forms.BooleanField(label=_("We accept donations"), required=False)
    donation_goal_twd = AmountField(label=_("donation goal (NT$)"), required=False, goal=True)
    donation_deadline = forms.DateField(
        label=_("deadline"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    donation_model = forms.ChoiceField(
        label=_("if the goal is not reached"), choices=DonationCampaign.Model.choices, required=False
    )
    suggested_amounts = TextField(
        label=_("suggested amounts (NT$)"),
        required=False,
        help_text=_("Separate amounts with spaces, e.g. 300 500 1,000."),
    )
    support_programmes = NamedMultipleChoiceField(
        queryset=SupportProgramme.objects.select_related("ministry"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label=_("eligible public support programmes"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The browser's date picker offers only the days a deadline may take (the form checks them all the same).
        # A deadline set before stays as it was under a limit since lowered: only a new one is held to the limit.
        today, kept = timezone.localdate(), self.initial.get("donation_deadline")
        self.latest_deadline = max(latest_donation_deadline(), kept or today)
        self.fields["donation_deadline"].widget.attrs.update(
            min=(today + datetime.timedelta(days=1)).isoformat(), max=self.latest_deadline.isoformat()
        )

    def clean_suggested_amounts(self):
        text = self.cleaned_data.get("suggested_amounts", "")
        amounts = []
        for part in text.replace("、", " ").split():
            try:
                amounts.append(parse_amount_twd(part))
            except ValidationError as error:
                raise ValidationError(
                    _("“%(amount)s”: %(problem)s") % {"amount": part, "problem": " ".join(error.messages)}
                ) from error
        return sorted(set(amounts))

    def clean(self):
        data = super().clean()
        if data.get("seeks_investment"):
            low, high = data.get("ask_min_twd"), data.get("ask_max_twd")
            if not self.has_error("ask_min_twd") and low is None:
                self.add_error("ask_min_twd", _("Give the smallest investment you seek."))
            if not self.has_error("ask_max_twd") and high is None:
                self.add_error("ask_max_twd", _("Give the largest investment you seek."))
            if low is not None and high is not None and low > high:
                self.add_error("ask_max_twd", _("The upper end must not be below the lower end."))
            if not data.get("instrument"):
                self.add_error("instrument", _("Choose the instrument offered to investors."))
        if data.get("accepts_donations"):
            if not self.has_error("donation_goal_twd") and data.get("donation_goal_twd") is None:
                self.add_error("donation_goal_twd", _("Give the donation goal."))
            deadline = data.get("donation_deadline")
            if not self.has_error("donation_deadline"):
                if deadline is None:
                    self.add_error("donation_deadline", _("Give the last day donations are accepted."))
                elif deadline <= timezone.localdate():
                    self.add_error("donation_deadline", _("The deadline must be a day in the future."))
                elif deadline > self.latest_deadline:
                    self.add_error(
                        "donation_deadline",
                        _("A donation campaign runs for at most %(days)s days: give a deadline on or before %(date)s.")
                        % {
                            "days": settings.DONATION_CAMPAIGN_MAX_DAYS,
                            "date": formats.date_format(latest_donation_deadline()),
                        },
                    )
            if not data.get("donation_model"):
                self.add_error("donation_model", _("Choose what happens if the goal is not reached."))
        return data

    def draft_fields(self):
        data = self.cleaned_data
        seeks = data["seeks_investment"]
        return {
            "seeks_investment": seeks,
            "ask_min_twd": data["ask_min_twd"] if seeks else None,
            "ask_max_twd": data["ask_max_twd"] if seeks else None,
            "instrument": data["instrument"] if seeks else "",
            "stage": data["stage"],
            "use_of_funds": data["use_of_funds"] if seeks else "",
            "use_of_funds_en": data["use_of_funds_en"] if seeks else "",
            "use_of_funds_ja": data["use_of_funds_ja"] if seeks else "",
        }

    def campaign_fields(self):
        data = self.cleaned_data
        if not data["accepts_donations"]:
            return None
        return {
            "goal_twd": data["donation_goal_twd"],
            "deadline": data["donation_deadline"],
            "funding_model": data["donation_model"],
            "suggested_amounts_twd": data["suggested_amounts"],
        }

    @classmethod
    def initial_for(cls, draft):
        initial = {name: getattr(draft, name) for name in ProjectDraft.INVESTMENT_TERMS}
        initial["support_programmes"] = list(draft.support_programmes.all())
        campaign = DonationCampaign.objects.filter(draft=draft).first()
        if campaign is not None:
            initial.update(
                accepts_donations=True,
                donation_goal_twd=campaign.goal_twd,
                donation_deadline=campaign.deadline,
                donation_model=campaign.funding_model,
                suggested_amounts=" ".join(str(amount) for amount in campaign.suggested_amounts_twd),
            )
        return initial


class SubscriptionPlanForm(forms.Form):
    name = NameField(label=_("plan name"), max_length=120)
    price_twd = AmountField(label=_("price (NT$)"))
    interval = forms.ChoiceField(label=_("billed"), choices=SubscriptionPlan.Interval.choices)
    rewards = TextField(
        label=_("what backers receive"), widget=Textarea(attrs={"rows": 2}), max_length=REWARDS_MAX_LENGTH
    )
    name_en = optional_text_in("en", _("plan name in English (optional)"), max_length=120)
    rewards_en = optional_text_in(
        "en", _("what backers receive, in English (optional)"), rows=2, max_length=REWARDS_MAX_LENGTH
    )
    name_ja = optional_text_in("ja", _("plan name in Japanese (optional)"), max_length=120)
    rewards_ja = optional_text_in(
        "ja", _("what backers receive, in Japanese (optional)"), rows=2, max_length=REWARDS_MAX_LENGTH
    )
    max_backers = WholeNumberField(label=_("most backers (optional)"), required=False, min_value=1, max_value=1_000_000)
    seasonal = forms.BooleanField(label=_("Ships only in some months"), required=False)
    season_months = forms.TypedMultipleChoiceField(
        label=_("months it ships"), choices=MONTHS, coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    ships_goods = forms.BooleanField(label=_("Ships goods to backers (they give a delivery address)"), required=False)
    ships_overseas = forms.BooleanField(label=_("Also ships outside Taiwan"), required=False)
    ship_day = WholeNumberField(
        label=_("day of the month it ships"),
        required=False,
        min_value=1,
        max_value=28,
        help_text=_("1 to 28; backers can change their address until a few days before. Empty: the 15th."),
    )

    def clean(self):
        data = super().clean()
        if data.get("ships_overseas") and not data.get("ships_goods"):
            data["ships_overseas"] = False
        if data.get("seasonal") and not data.get("season_months"):
            self.add_error(
                "season_months", _("Choose the months the plan ships, or untick “Ships only in some months”.")
            )
        if not data.get("seasonal"):
            data["season_months"] = []
        return data

    def plan_fields(self):
        data = self.cleaned_data
        return {
            "name": data["name"],
            "price_twd": data["price_twd"],
            "interval": data["interval"],
            "rewards": data["rewards"],
            **{name: data.get(name, "") for name in ("name_en", "rewards_en", "name_ja", "rewards_ja")},
            "max_backers": data["max_backers"],
            "season_months": sorted(data["season_months"]),
            "ships_goods": bool(data.get("ships_goods")),
            "ships_overseas": bool(data.get("ships_overseas")),
            "ship_day": data.get("ship_day") or 15,
        }


# A milestone is a step of the project's plan: within the years a team plans ahead, and (when it marks a step already
# taken) not before the enterprise was founded, or this many years back when the profile gives no founding year.
MILESTONE_YEARS_AHEAD = 10
MILESTONE_YEARS_BACK = 10


def _years_from(day, years):
    """`day` moved by whole years (29 February becomes 28 February in a year without it)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


class MilestoneForm(forms.Form):
    title = NameField(label=_("milestone"), max_length=160)
    target_date = forms.DateField(
        label=_("target date"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, enterprise=None, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        founded = getattr(enterprise, "founded_year", None)
        self.earliest = datetime.date(founded, 1, 1) if founded else _years_from(today, -MILESTONE_YEARS_BACK)
        self.latest = _years_from(today, MILESTONE_YEARS_AHEAD)
        self.fields["target_date"].widget.attrs.update(min=self.earliest.isoformat(), max=self.latest.isoformat())

    def clean_target_date(self):
        day = self.cleaned_data.get("target_date")
        if day is not None and not self.earliest <= day <= self.latest:
            raise ValidationError(
                _("Give a target date between %(earliest)s and %(latest)s.")
                % {"earliest": formats.date_format(self.earliest), "latest": formats.date_format(self.latest)}
            )
        return day


class ProjectUpdateForm(forms.Form):
    title = NameField(label=_("title"), max_length=200)
    body = TextField(label=_("text"), widget=Textarea(attrs={"rows": 6}), max_length=5000)


class QuestionForm(forms.Form):
    text = TextField(
        label=_("Your question"),
        widget=Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Write your question first.")},
    )


class AnswerForm(forms.Form):
    text = TextField(
        label=_("Answer"),
        widget=Textarea(attrs={"rows": 3}),
        max_length=4000,
        error_messages={"required": _("Write an answer first.")},
    )


class AbuseReportForm(forms.Form):
    reason = TextField(
        label=_("Reason for the report"),
        widget=Textarea(attrs={"rows": 3}),
        max_length=2000,
        error_messages={"required": _("Say what is wrong, so the moderators can judge.")},
    )


WIZARD_STEPS = [
    (ProjectDraft.Step.BASICS, BasicsForm),
    (ProjectDraft.Step.STORY, StoryForm),
    (ProjectDraft.Step.FUNDING, FundingForm),
    (ProjectDraft.Step.MILESTONES, None),
    (ProjectDraft.Step.PREVIEW, None),
]
