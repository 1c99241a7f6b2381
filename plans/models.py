"""Township revitalization plans (地方創生計畫): the plan, its funding table, milestones, reviews and timeline.

A township office writes the plan; the county government of its county reviews it and forwards it; national
reviewers (staff or the "Plan reviewers" group) hold guidance meetings, ask for revisions per section and match
resources per source. Every change goes through plans.actions, which writes a PlanEvent (the public timeline)
and an audit entry.
"""

import datetime

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _


class Stage(models.TextChoices):
    DRAFT = "draft", _("Draft")
    COUNTY_REVIEW = "county_review", _("Submitted to the county")
    RETURNED = "returned", _("Returned for changes")
    NATIONAL_REVIEW = "national_review", _("In national guidance")
    REVISED = "revised", _("Revised, awaiting guidance")
    MATCHED = "matched", _("Resources matched")
    IN_PROGRESS = "in_progress", _("In progress")
    REPORTING = "reporting", _("Reported yearly")


# Stages in which the office may change the plan's text and tables.
EDITABLE_STAGES = (Stage.DRAFT, Stage.RETURNED, Stage.NATIONAL_REVIEW)
# Stages "in guidance": the plan waits for the national review to match it.
GUIDANCE_STAGES = (Stage.NATIONAL_REVIEW, Stage.REVISED)


class Section(models.TextChoices):
    VISION = "vision", _("Vision")
    LOCAL_DNA = "local_dna", _("Local DNA")
    INDUSTRIES = "industries", _("Target industries")
    PROJECTS = "projects", _("Projects")
    MILESTONES = "milestones", _("Milestones")
    FUNDING = "funding", _("Funding")


class FundingSource(models.TextChoices):
    MINISTRY_PROGRAMME = "ministry_programme", _("Ministry programme")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    DEVELOPMENT_FUND = "development_fund", _("National Development Fund investment")
    CREDIT_GUARANTEE = "credit_guarantee", _("Credit guarantee")
    PRIVATE_INVESTMENT = "private_investment", _("Private investment")
    CITIZEN_BACKING = "citizen_backing", _("Citizen backing through Homeward")


class PlanQuerySet(models.QuerySet):
    def public(self):
        return self.exclude(stage=Stage.DRAFT)

    def with_places(self):
        return self.select_related("township__county", "office")


class Plan(models.Model):
    office = models.ForeignKey(
        "accounts.Organisation",
        on_delete=models.PROTECT,
        related_name="plans",
        limit_choices_to={"kind": "township_office"},
        verbose_name=_("township office"),
    )
    township = models.ForeignKey(
        "places.Township", on_delete=models.PROTECT, related_name="plans", verbose_name=_("township")
    )
    title = models.CharField(_("title"), max_length=160)
    vision = models.TextField(_("vision"), blank=True)
    local_dna = models.TextField(
        _("local DNA"), blank=True, help_text=_("What is special about the township: people, land, crafts, produce.")
    )
    # The free-text sections may also be written in English and Japanese (optional): readers see the text in their
    # language, or the Chinese original marked as such (plans.text.plan_text). Chinese is the plan's original.
    title_en = models.CharField(_("title (English)"), max_length=160, blank=True)
    title_ja = models.CharField(_("title (Japanese)"), max_length=160, blank=True)
    vision_en = models.TextField(_("vision (English)"), blank=True)
    vision_ja = models.TextField(_("vision (Japanese)"), blank=True)
    local_dna_en = models.TextField(_("local DNA (English)"), blank=True)
    local_dna_ja = models.TextField(_("local DNA (Japanese)"), blank=True)
    sectors = models.ManyToManyField(
        "cms.Sector", blank=True, related_name="plans", verbose_name=_("target industries")
    )
    projects = models.ManyToManyField(
        "cms.ProjectPage", blank=True, related_name="plans", verbose_name=_("projects included")
    )
    total_twd = models.PositiveBigIntegerField(_("total planned (NT$)"), default=0)
    stage = models.CharField(_("stage"), max_length=20, choices=Stage.choices, default=Stage.DRAFT, db_index=True)
    stage_changed_at = models.DateTimeField(_("stage since"))
    created = models.DateTimeField(_("created"), auto_now_add=True)
    updated = models.DateTimeField(_("updated"), auto_now=True)
    is_demo = models.BooleanField(_("demo content"), default=False, editable=False)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-stage_changed_at", "-pk"]
        verbose_name = _("revitalization plan")
        verbose_name_plural = _("revitalization plans")

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("plans:detail", kwargs={"pk": self.pk})

    @property
    def in_guidance(self):
        return self.stage in GUIDANCE_STAGES


class Milestone(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="milestones", verbose_name=_("plan"))
    title = models.CharField(_("milestone"), max_length=160)
    due = models.DateField(_("due"))
    done = models.BooleanField(_("done"), default=False)

    class Meta:
        ordering = ["due", "pk"]
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")

    def __str__(self):
        return self.title


class FundingLine(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="funding", verbose_name=_("plan"))
    source = models.CharField(_("source"), max_length=30, choices=FundingSource.choices)
    programme = models.ForeignKey(
        "cms.SupportProgramme",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_funding",
        verbose_name=_("ministry programme"),
    )
    company = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="plan_investments",
        limit_choices_to={"kind": "company"},
        verbose_name=_("company"),
    )
    planned_twd = models.PositiveBigIntegerField(_("planned (NT$)"))
    confirmed_twd = models.PositiveBigIntegerField(_("confirmed (NT$)"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("funding line")
        verbose_name_plural = _("funding lines")

    def __str__(self):
        return f"{self.get_source_display()} {self.planned_twd}"


class PlanEvent(models.Model):
    """One step on the plan's timeline: a change of stage, a comment, a meeting, a report."""

    class Kind(models.TextChoices):
        CREATED = "created", _("Plan started")
        EDITED = "edited", _("Plan edited")
        SUBMITTED = "submitted", _("Submitted to the county")
        COUNTY_RETURNED = "county_returned", _("Returned by the county")
        COUNTY_FORWARDED = "county_forwarded", _("Forwarded to the national review")
        MEETING = "meeting", _("Guidance meeting held")
        NATIONAL_RETURNED = "national_returned", _("Revisions requested")
        REVISED = "revised", _("Revised plan sent back")
        MATCHED = "matched", _("Resources matched")
        STARTED = "started", _("Work started")
        REPORTED = "reported", _("Yearly report filed")

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events", verbose_name=_("plan"))
    kind = models.CharField(_("step"), max_length=30, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("by")
    )
    actor_organisation = models.ForeignKey(
        "accounts.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("on behalf of"),
    )
    from_stage = models.CharField(_("from"), max_length=20, choices=Stage.choices, blank=True)
    to_stage = models.CharField(_("to"), max_length=20, choices=Stage.choices, blank=True)
    comment = models.TextField(_("comment"), blank=True)
    at = models.DateTimeField(_("at"))

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("plan event")
        verbose_name_plural = _("plan events")

    def __str__(self):
        return f"{self.at:%Y-%m-%d} {self.get_kind_display()}"


def earliest_meeting_day(today=None):
    """The first day a meeting recorded today may have been held on (settings.PLAN_MEETING_MAX_DAYS_BACK ago)."""
    return (today or timezone.localdate()) - datetime.timedelta(days=settings.PLAN_MEETING_MAX_DAYS_BACK)


def meeting_too_long_ago_message(today=None):
    return gettext("A meeting is recorded within %(days)s days of being held: give a day on or after %(date)s.") % {
        "days": settings.PLAN_MEETING_MAX_DAYS_BACK,
        "date": formats.date_format(earliest_meeting_day(today)),
    }


class GuidanceMeeting(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="meetings", verbose_name=_("plan"))
    held_on = models.DateField(_("date"))
    attendees = models.TextField(_("attendees"))
    minutes = models.TextField(_("minutes"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("recorded by")
    )
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["held_on", "pk"]
        verbose_name = _("guidance meeting")
        verbose_name_plural = _("guidance meetings")

    def __str__(self):
        return f"{self.plan} {self.held_on}"


class RevisionRequest(models.Model):
    meeting = models.ForeignKey(
        GuidanceMeeting, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("guidance meeting")
    )
    section = models.CharField(_("section"), max_length=20, choices=Section.choices)
    request = models.TextField(_("what to revise"))
    resolved_at = models.DateTimeField(_("resolved"), null=True, blank=True)

    class Meta:
        ordering = ["meeting", "section", "pk"]
        verbose_name = _("revision request")
        verbose_name_plural = _("revision requests")

    def __str__(self):
        return f"{self.get_section_display()}: {self.request[:40]}"


class YearlyReport(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="reports", verbose_name=_("plan"))
    year = models.PositiveSmallIntegerField(_("year"))
    summary = models.TextField(_("summary"))
    created = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["year"]
        verbose_name = _("yearly report")
        verbose_name_plural = _("yearly reports")
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="one_plan_report_per_year")]

    def __str__(self):
        return f"{self.plan} {self.year}"
