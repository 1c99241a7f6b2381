from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PeopleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "people"
    verbose_name = _("People and help requests")

    def ready(self):
        from accounts.models import Organisation
        from accounts.personal_data import register_provider
        from cms.township_sections import register_township_section
        from marketplace.providers import members_followed_organisations
        from people import personal_data, queries
        from people.models import HelpRequest

        register_provider("people", export=personal_data.export, erase=personal_data.erase)
        register_township_section(
            "people.organisations",
            order=10,
            template="people/township/organisations.html",
            context=queries.township_organisations,
            # A county government shows on the pages of every township of its county.
            changes_with=((Organisation, "township"), (Organisation, "county__townships")),
        )
        register_township_section(
            "people.help_requests",
            order=20,
            template="people/township/help_requests.html",
            context=queries.township_help_requests,
            changes_with=(HelpRequest, (Organisation, "help_requests__township")),
        )
        members_followed_organisations.provide(queries.organisations_followed_by)
