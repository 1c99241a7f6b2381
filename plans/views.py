"""/<lang>/plans/…: the public list and plan pages; the office's editing; the county's and national review steps."""

import functools

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe
from wagtail.models import Locale

from cms.models import TownshipPage
from core.actions import ActionRefused, run_action
from plans import actions
from plans.forms import (
    CommentForm,
    FundingFormSet,
    MatchForm,
    MeetingForm,
    MilestoneFormSet,
    PlanFilterForm,
    PlanForm,
    PlanStartForm,
    PlanTranslationsForm,
    ReportForm,
    kept_rows,
)
from plans.maps import plan_map, township_rows
from plans.models import EDITABLE_STAGES, GUIDANCE_STAGES, Plan, Stage
from plans.queries import (
    funding_rows,
    has_open_revisions,
    next_actor,
    offices_awaiting_verification,
    programmes_for_plan,
    public_plans,
)
from plans.text import plan_text, plan_texts, translation_fields

PER_PAGE = 20


def _posted_or_back_to_plan(view):
    """A review step is taken by POST. A refused step's page stands at the step's address, so the back button, a
    reload after a later step or a bookmark asks for it by GET: that person is sent to the plan's page (which says
    where it stands) instead of a blank "method not allowed"."""

    @functools.wraps(view)
    def posted_only(request, pk, **kwargs):
        if request.method != "POST":
            return redirect("plans:detail", pk=pk)
        return view(request, pk, **kwargs)

    return posted_only


@require_safe
def plan_list(request):
    form = PlanFilterForm(request.GET or None)
    stage = county = None
    if form.is_bound and form.is_valid():
        stage, county = form.cleaned_data["stage"], form.cleaned_data["county"]
    plans = public_plans(stage=stage, county=county)
    page = Paginator(plans, PER_PAGE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    for plan in page.object_list:
        plan.shown_title = plan_text(plan, "title")
    return render(
        request,
        "plans/plan_list.html",
        {
            "form": form,
            "page": page,
            "offices": actions.offices_of(request.user),
            # The map shows every public plan, whatever the filters (it is the country's picture).
            "plan_map": plan_map(public_plans()),
            "township_rows": township_rows(public_plans()),
        },
    )


def _plan_or_404(request, pk):
    plan = get_object_or_404(Plan.objects.with_places(), pk=pk)
    if not actions.can_see(request.user, plan):
        raise Http404
    return plan


def _township_page(plan):
    page = TownshipPage.objects.live().filter(township_id=plan.township_id, locale=Locale.get_default()).first()
    return page.localized if page else None


@require_safe
def plan_detail(request, pk):
    return _detail(request, _plan_or_404(request, pk))


def _detail(request, plan, status=200, **sent):
    """The plan's page; `sent`: a form posted from it that did not pass (comment_form, meeting_form, match_form,
    report_form), shown again with its errors and what was typed (`status` 400)."""
    user = request.user
    is_member = actions.is_office_member(user, plan)
    # A member of an office (or county government) staff have not verified, or no longer verify, is told why the
    # steps are not offered.
    refusal = actions.unverified_refusal(plan.office) if is_member else None
    is_office = is_member and refusal is None
    is_county = actions.is_county_reviewer(user, plan)
    if refusal is None and not is_county and plan.stage == Stage.COUNTY_REVIEW:
        refusal = actions.unverified_refusal(actions.unverified_county_organisation(user, plan.township.county_id))
    is_national = actions.is_national_reviewer(user)
    projects = [project.localized for project in plan.projects.live().order_by("title")]
    context = {
        "plan": plan,
        "texts": plan_texts(plan),
        "fits": programmes_for_plan(plan),
        "township_page": _township_page(plan),
        "projects": projects,
        "sectors": plan.sectors.all(),
        "milestones": plan.milestones.all(),
        "funding": funding_rows(plan),
        "events": plan.events.select_related("actor", "actor_organisation"),
        "meetings": plan.meetings.prefetch_related("revisions"),
        "reports": plan.reports.all(),
        "stages": Stage,
        "is_office": is_office,
        "unverified": refusal,
        "next_actor": next_actor(plan),
        "can_edit": is_office and plan.stage in EDITABLE_STAGES,
        "can_submit": is_office and plan.stage in (Stage.DRAFT, Stage.RETURNED),
        "missing": actions.missing_sections(plan) if is_office and plan.stage in EDITABLE_STAGES else [],
        "can_revise": is_office and plan.stage == Stage.NATIONAL_REVIEW and plan.meetings.exists(),
        "can_start": is_office and plan.stage == Stage.MATCHED,
        "can_report": is_office and plan.stage in (Stage.IN_PROGRESS, Stage.REPORTING),
        "can_county": is_county and plan.stage == Stage.COUNTY_REVIEW,
        "can_national": is_national and plan.stage in GUIDANCE_STAGES,
    }
    if context["can_county"] or context["can_revise"]:
        context["comment_form"] = sent.get("comment_form") or CommentForm()
    elif sent.get("comment_form") is not None:
        # The step the comment was for is no longer offered (someone took it meanwhile, the county is no longer
        # verified): the page says why and shows the comment typed, to copy, rather than losing it with the form.
        refused = sent["comment_form"]
        if (refused.data.get("comment") or "").strip():
            context["unsent_comment"] = refused
        else:
            for error in refused.errors.get("comment", []):
                messages.error(request, error)
    # Matching waits for the office's answer to open revision requests (the action refuses it): the page says so
    # instead of offering a form that can only be refused.
    context["match_waits_for_office"] = context["can_national"] and has_open_revisions(plan)
    if context["can_national"]:
        context["meeting_form"] = sent.get("meeting_form") or MeetingForm()
        context["match_form"] = sent.get("match_form") or MatchForm(
            lines=list(plan.funding.select_related("programme__ministry", "company"))
        )
    if context["can_report"]:
        context["report_form"] = sent.get("report_form") or ReportForm()
    return render(request, "plans/plan_detail.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def plan_new(request):
    offices = actions.offices_of(request.user)
    if not offices:
        # Not a bare 403: the person learns whether their office waits for staff or how an office starts a plan.
        context = {"form": None, "waiting": list(offices_awaiting_verification(request.user))}
        return render(request, "plans/plan_new.html", context, status=403)
    form = PlanStartForm(request.POST or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        outcome = run_action(
            request, actions.create_plan, form.cleaned_data["office"], title=form.cleaned_data["title"], form=form
        )
        if outcome.done:
            return redirect("plans:edit", pk=outcome.result.pk)
    return render(request, "plans/plan_new.html", {"form": form}, status=400 if request.method == "POST" else 200)


def _initial(plan):
    initial = {
        "title": plan.title,
        "vision": plan.vision,
        "local_dna": plan.local_dna,
        "total_twd": plan.total_twd,
        **{name: getattr(plan, name) for name in translation_fields()},
        "sectors": list(plan.sectors.values_list("pk", flat=True)),
        "projects": list(plan.projects.values_list("pk", flat=True)),
    }
    funding = [
        {
            "source": line.source,
            "programme": line.programme_id,
            "company": line.company_id,
            "planned_twd": line.planned_twd,
            "note": line.note,
        }
        for line in plan.funding.all()
    ]
    milestones = [{"title": item.title, "due": item.due, "done": item.done} for item in plan.milestones.all()]
    return initial, funding, milestones


@login_required
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk):
    plan = get_object_or_404(Plan.objects.with_places(), pk=pk)
    try:
        actions.check_office(request.user, plan)
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect(plan)
    if plan.stage not in EDITABLE_STAGES:
        return redirect(plan)
    initial, funding_initial, milestone_initial = _initial(plan)
    data = request.POST if request.method == "POST" else None
    form = PlanForm(data, initial=initial, plan=plan)
    translations = PlanTranslationsForm(data, initial=initial, prefix="tr")
    funding = FundingFormSet(data, initial=funding_initial, prefix="funding")
    milestones = MilestoneFormSet(data, initial=milestone_initial, prefix="milestones")
    valid = [part.is_valid() for part in (form, translations, funding, milestones)] if data is not None else [False]
    if all(valid):
        cleaned = form.cleaned_data
        outcome = run_action(
            request,
            actions.save_plan,
            plan,
            title=cleaned["title"],
            vision=cleaned["vision"],
            local_dna=cleaned["local_dna"],
            total_twd=cleaned["total_twd"],
            sectors=cleaned["sectors"],
            projects=cleaned["projects"],
            funding=kept_rows(funding),
            milestones=kept_rows(milestones),
            translations=translations.cleaned_data,
            form=form,
            success=_("The plan is saved."),
        )
        if outcome.done:
            return redirect(plan)
    error_parts = [(None, form), (None, translations)]
    error_parts += [
        (_("Funding line %(number)s") % {"number": number}, line) for number, line in enumerate(funding.forms, 1)
    ]
    error_parts += [
        (_("Milestone %(number)s") % {"number": number}, item) for number, item in enumerate(milestones.forms, 1)
    ]
    context = {
        "plan": plan,
        "form": form,
        "translations": translations,
        "funding": funding,
        "milestones": milestones,
        # One summary at the top lists every refusal, the tables' too (each row's own stood far down the page).
        "error_parts": [(row, part) for row, part in error_parts if part.errors],
    }
    return render(request, "plans/plan_edit.html", context, status=400 if data is not None else 200)


@_posted_or_back_to_plan
@login_required
def plan_step(request, pk, step):
    """One review step by POST: submit, revise, start, county_return, county_forward."""
    plan = get_object_or_404(Plan.objects.with_places(), pk=pk)
    if not actions.can_see(request.user, plan):
        raise Http404
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    steps = {
        "submit": (actions.submit_plan, {}, _("The plan is submitted to the county.")),
        "revise": (actions.send_revision, {"comment": comment}, _("The revised plan is sent back.")),
        "start": (actions.start_work, {}, _("The work has started.")),
        "county-return": (actions.county_return, {"comment": comment}, _("The plan is returned to the office.")),
        "county-forward": (
            actions.county_forward,
            {"comment": comment},
            _("The plan is forwarded to the national review."),
        ),
    }
    if step not in steps:
        raise Http404
    action, kwargs, message = steps[step]
    if "comment" in kwargs and form.errors:
        return _detail(request, plan, status=400, comment_form=form)
    comment_form = form if "comment" in kwargs else None
    outcome = run_action(request, action, plan, success=message, form=comment_form, error_field="comment", **kwargs)
    if outcome.done or "comment" not in kwargs:
        return redirect(plan)
    # Refused (a return without a reason, a step already taken): the comment typed stays, with why.
    return _detail(request, plan, status=400, comment_form=form)


@_posted_or_back_to_plan
@login_required
def plan_meeting(request, pk):
    plan = get_object_or_404(Plan.objects.with_places(), pk=pk)
    actions.check_national_reviewer(request.user)
    form = MeetingForm(request.POST)
    if form.is_valid():
        outcome = run_action(
            request,
            actions.record_meeting,
            plan,
            held_on=form.cleaned_data["held_on"],
            attendees=form.cleaned_data["attendees"],
            minutes=form.cleaned_data["minutes"],
            revisions=form.revisions(),
            form=form,
            success=_("The guidance meeting is recorded."),
        )
        if outcome.done:
            return redirect(plan)
    # Refused (a date to come, a plan no longer in guidance, a field missing): the page again with what was typed.
    return _detail(request, plan, status=400, meeting_form=form)


@_posted_or_back_to_plan
@login_required
def plan_match(request, pk):
    plan = get_object_or_404(Plan.objects.with_places(), pk=pk)
    actions.check_national_reviewer(request.user)
    form = MatchForm(request.POST, lines=list(plan.funding.select_related("programme__ministry", "company")))
    if not form.is_valid():
        return _detail(request, plan, status=400, match_form=form)
    outcome = run_action(
        request,
        actions.match_resources,
        plan,
        confirmed=form.confirmed(),
        form=form,
        success=_("The resources are matched."),
    )
    if outcome.done:
        return redirect(plan)
    return _detail(request, plan, status=400, match_form=form)


@_posted_or_back_to_plan
@login_required
def plan_report(request, pk):
    plan = get_object_or_404(Plan.objects.with_places(), pk=pk)
    try:
        actions.check_office(request.user, plan)
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect(plan)
    form = ReportForm(request.POST)
    if form.is_valid():
        outcome = run_action(
            request,
            actions.file_report,
            plan,
            year=form.cleaned_data["year"],
            summary=form.cleaned_data["summary"],
            form=form,
            success=_("The yearly report is filed."),
        )
        if outcome.done:
            return redirect(plan)
    # Refused (that year's report is already filed, a field missing): the page again with the summary as typed.
    return _detail(request, plan, status=400, report_form=form)
