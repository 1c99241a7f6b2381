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
        from payments.ledger import totals_changed
        from search.indexing import schedule_debounced_reindex
        from search.recommend import recommendation_candidates

        marketplace_providers.search_candidates.provide(recommendation_candidates)
        totals_changed.register(lambda project_ids: schedule_debounced_reindex("projects", project_ids))
