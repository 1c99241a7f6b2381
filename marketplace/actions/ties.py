"""Hometown ties: a company's own (admins) and an employee's own home township (shared with consent)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.actions import ActionRefused
from core.audit import Action, log
from marketplace.actions.teams import check_company_admin, check_company_member
from marketplace.models import HometownTie


@transaction.atomic
def add_company_tie(user, company, *, kind, township, employee_count=0):
    check_company_admin(user, company.organisation)
    if kind == HometownTie.Kind.EMPLOYEES and employee_count < 1:
        raise ActionRefused(_("Say how many employees come from this township."))
    tie = HometownTie.objects.create(
        company=company,
        kind=kind,
        township=township,
        employee_count=employee_count if kind == HometownTie.Kind.EMPLOYEES else 0,
    )
    log(Action.HOMETOWN_TIE_ADD, actor=user, organisation=company.organisation, kind=kind, township=township.code)
    return tie


@transaction.atomic
def add_own_tie(user, company, *, township, consent):
    """An employee (company member) shares their own home township with the company, with consent."""
    check_company_member(user, company.organisation)
    if not consent:
        raise ActionRefused(_("Tick the consent box to share your home township with the company."))
    if HometownTie.objects.filter(company=company, member=user).exists():
        raise ActionRefused(_("You have already shared your home township; remove it first to change it."))
    tie = HometownTie.objects.create(
        company=company,
        kind=HometownTie.Kind.EMPLOYEES,
        township=township,
        employee_count=1,
        member=user,
        consented_at=timezone.now(),
    )
    log(Action.HOMETOWN_TIE_ADD_OWN, actor=user, organisation=company.organisation, township=township.code)
    return tie


@transaction.atomic
def remove_tie(user, tie):
    """A member removes their own tie at any time; admins remove the company-wide ones."""
    if tie.member_id is not None and tie.member_id == getattr(user, "pk", None):
        check_company_member(user, tie.company.organisation)
    else:
        check_company_admin(user, tie.company.organisation)
        if tie.member_id is not None:
            raise ActionRefused(_("Only the employee who shared this tie may remove it."))
    log(Action.HOMETOWN_TIE_REMOVE, actor=user, organisation=tie.company.organisation, township=tie.township.code)
    tie.delete()
