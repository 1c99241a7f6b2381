"""The home page's live figures, computed from the data and never typed in.

`site_figures()` is the one place they come from: projects and townships from
the live pages, backers and NT$ raised from the payments ledger.
"""

from dataclasses import dataclass

from django.db.models import Count

from cms.models import ProjectPage
from core.providers import Provider


@dataclass(frozen=True)
class MoneyTotals:
    raised_twd: int = 0
    backers: int = 0


# NT$ raised and distinct backers across every project: payments provides them (payments.ledger.site_totals) in
# its AppConfig.ready(); cms sits below payments and never imports it.
money_totals = Provider("cms.money_totals", default=MoneyTotals)


def site_figures():
    from cms.page_cache import HOME, site_wide_value

    # The counts move when a project is published or unpublished (HOME), not when it is paid: kept until then.
    counts = site_wide_value("home-figures:counts", _project_counts, depends_on=[HOME])
    money = money_totals()
    return {**counts, "backers": money.backers, "raised_twd": money.raised_twd}


def _project_counts():
    # A project and its translations share a translation key: count it once.
    # One aggregate query for both (a render from nothing reads them).
    return (
        ProjectPage.objects.live()
        .public()
        .aggregate(
            projects=Count("translation_key", distinct=True), townships_reached=Count("township_id", distinct=True)
        )
    )
