"""RSS and Atom feeds of a story index: live, public stories only, newest first.

Every link in a feed is absolute and starts with SITE_BASE_URL (through the default Wagtail Site, which follows it),
never with the host the request happened to name: a feed reader keeps the links it was given."""

from datetime import datetime, time

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed

FEED_LENGTH = 20


class StoryRssFeed(Feed):
    def __init__(self, index_page):
        super().__init__()
        self.index_page = index_page

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return f"{self.index_page.title} | Homeward"

    def link(self):
        return self.index_page.get_full_url(self.request)

    def feed_url(self):
        return settings.SITE_BASE_URL + self.request.path

    def description(self):
        return self.index_page.summary or self.index_page.title

    def items(self):
        return self.index_page.stories()[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        return item.summary

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        return timezone.make_aware(datetime.combine(item.date, time(12)))

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class StoryAtomFeed(StoryRssFeed):
    feed_type = Atom1Feed

    def subtitle(self):
        return self.description()
