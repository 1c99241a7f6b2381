"""The search app's own receivers: a change of an indexed model schedules a reindex by id.

The other apps know nothing of search (DESIGN.md); documents ignore model signals.
Only these receivers listen, and they only enqueue (search/indexing.py).

- `family.models`: post_save and post_delete.
- `family.m2m_fields` (through models): m2m_changed, for the instance whose set changed.
- a township (places.Township), post_save: the documents of every family that carries its place facts
  (`family.township_field`), when a field they show changed (PLACE_FIELDS; a priority-area import included).
- a county, post_save: the same for each of its townships (COUNTY_FIELDS).
- `family.page_models` (Wagtail pages): page_published, page_unpublished and post_delete only. A draft
  revision saves the page row too (latest revision, draft title), so a plain post_save is not listened to;
  the task reads the live page row (cms.public), never the latest revision.
"""

from django.db.models.signals import m2m_changed, post_delete, post_save
from wagtail.signals import page_published, page_unpublished

from cms.page_cache import pages_being_saved
from places.models import County, Township
from search.documents import families
from search.indexing import schedule_reindex

_connected = set()
# What documents show of their township (search.content.place_fields, place_english): a save touching none of these
# (its population, its official figures) leaves them as they are.
PLACE_FIELDS = frozenset({"code", "county", "name_zh", "name_en", "is_priority_area", "latitude", "longitude"})
# What they show of the township's county (a county renamed, as counties became cities in 2010 and 2014).
COUNTY_FIELDS = frozenset({"code", "name_zh", "name_en"})


def _receiver(family_name):
    def reindex(sender, instance, raw=False, **kwargs):
        if raw:  # loaddata: the fixture's rows are indexed by a rebuild
            return
        from search.documents import get_family

        family = get_family(family_name)
        ids = family.ids_for_instance(instance)
        if family.page_models:
            # A project's updates are saved again with its page (modelcluster) on every publish: the publish
            # reindexes the page; a reindex per update, each its own task when the publish is not one transaction
            # (Wagtail's is not), would make one change several tasks, racing in several workers.
            saving = {str(page_id) for page_id in pages_being_saved()}
            ids = [object_id for object_id in ids if object_id not in saving]
        if ids:
            schedule_reindex(family.name, ids)

    return reindex


def _m2m_receiver(family_name):
    def reindex(sender, instance, action, reverse, pk_set=None, **kwargs):
        if action not in ("post_add", "post_remove", "post_clear"):
            return
        from search.documents import get_family

        family = get_family(family_name)
        # reverse, e.g. sector.enterprises.add(profile): the profiles are in pk_set (None on a reverse clear).
        ids = [str(pk) for pk in pk_set or ()] if reverse else family.ids_for_instance(instance)
        if ids:
            schedule_reindex(family.name, ids)

    return reindex


def _reindex_documents_in_township(sender, instance, raw=False, created=False, update_fields=None, **kwargs):
    if raw or created:  # a new township has no documents yet
        return
    if update_fields is not None and not PLACE_FIELDS.intersection(update_fields):
        return
    _reindex_documents_in_townships([instance.pk])


def _reindex_documents_in_county(sender, instance, raw=False, created=False, update_fields=None, **kwargs):
    """A county's code or names are shown by every document in its townships, and by the townships' own."""
    if raw or created:  # a new county has no townships yet
        return
    if update_fields is not None and not COUNTY_FIELDS.intersection(update_fields):
        return
    township_ids = list(Township.objects.filter(county=instance).values_list("pk", flat=True))
    if township_ids:
        _reindex_documents_in_townships(township_ids)


def _reindex_documents_in_townships(township_ids):
    """Every document that carries the place facts of one of these townships (the townships' own included)."""
    for family in families().values():
        ids = family.ids_in_townships(township_ids)
        if ids:
            schedule_reindex(family.name, ids)


def _connect(signal, handler, model, uid):
    signal.connect(handler, sender=model, weak=False, dispatch_uid=uid)


def connect_receivers():
    _connect(post_save, _reindex_documents_in_township, Township, "search-reindex-documents-in-township")
    _connect(post_save, _reindex_documents_in_county, County, "search-reindex-documents-in-county")
    for family in families().values():
        for model in family.models:
            key = (family.name, model._meta.label)
            if key in _connected:
                continue
            handler = _receiver(family.name)
            uid = f"search-reindex-{family.name}-{model._meta.label}"
            _connect(post_save, handler, model, uid + "-save")
            _connect(post_delete, handler, model, uid + "-delete")
            _connected.add(key)
        for model in family.page_models:
            key = (family.name, model._meta.label)
            if key in _connected:
                continue
            handler = _receiver(family.name)
            uid = f"search-reindex-{family.name}-{model._meta.label}"
            _connect(page_published, handler, model, uid + "-published")
            _connect(page_unpublished, handler, model, uid + "-unpublished")
            _connect(post_delete, handler, model, uid + "-delete")
            _connected.add(key)
        for through in family.m2m_fields:
            key = (family.name, through._meta.label)
            if key in _connected:
                continue
            _connect(
                m2m_changed, _m2m_receiver(family.name), through, f"search-reindex-{family.name}-{through._meta.label}"
            )
            _connected.add(key)
