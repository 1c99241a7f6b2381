"""Conversation pages render with a number of queries that does not grow with conversations or messages."""

import itertools
import uuid

import pytest
from django.urls import reverse

from conversations.models import Conversation, Message
from marketplace.models import Interest, ProjectListing
from tests.factories.market import GUANSHAN, publish_project
from tests.helpers import assert_queries_do_not_grow

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

_numbers = itertools.count(1)


def test_the_list_of_conversations(client, market):
    def build(count):
        for _ in range(count):
            project = publish_project(GUANSHAN, f"對話計畫{next(_numbers)}")
            ProjectListing.objects.create(project=project, enterprise=market["enterprise"])
            interest = Interest.objects.create(company=market["company"], project=project, stage="accepted")
            conversation = Conversation.objects.create(
                interest=interest, company=market["company_org"], team=market["enterprise_org"]
            )
            Message.objects.create(
                conversation=conversation, author=market["erin"], text="你好", client_id=uuid.uuid4()
            )

    client.force_login(market["dave"])
    assert_queries_do_not_grow(build, client, reverse("conversations:list"))


def test_one_conversation_with_its_messages(client, market, conversation):
    def build(count):
        for number in range(count):
            author = market["erin"] if number % 2 else market["dave"]
            Message.objects.create(conversation=conversation, author=author, text="訊息", client_id=uuid.uuid4())

    client.force_login(market["dave"])
    url = reverse("conversations:detail", kwargs={"pk": conversation.pk})
    assert_queries_do_not_grow(build, client, url)
