"""The CMS's models: images, snippets, pages, site settings and review notices. The page tree is in pages.py."""

from cms.models.images import CustomImage, CustomRendition
from cms.models.notices import ReviewNotice
from cms.models.pages import (
    CountyPage,
    HomeFeaturedProject,
    HomeFeaturedStory,
    HomePage,
    ProjectPage,
    ProjectUpdate,
    StandardPage,
    StoryIndexPage,
    StoryPage,
    StoryPageTag,
    TownshipIndexPage,
    TownshipPage,
)
from cms.models.review import PageReviewTask, ProjectReviewTask
from cms.models.site_settings import NavigationSettings
from cms.models.snippets import Ministry, Sector, SupportProgramme, SustainableDevelopmentGoal
from cms.models.visits import PageVisitDay

__all__ = [
    "CountyPage",
    "CustomImage",
    "CustomRendition",
    "HomeFeaturedProject",
    "HomeFeaturedStory",
    "HomePage",
    "NavigationSettings",
    "PageReviewTask",
    "PageVisitDay",
    "ProjectPage",
    "ProjectReviewTask",
    "ProjectUpdate",
    "ReviewNotice",
    "Sector",
    "StandardPage",
    "StoryIndexPage",
    "StoryPage",
    "StoryPageTag",
    "SupportProgramme",
    "Ministry",
    "SustainableDevelopmentGoal",
    "TownshipIndexPage",
    "TownshipPage",
]
