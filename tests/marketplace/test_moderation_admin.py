"""The admin screens of what people make on the public site (enterprise profiles, questions, answers, abuse
reports) and of what moderators told a submitter (review notices): staff judge them, nobody adds or deletes one by
hand. Wagtail's ModelViewSet has no `create_view_enabled` switch: the screens once offered "Why not add one?" and an
empty form whose save answered 500."""

import pytest
from django.urls import reverse

from cms.models import ReviewNotice
from marketplace.models import AbuseReport, Answer, EnterpriseProfile, Question
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

ADD_URLS = {
    EnterpriseProfile: "enterprises:add",
    AbuseReport: "abuse_reports:add",
    Question: "questions:add",
    Answer: "answers:add",
    ReviewNotice: "wagtailsnippets_cms_reviewnotice:add",
}
INDEX_URLS = {
    EnterpriseProfile: "enterprises:index",
    AbuseReport: "abuse_reports:index",
    Question: "questions:index",
    Answer: "answers:index",
    ReviewNotice: "wagtailsnippets_cms_reviewnotice:list",
}


@pytest.fixture
def superuser_client(client, django_user_model):
    client.force_login(with_mfa(django_user_model.objects.create_superuser("staff@example.tw", "x-long-password-1")))
    return client


@pytest.mark.parametrize("model", list(ADD_URLS), ids=lambda model: model.__name__)
def test_no_one_adds_a_public_record_in_the_admin(superuser_client, model):
    add_url = reverse(ADD_URLS[model])

    listing = superuser_client.get(reverse(INDEX_URLS[model]))
    form = superuser_client.get(add_url)
    saved = superuser_client.post(add_url, {"hidden": "on", "resolved_at": "", "summary": "x"})

    assert listing.status_code == 200
    assert add_url not in listing.text  # neither the header button nor the empty state's "Why not add one?"
    assert form.status_code != 200
    assert saved.status_code != 500
    assert not model.objects.exists()


def test_staff_still_judge_and_never_delete_an_enterprise_profile(superuser_client, profile):
    edit = superuser_client.get(reverse("enterprises:edit", args=[profile.pk]))
    deleted = superuser_client.post(reverse("enterprises:delete", args=[profile.pk]))

    assert edit.status_code == 200
    assert deleted.status_code != 200
    assert EnterpriseProfile.objects.filter(pk=profile.pk).exists()
