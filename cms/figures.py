"""The home page's live figures, computed from the data and never typed in.

`site_figures()` is the one place they come from; the payments work extends it
with backers and NT$ raised from its ledger. Until then those are 0, honestly.
"""

from cms.models import ProjectPage


def site_figures():
    # A project and its translations share a translation key: count it once.
    live_projects = ProjectPage.objects.live().public()
    return {
        "projects": live_projects.values("translation_key").distinct().count(),
        "townships_reached": live_projects.values("township_id").distinct().count(),
        "backers": 0,
        "raised_twd": 0,
    }
