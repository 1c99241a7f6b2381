from django.db.models import Count
from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from accounts import admin_views
from accounts.models import Organisation
from accounts.permission_policies import ReadOnlyPermissionPolicy
from core.models import AuditEntry

# Organisations change through accounts.actions (permission checks, audit log), never by hand in the admin.
register_permission_policy(Organisation, ReadOnlyPermissionPolicy(Organisation))
register_permission_policy(AuditEntry, ReadOnlyPermissionPolicy(AuditEntry))


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "name",
        "kind",
        "slug",
        "township",
        "county",
        "usr_programme",
        "verified_at",
        "created",
        "members",
    ]
    inspect_template_name = "accounts/admin/organisation_inspect.html"
    list_display = ["name", "kind", Column("member_count", label=_("members")), "verified_at", "created"]
    list_filter = ["kind", "usr_programme", "verified_at"]
    search_fields = ["name", "slug"]
    ordering = ["name"]
    list_per_page = 50
    form_fields = []

    def get_queryset(self, request):
        return Organisation.objects.annotate(member_count=Count("memberships"))

    def get_urlpatterns(self):
        # The verification step: an action (accounts.actions.verify_organisation), with its audit entry.
        return super().get_urlpatterns() + [
            path("verification/", admin_views.organisation_verification, name="verification"),
        ]


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    icon = "history"
    menu_label = _("Audit log")
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = ["created", "actor", "organisation", "action", "data"]
    list_display = ["created", "actor", "organisation", "action"]
    list_filter = ["action", "organisation__kind"]
    search_fields = ["action", "organisation__name", "actor__email"]
    ordering = ["-created"]
    list_per_page = 50
    form_fields = []

    def get_queryset(self, request):
        return AuditEntry.objects.select_related("actor", "organisation")


class AccountsViewSetGroup(ViewSetGroup):
    menu_label = _("Organisations")
    menu_icon = "group"
    menu_order = 700
    items = (OrganisationViewSet("organisations_admin"), AuditEntryViewSet("audit_entries"))


@hooks.register("register_admin_viewset")
def register_accounts_viewsets():
    return AccountsViewSetGroup()
