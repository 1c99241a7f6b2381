from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from accounts.actions import register_accounts_provider

        register_accounts_provider()

        from accounts import live_sessions  # noqa: F401  (signal receivers)
