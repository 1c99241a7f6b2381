"""Staff screens of records that change only through their app's actions (with the permission check and the audit
entry): a listing with filters and search, a readable inspect screen, and no add, edit or delete (the model's
ReadOnlyPermissionPolicy refuses those and hides their buttons)."""

from wagtail.admin.views.generic.models import IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from core.admin_inspect import ReadableInspectView


class RecordIndexView(IndexView):
    """The listing, as a view of this project: tests/accounts/test_permissions.py finds our URLs by their view's
    module, so a listing served by Wagtail's own IndexView would drop out of the staff-only checks."""


class RecordViewSet(ModelViewSet):
    index_view_class = RecordIndexView
    inspect_view_enabled = True
    inspect_view_class = ReadableInspectView
    copy_view_enabled = False
    form_fields = []
    list_per_page = 50
    # NT$ fields, shown as NT$1,234 on the inspect screen (the listing uses core.admin_columns.money).
    money_fields = ()

    def staff_queryset(self):
        """The rows the listing shows, from the app's queries module (related rows joined, counts annotated: one query
        for the page, not one per row); all of the model by default."""
        return self.model._default_manager.all()

    def get_index_view_kwargs(self, **kwargs):
        return super().get_index_view_kwargs(queryset=self.staff_queryset(), **kwargs)

    def get_inspect_view_kwargs(self, **kwargs):
        return super().get_inspect_view_kwargs(money_fields=self.money_fields, **kwargs)
