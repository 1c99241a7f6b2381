"""Projects, stories and enterprises reach the index through publishing, in both engines.

Runs with the immediate task backend: the on-commit callbacks (captured and executed) enqueue the
indexing task, which runs at once. Drafts never reach the index; a draft revision of a live page leaves
the indexed (live) content as it was.
"""

import datetime

import pytest

from search.es import ElasticsearchEngine
from search.query import SearchQuery
from tests.factories.search import (
    CONTENT,
    GUANSHAN,
    KOUHU,
    content_engines,
    content_titles,
    indexed_enterprise,
    publish_indexed_project,
)

pytestmark = [pytest.mark.postgres, pytest.mark.elasticsearch]


def test_a_published_project_is_found_in_both_engines_with_its_facets(content_site, django_capture_on_commit_callbacks):
    page = publish_indexed_project(
        "關山有機米食堂",
        GUANSHAN,
        django_capture_on_commit_callbacks,
        summary="返鄉青年用在地稻米",
        body="池上與關山的米",
    )
    for engine in content_engines():
        result = engine.search(SearchQuery(q="台東 米食", filters={"family": ["projects"]}, families=CONTENT))
        assert [hit["object_id"] for hit in result.hits] == [str(page.pk)], engine.name
        assert "<mark>米食</mark>" in result.hits[0]["title_html"]
        assert result.hits[0]["display"]["url"] == page.url
        assert dict(result.facets["county"]) == {"10014": 1}
        assert dict(result.facets["township"]) == {GUANSHAN: 1}


def test_sector_sdg_and_funding_labels_are_searchable_in_the_three_languages(
    content_site, django_capture_on_commit_callbacks
):
    from cms.models import Sector, SustainableDevelopmentGoal
    from search.content import label_texts

    # Funding kinds are labelled in the three languages from the catalogs.
    assert label_texts(funding_types=["subscription"]) == ["訂閱 Subscription 定期支援"]

    page = publish_indexed_project(
        "竹藝傳承工坊", KOUHU, django_capture_on_commit_callbacks, summary="老師傅帶年輕人", sector="crafts"
    )
    with django_capture_on_commit_callbacks(execute=True):
        page.sdgs.add(SustainableDevelopmentGoal.objects.get(number=8))
        page.save_revision().publish()
    for engine in content_engines():
        for q in ("工藝與文化", "crafts", "工芸", "働きがい", "Decent Work", "SDG 8"):
            assert content_titles(engine, q) == ["竹藝傳承工坊"], (engine.name, q)
    # Staff rename the sector: its projects are reindexed with the new name.
    with django_capture_on_commit_callbacks(execute=True):
        sector = Sector.objects.get(slug="crafts")
        sector.name_en = "Makers and guilds"
        sector.save()
    for engine in content_engines():
        assert content_titles(engine, "guilds") == ["竹藝傳承工坊"], engine.name


def test_a_draft_never_reaches_the_index(content_site, django_capture_on_commit_callbacks):
    from cms.actions import township_page_for
    from cms.models import ProjectPage
    from places.models import Township

    parent = township_page_for(Township.objects.get(code=KOUHU))
    with django_capture_on_commit_callbacks(execute=True):
        page = parent.add_child(instance=ProjectPage(title="口湖吳郭魚草稿", slug="draft-fish", live=False))
        page.save_revision()
    for engine in content_engines():
        assert content_titles(engine, "吳郭魚") == [], engine.name


def test_a_draft_edit_of_a_live_project_does_not_leak(content_site, django_capture_on_commit_callbacks):
    from marketplace.models import ProjectListing

    page = publish_indexed_project("口湖智慧養殖", KOUHU, django_capture_on_commit_callbacks, summary="吳郭魚 tilapia")
    with django_capture_on_commit_callbacks(execute=True):
        page.title = "口湖秘密新計畫"
        page.summary = "尚未公開的內容"
        page.save_revision()  # a draft: the live page keeps its title
    for engine in content_engines():
        assert content_titles(engine, "tilapia") == ["口湖智慧養殖"], engine.name
        assert content_titles(engine, "秘密") == [], engine.name

    # A change that reindexes the project (its listing) reads the live page, not the latest revision.
    enterprise = indexed_enterprise("口湖漁業合作社", KOUHU, django_capture_on_commit_callbacks)
    with django_capture_on_commit_callbacks(execute=True):
        ProjectListing.objects.create(project=page, enterprise=enterprise, seeks_investment=True)
    for engine in content_engines():
        assert content_titles(engine, "秘密") == [], engine.name
        assert content_titles(engine, "", funding_type=["investment"]) == ["口湖智慧養殖"], engine.name

    # Publishing the draft brings the new title in and the old one out.
    with django_capture_on_commit_callbacks(execute=True):
        page.get_latest_revision().publish()
    for engine in content_engines():
        assert content_titles(engine, "秘密") == ["口湖秘密新計畫"], engine.name
        assert content_titles(engine, "智慧養殖") == [], engine.name


def test_unpublishing_and_deleting_remove_a_project(content_site, django_capture_on_commit_callbacks):
    page = publish_indexed_project("關山稻米學校", GUANSHAN, django_capture_on_commit_callbacks)
    assert all(content_titles(engine, "稻米學校") == ["關山稻米學校"] for engine in content_engines())
    with django_capture_on_commit_callbacks(execute=True):
        page.unpublish()
    assert all(content_titles(engine, "稻米學校") == [] for engine in content_engines())
    with django_capture_on_commit_callbacks(execute=True):
        page.get_latest_revision().publish()
    assert all(content_titles(engine, "稻米學校") == ["關山稻米學校"] for engine in content_engines())
    with django_capture_on_commit_callbacks(execute=True):
        page.delete()
    assert all(content_titles(engine, "稻米學校") == [] for engine in content_engines())


def _story(title, town, tags, capture, body="", projects=()):
    from cms.models import StoryIndexPage, StoryPage
    from places.models import Township

    index = StoryIndexPage.objects.filter(locale__language_code="zh-hant").first()
    page = StoryPage(
        title=title,
        slug=title,
        date=datetime.date(2025, 3, 1),
        summary="",
        body=[("paragraph", f"<p>{body}</p>")],
        township=Township.objects.get(code=town),
        related_projects=list(projects),
    )
    page.tags.add(*tags)
    with capture(execute=True):
        index.add_child(instance=page)
        page.save_revision().publish()
    return page


def test_stories_are_indexed_with_their_tags_and_deleted(content_site, django_capture_on_commit_callbacks):
    story = _story(
        "口湖的魚塭", KOUHU, ["吳郭魚", "養殖"], django_capture_on_commit_callbacks, body="海水養殖與智慧感測"
    )
    for engine in content_engines():
        assert content_titles(engine, "吳郭魚") == ["口湖的魚塭"], engine.name
        assert content_titles(engine, "感測", family=["stories"]) == ["口湖的魚塭"], engine.name
    with django_capture_on_commit_callbacks(execute=True):
        story.delete()
    assert all(content_titles(engine, "吳郭魚") == [] for engine in content_engines())


def test_enterprises_are_indexed_and_follow_a_rename(content_site, django_capture_on_commit_callbacks):
    profile = indexed_enterprise("關山米倉", GUANSHAN, django_capture_on_commit_callbacks, summary="在地碾米與米食教室")
    for engine in content_engines():
        assert content_titles(engine, "碾米", family=["enterprises"]) == ["關山米倉"], engine.name
    with django_capture_on_commit_callbacks(execute=True):
        profile.organisation.name = "關山好米倉"
        profile.organisation.save()
    for engine in content_engines():
        assert content_titles(engine, "碾米", family=["enterprises"]) == ["關山好米倉"], engine.name

    from cms.models import Sector

    sector = Sector.objects.get(slug="agriculture")
    with django_capture_on_commit_callbacks(execute=True):
        profile.sectors.add(sector)  # a many-to-many change alone reindexes the profile
    for engine in content_engines():
        assert content_titles(engine, "", family=["enterprises"], sector=["agriculture"]) == ["關山好米倉"], engine.name
    with django_capture_on_commit_callbacks(execute=True):
        sector.enterprises.remove(profile)  # from the other side
    for engine in content_engines():
        assert content_titles(engine, "", family=["enterprises"], sector=["agriculture"]) == [], engine.name


def test_the_map_view_colours_townships_by_matching_results(content_site, django_capture_on_commit_callbacks, client):
    publish_indexed_project("關山稻米學校", GUANSHAN, django_capture_on_commit_callbacks)
    publish_indexed_project("關山米食堂", GUANSHAN, django_capture_on_commit_callbacks)
    publish_indexed_project("口湖米糕", KOUHU, django_capture_on_commit_callbacks)
    content_engines()
    response = client.get("/zh-hant/search/map/", {"q": "米", "kind": "projects"})
    assert response.status_code == 200
    regions = {region.code: region for region in response.context["map"].regions}
    assert regions[GUANSHAN].value == 2 and regions[KOUHU].value == 1
    assert regions["10008040"].value is None  # 竹山鎮: no result, drawn as "no data"
    # A township links to its public page (地方DNA), not to a filtered search.
    from cms.actions import township_page_for
    from places.models import Township

    assert regions[GUANSHAN].href == township_page_for(Township.objects.get(code=GUANSHAN)).url
    assert regions[GUANSHAN].href.startswith("/zh-hant/")
    html = response.content.decode()
    assert 'id="search-map"' in html and regions[GUANSHAN].label in html


def test_autocomplete_suggests_projects_enterprises_and_townships(
    content_site, django_capture_on_commit_callbacks, client
):
    publish_indexed_project("關山稻米學校", GUANSHAN, django_capture_on_commit_callbacks)
    indexed_enterprise("關山米倉", GUANSHAN, django_capture_on_commit_callbacks)
    content_engines()
    data = client.get("/api/search/autocomplete/", {"q": "關山"}).json()
    families = {item["family"] for item in data["suggestions"]}
    assert {"projects", "enterprises"} <= families
    assert all(item["family_label"] for item in data["suggestions"])


def test_results_and_autocomplete_link_to_public_pages(content_site, django_capture_on_commit_callbacks, client):
    from cms.actions import township_page_for
    from places.models import Township
    from search.documents import get_family

    # Tests elsewhere in this worker leave 關山鎮 indexed under their own ids, linking to their search (the
    # autocomplete then showed one of them now and then): only this database's townships from here. The townships
    # index alone is rebuilt: the package's corpus in the other indexes stays for the tests after this one.
    ElasticsearchEngine().rebuild(get_family("townships"))
    profile = indexed_enterprise("關山米倉", GUANSHAN, django_capture_on_commit_callbacks)
    town_page = township_page_for(Township.objects.get(code=GUANSHAN))
    with django_capture_on_commit_callbacks(execute=True):
        town_page.save_revision().publish()  # the township's page published: the township's document links to it
    content_engines()
    ElasticsearchEngine().refresh("townships")  # the township's document was rewritten: make it searchable now
    enterprise_url = f"/zh-hant/enterprises/{profile.organisation.slug}/"
    assert client.get(enterprise_url).status_code == 200
    assert client.get(town_page.url).status_code == 200
    for engine in content_engines():
        hits = engine.search(SearchQuery(q="關山", families=("enterprises", "townships"), per_page=50)).hits
        urls = {hit["uid"].split(":")[0]: hit["display"]["url"] for hit in hits if "關山" in hit["display"]["title"]}
        assert urls == {"enterprises": enterprise_url, "townships": town_page.url}, engine.name
    data = client.get("/api/search/autocomplete/", {"q": "關山"}).json()
    by_family = {item["family"]: item["url"] for item in data["suggestions"]}
    assert by_family["enterprises"] == enterprise_url and by_family["townships"] == town_page.url
    html = client.get("/zh-hant/search/", {"q": "關山米倉"}).content.decode()
    assert f'href="{enterprise_url}"' in html


def test_the_map_view_with_nothing_matching_draws_the_empty_map_and_says_what_to_do(content_site, client):
    content_engines()
    response = client.get("/zh-hant/search/map/", {"q": "火星基地殖民計畫", "kind": "projects"})
    assert response.status_code == 200
    assert response.context["result"].total == 0
    assert all(region.value is None for region in response.context["map"].regions)
    html = response.content.decode()
    assert 'id="search-map"' in html, "the map is drawn, every township hatched as without results"
    assert 'class="empty-state"' in html and "/zh-hant/search/" in html, "it says so and leads back to search"


def test_a_priority_area_import_reaches_the_documents_of_what_lies_in_the_township(
    content_site, django_capture_on_commit_callbacks
):
    """The priority-area facet of projects, stories, enterprises and the rest comes from their township: an import
    that flags or unflags a township reindexes what lies in it (before, the documents kept the old flag until a
    rebuild), and a save of a field they do not show (its population) reindexes the township's own document only."""
    from places.actions import import_priority_areas
    from places.models import Township
    from search.indexing import _pending

    flagged = Township.objects.get(code=GUANSHAN).is_priority_area
    try:
        publish_indexed_project("關山米倉計畫", GUANSHAN, django_capture_on_commit_callbacks, summary="在地碾米")
        indexed_enterprise("關山米倉", GUANSHAN, django_capture_on_commit_callbacks, summary="在地碾米與米食教室")
        publish_indexed_project("口湖魚塭計畫", KOUHU, django_capture_on_commit_callbacks)
        other = KOUHU if Township.objects.get(code=KOUHU).is_priority_area == flagged else None

        with django_capture_on_commit_callbacks(execute=True):
            # Guanshan changes sides; Kouhu keeps its flag (named in the file when it has one).
            codes = list(Township.objects.filter(is_priority_area=True).values_list("code", flat=True))
            codes = [code for code in codes if code != GUANSHAN] + ([] if flagged else [GUANSHAN])
            result = import_priority_areas("town_code\n" + "\n".join(codes) + "\n", replace=True)

        assert (result.unflagged if flagged else result.flagged) == [GUANSHAN]
        now = "false" if flagged else "true"
        for engine in content_engines():
            titles = content_titles(engine, "", priority_area=[now])
            assert "關山米倉計畫" in titles and "關山米倉" in titles, engine.name
            assert ("口湖魚塭計畫" in titles) == (other is None), engine.name

        township = Township.objects.get(code=KOUHU)
        with django_capture_on_commit_callbacks(execute=False):
            township.population += 1
            township.save(update_fields=["population"])
            # Only the township's own document (it shows the population); none of what lies in it.
            assert {family: ids for family, ids in _pending().items() if ids} == {"townships": {str(township.pk)}}
        _pending().clear()
    finally:
        # The township's own document lives in this worker's shared search corpus, which no rollback restores.
        with django_capture_on_commit_callbacks(execute=True):
            guanshan = Township.objects.get(code=GUANSHAN)
            guanshan.is_priority_area = flagged
            guanshan.save(update_fields=["is_priority_area"])
        ElasticsearchEngine().refresh("townships")  # searchable at once, for the tests after this one


def test_a_renamed_county_reaches_the_documents_in_its_townships(content_site, django_capture_on_commit_callbacks):
    """Documents carry their county's code and names (its English name is how "Taitung" finds a project written in
    Chinese): renaming a county reindexes what lies in its townships and the townships themselves; a save of a
    county that changes none of these fields reindexes nothing."""
    from places.models import Township
    from search.indexing import _pending

    publish_indexed_project("關山米倉計畫", GUANSHAN, django_capture_on_commit_callbacks, summary="在地碾米")
    indexed_enterprise("關山米倉", GUANSHAN, django_capture_on_commit_callbacks, summary="在地碾米與米食教室")
    publish_indexed_project("口湖魚塭計畫", KOUHU, django_capture_on_commit_callbacks)
    county = Township.objects.get(code=GUANSHAN).county
    name_en = county.name_en
    try:
        with django_capture_on_commit_callbacks(execute=False):
            county.save(update_fields=[])  # nothing shown changed
            assert not any(_pending().values())
        with django_capture_on_commit_callbacks(execute=True):
            county.name_en = "Xylophonia County"
            county.save(update_fields=["name_en"])
        in_county = {str(pk) for pk in Township.objects.filter(county=county).values_list("pk", flat=True)}
        ElasticsearchEngine().refresh("townships")  # content_engines() refreshes the content families only
        for engine in content_engines():
            assert content_titles(engine, "Xylophonia") == ["關山米倉", "關山米倉計畫"], engine.name
            towns = engine.search(SearchQuery(q="Xylophonia", families=("townships",), per_page=50)).hits
            assert {hit["object_id"] for hit in towns} == in_county, engine.name
    finally:
        # The townships' own documents live in this worker's shared search corpus, which no rollback restores.
        with django_capture_on_commit_callbacks(execute=True):
            county.name_en = name_en
            county.save(update_fields=["name_en"])
        ElasticsearchEngine().refresh("townships")
