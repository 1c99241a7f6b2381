"""A plan's free text in the reader's language: the English or Japanese text when the office wrote it, else the
Chinese original, marked as such (its own `lang`, and a note saying it is the original)."""

from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import get_language

from core.languages import html_lang

# The plan's free-text fields that have English and Japanese versions (<field>_en, <field>_ja).
TRANSLATED_FIELDS = ("title", "vision", "local_dna")
TRANSLATION_LANGUAGES = ("en", "ja")


@dataclass(frozen=True)
class PlanText:
    text: str
    lang: str  # the HTML lang of the text
    is_fallback: bool  # the reader's language has no version: the Chinese original is shown

    def __str__(self):
        return self.text


def reader_language(language=None):
    """ "en", "ja", or None for Chinese (the original)."""
    code = (language or get_language() or settings.LANGUAGE_CODE).lower()
    for candidate in TRANSLATION_LANGUAGES:
        if code == candidate or code.startswith(candidate + "-"):
            return candidate
    return None


def plan_text(plan, field, language=None):
    """The plan's `field` (one of TRANSLATED_FIELDS) for a reader of `language` (the active one by default)."""
    if field not in TRANSLATED_FIELDS:
        raise ValueError(f"{field!r} has no translations; one of {TRANSLATED_FIELDS}")
    original = getattr(plan, field)
    wanted = reader_language(language)
    if wanted is not None:
        translated = (getattr(plan, f"{field}_{wanted}") or "").strip()
        if translated:
            return PlanText(translated, html_lang(wanted), False)
        # An empty original is "not written yet", not a fallback.
        return PlanText(original, html_lang(settings.LANGUAGE_CODE), bool(original.strip()))
    return PlanText(original, html_lang(settings.LANGUAGE_CODE), False)


def plan_texts(plan, language=None):
    """{field: PlanText} of every translated field."""
    return {field: plan_text(plan, field, language) for field in TRANSLATED_FIELDS}


def translation_fields():
    """["title_en", "title_ja", "vision_en", …]: the model fields holding the translations."""
    return [f"{field}_{language}" for field in TRANSLATED_FIELDS for language in TRANSLATION_LANGUAGES]
