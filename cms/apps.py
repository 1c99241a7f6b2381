from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Content")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from wagtail.signals import workflow_approved, workflow_rejected

        from accounts.personal_data import register_provider
        from cms import signal_handlers
        from cms.uploads import erase_uploads, export_uploads

        post_migrate.connect(signal_handlers.after_migrate, dispatch_uid="cms_after_migrate")
        workflow_approved.connect(signal_handlers.project_approved, dispatch_uid="cms_project_approved")
        workflow_rejected.connect(signal_handlers.project_rejected, dispatch_uid="cms_project_rejected")
        register_provider("uploads", export=export_uploads, erase=erase_uploads)
