"""A company's own pages: its profile, saved searches and impact report (members only; admins edit)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from cms.public import in_active_language
from marketplace import actions, providers, queries
from marketplace.forms import CompanyProfileForm, SavedSearchForm
from marketplace.impact import impact_report
from marketplace.models import SavedSearch
from marketplace.views.common import company_for_member, profile_or_redirect


@login_required
@require_http_methods(["GET", "POST"])
def company_profile(request, slug):
    organisation, membership = company_for_member(request, slug)
    profile = queries.company_profile_of(organisation)
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
def saved_searches(request, slug):
    organisation, membership = company_for_member(request, slug)
    profile, to_profile_form = profile_or_redirect(request, organisation)
    if to_profile_form:
        return to_profile_form
    form = SavedSearchForm(request.POST or None, company=profile)
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
    organisation, _membership = company_for_member(request, slug)
    saved_search = get_object_or_404(SavedSearch, pk=pk, company__organisation=organisation)
    actions.delete_search(request.user, saved_search)
    messages.success(request, _("The saved search has been deleted."))
    return redirect("marketplace:saved_searches", slug=organisation.slug)


@login_required
@require_safe
def impact(request, slug):
    organisation, membership = company_for_member(request, slug)
    profile, to_profile_form = profile_or_redirect(request, organisation)
    if to_profile_form:
        return to_profile_form
    member_ids = list(organisation.memberships.values_list("user_id", flat=True))
    volunteer_hours = providers.members_volunteer_hours(member_ids)
    report = impact_report(profile)
    # Commitments are recorded against the projects' original pages; the reader sees their titles in their language.
    shown = in_active_language([line.interest.project for line in report.lines])
    context = {
        "organisation": organisation,
        "membership": membership,
        "report": report,
        "report_rows": list(zip(report.lines, shown, strict=True)),
        "volunteer_hours": volunteer_hours,
        "volunteer_hours_total": round(sum(volunteer_hours.values()), 1),
        "followed_organisations": providers.members_followed_organisations(member_ids),
    }
    return render(request, "marketplace/impact.html", context)
