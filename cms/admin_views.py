"""Staff screens of the CMS in the Wagtail admin: the "needs translation" queue."""

from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy
from django.views.generic import TemplateView
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from cms.translation_queue import ORDERS, RECENT_DAYS, pages_needing_translation


class NeedsTranslationView(WagtailAdminTemplateMixin, TemplateView):
    """Live pages in zh-Hant only (or without one of the other languages), most read lately first (or newest first:
    ?order=newest), 50 a page."""

    template_name = "cms/admin/needs_translation.html"
    page_title = gettext_lazy("Needs translation")
    header_icon = "globe"

    def get_breadcrumbs_items(self):
        return self.breadcrumbs_items + [{"url": "", "label": self.page_title}]

    def get_context_data(self, **kwargs):
        order = self.request.GET.get("order")
        order = order if order in ORDERS else ORDERS[0]
        rows = pages_needing_translation(order)
        page = Paginator(rows, 50).get_page(self.request.GET.get("p"))
        return super().get_context_data(
            rows=page.object_list, page_obj=page, total=len(rows), order=order, recent_days=RECENT_DAYS, **kwargs
        )
