from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MarketplaceConfig(AppConfig):
    name = "marketplace"
    verbose_name = _("Marketplace")

    def ready(self):
        from accounts.models import Organisation
        from accounts.personal_data import register_provider
        from cms.actions import project_approved, project_edit_url
        from cms.page_cache import follow_page_content_changes, follow_project_card_changes, register_hole_kind
        from cms.templatetags.cms_tags import PROJECT_MONEY
        from cms.township_sections import follow_township_changes
        from marketplace import personal_data
        from marketplace.actions import apply_approved_project_changes
        from marketplace.card_money import render_card_money
        from marketplace.models import (
            Answer,
            DonationCampaign,
            EnterpriseProfile,
            Milestone,
            ProjectListing,
            Question,
            SubscriptionPlan,
        )

        # A team's changes to a live project (money terms, new plans and milestones) apply when the moderators approve.
        project_approved.register(apply_approved_project_changes)
        # A project the moderators send back links its team to their projects page, where they make the changes.
        project_edit_url.provide(_project_edit_url)
        # cms's township template lists the township's enterprises (marketplace_tags.township_enterprises).
        follow_township_changes(EnterpriseProfile, (Organisation, "enterprise_profile__township"))
        # The money of the cards in lists is a hole each page fills as it leaves (cms.page_cache.fill_holes).
        register_hole_kind(PROJECT_MONEY, render_card_money)
        # A project's card (pages, search hits) shows its listing's ways to back it, the campaign and the team's name.
        follow_project_card_changes(
            {
                ProjectListing: lambda listing: [listing.project_id],
                # A draft's campaign or plan has no listing: no project shows it yet.
                DonationCampaign: lambda campaign: _listed_projects(pk=campaign.listing_id),
                SubscriptionPlan: lambda plan: _listed_projects(pk=plan.listing_id),
                EnterpriseProfile: lambda team: _listed_projects(enterprise=team),
                Organisation: lambda organisation: _listed_projects(enterprise__organisation=organisation),
            }
        )

        # A project's page shows its milestones, latest questions and their answers, at once (a moderator's hiding
        # too); a draft's milestones have no listing and no page.
        follow_page_content_changes(
            {
                Milestone: lambda milestone: _listed_projects(pk=milestone.listing_id),
                Question: lambda question: _listed_projects(pk=question.listing_id),
                Answer: lambda answer: _listed_projects(questions__pk=answer.question_id),
            }
        )

        register_provider(
            "hometown_ties", export=personal_data.export_hometown_ties, erase=personal_data.erase_hometown_ties
        )
        register_provider("marketplace", export=personal_data.export, erase=personal_data.erase)


def _listed_projects(**lookup):
    """The project ids of the listings matching `lookup` (none for a lookup on no listing)."""
    from marketplace.models import ProjectListing

    if None in lookup.values():
        return []
    return list(ProjectListing.objects.filter(**lookup).values_list("project_id", flat=True))


def _project_edit_url(project):
    from django.urls import reverse

    from marketplace.queries import project_edit_path

    return project_edit_path(project) or reverse("cms:review_notices")
