"""Under a project's questions, an answer or a report the server refuses comes back beside its question with the
reason and what was typed (it was a redirect that lost the text): through the real views, in each language."""

import re
from datetime import timedelta

import pytest
from django.db.models import F
from django.urls import reverse

from marketplace import actions
from marketplace.models import AbuseReport, Answer, Question

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

BLANK = "  \u3000\n\u200b "  # spaces, an ideographic space, a line break, a zero-width space: passes `required`


def _in_language(url, language):
    return f"/{language}{url[url.index('/', 1) :]}"


def _textarea(page, element_id):
    return re.search(rf'<textarea[^>]*\bid="{element_id}"[^>]*>(.*?)</textarea>', page, re.S)


def test_a_blank_question_is_refused_on_the_page_with_the_reason(client, listing, mallory):
    client.force_login(mallory)
    url = reverse("marketplace:questions", kwargs={"project_id": listing.project_id})

    response = client.post(_in_language(url, "en"), {"text": BLANK})

    assert response.status_code == 400
    assert "Write your question first." in response.text
    assert re.search(r'data-error-summary.*?<a href="#id_text">', response.text, re.S)
    assert not Question.objects.exists()


def test_a_blank_answer_comes_back_under_its_question_with_the_reason_in_each_language(client, listing, mallory, bob):
    question = actions.ask_question(mallory, listing, text="可以宅配到離島嗎？")
    client.force_login(bob)
    url = reverse("marketplace:question_answer", kwargs={"project_id": listing.project_id, "pk": question.pk})
    expected = {"en": "Write an answer first.", "zh-hant": "請先寫下回答。", "ja": "まず回答を書いてください。"}
    for language, reason in expected.items():
        response = client.post(_in_language(url, language) + "?page=1", {"text": BLANK})

        assert response.status_code == 400, language
        field_id = f"id_answer_{question.pk}_text"
        textarea = _textarea(response.text, field_id)
        assert textarea is not None, language
        assert 'aria-invalid="true"' in textarea.group(0) and f"{field_id}_error" in textarea.group(0)
        assert re.search(rf'<ul class="errorlist" id="{field_id}_error"><li>{re.escape(reason)}</li>', response.text)
        assert re.search(rf'data-error-summary.*?<a href="#{field_id}">', response.text, re.S), language
    assert not Answer.objects.exists()


def test_a_refused_report_keeps_the_reason_typed_in_its_open_form(client, listing, mallory, alice, bob):
    question = actions.ask_question(alice, listing, text="這是廣告嗎？")
    answer = actions.answer_question(bob, question, text="不是。")
    client.force_login(mallory)
    report_answer = reverse(
        "marketplace:report", kwargs={"project_id": listing.project_id, "kind": "answer", "pk": answer.pk}
    )

    blank = client.post(_in_language(report_answer, "en"), {"reason": BLANK})

    assert blank.status_code == 400
    field_id = f"id_report_answer_{answer.pk}_reason"
    assert "Say what is wrong, so the moderators can judge." in blank.text
    assert re.search(rf'<details open><summary>Report</summary>.*?id="{field_id}"', blank.text, re.S)
    assert not AbuseReport.objects.exists()

    # Refused by the action (reported already): the second reason typed is kept, with why.
    report_question = reverse(
        "marketplace:report", kwargs={"project_id": listing.project_id, "kind": "question", "pk": question.pk}
    )
    assert client.post(report_question, {"reason": "廣告"}).status_code == 302
    again = client.post(_in_language(report_question, "ja"), {"reason": "業者の宣伝です"})

    assert again.status_code == 400
    textarea = _textarea(again.text, f"id_report_question_{question.pk}_reason")
    assert textarea.group(1).strip() == "業者の宣伝です"
    assert "data-error-summary" in again.text and "モデレーター" in again.text
    assert AbuseReport.objects.get().reason == "廣告"


def test_the_forms_under_questions_go_back_to_the_page_they_were_sent_from(client, listing, mallory, alice):
    for number in range(21):  # twenty a page, newest first: the oldest is alone on page 2
        actions.ask_question(alice, listing, text=f"第 {number} 個問題")
        if number % 10 == 9:  # a person may ask ten an hour: the earlier ones are moved back two hours, in order
            Question.objects.filter(author=alice).update(created=F("created") - timedelta(hours=2))
    oldest = Question.objects.order_by("pk").first()
    client.force_login(mallory)
    questions = reverse("marketplace:questions", kwargs={"project_id": listing.project_id})
    report = reverse(
        "marketplace:report", kwargs={"project_id": listing.project_id, "kind": "question", "pk": oldest.pk}
    )
    assert f'action="{report}?page=2"' in client.get(questions + "?page=2").text

    refused = client.post(f"{report}?page=2", {"reason": " "})

    assert refused.status_code == 400
    assert f'id="id_report_question_{oldest.pk}_reason"' in refused.text and "第 0 個問題" in refused.text
    done = client.post(f"{report}?page=2", {"reason": "重複的問題"})
    assert done.status_code == 302 and done.url == f"{questions}?page=2"
