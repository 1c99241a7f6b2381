"""The admin's inspect screens, with values a person reads rather than Python's."""

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.admin.views.generic.models import InspectView


class ReadableInspectView(InspectView):
    """Wagtail's inspect view printing "True", "False" and "None" as Python writes them, and a time in UTC (its
    template formats a datetime without the time zone): here "Yes" or "No" in the reader's language, a dash for
    nothing, and Taipei time, as the listings show."""

    def get_field_display_value(self, field_name, field):
        value = super().get_field_display_value(field_name, field)
        if isinstance(value, bool):
            return _("Yes") if value else _("No")
        if value is None or value == "":
            return "—"
        if isinstance(value, datetime.datetime) and timezone.is_aware(value):
            return timezone.localtime(value)
        return value
