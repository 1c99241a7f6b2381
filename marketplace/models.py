"""Marketplace models: enterprise and company profiles and the marketplace side of a project.

Organisations, members and roles live in accounts; a profile adds what the
marketplace needs to one organisation. A project's public page is a
cms.ProjectPage; its ProjectListing holds who runs it and how it can be backed.
The money of a project (backings, the ledger) is the payments app's, which reads the listings, plans and
campaigns defined here; marketplace asks payments only through marketplace/providers.py.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.validators import validate_unified_business_number


class InReaderLanguage:
    """Texts a team wrote with optional English and Japanese versions (`<field>_en`, `<field>_ja`): each shown
    in the reader's language when the team wrote it, the original (in the site's default language) otherwise."""

    def in_reader_language(self, field):
        """(text, HTML lang) of a field in the reader's language."""
        from django.utils.translation import get_language

        from core.languages import html_lang

        language = (get_language() or "").lower()[:2]
        if language in ("en", "ja") and getattr(self, f"{field}_{language}", ""):
            return getattr(self, f"{field}_{language}"), html_lang(language)
        return getattr(self, field), html_lang(settings.LANGUAGE_CODE)

    def versions(self, field):
        """{language: text} of a field in each language the team wrote it in, the original first: what a notification
        keeps (notifications' `Message.named`) to show it in the language it is read in later."""
        texts = {settings.LANGUAGE_CODE: getattr(self, field)}
        texts.update({code: getattr(self, f"{field}_{code}", "") for code in ("en", "ja")})
        return {language: text for language, text in texts.items() if text}


class EnterpriseProfile(InReaderLanguage, models.Model):
    wagtail_reference_index_ignore = True  # not content: no reference-index task per save (see core.AuditEntry)

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="enterprise_profile",
        limit_choices_to={"kind": "enterprise"},
        verbose_name=_("organisation"),
    )
    township = models.ForeignKey(
        "places.Township", on_delete=models.PROTECT, related_name="enterprises", verbose_name=_("township")
    )
    sectors = models.ManyToManyField("cms.Sector", blank=True, related_name="enterprises", verbose_name=_("sectors"))
    sdgs = models.ManyToManyField(
        "cms.SustainableDevelopmentGoal", blank=True, related_name="+", verbose_name=_("SDGs")
    )
    founded_year = models.PositiveSmallIntegerField(_("founding year"), null=True, blank=True)
    team_size = models.PositiveSmallIntegerField(_("team members"), default=1)
    members_returned_home = models.PositiveSmallIntegerField(
        _("members who returned home"), default=0, help_text=_("How many of the team moved back to the township.")
    )
    summary = models.TextField(_("summary"), blank=True)
    # The team's own translations (optional) of its name and summary, shown to English and Japanese readers.
    name_en = models.CharField(_("name in English"), max_length=200, blank=True)
    summary_en = models.TextField(_("summary in English"), blank=True)
    name_ja = models.CharField(_("name in Japanese"), max_length=200, blank=True)
    summary_ja = models.TextField(_("summary in Japanese"), blank=True)
    website = models.URLField(_("website"), blank=True)
    facebook_url = models.URLField(_("Facebook"), blank=True)
    instagram_url = models.URLField(_("Instagram"), blank=True)
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("verified by"),
    )
    # A donation receipt implies a tax claim only for a registered charity (a foundation or association registered
    # with its competent authority); for any other team it says that no tax claim is implied (payments.receipts).
    registered_charity = models.BooleanField(
        _("registered charity"),
        default=False,
        help_text=_("A foundation or association registered with its competent authority to receive donations."),
    )
    charity_registration_number = models.CharField(
        _("charity registration number"),
        max_length=100,
        blank=True,
        help_text=_("As on the registration certificate, e.g. the authority's permit number."),
    )

    class Meta:
        verbose_name = _("enterprise profile")
        verbose_name_plural = _("enterprise profiles")

    def __str__(self):
        return self.organisation.name

    @property
    def is_verified(self):
        return self.verified_at is not None

    # The organisation's name is the original; name_en and name_ja are the team's translations of it.
    name = property(lambda self: self.organisation.name)

    @property
    def shown_name(self):
        return self.in_reader_language("name")[0]

    @property
    def shown_name_lang(self):
        """The HTML lang of shown_name."""
        return self.in_reader_language("name")[1]

    @property
    def shown_summary(self):
        return self.in_reader_language("summary")[0]

    @property
    def shown_summary_lang(self):
        """The HTML lang of shown_summary."""
        return self.in_reader_language("summary")[1]

    def clean(self):
        if self.registered_charity and not self.charity_registration_number.strip():
            raise ValidationError(
                {"charity_registration_number": _("A registered charity gives its registration number.")}
            )
        if self.members_returned_home > self.team_size:
            raise ValidationError(
                {"members_returned_home": _("More members returned home than the team has; check both numbers.")}
            )


class CompanyProfile(models.Model):
    class Size(models.TextChoices):
        MICRO = "micro", _("Fewer than 10 employees")
        SMALL = "small", _("10–49 employees")
        MEDIUM = "medium", _("50–249 employees")
        LARGE = "large", _("250 employees or more")

    organisation = models.OneToOneField(
        "accounts.Organisation",
        on_delete=models.CASCADE,
        related_name="company_profile",
        limit_choices_to={"kind": "company"},
        verbose_name=_("organisation"),
    )
    unified_business_number = models.CharField(
        _("unified business number (統一編號)"),
        max_length=8,
        unique=True,
        validators=[validate_unified_business_number],
    )
    size = models.CharField(_("size"), max_length=10, choices=Size.choices)
    sectors_of_interest = models.ManyToManyField(
        "cms.Sector", blank=True, related_name="interested_companies", verbose_name=_("sectors of interest")
    )
    sdg_focus = models.ManyToManyField(
        "cms.SustainableDevelopmentGoal", blank=True, related_name="+", verbose_name=_("SDG focus")
    )
    ticket_min_twd = models.PositiveBigIntegerField(_("smallest ticket (NT$)"), null=True, blank=True)
    ticket_max_twd = models.PositiveBigIntegerField(_("largest ticket (NT$)"), null=True, blank=True)
    csr_contact_name = models.CharField(_("CSR/ESG contact"), max_length=80, blank=True)
    csr_contact_email = models.EmailField(_("CSR/ESG contact email"), blank=True)
    report_language = models.CharField(
        _("language of the impact report"),
        max_length=10,
        choices=settings.LANGUAGES,
        default="zh-hant",
        help_text=_("The language the yearly evidence report (PDF and CSV) is written in."),
    )
    discoverable = models.BooleanField(
        _("discoverable by enterprises"),
        default=False,
        help_text=_("Let local teams whose projects fit you see your company and its interests."),
    )

    class Meta:
        verbose_name = _("company profile")
        verbose_name_plural = _("company profiles")

    def __str__(self):
        return self.organisation.name

    def clean(self):
        if self.ticket_min_twd and self.ticket_max_twd and self.ticket_min_twd > self.ticket_max_twd:
            raise ValidationError({"ticket_max_twd": _("The largest ticket must not be smaller than the smallest.")})


class ProjectListing(InReaderLanguage, models.Model):
    """The marketplace side of a project page: who runs it, and the investment it asks for."""

    class Instrument(models.TextChoices):
        EQUITY = "equity", _("Equity")
        CONVERTIBLE_NOTE = "convertible_note", _("Convertible note")
        LOAN = "loan", _("Loan")
        REVENUE_SHARE = "revenue_share", _("Revenue share")
        IN_KIND = "in_kind", _("In kind")

    class Stage(models.TextChoices):
        IDEA = "idea", _("Idea")
        PROTOTYPE = "prototype", _("Prototype")
        EARLY_REVENUE = "early_revenue", _("Early revenue")
        GROWTH = "growth", _("Growth")

    project = models.OneToOneField(
        "cms.ProjectPage", on_delete=models.CASCADE, related_name="listing", verbose_name=_("project page")
    )
    enterprise = models.ForeignKey(
        EnterpriseProfile, on_delete=models.PROTECT, related_name="listings", verbose_name=_("enterprise")
    )
    seeks_investment = models.BooleanField(_("seeks investment"), default=False)
    ask_min_twd = models.PositiveBigIntegerField(_("investment sought from (NT$)"), null=True, blank=True)
    ask_max_twd = models.PositiveBigIntegerField(_("investment sought up to (NT$)"), null=True, blank=True)
    instrument = models.CharField(_("instrument"), max_length=20, choices=Instrument.choices, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, blank=True)
    use_of_funds = models.TextField(_("use of funds"), blank=True)
    # The team's own translations (optional), shown to English and Japanese readers of the investment ask.
    use_of_funds_en = models.TextField(_("use of funds in English"), blank=True)
    use_of_funds_ja = models.TextField(_("use of funds in Japanese"), blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("project listing")
        verbose_name_plural = _("project listings")

    def __str__(self):
        return self.project.title

    def clean(self):
        if not self.seeks_investment:
            return
        errors = {}
        if not self.ask_min_twd or not self.ask_max_twd:
            errors["ask_max_twd"] = _("Give the range of investment sought, from and up to.")
        elif self.ask_min_twd > self.ask_max_twd:
            errors["ask_max_twd"] = _("The upper end must not be below the lower end.")
        if not self.instrument:
            errors["instrument"] = _("Choose the instrument offered to investors.")
        if errors:
            raise ValidationError(errors)


class HometownTie(models.Model):
    """A company's tie to a township: where it is based, where it works, where its people come from.

    Ties of kind EMPLOYEE may be added by an employee (a member of the company) for themselves: `member`
    is set, `consented_at` records when they agreed, and they may remove it at any time.
    """

    class Kind(models.TextChoices):
        HEADQUARTERS = "headquarters", _("Headquarters")
        PLANT = "plant", _("Plant or branch")
        FOUNDER = "founder", _("Founder's home township")
        EMPLOYEES = "employees", _("Employees' home township")

    company = models.ForeignKey(
        CompanyProfile, on_delete=models.CASCADE, related_name="ties", verbose_name=_("company")
    )
    kind = models.CharField(_("kind of tie"), max_length=20, choices=Kind.choices)
    township = models.ForeignKey(
        "places.Township", on_delete=models.PROTECT, related_name="company_ties", verbose_name=_("township")
    )
    employee_count = models.PositiveIntegerField(
        _("employees"), default=0, help_text=_("For employees' home townships: how many come from there.")
    )
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="hometown_ties",
        verbose_name=_("employee who added it"),
    )
    consented_at = models.DateTimeField(_("consent given at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["kind", "township__code"]
        verbose_name = _("hometown tie")
        verbose_name_plural = _("hometown ties")
        constraints = [
            models.UniqueConstraint(
                fields=["company", "member"],
                condition=models.Q(member__isnull=False),
                name="one_own_tie_per_member",
            )
        ]

    def __str__(self):
        return f"{self.company} · {self.get_kind_display()} · {self.township}"


class Interest(models.Model):
    """A company's interest in a project, and how far it has gone since."""

    wagtail_reference_index_ignore = True  # not content: no reference-index task per save (see core.AuditEntry)

    class Stage(models.TextChoices):
        EXPRESSED = "expressed", _("Interest expressed")
        ACCEPTED = "accepted", _("Accepted by the team")
        DECLINED = "declined", _("Declined by the team")
        INTRODUCED = "introduced", _("Introduced")
        DUE_DILIGENCE = "due_diligence", _("Due diligence")
        TERM_SHEET = "term_sheet", _("Term sheet")
        COMMITTED = "committed", _("Committed")
        CLOSED = "closed", _("Closed")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    class Side(models.TextChoices):
        TEAM = "team", _("The project's team")
        COMPANY = "company", _("The company")

    company = models.ForeignKey(
        CompanyProfile, on_delete=models.CASCADE, related_name="interests", verbose_name=_("company")
    )
    project = models.ForeignKey(
        "cms.ProjectPage", on_delete=models.CASCADE, related_name="interests", verbose_name=_("project")
    )
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.EXPRESSED)
    message = models.TextField(_("message to the team"), blank=True)
    committed_amount_twd = models.PositiveBigIntegerField(_("amount committed (NT$)"), null=True, blank=True)
    committed_instrument = models.CharField(
        _("instrument"), max_length=20, choices=ProjectListing.Instrument.choices, blank=True
    )
    # A commitment both sides confirm (marketplace.actions.interests): one side proposes the amount and instrument
    # above, the other confirms; only confirmed commitments count (marketplace.queries.confirmed_commitments).
    commitment_proposed_by_side = models.CharField(
        _("commitment proposed by"), max_length=10, choices=Side.choices, blank=True
    )
    commitment_proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("commitment proposer"),
    )
    commitment_proposed_at = models.DateTimeField(_("commitment proposed at"), null=True, blank=True)
    commitment_confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("commitment confirmer"),
    )
    commitment_confirmed_at = models.DateTimeField(_("commitment confirmed at"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated"]
        verbose_name = _("interest")
        verbose_name_plural = _("interests")
        constraints = [models.UniqueConstraint(fields=["company", "project"], name="one_interest_per_project")]

    def __str__(self):
        return f"{self.company} → {self.project}"

    @property
    def commitment_confirmed(self):
        return self.commitment_confirmed_at is not None

    @property
    def commitment_awaits_confirmation(self):
        return bool(self.commitment_proposed_by_side) and self.commitment_confirmed_at is None


class InterestEvent(models.Model):
    """One change of an interest's stage: who, when, from what to what."""

    interest = models.ForeignKey(Interest, on_delete=models.CASCADE, related_name="events", verbose_name=_("interest"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    from_stage = models.CharField(_("from"), max_length=20, choices=Interest.Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Interest.Stage.choices)
    at = models.DateTimeField(_("at"), auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("interest event")
        verbose_name_plural = _("interest events")

    def __str__(self):
        return f"{self.interest}: {self.from_stage} → {self.to_stage}"


class SavedSearch(models.Model):
    """A company's standing criteria for new projects; the weekly digest emails what matches them.

    A project matches when it fits every criterion given (an empty criterion matches every project).
    """

    company = models.ForeignKey(
        CompanyProfile, on_delete=models.CASCADE, related_name="saved_searches", verbose_name=_("company")
    )
    name = models.CharField(_("name"), max_length=80)
    sectors = models.ManyToManyField("cms.Sector", blank=True, related_name="+", verbose_name=_("sectors"))
    counties = models.ManyToManyField("places.County", blank=True, related_name="+", verbose_name=_("counties"))
    priority_areas_only = models.BooleanField(_("priority areas only"), default=False)
    seeking_investment_only = models.BooleanField(_("only projects seeking investment"), default=False)
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("saved search")
        verbose_name_plural = _("saved searches")

    def __str__(self):
        return self.name


class DigestRun(models.Model):
    """When a company's weekly digest was sent: one per company and ISO week, so sending twice sends once."""

    company = models.ForeignKey(
        CompanyProfile, on_delete=models.CASCADE, related_name="digests", verbose_name=_("company")
    )
    week = models.DateField(_("week starting"))
    sent_at = models.DateTimeField(_("sent at"), auto_now_add=True)
    projects = models.PositiveIntegerField(_("projects"), default=0)
    recipients = models.PositiveIntegerField(_("recipients"), default=0)

    class Meta:
        ordering = ["-sent_at"]
        verbose_name = _("weekly digest")
        verbose_name_plural = _("weekly digests")
        constraints = [models.UniqueConstraint(fields=["company", "week"], name="one_digest_per_company_week")]

    def __str__(self):
        return f"{self.company} · {self.week}"


MONTHS = list(
    enumerate(
        [
            _("January"),
            _("February"),
            _("March"),
            _("April"),
            _("May"),
            _("June"),
            _("July"),
            _("August"),
            _("September"),
            _("October"),
            _("November"),
            _("December"),
        ],
        start=1,
    )
)


class ProjectDraft(InReaderLanguage, models.Model):
    """A project being written in the public wizard; saved at every step so the team can leave and come back.

    Subscription plans, the donation campaign and milestones hang on the draft while it is written and are
    moved to the ProjectListing when it is submitted (see marketplace.actions.submit_project_draft).
    """

    # The investment ask the funding step edits and submission copies to the listing.
    INVESTMENT_TERMS = (
        "seeks_investment",
        "ask_min_twd",
        "ask_max_twd",
        "instrument",
        "stage",
        "use_of_funds",
        "use_of_funds_en",
        "use_of_funds_ja",
    )

    class Step(models.TextChoices):
        BASICS = "basics", _("Basics")
        STORY = "story", _("Story")
        FUNDING = "funding", _("Funding options")
        MILESTONES = "milestones", _("Milestones")
        PREVIEW = "preview", _("Preview")

    enterprise = models.ForeignKey(
        EnterpriseProfile, on_delete=models.CASCADE, related_name="drafts", verbose_name=_("enterprise")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("created by")
    )
    step = models.CharField(_("last step saved"), max_length=20, choices=Step.choices, default=Step.BASICS)
    title = models.CharField(_("title"), max_length=120, blank=True)
    summary = models.TextField(_("summary"), max_length=400, blank=True)
    sector = models.ForeignKey(
        "cms.Sector", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("sector")
    )
    sdgs = models.ManyToManyField(
        "cms.SustainableDevelopmentGoal", blank=True, related_name="+", verbose_name=_("SDGs")
    )
    story = models.TextField(_("story"), blank=True)
    # The team's own translations (optional): they become the project page's English and Japanese versions,
    # reviewed by the moderators as the original is (marketplace.actions.submit_project_draft).
    title_en = models.CharField(_("title in English"), max_length=120, blank=True)
    summary_en = models.TextField(_("summary in English"), max_length=400, blank=True)
    story_en = models.TextField(_("story in English"), blank=True)
    title_ja = models.CharField(_("title in Japanese"), max_length=120, blank=True)
    summary_ja = models.TextField(_("summary in Japanese"), max_length=400, blank=True)
    story_ja = models.TextField(_("story in Japanese"), blank=True)
    image = models.ForeignKey(
        "cms.CustomImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("photo")
    )
    seeks_investment = models.BooleanField(_("seeks investment"), default=False)
    ask_min_twd = models.PositiveBigIntegerField(_("investment sought from (NT$)"), null=True, blank=True)
    ask_max_twd = models.PositiveBigIntegerField(_("investment sought up to (NT$)"), null=True, blank=True)
    instrument = models.CharField(_("instrument"), max_length=20, choices=ProjectListing.Instrument.choices, blank=True)
    stage = models.CharField(_("stage"), max_length=20, choices=ProjectListing.Stage.choices, blank=True)
    use_of_funds = models.TextField(_("use of funds"), blank=True)
    use_of_funds_en = models.TextField(_("use of funds in English"), blank=True)
    use_of_funds_ja = models.TextField(_("use of funds in Japanese"), blank=True)
    support_programmes = models.ManyToManyField(
        "cms.SupportProgramme", blank=True, related_name="+", verbose_name=_("support programmes")
    )
    submitted_project = models.OneToOneField(
        "cms.ProjectPage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("submitted project"),
    )
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["-updated"]
        verbose_name = _("project draft")
        verbose_name_plural = _("project drafts")

    def __str__(self):
        return self.title or str(_("Untitled project"))

    @property
    def is_submitted(self):
        return self.submitted_at is not None

    @property
    def shown_use_of_funds(self):
        """(text, HTML lang) of the use of funds in the reader's language (the preview shows it so)."""
        return self.in_reader_language("use_of_funds")


class SubscriptionPlan(InReaderLanguage, models.Model):
    class Interval(models.TextChoices):
        MONTH = "month", _("Monthly")
        YEAR = "year", _("Yearly")

    draft = models.ForeignKey(
        ProjectDraft,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscription_plans",
        verbose_name=_("project draft"),
    )
    listing = models.ForeignKey(
        ProjectListing,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="subscription_plans",
        verbose_name=_("project"),
    )
    name = models.CharField(_("plan name"), max_length=120)
    price_twd = models.PositiveIntegerField(_("price (NT$)"))
    interval = models.CharField(_("billed"), max_length=10, choices=Interval.choices, default=Interval.MONTH)
    rewards = models.TextField(_("what backers receive"))
    name_en = models.CharField(_("plan name in English"), max_length=120, blank=True)
    rewards_en = models.TextField(_("what backers receive, in English"), blank=True)
    name_ja = models.CharField(_("plan name in Japanese"), max_length=120, blank=True)
    rewards_ja = models.TextField(_("what backers receive, in Japanese"), blank=True)
    max_backers = models.PositiveIntegerField(_("most backers"), null=True, blank=True)
    season_months = models.JSONField(_("months it ships"), default=list, blank=True)
    # Goods sent to each backer every month the plan ships (payments/fulfilment.py): backers give a delivery address.
    ships_goods = models.BooleanField(_("ships goods"), default=False)
    ships_overseas = models.BooleanField(_("also ships outside Taiwan"), default=False)
    ship_day = models.PositiveSmallIntegerField(
        _("day of the month it ships"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(28)],
        help_text=_("Backers can change their address until a few days before this day."),
    )
    sort_order = models.PositiveSmallIntegerField(default=0, verbose_name=_("display order"))

    class Meta:
        ordering = ["sort_order", "pk"]
        verbose_name = _("subscription plan")
        verbose_name_plural = _("subscription plans")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(draft__isnull=False) | models.Q(listing__isnull=False),
                name="subscription_plan_has_owner",
            ),
            models.CheckConstraint(condition=models.Q(price_twd__gt=0), name="subscription_plan_price_positive"),
        ]

    def __str__(self):
        return self.name

    @property
    def shown_name(self):
        return self.in_reader_language("name")[0]

    @property
    def shown_rewards(self):
        return self.in_reader_language("rewards")[0]

    @property
    def shown_lang(self):
        """The HTML lang of shown_name and shown_rewards."""
        return self.in_reader_language("name")[1]

    @property
    def price_period(self):
        """What follows the price ("NT$500 per month"): the interval's label stands alone ("Monthly")."""
        return {self.Interval.MONTH: _("per month"), self.Interval.YEAR: _("per year")}[self.interval]

    @property
    def season_labels(self):
        """The season's months by name, in the order the season runs (October … February for a winter season)."""
        names = dict(MONTHS)
        return [names[month] for month in season_order(self.season_months)]


def season_order(months):
    """`months` (1..12) in the order a season runs: from the month after its longest break, so that a winter season
    reads October, November, December, January, February. The break over New Year wins a tie (calendar order)."""
    months = sorted(set(months))
    if len(months) < 2:
        return months
    start, longest = 0, months[0] + 12 - months[-1]
    for index in range(1, len(months)):
        if months[index] - months[index - 1] > longest:
            start, longest = index, months[index] - months[index - 1]
    return months[start:] + months[:start]


class DonationCampaign(models.Model):
    class Model(models.TextChoices):
        ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
        KEEP_WHAT_YOU_RAISE = "keep_what_you_raise", _("Keep what you raise")

    class Outcome(models.TextChoices):
        OPEN = "open", _("Open")
        SUCCEEDED = "succeeded", _("Goal reached")
        REFUNDING = "refunding", _("Goal missed: refunding every payment")
        ENDED = "ended", _("Ended (keeps what it raised)")

    draft = models.OneToOneField(
        ProjectDraft,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="donation_campaign",
        verbose_name=_("project draft"),
    )
    listing = models.OneToOneField(
        ProjectListing,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="donation_campaign",
        verbose_name=_("project"),
    )
    goal_twd = models.PositiveIntegerField(_("goal (NT$)"))
    deadline = models.DateField(_("deadline"))
    funding_model = models.CharField(_("if the goal is not reached"), max_length=24, choices=Model.choices)
    suggested_amounts_twd = models.JSONField(_("suggested amounts (NT$)"), default=list, blank=True)
    # Set by payments.refunds.settle_campaigns once the deadline has passed.
    outcome = models.CharField(_("outcome"), max_length=12, choices=Outcome.choices, default=Outcome.OPEN)
    settled_at = models.DateTimeField(_("settled"), null=True, blank=True)

    class Meta:
        verbose_name = _("donation campaign")
        verbose_name_plural = _("donation campaigns")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(draft__isnull=False) | models.Q(listing__isnull=False),
                name="donation_campaign_has_owner",
            ),
            models.CheckConstraint(condition=models.Q(goal_twd__gt=0), name="donation_goal_positive"),
        ]

    def __str__(self):
        return f"NT${self.goal_twd:,}"

    @property
    def is_open(self):
        """Donations are taken until the end of the deadline day."""
        return self.deadline >= timezone.localdate()


class Milestone(models.Model):
    draft = models.ForeignKey(
        ProjectDraft,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("project draft"),
    )
    listing = models.ForeignKey(
        ProjectListing,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="milestones",
        verbose_name=_("project"),
    )
    title = models.CharField(_("milestone"), max_length=160)
    target_date = models.DateField(_("target date"), null=True, blank=True)
    done_at = models.DateTimeField(_("done"), null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("marked done by"),
    )

    class Meta:
        ordering = ["target_date", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(draft__isnull=False) | models.Q(listing__isnull=False), name="milestone_has_owner"
            )
        ]

    def __str__(self):
        return self.title

    @property
    def is_done(self):
        return self.done_at is not None

    @property
    def lang(self):
        """The HTML lang of the title: teams write milestones in the site's default language (no translations)."""
        from core.languages import html_lang

        return html_lang(settings.LANGUAGE_CODE)


class Question(models.Model):
    wagtail_reference_index_ignore = True  # not content: no reference-index task per save (see core.AuditEntry)

    listing = models.ForeignKey(
        ProjectListing, on_delete=models.CASCADE, related_name="questions", verbose_name=_("project")
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("written by")
    )
    text = models.TextField(_("question"), max_length=2000)
    created = models.DateTimeField(_("asked"), auto_now_add=True)
    hidden = models.BooleanField(_("hidden by a moderator"), default=False)

    class Meta:
        ordering = ["-created", "-pk"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")

    def __str__(self):
        return self.text[:60]


class Answer(models.Model):
    wagtail_reference_index_ignore = True  # not content: no reference-index task per save (see core.AuditEntry)

    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="answers", verbose_name=_("question"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("written by")
    )
    text = models.TextField(_("answer"), max_length=4000)
    created = models.DateTimeField(_("answered"), auto_now_add=True)
    hidden = models.BooleanField(_("hidden by a moderator"), default=False)

    class Meta:
        ordering = ["created", "pk"]
        verbose_name = _("answer")
        verbose_name_plural = _("answers")

    def __str__(self):
        return self.text[:60]


class AbuseReport(models.Model):
    wagtail_reference_index_ignore = True  # not content: no reference-index task per save (see core.AuditEntry)

    reporter = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name=_("reported by")
    )
    question = models.ForeignKey(
        Question, null=True, blank=True, on_delete=models.CASCADE, related_name="reports", verbose_name=_("question")
    )
    answer = models.ForeignKey(
        Answer, null=True, blank=True, on_delete=models.CASCADE, related_name="reports", verbose_name=_("answer")
    )
    reason = models.TextField(_("what is wrong"), max_length=2000)
    created = models.DateTimeField(_("reported"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["-created"]
        verbose_name = _("abuse report")
        verbose_name_plural = _("abuse reports")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(question__isnull=False, answer__isnull=True)
                | models.Q(question__isnull=True, answer__isnull=False),
                name="abuse_report_one_target",
            )
        ]

    def __str__(self):
        return self.reason[:60]

    @property
    def target(self):
        return self.question or self.answer
