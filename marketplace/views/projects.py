"""A listed project after submission: the team's page (updates, milestones) and its public questions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from core.actions import run_action
from marketplace import actions, queries
from marketplace.forms import AbuseReportForm, AnswerForm, ProjectUpdateForm, QuestionForm
from marketplace.models import Answer, Milestone, Question
from marketplace.programme_fit import programmes_for_team


@login_required
@require_http_methods(["GET", "POST"])
def project_team(request, project_id):
    """The team's page for a project: post an update, mark milestones done."""
    listing = queries.team_listing(request.user, project_id)
    form = ProjectUpdateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actions.post_project_update(request.user, listing, **form.cleaned_data)
        messages.success(request, _("The update has been posted."))
        return redirect("marketplace:project_team", project_id=project_id)
    context = {
        "listing": listing,
        "form": form,
        "milestones": listing.milestones.all(),
        "fits": programmes_for_team(listing.enterprise, listing),
    }
    return render(request, "marketplace/project_team.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def milestone_done(request, project_id, pk):
    listing = queries.team_listing(request.user, project_id)
    milestone = get_object_or_404(Milestone, pk=pk, listing=listing)
    run_action(request, actions.mark_milestone_done, milestone)
    return redirect("marketplace:project_team", project_id=project_id)


@require_http_methods(["GET", "POST"])
def questions(request, project_id):
    """Questions and answers under a published project; signed-in people ask, the team answers."""
    listing = queries.public_listing_or_404(project_id)
    form = QuestionForm(request.POST or None)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if form.is_valid():
            actions.ask_question(request.user, listing, text=form.cleaned_data["text"])
            messages.success(request, _("Your question has been sent to the team."))
            return redirect("marketplace:questions", project_id=project_id)
    items = listing.questions.filter(hidden=False).select_related("author").prefetch_related("answers__author")
    context = {
        "listing": listing,
        "page": Paginator(items, 20).get_page(request.GET.get("page")),
        "form": form,
        "is_team": queries.is_member_of(request.user, listing.enterprise.organisation),
    }
    return render(request, "marketplace/questions.html", context, status=400 if request.method == "POST" else 200)


@login_required
@require_POST
def question_answer(request, project_id, pk):
    listing = queries.team_listing(request.user, project_id)
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
    listing = queries.public_listing_or_404(project_id)
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
        run_action(
            request,
            actions.report_abuse,
            reason=form.cleaned_data["reason"],
            success=_("Thank you. The moderators will look at it."),
            **target,
        )
    return redirect("marketplace:questions", project_id=project_id)
