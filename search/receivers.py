"""The search app's own receivers: a save or delete of an indexed model schedules a reindex by id.

The other apps know nothing of search (DESIGN.md); documents ignore model signals.
Only these receivers listen, and they only enqueue (search/indexing.py).
"""

from django.db.models.signals import post_delete, post_save

from search.documents import families
from search.indexing import schedule_reindex

_connected = set()


def _receiver(family_name):
    def reindex(sender, instance, raw=False, **kwargs):
        if raw:  # loaddata: the fixture's rows are indexed by a rebuild
            return
        from search.documents import get_family

        family = get_family(family_name)
        schedule_reindex(family.name, family.ids_for_instance(instance))

    return reindex


def connect_receivers():
    for family in families().values():
        for model in family.models:
            key = (family.name, model._meta.label)
            if key in _connected:
                continue
            handler = _receiver(family.name)
            uid = f"search-reindex-{family.name}-{model._meta.label}"
            post_save.connect(handler, sender=model, weak=False, dispatch_uid=uid + "-save")
            post_delete.connect(handler, sender=model, weak=False, dispatch_uid=uid + "-delete")
            _connected.add(key)
