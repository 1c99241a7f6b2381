from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Marketplace")

    def ready(self):
        from accounts.personal_data import register_provider
        from marketplace import personal_data
        from marketplace.payments import (
            handlers,  # noqa: F401 (registers the Stripe event handlers)
            payouts,  # noqa: F401 (registers its webhook handler, account.updated)
        )
        from marketplace.payments import personal_data as payments_personal_data

        register_provider(
            "hometown_ties", export=personal_data.export_hometown_ties, erase=personal_data.erase_hometown_ties
        )
        register_provider("marketplace", export=personal_data.export, erase=personal_data.erase)

        from marketplace.funding import search_funding_facts
        from search.content import register_funding_provider

        register_funding_provider(search_funding_facts)
        register_provider("backings", export=payments_personal_data.export, erase=payments_personal_data.erase)
