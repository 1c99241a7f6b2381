"""Template tags for the site shell (site/templates/base.html)."""

from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils.translation import get_language
from wagtail.models import Page

register = template.Library()


@register.simple_tag(takes_context=True)
def language_links(context):
    """One entry per interface language, each pointing at this page in that language.

    On a Wagtail page the link goes to the page's translation (slugs differ between languages);
    where there is none, to the home page of that language.
    """
    request = context.get("request")
    path = request.get_full_path() if request else "/"
    current = get_language()
    page = context.get("page")
    translations = {}
    if isinstance(page, Page):
        for translation in page.get_translations(inclusive=True).live().select_related("locale"):
            translations[translation.locale.language_code] = translation.get_url(request)
    links = []
    for code, name in settings.LANGUAGES:
        url = (translations.get(code) or f"/{code}/") if isinstance(page, Page) else translate_url(path, code)
        links.append({"code": code, "name": name, "url": url, "active": code == current})
    return links
