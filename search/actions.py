"""Changes staff make to search data: check the permission, make the change, write the audit entry.

The synonyms admin (search/wagtail_hooks.py) calls these, as would a script or an API; each change is also
logged for Wagtail's history of the entry. Searches see a change at once (search/synonyms.py re-reads the table
when it changed): no index is rebuilt.
"""

from django.db import transaction

from cms.page_cache import search_results_changed
from core.actions import check_model_permission
from core.audit import Action, log
from search.models import SynonymEntry
from search.synonyms import forget_compiled

AUDITED_FIELDS = ("terms_zh", "terms_en", "terms_ja", "one_way", "narrower", "note")


def check_synonym_permission(user, action):
    """`action`: add, change or delete. Raises PermissionDenied unless the user holds the model permission."""
    check_model_permission(user, SynonymEntry, action)


def _audit(action, user, entry_id, **data):
    log(action, actor=user, synonym_entry=entry_id, **data)


def _snapshot(entry):
    return {field: getattr(entry, field) for field in AUDITED_FIELDS}


def save_synonym_entry(user, entry):
    """Create or change an entry (validated with its `clean()`); the audit entry holds the fields that changed,
    before and after."""
    from wagtail.log_actions import log as wagtail_log

    created = entry.pk is None
    check_synonym_permission(user, "add" if created else "change")
    entry.full_clean()
    before = {} if created else _snapshot(SynonymEntry.objects.get(pk=entry.pk))
    after = _snapshot(entry)
    changes = {field: [before.get(field), value] for field, value in after.items() if before.get(field) != value}
    with transaction.atomic():
        entry.updated_by = user
        entry.save()
        _audit(Action.SYNONYM_CREATED if created else Action.SYNONYM_CHANGED, user, entry.pk, changes=changes)
        wagtail_log(instance=entry, action="wagtail.create" if created else "wagtail.edit", user=user)
        transaction.on_commit(forget_compiled)  # this process at once; the others within a second
        search_results_changed()
    return entry


def delete_synonym_entry(user, entry):
    from wagtail.log_actions import log as wagtail_log

    check_synonym_permission(user, "delete")
    with transaction.atomic():
        entry_id, removed = entry.pk, _snapshot(entry)
        wagtail_log(instance=entry, action="wagtail.delete", user=user)
        entry.delete()
        _audit(Action.SYNONYM_DELETED, user, entry_id, removed=removed)
        transaction.on_commit(forget_compiled)
        search_results_changed()
