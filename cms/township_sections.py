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
- ``changes_with``: the models whose rows the section shows, each with the lookup of the townships a row shows on
  when it is not the model's own ``township`` field (``(Organisation, "experiences__township")``). Saving or
  deleting one of their rows renders the sections of those townships' pages again, or of every township page for
  a model that names no township (`follow_township_changes`; an app whose data cms's own template shows calls it
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
    their live parts again (cms.page_cache.township_content_changed). Each is a model, or a pair (model, the lookup
    of the townships whose pages show its rows, e.g. "experience__township" or "experiences__township" for an
    organisation named beside its experiences; or None). A model's own `township` field is its lookup by default.
    The pages of the row's townships, and of those it left, are stale: each lookup a model is followed under adds
    its townships. None (a model without that field, official figures) makes every township page stale."""
    from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

    for item in models:
        model, lookup = item if isinstance(item, tuple) else (item, _own_township_field(item))
        known = _township_lookups.get(model, ())
        _township_lookups[model] = None if lookup is None or known is None else tuple(dict.fromkeys((*known, lookup)))
        label = model._meta.label
        pre_save.connect(_remember_townships, sender=model, dispatch_uid=f"cms-township-before-save-{label}")
        pre_delete.connect(_remember_townships, sender=model, dispatch_uid=f"cms-township-before-delete-{label}")
        post_save.connect(_township_row_saved, sender=model, dispatch_uid=f"cms-township-saved-{label}")
        post_delete.connect(_township_row_deleted, sender=model, dispatch_uid=f"cms-township-deleted-{label}")


# model: the lookups of the townships whose pages show its rows, or None (every township's pages may show them)
_township_lookups = {}
EVERY_TOWNSHIP = "every township"
TOWNSHIPS_BEFORE = "_cms_townships_before"


def _own_township_field(model):
    return "township" if any(field.name == "township" for field in model._meta.get_fields()) else None


def _townships_of(model, instance, lookups=None, read=False):
    """The ids of the townships whose pages show `instance`, or {EVERY_TOWNSHIP}. A row's own township is read from
    the instance, unless `read` (before a save: the row as it is stored); a lookup across a relation always from
    the database, one query each. `lookups`: these of the model's only."""
    followed = _township_lookups.get(model)
    if followed is None:
        return {EVERY_TOWNSHIP}
    townships = set()
    for lookup in followed if lookups is None else lookups:
        if lookup == "township" and not read:
            townships.add(instance.township_id)
        else:
            townships.update(model._base_manager.filter(pk=instance.pk).values_list(lookup, flat=True))
    return townships - {None}


def _remember_townships(sender, instance=None, update_fields=None, **kwargs):
    # Before a save or a delete: the townships whose pages show the row as stored. A save may move it (a new
    # township, another experience); one that writes none of the fields its lookups start from moves nothing.
    if instance.pk is None or instance._state.adding:
        before = set()
    elif update_fields is None:
        before = _townships_of(sender, instance, read=True)
    else:
        moving = [lookup for lookup in _township_lookups.get(sender) or () if _writes(update_fields, lookup)]
        before = _townships_of(sender, instance, moving, read=True) if moving else set()
    setattr(instance, TOWNSHIPS_BEFORE, before)


def _writes(update_fields, lookup):
    first = lookup.split("__")[0]
    return first in update_fields or f"{first}_id" in update_fields  # a save may name a foreign key either way


def _township_row_saved(sender, instance=None, **kwargs):
    before = getattr(instance, TOWNSHIPS_BEFORE, set())
    _township_content_changed(before | _townships_of(sender, instance))


def _township_row_deleted(sender, instance=None, **kwargs):
    _township_content_changed(getattr(instance, TOWNSHIPS_BEFORE, {EVERY_TOWNSHIP}))


def _township_content_changed(townships):
    from cms.page_cache import township_content_changed
    from cms.page_warming import warm_township_soon

    if EVERY_TOWNSHIP in townships:
        township_content_changed()
        return
    moved = township_content_changed(townships)
    for township_id in sorted(townships):
        warm_township_soon(township_id, moved)  # the pages of the townships the row shows on


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
