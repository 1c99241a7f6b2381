"""Matching candidates from the matching index (search/matching_index.py, the real Elasticsearch): people.matching
ranks the same top 20 as with the database alone, both ways; a profile shown to organisations only is a candidate
for organisations and never in public search; the index follows each change; an outage, an index never built and
updates still pending leave the database to decide.

Runs with the immediate task backend: each change's on-commit callback (captured and executed) enqueues the
indexing task, which runs at once.
"""

import datetime
import logging
import random
import uuid

import pytest
from django.utils import timezone, translation

from accounts.models import Membership, Organisation
from people import actions as people_actions
from people import matching
from people.matching import rank_people_for, rank_requests_for
from people.models import Field, HelpRequest, TalentProfile, WorkFormat, join_codes
from people.queries import profile_audience
from places.models import Township
from search import matching_index
from search.engines import elasticsearch_client
from search.models import PendingUpdate
from tests.factories.accounts import UserFactory
from tests.factories.market import GUANSHAN, KOUHU, ZHUSHAN
from tests.search.test_people_families import engines, people_site, titles  # noqa: F401

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.elasticsearch]


@pytest.fixture
def index(settings):
    """Elasticsearch as the engine, with an index prefix of the test's own; the matching index dropped after."""
    settings.HOMEWARD_SEARCH = {
        **settings.HOMEWARD_SEARCH,
        "ENGINE": "elasticsearch",
        "INDEX_PREFIX": f"homeward-test-matching-{uuid.uuid4().hex[:8]}",
    }
    config = settings.HOMEWARD_SEARCH
    yield
    settings.HOMEWARD_SEARCH = config  # a test may have pointed it at a node that is down
    matching_index.drop()


def refresh():
    elasticsearch_client().indices.refresh(index=matching_index.alias())


def with_engine(settings, engine, function, *args, **kwargs):
    live = settings.HOMEWARD_SEARCH
    settings.HOMEWARD_SEARCH = {**live, "ENGINE": engine}
    try:
        return function(*args, **kwargs)
    finally:
        settings.HOMEWARD_SEARCH = live


def on_database(settings, function, subject, **kwargs):
    return with_engine(settings, "database", ranking, function, subject, **kwargs)


def ranking(function, subject, **kwargs):
    with translation.override("en"):
        return [(match.obj.pk, match.score, match.parts) for match in function(subject, **kwargs)]


@pytest.fixture
def world(townships):
    """60 profiles and 80 requests over nine townships of three counties, every field, four sectors, every format,
    availability and timeframe, pro bono or not, and every visibility: many ties at every score."""
    from cms.models import Sector

    rng = random.Random(19)  # noqa: S311
    named = Township.objects.filter(code__in=[KOUHU, ZHUSHAN, GUANSHAN])
    nearby = Township.objects.filter(county__in=named.values("county")).order_by("code")
    places = sorted(set(named.values_list("pk", flat=True)) | set(nearby.values_list("pk", flat=True)[:6]))
    sectors = [
        Sector.objects.get_or_create(
            slug=f"match-{n}", defaults={"name_zh": f"產業{n}", "name_en": f"S{n}", "name_ja": f"S{n}"}
        )[0]
        for n in range(4)
    ]
    fields = [code for code in Field.values if code != Field.OTHER]
    today = timezone.localdate()
    profiles = []
    for n in range(60):
        user = UserFactory(email=f"m{n}@example.tw")
        profile = TalentProfile.objects.create(
            user=user,
            kind=rng.choice(TalentProfile.Kind.values),
            headline=f"h{n}",
            fields=join_codes(rng.sample(fields, rng.randint(0, 3))),
            languages=join_codes(rng.sample(["zh", "nan", "en", "ja"], rng.randint(0, 2))),
            home_township_id=rng.choice(places) if n % 7 else None,
            work_format=rng.choice(WorkFormat.values),
            available_from=today - datetime.timedelta(days=rng.randint(-40, 60)) if rng.random() < 0.5 else None,
            available_until=today + datetime.timedelta(days=rng.randint(-10, 300)) if rng.random() < 0.5 else None,
            pro_bono=rng.random() < 0.4,
            visibility=rng.choice(TalentProfile.Visibility.values),
            contact_email=user.email,
        )
        profile.townships.set(rng.sample(places, rng.randint(0, 3)))
        profile.sectors.set(rng.sample(sectors, rng.randint(0, 2)))
        profiles.append(profile)
    organisation = Organisation.objects.create(kind="township_office", name="m", slug="m")
    requests = []
    for n in range(80):
        starts = today + datetime.timedelta(days=rng.randint(-30, 90))
        requests.append(
            HelpRequest.objects.create(
                organisation=organisation,
                title=f"r{n}",
                description="d",
                field=rng.choice(fields),
                sector=rng.choice(sectors) if rng.random() < 0.7 else None,
                township_id=rng.choice(places),
                work_format=rng.choice(WorkFormat.values),
                starts_on=starts,
                ends_on=starts + datetime.timedelta(days=rng.randint(7, 180)),
                pro_bono=rng.random() < 0.3,
                status=HelpRequest.Status.CLOSED if n % 11 == 0 else HelpRequest.Status.OPEN,
            )
        )
    member = UserFactory(email="member@example.tw")
    Membership.objects.create(user=member, organisation=organisation, role="admin")
    return {"profiles": profiles, "requests": requests, "member": member, "sectors": sectors, "places": places}


def test_the_index_ranks_the_same_top_20_as_the_database(world, index, settings, monkeypatch, caplog):
    count, _seconds = matching_index.rebuild()
    assert count == 60 + sum(1 for r in world["requests"] if r.status == HelpRequest.Status.OPEN)
    outsider = UserFactory(email="outsider@example.tw")
    today = timezone.localdate()
    # The index's order is the database's order, candidate by candidate (exact scores, same tie-breaks).
    for profile in world["profiles"]:
        indexed = matching_index.request_candidates(profile, 30, today)
        assert indexed == [pk for pk, _s, _p in on_database(settings, rank_requests_for, profile, limit=30)]
    for help_request in world["requests"][:40]:
        for viewer in (None, world["member"], outsider):
            audience = profile_audience(viewer) if viewer else None
            indexed = matching_index.people_candidates(help_request, 30, today, audience)
            database = on_database(settings, rank_people_for, help_request, limit=30, visible_to=viewer)
            assert indexed == [pk for pk, _s, _p in database], (help_request.pk, viewer)
    # Asked for only as many candidates as are ranked, the whole top 20 (ids, scores, reasons) is the same.
    monkeypatch.setattr(matching, "SEARCH_CANDIDATES", 20)
    with caplog.at_level(logging.WARNING, logger="people.matching"):
        for profile in world["profiles"]:
            top = ranking(rank_requests_for, profile)
            assert top == on_database(settings, rank_requests_for, profile)
            assert len(top) == 20
        for help_request in world["requests"]:
            for viewer in (world["member"], outsider):
                top = ranking(rank_people_for, help_request, visible_to=viewer)
                assert top == on_database(settings, rank_people_for, help_request, visible_to=viewer)
    assert not caplog.records  # the index answered every time


def test_the_index_follows_each_change(world, index, settings, django_capture_on_commit_callbacks):
    matching_index.rebuild()
    help_request = world["requests"][1]
    today = timezone.localdate()
    user = UserFactory(email="new@example.tw")
    with django_capture_on_commit_callbacks(execute=True):
        profile = people_actions.save_profile(
            user,
            kind="expert",
            headline="新來的",
            fields=[help_request.field],
            work_format="either",
            home_township=help_request.township,
            townships=[help_request.township],
            sectors=[help_request.sector] if help_request.sector else [],
            pro_bono=True,
            contact_email="new@example.tw",
            visibility="public",
        )
    refresh()
    assert matching_index.people_candidates(help_request, 1, today, None) == [profile.pk]
    with django_capture_on_commit_callbacks(execute=True):
        profile.townships.clear()  # a many-to-many change alone
    refresh()
    source = elasticsearch_client().get(index=matching_index.alias(), id=f"profile:{profile.pk}")["_source"]
    assert source["townships"] == []
    assert not {"headline", "contact_email", "contact_phone", "about", "skills"} & set(source)
    with django_capture_on_commit_callbacks(execute=True):
        help_request.status = HelpRequest.Status.CLOSED
        help_request.save(update_fields=["status"])
        user.delete()
    refresh()
    assert help_request.pk not in matching_index.request_candidates(world["profiles"][0], 200, today)
    assert profile.pk not in matching_index.people_candidates(world["requests"][2], 200, today, None)


@pytest.mark.usefixtures("people_site")
def test_organisations_only_profiles_are_candidates_for_organisations_never_in_public_search(
    world, index, settings, django_capture_on_commit_callbacks
):
    matching_index.rebuild()
    help_request = next(r for r in world["requests"] if r.status == HelpRequest.Status.OPEN)
    user = UserFactory(email="quiet@example.tw")
    data = {
        "kind": "expert",
        "headline": "低調的水產顧問",
        "fields": [help_request.field],
        "work_format": "either",
        "home_township": help_request.township,
        "townships": [help_request.township],
        "pro_bono": True,
        "contact_email": "quiet@example.tw",
    }
    with django_capture_on_commit_callbacks(execute=True):
        profile = people_actions.save_profile(user, visibility="public", **data)
    for engine in engines():
        assert titles(engine, "低調", kind=["talent"]) == ["低調的水產顧問"], engine.name
    with django_capture_on_commit_callbacks(execute=True):
        people_actions.save_profile(user, visibility="organisations", **data)
    refresh()
    for engine in engines():  # public search: gone at once, whatever the engine, whatever the query
        assert titles(engine, "低調", kind=["talent"]) == [], engine.name
        assert "低調的水產顧問" not in titles(engine, "水產"), engine.name
    today = timezone.localdate()
    assert profile.pk in matching_index.people_candidates(help_request, 5, today, profile_audience(world["member"]))
    assert rank_people_for(help_request, visible_to=world["member"])[0].obj == profile
    outsider = UserFactory(email="outsider@example.tw")
    assert profile.pk not in matching_index.people_candidates(help_request, 500, today, profile_audience(outsider))
    assert profile not in [m.obj for m in rank_people_for(help_request, visible_to=outsider)]
    assert profile in [m.obj for m in rank_people_for(help_request, visible_to=user)]  # always their own


def test_an_outage_leaves_the_database_to_decide(world, index, settings, caplog, django_capture_on_commit_callbacks):
    matching_index.rebuild()
    profile, help_request = world["profiles"][3], world["requests"][3]
    expected_requests = on_database(settings, rank_requests_for, profile)
    expected_people = on_database(settings, rank_people_for, help_request, visible_to=world["member"])
    settings.HOMEWARD_SEARCH = {**settings.HOMEWARD_SEARCH, "ELASTICSEARCH_URL": "http://127.0.0.1:9"}
    with caplog.at_level(logging.WARNING, logger="people.matching"):
        assert ranking(rank_requests_for, profile) == expected_requests
        assert ranking(rank_people_for, help_request, visible_to=world["member"]) == expected_people
    ours = [r.getMessage().split(":")[0] for r in caplog.records if r.name == "people.matching"]
    assert ours == ["matching candidates from the database"] * 2
    # A change made meanwhile is kept as pending; until it is replayed, the database decides (no warning, no call).
    with django_capture_on_commit_callbacks(execute=True):
        profile.pro_bono = not profile.pro_bono
        profile.save()
    assert PendingUpdate.objects.filter(family=matching_index.NAME, object_id=f"profile:{profile.pk}").exists()
    assert matching_index.request_candidates(profile, 20, timezone.localdate()) is None


def test_pending_updates_are_replayed_and_an_index_never_built_is_not_used(world, index, settings):
    from search.indexing import replay_pending_updates

    today = timezone.localdate()
    profile = world["profiles"][5]
    assert matching_index.update_documents("profile", [profile.pk]) == {"written": 0}  # no index yet: nothing
    with pytest.raises(Exception, match="index_not_found"):
        matching_index.request_candidates(profile, 20, today)
    assert ranking(rank_requests_for, profile) == on_database(settings, rank_requests_for, profile)
    matching_index.rebuild()
    TalentProfile.objects.filter(pk=profile.pk).update(pro_bono=not profile.pro_bono)  # no signal
    PendingUpdate.objects.create(family=matching_index.NAME, object_id=f"profile:{profile.pk}", action="update")
    assert matching_index.request_candidates(profile, 20, today) is None
    assert replay_pending_updates() == 1
    assert not PendingUpdate.objects.exists()
    refresh()
    source = elasticsearch_client().get(index=matching_index.alias(), id=f"profile:{profile.pk}")["_source"]
    assert source["pro_bono"] is (not profile.pro_bono)
    assert matching_index.request_candidates(profile, 20, today) is not None
