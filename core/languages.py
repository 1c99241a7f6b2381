"""The site's languages as HTML and people name them: one place for the codes Django, Wagtail and HTML use.

Django and Wagtail say "zh-hant", "en", "ja"; HTML's `lang` wants BCP 47 with the region where it matters
("zh-Hant-TW", so that screen readers and fonts pick Taiwan's conventions).
"""

from django.conf import settings
from django.utils.translation import gettext_lazy, pgettext

HTML_LANG = {"zh-hant": "zh-Hant-TW"}


def html_lang(language_code):
    code = (language_code or settings.LANGUAGE_CODE).lower()
    return HTML_LANG.get(code, code)


def native_name(language_code):
    """繁體中文, English or 日本語: a language's own name (settings.LANGUAGES), whatever the interface language."""
    code = (language_code or "").lower()
    return dict(settings.LANGUAGES).get(code, code)


def list_separator():
    """What separates the items of a list written out in a sentence: 、 in Chinese and Japanese, ", " in English."""
    # Translators: what separates the items of an inline list ("Jan, Feb"); zh-Hant and ja use 、 without spaces.
    return pgettext("list separator", ", ")


def inline_list(items):
    """Items joined by the language's list separator (the template filter `as_list` in core/templatetags/formats.py
    does the same for pages); empty items are left out."""
    return list_separator().join(str(item) for item in items if item)


# Django ends a form's labels with gettext(":"), and its Japanese catalogue leaves that colon in ASCII; ours gives
# the full-width one (locale/GLOSSARY.md). Marked here so that makemessages keeps the entry in our catalogues.
LABEL_SUFFIX = gettext_lazy(":")


def url_in_language(request, url, language):
    """`url`, a path on this site made in any language (a notification's link, made in its recipient's language),
    as the same place in `language`: a CMS page's live translation (slugs differ between languages), a view's path
    under that language's prefix. `url` as it is when it is not a path of this site, is already in `language`, or
    has no such place."""
    from urllib.parse import urlsplit, urlunsplit

    from django.http import Http404
    from django.urls import translate_url
    from django.utils import translation
    from wagtail.models import Locale, Site

    parts = urlsplit(url)
    source = translation.get_language_from_path(parts.path)
    if parts.scheme or parts.netloc or not source or source == language:
        return url
    components = [component for component in parts.path.split("/") if component][1:]
    with translation.override(source):
        site = Site.find_for_request(request)
        try:
            page = site.root_page.localized.specific.route(request, components).page if site else None
        except Http404:
            page = None
        if page is None:
            # Not a CMS page: a view, whose pattern Django says again in the other language.
            return translate_url(url, language)
    locale = Locale.objects.filter(language_code=language).first()
    target = page.get_translation_or_none(locale) if locale else None
    if target is None or not target.live:
        return url
    with translation.override(language):
        address = target.get_url(request)
    return urlunsplit(("", "", address, parts.query, parts.fragment)) if address else url


def page_titles_by_language(page):
    """{language code: title} of `page` in each language it is published in (its live translations; an alias repeats
    its original and is left out), the original first: what a notification keeps (notifications' `Message.named`) to
    name the page in the language it is read in later, the original where it has no translation. The page's own
    title is kept even when it is not live (a project sent back to its team)."""
    from wagtail.models import Page

    source = page.alias_of if page.alias_of_id else page
    versions = list(
        Page.objects.live()
        .filter(translation_key=source.translation_key, alias_of__isnull=True)
        .exclude(pk=source.pk)
        .values_list("locale__language_code", "title")
    )
    titles = {source.locale.language_code: source.title, **dict(versions)}
    original = titles.pop(settings.LANGUAGE_CODE, None)
    # The default language's version is the one the others were translated from.
    return {settings.LANGUAGE_CODE: original, **titles} if original else titles


def titles_in_language(pages, language_code):
    """{page pk: (title, HTML lang of that title)} of `pages` as a reader of `language_code` names them: the title of
    the page's live translation in that language, else the page's own title in its own language. One query, none
    when every page is in that language already. (cms.public.in_active_language gives whole pages; this is for apps
    that only name a page and sit beside cms.)"""
    from wagtail.models import Page

    pages = list(pages)
    others = [page for page in pages if page.locale.language_code != language_code]
    translated = dict(
        Page.objects.live()
        .filter(
            locale__language_code=language_code,
            alias_of__isnull=True,
            translation_key__in={page.translation_key for page in others},
        )
        .values_list("translation_key", "title")
        if others
        else ()
    )
    titles = {}
    for page in pages:
        if page.translation_key in translated and page.locale.language_code != language_code:
            titles[page.pk] = (translated[page.translation_key], html_lang(language_code))
        else:
            titles[page.pk] = (page.title, html_lang(page.locale.language_code))
    return titles


def fall_back_to_the_source_text():
    """A string missing from Japanese reads in English (the text in the code), never in Chinese.

    Django lets a language fall back to LANGUAGE_CODE's catalog (here zh-hant): where Wagtail's Japanese catalog
    lacks a string of its admin ("Used by" on the workflow tasks, and hundreds more), a Japanese staff member read
    Wagtail's Chinese ("已用於"). Our own catalogs are complete (tests/test_translations.py), so this changes only
    what other catalogs miss. Called once, from CoreConfig.ready, before any catalog is loaded."""
    from django.utils.translation import trans_real

    def add_no_fallback(translation, localedirs=None):
        return None

    trans_real.DjangoTranslation._add_fallback = add_no_fallback
    trans_real._translations.clear()
