"""What a notification says, kept as its source text and parameters, so it is read in the reader's language.

A title written with `_()` when the notification is made is frozen in the language the person had then; a `Message`
is translated again each time it is shown. The caller marks the source text with `gettext_noop` (so `makemessages`
finds it) and gives the parameters as plain values: a person's or a project's own words, figures, or another
`Message` for a parameter that is itself a text of ours.

A text with a plural is made with `Message.ngettext(singular, plural, number, ...)`, one with a context with
`Message.pgettext(context, text, ...)`, several texts shown one a line with `Message.joined(...)`, and a name
that is written in each language rather than translated (a township's) with `Message.named(names_by_language)`.
"""

from django.utils.translation import get_language, gettext, ngettext, npgettext, pgettext

# The language the source texts are written in: in it, a text the catalog does not list is still right.
SOURCE_LANGUAGE = "en"


class Message:
    def __init__(self, text, **params):
        self.text = str(text)
        self.context = ""
        self.plural = ""
        self.number = None
        self.lines = []
        self.names = {}
        self.params = {
            name: value if isinstance(value, Message | int) else str(value) for name, value in params.items()
        }

    # The names of these makers are gettext's, so that `makemessages` finds their texts (plural and context too).
    @classmethod
    def ngettext(cls, singular, plural, number, **params):
        """A text whose form follows `number` (give it among `params` too when the text shows it)."""
        message = cls(singular, **params)
        message.plural, message.number = str(plural), int(number)
        return message

    @classmethod
    def pgettext(cls, context, text, **params):
        message = cls(text, **params)
        message.context = str(context)
        return message

    @classmethod
    def joined(cls, *lines):
        """Texts shown one a line (the languages do not agree on a space between sentences)."""
        message = cls("")
        message.lines = list(lines)
        return message

    @classmethod
    def named(cls, names_by_language):
        """A parameter that is a name written in each language, not a text of the catalog: a township's (places'
        `Township.names`), chosen in the reader's language when shown. A language it lacks gets the first one
        given (the original)."""
        message = cls("")
        message.names = {language.lower(): str(name) for language, name in names_by_language.items() if name}
        return message

    def _name(self):
        language = (get_language() or "").lower()
        for candidate in (language, language.split("-")[0]):
            if candidate in self.names:
                return self.names[candidate]
        return next(iter(self.names.values()), "")

    def _translated(self):
        if self.plural:
            if self.context:
                return npgettext(self.context, self.text, self.plural, self.number)
            return ngettext(self.text, self.plural, self.number)
        return pgettext(self.context, self.text) if self.context else gettext(self.text)

    def __str__(self):
        return self.render(strict=False)

    def render(self, strict=True):
        """The text in the active language; None (strict) when the catalog no longer knows it, so the caller shows
        the text stored when the notification was made rather than English inside a Chinese or Japanese page."""
        if self.lines:
            rendered = [line.render(strict) for line in self.lines]
            return None if None in rendered else "\n".join(rendered)
        if self.names:
            return self._name()
        translated = self._translated()
        untranslated = translated in (self.text, self.plural)
        if strict and untranslated and (get_language() or "").split("-")[0] != SOURCE_LANGUAGE:
            return None
        values = {}
        for name, value in self.params.items():
            if isinstance(value, Message):
                value = value.render(strict)
                if value is None:
                    return None
            values[name] = value
        try:
            return translated % values if values else translated
        except (KeyError, TypeError, ValueError):
            return None if strict else self.text

    def as_data(self):
        if self.lines:
            return {"lines": [line.as_data() for line in self.lines]}
        if self.names:
            # PostgreSQL's jsonb keeps keys in an order of its own: the original (the fallback) is named apart.
            return {"names": dict(self.names), "original": next(iter(self.names))}
        data = {
            "text": self.text,
            "params": {
                name: {"message": value.as_data()} if isinstance(value, Message) else value
                for name, value in self.params.items()
            },
        }
        if self.context:
            data["context"] = self.context
        if self.plural:
            data["plural"], data["number"] = self.plural, self.number
        return data

    @classmethod
    def from_data(cls, data):
        if data and data.get("lines"):
            lines = [cls.from_data(line) for line in data["lines"]]
            return None if None in lines else cls.joined(*lines)
        if data and isinstance(data.get("names"), dict) and data["names"]:
            names = data["names"]
            original = data.get("original")
            if original in names:
                names = {original: names[original], **names}
            return cls.named(names)
        if not data or not data.get("text"):
            return None
        if data.get("plural") and not isinstance(data.get("number"), int):
            return None
        params = {
            name: cls.from_data(value["message"]) if isinstance(value, dict) else value
            for name, value in (data.get("params") or {}).items()
        }
        if any(value is None for value in params.values()):
            return None
        message = cls(data["text"], **params)
        message.context = data.get("context") or ""
        if data.get("plural"):
            message.plural, message.number = data["plural"], data["number"]
        return message
