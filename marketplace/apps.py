from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Marketplace")

    def ready(self):
        from accounts.models import Organisation
        from accounts.personal_data import register_provider
        from cms.actions import project_approved
        from cms.township_sections import follow_township_changes
        from marketplace import personal_data
        from marketplace.actions import apply_approved_project_changes
        from marketplace.models import EnterpriseProfile

        # A team's changes to a live project (money terms, new plans and milestones) apply when the moderators approve.
        project_approved.register(apply_approved_project_changes)
        # cms's township template lists the township's enterprises (marketplace_tags.township_enterprises).
        follow_township_changes(EnterpriseProfile, Organisation)

        register_provider(
            "hometown_ties", export=personal_data.export_hometown_ties, erase=personal_data.erase_hometown_ties
        )
        register_provider("marketplace", export=personal_data.export, erase=personal_data.erase)
