from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """What every app shares and nothing app-specific; core imports no app of the project."""

    name = "core"
    verbose_name = _("Core")

    def ready(self):
        from core import url_converters
        from core.languages import fall_back_to_the_source_text

        fall_back_to_the_source_text()
        url_converters.register()
