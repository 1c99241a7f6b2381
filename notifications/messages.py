"""What a notification says, kept as its source text and parameters, so it is read in the reader's language.

A title written with `_()` when the notification is made is frozen in the language the person had then; a `Message`
is translated again each time it is shown. The caller marks the source text with `gettext_noop` (so `makemessages`
finds it) and gives the parameters as plain values: a person's or a project's own words, figures, or another
`Message` for a parameter that is itself a text of ours.
"""

from django.utils.translation import get_language, gettext

# The language the source texts are written in: in it, a text the catalog does not list is still right.
SOURCE_LANGUAGE = "en"


class Message:
    def __init__(self, text, **params):
        self.text = str(text)
        self.params = {
            name: value if isinstance(value, Message | int) else str(value) for name, value in params.items()
        }

    def __str__(self):
        return self.render(strict=False)

    def render(self, strict=True):
        """The text in the active language; None (strict) when the catalog no longer knows it, so the caller shows
        the text stored when the notification was made rather than English inside a Chinese or Japanese page."""
        translated = gettext(self.text)
        if strict and translated == self.text and (get_language() or "").split("-")[0] != SOURCE_LANGUAGE:
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
        return {
            "text": self.text,
            "params": {
                name: {"message": value.as_data()} if isinstance(value, Message) else value
                for name, value in self.params.items()
            },
        }

    @classmethod
    def from_data(cls, data):
        if not data or not data.get("text"):
            return None
        params = {
            name: cls.from_data(value["message"]) if isinstance(value, dict) else value
            for name, value in (data.get("params") or {}).items()
        }
        if any(value is None for value in params.values()):
            return None
        return cls(data["text"], **params)
