"""Thin views: companies, their ties, recommendations and interests. Permission checks: marketplace.actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.actions import ActionRefused, get_membership
from accounts.models import Organisation
from cms.models import ProjectPage
from cms.public import is_public
from marketplace import actions
from marketplace.forms import (
    WIZARD_STEPS,
    AbuseReportForm,
    AdvanceForm,
    AnswerForm,
    BasicsForm,
    CompanyProfileForm,
    CompanyTieForm,
    EnterpriseProfileForm,
    FundingForm,
    InterestForm,
    MilestoneForm,
    OwnTieForm,
    ProjectUpdateForm,
    QuestionForm,
    SavedSearchForm,
    StoryForm,
    SubscriptionPlanForm,
)
from marketplace.impact import impact_report
from marketplace.matching import recommend_companies, recommend_projects
from marketplace.models import (
    Answer,
    DonationCampaign,
    EnterpriseProfile,
    HometownTie,
    Interest,
    Milestone,
    ProjectDraft,
    ProjectListing,
    Question,
    SavedSearch,
)


def _company(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.COMPANY)
    membership = actions.check_company_member(request.user, organisation)
    return organisation, membership


def _enterprise_team(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.ENTERPRISE)
    membership = get_membership(request.user, organisation)
    if membership is None:
        raise PermissionDenied
    return organisation, membership


def _profile_or_redirect(request, organisation):
    profile = actions.company_profile_of(organisation)
    if profile is None:
        messages.info(request, _("Fill in your company profile first."))
    return profile


@login_required
@require_http_methods(["GET", "POST"])
def company_profile(request, slug):
    organisation, membership = _company(request, slug)
    profile = actions.company_profile_of(organisation)
    if request.method == "POST":
        actions.check_company_admin(request.user, organisation)
    form = CompanyProfileForm(request.POST or None, instance=profile) if membership.is_manager else None
    if request.method == "POST" and form.is_valid():
        actions.save_company_profile(request.user, organisation, form=form)
        messages.success(request, _("The company profile has been saved."))
        return redirect("marketplace:company_profile", slug=organisation.slug)
    context = {"organisation": organisation, "membership": membership, "profile": profile, "form": form}
    return render(request, "marketplace/company_profile.html", context, status=400 if form and form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def company_ties(request, slug):
    organisation, membership = _company(request, slug)
    profile = _profile_or_redirect(request, organisation)
    if profile is None:
        if request.method == "POST":
            actions.check_company_admin(request.user, organisation)
        return redirect("marketplace:company_profile", slug=organisation.slug)
    form = CompanyTieForm(request.POST or None) if membership.is_manager else None
    if request.method == "POST":
        actions.check_company_admin(request.user, organisation)
        if form.is_valid():
            try:
                actions.add_company_tie(
                    request.user,
                    profile,
                    kind=form.cleaned_data["kind"],
                    township=form.cleaned_data["township"],
                    employee_count=form.cleaned_data["employee_count"] or 0,
                )
            except ActionRefused as refused:
                form.add_error("employee_count", refused.message)
            else:
                messages.success(request, _("The hometown tie has been added."))
                return redirect("marketplace:company_ties", slug=organisation.slug)
    own_tie = profile.ties.filter(member=request.user).first()
    context = {
        "organisation": organisation,
        "membership": membership,
        "profile": profile,
        "ties": profile.ties.select_related("township__county", "member"),
        "form": form,
        "own_tie": own_tie,
        "own_form": OwnTieForm() if own_tie is None else None,
    }
    return render(request, "marketplace/company_ties.html", context, status=400 if form and form.errors else 200)


@login_required
@require_POST
def own_tie_add(request, slug):
    organisation, _membership = _company(request, slug)
    profile = actions.company_profile_of(organisation)
    if profile is None:
        return redirect("marketplace:company_profile", slug=organisation.slug)
    form = OwnTieForm(request.POST)
    if form.is_valid():
        try:
            actions.add_own_tie(
                request.user, profile, township=form.cleaned_data["township"], consent=form.cleaned_data["consent"]
            )
        except ActionRefused as refused:
            messages.error(request, refused.message)
        else:
            messages.success(request, _("Your home township is shared with the company."))
    else:
        messages.error(request, _("Choose your home township."))
    return redirect("marketplace:company_ties", slug=organisation.slug)


@login_required
@require_POST
def tie_remove(request, slug, pk):
    organisation, _membership = _company(request, slug)
    tie = get_object_or_404(HometownTie, pk=pk, company__organisation=organisation)
    try:
        actions.remove_tie(request.user, tie)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The hometown tie has been removed."))
    return redirect("marketplace:company_ties", slug=organisation.slug)


@login_required
@require_GET
def recommendations(request, slug):
    organisation, membership = _company(request, slug)
    profile = _profile_or_redirect(request, organisation)
    if profile is None:
        return redirect("marketplace:company_profile", slug=organisation.slug)
    context = {
        "organisation": organisation,
        "membership": membership,
        "profile": profile,
        "recommendations": recommend_projects(profile),
        "interested": set(profile.interests.values_list("project_id", flat=True)),
        "interest_form": InterestForm(),
    }
    return render(request, "marketplace/recommendations.html", context)


@login_required
@require_POST
def interest_express(request, slug, project_id):
    organisation, _membership = _company(request, slug)
    profile = actions.company_profile_of(organisation)
    project = get_object_or_404(ProjectPage, pk=project_id)
    if profile is None:
        return redirect("marketplace:company_profile", slug=organisation.slug)
    form = InterestForm(request.POST)
    form.is_valid()
    try:
        actions.express_interest(request.user, profile, project, message=form.cleaned_data.get("message", ""))
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect("marketplace:recommendations", slug=organisation.slug)
    messages.success(request, _("The team of %(project)s has been told of your interest.") % {"project": project.title})
    return redirect("marketplace:company_interests", slug=organisation.slug)


@login_required
@require_http_methods(["GET", "POST"])
def saved_searches(request, slug):
    organisation, membership = _company(request, slug)
    profile = _profile_or_redirect(request, organisation)
    if profile is None:
        return redirect("marketplace:company_profile", slug=organisation.slug)
    form = SavedSearchForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.save_search(request.user, profile, form=form)
        messages.success(request, _("The search is saved: matching new projects come in the weekly digest."))
        return redirect("marketplace:saved_searches", slug=organisation.slug)
    context = {
        "organisation": organisation,
        "membership": membership,
        "searches": profile.saved_searches.prefetch_related("sectors", "counties"),
        "form": form,
    }
    return render(request, "marketplace/saved_searches.html", context, status=400 if form.errors else 200)


@login_required
@require_POST
def saved_search_delete(request, slug, pk):
    organisation, _membership = _company(request, slug)
    saved_search = get_object_or_404(SavedSearch, pk=pk, company__organisation=organisation)
    actions.delete_search(request.user, saved_search)
    messages.success(request, _("The saved search has been deleted."))
    return redirect("marketplace:saved_searches", slug=organisation.slug)


@login_required
@require_GET
def impact(request, slug):
    organisation, membership = _company(request, slug)
    profile = _profile_or_redirect(request, organisation)
    if profile is None:
        return redirect("marketplace:company_profile", slug=organisation.slug)
    context = {"organisation": organisation, "membership": membership, "report": impact_report(profile)}
    return render(request, "marketplace/impact.html", context)


@login_required
@require_GET
def company_interests(request, slug):
    organisation, membership = _company(request, slug)
    interests = Interest.objects.filter(company__organisation=organisation).select_related("project__township__county")
    context = {
        "organisation": organisation,
        "membership": membership,
        "page": Paginator(interests, 25).get_page(request.GET.get("page")),
        "side": "company",
    }
    return render(request, "marketplace/interest_list.html", context)


@login_required
@require_GET
def enterprise_interests(request, slug):
    organisation, membership = _enterprise_team(request, slug)
    interests = Interest.objects.filter(project__listing__enterprise__organisation=organisation).select_related(
        "project__township__county", "company__organisation"
    )
    context = {
        "organisation": organisation,
        "membership": membership,
        "page": Paginator(interests, 25).get_page(request.GET.get("page")),
        "side": "team",
    }
    return render(request, "marketplace/interest_list.html", context)


@login_required
@require_GET
def fitting_companies(request, slug):
    """Enterprise members see the discoverable companies that fit their team, with the reasons."""
    organisation, membership = _enterprise_team(request, slug)
    enterprise = EnterpriseProfile.objects.filter(organisation=organisation).select_related("township__county").first()
    matches = recommend_companies(enterprise) if enterprise is not None else []
    context = {
        "organisation": organisation,
        "membership": membership,
        "enterprise": enterprise,
        "page": Paginator(matches, 25).get_page(request.GET.get("page")),
    }
    return render(request, "marketplace/fitting_companies.html", context)


def _interest_for(request, pk):
    interest = get_object_or_404(
        Interest.objects.select_related("company__organisation", "project__township__county"), pk=pk
    )
    actions.check_interest_viewer(request.user, interest)
    return interest


@login_required
@require_GET
def interest_detail(request, pk):
    interest = _interest_for(request, pk)
    is_team = actions.project_enterprise(interest.project) is not None and (
        get_membership(request.user, actions.project_enterprise(interest.project)) is not None
    )
    next_stages = actions.TEAM_TRANSITIONS.get(interest.stage, ()) if is_team else ()
    context = {
        "interest": interest,
        "events": interest.events.select_related("actor"),
        "is_team": is_team,
        "is_company": get_membership(request.user, interest.company.organisation) is not None,
        "advance_form": AdvanceForm() if next_stages else None,
        "next_stages": [interest.Stage(stage) for stage in next_stages],
        "is_final": interest.stage in actions.FINAL_STAGES,
    }
    return render(request, "marketplace/interest_detail.html", context)


@login_required
@require_POST
def interest_advance(request, pk):
    interest = _interest_for(request, pk)
    actions.check_team_member(request.user, interest)
    form = AdvanceForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("__all__", []) or [_("Choose one of the stages offered.")]:
            messages.error(request, error)
        for field in ("amount",):
            for error in form.errors.get(field, []):
                messages.error(request, error)
        return redirect("marketplace:interest_detail", pk=interest.pk)
    try:
        actions.advance_interest(
            request.user,
            interest,
            form.cleaned_data["stage"],
            amount_twd=form.cleaned_data["amount"],
            instrument=form.cleaned_data["instrument"],
        )
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("The interest has been moved on."))
    return redirect("marketplace:interest_detail", pk=interest.pk)


@login_required
@require_POST
def interest_withdraw(request, pk):
    interest = _interest_for(request, pk)
    try:
        actions.withdraw_interest(request.user, interest)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, _("Your interest has been withdrawn."))
    return redirect("marketplace:interest_detail", pk=interest.pk)


STEPS = [step for step, _form in WIZARD_STEPS]


def _enterprise_for_team(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    actions.check_enterprise_team(request.user, organisation)
    return organisation


# --- enterprise profiles -----------------------------------------------------------------------


@require_GET
def enterprise_detail(request, slug):
    profile = get_object_or_404(
        EnterpriseProfile.objects.select_related("organisation", "township__county"), organisation__slug=slug
    )
    projects = [listing.project for listing in profile.listings.select_related("project") if is_public(listing.project)]
    context = {"profile": profile, "projects": projects, "sectors": profile.sectors.all(), "sdgs": profile.sdgs.all()}
    return render(request, "marketplace/enterprise_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, slug):
    organisation = _enterprise_for_team(request, slug)
    profile = EnterpriseProfile.objects.filter(organisation=organisation).first()
    form = EnterpriseProfileForm(request.POST or None, instance=profile or EnterpriseProfile(organisation=organisation))
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in actions.PROFILE_FIELDS}
        actions.save_enterprise_profile(
            request.user, organisation, sectors=form.cleaned_data["sectors"], sdgs=form.cleaned_data["sdgs"], **data
        )
        messages.success(request, _("The enterprise profile has been saved."))
        return redirect("marketplace:enterprise_projects", slug=organisation.slug)
    status = 400 if request.method == "POST" else 200
    context = {"organisation": organisation, "form": form, "profile": profile}
    return render(request, "marketplace/enterprise_edit.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_projects(request, slug):
    """The team's own page: its drafts, submitted projects, and a button to start a new project."""
    organisation = _enterprise_for_team(request, slug)
    profile = EnterpriseProfile.objects.filter(organisation=organisation).first()
    if request.method == "POST":
        try:
            draft = actions.start_project_draft(request.user, organisation)
        except ActionRefused as refused:
            messages.error(request, refused.message)
            return redirect("marketplace:enterprise_edit", slug=organisation.slug)
        return redirect("marketplace:draft_step", pk=draft.pk, step=STEPS[0])
    drafts = profile.drafts.select_related("submitted_project") if profile else ProjectDraft.objects.none()
    page = Paginator(drafts, 20).get_page(request.GET.get("page"))
    context = {"organisation": organisation, "profile": profile, "page": page}
    return render(request, "marketplace/enterprise_projects.html", context)


# --- the wizard --------------------------------------------------------------------------------


def _draft_for_team(request, pk):
    draft = get_object_or_404(ProjectDraft.objects.select_related("enterprise__organisation"), pk=pk)
    actions.check_enterprise_team(request.user, draft.enterprise.organisation)
    return draft


def _next_step(step):
    return STEPS[min(STEPS.index(step) + 1, len(STEPS) - 1)]


def _step_form(draft, step, data=None, files=None):
    if step == "basics":
        initial = {
            "title": draft.title,
            "summary": draft.summary,
            "sector": draft.sector,
            "sdgs": list(draft.sdgs.all()),
        }
        return BasicsForm(data, initial=initial)
    if step == "story":
        return StoryForm(data, files, initial={"story": draft.story})
    if step == "funding":
        return FundingForm(data, initial=FundingForm.initial_for(draft))
    return None


@transaction.atomic
def _save_step(request, draft, step, form):
    data = form.cleaned_data
    if step == "basics":
        fields = {"title": data["title"], "summary": data["summary"], "sector": data["sector"]}
        actions.save_draft_step(request.user, draft, step, many={"sdgs": data["sdgs"]}, **fields)
    elif step == "story":
        fields = {"story": data["story"]}
        if data.get("image"):
            from cms.models import CustomImage

            fields["image"] = CustomImage.objects.create(
                title=draft.title or data["image"].name, description=data["image_description"], file=data["image"]
            )
        actions.save_draft_step(request.user, draft, step, **fields)
    elif step == "funding":
        actions.save_draft_step(
            request.user, draft, step, many={"support_programmes": data["support_programmes"]}, **form.draft_fields()
        )
        actions.save_donation_campaign(request.user, draft, form.campaign_fields())


@login_required
@require_http_methods(["GET", "POST"])
def draft_step(request, pk, step):
    draft = _draft_for_team(request, pk)
    if step not in STEPS:
        raise Http404
    if draft.is_submitted:
        return redirect("marketplace:enterprise_projects", slug=draft.enterprise.organisation.slug)
    form = _step_form(draft, step, request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form is None:
            actions.save_draft_step(request.user, draft, step)
            return redirect("marketplace:draft_step", pk=draft.pk, step=_next_step(step))
        if form.is_valid():
            _save_step(request, draft, step, form)
            messages.success(request, _("Saved. You can leave and come back to this draft at any time."))
            return redirect("marketplace:draft_step", pk=draft.pk, step=_next_step(step))
    context = {
        "draft": draft,
        "step": step,
        "steps": ProjectDraft.Step.choices,
        "form": form,
        "plan_form": SubscriptionPlanForm(),
        "milestone_form": MilestoneForm(),
    }
    if step == "preview":
        context["problems"] = actions.draft_problems(draft)
        context["story_body"] = actions.story_body(draft)
        context["campaign"] = DonationCampaign.objects.filter(draft=draft).first()
    status = 400 if request.method == "POST" else 200
    return render(request, "marketplace/draft_step.html", context, status=status)


def _render_with(request, draft, step, **forms):
    context = {
        "draft": draft,
        "step": step,
        "steps": ProjectDraft.Step.choices,
        "form": _step_form(draft, step),
        "plan_form": SubscriptionPlanForm(),
        "milestone_form": MilestoneForm(),
    }
    context.update(forms)
    return render(request, "marketplace/draft_step.html", context, status=400)


@login_required
@require_POST
def draft_plan_add(request, pk):
    draft = _draft_for_team(request, pk)
    form = SubscriptionPlanForm(request.POST)
    if not form.is_valid():
        return _render_with(request, draft, "funding", plan_form=form)
    try:
        actions.add_subscription_plan(request.user, draft, **form.plan_fields())
    except ActionRefused as refused:
        messages.error(request, refused.message)
    return redirect("marketplace:draft_step", pk=draft.pk, step="funding")


@login_required
@require_POST
def draft_plan_remove(request, pk, plan_pk):
    draft = _draft_for_team(request, pk)
    get_object_or_404(draft.subscription_plans, pk=plan_pk)
    actions.remove_subscription_plan(request.user, draft, plan_pk)
    return redirect("marketplace:draft_step", pk=draft.pk, step="funding")


@login_required
@require_POST
def draft_milestone_add(request, pk):
    draft = _draft_for_team(request, pk)
    form = MilestoneForm(request.POST)
    if not form.is_valid():
        return _render_with(request, draft, "milestones", milestone_form=form)
    actions.add_milestone(request.user, draft, **form.cleaned_data)
    return redirect("marketplace:draft_step", pk=draft.pk, step="milestones")


@login_required
@require_POST
def draft_milestone_remove(request, pk, milestone_pk):
    draft = _draft_for_team(request, pk)
    get_object_or_404(draft.milestones, pk=milestone_pk)
    actions.remove_milestone(request.user, draft, milestone_pk)
    return redirect("marketplace:draft_step", pk=draft.pk, step="milestones")


@login_required
@require_POST
def draft_submit(request, pk):
    draft = _draft_for_team(request, pk)
    try:
        actions.submit_project_draft(request.user, draft)
    except ActionRefused as refused:
        messages.error(request, refused.message)
        return redirect("marketplace:draft_step", pk=draft.pk, step="preview")
    messages.success(request, _("Thank you. Your project is under review; we will tell you when it is published."))
    return redirect("marketplace:enterprise_projects", slug=draft.enterprise.organisation.slug)


# --- after submission --------------------------------------------------------------------------


def _listing_for_team(request, project_id):
    listing = get_object_or_404(
        ProjectListing.objects.select_related("project", "enterprise__organisation"), project_id=project_id
    )
    actions.check_project_team(request.user, listing)
    return listing


@login_required
@require_http_methods(["GET", "POST"])
def project_team(request, project_id):
    """The team's page for a project: post an update, mark milestones done."""
    listing = _listing_for_team(request, project_id)
    form = ProjectUpdateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.post_project_update(request.user, listing, **form.cleaned_data)
        messages.success(request, _("The update has been posted."))
        return redirect("marketplace:project_team", project_id=project_id)
    context = {"listing": listing, "form": form, "milestones": listing.milestones.all()}
    return render(request, "marketplace/project_team.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def milestone_done(request, project_id, pk):
    listing = _listing_for_team(request, project_id)
    milestone = get_object_or_404(Milestone, pk=pk, listing=listing)
    try:
        actions.mark_milestone_done(request.user, milestone)
    except ActionRefused as refused:
        messages.error(request, refused.message)
    return redirect("marketplace:project_team", project_id=project_id)


def _public_listing(project_id):
    listing = get_object_or_404(
        ProjectListing.objects.select_related("project", "enterprise__organisation"), project_id=project_id
    )
    if not is_public(listing.project):
        raise Http404
    return listing


@require_GET
def funding_progress(request, project_id):
    """A public project's current totals, for a project page whose live socket was down (same as funding.progress)."""
    from marketplace.funding import progress_of, public_listing

    listing = public_listing(project_id)
    if listing is None:
        raise Http404
    return JsonResponse(progress_of(listing))


@require_http_methods(["GET", "POST"])
def questions(request, project_id):
    """Questions and answers under a published project; signed-in people ask, the team answers."""
    listing = _public_listing(project_id)
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            actions.ask_question(request.user, listing, text=form.cleaned_data["text"])
            messages.success(request, _("Your question has been sent to the team."))
            return redirect("marketplace:questions", project_id=project_id)
    is_team = (
        request.user.is_authenticated and listing.enterprise.organisation.members.filter(pk=request.user.pk).exists()
    )
    items = listing.questions.filter(hidden=False).select_related("author").prefetch_related("answers__author")
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    context = {
        "listing": listing,
        "page": page,
        "form": form,
        "is_team": is_team,
    }
    return render(request, "marketplace/questions.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def question_answer(request, project_id, pk):
    listing = _listing_for_team(request, project_id)
    question = get_object_or_404(Question, pk=pk, listing=listing)
    form = AnswerForm(request.POST)
    if form.is_valid():
        actions.answer_question(request.user, question, text=form.cleaned_data["text"])
    else:
        messages.error(request, _("Write an answer first."))
    return redirect("marketplace:questions", project_id=project_id)


@login_required
@require_POST
def report(request, project_id, kind, pk):
    listing = _public_listing(project_id)
    if kind == "question":
        target = {"question": get_object_or_404(Question, pk=pk, listing=listing)}
    elif kind == "answer":
        target = {"answer": get_object_or_404(Answer, pk=pk, question__listing=listing)}
    else:
        raise Http404
    form = AbuseReportForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say what is wrong, so the moderators can judge."))
    else:
        try:
            actions.report_abuse(request.user, reason=form.cleaned_data["reason"], **target)
            messages.success(request, _("Thank you. The moderators will look at it."))
        except ActionRefused as refused:
            messages.error(request, refused.message)
    return redirect("marketplace:questions", project_id=project_id)
