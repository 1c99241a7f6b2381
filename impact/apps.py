from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ImpactConfig(AppConfig):
    """The impact map and data: figures per township, county and Taiwan, read from the ledger, the interest
    pipeline and the reference data. No models of its own."""

    name = "impact"
    verbose_name = _("Impact")
    default_auto_field = "django.db.models.BigAutoField"
