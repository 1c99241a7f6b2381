from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from core.json_api import json_endpoint, json_sign_in_required
from core.languages import url_in_language
from notifications import actions, queries
from notifications.models import Notification

PAGE_SIZE = 20


@login_required
@require_safe
def notification_list(request):
    notifications = Notification.objects.for_user(request.user)
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/notification_list.html",
        {"page_obj": page, "unread_count": queries.unread_count(request.user)},
    )


@login_required
@require_safe
def open_notification(request, pk):
    """Mark one notification read and follow its link (only a safe, local one)."""
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    actions.mark_read(request.user, [notification.pk])
    # Made in the recipient's preferred language; followed in the language they read now.
    target = url_in_language(request, notification.url, get_language())
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        return redirect(target)
    return redirect("notifications:list")


@login_required
@require_POST
def mark_all_read(request):
    changed = actions.mark_all_read(request.user)
    messages.success(request, _("All notifications are marked as read.") if changed else _("Nothing was unread."))
    return redirect("notifications:list")


@json_sign_in_required
@json_endpoint("GET")
def unread_count(request):
    """For pages whose socket is down: the same figure the socket would push."""
    return JsonResponse({"unread_count": queries.unread_count(request.user)})
