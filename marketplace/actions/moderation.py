"""What moderators do to what people post about projects: hide or show a question or an answer, resolve an abuse
report. Each is one action (permission check, change, audit entry), the same from the admin, a view or a script."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import ActionRefused
from core.audit import Action, log
from marketplace.models import AbuseReport, Answer, Question


def check_moderator(user, model):
    """Staff who may change `model`'s records in the admin (Moderators, superusers)."""
    codename = f"{model._meta.app_label}.change_{model._meta.model_name}"
    if not (user.is_authenticated and user.is_active and user.has_perm(codename)):
        raise PermissionDenied


@transaction.atomic
def set_question_hidden(user, question, hidden):
    """Hide a question (and so its answers) from the project's page, or show it again."""
    check_moderator(user, Question)
    question = (
        Question.objects.select_for_update(of=("self",))
        .select_related("listing__enterprise__organisation")
        .get(pk=question.pk)
    )
    if question.hidden != hidden:
        question.hidden = hidden
        question.save(update_fields=["hidden"])
        log(
            Action.QUESTION_HIDE if hidden else Action.QUESTION_SHOW,
            actor=user,
            organisation=question.listing.enterprise.organisation,
            question=question.pk,
        )
    return question


@transaction.atomic
def set_answer_hidden(user, answer, hidden):
    """Hide an answer from the project's page, or show it again."""
    check_moderator(user, Answer)
    answer = (
        Answer.objects.select_for_update(of=("self",))
        .select_related("question__listing__enterprise__organisation")
        .get(pk=answer.pk)
    )
    if answer.hidden != hidden:
        answer.hidden = hidden
        answer.save(update_fields=["hidden"])
        log(
            Action.ANSWER_HIDE if hidden else Action.ANSWER_SHOW,
            actor=user,
            organisation=answer.question.listing.enterprise.organisation,
            question=answer.question_id,
            answer=answer.pk,
        )
    return answer


@transaction.atomic
def resolve_abuse_report(user, report):
    """A moderator has dealt with a report (hidden what it points at, or found nothing wrong): now is its date."""
    check_moderator(user, AbuseReport)
    report = AbuseReport.objects.select_for_update().get(pk=report.pk)
    if report.resolved_at is not None:
        raise ActionRefused(_("This report was already resolved."))
    report.resolved_at = timezone.now()
    report.save(update_fields=["resolved_at"])
    log(Action.ABUSE_REPORT_RESOLVE, actor=user, report=report.pk, target=str(report.question_id or report.answer_id))
    return report
