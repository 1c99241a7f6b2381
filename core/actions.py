"""Actions: the one way a change is made, the same from a view, an API or a script.

An action module per app keeps the shape of `accounts/actions.py`: `check_*` functions raise PermissionDenied
(the caller answers 403, or 404 where the object's existence is private) or `ActionRefused` (a message the
person can act on); the change itself happens inside a transaction and writes an audit entry (`core.audit`).

Views call an action through `run_action`, which turns a refusal into a form error or a message.
"""

import datetime
from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _


class ActionRefused(Exception):
    """The action is allowed in principle but cannot be done now; str(error) says why, for the person."""

    # The code of a refusal because a service the action needs (Stripe) did not answer: the request itself was fine.
    UNAVAILABLE = "unavailable"

    def __init__(self, message, code="refused"):
        super().__init__(message)
        self.message = message
        self.code = code


@dataclass(frozen=True)
class Outcome:
    """What `run_action` tells the view: `done` and the action's result, or the refusal."""

    done: bool
    result: object = None
    refused: ActionRefused | None = None

    @property
    def http_status(self):
        """What a view answers when it shows a refusal on the form again: 503 when a service the action needs did
        not answer (the person's input was fine and is kept), 400 otherwise."""
        if self.refused is not None and self.refused.code == ActionRefused.UNAVAILABLE:
            return 503
        return 400


def check_model_permission(user, model, action="change"):
    """Raises PermissionDenied unless the person is active and holds `model`'s Django permission for `action` (add,
    change, delete): what staff screens that edit a model's records through actions ask first."""
    codename = f"{model._meta.app_label}.{action}_{model._meta.model_name}"
    if not (user and user.is_authenticated and user.is_active and user.has_perm(codename)):
        raise PermissionDenied


def check_staff_permission(user, permission):
    """Raises PermissionDenied unless the person is active and holds `permission` ("app_label.codename"): what a staff
    action on other people's records (experiences.actions.unpublish_experience_as_staff…) asks first."""
    if not (user and user.is_authenticated and user.is_active and user.has_perm(permission)):
        raise PermissionDenied


def staff_reason(reason):
    """The reason staff give for acting on a team's record, without surrounding spaces; ActionRefused when there is
    none: the team is told what staff did and why, so a staff action never goes without one."""
    reason = (reason or "").strip()
    if not reason:
        raise ActionRefused(_("Give the reason: the team is told what you did and why."))
    return reason


def run_action(request, action, *args, success=None, form=None, error_field=None, hide_denied=False, **kwargs):
    """Run `action(request.user, *args, **kwargs)` for a view.

    - PermissionDenied propagates (Django answers 403); with `hide_denied` it becomes 404, for objects whose
      existence outsiders must not learn.
    - ActionRefused becomes an error on `form` (on `error_field`, or the whole form) when a form is given, else an
      error message on the next page. (Not `field`: that is a keyword some actions take, e.g. a help request's
      field of work, and views pass a form's cleaned data through as the action's keywords.)
    - On success, `success` (a message, or a callable taking the result) is shown on the next page.
    """
    try:
        result = action(request.user, *args, **kwargs)
    except PermissionDenied:
        if hide_denied:
            raise Http404 from None
        raise
    except ActionRefused as refused:
        if form is not None:
            form.add_error(error_field, refused.message)
        else:
            messages.error(request, refused.message)
        return Outcome(done=False, refused=refused)
    if success is not None:
        messages.success(request, success(result) if callable(success) else success)
    return Outcome(done=True, result=result)


# A submission the same person sends again within this time (a double click, a form sent again after a slow answer)
# is the same submission: the first one is kept and whoever it tells is told once.
SAME_SUBMISSION_WITHIN = datetime.timedelta(minutes=10)


def lock_person(user):
    """Lock the person's row until the caller's transaction ends: two requests of one person that must not both pass
    a check (a rate, an overlap, a repeat) are then read one after the other."""
    list(get_user_model().objects.select_for_update().filter(pk=user.pk).values_list("pk", flat=True))


def sent_moments_ago(user, same_submissions, created_field="created"):
    """The first of `same_submissions` (the person's rows equal to the one being sent) created within
    SAME_SUBMISSION_WITHIN, or None. Call it inside the transaction that then creates the row: the person's row is
    locked first, so that two copies arriving together are read one after the other."""
    lock_person(user)
    since = timezone.now() - SAME_SUBMISSION_WITHIN
    return same_submissions.filter(**{f"{created_field}__gte": since}).first()
