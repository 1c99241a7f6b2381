"""Regulatory issues: the public list and page, the form to raise one, staff's routing and answer."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from core.actions import run_action
from policy import actions
from policy.forms import AnswerForm, IssueFilterForm, IssueForm, RouteForm
from policy.models import RegulatoryIssue


@require_safe
def issue_list(request):
    form = IssueFilterForm(request.GET or None)
    issues = RegulatoryIssue.objects.select_related("township__county", "organisation", "ministry")
    if form.is_valid():
        if form.cleaned_data["outcome"]:
            issues = issues.filter(outcome=form.cleaned_data["outcome"])
        if form.cleaned_data["ministry"]:
            issues = issues.filter(ministry=form.cleaned_data["ministry"])
        if form.cleaned_data["county"]:
            issues = issues.filter(township__county=form.cleaned_data["county"])
    page = Paginator(issues, 20).get_page(request.GET.get("page"))
    can_submit = actions.organisations_that_may_submit(request.user).exists()
    return render(request, "policy/issue_list.html", {"form": form, "page": page, "can_submit": can_submit})


@require_safe
def issue_detail(request, pk):
    issue = get_object_or_404(
        RegulatoryIssue.objects.select_related("township__county", "organisation", "ministry"), pk=pk
    )
    context = {"issue": issue}
    if request.user.is_staff:
        context["route_form"] = RouteForm(initial={"ministry": issue.ministry})
        context["answer_form"] = AnswerForm(initial={"outcome": issue.outcome, "answer": issue.answer})
    return render(request, "policy/issue_detail.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def issue_new(request):
    organisations = actions.organisations_that_may_submit(request.user)
    if not organisations.exists():
        return render(request, "policy/issue_new.html", {"form": None}, status=403)
    form = IssueForm(request.POST or None, organisations=organisations)
    if request.method == "POST" and form.is_valid():
        data = {name: form.cleaned_data[name] for name in ("rule", "township", "blocks", "proposal", "show_identity")}
        outcome = run_action(request, actions.submit_issue, form.cleaned_data["organisation"], form=form, **data)
        if outcome.done:
            messages.success(
                request, _("Thank you: the issue has been submitted. Staff will route it to the ministry in charge.")
            )
            return redirect(outcome.result.get_absolute_url())
    status = 400 if request.method == "POST" else 200
    return render(request, "policy/issue_new.html", {"form": form}, status=status)


@login_required
@require_POST
def issue_route(request, pk):
    actions.check_staff(request.user)
    issue = get_object_or_404(RegulatoryIssue, pk=pk)
    form = RouteForm(request.POST)
    if form.is_valid():
        run_action(
            request, actions.route_issue, issue, form.cleaned_data["ministry"], success=_("The issue has been routed.")
        )
    else:
        messages.error(request, _("Choose the ministry to route the issue to."))
    return redirect(issue.get_absolute_url())


@login_required
@require_POST
def issue_answer(request, pk):
    actions.check_staff(request.user)
    issue = get_object_or_404(RegulatoryIssue, pk=pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        run_action(
            request, actions.record_answer, issue, success=_("The answer has been recorded."), **form.cleaned_data
        )
    else:
        messages.error(request, _("Choose one of the outcomes offered."))
    return redirect(issue.get_absolute_url())
