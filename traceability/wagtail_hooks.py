"""Traceability in the Wagtail admin (menu: Traceability): staff look at the batches, their records (the hash
chain) and the projects' devices, with filters and search. Teams change them on the public site through
traceability.actions (team check, audit entry); records are append-only, so nothing here adds, edits or deletes."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.permissions import register_permission_policy

from accounts.permission_policies import ReadOnlyPermissionPolicy
from core.admin_columns import yes_no
from core.admin_inspect import ReadableInspectView
from core.admin_staff_actions import StaffActionInspectMixin, StaffActionView
from core.admin_viewsets import RecordViewSet
from core.languages import inline_list
from traceability import actions, queries
from traceability.models import Batch, Device, Entry

for _model in (Batch, Device, Entry):
    register_permission_policy(_model, ReadOnlyPermissionPolicy(_model))


class BatchViewSet(RecordViewSet):
    model = Batch
    icon = "clipboard-list"
    list_display = ["name", "code", "product", "listing", "entry_count", yes_no(Batch, "is_public"), "created_at"]
    list_filter = ["is_public", "created_at"]
    search_fields = ["code", "name", "product", "listing__project__title"]
    ordering = ["-created_at"]
    inspect_view_fields = [
        "code",
        "name",
        "product",
        "listing",
        "plan",
        "period_start",
        "period_end",
        "description",
        "is_public",
        "published_at",
        "entry_count",
        "head_hash",
        "created_by",
        "created_at",
    ]

    def staff_queryset(self):
        return queries.batches_for_staff()


class EntryViewSet(RecordViewSet):
    model = Entry
    icon = "list-ol"
    list_display = ["batch", "sequence", "kind", "occurred_at", "township", "performed_by", "recorded_at"]
    list_filter = ["kind", "occurred_at"]
    search_fields = ["batch__code", "batch__name", "performed_by", "description"]
    ordering = ["-recorded_at"]
    inspect_view_fields = [
        "batch",
        "sequence",
        "kind",
        "occurred_at",
        "township",
        "place_detail",
        "performed_by",
        "description",
        "corrects",
        "correction_reason",
        "recorded_at",
        "recorded_by",
        "entry_hash",
        "previous_hash",
    ]

    def staff_queryset(self):
        return queries.entries_for_staff()


class RevokeDeviceView(StaffActionView):
    model = Device
    permission = actions.MODERATE_PERMISSION
    inspect_url_name = "trace_devices:inspect"
    icon = "pick"
    page_title = _("Revoke this device?")
    explanation = (
        _("Its token stops working: it can send no more readings. The readings it sent are kept."),
        _("The project's team is told that our staff revoked it, and why. They can register a new device."),
    )
    submit_label = _("Revoke the device")
    done_message = _("“%(name)s” is revoked, and its team is told why.")
    nothing_to_do_message = _("“%(name)s” is already revoked: nothing changed.")

    def action(self, user, device, *, reason):
        return actions.revoke_device_as_staff(user, device, reason=reason)

    def is_done(self, device):
        return not device.is_active


class DeviceInspectView(StaffActionInspectMixin, ReadableInspectView):
    """The measures a device reports, by their names and units rather than the codes stored."""

    staff_action_view_class = RevokeDeviceView
    staff_action_url_name = "trace_devices:revoke"
    staff_action_icon = "lock"

    def get_measures_display_value(self):
        return inline_list(measure.caption for measure in self.object.measure_objects()) or "—"

    def get_public_measures_display_value(self):
        return inline_list(measure.caption for measure in self.object.public_measure_objects()) or "—"


class DeviceViewSet(RecordViewSet):
    model = Device
    icon = "pick"
    inspect_view_class = DeviceInspectView
    list_display = ["name", "listing", "kind", "township", "last_seen_at", "revoked_at"]
    list_filter = ["kind", "revoked_at", "last_seen_at"]
    search_fields = ["name", "listing__project__title"]
    ordering = ["name"]
    inspect_view_fields = [
        "id",
        "name",
        "listing",
        "kind",
        "township",
        "measures",
        "public_measures",
        "created_by",
        "created_at",
        "last_seen_at",
        "revoked_at",
    ]

    def staff_queryset(self):
        return queries.devices_for_staff()

    def get_urlpatterns(self):
        return super().get_urlpatterns() + [
            path("revoke/<id:pk>/", RevokeDeviceView.as_view(), name="revoke"),
        ]


class TraceabilityGroup(ViewSetGroup):
    menu_label = _("Traceability")
    menu_icon = "clipboard-list"
    menu_order = 350
    items = (BatchViewSet("trace_batches"), EntryViewSet("trace_entries"), DeviceViewSet("trace_devices"))


@hooks.register("register_admin_viewset")
def register_traceability_viewsets():
    return TraceabilityGroup()
