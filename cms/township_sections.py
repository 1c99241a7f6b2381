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


_sections = {}


def register_township_section(key, *, template, context, order=100):
    """Add (or replace: a second registration under the same key wins) a section of the township page."""
    _sections[key] = TownshipSection(key=key, template=template, context=context, order=order)
    return _sections[key]


def unregister_township_section(key):
    _sections.pop(key, None)


def registered_sections():
    return sorted(_sections.values(), key=lambda section: (section.order, section.key))


def township_sections(township, request):
    """The registered sections with their context for one township page, in order; a section whose context is None
    is left out."""
    rendered = []
    for section in registered_sections():
        context = section.context(township, request)
        if context is not None:
            rendered.append(RenderedSection(key=section.key, template=section.template, context=context))
    return rendered
