from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExperiencesConfig(AppConfig):
    name = "experiences"
    verbose_name = _("Experiences, events and volunteering")

    def ready(self):
        from accounts.personal_data import register_provider
        from experiences import personal_data

        register_provider("experiences", export=personal_data.export, erase=personal_data.erase)

        # A paid place is a purchase in payments; its webhook calls back here (payments imports nothing of ours).
        from experiences import actions, purchases
        from payments.purchases import register_purpose

        register_purpose(
            actions.PURCHASE_PURPOSE, describe=purchases.describe, paid=purchases.paid, expired=purchases.expired
        )
