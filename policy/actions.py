"""The changes to a regulatory issue: submit (a member of a team, township office or association), route to a
ministry and record its answer (staff). Each checks permission, changes inside a transaction and writes an
audit entry."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Organisation
from core import audit
from core.actions import ActionRefused, sent_moments_ago
from policy.models import RegulatoryIssue

# Who may raise an issue: teams, township and county offices, associations and foundations, universities.
SUBMITTER_KINDS = (
    Organisation.Kind.ENTERPRISE,
    Organisation.Kind.TOWNSHIP_OFFICE,
    Organisation.Kind.COUNTY_GOVERNMENT,
    Organisation.Kind.COMMUNITY,
    Organisation.Kind.FOUNDATION,
    Organisation.Kind.UNIVERSITY,
)


def organisations_that_may_submit(user):
    if not user.is_authenticated:
        return Organisation.objects.none()
    return Organisation.objects.filter(memberships__user=user, kind__in=SUBMITTER_KINDS).order_by("name")


def check_submitter(user, organisation):
    if not organisations_that_may_submit(user).filter(pk=organisation.pk).exists():
        raise PermissionDenied


def check_staff(user):
    if not (user.is_authenticated and user.is_staff):
        raise PermissionDenied


def submit_issue(user, organisation, *, rule, township, blocks, proposal, show_identity):
    check_submitter(user, organisation)
    rule = (rule or "").strip()
    if not rule:
        raise ActionRefused(_("Say which rule is the obstacle."), code="rule")
    if township is None:
        raise ActionRefused(_("Say where the rule is an obstacle: choose the township."), code="township")
    if not (blocks or "").strip():
        raise ActionRefused(_("Say what the rule blocks."), code="blocks")
    with transaction.atomic():
        same = RegulatoryIssue.objects.filter(
            submitter=user, organisation=organisation, rule=rule, blocks=blocks.strip()
        )
        sent = sent_moments_ago(user, same, created_field="created_at")
        if sent is not None:  # the same issue sent twice: kept once
            return sent
        issue = RegulatoryIssue.objects.create(
            submitter=user,
            organisation=organisation,
            rule=rule,
            township=township,
            blocks=blocks.strip(),
            proposal=(proposal or "").strip(),
            show_identity=show_identity,
        )
        audit.log(audit.Action.REGULATORY_ISSUE_SUBMIT, actor=user, organisation=organisation, issue=issue.pk)
    return issue


def route_issue(user, issue, ministry):
    check_staff(user)
    if ministry is None:
        raise ActionRefused(_("Choose the ministry to route the issue to."), code="ministry")
    with transaction.atomic():
        issue = RegulatoryIssue.objects.select_for_update().get(pk=issue.pk)
        previous = issue.ministry_id
        issue.ministry = ministry
        issue.routed_at = timezone.now()
        issue.save(update_fields=["ministry", "routed_at"])
        audit.log(
            audit.Action.REGULATORY_ISSUE_ROUTE, actor=user, issue=issue.pk, ministry=ministry.pk, previous=previous
        )
    return issue


def record_answer(user, issue, *, outcome, answer):
    check_staff(user)
    if outcome not in RegulatoryIssue.Outcome.values:
        raise ActionRefused(_("Choose one of the outcomes offered."), code="outcome")
    answer = (answer or "").strip()
    with transaction.atomic():
        issue = RegulatoryIssue.objects.select_for_update().get(pk=issue.pk)
        if issue.ministry_id is None:
            raise ActionRefused(_("Route the issue to a ministry before recording its answer."), code="not_routed")
        if outcome != RegulatoryIssue.Outcome.PENDING and not answer:
            raise ActionRefused(_("Write the ministry's answer."), code="answer")
        previous = issue.outcome
        issue.outcome = outcome
        issue.answer = answer
        issue.answered_at = None if outcome == RegulatoryIssue.Outcome.PENDING else timezone.now()
        issue.save(update_fields=["outcome", "answer", "answered_at"])
        audit.log(audit.Action.REGULATORY_ISSUE_ANSWER, actor=user, issue=issue.pk, outcome=outcome, previous=previous)
    return issue
