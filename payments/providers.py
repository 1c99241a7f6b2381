"""The answers payments gives the apps below it, which never import payments (README.md, "Layout")."""


def provide_money_answers():
    from cms import figures
    from marketplace import providers
    from payments import checkout, ledger, queries

    providers.backers_by_project.provide(ledger.backers_by_project)
    providers.totals_by_project.provide(ledger.totals_by_project)
    providers.people_backing.provide(queries.people_backing_now)
    providers.plans_submitted.register(checkout.sync_listing_plans)
    figures.money_totals.provide(ledger.site_totals)
