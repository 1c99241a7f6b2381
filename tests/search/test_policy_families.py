"""Support programmes and regulatory issues in search: both engines index them from their saves, give the same hits
and facet counts (ministry and kind of support; outcome and ministry), and the page shows them in the reader's
language with facet labels in words."""

import pytest

from accounts.models import Organisation
from cms.models import Ministry, SupportProgramme
from places.models import Township
from policy.models import RegulatoryIssue
from search.db_engine import DatabaseEngine
from search.es import ElasticsearchEngine
from search.query import SearchQuery
from tests.factories.accounts import UserFactory
from tests.search.conftest import elasticsearch_in_step_with_the_database

pytestmark = [pytest.mark.postgres, pytest.mark.elasticsearch]
FAMILIES = ("programmes", "regulatory_issues")
KOUHU = "10009190"


@pytest.fixture
def catalogue(townships, real_families_only, django_capture_on_commit_callbacks):
    es = ElasticsearchEngine()
    elasticsearch_in_step_with_the_database()
    agriculture = Ministry.objects.get(name_zh="農業部")
    development, _made = Ministry.objects.get_or_create(
        slug="ndc-test",
        defaults={"name_zh": "測試發展委員會", "name_en": "Test Development Council", "name_ja": "テスト発展委員会"},
    )
    user = UserFactory(email="office@example.tw")
    office = Organisation.objects.create(kind="township_office", name="口湖鄉公所", slug="kouhu-office-search")
    kouhu = Township.objects.get(code=KOUHU)
    with django_capture_on_commit_callbacks(execute=True):
        programmes = [
            SupportProgramme.objects.create(
                ministry=agriculture,
                name="青年養殖創業補助",
                name_en="Young aquaculture start-up grant",
                name_ja="若者養殖創業補助",
                summary_zh="補助返鄉青年的魚塭設備。",
                summary_en="Grants for the fish-farm equipment of returning youth.",
                kind="subsidy",
            ),
            SupportProgramme.objects.create(
                ministry=development,
                name="地方創生養殖投資",
                summary_zh="以投資代替補助的魚塭計畫。",
                kind="investment",
            ),
            SupportProgramme.objects.create(ministry=development, name="青年信用保證", kind="guarantee"),
        ]
        issues = [
            RegulatoryIssue.objects.create(
                rule="養殖用地變更規定",
                township=kouhu,
                blocks="魚塭不能蓋共享加工場。",
                proposal="放寬養殖用地上的加工設施。",
                submitter=user,
                organisation=office,
                ministry=agriculture,
                outcome="reinterpreted",
                answer="農業部函釋：可設置小型加工設施。",
            ),
            RegulatoryIssue.objects.create(
                rule="體驗工坊的食品衛生規定",
                township=kouhu,
                blocks="養殖體驗活動不能現場料理。",
                proposal="訂定體驗活動的簡易規範。",
                submitter=user,
                organisation=office,
            ),
        ]
    for name in FAMILIES:
        es.refresh(name)
    yield {"programmes": programmes, "issues": issues, "agriculture": agriculture, "development": development}
    for name in FAMILIES:
        es.drop(name)


QUERIES = [
    SearchQuery(q="", filters={"family": ["programmes"]}),
    SearchQuery(q="養殖", filters={"family": ["programmes", "regulatory_issues"]}),
    SearchQuery(q="", filters={"family": ["programmes"], "programme_kind": ["subsidy", "guarantee"]}),
    SearchQuery(q="", filters={"family": ["programmes"], "ministry": ["ndc-test"]}),
    SearchQuery(q="", filters={"family": ["regulatory_issues"], "status": ["pending"]}),
    SearchQuery(q="養殖", filters={"family": ["regulatory_issues"], "ministry": ["moa"]}),
    SearchQuery(q="aquaculture grant"),
]


@pytest.mark.parametrize("query", QUERIES, ids=lambda q: f"{q.q or '*'}|{q.filters}")
def test_both_engines_give_the_same_hits_and_facet_counts(catalogue, query):
    if query.filters.get("ministry") == ["moa"]:
        query.filters["ministry"] = [catalogue["agriculture"].slug]
    query.per_page = 50
    database, elasticsearch = DatabaseEngine().search(query), ElasticsearchEngine().search(query)
    assert database.total == elasticsearch.total
    assert {h["uid"] for h in database.hits} == {h["uid"] for h in elasticsearch.hits}
    assert database.facets == elasticsearch.facets


@pytest.mark.parametrize("engine_class", [DatabaseEngine, ElasticsearchEngine])
def test_facets_count_ministries_kinds_and_outcomes(catalogue, engine_class):
    engine = engine_class()
    programmes = engine.search(SearchQuery(q="", filters={"family": ["programmes"]}))
    assert programmes.total == 3
    assert dict(programmes.facets["programme_kind"]) == {"subsidy": 1, "investment": 1, "guarantee": 1}
    assert dict(programmes.facets["ministry"]) == {catalogue["agriculture"].slug: 1, "ndc-test": 2}
    narrowed = engine.search(SearchQuery(q="", filters={"family": ["programmes"], "ministry": ["ndc-test"]}))
    assert {hit["object_id"] for hit in narrowed.hits} == {str(p.pk) for p in catalogue["programmes"][1:]}
    issues = engine.search(SearchQuery(q="", filters={"family": ["regulatory_issues"]}))
    assert dict(issues.facets["status"]) == {"reinterpreted": 1, "pending": 1}
    assert dict(issues.facets["ministry"]) == {catalogue["agriculture"].slug: 1}
    pending = engine.search(SearchQuery(q="", filters={"family": ["regulatory_issues"], "status": ["pending"]}))
    assert [hit["object_id"] for hit in pending.hits] == [str(catalogue["issues"][1].pk)]


@pytest.mark.parametrize("engine_class", [DatabaseEngine, ElasticsearchEngine])
def test_an_answer_and_a_routing_reach_the_index(catalogue, engine_class, django_capture_on_commit_callbacks):
    from accounts.models import User
    from policy import actions
    from tests.helpers import with_mfa

    staff = with_mfa(User.objects.create_superuser("staff-search@homeward.test", "pw-for-tests-123"))
    issue = catalogue["issues"][1]
    with django_capture_on_commit_callbacks(execute=True):
        actions.route_issue(staff, issue, catalogue["development"])
        actions.record_answer(staff, issue, outcome="amended", answer="已修正規定。")
    ElasticsearchEngine().refresh("regulatory_issues")
    result = engine_class().search(SearchQuery(q="", filters={"family": ["regulatory_issues"], "status": ["amended"]}))
    assert [hit["object_id"] for hit in result.hits] == [str(issue.pk)]
    assert dict(result.facets["ministry"]) == {"ndc-test": 1}


def test_the_search_page_shows_programmes_in_the_readers_language_with_facets_in_words(catalogue, client):
    response = client.get("/en/search/", {"q": "aquaculture", "kind": "programmes"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Young <mark>aquaculture</mark> start-up grant" in html  # the English name, the word highlighted
    assert f'href="/en/programmes/{catalogue["programmes"][0].pk}/"' in html
    assert "Subsidy or grant" in html and "Ministry of Agriculture" in html
    assert "programme_kind=subsidy" in html or 'value="subsidy"' in html
    # A programme without an English name is shown in Chinese, marked as such.
    response = client.get("/en/search/", {"q": "", "kind": "programmes", "ministry": "ndc-test"})
    html = response.content.decode()
    assert "地方創生養殖投資" in html and 'lang="zh-Hant-TW"' in html


def test_the_issue_search_hides_who_raised_it_when_they_chose_so(catalogue, client):
    from search.families_policy import RegulatoryIssueFamily

    issue = catalogue["issues"][0]
    family = RegulatoryIssueFamily()
    assert "口湖鄉公所" not in " ".join(family.to_document(issue).texts())  # the public list shows only its kind
    issue.show_identity = True
    assert "口湖鄉公所" in family.to_document(issue).team
    data = client.get("/api/search/", {"q": "", "kind": "regulatory_issues", "status": "reinterpreted"}).json()
    assert [hit["display"]["url"] for hit in data["hits"]] == [f"/zh-hant/regulatory-issues/{issue.pk}/"]


def test_an_unknown_facet_value_finds_nothing_and_an_unknown_facet_is_refused(catalogue, client):
    assert client.get("/api/search/", {"kind": "programmes", "programme_kind": "lottery"}).json()["total"] == 0
    response = client.get("/api/search/", {"kind": "programmes", "agency": "x"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400 and "Unknown parameter: agency" in response.json()["error"]


@pytest.mark.parametrize("language", ["zh-hant", "en"])
def test_autocomplete_suggests_a_programme_with_its_page_in_the_readers_language(catalogue, client, language):
    programme = catalogue["programmes"][0]
    data = client.get("/api/search/autocomplete/", {"q": "青年養殖"}, HTTP_ACCEPT_LANGUAGE=language).json()
    (suggestion,) = [item for item in data["suggestions"] if item["family"] == "programmes"]
    assert suggestion["url"].startswith(f"/{language}/") and str(programme.pk) in suggestion["url"]
    assert suggestion["title"] == ("Young aquaculture start-up grant" if language == "en" else "青年養殖創業補助")
    assert suggestion["family_label"] and suggestion["family_label"] != "programmes"
