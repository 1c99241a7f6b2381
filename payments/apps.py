from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self):
        from accounts.personal_data import register_provider
        from payments import (
            connect,  # noqa: F401 (registers the Connect handlers: transfers, application fees)
            handlers,  # noqa: F401 (registers the Stripe event handlers)
            payouts,  # noqa: F401 (registers its webhook handler, account.updated)
            personal_data,
            providers,
        )

        register_provider("backings", export=personal_data.export, erase=personal_data.erase)
        # What the apps below payments read of money, through the providers they declare (README.md, "Layout").
        providers.provide_money_answers()
