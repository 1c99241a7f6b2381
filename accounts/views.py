"""Thin views: read the form, call an action, answer. Permission checks live in accounts.actions."""

import json

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from accounts import actions
from accounts.forms import (
    DeleteAccountForm,
    InvitationForm,
    OrganisationCreateForm,
    OrganisationForm,
    ProfileForm,
    RoleForm,
)
from accounts.models import Invitation, Membership, Organisation

# --- the person's own account ------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        actions.update_profile(request.user, request.user, **{name: form.cleaned_data[name] for name in form.fields})
        messages.success(request, _("Your profile has been saved."))
        return redirect("account_profile")
    return render(request, "accounts/profile.html", {"form": form})


@login_required
@require_safe
def personal_data(request):
    return render(request, "accounts/personal_data.html")


@login_required
@require_safe
def personal_data_download(request):
    data = actions.export_personal_data(request.user)
    response = HttpResponse(
        json.dumps(data, ensure_ascii=False, indent=2, default=str), content_type="application/json; charset=utf-8"
    )
    filename = f"homeward-personal-data-{timezone.localdate():%Y%m%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    form = DeleteAccountForm(request.POST or None, user=request.user)
    problem = None
    try:
        actions.check_can_delete_account(request.user)
    except actions.ActionRefused as refused:
        problem = refused.message
    if request.method == "POST" and problem is None and form.is_valid():
        user = request.user
        logout(request)
        actions.delete_account(user)
        messages.success(request, _("Your account and your personal data have been deleted."))
        return redirect(f"/{request.LANGUAGE_CODE}/")
    status = 400 if request.method == "POST" else 200
    return render(request, "accounts/delete_account.html", {"form": form, "problem": problem}, status=status)


# --- organisations ------------------------------------------------------------------------


def _organisation_for_member(request, slug):
    organisation = get_object_or_404(Organisation, slug=slug)
    membership = actions.check_member(request.user, organisation)
    return organisation, membership


def _refused(request, refused):
    messages.error(request, refused.message)


@login_required
@require_safe
def organisation_list(request):
    memberships = request.user.memberships.select_related("organisation").order_by("organisation__name")
    invitations = Invitation.objects.pending().filter(email__iexact=request.user.email).select_related("organisation")
    page = Paginator(memberships, 20).get_page(request.GET.get("page"))
    return render(request, "accounts/organisation_list.html", {"page": page, "invitations": invitations})


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    form = OrganisationCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        organisation = actions.create_organisation(request.user, **form.cleaned_data)
        messages.success(request, _("%(name)s has been created.") % {"name": organisation.name})
        return redirect(organisation)
    return render(request, "accounts/organisation_create.html", {"form": form})


@login_required
@require_safe
def organisation_detail(request, slug):
    organisation, membership = _organisation_for_member(request, slug)
    return render(
        request, "accounts/organisation_detail.html", {"organisation": organisation, "membership": membership}
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_settings(request, slug):
    organisation, membership = _organisation_for_member(request, slug)
    form = OrganisationForm(request.POST or None, initial={"name": organisation.name})
    if request.method == "POST" and form.is_valid():
        actions.update_organisation(request.user, organisation, name=form.cleaned_data["name"])
        messages.success(request, _("The organisation has been saved."))
        return redirect("organisations:settings", slug=organisation.slug)
    context = {"organisation": organisation, "membership": membership, "form": form}
    return render(request, "accounts/organisation_settings.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_members(request, slug):
    organisation, membership = _organisation_for_member(request, slug)
    form = None
    if membership.is_manager:
        form = InvitationForm(request.POST or None, organisation=organisation)
    elif request.method == "POST":
        actions.check_manager(request.user, organisation)  # raises PermissionDenied
    if request.method == "POST" and form.is_valid():
        try:
            invitation = actions.invite_member(
                request.user,
                organisation,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except actions.ActionRefused as refused:
            form.add_error("email", refused.message)
        else:
            messages.success(request, _("An invitation has been sent to %(email)s.") % {"email": invitation.email})
            return redirect("organisations:members", slug=organisation.slug)
    members = Paginator(organisation.memberships.select_related("user").order_by("created"), 50).get_page(
        request.GET.get("page")
    )
    context = {
        "organisation": organisation,
        "membership": membership,
        "members": members,
        "invitations": organisation.invitations.pending().select_related("invited_by") if membership.is_manager else [],
        "form": form,
        "role_choices": organisation.role_choices(),
    }
    return render(request, "accounts/organisation_members.html", context, status=400 if form and form.errors else 200)


@login_required
@require_POST
def member_role(request, slug, pk):
    organisation, _membership = _organisation_for_member(request, slug)
    actions.check_manager(request.user, organisation)
    # The member is looked up inside this organisation: an id from another one is simply not found.
    target = get_object_or_404(Membership, pk=pk, organisation=organisation)
    form = RoleForm(request.POST, organisation=organisation)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles offered."))
    else:
        try:
            actions.change_role(request.user, target, form.cleaned_data["role"])
        except actions.ActionRefused as refused:
            _refused(request, refused)
        else:
            messages.success(request, _("The role has been changed."))
    return redirect("organisations:members", slug=organisation.slug)


@login_required
@require_POST
def member_remove(request, slug, pk):
    organisation, _membership = _organisation_for_member(request, slug)
    target = get_object_or_404(Membership, pk=pk, organisation=organisation)
    try:
        actions.remove_member(request.user, target)
    except actions.ActionRefused as refused:
        _refused(request, refused)
        return redirect("organisations:members", slug=organisation.slug)
    if target.user_id == request.user.pk:
        messages.success(request, _("You have left %(name)s.") % {"name": organisation.name})
        return redirect("organisations:list")
    messages.success(request, _("The member has been removed."))
    return redirect("organisations:members", slug=organisation.slug)


@login_required
@require_POST
def organisation_leave(request, slug):
    organisation, _membership = _organisation_for_member(request, slug)
    try:
        actions.leave_organisation(request.user, organisation)
    except actions.ActionRefused as refused:
        _refused(request, refused)
        return redirect("organisations:members", slug=organisation.slug)
    messages.success(request, _("You have left %(name)s.") % {"name": organisation.name})
    return redirect("organisations:list")


@login_required
@require_POST
def invitation_revoke(request, slug, pk):
    organisation, _membership = _organisation_for_member(request, slug)
    actions.check_manager(request.user, organisation)
    invitation = get_object_or_404(Invitation, pk=pk, organisation=organisation)
    try:
        actions.revoke_invitation(request.user, invitation)
    except actions.ActionRefused as refused:
        _refused(request, refused)
    else:
        messages.success(request, _("The invitation has been withdrawn."))
    return redirect("organisations:members", slug=organisation.slug)


# --- invitations (the token in the link is the credential) -------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def invitation(request, token):
    invitation = Invitation.objects.select_related("organisation", "invited_by").filter(token=token).first()
    if invitation is None:
        context = {"invitation": None, "problem": _("This invitation link is not valid.")}
        return render(request, "accounts/invitation.html", context, status=404)
    problem = None
    try:
        actions.check_invitation(request.user, invitation)
        if request.method == "POST":
            membership = actions.accept_invitation(request.user, token)
            messages.success(request, _("Welcome to %(name)s.") % {"name": membership.organisation.name})
            return redirect(membership.organisation)
        status = 200
    except actions.ActionRefused as refused:
        problem = refused.message
        # Someone else's invitation is not theirs to see in detail (403); their own shows why it cannot be used.
        status = 403 if refused.code == "other_email" else (400 if request.method == "POST" else 200)
    context = {"invitation": invitation, "problem": problem, "show_details": status != 403}
    return render(request, "accounts/invitation.html", context, status=status)
