from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Discovery")

    def ready(self):
        from search.families import register_default_families
        from search.receivers import connect_receivers

        register_default_families()
        connect_receivers()
