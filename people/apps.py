from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "people"
    verbose_name = _("People and help requests")

    def ready(self):
        from accounts.personal_data import register_provider
        from cms.providers import township_participants
        from marketplace.providers import members_followed_organisations
        from people import personal_data, queries

        register_provider("people", export=personal_data.export, erase=personal_data.erase)
        township_participants.provide(queries.township_participants)
        members_followed_organisations.provide(queries.organisations_followed_by)
