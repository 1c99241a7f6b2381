from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

# Staff groups (accounts.staff) that own the synonyms: they add, change and delete entries in the admin.
SYNONYM_GROUPS = ("Editors", "Moderators")


def grant_synonym_permissions(sender, app_config=None, **kwargs):
    """After migrate: the staff groups get the synonym permissions (idempotent; groups are met by name). Run once,
    after the last app's post_migrate, when every permission exists (as accounts.staff does)."""
    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    last = [config for config in apps.get_app_configs() if config.models_module is not None][-1]
    if app_config is None or app_config.label != last.label:
        return

    permissions = list(
        Permission.objects.filter(
            content_type__app_label="search",
            codename__in=[f"{action}_synonymentry" for action in ("add", "change", "delete", "view")],
        )
    )
    if not permissions:
        return
    for name in SYNONYM_GROUPS:
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(*permissions)


class SearchConfig(AppConfig):
    name = "search"
    verbose_name = _("Discovery")

    def ready(self):
        from search.families import register_default_families
        from search.matching_index import connect_matching_receivers
        from search.receivers import connect_receivers

        register_default_families()
        connect_receivers()
        connect_matching_receivers()
        post_migrate.connect(grant_synonym_permissions, dispatch_uid="search.grant_synonym_permissions")
        # Answers search gives the apps below it, which never import search (README.md, "Layout").
        from marketplace import providers as marketplace_providers
        from payments.funding import search_funding_facts, search_funding_facts_many
        from payments.ledger import totals_changed
        from people import providers as people_providers
        from search.content import register_funding_provider
        from search.indexing import reindex_projects_soon
        from search.matching_index import people_candidates, request_candidates
        from search.recommend import recommendation_candidates
        from traceability.badges import badges_changed

        # subscriptions, donations, money raised, backers (page by page, and for a batch of pages at once)
        register_funding_provider(search_funding_facts, many=search_funding_facts_many)
        marketplace_providers.search_candidates.provide(recommendation_candidates)
        people_providers.matching_request_candidates.provide(request_candidates)
        people_providers.matching_people_candidates.provide(people_candidates)
        totals_changed.register(reindex_projects_soon)
        badges_changed.register(reindex_projects_soon)  # "traceable" / "live data" moved: refresh those projects
