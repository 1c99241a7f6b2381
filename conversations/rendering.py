"""Messages are plain text: escaped first, then web addresses and emails become links (never raw HTML)."""

from django.utils.html import urlize
from django.utils.safestring import mark_safe


def render_text(text):
    """Safe HTML for a message: every character the author typed is escaped; only links and line breaks are added."""
    linked = urlize(text, nofollow=True, autoescape=True)
    return mark_safe(linked.replace("\r\n", "\n").replace("\n", "<br>"))  # noqa: S308 (escaped by urlize)
