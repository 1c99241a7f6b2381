"""The home page's live figures, computed from the data and never typed in.

`site_figures()` is the one place they come from. Backers and NT$ raised join
them when the payments ledger exists; until then they are not shown at all,
rather than shown as a number nobody computed.
"""

from cms.models import ProjectPage


def site_figures():
    # A project and its translations share a translation key: count it once.
    live_projects = ProjectPage.objects.live().public()
    return {
        "projects": live_projects.values("translation_key").distinct().count(),
        "townships_reached": live_projects.values("township_id").distinct().count(),
    }
