"""The projects index is rebuilt batch by batch (issue 23): a batch of pages costs the same queries whatever it
holds, and its documents are exactly those the former page-by-page code made (kept below as the reference)."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.html import strip_tags

from search.documents import LATEST_UPDATES_KEPT, SearchDocument, get_family
from tests.factories.payments import paid_backing
from tests.factories.search import GUANSHAN, KOUHU, indexed_enterprise, publish_indexed_project
from tests.helpers import translation_of

pytestmark = [pytest.mark.postgres, pytest.mark.elasticsearch]
_numbers = itertools.count(1)


def per_page_document(page):
    """The document of one project page as ProjectFamily.to_document made it before the batched rebuild: every
    fact read for this page alone (its URL, its translations, each funding provider, its badges)."""
    from search.content import funding_facts, label_texts, place_english, place_fields, stream_text
    from search.families import _team_name
    from traceability.badges import search_trace_facts

    funding = funding_facts(page)
    updates = " ".join(f"{update.title} {strip_tags(update.body)}" for update in page.updates.all())
    body = f"{stream_text(page.body)} {updates}".strip()
    listing = getattr(page, "listing", None)
    ask_low = ask_high = None
    if listing is not None and listing.seeks_investment:
        low, high = listing.ask_min_twd or 0, listing.ask_max_twd or listing.ask_min_twd or 0
        if high > 0:
            ask_low, ask_high = low, high
    update_dates = sorted((update.date for update in page.updates.all()), reverse=True)
    translations = {
        translation.locale.language_code.lower(): translation
        for translation in type(page)
        .objects.live()
        .filter(translation_key=page.translation_key, alias_of__isnull=True)
        .exclude(pk=page.pk)
        .select_related("locale")
    }
    english, japanese = translations.get("en"), translations.get("ja")
    return SearchDocument(
        family="projects",
        object_id=str(page.pk),
        title=page.title,
        summary=page.summary,
        body=body,
        team=_team_name(listing),
        place_en=place_english(page.township),
        labels=label_texts([page.sector] if page.sector else [], page.sdgs.all(), funding["funding_type"]),
        url=page.url or "",
        sector=[page.sector.slug] if page.sector else [],
        sdg=[str(sdg.number) for sdg in page.sdgs.all()],
        status=listing.stage if listing is not None and listing.stage else "",
        published_at=page.first_published_at,
        funding_type=funding["funding_type"],
        traceability=search_trace_facts(page),
        backed_amount=funding["backed_amount"],
        backers=funding["backers"],
        progress=funding["progress"],
        ask_low=ask_low,
        ask_high=ask_high,
        update_dates=update_dates[:LATEST_UPDATES_KEPT],
        title_en=english.title if english else "",
        title_ja=japanese.title if japanese else "",
        translated_summaries=[t.summary for t in (english, japanese) if t is not None and t.summary],
        **place_fields(page.township),
    )


def _project(capture, town=GUANSHAN, title=None, summary="", body="", sector=None):
    return publish_indexed_project(
        title or f"關山米食計畫{next(_numbers)}", town, capture, summary=summary, body=body, sector=sector
    )


def _translate(page, language, title, summary, capture):
    with capture(execute=True):
        translation = translation_of(page, language)
        translation.title, translation.summary = title, summary
        translation.save_revision().publish()


def _fund(page, enterprise, capture, *, invest=False, plan=False, campaign=False, payments=()):
    from marketplace.models import DonationCampaign, ProjectListing, SubscriptionPlan

    with capture(execute=True):
        listing = ProjectListing.objects.create(
            project=page,
            enterprise=enterprise,
            seeks_investment=invest,
            ask_min_twd=500_000 if invest else None,
            ask_max_twd=2_000_000 if invest else None,
            stage="seed" if invest else "",
        )
        if plan:
            SubscriptionPlan.objects.create(listing=listing, name="認養一分田", price_twd=500, rewards="米")
        if campaign:
            DonationCampaign.objects.create(
                listing=listing,
                goal_twd=10_000,
                deadline=timezone.localdate() + datetime.timedelta(days=30),
                funding_model="keep_what_you_raise",
            )
        for number, amount in enumerate(payments):
            paid_backing(listing, amount, key=f"rebuild-{page.pk}-{number}", backer_email=f"b{number}@example.com")
    return listing


@pytest.fixture
def varied_projects(content_site, django_capture_on_commit_callbacks):
    """Projects with and without translations (English, Japanese, both), listings, plans, campaigns, money and
    updates."""
    from cms.actions import ensure_language_versions
    from cms.models import ProjectUpdate, SustainableDevelopmentGoal

    capture = django_capture_on_commit_callbacks
    enterprise = indexed_enterprise("關山口湖聯盟", GUANSHAN, capture)
    rich = _project(
        capture, title="關山有機米食堂", summary="返鄉青年用在地稻米", body="田間故事", sector="agriculture"
    )
    fish = _project(capture, town=KOUHU, title="口湖魚塭募款", summary="養殖漁業轉型")
    bare = _project(capture, title="關山小旅行")
    with capture(execute=True):
        ensure_language_versions()
        rich.sdgs.set(SustainableDevelopmentGoal.objects.order_by("number")[:2])
        for day in range(1, 8):
            rich.updates.add(
                ProjectUpdate(date=datetime.date(2026, 1, day), title=f"消息 {day}", body=f"<p>第 <b>{day}</b> 週</p>")
            )
        rich.save_revision().publish()
    _translate(rich, "en", "Guanshan organic rice canteen", "Returning youth cook local rice", capture)
    _translate(rich, "ja", "関山オーガニック米食堂", "", capture)
    _translate(fish, "ja", "口湖の養殖池", "養殖の転換", capture)
    _fund(rich, enterprise, capture, invest=True, plan=True, campaign=True, payments=(3_000, 1_500))
    _fund(fish, enterprise, capture, campaign=True)
    return [rich, fish, bare]


def test_batched_documents_are_the_per_page_documents(varied_projects):
    family = get_family("projects")
    ids = [page.pk for page in varied_projects]
    reference = [per_page_document(family.objects_for_ids([pk])[str(pk)]) for pk in ids]
    batched = family.documents_for([family.objects_for_ids(ids)[str(pk)] for pk in ids])
    one_by_one = [family.to_document(family.objects_for_ids([pk])[str(pk)]) for pk in ids]
    assert batched == reference
    assert one_by_one == reference
    # The facts compared are there (a comparison of empty fields would prove nothing).
    rich, fish, bare = reference
    assert (rich.title_en, rich.title_ja) == ("Guanshan organic rice canteen", "関山オーガニック米食堂")
    assert rich.translated_summaries == ["Returning youth cook local rice"]
    assert rich.funding_type == ["donation", "investment", "subscription"]
    assert (rich.backed_amount, rich.backers, rich.progress) == (4_500, 2, 0.45)
    assert (rich.ask_low, rich.ask_high, rich.status) == (500_000, 2_000_000, "seed")
    assert len(rich.update_dates) == LATEST_UPDATES_KEPT and "第 7 週" in rich.body and "田間故事" in rich.body
    assert rich.url.startswith("/") and rich.team and len(rich.sdg) == 2
    assert (fish.title_ja, fish.translated_summaries, fish.funding_type) == (
        "口湖の養殖池",
        ["養殖の転換"],
        ["donation"],
    )
    assert (fish.progress, bare.funding_type, bare.title_en) == (0.0, [], "")


def _batch_queries(family, size):
    batches = family.iter_documents(batch_size=size)
    with CaptureQueriesContext(connection) as captured:
        documents = next(batches)
    assert len(documents) == size
    return len(captured.captured_queries)


def test_a_batch_costs_the_same_queries_whatever_it_holds(varied_projects, django_capture_on_commit_callbacks):
    from marketplace.models import ProjectListing

    capture = django_capture_on_commit_callbacks
    enterprise = ProjectListing.objects.first().enterprise
    for number in range(22):
        page = _project(capture, town=(GUANSHAN, KOUHU)[number % 2], summary="在地計畫", body=f"故事 {number}")
        if number % 2 == 0:
            _fund(page, enterprise, capture, invest=number % 4 == 0, plan=number % 3 == 0, campaign=True)
        if number % 5 == 0:
            _translate(page, "en", f"Project {number}", f"Summary {number}", capture)
    family = get_family("projects")
    assert family.count() == 25
    _batch_queries(family, 5)  # caches the sites' root paths and the badge map read on a first use
    with_5, with_20 = _batch_queries(family, 5), _batch_queries(family, 20)
    assert with_5 == with_20, f"{with_5} queries for 5 pages, {with_20} for 20"
    # Ten reads, and the batch's townships and sectors once each rather than joined to every page.
    assert with_20 <= 12, with_20
    # The page-by-page path this replaces costs several queries per page.
    pages = list(family.iter_objects(batch_size=20))[:20]
    with CaptureQueriesContext(connection) as captured:
        for page in pages:
            per_page_document(page)
    assert len(captured.captured_queries) >= 2 * 20


def test_page_urls_are_the_ones_wagtail_gives(varied_projects, django_capture_on_commit_callbacks):
    """A rebuild makes the pages' URLs without asking Wagtail page by page: each is the URL the page itself gives,
    for originals and translations, a path of Chinese characters included, whatever language is active."""
    from django.utils import translation

    from cms.models import ProjectPage
    from search.families import PageFamily

    capture = django_capture_on_commit_callbacks
    _translate(_project(capture, title="口湖魚塭"), "ja", "口湖の池", "", capture)
    pages = list(ProjectPage.objects.live().select_related("locale"))
    assert {page.locale.language_code for page in pages} >= {"zh-hant", "en", "ja"}
    for language in ("zh-hant", "en", "ja"):
        with translation.override(language):
            wagtails = {page.pk: ProjectPage.objects.get(pk=page.pk).url or "" for page in pages}
            assert PageFamily.urls(pages) == wagtails
    assert any("%E5%8F%A3" in url for url in wagtails.values()), wagtails  # 口, quoted as Wagtail quotes it
    assert len({url.split("/")[1] for url in wagtails.values()}) >= 2  # the languages' prefixes
