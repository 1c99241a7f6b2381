from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Marketplace")

    def ready(self):
        from accounts.personal_data import register_provider
        from marketplace.personal_data import erase_hometown_ties, export_hometown_ties

        register_provider("hometown_ties", export=export_hometown_ties, erase=erase_hometown_ties)
