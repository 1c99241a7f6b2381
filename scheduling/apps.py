from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "scheduling"
    verbose_name = _("Scheduled jobs")

    def ready(self):
        from scheduling import jobs

        # A wrong dotted path or cron expression stops every process at start-up, not at 03:30 some night.
        jobs.check_declarations()
