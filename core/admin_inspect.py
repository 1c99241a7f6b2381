"""The admin's inspect screens, with values a person reads rather than Python's."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin.views.generic.models import InspectView

from core.money import format_twd


class ReadableInspectView(InspectView):
    """Wagtail's inspect view printing "True", "False" and "None" as Python writes them, and a time in UTC (its
    template formats a datetime without the time zone): here "Yes" or "No" in the reader's language, a dash for
    nothing, and Taipei time, as the listings show. The fields named in `money_fields` read as amounts (NT$1,234)."""

    money_fields = ()

    def get_field_display_value(self, field_name=None, field=None):
        if field_name is None:
            # Wagtail calls get_<name>_display_value() when a view has one: for a model field named "field" (a help
            # request's, with choices), that is this very method, called without arguments.
            return self.object.get_field_display() or "—"
        value = super().get_field_display_value(field_name, field)
        if field_name in self.money_fields and isinstance(value, int) and not isinstance(value, bool):
            return format_twd(value)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if value is None or value == "":
            return "—"
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.localtime(value)
        return value
