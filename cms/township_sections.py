"""Sections that apps above cms add to the township page (地方DNA), without cms importing them.

cms sits below people, experiences and the other apps that have something to say about a township (README.md,
"Layout"). Each such app registers its sections in its ``AppConfig.ready()``::

    register_township_section(
        "people.organisations", order=10, template="people/township/organisations.html",
        context=township_organisations,
    )

``context(township, request)`` returns the section's context (a dict, given to the template as ``section``), or
None to leave the section out. It must run a fixed number of queries however much the township has (the page's
query count is tested: tests/cms/test_query_counts.py), e.g. one query sliced to what the section shows.
The page renders the sections in ``order`` (then key), after the township's projects and enterprises.

Every reader sees these sections alike, so the page keeps them (cms.page_cache.shared_fragment) until what they
show changes:
- ``changes_with``: the models whose rows the section shows. Saving or deleting one of their rows renders every
  township page's sections again (`follow_township_changes`; an app whose data cms's own template shows calls it
  directly).
- A section whose content changes by itself at a known moment (a slot starts, a request's last day ends) puts
  that moment in its context as ``valid_until`` (an aware datetime); the sections are kept no longer than that.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class TownshipSection:
    key: str
    template: str
    context: Callable[[Any, Any], dict | None]
    order: int = 100


@dataclass(frozen=True)
class RenderedSection:
    key: str
    template: str
    context: dict


class TownshipSections(list):
    """The sections of one township page, in order."""

    @property
    def valid_until(self):
        """The earliest moment one of the sections changes by itself, or None."""
        return min(
            (section.context["valid_until"] for section in self if section.context.get("valid_until")), default=None
        )


_sections = {}


def register_township_section(key, *, template, context, order=100, changes_with=()):
    """Add (or replace: a second registration under the same key wins) a section of the township page;
    `changes_with`: the models whose rows it shows."""
    _sections[key] = TownshipSection(key=key, template=template, context=context, order=order)
    follow_township_changes(*changes_with)
    return _sections[key]


def follow_township_changes(*models):
    """Saving or deleting a row of one of these models changes what township pages show: the page cache renders
    their live parts again (cms.page_cache.township_content_changed)."""
    from django.db.models.signals import post_delete, post_save

    for model in models:
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(
                _township_content_changed, sender=model, dispatch_uid=f"cms-township-{name}-{model._meta.label}"
            )


def _township_content_changed(sender, instance=None, **kwargs):
    from cms.page_cache import township_content_changed
    from cms.page_warming import warm_township_soon

    township_content_changed()
    warm_township_soon(getattr(instance, "township_id", None))  # a row of a township: its pages first


def unregister_township_section(key):
    _sections.pop(key, None)


def registered_sections():
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))


def township_sections(township, request):
    """The registered sections with their context for one township page, in order; a section whose context is None
    is left out."""
    rendered = TownshipSections()
    for section in registered_sections():
        context = section.context(township, request)
        if context is not None:
            rendered.append(RenderedSection(key=section.key, template=section.template, context=context))
    return rendered
