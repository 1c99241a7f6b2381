"""The demo checkout's page (payments/gateways/demo.py): a local stand-in for Stripe's, only while settings turn
the demo gateway on; otherwise every address here is a 404."""

from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from payments import gateways, queries
from payments.forms import DemoPaymentForm
from payments.receipts import purpose_of


def _session_or_404(token):
    if not gateways.demo_enabled():
        raise Http404
    from payments.gateways import demo

    session = demo.open_session(token)
    if session is None:
        raise Http404
    return demo, session


@require_http_methods(["GET", "POST"])
def demo_checkout(request, token):
    """Show what is being paid; "pay" delivers the session's signed events to our webhook, then goes back to the
    project as Stripe's success address does. Paying again delivers the same events (the webhook finds them done)."""
    demo, session = _session_or_404(token)
    backing = session.backing
    form = DemoPaymentForm(
        request.POST if request.method == "POST" else None,
        initial={"email": backing.backer_email, "name": queries.payer_name_known(backing)},
    )
    delivery_failed = False
    if request.method == "POST" and not session.is_expired and form.is_valid():
        try:
            demo.pay(
                session,
                email=form.cleaned_data["email"],
                name=form.cleaned_data["name"],
                host=request.get_host(),
                secure=request.is_secure(),
            )
        except demo.DeliveryFailed:
            delivery_failed = True
        else:
            return HttpResponseRedirect(session.success_url)
    context = {
        "session": session,
        "backing": backing,
        # the page's translation, when it has one; a purchase has no project, its purpose says what is bought
        "project": backing.listing.project.localized if backing.listing_id else None,
        "purpose": purpose_of(backing, None) if not backing.listing_id else "",
        "form": form,
        "delivery_failed": delivery_failed,
    }
    status = 502 if delivery_failed else 400 if request.method == "POST" else 200
    return render(request, "payments/demo_checkout.html", context, status=status)
