"""A proposal, an interest or a move the server refuses comes back with what was typed and the reason beside it,
through the real views: nothing typed is lost to a redirect."""

import re

import pytest
from django.urls import reverse

from marketplace import actions
from marketplace.models import Interest

Stage = Interest.Stage

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _at_term_sheet(market):
    interest = actions.express_interest(market["dave"], market["company"], market["rice"])
    for stage in (Stage.ACCEPTED, Stage.INTRODUCED, Stage.DUE_DILIGENCE, Stage.TERM_SHEET):
        actions.advance_interest(market["erin"], interest, stage)
    return interest


def _in_language(url, language):
    return f"/{language}{url[url.index('/', 1) :]}"


def _input(page, name):
    return re.search(rf"<(?:input|select|textarea)[^>]*\bname=\"{name}\"[^>]*>", page).group(0)


def test_a_refused_commitment_proposal_keeps_the_amount_and_instrument_and_links_the_reason(client, market):
    interest = _at_term_sheet(market)
    client.force_login(market["erin"])
    url = _in_language(reverse("marketplace:interest_propose", kwargs={"pk": interest.pk}), "en")

    response = client.post(url, {"amount": "800000.5", "instrument": "loan"})

    assert response.status_code == 400
    page = response.text
    amount = _input(page, "amount")
    assert 'value="800000.5"' in amount and 'aria-invalid="true"' in amount
    assert 'aria-describedby="id_amount_error' in amount or "id_amount_error" in amount
    assert re.search(r'<ul class="errorlist" id="id_amount_error">', page)
    assert re.search(r'<option value="loan"[^>]*selected', page)
    # The summary at the top of the form is focused on load and links to the field in error.
    assert re.search(r'data-error-summary.*?<a href="#id_amount">', page, re.S)
    interest.refresh_from_db()
    assert interest.committed_amount_twd is None


def test_a_proposal_the_action_refuses_comes_back_with_the_reason_in_each_language(client, market):
    interest = _at_term_sheet(market)
    actions.propose_commitment(market["erin"], interest, amount_twd=900_000, instrument="equity")
    actions.confirm_commitment(market["carol"], interest)
    client.force_login(market["erin"])
    url = reverse("marketplace:interest_propose", kwargs={"pk": interest.pk})
    expected = {
        "en": "already been confirmed by both sides",
        "zh-hant": "已經雙方確認",
        "ja": "双方が確認済み",
    }
    for language, words in expected.items():
        response = client.post(_in_language(url, language), {"amount": "700000", "instrument": "loan"})

        assert response.status_code == 400, language
        assert words in response.text, language
        assert 'value="700000"' in _input(response.text, "amount"), language
    interest.refresh_from_db()
    assert interest.committed_amount_twd == 900_000


def test_a_refused_interest_keeps_the_note_on_a_page_of_its_own(client, market):
    client.force_login(market["dave"])
    url = reverse(
        "marketplace:interest_express", kwargs={"slug": market["company_org"].slug, "project_id": market["rice"].pk}
    )
    note = "我們在池上有工廠，想了解稻米加工的合作。" * 101  # over the 2000 characters a note may have

    response = client.post(_in_language(url, "en"), {"message": note})

    assert response.status_code == 400
    textarea = _input(response.text, "message")
    assert 'aria-invalid="true"' in textarea and "id_message_error" in textarea
    assert note in response.text
    assert "at most 2000 characters" in response.text
    assert f'action="{_in_language(url, "en")}"' in response.text
    assert not Interest.objects.exists()

    # Refused by the action (already expressed): the short note typed the second time is kept too.
    assert client.post(url, {"message": "你好"}).status_code == 302
    again = client.post(_in_language(url, "ja"), {"message": "もう一度"})
    assert again.status_code == 400
    assert "もう一度" in again.text and "data-error-summary" in again.text
    assert Interest.objects.get().message == "你好"


def test_a_refused_move_keeps_the_stage_chosen_and_says_why(client, market):
    interest = actions.express_interest(market["dave"], market["company"], market["rice"])
    client.force_login(market["erin"])
    url = _in_language(reverse("marketplace:interest_advance", kwargs={"pk": interest.pk}), "en")
    # Another member of the team accepted it a moment ago; this page still offered "declined".
    actions.advance_interest(market["erin"], interest, Stage.ACCEPTED)

    response = client.post(url, {"stage": Stage.DECLINED})

    assert response.status_code == 400
    assert "cannot move to" in response.text and "data-error-summary" in response.text
    assert 'aria-describedby="id_stage_error"' in response.text
    assert re.search(r'<input type="radio" name="stage" value="introduced" checked>', response.text)
    interest.refresh_from_db()
    assert interest.stage == Stage.ACCEPTED
