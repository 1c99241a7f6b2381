"""Thin views of conversations: permission checks and changes are in conversations.actions."""

import uuid

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from conversations import actions, queries
from conversations.forms import MessageForm, ReportForm
from conversations.models import Conversation
from core.actions import ActionRefused, run_action
from core.json_api import json_endpoint, json_sign_in_required
from core.numbers import count_from_text

PAGE_SIZE = 20
MESSAGES_SHOWN = 50


def _conversation_for(request, pk):
    conversation = get_object_or_404(
        Conversation.objects.select_related("company", "team", "person", "interest__project__locale"), pk=pk
    )
    actions.check_participant(request.user, conversation)
    return queries.name_in_reader_language([conversation])[0]


def _wants_json(request):
    return "application/json" in request.headers.get("Accept", "")


@login_required
@require_safe
def conversation_list(request):
    page = Paginator(queries.conversations_of(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = queries.name_in_reader_language(page.object_list)
    return render(request, "conversations/conversation_list.html", {"page_obj": page})


def _detail(request, conversation, form, status=200):
    shown = conversation.messages.select_related("author").order_by("-pk")
    before = request.GET.get("before", "")
    if (before_id := count_from_text(before)) is not None:
        shown = shown.filter(pk__lt=before_id)
    shown = list(shown[: MESSAGES_SHOWN + 1])
    earlier = shown[MESSAGES_SHOWN - 1].pk if len(shown) > MESSAGES_SHOWN else None
    shown = list(reversed(shown[:MESSAGES_SHOWN]))
    context = {
        "conversation": conversation,
        "conversation_messages": [{**queries.message_payload(m), "created_at": m.created} for m in shown],
        "earlier_before": earlier,
        "form": form,
        "is_latest": not before,
    }
    return render(request, "conversations/conversation_detail.html", context, status=status)


@login_required
@require_safe
def conversation_detail(request, pk):
    conversation = _conversation_for(request, pk)
    if not request.GET.get("before"):
        actions.mark_read(request.user, conversation)
    return _detail(request, conversation, MessageForm(initial={"client_id": uuid.uuid4()}))


@json_sign_in_required
@json_endpoint("GET")
def messages_json(request, pk):
    """Catch-up after a reconnect: the messages after the last id the page has."""
    conversation = _conversation_for(request, pk)
    after_id = count_from_text(request.GET.get("after")) or 0
    return JsonResponse(
        {"messages": [queries.message_payload(m) for m in queries.messages_after(conversation, after_id)]}
    )


@login_required
@require_POST
def send(request, pk):
    """Messages are always sent here (with or without the socket); the socket only delivers them."""
    conversation = _conversation_for(request, pk)
    form = MessageForm(request.POST)
    if not form.is_valid():
        if _wants_json(request):
            return JsonResponse({"errors": form.errors.get_json_data()}, status=400)
        return _detail(request, conversation, form, status=400)
    try:
        message, created = actions.send_message(
            request.user, conversation, text=form.cleaned_data["text"], client_id=form.cleaned_data["client_id"]
        )
    except ActionRefused as refused:
        status = 429 if refused.code == "rate_limited" else 400
        if _wants_json(request):
            return JsonResponse({"error": refused.message, "code": refused.code}, status=status)
        form.add_error(None, refused.message)
        return _detail(request, conversation, form, status=status)
    if _wants_json(request):
        return JsonResponse(
            {"message": queries.message_payload(message), "created": created}, status=201 if created else 200
        )
    return redirect("conversations:detail", pk=conversation.pk)


@login_required
@require_POST
def read(request, pk):
    conversation = _conversation_for(request, pk)
    marker = actions.mark_read(request.user, conversation, count_from_text(request.POST.get("up_to")))
    return JsonResponse({"last_read_id": marker.last_read_id})


@login_required
@require_http_methods(["GET", "POST"])
def report(request, pk):
    conversation = _conversation_for(request, pk)
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        outcome = run_action(
            request,
            actions.report_conversation,
            conversation,
            form=form,
            reason=form.cleaned_data["reason"],
            success=_("Thank you. Staff will read this conversation and the reason you gave."),
        )
        if outcome.done:
            return redirect("conversations:detail", pk=conversation.pk)
    status = 400 if request.method == "POST" else 200  # refused: the reason typed comes back with why
    return render(request, "conversations/report.html", {"conversation": conversation, "form": form}, status=status)
