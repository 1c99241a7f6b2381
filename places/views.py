from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe
from django.views.generic import FormView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from places.actions import ReferenceDataError, import_priority_areas
from places.forms import MAP_MEASURES, PriorityAreaImportForm, TownshipMapForm
from places.maps import choropleth, format_number
from places.models import Township


class PriorityAreaImportView(WagtailAdminTemplateMixin, FormView):
    """Staff upload the NDC priority-township list; an unknown code aborts the whole import."""

    form_class = PriorityAreaImportForm
    template_name = "wagtailadmin/generic/form.html"
    page_title = gettext_lazy("Import priority areas")
    header_icon = "upload"

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("places.change_township"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [
            {"url": reverse("townships:index"), "label": _("Townships")},
            {"url": "", "label": self.page_title},
        ]

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            action_url=reverse("places_import_priority_areas"),
            submit_button_label=_("Import"),
            submit_button_active_label=_("Importing…"),
            form_is_multipart=True,
            **kwargs,
        )

    def form_valid(self, form):
        try:
            result = import_priority_areas(form.cleaned_data["csv_file"], replace=form.cleaned_data["replace"])
        except ReferenceDataError as error:
            form.add_error("csv_file", str(error))
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(flagged)d townships flagged, %(unflagged)d unflagged.")
            % {"flagged": len(result.flagged), "unflagged": len(result.unflagged)},
        )
        return redirect("townships:index")


MEASURE_FORMATS = {
    "population": format_number,
    "share_aged_65_plus": lambda value: _("%(share)s%%") % {"share": format_number(value, 1)},
    "aging_index": format_number,
}


@require_safe
def township_map(request):
    """Demo of the township choropleth with the reference figures: /<lang>/townships/map/?measure=…&county=…"""
    form = TownshipMapForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "places/township_map.html", {"form": form}, status=400)
    measure = form.cleaned_data["measure"] if form.is_bound else "population"
    county = form.cleaned_data["county"] if form.is_bound else None
    values = dict(Township.objects.values_list("code", measure))
    map_url = reverse("places:township_map")

    def county_link(township):
        query = urlencode({"measure": measure, "county": township.county.code})
        return f"{map_url}?{query}#township-map-township-{township.code}"

    township_choropleth = choropleth(
        values,
        measure_label=MAP_MEASURES[measure],
        value_format=MEASURE_FORMATS[measure],
        links=county_link,
        county=county,
    )
    return render(
        request,
        "places/township_map.html",
        {
            "form": form,
            "map": township_choropleth,
            "measure": measure,
            "all_taiwan_url": f"{map_url}?{urlencode({'measure': measure})}",
        },
    )
