"""The home page's live figures, computed from the data and never typed in.

`site_figures()` is the one place they come from: projects and townships from
the live pages, backers and NT$ raised from the payments ledger.
"""

from cms.models import ProjectPage


def site_figures():
    from marketplace.payments.ledger import site_totals

    # A project and its translations share a translation key: count it once.
    live_projects = ProjectPage.objects.live().public()
    money = site_totals()
    return {
        "projects": live_projects.values("translation_key").distinct().count(),
        "backers": money.backers,
        "raised_twd": money.raised_twd,
        "townships_reached": live_projects.values("township_id").distinct().count(),
    }
