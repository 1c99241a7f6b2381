"""After publication: milestones done, updates to the project's followers, questions and answers, abuse reports."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from cms.models import ProjectUpdate
from cms.public import is_public
from core.actions import ActionRefused, sent_moments_ago
from core.audit import Action, log
from core.languages import page_titles_by_language
from marketplace import providers
from marketplace.actions.teams import check_project_team
from marketplace.models import AbuseReport, Answer, Question
from notifications.actions import in_language_of, notify
from notifications.messages import Message
from notifications.models import Notification


@transaction.atomic
def mark_milestone_done(user, milestone):
    check_project_team(user, milestone.listing)
    if milestone.is_done:
        raise ActionRefused(_("This milestone is already marked done."))
    milestone.done_at = timezone.now()
    milestone.done_by = user
    milestone.save(update_fields=["done_at", "done_by"])
    log(
        Action.MILESTONE_DONE,
        actor=user,
        organisation=milestone.listing.enterprise.organisation,
        milestone=milestone.pk,
    )
    return milestone


def project_followers(listing):
    """Who hears of the project's updates: the signed-in people who back it now (company interests: not yet).

    This is the one place that gathers them; payments knows who backs (marketplace.providers.people_backing).
    """
    return providers.people_backing(listing)


@transaction.atomic
def post_project_update(user, listing, *, title, body, date=None):
    """Add an update (cms ProjectUpdate) to the project's page and notify its followers."""
    check_project_team(user, listing)
    project = listing.project
    update = ProjectUpdate.objects.create(
        project=project, date=date or timezone.localdate(), title=title, body=f"<p>{escape(body)}</p>"
    )
    _keep_update_in_latest_revision(project, update)
    log(Action.PROJECT_UPDATE, actor=user, organisation=listing.enterprise.organisation, project=project.pk)
    project_name = Message.named(page_titles_by_language(project))
    for follower in project_followers(listing):
        with in_language_of(follower):
            notify(
                follower,
                Notification.Kind.PROJECT_UPDATE,
                Message(gettext_noop("“%(project)s”: %(title)s"), project=project_name, title=title),
                body=body,
                url=project.url or "",
            )
    return update


def _keep_update_in_latest_revision(project, update):
    """Updates are shown at once, without review; the page's newest revision carries them too, so that
    publishing it later (a moderator approving an edit) does not drop them."""
    revision = project.latest_revision
    if revision is None:
        return
    page = revision.as_object()
    page.updates.add(update)
    revision.content = page.serializable_data()
    revision.save(update_fields=["content"])


def check_can_ask(user, listing):
    if not user.is_authenticated:
        raise PermissionDenied
    if not is_public(listing.project):
        raise PermissionDenied


# Each question notifies every member of the team: without a limit one account could flood teams' bells and inboxes.
QUESTIONS_PER_WINDOW = 10
QUESTION_WINDOW = timedelta(hours=1)


def _check_question_rate(user):
    """Called with the person's row locked (sent_moments_ago), so two tabs cannot both slip under the limit."""
    since = timezone.now() - QUESTION_WINDOW
    if Question.objects.filter(author=user, created__gte=since).count() >= QUESTIONS_PER_WINDOW:
        raise ActionRefused(
            _(
                "You have asked %(count)d questions in the last hour. Wait a while before asking more: the teams "
                "answer the ones you sent."
            )
            % {"count": QUESTIONS_PER_WINDOW},
            code="rate_limited",
        )


@transaction.atomic
def ask_question(user, listing, *, text):
    """Anyone signed in may ask about a published project; every team member is notified."""
    check_can_ask(user, listing)
    text = text.strip()
    asked = sent_moments_ago(user, Question.objects.filter(listing=listing, author=user, text=text))
    if asked is not None:  # the same question sent twice: the team is notified once
        return asked
    _check_question_rate(user)
    question = Question.objects.create(listing=listing, author=user, text=text)
    log(Action.QUESTION_ASK, actor=user, organisation=listing.enterprise.organisation, question=question.pk)
    url = reverse("marketplace:questions", kwargs={"project_id": listing.project_id})
    project_name = Message.named(page_titles_by_language(listing.project))
    for member in listing.enterprise.organisation.members.exclude(pk=user.pk):
        with in_language_of(member):
            notify(
                member,
                Notification.Kind.NEW_QUESTION,
                Message(gettext_noop("A new question about “%(project)s”"), project=project_name),
                body=question.text,
                url=url,
            )
    return question


@transaction.atomic
def answer_question(user, question, *, text):
    check_project_team(user, question.listing)
    answer = Answer.objects.create(question=question, author=user, text=text.strip())
    log(Action.QUESTION_ANSWER, actor=user, organisation=question.listing.enterprise.organisation, question=question.pk)
    return answer


@transaction.atomic
def report_abuse(user, *, question=None, answer=None, reason):
    if not user.is_authenticated:
        raise PermissionDenied
    target = question or answer
    listing = question.listing if question else answer.question.listing
    check_can_ask(user, listing)
    if target.author_id == user.pk:
        raise ActionRefused(_("You cannot report what you wrote yourself."))
    if AbuseReport.objects.filter(reporter=user, question=question, answer=answer, resolved_at=None).exists():
        raise ActionRefused(_("You have already reported this; the moderators will look at it."))
    report = AbuseReport.objects.create(reporter=user, question=question, answer=answer, reason=reason.strip())
    log(Action.ABUSE_REPORT, actor=user, report=report.pk, target=str(target.pk))
    return report
