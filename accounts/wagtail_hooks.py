import django_filters
from django.db.models import Count
from django.urls import path
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import register_permission_policy

from accounts import admin_views
from accounts.models import Organisation
from accounts.permission_policies import ReadOnlyPermissionPolicy
from core import audit
from core.admin_inspect import ReadableInspectView
from core.models import AuditEntry

# Organisations change through accounts.actions (permission checks, audit log), never by hand in the admin.
register_permission_policy(Organisation, ReadOnlyPermissionPolicy(Organisation))
register_permission_policy(AuditEntry, ReadOnlyPermissionPolicy(AuditEntry))


# Wagtail's ModelViewSet has no get_queryset(request) hook (that was ModelAdmin's): the listing's queryset is its
# index view's get_base_queryset.
class OrganisationIndexView(IndexView):
    def get_base_queryset(self):
        return Organisation.objects.annotate(member_count=Count("memberships"))


class OrganisationViewSet(ModelViewSet):
    model = Organisation
    icon = "group"
    menu_label = _("Organisations")
    index_view_class = OrganisationIndexView
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = ReadableInspectView
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

    def get_urlpatterns(self):
        # The verification step: an action (accounts.actions.verify_organisation), with its audit entry.
        return super().get_urlpatterns() + [
            path("verification/", admin_views.organisation_verification, name="verification"),
        ]


class AuditEntryFilterSet(WagtailFilterSet):
    # The actions by their labels, in the reader's language and sorted in it (a callable: read on each request).
    action = django_filters.ChoiceFilter(label=capfirst(_("what happened")), choices=audit.choices)
    organisation__kind = django_filters.ChoiceFilter(
        field_name="organisation__kind", label=capfirst(_("kind of organisation")), choices=Organisation.Kind.choices
    )

    class Meta:
        model = AuditEntry
        fields = []


class AuditEntryIndexView(IndexView):
    def get_base_queryset(self):
        return AuditEntry.objects.select_related("actor", "organisation")

    def search_queryset(self, queryset):
        """The search fields, and the actions whose label (in the reader's language) holds the words typed."""
        if not self.is_searching:
            return queryset
        words = self.search_query.casefold()
        actions = [value for value, label in audit.choices() if words in label.casefold()]
        return super().search_queryset(queryset) | queryset.filter(action__in=actions)


class AuditEntryInspectView(ReadableInspectView):
    def get_action_display_value(self):
        """The label, then the stored code (what the application log and a grep show)."""
        return format_html("{} <code>{}</code>", self.object.get_action_display(), self.object.action)


class AuditEntryViewSet(ModelViewSet):
    model = AuditEntry
    icon = "history"
    menu_label = _("Audit log")
    copy_view_enabled = False
    inspect_view_enabled = True
    index_view_class = AuditEntryIndexView
    inspect_view_class = AuditEntryInspectView
    inspect_view_fields = ["created", "actor", "organisation", "action", "data"]
    list_display = [
        "created",
        "actor",
        "organisation",
        Column("action", label=capfirst(_("what happened")), accessor="get_action_display"),
    ]
    filterset_class = AuditEntryFilterSet
    search_fields = ["action", "organisation__name", "actor__email"]
    ordering = ["-created"]
    list_per_page = 50
    form_fields = []


class AccountsViewSetGroup(ViewSetGroup):
    menu_label = _("Organisations")
    menu_icon = "group"
    menu_order = 700
    items = (OrganisationViewSet("organisations_admin"), AuditEntryViewSet("audit_entries"))


@hooks.register("register_admin_viewset")
def register_accounts_viewsets():
    return AccountsViewSetGroup()
