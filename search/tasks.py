"""Background work of the search app (django-tasks). Arguments are ids, never objects."""

from django_tasks import task

from search import indexing, matching_index


@task()
def update_search_documents(family, ids):
    """Reindex these objects of a family (deleting those that no longer exist)."""
    result = indexing.update_documents(family, ids)
    if not result["pending"]:
        # Elasticsearch answered: a good moment to apply what it missed before.
        result["replayed"] = indexing.replay_pending_updates()
    return result


@task()
def refresh_search_documents(family, ids):
    """The debounced reindex (indexing.schedule_debounced_reindex): clear the burst marks, then reindex."""
    return indexing.refresh_debounced(family, ids)


@task()
def replay_pending_search_updates():
    return indexing.replay_pending_updates()


@task()
def update_matching_documents(kind, ids):
    """Write these talent profiles or help requests to the matching index (search/matching_index.py)."""
    return matching_index.update_documents(kind, ids)
