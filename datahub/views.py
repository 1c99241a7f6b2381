"""The time series of one indicator for one place (public), and the staff import view (Wagtail admin)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django.views.generic import FormView
from wagtail.admin.views.generic import WagtailAdminTemplateMixin

from datahub.actions import ImportRefused, can_import, import_figures
from datahub.forms import FiguresImportForm
from datahub.models import Indicator
from datahub.presentation import format_value, sparkline
from datahub.queries import history, series
from places.models import County, Township


def _place(indicator, code):
    if indicator.level == Indicator.Level.TOWNSHIP:
        return get_object_or_404(Township.objects.with_county(), code=code)
    return get_object_or_404(County, code=code)


@require_safe
def time_series(request, indicator, code):
    indicator = get_object_or_404(Indicator, code=indicator)
    place = _place(indicator, code)
    current = series(indicator, place.code)
    if not current.points:
        raise Http404
    rows = [(point, format_value(point.value, indicator.unit)) for point in current.points]
    earlier = [(point, format_value(point.value, indicator.unit)) for point in history(indicator, place.code)]
    return render(
        request,
        "datahub/time_series.html",
        {
            "indicator": indicator,
            "place": place,
            "rows": rows,
            "earlier": earlier,
            "chart": sparkline(current, width=640, height=220, pad=24),
            "batches": sorted({point.batch for point in current.points}, key=lambda batch: -batch.pk),
        },
    )


class FiguresImportView(WagtailAdminTemplateMixin, FormView):
    """Staff upload a CSV of official figures; any bad line refuses the whole file, listed with line numbers."""

    form_class = FiguresImportForm
    template_name = "datahub/admin/import.html"
    page_title = gettext_lazy("Import figures")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not can_import(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("figure_imports:index"), "label": _("Imports")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=reverse("datahub_import"),
            submit_button_label=_("Import"),
            submit_button_active_label=_("Importing…"),
            form_is_multipart=True,
            **kwargs,
        )

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            batch = import_figures(
                data["csv_file"],
                file_name=form.file_name,
                source=data["source"],
                licence=data["licence"],
                source_date=data["source_date"],
                actor=self.request.user,
            )
        except ImportRefused as refused:
            form.add_error("csv_file", _("The file was not imported: fix the lines below and upload it again."))
            return self.render_to_response(self.get_context_data(form=form, import_errors=refused.errors))
        messages.success(
            self.request,
            _("%(rows)d figures imported (version %(version)d).") % {"rows": batch.row_count, "version": batch.version},
        )
        return redirect("figure_imports:index")
