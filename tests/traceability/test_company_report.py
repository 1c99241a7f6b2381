"""A company's impact report shows what the projects it committed to traced (each chain recomputed) and which send
live device data; nothing unpublished, nothing of projects it did not commit to."""

import datetime
import json
import re

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from marketplace.models import Interest, ProjectListing
from tests.factories.traceability import device_with_token, readings, record
from tests.helpers import translation_of
from traceability import actions

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def rice(market):
    return ProjectListing.objects.get(project=market["rice"])


def report_text(client, market, language=None):
    client.force_login(market["carol"])
    url = reverse("marketplace:impact", kwargs={"slug": market["company_org"].slug})
    if language:
        url = f"/{language}{url[url.index('/', 1) :]}"
    response = client.get(url)
    assert response.status_code == 200
    return response.text


def test_the_report_lists_the_traced_batches_and_live_projects_of_what_the_company_committed_to(
    client, market, rice, django_capture_on_commit_callbacks
):
    erin = market["erin"]
    english = translation_of(market["rice"], "en")
    english.title = "Guanshan rice, grown by the returning youth"
    english.save_revision().publish()
    # Committed on the project's English page: the batches hang on the original's listing.
    Interest.objects.create(
        company=market["company"],
        project=english,
        stage=Interest.Stage.COMMITTED,
        committed_amount_twd=500_000,
        commitment_proposed_by_side="team",
        commitment_confirmed_at=timezone.now(),
    )
    traced = actions.create_batch(erin, rice, name="一期稻作", product="關山米")
    record(erin, traced, kind="planting", description="插秧")
    record(erin, traced, kind="harvest", description="收割")
    actions.set_batch_public(erin, traced, True)
    draft = actions.create_batch(erin, rice, name="還沒公開", product="關山米")
    record(erin, draft)
    device, token = device_with_token(erin, rice, measures=("soil_moisture",), name="稻田土壤探頭")
    start = (timezone.now() - datetime.timedelta(minutes=20)).replace(second=0, microsecond=0)
    with django_capture_on_commit_callbacks(execute=True):  # as after the API's commit: the badge map is renewed
        posted = client.post(
            "/api/trace/readings/",
            json.dumps({"readings": readings("soil_moisture", start, 5, value=40.0)}),
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}"},
        )
    assert posted.status_code == 201

    text = report_text(client, market)

    assert traced.code in text and "一期稻作" in text
    with translation.override("zh-hant"):  # the company pages are served in the default language here
        intact = gettext("intact")
    assert f"<td>{intact}</td>" in text, "the chain was recomputed and holds"
    assert draft.code not in text, "an unpublished batch stays off the report"
    assert "稻田土壤探頭" in text and market["rice"].title in text, "the device reporting live and its project"
    assert english.title not in text, "the Chinese reader reads the project's Chinese title"

    english_text = report_text(client, market, "en")

    assert "<td>intact</td>" in english_text and "Live device data" in english_text and ">Product<" in english_text
    assert f'<td lang="en">{english.title}</td>' in english_text, "the project in the reader's language"
    assert re.search(
        r'<li><span lang="zh-Hant-TW">稻田土壤探頭</span> \(Sensor: Soil moisture[^<]*\) · <span lang="en">',
        english_text,
    )
    assert f'lang="zh-Hant-TW">{traced.name}</a>' in english_text, "the team's own words, marked as Chinese"

    japanese_text = report_text(client, market, "ja")

    with translation.override("ja"):
        assert gettext("Live device data") in japanese_text and gettext("Product") in japanese_text
        assert f"<td>{gettext('intact')}</td>" in japanese_text
    assert f'<td lang="zh-Hant-TW">{market["rice"].title}</td>' in japanese_text, (
        "no Japanese translation: the original"
    )


def test_a_company_that_committed_to_nothing_traced_sees_no_section(client, market, rice):
    erin = market["erin"]
    batch = actions.create_batch(erin, rice, name="一期稻作", product="關山米")
    record(erin, batch)
    actions.set_batch_public(erin, batch, True)
    Interest.objects.create(company=market["company"], project=market["rice"], stage=Interest.Stage.EXPRESSED)

    text = report_text(client, market)

    assert batch.code not in text and 'id="traced-title"' not in text
