from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from core.admin_columns import yes_no
from core.admin_edits import ActionEditView
from core.admin_inspect import ReadableInspectView
from places.actions import set_priority_area
from places.models import Township
from places.views import PriorityAreaImportView


class ReferenceDataPermissionPolicy(ModelPermissionPolicy):
    """Townships come from the reference file: staff may edit the priority flag, never add or delete."""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)


register_permission_policy(Township, ReferenceDataPermissionPolicy(Township))


class TownshipIndexView(IndexView):
    def get_base_queryset(self):
        return Township.objects.with_county()  # the first column names the county

    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if self.request.user.has_perm("places.change_township"):
            buttons.append(
                HeaderButton(
                    _("Import priority areas"), url=reverse("places_import_priority_areas"), icon_name="upload"
                )
            )
        return buttons


class PriorityAreaEditView(ActionEditView):
    save_action_for = set_priority_area


class TownshipViewSet(ModelViewSet):
    model = Township
    index_view_class = TownshipIndexView
    icon = "site"
    menu_label = _("Townships")
    add_to_admin_menu = True
    menu_order = 800
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = ReadableInspectView
    form_fields = ["is_priority_area"]
    edit_view_class = PriorityAreaEditView  # through places.actions.set_priority_area: checked and audited
    list_display = [
        "__str__",
        "code",
        "name_en",
        "population",
        "share_aged_65_plus",
        "aging_index",
        yes_no(Township, "is_priority_area"),
    ]
    list_filter = ["county", "is_priority_area"]
    search_fields = ["name_zh", "name_en", "code", "county__name_zh", "county__name_en"]
    ordering = ["code"]
    list_per_page = 50


@hooks.register("register_admin_viewset")
def register_township_viewset():
    return TownshipViewSet("townships")


@hooks.register("register_admin_urls")
def register_priority_import_url():
    return [
        path("townships/import-priority-areas/", PriorityAreaImportView.as_view(), name="places_import_priority_areas")
    ]
