"""A listed project after submission: the team's page (updates, milestones) and its public questions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
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
            outcome = run_action(
                request,
                actions.ask_question,
                listing,
                text=form.cleaned_data["text"],
                form=form,
                error_field="text",
                success=_("Your question has been sent to the team."),
            )
            if outcome.done:
                return redirect("marketplace:questions", project_id=project_id)
        return _questions_page(request, listing, form=form, status=400)
    return _questions_page(request, listing, form=form)


def _questions_page(request, listing, *, form=None, refused=None, status=200):
    """The questions page; `refused`: the answer or report form the server refused, with what it answers
    ("answer", "question" or "report-answer" and the pk), shown again beside its question with its reason and what
    was typed. The page shown is the one the form was sent from (?page= on the form's address)."""
    items = listing.questions.filter(hidden=False).select_related("author").prefetch_related("answers__author")
    refused_form, refused_kind, refused_pk = refused or (None, None, None)
    page = Paginator(items, 20).get_page(request.GET.get("page"))
    is_team = queries.is_member_of(request.user, listing.enterprise.organisation)
    if refused_form is not None and refused_pk not in _forms_offered(request.user, page, is_team)[refused_kind]:
        # A form the page does not offer (one's own words, a hidden answer): its reasons said on the page instead.
        for errors in refused_form.errors.values():
            for error in errors:
                messages.error(request, error)
    context = {
        "listing": listing,
        "project": listing.project.localized,  # its title and address in the reader's language
        "page": page,
        "form": form if form is not None else QuestionForm(),
        "is_team": is_team,
        "refused_form": refused_form,
        "refused_kind": refused_kind,
        "refused_pk": refused_pk,
    }
    return render(request, "marketplace/questions.html", context, status=status)


def _forms_offered(user, page, is_team):
    """The pks of what the page offers each small form for, as questions.html does."""
    questions = list(page)
    answers = [answer for question in questions for answer in question.answers.all() if not answer.hidden]
    return {
        "answer": {question.pk for question in questions} if is_team else set(),
        "report-question": {question.pk for question in questions if question.author_id != user.pk},
        "report-answer": {answer.pk for answer in answers if answer.author_id != user.pk},
    }


@login_required
@require_POST
def question_answer(request, project_id, pk):
    listing = queries.team_listing(request.user, project_id)
    question = get_object_or_404(Question, pk=pk, listing=listing)
    form = AnswerForm(request.POST, auto_id=f"id_answer_{question.pk}_%s")
    if form.is_valid():
        outcome = run_action(request, actions.answer_question, question, text=form.cleaned_data["text"], form=form)
        if outcome.done:
            return redirect(_back_to_page(request, project_id))
    # Refused: the answer typed comes back under its question with the reason beside it.
    return _questions_page(request, listing, refused=(form, "answer", question.pk), status=400)


def _back_to_page(request, project_id):
    """The questions page the form was sent from."""
    url = reverse("marketplace:questions", kwargs={"project_id": project_id})
    page = request.GET.get("page", "")
    return f"{url}?page={page}" if page.isdigit() and page != "1" else url


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
    form = AbuseReportForm(request.POST, auto_id=f"id_report_{kind}_{pk}_%s")
    if form.is_valid():
        outcome = run_action(
            request,
            actions.report_abuse,
            reason=form.cleaned_data["reason"],
            form=form,
            success=_("Thank you. The moderators will look at it."),
            **target,
        )
        if outcome.done:
            return redirect(_back_to_page(request, project_id))
    # Refused: the reason typed comes back in the open report form, with why it was refused.
    return _questions_page(request, listing, refused=(form, f"report-{kind}", pk), status=400)
