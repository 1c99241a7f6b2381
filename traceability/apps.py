from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TraceabilityConfig(AppConfig):
    name = "traceability"
    verbose_name = _("Traceability and device data")

    def ready(self):
        from accounts.personal_data import register_provider
        from traceability import personal_data

        register_provider("traceability", export=personal_data.export, erase=personal_data.erase)
        from cms.public import projects_withdrawn
        from traceability.live import close_readings_sockets

        projects_withdrawn.register(close_readings_sockets)
