"""Content that reaches the search index through publishing, and the engines that read it (tests/search)."""

from search.db_engine import DatabaseEngine
from search.es import ElasticsearchEngine, ensure_alias
from search.query import SearchQuery

CONTENT = ("projects", "stories", "enterprises")
GUANSHAN = "10014030"  # 臺東縣關山鎮
KOUHU = "10009190"  # 雲林縣口湖鄉


def content_engines():
    es = ElasticsearchEngine()
    for name in CONTENT:
        ensure_alias(name)  # an empty index when nothing was written to it yet
        es.refresh(name)
    return [DatabaseEngine(), es]


def content_titles(engine, q="", **filters):
    # Only the content families: the package's corpus (townships, synthetic fixture) may be indexed too.
    query = SearchQuery(q=q, filters={name: list(values) for name, values in filters.items()}, families=CONTENT)
    return sorted(hit["display"]["title"] for hit in engine.search(query).hits)


def publish_indexed_project(title, town, capture, summary="", body="", sector=None):
    from cms.actions import township_page_for
    from cms.models import ProjectPage, Sector
    from places.models import Township

    parent = township_page_for(Township.objects.get(code=town))
    with capture(execute=True):
        page = parent.add_child(
            instance=ProjectPage(
                title=title,
                slug=title,
                summary=summary,
                body=[("paragraph", f"<p>{body}</p>")],
                sector=Sector.objects.filter(slug=sector).first() if sector else None,
            )
        )
        page.save_revision().publish()
    return ProjectPage.objects.get(pk=page.pk)


def indexed_enterprise(name, town, capture, summary=""):
    from accounts.models import Organisation
    from marketplace.models import EnterpriseProfile
    from places.models import Township

    with capture(execute=True):
        organisation = Organisation.objects.create(kind="enterprise", name=name, slug=f"org-{abs(hash(name))}")
        return EnterpriseProfile.objects.create(
            organisation=organisation, township=Township.objects.get(code=town), summary=summary
        )


def township_uid(code):
    from places.models import Township

    return f"townships:{Township.objects.get(code=code).pk}"
