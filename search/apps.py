from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Discovery")

    def ready(self):
        from search.families import register_default_families
        from search.receivers import connect_receivers

        register_default_families()
        connect_receivers()
        # Answers search gives the apps below it, which never import search (README.md, "Layout").
        from marketplace import providers as marketplace_providers
        from payments.funding import search_funding_facts
        from payments.ledger import totals_changed
        from search.content import register_funding_provider
        from search.indexing import reindex_projects_soon
        from search.recommend import recommendation_candidates
        from traceability.badges import badges_changed

        register_funding_provider(search_funding_facts)  # subscriptions, donations, money raised, backers
        marketplace_providers.search_candidates.provide(recommendation_candidates)
        totals_changed.register(reindex_projects_soon)
        badges_changed.register(reindex_projects_soon)  # "traceable" / "live data" moved: refresh those projects
