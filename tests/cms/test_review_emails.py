"""Wagtail's review emails: one per staff member, in that person's language (not the submitter's), with links to
the site's own address (settings.SITE_BASE_URL), never http://localhost/."""

import re

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.urls import reverse
from django.utils import translation

from accounts.models import User
from cms.actions import MODERATORS_GROUP, create_project_draft, submit_project_for_review
from places.models import Township
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

KANA = re.compile(r"[\u3040-\u30ff]")


def staff(email, language, superuser=False):
    make = User.objects.create_superuser if superuser else User.objects.create_user
    user = make(email, "a-long-password-3", preferred_language=language)
    user.groups.add(Group.objects.get(name=MODERATORS_GROUP))
    return with_mfa(user)  # everyone who can open the admin has a second factor


def emails_to(address):
    return [message for message in mail.outbox if message.to == [address]]


def test_each_moderator_gets_one_review_email_in_their_own_language(cms_site):
    staff("yuki@homeward.test", "ja", superuser=True)
    staff("mei@homeward.test", "zh-hant")
    submitter = User.objects.create_user("team@example.tw", "a-long-password-1", preferred_language="en")
    township = Township.objects.get(code="10009190")

    with translation.override("en"):  # the submitter works in English
        project = create_project_draft(township=township, owner=submitter, title="口湖智慧魚塭")
        submit_project_for_review(project, submitter)

    [japanese] = emails_to("yuki@homeward.test")  # a superuser too, and still one email
    [chinese] = emails_to("mei@homeward.test")
    assert KANA.search(japanese.subject) and KANA.search(japanese.body)
    assert not KANA.search(chinese.subject) and re.search(
        r"[\u4e00-\u9fff]{2}", chinese.subject.replace("口湖智慧魚塭", "")
    )
    for message in (japanese, chinese):
        assert "http://localhost" not in message.body
        assert settings.SITE_BASE_URL + reverse("wagtailadmin_pages:edit", args=[project.pk]) in message.body


def test_the_approval_email_is_in_the_submitters_language_and_links_to_the_site(cms_site, client):
    moderator = staff("mei@homeward.test", "zh-hant")
    submitter = User.objects.create_user("team@example.tw", "a-long-password-1", preferred_language="ja")
    project = create_project_draft(township=Township.objects.get(code="10009190"), owner=submitter, title="口湖")
    submit_project_for_review(project, submitter)
    mail.outbox.clear()

    client.force_login(moderator)
    task_state = project.current_workflow_state.current_task_state
    url = reverse("wagtailadmin_pages:workflow_action", args=[project.pk, "approve", task_state.pk])
    assert client.post(url, {"comment": ""}, HTTP_ACCEPT_LANGUAGE="zh-hant").status_code in (200, 302)

    [approval] = emails_to("team@example.tw")
    assert KANA.search(approval.subject) and KANA.search(approval.body)
    assert "http://localhost" not in approval.body and settings.SITE_BASE_URL in approval.body


def test_the_wagtail_profile_follows_the_persons_language(db):
    person = User.objects.create_user("aki@example.jp", "a-long-password-4", preferred_language="ja")
    assert person.wagtail_userprofile.get_preferred_language() == "ja"
    person.preferred_language = "en"
    person.save(update_fields=["preferred_language"])
    person.refresh_from_db()
    assert person.wagtail_userprofile.get_preferred_language() == "en"
