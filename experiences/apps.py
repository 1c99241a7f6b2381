from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperiencesConfig(AppConfig):
    name = "experiences"
    verbose_name = _("Experiences, events and volunteering")

    def ready(self):
        from accounts.personal_data import register_provider
        from experiences import personal_data

        register_provider("experiences", export=personal_data.export, erase=personal_data.erase)
