"""The search page renders with a number of database queries that does not grow with its hits."""

import itertools

import pytest

from tests.factories.search import GUANSHAN, content_engines, publish_indexed_project
from tests.helpers import assert_queries_do_not_grow

pytestmark = [pytest.mark.postgres, pytest.mark.elasticsearch]

_numbers = itertools.count(1)


def test_the_search_page(client, content_site, django_capture_on_commit_callbacks):
    def build(count):
        for _ in range(count):
            publish_indexed_project(
                f"關山米食{next(_numbers)}", GUANSHAN, django_capture_on_commit_callbacks, summary="米食"
            )
        content_engines()  # refreshes the indexes: the new documents are searchable now

    assert_queries_do_not_grow(build, client, "/zh-hant/search/?q=米食&family=projects")
