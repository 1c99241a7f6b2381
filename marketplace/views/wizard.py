"""The project wizard: one page per step of a draft, its plans and milestones, and the submission."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.actions import ActionRefused, run_action
from marketplace import actions
from marketplace.forms import WIZARD_STEPS, BasicsForm, FundingForm, MilestoneForm, StoryForm, SubscriptionPlanForm
from marketplace.models import DonationCampaign, ProjectDraft
from marketplace.presentation import FUNDING_KINDS, draft_preview_texts

STEPS = [step for step, _form in WIZARD_STEPS]
# The plan fields sit inside the funding step's own form (prefixed), so "Add plan" sends what the team typed there too.
PLAN_PREFIX = "plan"


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
            **{name: getattr(draft, name) for name in ("title_en", "summary_en", "title_ja", "summary_ja")},
        }
        return BasicsForm(data, initial=initial)
    if step == "story":
        return StoryForm(
            data, files, initial={"story": draft.story, "story_en": draft.story_en, "story_ja": draft.story_ja}
        )
    if step == "funding":
        return FundingForm(data, initial=FundingForm.initial_for(draft))
    return None


def _save_step(user, draft, step, form):
    data = form.cleaned_data
    if step == "basics":
        fields = {"title": data["title"], "summary": data["summary"], "sector": data["sector"]}
        fields.update({name: data[name] for name in ("title_en", "summary_en", "title_ja", "summary_ja")})
        actions.save_draft_step(user, draft, step, many={"sdgs": data["sdgs"]}, **fields)
    elif step == "story":
        actions.save_story_step(
            user,
            draft,
            story=data["story"],
            story_en=data["story_en"],
            story_ja=data["story_ja"],
            image=data.get("image"),
            image_description=data["image_description"],
        )
    elif step == "funding":
        actions.save_funding_step(
            user,
            draft,
            many={"support_programmes": data["support_programmes"]},
            campaign_fields=form.campaign_fields(),
            **form.draft_fields(),
        )


def _page(request, draft, step, form, status=200, **forms):
    context = {
        "draft": draft,
        "step": step,
        "steps": ProjectDraft.Step.choices,
        "form": form,
        "plan_form": SubscriptionPlanForm(prefix=PLAN_PREFIX, use_required_attribute=False),
        "milestone_form": MilestoneForm(enterprise=draft.enterprise),
        "live_edit": actions.is_live_edit(draft),
        **forms,
    }
    if step == "preview":
        context["problems"] = actions.draft_problems(draft)
        # The preview in the language a reader will read it in (?show=en): the team's translation where it wrote
        # one, the original marked otherwise; the interface of the preview in that language too.
        languages = [code for code, _name in settings.LANGUAGES]
        shown = request.GET.get("show", "").lower()
        shown = shown if shown in languages else settings.LANGUAGE_CODE.lower()
        context["preview"] = draft_preview_texts(draft, shown)
        context["preview_languages"] = settings.LANGUAGES
        context["campaign"] = DonationCampaign.objects.filter(draft=draft).first()
        context["plans"] = list(draft.subscription_plans.all())
        offered = {
            "subscription": bool(context["plans"]),
            "donation": context["campaign"] is not None,
            "investment": draft.seeks_investment,
        }
        context["kinds"] = [(code, label) for code, label in FUNDING_KINDS.items() if offered[code]]
    return render(request, "marketplace/draft_step.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def draft_step(request, pk, step):
    draft = _draft_for_team(request, pk)
    if step not in STEPS:
        raise Http404
    if draft.is_submitted:
        return redirect("marketplace:enterprise_projects", slug=draft.enterprise.organisation.slug)
    form = _step_form(draft, step, request.POST or None, request.FILES or None)
    if request.method == "POST" and form is not None and step == "funding" and "add_plan" in request.POST:
        return _add_plan_keeping_funding(request, draft, form)
    if request.method == "POST":
        if form is None:
            actions.save_draft_step(request.user, draft, step)
            return redirect("marketplace:draft_step", pk=draft.pk, step=_next_step(step))
        if form.is_valid() and _saved(request, draft, step, form):
            messages.success(request, _("Saved. You can leave and come back to this draft at any time."))
            return redirect("marketplace:draft_step", pk=draft.pk, step=_next_step(step))
    return _page(request, draft, step, form, status=400 if request.method == "POST" else 200)


def _saved(request, draft, step, form):
    """Save the step; a refusal (a live project's terms that must stay) becomes the form's error."""
    try:
        _save_step(request.user, draft, step, form)
    except ActionRefused as refused:
        form.add_error(None, refused.message)
        return False
    return True


def _add_plan_keeping_funding(request, draft, funding_form):
    """ "Add plan" on the funding step saves the plan and the funding fields together, so what the team typed there
    is never dropped. When either has a problem, nothing is saved and both come back as typed, with the problems."""
    plan_form = SubscriptionPlanForm(request.POST, prefix=PLAN_PREFIX, use_required_attribute=False)
    plan_ok, funding_ok = plan_form.is_valid(), funding_form.is_valid()
    if not (plan_ok and funding_ok):
        return _page(request, draft, "funding", funding_form, status=400, plan_form=plan_form)
    try:
        with transaction.atomic():
            _save_step(request.user, draft, "funding", funding_form)
            actions.add_subscription_plan(request.user, draft, **plan_form.plan_fields())
    except ActionRefused as refused:
        _plan_refused(plan_form, refused)
        return _page(request, draft, "funding", funding_form, status=400, plan_form=plan_form)
    messages.success(request, _("Plan added; the funding details are saved too."))
    return redirect(f"{reverse('marketplace:draft_step', kwargs={'pk': draft.pk, 'step': 'funding'})}#plans-title")


def _plan_refused(plan_form, refused):
    """A refused plan comes back on the plan's own form, as typed, with the reason beside the field to change."""
    plan_form.add_error("name" if refused.code == actions.DUPLICATE_NAME else None, refused.message)


@login_required
@require_POST
def draft_plan_add(request, pk):
    draft = _draft_for_team(request, pk)
    form = SubscriptionPlanForm(request.POST)
    if form.is_valid():
        try:
            actions.add_subscription_plan(request.user, draft, **form.plan_fields())
        except ActionRefused as refused:
            _plan_refused(form, refused)
        else:
            return redirect("marketplace:draft_step", pk=draft.pk, step="funding")
    return _page(request, draft, "funding", _step_form(draft, "funding"), status=400, plan_form=form)


@login_required
@require_POST
def draft_plan_remove(request, pk, plan_pk):
    draft = _draft_for_team(request, pk)
    get_object_or_404(draft.subscription_plans, pk=plan_pk)
    run_action(request, actions.remove_subscription_plan, draft, plan_pk)
    return redirect("marketplace:draft_step", pk=draft.pk, step="funding")


@login_required
@require_POST
def draft_milestone_add(request, pk):
    draft = _draft_for_team(request, pk)
    form = MilestoneForm(request.POST, enterprise=draft.enterprise)
    if not form.is_valid():
        return _page(request, draft, "milestones", _step_form(draft, "milestones"), status=400, milestone_form=form)
    outcome = run_action(request, actions.add_milestone, draft, form=form, **form.cleaned_data)
    if outcome.done:
        return redirect("marketplace:draft_step", pk=draft.pk, step="milestones")
    # Refused (the draft submitted meanwhile, too many milestones): the milestone typed stays, with why.
    return _page(
        request, draft, "milestones", _step_form(draft, "milestones"), status=outcome.http_status, milestone_form=form
    )


@login_required
@require_POST
def draft_milestone_remove(request, pk, milestone_pk):
    draft = _draft_for_team(request, pk)
    get_object_or_404(draft.milestones, pk=milestone_pk)
    run_action(request, actions.remove_milestone, draft, milestone_pk)
    return redirect("marketplace:draft_step", pk=draft.pk, step="milestones")


@login_required
@require_POST
def draft_submit(request, pk):
    draft = _draft_for_team(request, pk)
    outcome = run_action(
        request,
        actions.submit_project_draft,
        draft,
        success=_("Thank you. Your project is under review; we will tell you when it is published."),
    )
    if not outcome.done:
        return redirect("marketplace:draft_step", pk=draft.pk, step="preview")
    return redirect("marketplace:enterprise_projects", slug=draft.enterprise.organisation.slug)


@login_required
@require_POST
def draft_delete(request, pk):
    draft = _draft_for_team(request, pk)
    slug = draft.enterprise.organisation.slug
    run_action(request, actions.delete_project_draft, draft, success=_("The draft is deleted."))
    return redirect("marketplace:enterprise_projects", slug=slug)


@login_required
@require_POST
def draft_reopen(request, pk):
    """The team takes back a submission the moderators sent back, to change it and submit it again."""
    draft = _draft_for_team(request, pk)
    outcome = run_action(
        request,
        actions.reopen_project_draft,
        draft,
        success=_("The project is open for changes again. Submit it when it is ready; the review goes on from there."),
    )
    if not outcome.done:
        return redirect("marketplace:enterprise_projects", slug=draft.enterprise.organisation.slug)
    return redirect("marketplace:draft_step", pk=draft.pk, step=STEPS[0])
