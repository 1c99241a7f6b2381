from django.http import JsonResponse
from django.views.decorators.csrf import csrf_exempt

from core.json_api import json_endpoint
from payments.stripe_api import WebhookNotConfigured
from payments.webhooks import EventProcessingFailed, WebhookRejected, receive_stripe_webhook


@csrf_exempt  # Stripe cannot send a CSRF token; the signature check takes its place.
@json_endpoint("POST")
def stripe_webhook(request):
    try:
        event, duplicate = receive_stripe_webhook(request.body, request.headers.get("Stripe-Signature"))
    except WebhookNotConfigured as error:
        return JsonResponse({"error": str(error)}, status=503)
    except WebhookRejected as error:
        return JsonResponse({"error": f"rejected: {error}"}, status=400)
    except EventProcessingFailed:
        return JsonResponse({"error": "processing failed; Stripe will retry"}, status=500)
    return JsonResponse({"received": event.stripe_id, "status": event.status, "duplicate": duplicate})
