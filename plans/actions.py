"""Every change to a plan: check who may, change in a transaction, a timeline event and an audit entry.

Who may do what:
- the township office's members write the plan, submit it, send revisions back, start the work and report;
- the county's reviewers (members of the county government organisation of the plan's county) return or forward;
- national reviewers (staff, or members of the "Plan reviewers" group) record guidance meetings, request revisions
  and match resources; the group, once it has members, is the desk told of each plan awaiting them.
A step from the wrong stage or without what it needs is refused (ActionRefused) with a message that says why;
nothing is half-saved.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from accounts.models import Membership, Organisation
from accounts.queries import active_members
from core.actions import ActionRefused
from core.audit import Action, log
from core.languages import inline_list
from notifications.actions import in_language_of, notify
from notifications.messages import Message
from notifications.models import Notification
from plans.models import (
    EDITABLE_STAGES,
    GUIDANCE_STAGES,
    FundingLine,
    FundingSource,
    GuidanceMeeting,
    Milestone,
    Plan,
    PlanEvent,
    RevisionRequest,
    Section,
    Stage,
    YearlyReport,
    earliest_meeting_day,
    meeting_too_long_ago_message,
)
from plans.text import translation_fields

NATIONAL_REVIEWERS_GROUP = "Plan reviewers"


# --- who ---------------------------------------------------------------------------------------------------------


def is_office_member(user, plan):
    return user.is_authenticated and Membership.objects.filter(user=user, organisation_id=plan.office_id).exists()


def county_organisations_of(user, county_id):
    """The county governments of `county_id` the person reviews plans for: verified ones only (anyone may create an
    organisation of any kind and be its admin; staff confirm a public body before it has any say)."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=Organisation.Kind.COUNTY_GOVERNMENT, county_id=county_id, memberships__user=user, verified_at__isnull=False
    )


def is_county_reviewer(user, plan):
    return county_organisations_of(user, plan.township.county_id).exists()


def is_national_reviewer(user):
    return (
        user.is_authenticated
        and user.is_active
        and (user.is_staff or user.is_superuser or user.groups.filter(name=NATIONAL_REVIEWERS_GROUP).exists())
    )


def can_see(user, plan):
    """A draft is the office's (and the national reviewers'); every later stage is public."""
    return plan.stage != Stage.DRAFT or is_office_member(user, plan) or is_national_reviewer(user)


def unverified_refusal(organisation):
    """Why a public body staff have not verified (or no longer verify) cannot act on plans, or None when it may."""
    if organisation is None or not organisation.awaits_verification:
        return None
    return _(
        "%(organisation)s awaits verification by staff: until they verify it, it cannot change, send on or review "
        "plans."
    ) % {"organisation": organisation.name}


def check_office(user, plan):
    """The plan's office, for one of its members; refused while staff have not verified the office (a verification
    withdrawn after the plan was written stops its members too)."""
    if not is_office_member(user, plan):
        raise PermissionDenied
    office = Organisation.objects.get(pk=plan.office_id)
    refusal = unverified_refusal(office)
    if refusal:
        raise ActionRefused(refusal, code="unverified")
    return office


def unverified_county_organisation(user, county_id):
    """The county government of `county_id` the person belongs to that awaits verification, or None."""
    if not user.is_authenticated:
        return None
    return Organisation.objects.filter(
        kind=Organisation.Kind.COUNTY_GOVERNMENT, county_id=county_id, memberships__user=user, verified_at__isnull=True
    ).first()


def check_county_reviewer(user, plan):
    organisation = county_organisations_of(user, plan.township.county_id).first()
    if organisation is None:
        refusal = unverified_refusal(unverified_county_organisation(user, plan.township.county_id))
        if refusal:
            raise ActionRefused(refusal, code="unverified")
        raise PermissionDenied
    return organisation


def check_national_reviewer(user):
    if not is_national_reviewer(user):
        raise PermissionDenied


def offices_of(user):
    """The township offices the person may write plans for: verified ones only, as for county governments."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(
        kind=Organisation.Kind.TOWNSHIP_OFFICE,
        memberships__user=user,
        township__isnull=False,
        verified_at__isnull=False,
    ).select_related("township__county")


# --- helpers -----------------------------------------------------------------------------------------------------


def _require_stage(plan, *stages):
    if plan.stage not in stages:
        raise ActionRefused(
            _("This step is not possible while the plan is at the stage “%(stage)s”.")
            % {"stage": plan.get_stage_display()},
            code="stage",
        )


def _locked(plan):
    return Plan.objects.select_for_update().select_related("township__county", "office").get(pk=plan.pk)


def _step(plan, user, kind, action, *, organisation, to_stage=None, comment="", at=None, **data):
    now = timezone.now()
    from_stage = plan.stage
    if to_stage is not None and to_stage != plan.stage:
        plan.stage = to_stage
        plan.stage_changed_at = at or now
        plan.save(update_fields=["stage", "stage_changed_at", "updated"])
    PlanEvent.objects.create(
        plan=plan,
        kind=kind,
        actor=user,
        actor_organisation=organisation,
        from_stage=from_stage if to_stage else "",
        to_stage=to_stage or "",
        comment=comment,
        at=at or now,
    )
    log(action, actor=user, organisation=plan.office, plan=plan.pk, stage=plan.stage, **data)
    return plan


# Who hears of each step, and what each is told (in the reader's language): whoever takes the next step, and the public
# bodies above the office once the plan is out of their hands (the county hears how the national review ends).
OFFICE, COUNTY, NATION = "office", "county", "nation"
TOLD = {
    PlanEvent.Kind.SUBMITTED: {COUNTY: gettext_noop("A plan awaits the county's review: %(title)s")},
    PlanEvent.Kind.COUNTY_RETURNED: {OFFICE: gettext_noop("The county returned your plan for changes: %(title)s")},
    PlanEvent.Kind.COUNTY_FORWARDED: {
        OFFICE: gettext_noop("The county forwarded your plan to the national review: %(title)s"),
        NATION: gettext_noop("A plan forwarded by its county awaits the national review: %(title)s"),
    },
    PlanEvent.Kind.NATIONAL_RETURNED: {
        OFFICE: gettext_noop("The national review asks for revisions to your plan: %(title)s"),
        COUNTY: gettext_noop("The national review asks for revisions to a plan from your county: %(title)s"),
    },
    PlanEvent.Kind.REVISED: {
        NATION: gettext_noop("A township office sent back its revised plan for guidance: %(title)s"),
    },
    PlanEvent.Kind.MATCHED: {
        OFFICE: gettext_noop("Resources are matched for your plan, which can now start: %(title)s"),
        COUNTY: gettext_noop("Resources are matched for a plan from your county, which can now start: %(title)s"),
    },
}


# The sections' names as source texts (the same words as plans.models.Section's labels), for a notification that
# names them in the language of whoever reads it, whenever they read it.
SECTION_NAMES = {
    Section.VISION: gettext_noop("Vision"),
    Section.LOCAL_DNA: gettext_noop("Local DNA"),
    Section.INDUSTRIES: gettext_noop("Target industries"),
    Section.PROJECTS: gettext_noop("Projects"),
    Section.MILESTONES: gettext_noop("Milestones"),
    Section.FUNDING: gettext_noop("Funding"),
}


def _revision_lines(revisions):
    """The revision requests, one a line, each after its section's name: the name in the reader's language, the
    request in the reviewer's own words."""
    return Message.joined(
        *(
            Message(
                gettext_noop("%(section)s: %(request)s"), section=Message(SECTION_NAMES[Section(section)]), request=text
            )
            for section, text in revisions
        )
    )


def national_reviewers():
    """The people `is_national_reviewer` says yes to (active staff, superusers and the "Plan reviewers" group)."""
    return (
        get_user_model()
        .objects.filter(is_active=True)
        .filter(Q(is_staff=True) | Q(is_superuser=True) | Q(groups__name=NATIONAL_REVIEWERS_GROUP))
        .distinct()
    )


def national_reviewers_to_tell():
    """Who hears that a plan awaits the national review: the active members of the "Plan reviewers" group once staff
    have put anyone in it (every staff member may still act, but the group is the desk that answers), or else every
    national reviewer, so that a forwarded plan never waits unseen."""
    desk = get_user_model().objects.filter(is_active=True, groups__name=NATIONAL_REVIEWERS_GROUP).distinct()
    return desk if desk.exists() else national_reviewers()


def _audience(plan, audience):
    if audience == OFFICE:
        return active_members(Organisation.objects.filter(pk=plan.office_id))
    if audience == COUNTY:
        return active_members(
            Organisation.objects.filter(
                kind=Organisation.Kind.COUNTY_GOVERNMENT, county_id=plan.township.county_id, verified_at__isnull=False
            )
        )
    return national_reviewers_to_tell()


def _tell(plan, user, kind, comment=""):
    """Notify (and email) the people who hear of the step (TOLD): whoever takes the plan's next step, and the county
    once the national review answers; not the person who took the step, and each person once (the first audience
    they belong to decides what they read). `comment`: a text, or a callable that writes it in the reader's
    language."""
    told = {user.pk}
    for audience, message in TOLD[kind].items():
        for person in _audience(plan, audience).exclude(pk__in=told):
            told.add(person.pk)
            with in_language_of(person):
                title = Message(message, title=plan.title)
                url = reverse("plans:detail", kwargs={"pk": plan.pk})
                body = comment() if callable(comment) else comment
                notify(person, Notification.Kind.PLAN_STEP, title, body=body, url=url)


def funding_error(total_twd, lines):
    """The message refusing a funding table whose parts do not add up to the total, or None."""
    parts = sum(line["planned_twd"] for line in lines)
    if parts != total_twd:
        return _(
            "The funding lines add up to NT$%(parts)s, not the declared total of NT$%(total)s: "
            "correct the amounts or the total."
        ) % {"parts": f"{parts:,}", "total": f"{total_twd:,}"}
    return None


def _clean_funding(lines):
    cleaned = []
    for line in lines:
        source = line["source"]
        if source not in FundingSource.values:
            raise ActionRefused(_("Choose where each funding line comes from."))
        programme = line.get("programme") if source == FundingSource.MINISTRY_PROGRAMME else None
        company = line.get("company") if source == FundingSource.PRIVATE_INVESTMENT else None
        if source == FundingSource.MINISTRY_PROGRAMME and programme is None:
            raise ActionRefused(_("A ministry programme line must name the programme."))
        if source == FundingSource.PRIVATE_INVESTMENT and (
            company is None or company.kind != Organisation.Kind.COMPANY
        ):
            raise ActionRefused(_("A private investment line must name the company."))
        cleaned.append(
            {
                "source": source,
                "programme": programme,
                "company": company,
                "planned_twd": int(line["planned_twd"]),
                "note": (line.get("note") or "").strip(),
            }
        )
    return cleaned


# --- the office --------------------------------------------------------------------------------------------------


@transaction.atomic
def create_plan(user, office, *, title):
    if office.kind != Organisation.Kind.TOWNSHIP_OFFICE or office.township_id is None:
        raise ActionRefused(_("Only a township office linked to its township writes a plan."))
    if not Membership.objects.filter(user=user, organisation=office).exists():
        raise PermissionDenied
    if office.awaits_verification:
        raise ActionRefused(_("A township office writes plans once staff have verified it."))
    if not title.strip():
        raise ActionRefused(_("Give the plan a title."))
    now = timezone.now()
    plan = Plan.objects.create(office=office, township_id=office.township_id, title=title.strip(), stage_changed_at=now)
    _step(plan, user, PlanEvent.Kind.CREATED, Action.PLAN_CREATE, organisation=office)
    return plan


@transaction.atomic
def save_plan(
    user, plan, *, title, vision, local_dna, total_twd, sectors, projects, funding, milestones, translations=None
):
    """Replace the plan's text and tables at once; a funding table that does not add up is refused, nothing saved.

    `translations`: {"title_en": …, "vision_ja": …} (plans.text.translation_fields), optional; a field left out
    keeps its text. A translation of a section whose Chinese text is empty is refused."""
    office = check_office(user, plan)
    plan = _locked(plan)
    _require_stage(plan, *EDITABLE_STAGES)
    if not title.strip():
        raise ActionRefused(_("Give the plan a title."))
    translations = _clean_translations(translations or {}, title=title, vision=vision, local_dna=local_dna)
    funding = _clean_funding(funding)
    total_twd = int(total_twd or 0)
    if funding or total_twd:
        error = funding_error(total_twd, funding)
        if error:
            raise ActionRefused(error, code="funding")
    plan.title = title.strip()
    plan.vision = vision.strip()
    plan.local_dna = local_dna.strip()
    plan.total_twd = total_twd
    for name, text in translations.items():
        setattr(plan, name, text)
    plan.save()
    plan.sectors.set(sectors)
    plan.projects.set(projects)
    plan.funding.all().delete()
    FundingLine.objects.bulk_create(FundingLine(plan=plan, **line) for line in funding)
    plan.milestones.all().delete()
    Milestone.objects.bulk_create(
        Milestone(plan=plan, title=item["title"].strip(), due=item["due"], done=bool(item.get("done")))
        for item in milestones
    )
    _step(plan, user, PlanEvent.Kind.EDITED, Action.PLAN_SAVE, organisation=office)
    return plan


def _clean_translations(translations, **originals):
    """The translations stripped; refused when a name is unknown or when a section has a translation but no Chinese
    text (readers of the other languages would see a text the plan's original does not hold)."""
    known = set(translation_fields())
    unknown = sorted(set(translations) - known)
    if unknown:
        raise ActionRefused(_("Unknown translated section: %(names)s.") % {"names": ", ".join(unknown)})
    labels = {"title": _("Title"), "vision": Section.VISION.label, "local_dna": Section.LOCAL_DNA.label}
    cleaned = {}
    for name, text in translations.items():
        text = (text or "").strip()
        section = name.rsplit("_", 1)[0]
        if text and not (originals.get(section) or "").strip():
            raise ActionRefused(
                _("%(section)s has an English or Japanese text but no Chinese text: write the Chinese original first.")
                % {"section": labels[section]},
                code="translation_without_original",
            )
        cleaned[name] = text
    return cleaned


def missing_sections(plan):
    """The required sections the plan lacks, as labels (empty when it may be submitted)."""
    missing = []
    if not plan.vision.strip():
        missing.append(Section.VISION.label)
    if not plan.local_dna.strip():
        missing.append(Section.LOCAL_DNA.label)
    if not plan.sectors.exists():
        missing.append(Section.INDUSTRIES.label)
    if not plan.projects.exists():
        missing.append(Section.PROJECTS.label)
    if not plan.milestones.exists():
        missing.append(Section.MILESTONES.label)
    lines = list(plan.funding.values("planned_twd"))
    if not lines or not plan.total_twd or funding_error(plan.total_twd, lines):
        missing.append(Section.FUNDING.label)
    return [str(label) for label in missing]


@transaction.atomic
def submit_plan(user, plan):
    office = check_office(user, plan)
    plan = _locked(plan)
    _require_stage(plan, Stage.DRAFT, Stage.RETURNED)
    missing = missing_sections(plan)
    if missing:
        raise ActionRefused(
            _("The plan cannot be submitted yet. Missing: %(sections)s.") % {"sections": inline_list(missing)},
            code="missing",
        )
    _step(plan, user, PlanEvent.Kind.SUBMITTED, Action.PLAN_SUBMIT, organisation=office, to_stage=Stage.COUNTY_REVIEW)
    _tell(plan, user, PlanEvent.Kind.SUBMITTED)
    return plan


@transaction.atomic
def send_revision(user, plan, *, comment=""):
    """The office answers the guidance meeting's revision requests (marks them resolved) and sends the plan back."""
    office = check_office(user, plan)
    plan = _locked(plan)
    _require_stage(plan, Stage.NATIONAL_REVIEW)
    if not plan.meetings.exists():
        raise ActionRefused(_("There is no guidance meeting to answer yet."))
    RevisionRequest.objects.filter(meeting__plan=plan, resolved_at__isnull=True).update(resolved_at=timezone.now())
    _step(
        plan,
        user,
        PlanEvent.Kind.REVISED,
        Action.PLAN_REVISE,
        organisation=office,
        to_stage=Stage.REVISED,
        comment=comment.strip(),
    )
    _tell(plan, user, PlanEvent.Kind.REVISED, comment=comment.strip())
    return plan


@transaction.atomic
def start_work(user, plan):
    office = check_office(user, plan)
    plan = _locked(plan)
    _require_stage(plan, Stage.MATCHED)
    return _step(plan, user, PlanEvent.Kind.STARTED, Action.PLAN_START, organisation=office, to_stage=Stage.IN_PROGRESS)


@transaction.atomic
def file_report(user, plan, *, year, summary):
    office = check_office(user, plan)
    plan = _locked(plan)
    _require_stage(plan, Stage.IN_PROGRESS, Stage.REPORTING)
    if not summary.strip():
        raise ActionRefused(_("Write what the year brought."))
    if plan.reports.filter(year=year).exists():
        raise ActionRefused(_("The report for %(year)s is already filed.") % {"year": year})
    YearlyReport.objects.create(plan=plan, year=year, summary=summary.strip())
    return _step(
        plan,
        user,
        PlanEvent.Kind.REPORTED,
        Action.PLAN_REPORT,
        organisation=office,
        to_stage=Stage.REPORTING,
        comment=summary.strip(),
        year=year,
    )


# --- the county --------------------------------------------------------------------------------------------------


@transaction.atomic
def county_return(user, plan, *, comment):
    organisation = check_county_reviewer(user, plan)
    plan = _locked(plan)
    _require_stage(plan, Stage.COUNTY_REVIEW)
    if not comment.strip():
        raise ActionRefused(_("Say what the office should change before the plan comes back."))
    _step(
        plan,
        user,
        PlanEvent.Kind.COUNTY_RETURNED,
        Action.PLAN_COUNTY_RETURN,
        organisation=organisation,
        to_stage=Stage.RETURNED,
        comment=comment.strip(),
    )
    _tell(plan, user, PlanEvent.Kind.COUNTY_RETURNED, comment=comment.strip())
    return plan


@transaction.atomic
def county_forward(user, plan, *, comment=""):
    organisation = check_county_reviewer(user, plan)
    plan = _locked(plan)
    _require_stage(plan, Stage.COUNTY_REVIEW)
    _step(
        plan,
        user,
        PlanEvent.Kind.COUNTY_FORWARDED,
        Action.PLAN_COUNTY_FORWARD,
        organisation=organisation,
        to_stage=Stage.NATIONAL_REVIEW,
        comment=comment.strip(),
    )
    _tell(plan, user, PlanEvent.Kind.COUNTY_FORWARDED, comment=comment.strip())
    return plan


# --- national review ---------------------------------------------------------------------------------------------


@transaction.atomic
def record_meeting(user, plan, *, held_on, attendees, minutes, revisions=()):
    """A guidance meeting with its revision requests ([(section, request)]); with requests, the plan goes back to the
    office for revision (the stage "in national guidance"); a meeting on a revised plan reopens the guidance."""
    check_national_reviewer(user)
    plan = _locked(plan)
    _require_stage(plan, *GUIDANCE_STAGES)
    if not attendees.strip() or not minutes.strip():
        raise ActionRefused(_("A guidance meeting needs its attendees and minutes."))
    if held_on > timezone.localdate():
        raise ActionRefused(_("Record a meeting once it has been held: its date cannot be in the future."))
    if held_on < earliest_meeting_day():
        raise ActionRefused(meeting_too_long_ago_message())
    revisions = [(section, text.strip()) for section, text in revisions if text.strip()]
    if any(section not in Section.values for section, _text in revisions):
        raise ActionRefused(_("Choose the section each revision request is about."))
    meeting = GuidanceMeeting.objects.create(
        plan=plan, held_on=held_on, attendees=attendees.strip(), minutes=minutes.strip(), recorded_by=user
    )
    RevisionRequest.objects.bulk_create(
        RevisionRequest(meeting=meeting, section=section, request=text) for section, text in revisions
    )
    _step(
        plan,
        user,
        PlanEvent.Kind.NATIONAL_RETURNED if revisions else PlanEvent.Kind.MEETING,
        Action.PLAN_MEETING,
        organisation=None,
        to_stage=Stage.NATIONAL_REVIEW,
        comment=minutes.strip(),
        meeting=meeting.pk,
        revisions=len(revisions),
    )
    if revisions:
        _tell(plan, user, PlanEvent.Kind.NATIONAL_RETURNED, comment=lambda: _revision_lines(revisions))
    return meeting


@transaction.atomic
def match_resources(user, plan, *, confirmed):
    """Confirm the amount of each funding line ({line id: NT$}); every line must be answered (0 for none)."""
    check_national_reviewer(user)
    plan = _locked(plan)
    _require_stage(plan, *GUIDANCE_STAGES)
    if RevisionRequest.objects.filter(meeting__plan=plan, resolved_at__isnull=True).exists():
        raise ActionRefused(_("Revision requests are still open: the office must answer them first."))
    lines = list(plan.funding.all())
    if not lines:
        raise ActionRefused(_("The plan has no funding lines to match."))
    missing = [line for line in lines if confirmed.get(line.pk) is None]
    if missing:
        raise ActionRefused(_("Confirm an amount for every funding line (0 where nothing is matched)."))
    for line in lines:
        line.confirmed_twd = int(confirmed[line.pk])
    FundingLine.objects.bulk_update(lines, ["confirmed_twd"])
    _step(
        plan,
        user,
        PlanEvent.Kind.MATCHED,
        Action.PLAN_MATCH,
        organisation=None,
        to_stage=Stage.MATCHED,
        confirmed=sum(line.confirmed_twd for line in lines),
    )
    _tell(plan, user, PlanEvent.Kind.MATCHED)
    return plan
