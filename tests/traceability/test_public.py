"""What a visitor sees: a batch's story from its QR code, its verification, the digests, the project page's panel."""

import datetime
import json

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from core.models import AuditEntry
from tests.factories.traceability import device_with_token, lab_files, readings, record
from traceability import actions, digests
from traceability.models import Batch, Digest
from traceability.storage import TAIWAN

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def batch_url(batch, language="zh-hant"):
    with translation.override(language):
        return reverse("traceability:batch", kwargs={"code": batch.code})


@pytest.mark.parametrize(("language", "heading"), [("zh-hant", "收成"), ("en", "Harvest"), ("ja", "収穫")])
def test_a_public_batch_tells_its_story_in_the_readers_language(client, public_batch, alice, language, heading):
    record(alice, public_batch, kind="lab_test", files=lab_files(), details={"laboratory": "雲林檢驗所"})

    response = client.get(batch_url(public_batch, language))

    assert response.status_code == 200
    content = response.content.decode()
    assert public_batch.name in content and heading in content
    assert "放養魚苗" in content and "雲林檢驗所" in content
    assert "/correct/" not in content  # the team's correction links stay on the team's page
    assert public_batch.listing.enterprise.organisation.name in content or "口湖魚塭隊" in content
    assert reverse("traceability:batch_verify", kwargs={"code": public_batch.code}).split("/", 2)[2] in content


@pytest.mark.parametrize(
    ("language", "name", "summary"),
    [("en", "Kouhu Pond Team", "Tilapia raised in"), ("ja", "口湖養殖チーム", "口湖で育てた")],
)
def test_the_team_is_named_in_the_readers_language_when_it_wrote_one(client, public_batch, language, name, summary):
    team = public_batch.listing.enterprise
    team.summary = "在口湖養的吳郭魚"
    team.name_en, team.summary_en = "Kouhu Pond Team", "Tilapia raised in Kouhu"
    team.name_ja, team.summary_ja = "口湖養殖チーム", "口湖で育てたティラピア"
    team.save()

    content = client.get(batch_url(public_batch, language)).content.decode()

    html_lang = {"en": "en", "ja": "ja"}[language]
    assert f'<strong lang="{html_lang}">{name}</strong>' in content
    assert f'<p lang="{html_lang}">{summary}' in content
    assert "在口湖養的吳郭魚" not in content


def test_an_unpublished_batch_is_refused_to_visitors_by_page_qr_and_json(client, batch, alice):
    record(alice, batch)

    page = client.get(batch_url(batch))
    qr = client.get(reverse("traceability:batch_qr", kwargs={"code": batch.code}))
    chain_json = client.get(reverse("traceability:batch_json", kwargs={"code": batch.code}))

    assert page.status_code == 404 and "這個批次未公開" in page.content.decode()
    assert qr.status_code == 404 and chain_json.status_code == 404
    client.force_login(alice)
    own_qr = client.get(reverse("traceability:batch_qr", kwargs={"code": batch.code}))
    assert own_qr.status_code == 200 and own_qr["Content-Type"] == "image/svg+xml"
    assert "no-store" in own_qr["Cache-Control"]


def test_an_unknown_code_says_so(client, db):
    response = client.get(reverse("traceability:batch", kwargs={"code": "ZZZZ9999"}))

    assert response.status_code == 404 and "ZZZZ9999" in response.content.decode()


def test_an_unknown_code_offers_to_type_it_again_and_a_typed_code_opens_its_batch(client, public_batch):
    page = client.get(reverse("traceability:batch", kwargs={"code": "ZZZZ9999"})).content.decode()
    lookup = reverse("traceability:batch_lookup")
    assert f'action="{lookup}"' in page and 'name="code" value="ZZZZ9999"' in page

    typed = f" {public_batch.code[:4].lower()}-{public_batch.code[4:]} "  # as read off a label, with a dash
    pasted = f"https://homeward.example/b/{public_batch.code}/"  # or the short address itself
    for text in (typed, pasted):
        response = client.get(lookup, {"code": text})
        assert response.status_code == 302 and response["Location"] == batch_url(public_batch, "en")


@pytest.mark.parametrize("text", ["", "  ", "//", "%%%", "../../admin"])
def test_a_lookup_without_a_code_asks_for_one_and_never_fails(client, db, text):
    response = client.get(reverse("traceability:batch_lookup"), {"code": text})

    if response.status_code == 302:  # letters of the alphabet were left: their page says whether a batch has them
        assert client.get(response["Location"]).status_code == 404
    else:
        assert response.status_code == 200 and "Type the code printed under the QR code" in response.content.decode()


def test_a_withdrawn_batch_of_a_public_project_points_to_the_project(client, public_batch, alice):
    actions.set_batch_public(alice, public_batch, False)

    page = client.get(batch_url(public_batch, "en")).content.decode()

    assert "This batch is not public" in page
    assert public_batch.listing.project.url in page
    assert 'name="code"' not in page  # the code is right: nothing to type again


def test_an_unpublished_batch_of_a_hidden_project_does_not_reveal_the_project(client, public_batch):
    project = public_batch.listing.project
    project.unpublish()

    response = client.get(batch_url(public_batch, "en"))

    assert response.status_code == 404 and "This batch is not public" in response.content.decode()
    assert project.title not in response.content.decode()


def test_the_short_url_on_a_label_opens_the_page_in_the_readers_language(client, public_batch):
    code = public_batch.code.lower().replace("0", "o")  # typed from a label, with look-alike letters

    response = client.get(f"/b/{code}", headers={"Accept-Language": "ja"})

    assert response.status_code == 302 and response["Location"] == batch_url(public_batch, "ja")


def test_the_public_qr_code_is_an_svg_of_the_short_url(client, public_batch):
    response = client.get(reverse("traceability:batch_qr", kwargs={"code": public_batch.code}))

    assert response.status_code == 200 and response["Content-Type"] == "image/svg+xml"
    assert response.content.lstrip().startswith(b"<") and b"<svg" in response.content


def test_the_verify_page_recomputes_the_chain_and_checks_a_kept_digest(client, public_batch, alice):
    response = client.get(reverse("traceability:batch_verify", kwargs={"code": public_batch.code}))
    assert response.status_code == 200 and public_batch.head_hash in response.content.decode()

    yesterday = timezone.now().astimezone(TAIWAN).date() - datetime.timedelta(days=1)
    # The records were written today; a digest of a day after them holds the batch: publish tomorrow's by moving
    # the clock is not possible, so check yesterday's (empty of this batch) is still a valid signed file.
    digest, created = digests.publish_digest(yesterday)
    assert created and Digest.objects.count() == 1
    assert AuditEntry.objects.filter(action="trace_digest.publish").count() == 1
    document = client.get(f"/trace/digests/{yesterday:%Y-%m-%d}.json").json()
    check = digests.check_digest_document(document)
    assert check.valid_signature and check.day == yesterday.isoformat()

    document["payload"]["chains"].append([public_batch.code, 1, "0" * 64])  # a forged line
    assert not digests.check_digest_document(document).valid_signature

    upload = json.dumps(document).encode()
    from django.core.files.uploadedfile import SimpleUploadedFile

    refused = client.post(
        reverse("traceability:batch_verify", kwargs={"code": public_batch.code}),
        {"document": SimpleUploadedFile("digest.json", upload, content_type="application/json")},
    )
    assert refused.status_code in (200, 400)
    assert "signature" in refused.content.decode().lower() or "簽章" in refused.content.decode()


def test_a_digest_signs_every_chain_head_at_the_end_of_the_day(public_batch):
    today = timezone.now().astimezone(TAIWAN).date()
    payload = digests.build_payload(today)  # as it would be signed after midnight

    assert [public_batch.code, public_batch.entry_count, public_batch.head_hash] in payload["chains"]
    assert payload["root"] == digests.root_of(payload["chains"])
    with pytest.raises(ValueError, match="not ended"):
        digests.publish_digest(today)


def test_a_digest_lists_no_batch_that_is_not_public(public_batch, listing, alice, plan):
    draft = actions.create_batch(alice, listing, name="四月吳郭魚", product="吳郭魚片", plan=plan)
    record(alice, draft, kind="planting", description="放養魚苗")
    today = timezone.now().astimezone(TAIWAN).date()

    codes = [code for code, _entries, _head in digests.build_payload(today)["chains"]]
    assert public_batch.code in codes and draft.code not in codes  # the team has not published the draft

    listing.project.unpublish()
    assert digests.build_payload(today)["chains"] == []  # the project is offline: none of its codes


def test_the_digest_page_lists_only_the_codes_public_now(client, public_batch, alice):
    from traceability import chain, signing

    today = timezone.now().astimezone(TAIWAN).date()
    payload = digests.build_payload(today)
    text = chain.canonical_json(payload)
    Digest.objects.create(
        day=today,
        payload=text,
        payload_sha256=chain.sha256_hex(text),
        signature=signing.sign(text.encode("utf-8")),
        key_id=signing.key_id(),
        chains=len(payload["chains"]),
        entries=sum(count for _code, count, _head in payload["chains"]),
    )
    page = reverse("traceability:digest", kwargs={"day": today})
    assert public_batch.code in client.get(page).content.decode()

    actions.set_batch_public(alice, public_batch, False)  # withdrawn after the digest listed it

    assert public_batch.code not in client.get(page).content.decode()


def test_backers_and_companies_lists_leave_out_the_batches_of_a_project_taken_offline(public_batch, listing, plan):
    from tests.factories.accounts import UserFactory
    from tests.factories.payments import subscription
    from traceability import queries

    backing = subscription(listing, UserFactory(email="backer@example.tw"), plan=plan)
    month = timezone.localdate().replace(day=1)
    Batch.objects.filter(pk=public_batch.pk).update(period_start=month, period_end=month + datetime.timedelta(days=40))
    public_batch.refresh_from_db()
    assert queries.batches_by_backing([backing])[backing.pk] == [public_batch]
    assert queries.batches_for_month([plan.pk], month) == [public_batch]

    listing.project.unpublish()

    assert queries.batches_by_backing([backing])[backing.pk] == []
    assert queries.batches_for_month([plan.pk], month) == []
    assert not queries.public_batches().exists()


def test_the_project_page_shows_badges_batches_and_public_readings(client, public_batch, listing, alice):
    device, token = device_with_token(
        alice, listing, measures=("water_temperature", "salinity"), public=("water_temperature",)
    )
    start = (timezone.now() - datetime.timedelta(hours=2)).replace(second=0, microsecond=0)
    client.post(
        "/api/trace/readings/",
        json.dumps(
            {
                "readings": readings("water_temperature", start, 30, value=26.5)
                + readings("salinity", start, 5, value=12)
            }
        ),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    from traceability.storage import refresh_aggregates

    refresh_aggregates()

    content = client.get(listing.project.url).content.decode()

    assert "可追溯" in content or "Traceable" in content
    assert public_batch.name in content
    assert f'data-trace-readings="{listing.project_id}"' in content
    assert "26.5" in content and "<svg" in content
    assert "鹽度" not in content and "Salinity" not in content  # the team keeps salinity to itself
    catch_up = client.get(reverse("traceability:project_readings", kwargs={"project_id": listing.project_id})).json()
    assert list(catch_up["devices"][0]["latest"]) == ["water_temperature"]


def _panel(page, language):
    from django.template import Context, Template
    from django.test import RequestFactory

    with translation.override(language):
        template = Template("{% load traceability_tags %}{% traceability_panel page %}")
        return template.render(Context({"request": RequestFactory().get("/"), "page": page}))


@pytest.mark.parametrize(
    ("language", "notice"),
    [("zh-hant", "起沒有新的讀數"), ("en", "the device may be offline"), ("ja", "以降、測定値が届いていません")],
)
def test_a_device_gone_quiet_is_said_so_on_the_project_page(client, listing, alice, language, notice):
    from django.utils import formats

    device, token = device_with_token(alice, listing, measures=("water_temperature",))
    start = (timezone.now() - datetime.timedelta(hours=2)).replace(second=0, microsecond=0)
    client.post(
        "/api/trace/readings/",
        json.dumps({"readings": readings("water_temperature", start, 5, value=26.5)}),
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    live = _panel(listing.project, language)
    assert "26.5" in live and "trace-quiet" not in live

    silent_since = timezone.now() - datetime.timedelta(days=3)
    type(device).objects.filter(pk=device.pk).update(last_seen_at=silent_since)
    quiet = _panel(listing.project, language)

    assert "26.5" in quiet and "trace-quiet" in quiet and notice in quiet
    with translation.override(language):
        shown = formats.date_format(timezone.localtime(silent_since), "SHORT_DATETIME_FORMAT")
    assert shown in quiet  # in Taiwan time, as the language writes dates
    assert "trace-quiet" in client.get(listing.project.url).content.decode()  # the page itself


def test_the_team_sees_which_device_is_silent(client, listing, alice):
    device, _token = device_with_token(alice, listing, measures=("water_temperature",))
    client.force_login(alice)

    listing_page = client.get(reverse("traceability:team_project", kwargs={"project_id": listing.project_id}))
    device_page = client.get(reverse("traceability:device", kwargs={"pk": device.pk}))

    assert "<strong>silent</strong>" in listing_page.content.decode()  # never sent anything
    type(device).objects.filter(pk=device.pk).update(last_seen_at=timezone.now() - datetime.timedelta(days=2))
    device_page = client.get(reverse("traceability:device", kwargs={"pk": device.pk})).content.decode()
    assert "silent: check its power and connection" in device_page
    type(device).objects.filter(pk=device.pk).update(last_seen_at=timezone.now())
    listing_page = client.get(reverse("traceability:team_project", kwargs={"project_id": listing.project_id}))
    assert "<strong>silent</strong>" not in listing_page.content.decode()


def test_a_backer_sees_the_batches_of_their_subscription(client, public_batch, listing, plan):
    from tests.factories.accounts import UserFactory
    from tests.factories.payments import subscription

    backer = UserFactory(email="backer@example.tw")
    subscription(listing, backer, plan=plan)
    client.force_login(backer)

    content = client.get(reverse("payments:my_backings")).content.decode()

    assert batch_url(public_batch, "en") in content and public_batch.name in content


def test_publishing_and_unpublishing_are_audited(batch, alice):
    record(alice, batch)
    actions.set_batch_public(alice, batch, True)
    actions.set_batch_public(alice, batch, False)

    assert list(
        AuditEntry.objects.filter(action__in=["batch.publish", "batch.unpublish"])
        .order_by("pk")
        .values_list("action", flat=True)
    ) == ["batch.publish", "batch.unpublish"]


def test_search_indexes_the_traceable_and_live_data_facet_of_a_project(public_batch, listing, alice):
    from search.documents import families

    projects = families()["projects"]
    assert projects.to_document(listing.project).facet_values()["traceability"] == ["traceable"]

    device, token = device_with_token(alice, listing, measures=("ph",))
    from traceability.ingest import ingest

    ingest(device, [(3, timezone.now() - datetime.timedelta(minutes=5), 7.2)])
    from traceability.badges import refresh_live_badges

    refresh_live_badges()
    assert projects.to_document(listing.project).facet_values()["traceability"] == ["live_data", "traceable"]


def test_the_short_url_printed_on_labels_comes_from_site_base_url_not_the_request_host(client, public_batch, settings):
    settings.SITE_BASE_URL = "https://homeward.example"
    short = f"https://homeward.example/b/{public_batch.code}"

    page = client.get(reverse("traceability:batch", kwargs={"code": public_batch.code})).content.decode()

    assert short in page and "testserver/b/" not in page


def test_a_pasted_digest_nested_past_what_the_parser_takes_is_refused_with_the_forms_message(client, public_batch):
    """The JSON parser's RecursionError was not caught: a 500."""
    url = reverse("traceability:batch_verify", kwargs={"code": public_batch.code})
    response = client.post(url, {"digest_text": "[" * 100_000}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code in (200, 400)
    assert "This is not JSON" in response.content.decode()


def test_older_digests_stay_reachable_page_by_page(client, db):
    from traceability.views.public import DIGESTS_PER_PAGE

    first = datetime.date(2026, 1, 1)
    Digest.objects.bulk_create(
        Digest(
            day=first + datetime.timedelta(days=n),
            payload="{}",
            payload_sha256=f"{n:064x}",
            signature="x",
            key_id="k",
            chains=1,
            entries=1,
        )
        for n in range(DIGESTS_PER_PAGE + 5)
    )
    url = reverse("traceability:digests")
    oldest = reverse("traceability:digest", kwargs={"day": first})

    newest_page = client.get(url).content.decode()
    older_page = client.get(url, {"page": 2}).content.decode()

    assert oldest not in newest_page and 'rel="next"' in newest_page and "Older" in newest_page
    assert oldest in older_page and older_page.count("/en/trace/digests/2026-") == 5
