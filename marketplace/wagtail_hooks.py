from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from marketplace import admin_views
from marketplace.models import AbuseReport, Answer, EnterpriseProfile, Question
from marketplace.payments.models import StripeEvent


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Stripe events are a record of what Stripe said: staff may look, nobody may edit."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)


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


# --- enterprises: staff verify them -----------------------------------------------------------


class EnterpriseProfileViewSet(ModelViewSet):
    model = EnterpriseProfile
    icon = "group"
    menu_label = _("Enterprises")
    add_to_admin_menu = True
    menu_order = 300
    copy_view_enabled = False
    inspect_view_enabled = True
    create_view_enabled = False
    list_display = ["organisation", "township", "team_size", "members_returned_home", "verified_at"]
    list_filter = ["verified_at"]
    search_fields = ["organisation__name", "summary"]
    ordering = ["verified_at", "organisation__name"]
    list_per_page = 50
    form_fields = ["summary", "website", "facebook_url", "instagram_url"]
    inspect_template_name = "marketplace/admin/enterprise_inspect.html"

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("verify/", admin_views.verify_enterprise, name="verify"),
        ]


class AbuseReportViewSet(ModelViewSet):
    model = AbuseReport
    icon = "warning"
    menu_label = _("Abuse reports")
    add_to_admin_menu = True
    menu_order = 310
    copy_view_enabled = False
    create_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["reporter", "question", "answer", "reason", "created", "resolved_at"]
    list_display = ["reason", "target", "reporter", "created", "resolved_at"]
    list_filter = ["resolved_at"]
    ordering = ["resolved_at", "-created"]
    form_fields = ["resolved_at"]


class QuestionViewSet(ModelViewSet):
    model = Question
    icon = "help"
    menu_label = _("Questions")
    add_to_settings_menu = True
    copy_view_enabled = False
    create_view_enabled = False
    list_display = ["text", "listing", "created", "hidden"]
    list_filter = ["hidden"]
    form_fields = ["hidden"]


class AnswerViewSet(ModelViewSet):
    model = Answer
    icon = "comment"
    menu_label = _("Answers")
    add_to_settings_menu = True
    copy_view_enabled = False
    create_view_enabled = False
    list_display = ["text", "question", "created", "hidden"]
    list_filter = ["hidden"]
    form_fields = ["hidden"]


@hooks.register("register_admin_viewset")
def register_marketplace_viewsets():
    return [
        EnterpriseProfileViewSet("enterprises"),
        AbuseReportViewSet("abuse_reports"),
        QuestionViewSet("questions"),
        AnswerViewSet("answers"),
    ]
