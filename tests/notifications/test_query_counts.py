"""The notification list renders with a number of queries that does not grow with the notifications."""

import pytest
from django.urls import reverse

from notifications.models import Notification
from tests.helpers import assert_queries_do_not_grow

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_the_list_of_notifications(client, alice):
    def build(count):
        Notification.objects.bulk_create(
            Notification(recipient=alice, kind=Notification.Kind.PROJECT_UPDATE, title=f"更新 {number}", url="/")
            for number in range(count)
        )

    client.force_login(alice)
    assert_queries_do_not_grow(build, client, reverse("notifications:list"))
