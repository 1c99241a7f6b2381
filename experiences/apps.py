from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperiencesConfig(AppConfig):
    name = "experiences"
    verbose_name = _("Experiences, events and volunteering")

    def ready(self):
        from accounts.personal_data import register_provider
        from experiences import impact, personal_data
        from marketplace.providers import members_volunteer_hours

        register_provider("experiences", export=personal_data.export, erase=personal_data.erase)
        members_volunteer_hours.provide(impact.hours_volunteered_by_people)
