"""What moderators do to what people post about projects: hide or show a question or an answer, resolve an abuse
report. Each is one action (permission check, change, audit entry), the same from the admin, a view or a script."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import ActionRefused, check_model_permission
from core.audit import Action, log
from marketplace.models import AbuseReport


def check_moderator(user, model):
    """Staff who may change `model`'s records in the admin (Moderators, superusers)."""
    check_model_permission(user, model)


@transaction.atomic
def _set_hidden(user, post, hidden, *, organisation_path, hide, show, **audit_ids):
    """Hide `post` (a question or an answer) or show it again, under its row lock; logged only when it changes.
    `audit_ids`: the audit entry's ids, each read from the locked post by its attribute name."""
    model = type(post)
    check_moderator(user, model)
    post = model.objects.select_for_update(of=("self",)).select_related(organisation_path).get(pk=post.pk)
    if post.hidden != hidden:
        post.hidden = hidden
        post.save(update_fields=["hidden"])
        organisation = post
        for name in organisation_path.split("__"):
            organisation = getattr(organisation, name)
        ids = {key: getattr(post, attribute) for key, attribute in audit_ids.items()}
        log(hide if hidden else show, actor=user, organisation=organisation, **ids)
    return post


def set_question_hidden(user, question, hidden):
    """Hide a question (and so its answers) from the project's page, or show it again."""
    return _set_hidden(
        user,
        question,
        hidden,
        organisation_path="listing__enterprise__organisation",
        hide=Action.QUESTION_HIDE,
        show=Action.QUESTION_SHOW,
        question="pk",
    )


def set_answer_hidden(user, answer, hidden):
    """Hide an answer from the project's page, or show it again."""
    return _set_hidden(
        user,
        answer,
        hidden,
        organisation_path="question__listing__enterprise__organisation",
        hide=Action.ANSWER_HIDE,
        show=Action.ANSWER_SHOW,
        question="question_id",
        answer="pk",
    )


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
