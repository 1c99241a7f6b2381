from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from accounts.actions import register_accounts_provider
        from accounts.staff import ensure_staff_groups_after_migrate

        register_accounts_provider()
        # Permissions only exist once every app has migrated; the groups are (re)checked after each migrate.
        post_migrate.connect(ensure_staff_groups_after_migrate, dispatch_uid="accounts.ensure_staff_groups")
