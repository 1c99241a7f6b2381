"""People offering help, help requests, experiences and events, and verified organisations in search, in both
engines (PostgreSQL and the real Elasticsearch): what reaches the index and leaves it at once, the facets (kind,
field, sector, township, date, price, language), the same hits and counts from either engine, links in the
reader's language, labels (never codes) and empty states that say what to do next.

Runs with the immediate task backend: each change's on-commit callback (captured and executed) enqueues the
indexing task, which runs at once.
"""

import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts import actions as account_actions
from accounts.models import Organisation
from experiences import actions as experience_actions
from people import actions as people_actions
from search.db_engine import DatabaseEngine
from search.documents import families
from search.es import ElasticsearchEngine, ensure_alias
from search.people_families import PEOPLE_FAMILIES
from search.query import SearchQuery
from tests.factories.accounts import UserFactory
from tests.factories.market import GUANSHAN, KOUHU, ZHUSHAN, township
from tests.search.conftest import elasticsearch_in_step_with_the_database

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.elasticsearch]


@pytest.fixture
def people_site(townships, real_families_only):
    """Townships and catalogues; the people families' indices emptied before and after."""
    from cms.demo import ensure_catalogues

    ensure_catalogues()
    es = ElasticsearchEngine()
    elasticsearch_in_step_with_the_database()
    yield
    for name in PEOPLE_FAMILIES:
        es.drop(name)


def engines():
    es = ElasticsearchEngine()
    for name in PEOPLE_FAMILIES:
        ensure_alias(name)
        es.refresh(name)
    return [DatabaseEngine(), es]


def search(engine, q="", **filters):
    kinds = filters.pop("kind", None)
    query_filters = {name: list(values) for name, values in filters.items()}
    if kinds:
        query_filters["family"] = list(kinds)
    return engine.search(SearchQuery(q=q, filters=query_filters, families=PEOPLE_FAMILIES, per_page=50))


def titles(engine, q="", **filters):
    return sorted(hit["display"]["title"] for hit in search(engine, q, **filters).hits)


def soon(days=3):
    return timezone.localdate() + datetime.timedelta(days=days)


def profile_data(**overrides):
    data = {
        "kind": "expert",
        "headline": "水產養殖顧問",
        "about": "三十年魚塭水質管理經驗，協助漁民導入感測器。",
        "fields": ["farm_fishery"],
        "skills": "水質 感測器 石斑",
        "languages": ["zh", "nan"],
        "work_format": "either",
        "pro_bono": True,
        "contact_email": "expert@example.tw",
        "visibility": "public",
    }
    data.update(overrides)
    return data


def save_profile(capture, user, **overrides):
    with capture(execute=True):
        return people_actions.save_profile(user, home_township=township(KOUHU), **profile_data(**overrides))


@pytest.fixture
def office(alice, staff, people_site, django_capture_on_commit_callbacks):
    """A township office staff have verified: it posts help requests and publishes experiences."""
    with django_capture_on_commit_callbacks(execute=True):
        office = account_actions.create_organisation(
            alice, kind=Organisation.Kind.TOWNSHIP_OFFICE, name="竹山鎮公所", township=township(ZHUSHAN)
        )
        return account_actions.verify_organisation(staff, office)


@pytest.fixture
def staff(db):
    return UserFactory(email="staff@example.tw", is_staff=True, is_superuser=True)


def make_request(capture, user, organisation, **overrides):
    data = {
        "title": "巧克力食品安全認證",
        "description": "我們的可可巧克力需要食品安全認證的輔導。",
        "field": "management",
        "township": township(ZHUSHAN),
        "work_format": "remote",
        "starts_on": soon(),
        "ends_on": soon(40),
        "pro_bono": False,
        "budget_twd": 30000,
    }
    data.update(overrides)
    with capture(execute=True):
        return people_actions.create_help_request(user, organisation, **data)


def make_experience(capture, user, organisation, *, slot_in_days=10, **overrides):
    values = {
        "kind": "experience",
        "title_zh": "竹山採茶體驗",
        "title_en": "Tea picking in Zhushan",
        "title_ja": "竹山の茶摘み体験",
        "description_zh": "跟著茶農上山採茶，再學做茶。",
        "description_en": "Pick tea with a farmer, then learn to make it.",
        "township": township(ZHUSHAN),
        "languages": ["zh", "en"],
        "price_twd": 600,
        "is_published": True,
    }
    values.update(overrides)
    with capture(execute=True):
        experience = experience_actions.create_experience(user, organisation, **values)
        if slot_in_days is not None:
            day = timezone.localdate() + datetime.timedelta(days=slot_in_days)
            start = timezone.make_aware(datetime.datetime.combine(day, datetime.time(9)))
            experience_actions.add_slot(
                user, experience, starts_at=start, ends_at=start + datetime.timedelta(hours=3), capacity=10
            )
    return experience


# --- talent profiles --------------------------------------------------------------------------------------


def test_a_public_profile_is_found_in_both_engines_with_its_facets(people_site, django_capture_on_commit_callbacks):
    user = UserFactory(email="chen@example.tw", display_name="陳老師")
    profile = save_profile(django_capture_on_commit_callbacks, user)
    for engine in engines():
        result = search(engine, "水質", kind=["talent"])
        assert [hit["object_id"] for hit in result.hits] == [str(profile.pk)], engine.name
        assert "<mark>水質</mark>" in result.hits[0]["summary_html"]
        facets = {name: dict(values) for name, values in result.facets.items()}
        assert facets["category"] == {"expert": 1}
        assert facets["field"] == {"farm_fishery": 1}
        assert facets["language"] == {"nan": 1, "zh": 1}
        assert facets["price"] == {"free": 1}
        assert facets["township"] == {KOUHU: 1}
        # Labels are searchable in the three languages: the field, the kind and the place's English name.
        for q in ("Farm and fishery", "專家顧問", "Kouhu"):
            assert titles(engine, q, kind=["talent"]) == ["水產養殖顧問"], (engine.name, q)
        assert titles(engine, "", kind=["talent"], field=["marketing"]) == [], engine.name
    # No contact detail is indexed.
    from search.documents import get_family

    document = get_family("talent").to_document(get_family("talent").queryset().get(pk=profile.pk))
    assert not any("example.tw" in text for text in document.texts()) and "example.tw" not in str(document.display())


def test_a_profile_made_private_or_erased_leaves_the_index_at_once(people_site, django_capture_on_commit_callbacks):
    user = UserFactory(email="lin@example.tw", display_name="林小姐")
    save_profile(django_capture_on_commit_callbacks, user, headline="包裝設計師", visibility="members")
    for engine in engines():  # members only: never indexed
        assert titles(engine, "包裝", kind=["talent"]) == [], engine.name
    save_profile(django_capture_on_commit_callbacks, user, headline="包裝設計師")
    for engine in engines():
        assert titles(engine, "包裝", kind=["talent"]) == ["包裝設計師"], engine.name
    save_profile(django_capture_on_commit_callbacks, user, headline="包裝設計師", visibility="organisations")
    for engine in engines():
        assert titles(engine, "包裝", kind=["talent"]) == [], engine.name
    save_profile(django_capture_on_commit_callbacks, user, headline="包裝設計師")
    with django_capture_on_commit_callbacks(execute=True):
        people_actions.save_profile(
            user, home_township=township(KOUHU), townships=[township(GUANSHAN)], **profile_data(headline="包裝設計師")
        )
    for engine in engines():  # the townships they can serve are searchable (a many-to-many change)
        assert titles(engine, "關山 包裝", kind=["talent"]) == ["包裝設計師"], engine.name
    with django_capture_on_commit_callbacks(execute=True):
        account_actions.delete_account(user)  # erasure: the profile goes with the account
    for engine in engines():
        assert titles(engine, "包裝", kind=["talent"]) == [], engine.name


# --- help requests ----------------------------------------------------------------------------------------


def test_open_help_requests_are_indexed_and_leave_when_closed(alice, office, django_capture_on_commit_callbacks):
    help_request = make_request(django_capture_on_commit_callbacks, alice, office)
    for engine in engines():
        result = search(engine, "巧克力 認證", kind=["help_requests"])
        assert [hit["object_id"] for hit in result.hits] == [str(help_request.pk)], engine.name
        facets = {name: dict(values) for name, values in result.facets.items()}
        assert facets["field"] == {"management": 1} and facets["price"] == {"paid": 1}
        assert facets["category"] == {"township_office": 1}
        months = {f"{day.year:04d}-{day.month:02d}" for day in (soon(), soon(40))}
        assert set(facets["date"]) == months
        assert titles(engine, "Business management", kind=["help_requests"]) == ["巧克力食品安全認證"]
    with django_capture_on_commit_callbacks(execute=True):
        account_actions.update_organisation(alice, office, name="竹山鎮公所產業課")
    for engine in engines():  # the asking organisation's new name follows
        assert titles(engine, "產業課", kind=["help_requests"]) == ["巧克力食品安全認證"], engine.name
    with django_capture_on_commit_callbacks(execute=True):
        people_actions.close_help_request(alice, help_request)
    for engine in engines():
        assert titles(engine, "巧克力", kind=["help_requests"]) == [], engine.name


# --- experiences and events -----------------------------------------------------------------------------


def test_published_experiences_with_a_coming_date_are_indexed(alice, office, django_capture_on_commit_callbacks):
    experience = make_experience(django_capture_on_commit_callbacks, alice, office)
    make_experience(django_capture_on_commit_callbacks, alice, office, title_zh="竹山竹藝展", is_published=False)
    make_experience(django_capture_on_commit_callbacks, alice, office, title_zh="竹山說明會", slot_in_days=None)
    for engine in engines():
        result = search(engine, "採茶", kind=["experiences"])
        assert [hit["object_id"] for hit in result.hits] == [str(experience.pk)], engine.name
        assert result.hits[0]["display"]["next_date"]
        facets = {name: dict(values) for name, values in result.facets.items()}
        assert facets["category"] == {"experience": 1} and facets["price"] == {"paid": 1}
        assert facets["language"] == {"en": 1, "zh": 1}
        day = timezone.localdate() + datetime.timedelta(days=10)
        assert facets["date"] == {f"{day.year:04d}-{day.month:02d}": 1}
        # The English and Japanese titles find it; the unpublished and the undated ones are not there.
        assert titles(engine, "tea picking", kind=["experiences"]) == ["竹山採茶體驗"], engine.name
        assert titles(engine, "茶摘み", kind=["experiences"]) == ["竹山採茶體驗"], engine.name
        assert titles(engine, "竹山", kind=["experiences"]) == ["竹山採茶體驗"], engine.name
    slot = experience.slots.get()
    with django_capture_on_commit_callbacks(execute=True):
        experience_actions.cancel_slot(alice, slot)  # its only coming date cancelled: no longer in search
    for engine in engines():
        assert titles(engine, "採茶", kind=["experiences"]) == [], engine.name


def test_an_experiences_practical_details_are_found_in_english_and_japanese_too(
    alice, office, django_capture_on_commit_callbacks
):
    """The meeting point, what to bring and accessibility are indexed in the organiser's English and Japanese
    versions beside the Chinese original: a query in any of the three finds the experience, in both engines."""
    detailed = make_experience(
        django_capture_on_commit_callbacks,
        alice,
        office,
        meeting_point="茶業博物館前廣場",
        meeting_point_en="The square in front of the Tea Museum",
        meeting_point_ja="茶業博物館前の広場",
        what_to_bring="帽子、水壺、防曬乳",
        what_to_bring_en="A hat, a water bottle and sunscreen",
        what_to_bring_ja="帽子、水筒、日焼け止め",
        accessibility="山路陡峭，輪椅無法通行。",
        accessibility_en="Steep mountain path: not passable by wheelchair.",
        accessibility_ja="急な山道のため、車いすでは通れません。",
    )
    # The same experience without English or Japanese details: found by the Chinese text only. ("wheelchair" would
    # find both: the English-Chinese dictionary takes it to the Chinese 輪椅 they share.)
    make_experience(
        django_capture_on_commit_callbacks,
        alice,
        office,
        title_zh="竹山製茶課",
        title_en="Tea making class",
        title_ja="竹山の製茶教室",
        meeting_point="茶業博物館前廣場",
        what_to_bring="帽子、水壺、防曬乳",
        accessibility="山路陡峭，輪椅無法通行。",
    )
    for engine in engines():
        assert titles(engine, "博物館 廣場", kind=["experiences"]) == ["竹山採茶體驗", "竹山製茶課"], engine.name
        for query in ("sunscreen", "bottle", "日焼け止め", "車いす"):
            found = [hit["object_id"] for hit in search(engine, query, kind=["experiences"]).hits]
            assert found == [str(detailed.pk)], (engine.name, query)


def test_free_volunteering_is_found_by_price_and_kind(alice, office, django_capture_on_commit_callbacks):
    make_experience(
        django_capture_on_commit_callbacks, alice, office, kind="volunteering", title_zh="淨灘志工", price_twd=0
    )
    make_experience(django_capture_on_commit_callbacks, alice, office)
    for engine in engines():
        assert titles(engine, "", kind=["experiences"], price=["free"]) == ["淨灘志工"], engine.name
        assert titles(engine, "", kind=["experiences"], category=["volunteering"]) == ["淨灘志工"], engine.name
        assert titles(engine, "", kind=["experiences"], language=["en"]) == ["淨灘志工", "竹山採茶體驗"], engine.name


# --- organisations --------------------------------------------------------------------------------------


def test_only_verified_organisations_are_indexed(alice, office, staff, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        university = account_actions.create_organisation(
            alice, kind=Organisation.Kind.UNIVERSITY, name="暨南大學", township=township(ZHUSHAN), usr_programme=True
        )
    for engine in engines():
        assert titles(engine, "", kind=["organisations"]) == ["竹山鎮公所"], engine.name
    with django_capture_on_commit_callbacks(execute=True):
        account_actions.verify_organisation(staff, university)
    for engine in engines():
        assert titles(engine, "", kind=["organisations"]) == ["暨南大學", "竹山鎮公所"], engine.name
        assert titles(engine, "", kind=["organisations"], category=["usr"]) == ["暨南大學"], engine.name
        assert titles(engine, "University Social Responsibility", kind=["organisations"]) == ["暨南大學"]
    with django_capture_on_commit_callbacks(execute=True):
        account_actions.unverify_organisation(staff, university)
    for engine in engines():
        assert titles(engine, "", kind=["organisations"]) == ["竹山鎮公所"], engine.name


# --- both engines, the rebuild, the page ----------------------------------------------------------------


@pytest.fixture
def everything(alice, office, staff, django_capture_on_commit_callbacks):
    capture = django_capture_on_commit_callbacks
    for n, (headline, kind, fields, pro_bono) in enumerate(
        [
            ("竹山茶葉行銷顧問", "expert", ["marketing"], False),
            ("返鄉做茶的青年", "returning_youth", ["farm_fishery", "marketing"], True),
            ("退休農改場研究員", "retiree", ["farm_fishery"], True),
        ]
    ):
        user = UserFactory(email=f"person{n}@example.tw", display_name=f"人{n}")
        save_profile(
            capture, user, headline=headline, kind=kind, fields=fields, pro_bono=pro_bono, fee_note="時薪 800 元"
        )
    make_request(capture, alice, office)
    make_request(capture, alice, office, title="茶葉電商上架", field="marketing", pro_bono=True, budget_twd=None)
    make_experience(capture, alice, office)
    make_experience(
        capture,
        alice,
        office,
        kind="workshop",
        title_zh="竹山製茶工作坊",
        title_en="Tea making workshop",
        title_ja="",
        description_zh="揉捻、烘焙，做一泡自己的茶。",
        description_en="",
        price_twd=0,
        slot_in_days=45,
    )


def test_both_engines_give_the_same_hits_and_counts(everything):
    database, es = engines()
    queries = [
        ("茶", {}),
        ("竹山", {}),
        ("", {"price": ["free"]}),
        ("茶", {"field": ["marketing"]}),
        ("", {"category": ["expert", "retiree"]}),
        ("marketing", {}),
        ("", {"township": [ZHUSHAN], "kind": ["experiences", "help_requests"]}),
    ]
    for q, filters in queries:
        a, b = search(database, q, **dict(filters)), search(es, q, **dict(filters))
        assert a.total > 0, (q, filters)
        assert [hit["uid"] for hit in a.hits] == [hit["uid"] for hit in b.hits], (q, filters)
        assert a.facets == b.facets, (q, filters)


def test_the_rebuild_command_includes_the_new_families(everything):
    assert set(PEOPLE_FAMILIES) <= set(families())
    before = {engine.name: titles(engine, "茶") for engine in engines()}
    for name in PEOPLE_FAMILIES:
        ElasticsearchEngine().drop(name)
    DatabaseEngine().clear("talent")
    call_command("rebuild_search_index", *[f"--family={name}" for name in PEOPLE_FAMILIES])
    after = {engine.name: titles(engine, "茶") for engine in engines()}
    assert after == before and len(after["database"]) == 5


@pytest.mark.parametrize(
    ("language", "kind_label", "field_label"),
    [("zh-hant", "專家顧問", "行銷通路"), ("en", "Expert adviser", "Marketing channels"), ("ja", None, None)],
)
def test_the_search_page_links_in_the_readers_language_with_labels(
    everything, client, language, kind_label, field_label
):
    from django.utils import translation

    from people.models import Field, TalentProfile

    with translation.override(language):
        kind_label = kind_label or str(TalentProfile.Kind.EXPERT.label)
        field_label = field_label or str(Field.MARKETING.label)
    engines()
    response = client.get(f"/{language}/search/", {"q": "茶"})
    assert response.status_code == 200
    html = response.content.decode()
    groups = {group["name"]: group for group in response.context["facets"]}
    assert {"kind", "category", "field", "price", "date", "township"} <= set(groups)
    for group in groups.values():
        for item in group["values"]:
            assert item["label"] and item["label"] != item["value"] or item["value"].isdigit(), (group["name"], item)
    labels = {item["label"] for item in groups["category"]["values"]}
    assert kind_label in labels
    assert field_label in {item["label"] for item in groups["field"]["values"]}
    urls = [hit["display"]["url"] for hit in response.context["result"].hits]
    assert urls and all(url.startswith(f"/{language}/") for url in urls), urls
    families_seen = {hit["family"] for hit in response.context["result"].hits}
    assert {"talent", "help_requests", "experiences"} <= families_seen
    assert "farm_fishery" not in html.replace('value="farm_fishery"', "")


def test_an_english_reader_sees_the_english_title_of_an_experience(everything, client):
    engines()
    response = client.get("/en/search/", {"q": "採茶", "kind": "experiences"})
    hits = response.context["result"].hits
    assert [hit["display"]["title"] for hit in hits] == ["Tea picking in Zhushan"]
    assert hits[0]["lang"] == "en" and hits[0]["display"]["url"].startswith("/en/experiences/")
    assert "Tea picking in Zhushan" in response.content.decode()


def test_an_experiences_photo_fills_its_picture_slot_in_the_results(
    alice, office, client, django_capture_on_commit_callbacks
):
    """As a project's picture does; an experience without one keeps its calendar icon."""
    import io

    from bs4 import BeautifulSoup
    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), (40, 120, 60)).save(buffer, "JPEG")
    photo = SimpleUploadedFile("tea.jpg", buffer.getvalue(), content_type="image/jpeg")
    pictured = make_experience(django_capture_on_commit_callbacks, alice, office, image=photo, image_alt="茶園")
    make_experience(
        django_capture_on_commit_callbacks, alice, office, title_zh="竹山採茶說明會", title_en="", title_ja=""
    )
    engines()
    page = BeautifulSoup(client.get("/en/search/", {"q": "採茶", "kind": "experiences"}).content, "html.parser")
    cards = {card.h3.get_text(): card.select_one(".card-media") for card in page.select(".result-card")}
    assert set(cards) == {"Tea picking in Zhushan", "竹山採茶說明會"}
    image = cards["Tea picking in Zhushan"].img
    assert image is not None and pictured.image.get_rendition("fill-480x300").url == image["src"]
    assert "card-media-placeholder" in cards["竹山採茶說明會"]["class"] and cards["竹山採茶說明會"].img is None


def test_an_empty_search_of_a_people_kind_says_what_to_do_next(people_site, client):
    engines()
    html = client.get("/en/search/", {"q": "火星", "kind": "talent"}).content.decode()
    assert "Offer your own skills or time" in html and 'href="/en/people/profile/"' in html
    html = client.get("/ja/search/", {"q": "火星", "kind": "experiences"}).content.decode()
    assert 'href="/ja/experiences/"' in html


def test_the_nightly_refresh_takes_out_what_time_has_passed(alice, office, django_capture_on_commit_callbacks):
    from experiences.models import Slot
    from people.models import HelpRequest
    from search.people_tasks import refresh_dated_documents

    experience = make_experience(django_capture_on_commit_callbacks, alice, office)
    help_request = make_request(django_capture_on_commit_callbacks, alice, office)
    past = timezone.now() - datetime.timedelta(days=2)
    # Time passes: rows change without a save (no signal), as the calendar does.
    Slot.objects.filter(experience=experience).update(starts_at=past, ends_at=past + datetime.timedelta(hours=2))
    HelpRequest.objects.filter(pk=help_request.pk).update(ends_on=timezone.localdate() - datetime.timedelta(days=1))
    for engine in engines():
        assert titles(engine, "採茶") == ["竹山採茶體驗"] and titles(engine, "巧克力") == ["巧克力食品安全認證"]
    assert refresh_dated_documents() == {"experiences": 1, "help_requests": 1}
    for engine in engines():
        assert titles(engine, "採茶") == [] and titles(engine, "巧克力") == [], engine.name
