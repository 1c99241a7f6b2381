from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperiencesConfig(AppConfig):
    name = "experiences"
    verbose_name = _("Experiences, events and volunteering")

    def ready(self):
        from accounts.models import Organisation
        from accounts.personal_data import register_provider
        from cms.township_sections import register_township_section
        from experiences import impact, personal_data, queries
        from experiences.models import Experience, Slot
        from marketplace.providers import members_volunteer_hours

        register_provider("experiences", export=personal_data.export, erase=personal_data.erase)
        register_township_section(
            "experiences.coming_up",
            order=30,
            template="experiences/township/coming_up.html",
            context=queries.township_experiences,
            changes_with=(Experience, (Slot, "experience__township"), (Organisation, "experiences__township")),
        )
        members_volunteer_hours.provide(impact.hours_volunteered_by_people)

        # A paid place is a purchase in payments; its webhook calls back here (payments imports nothing of ours).
        from experiences import actions, purchases
        from payments.purchases import register_purpose

        register_purpose(
            actions.PURCHASE_PURPOSE, describe=purchases.describe, paid=purchases.paid, expired=purchases.expired
        )
