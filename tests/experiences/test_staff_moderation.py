"""Staff unpublish an experience from its admin screen (experiences.actions.unpublish_experience_as_staff): only
with the moderation permission (the Moderators group holds it), always with a reason, which the organisation's
members are told in their own language; the audit log names the staff member. Unpublishing what is not published
changes nothing and says so."""

import pytest
from django.urls import reverse
from django.utils import translation

from core.audit import Action
from core.models import AuditEntry
from experiences.models import Experience
from notifications.models import Notification
from tests.helpers import admin_moderator, admin_viewer

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]

REASON = "活動照片並非本鎮，請更換後再上架"


@pytest.fixture
def moderator(bob):
    return admin_moderator(bob)


def _urls(experience):
    return (
        reverse("experiences_admin:inspect", args=[experience.pk]),
        reverse("experiences_admin:unpublish", args=[experience.pk]),
    )


def _published(experience):
    return Experience.objects.get(pk=experience.pk).is_published


def test_a_moderator_unpublishes_with_a_reason_and_the_team_is_told_in_its_language(
    client, moderator, alice, experience
):
    alice.preferred_language = "ja"
    alice.save(update_fields=["preferred_language"])
    inspect_url, unpublish_url = _urls(experience)
    client.force_login(moderator)

    inspect = client.get(inspect_url)
    confirm = client.get(unpublish_url)
    done = client.post(unpublish_url, {"reason": f"  {REASON}  "}, follow=True)

    assert unpublish_url in inspect.text and "Unpublish the experience" in inspect.text
    assert confirm.status_code == 200 and "Unpublish this experience?" in confirm.text
    assert 'name="csrfmiddlewaretoken"' in confirm.text and 'method="post"' in confirm.text
    assert confirm.text.count(unpublish_url) == 1  # the form's own address, not also a header button's
    assert done.redirect_chain == [(inspect_url, 302)]
    assert f"“{experience}” is unpublished, and its team is told why." in done.text
    assert unpublish_url not in done.text  # nothing left to unpublish: no button
    assert not _published(experience)
    entry = AuditEntry.objects.get(action=Action.EXPERIENCE_STAFF_UNPUBLISH)
    assert (entry.actor, entry.organisation, entry.data) == (
        moderator,
        experience.organisation,
        {"experience": experience.pk, "reason": REASON},
    )
    notification = Notification.objects.get(kind=Notification.Kind.STAFF_ACTION)
    assert notification.recipient == alice
    assert notification.title == f"スタッフがあなたの体験を非公開にしました：{experience.title_zh}"
    assert REASON in notification.body
    with translation.override("ja"):
        assert notification.url == reverse("experiences:manage", kwargs={"pk": experience.pk})


def test_without_the_permission_staff_get_403_and_nothing_changes(client, bob, experience):
    viewer = admin_viewer(bob, "view_experience")
    inspect_url, unpublish_url = _urls(experience)
    client.force_login(viewer)

    inspect = client.get(inspect_url)
    asked = client.get(unpublish_url)
    posted = client.post(unpublish_url, {"reason": REASON})

    assert inspect.status_code == 200 and unpublish_url not in inspect.text
    assert (asked.status_code, posted.status_code) == (403, 403)
    assert _published(experience)
    assert not AuditEntry.objects.filter(action=Action.EXPERIENCE_STAFF_UNPUBLISH).exists()
    assert not Notification.objects.filter(kind=Notification.Kind.STAFF_ACTION).exists()


@pytest.mark.parametrize("reason", ["", "   \n\t  "], ids=["empty", "whitespace"])
def test_the_reason_is_required_and_the_form_comes_back_with_the_error(client, moderator, experience, reason):
    client.force_login(moderator)

    response = client.post(_urls(experience)[1], {"reason": reason})

    assert response.status_code == 400
    assert "Give the reason: the team is told what you did and why." in response.text
    assert 'name="reason"' in response.text
    assert _published(experience)
    assert not AuditEntry.objects.filter(action=Action.EXPERIENCE_STAFF_UNPUBLISH).exists()
    assert not Notification.objects.filter(kind=Notification.Kind.STAFF_ACTION).exists()


def test_a_second_attempt_changes_nothing_and_says_so(client, moderator, experience):
    inspect_url, unpublish_url = _urls(experience)
    client.force_login(moderator)
    client.post(unpublish_url, {"reason": REASON})

    again = client.post(unpublish_url, {"reason": "再一次"}, follow=True)
    asked_again = client.get(unpublish_url, follow=True)

    nothing = f"“{experience}” is not published: nothing changed."
    assert again.redirect_chain == [(inspect_url, 302)] and nothing in again.text
    assert asked_again.redirect_chain == [(inspect_url, 302)] and nothing in asked_again.text
    assert AuditEntry.objects.filter(action=Action.EXPERIENCE_STAFF_UNPUBLISH).count() == 1
    assert Notification.objects.filter(kind=Notification.Kind.STAFF_ACTION).count() == 1


def test_the_page_reads_in_the_moderators_language(client, bob, experience):
    client.force_login(admin_moderator(bob, language="zh-hant"))

    page = client.get(_urls(experience)[1]).text

    assert "要將這個體驗取消公開嗎？" in page and "您的名字、時間與理由會記錄在稽核紀錄中。" in page
