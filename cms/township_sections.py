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
- ``changes_with``: the models whose rows the section shows. Saving or deleting one of their rows renders the
  sections of its township's pages again, or of every township page for a model whose rows name no township or
  show on other townships' pages (`follow_township_changes`; an app whose data cms's own template shows calls it
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
    their live parts again (cms.page_cache.township_content_changed). Each is a model, or a pair (model, the lookup of
    its rows' township, e.g. "experience__township", or None). With a lookup (a model's own `township` field by
    default), the pages of the row's township, and of the one it left, are stale; with None (a model without that
    field, or rows that pages of other townships show too: an organisation's name beside its experiences), every
    township page is."""
    from django.db.models.signals import post_delete, post_save, pre_delete, pre_save

    for item in models:
        model, lookup = item if isinstance(item, tuple) else (item, _own_township_field(item))
        if model in _township_lookups and _township_lookups[model] != lookup:
            lookup = None  # followed by two apps that read its rows differently: both are right about every township
        _township_lookups[model] = lookup
        label = model._meta.label
        pre_save.connect(_remember_township, sender=model, dispatch_uid=f"cms-township-before-save-{label}")
        pre_delete.connect(_remember_township, sender=model, dispatch_uid=f"cms-township-before-delete-{label}")
        post_save.connect(_township_row_saved, sender=model, dispatch_uid=f"cms-township-saved-{label}")
        post_delete.connect(_township_row_deleted, sender=model, dispatch_uid=f"cms-township-deleted-{label}")


_township_lookups = {}  # model: the lookup of its rows' township, or None (any township's pages may show them)
EVERY_TOWNSHIP = "every township"
TOWNSHIP_BEFORE = "_cms_township_before"


def _own_township_field(model):
    return "township" if any(field.name == "township" for field in model._meta.get_fields()) else None


def _township_of(model, instance, read=False):
    """The id of the township whose pages show `instance` (None: none), or EVERY_TOWNSHIP. A row's own township is
    read from the instance, unless `read` (before a save: the row as it is stored); a lookup across a relation
    always from the database."""
    lookup = _township_lookups.get(model)
    if lookup is None:
        return EVERY_TOWNSHIP
    if lookup == "township" and not read:
        return instance.township_id
    return model._base_manager.filter(pk=instance.pk).values_list(lookup, flat=True).first()


def _remember_township(sender, instance=None, update_fields=None, **kwargs):
    # Before a save or a delete: the township whose pages show the row as stored (a save may move it to another).
    lookup = _township_lookups.get(sender)
    moves = update_fields is None or (lookup is not None and lookup.split("__")[0] in update_fields)
    stored = instance.pk is not None and not instance._state.adding
    setattr(instance, TOWNSHIP_BEFORE, _township_of(sender, instance, read=True) if stored and moves else None)


def _township_row_saved(sender, instance=None, **kwargs):
    _township_content_changed(
        sender, instance, {getattr(instance, TOWNSHIP_BEFORE, None), _township_of(sender, instance)}
    )


def _township_row_deleted(sender, instance=None, **kwargs):
    _township_content_changed(sender, instance, {getattr(instance, TOWNSHIP_BEFORE, EVERY_TOWNSHIP)})


def _township_content_changed(sender, instance, townships):
    from cms.page_cache import township_content_changed
    from cms.page_warming import warm_township_soon

    townships.discard(None)
    if EVERY_TOWNSHIP in townships:
        township_content_changed()
        townships = {getattr(instance, "township_id", None)} - {None}  # an organisation's own township
    else:
        township_content_changed(townships)
    for township_id in sorted(townships):
        warm_township_soon(township_id)  # the pages of the row's township first


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
