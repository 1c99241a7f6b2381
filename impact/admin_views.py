"""Staff reports in the Wagtail admin: the impact figures per county and per priority area, with a CSV export."""

import dataclasses
import io

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from core.spreadsheets import SafeWriter
from impact.forms import ImpactFilterForm
from impact.measures import FIELDS, MEASURES, ImpactFilters
from impact.presentation import format_value
from impact.service import cached_figures
from places.models import Township


def is_staff(user):
    return user.is_active and (user.is_staff or user.is_superuser)


class _ImpactReport(WagtailAdminTemplateMixin, TemplateView):
    template_name = "impact/admin/report.html"
    header_icon = "site"

    def dispatch(self, request, *args, **kwargs):
        if not is_staff(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def rows(self, filters):
        """[(label, Area-like figures, is_total)]"""
        raise NotImplementedError

    def get(self, request, *args, **kwargs):
        self.form = ImpactFilterForm(request.GET or None)
        filters = self.form.filters() if self.form.is_bound and self.form.is_valid() else ImpactFilters()
        self.report_rows = self.rows(filters)
        if request.GET.get("export") == "csv":
            return self.csv_response()
        return super().get(request, *args, **kwargs)

    def csv_response(self):
        buffer = io.StringIO()
        writer = SafeWriter(buffer, lineterminator="\r\n")
        writer.writerow(["area", "code", *MEASURES])
        for label, code, figures, _total in self.report_rows:
            writer.writerow([label, code, *(figures.value(measure) for measure in MEASURES)])
        response = HttpResponse("\ufeff" + buffer.getvalue(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{self.export_name}.csv"'
        return response

    def get_context_data(self, **kwargs):
        query = self.request.GET.copy()
        query["export"] = "csv"
        return super().get_context_data(
            form=self.form,
            measures=MEASURES,
            fields=FIELDS,
            rows=[
                (label, code, [format_value(measure, figures.value(measure)) for measure in MEASURES], total)
                for label, code, figures, total in self.report_rows
            ],
            csv_url=f"{self.request.path}?{query.urlencode()}",
            public_url=reverse("impact:page"),
            **kwargs,
        )


class CountyReportView(_ImpactReport):
    page_title = gettext_lazy("Impact by county")
    export_name = "homeward-impact-counties"

    def rows(self, filters):
        data = cached_figures(filters)
        rows = [(area.name, area.code, area.figures, False) for area in data.counties]
        rows.append((_("Taiwan"), "taiwan", data.taiwan.figures, True))
        return rows


class PriorityAreaReportView(_ImpactReport):
    page_title = gettext_lazy("Impact in priority areas")
    export_name = "homeward-impact-priority-areas"

    def rows(self, filters):
        priority = tuple(Township.objects.priority_areas().order_by("code").values_list("code", flat=True))
        if not priority:
            return []
        others = tuple(Township.objects.filter(is_priority_area=False).order_by("code").values_list("code", flat=True))
        inside = cached_figures(dataclasses.replace(filters, township_codes=priority), shared=True)
        outside = cached_figures(dataclasses.replace(filters, township_codes=others), shared=True)
        rows = [
            (f"{area.name}（{inside_county_name(inside, area)}）", area.code, area.figures, False)
            for area in inside.townships
        ]
        rows.append((_("All priority areas"), "priority", inside.taiwan.figures, True))
        rows.append((_("Other townships"), "other", outside.taiwan.figures, True))
        return rows


def inside_county_name(data, area):
    county = data.county(area.county_code)
    return county.name if county else area.county_code
