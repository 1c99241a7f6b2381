from django.urls import path, reverse
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import IndexView
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import HeaderButton
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from core.admin_inspect import ReadableInspectView
from datahub.actions import can_import
from datahub.models import ImportBatch, Indicator
from datahub.views import FiguresImportView


class ImportsArePermanent(ModelPermissionPolicy):
    """Imports are made by uploading a file and never edited; history stays (a re-import supersedes)."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action) or (action == "view" and can_import(user))


register_permission_policy(ImportBatch, ImportsArePermanent(ImportBatch))


class ImportIndexView(IndexView):
    @cached_property
    def header_buttons(self):
        buttons = super().header_buttons
        if can_import(self.request.user):
            buttons.append(HeaderButton(_("Import figures"), url=reverse("datahub_import"), icon_name="upload"))
        return buttons


class IndicatorViewSet(ModelViewSet):
    model = Indicator
    icon = "table"
    menu_label = _("Indicators")
    copy_view_enabled = False
    form_fields = ["code", "name_zh", "name_en", "name_ja", "unit", "level", "description"]
    list_display = ["code", "name_zh", "name_en", "unit", "level"]
    list_filter = ["level"]
    search_fields = ["code", "name_zh", "name_en", "name_ja"]


class ImportBatchViewSet(ModelViewSet):
    model = ImportBatch
    index_view_class = ImportIndexView
    icon = "upload"
    menu_label = _("Imports")
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = ReadableInspectView
    form_fields = []
    list_display = ["file_name", "version", "source", "source_date", "row_count", "imported_by", "imported_at"]
    list_filter = ["indicators"]
    inspect_view_fields = [
        "file_name",
        "version",
        "source",
        "licence",
        "source_date",
        "row_count",
        "imported_by",
        "imported_at",
        "indicators",
    ]


class FiguresGroup(ViewSetGroup):
    menu_label = _("Official figures")
    menu_icon = "table"
    menu_order = 810
    items = (IndicatorViewSet("figure_indicators"), ImportBatchViewSet("figure_imports"))


@hooks.register("register_admin_viewset")
def register_figures():
    return FiguresGroup()


@hooks.register("register_admin_urls")
def register_import_url():
    return [path("figures/import/", FiguresImportView.as_view(), name="datahub_import")]
