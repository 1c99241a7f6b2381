"""Form fields shared by the apps: choices of reference data named in the reader's language; the text area."""

import unicodedata

from django import forms
from django.db import models


class Textarea(forms.Textarea):
    """The text area of every Homeward form. A browser counts each line break as one character against the
    textarea's maxlength but sends it as two (CRLF): a text that the browser let through was refused as too long
    (and, where the form answers with a redirect, lost). Line breaks are read as one (LF), as the browser counted
    them, so stored texts also have one kind of line break."""

    def value_from_datadict(self, data, files, name):
        value = super().value_from_datadict(data, files, name)
        return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def name_in_active_language(item):
    """What a choice of reference data is called in the interface's language; the models' __str__ is the Chinese
    name (what the admin and the logs show). A township comes with its county, an SDG with its number, a support
    programme with its ministry; counties, sectors and ministries have a `name` that follows the language."""
    if hasattr(item, "full_name"):
        return item.full_name
    number = getattr(item, "number", None)
    if number is not None:
        return f"SDG {number} {item.name}"
    if hasattr(item, "display_name") and hasattr(item, "ministry"):
        return f"{item.ministry.name} — {item.display_name}"
    return item.name


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return name_in_active_language(obj)


class NamedMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return name_in_active_language(obj)


# Explicit direction embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI). Right-to-left text
# does not need them; in a name they turn the rest of the line around wherever the name is shown (a title, a
# card, a notification), which can make one name read as another.
DIRECTION_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))


def without_direction_controls(text):
    return text.translate(DIRECTION_CONTROLS) if isinstance(text, str) else text


# What shows nothing on its own: format characters (zero-width space, joiners, word joiner, BOM, soft hyphen),
# controls, spaces and separators, combining marks with nothing to sit on, and the fillers and blank that fonts draw
# as empty (Hangul fillers, braille blank).
INVISIBLE_CATEGORIES = frozenset({"Cf", "Cc", "Zs", "Zl", "Zp", "Mn", "Me"})
BLANK_LOOKING = frozenset("\u115f\u1160\u3164\uffa0\u2800")


def shows_nothing(text):
    return all(char in BLANK_LOOKING or unicodedata.category(char) in INVISIBLE_CATEGORIES for char in text)


class TextField(forms.CharField):
    """Text typed by a person: as CharField, and a text that shows nothing (only zero-width characters or blanks)
    is empty, so a required field asks for it instead of storing an invisible title, story or reward."""

    def to_python(self, value):
        value = super().to_python(value)
        return "" if value and shows_nothing(value) else value


class NameField(TextField):
    """A one-line name or title typed by a person: as TextField, without direction controls."""

    def to_python(self, value):
        return super().to_python(without_direction_controls(value))


def text_formfield(db_field, **kwargs):
    """A ModelForm's `formfield_callback`: each free-text model field (CharField or TextField without choices) becomes
    a TextField (a text area for a TextField), so a model form counts invisible text as empty, as the other forms do.
    Emails, addresses, slugs and choices keep their own fields."""
    if type(db_field) in (models.CharField, models.TextField) and not db_field.choices:
        kwargs.setdefault("form_class", TextField)
        if isinstance(db_field, models.TextField):
            kwargs.setdefault("widget", Textarea)
    return db_field.formfield(**kwargs)
