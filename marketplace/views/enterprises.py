"""An enterprise's public profile, and its team's pages: edit the profile, the team's projects and drafts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from accounts.models import Organisation
from cms.public import in_active_language
from core.actions import run_action
from marketplace import actions, queries
from marketplace.forms import EnterpriseProfileForm
from marketplace.models import EnterpriseProfile
from marketplace.presentation import team_projects
from marketplace.programme_fit import programmes_for_team
from marketplace.views.wizard import STEPS


def enterprise_for_team(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    actions.check_enterprise_team(request.user, organisation)
    return organisation


@require_safe
def enterprise_detail(request, slug):
    profile = get_object_or_404(
        EnterpriseProfile.objects.select_related("organisation", "township__county"), organisation__slug=slug
    )
    context = {
        "profile": profile,
        "projects": in_active_language(queries.public_projects_of(profile)),
        "sectors": profile.sectors.all(),
        "sdgs": profile.sdgs.all(),
    }
    return render(request, "marketplace/enterprise_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_edit(request, slug):
    organisation = enterprise_for_team(request, slug)
    profile = EnterpriseProfile.objects.filter(organisation=organisation).first()
    # A first profile starts in the township the team named when it was created.
    new_profile = EnterpriseProfile(organisation=organisation, township_id=organisation.township_id)
    form = EnterpriseProfileForm(request.POST or None, instance=profile or new_profile)
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
    """The team's own page: its projects (those staff made for it first, then its drafts and submissions), each live
    one with its team pages, and a button to start a new project."""
    organisation = enterprise_for_team(request, slug)
    profile = EnterpriseProfile.objects.filter(organisation=organisation).first()
    if request.method == "POST":
        outcome = run_action(request, actions.start_project_draft, organisation)
        if not outcome.done:
            return redirect("marketplace:enterprise_edit", slug=organisation.slug)
        return redirect("marketplace:draft_step", pk=outcome.result.pk, step=STEPS[0])
    items = []
    if profile is not None:
        items = [*queries.listings_without_draft(profile), *profile.drafts.select_related("submitted_project")]
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    context = {
        "organisation": organisation,
        "profile": profile,
        "page": page,
        "rows": team_projects(page, request.user),
        "fits": programmes_for_team(profile),
    }
    return render(request, "marketplace/enterprise_projects.html", context)
