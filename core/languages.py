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
