from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConversationsConfig(AppConfig):
    name = "conversations"
    verbose_name = _("Conversations")

    def ready(self):
        from accounts.personal_data import register_provider
        from conversations import personal_data

        register_provider("conversations", export=personal_data.export, erase=personal_data.erase)
