"""sitemap.xml: every live, public page in every language (Wagtail's own covers the default tree only), each entry
with its language versions as `<xhtml:link rel="alternate" hreflang>` (and x-default, the default language's), as
the pages' own heads say them (cms_tags.alternate_links).

An untranslated page's alias is left out: its canonical URL is the original's, and it is no language version."""

from django.conf import settings
from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class MultilingualSitemap(Sitemap):
    def _listed_pages(self):
        root = self.get_wagtail_site().root_page
        homes = root.get_translations(inclusive=True).only("path")
        in_a_tree = Q()
        for home in homes:
            in_a_tree |= Q(path__startswith=home.path)
        return Page.objects.filter(in_a_tree, alias_of__isnull=True).live().public()

    def items(self):
        return self._listed_pages().order_by("path").defer_streamfields().specific()

    def _language_versions(self, pages):
        """{translation_key: [{"lang_code", "location"}, …]} for the pages that exist in more than one language,
        in the order of LANGUAGES and x-default last: one query for a whole page of the sitemap."""
        versions = {}
        listed = (
            self._listed_pages()
            .filter(translation_key__in={page.translation_key for page in pages})
            .select_related("locale")
            .defer_streamfields()
        )
        for version in listed:
            url = version.get_full_url(self.request)
            if url:
                versions.setdefault(version.translation_key, {})[version.locale.language_code] = url
        alternates = {}
        for key, by_language in versions.items():
            if len(by_language) < 2:
                continue
            links = [
                {"lang_code": code, "location": by_language[code]}
                for code, _name in settings.LANGUAGES
                if code in by_language
            ]
            if settings.LANGUAGE_CODE in by_language:
                links.append({"lang_code": "x-default", "location": by_language[settings.LANGUAGE_CODE]})
            alternates[key] = links
        return alternates

    def _urls(self, page, protocol, domain):
        pages = list(self.paginator.page(page).object_list)
        alternates = self._language_versions(pages)
        urls = []
        last_mods = set()
        for item in pages:
            for url_info in item.get_sitemap_urls(self.request):
                urls.append({**url_info, "alternates": alternates.get(item.translation_key, [])})
                last_mods.add(url_info.get("lastmod"))
        # last_mods might be empty if the whole site is private (as in Wagtail's own)
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls
