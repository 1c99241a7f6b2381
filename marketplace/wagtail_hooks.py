from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from accounts.permission_policies import ReadOnlyPermissionPolicy
from marketplace.payments.models import StripeEvent

# Stripe events are a record of what Stripe said: staff may look, nobody may edit.
register_permission_policy(StripeEvent, ReadOnlyPermissionPolicy(StripeEvent))


class StripeEventViewSet(ModelViewSet):
    model = StripeEvent
    icon = "list-ul"
    menu_label = _("Stripe events")
    add_to_settings_menu = True
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "stripe_id",
        "type",
        "status",
        "attempts",
        "last_error",
        "livemode",
        "api_version",
        "stripe_created",
        "received_at",
        "processed_at",
        "payload",
    ]
    list_display = ["stripe_id", "type", "status", "attempts", "received_at", "processed_at"]
    list_filter = ["status", "type", "livemode"]
    search_fields = ["stripe_id", "type"]
    ordering = ["-received_at"]
    list_per_page = 50
    form_fields = []


@hooks.register("register_admin_viewset")
def register_stripe_event_viewset():
    return StripeEventViewSet("stripe_events")
