from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PaymentsConfig(AppConfig):
    name = "payments"
    verbose_name = _("Payments")

    def ready(self):
        from accounts.personal_data import register_provider
        from cms.page_cache import register_hole_kind
        from payments import (
            connect,  # noqa: F401 (registers the Connect handlers: transfers, application fees)
            handlers,  # noqa: F401 (registers the Stripe event handlers)
            payouts,  # noqa: F401 (registers its webhook handler, account.updated)
            personal_data,
            providers,
        )
        from payments.funding import PLANS_HOLE, PROGRESS_HOLE
        from payments.templatetags.payments_tags import render_plans, render_progress

        register_provider("backings", export=personal_data.export, erase=personal_data.erase)
        # A funding panel's progress and plans are holes each page fills as it leaves (cms.page_cache.fill_holes).
        register_hole_kind(PROGRESS_HOLE, render_progress)
        register_hole_kind(PLANS_HOLE, render_plans)
        # What the apps below payments read of money, through the providers they declare (README.md, "Layout").
        providers.provide_money_answers()
        from cms.public import projects_withdrawn
        from payments.live import close_progress_sockets

        projects_withdrawn.register(close_progress_sockets)
