"""Background work for the dated people families (search/people_families.py), run by the workers; the scheduler's
job is declared in scheduling/jobs.py ("search_dated_documents").

Experiences leave search when their last coming slot has started, help requests when their timeframe has ended,
and the `date` facet lists months still to come: time moves these documents without any change to their rows, so
once a night every indexed or indexable experience and request is read again (the same update as a change's
task: both engines, Elasticsearch failures kept as pending updates). Safe to run twice.
"""

from django_tasks import task

DATED_FAMILIES = ("experiences", "help_requests")


def refresh_dated_documents(families=DATED_FAMILIES):
    """{family: ids reindexed}: the documents indexed now and the objects that should be, read again."""
    from search.documents import get_family
    from search.indexing import CHUNK, update_documents
    from search.models import SearchEntry

    done = {}
    for name in families:
        family = get_family(name)
        indexed = set(SearchEntry.objects.filter(family=name).values_list("object_id", flat=True))
        current = {str(pk) for pk in family.queryset().values_list("pk", flat=True)}
        ids = sorted(indexed | current)
        for start in range(0, len(ids), CHUNK):
            update_documents(name, ids[start : start + CHUNK])
        done[name] = len(ids)
    return done


@task()
def refresh_dated_search_documents():
    """Nightly: experiences whose dates have passed and requests that have ended leave search; months move on."""
    return refresh_dated_documents()
