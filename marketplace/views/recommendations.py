"""Matching both ways: projects recommended to a company, companies that fit an enterprise team."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_safe

from accounts.models import Organisation
from cms.public import in_active_language
from marketplace import actions
from marketplace.forms import InterestForm
from marketplace.matching import declared_facts, kept_recommendations, recommend_companies
from marketplace.models import EnterpriseProfile
from marketplace.views.common import company_for_member, profile_or_redirect


@login_required
@require_safe
def recommendations(request, slug):
    organisation, membership = company_for_member(request, slug)
    profile, to_profile_form = profile_or_redirect(request, organisation)
    if to_profile_form:
        return to_profile_form
    facts = declared_facts(profile)
    recommendations = kept_recommendations(profile, facts=facts)
    # A project is ranked as its original page (interests are recorded against it); its card shows the version in
    # the reader's language, as search hits do: the translation, or the alias under the reader's URL prefix.
    # The cards are the ones project lists keep ({% project_card_html %}): rendered once per project and language.
    shown = in_active_language([recommendation.project for recommendation in recommendations])
    context = {
        "organisation": organisation,
        "membership": membership,
        "profile": profile,
        "recommendations": list(zip(recommendations, shown, strict=True)),
        "shown_ids": [page.pk for page in shown],
        "interested": set(profile.interests.values_list("project_id", flat=True)),
        "interest_form": InterestForm(),
        "undeclared": facts.undeclared,
    }
    return render(request, "marketplace/recommendations.html", context)


@login_required
@require_safe
def fitting_companies(request, slug):
    """Enterprise members see the discoverable companies that fit their team, with the reasons."""
    organisation = get_object_or_404(Organisation, slug=slug, kind=Organisation.Kind.ENTERPRISE)
    membership = actions.check_enterprise_team(request.user, organisation)
    enterprise = EnterpriseProfile.objects.filter(organisation=organisation).select_related("township__county").first()
    matches = recommend_companies(enterprise) if enterprise is not None else []
    context = {
        "organisation": organisation,
        "membership": membership,
        "enterprise": enterprise,
        "page": Paginator(matches, 25).get_page(request.GET.get("page")),
    }
    return render(request, "marketplace/fitting_companies.html", context)
