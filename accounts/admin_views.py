"""The organisation verification step inside the Wagtail admin (the viewset is in wagtail_hooks)."""

from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts import actions
from accounts.models import Organisation
from core.actions import run_action


@require_POST
def organisation_verification(request):
    organisation = get_object_or_404(Organisation, pk=request.POST.get("pk") or 0)
    if request.POST.get("verify") == "0":
        run_action(
            request,
            actions.unverify_organisation,
            organisation,
            success=_("%(name)s is no longer shown as verified.") % {"name": organisation.name},
        )
    else:
        run_action(
            request,
            actions.verify_organisation,
            organisation,
            success=_("%(name)s is now shown as verified.") % {"name": organisation.name},
        )
    return redirect("organisations_admin:inspect", organisation.pk)
