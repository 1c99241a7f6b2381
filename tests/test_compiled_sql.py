"""core.compiled_sql: a query compiled once per process gives what the ORM gives, for every call's own values."""

import datetime

import pytest
from django.db.models import Count
from django.utils import timezone

from core.compiled_sql import compiled_once
from places.models import Township

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def test_a_compiled_query_answers_each_call_with_its_own_values_as_the_orm_does(townships):
    built = []

    @compiled_once
    def counties_of(township_ids, after_id):
        built.append(len(township_ids))
        return (
            Township.objects.filter(pk__in=township_ids, pk__gt=after_id)
            .values("county_id")
            .annotate(towns=Count("pk"))
            .order_by("county_id")
            .values_list("county_id", "towns")
        )

    every = list(Township.objects.order_by("pk").values_list("pk", flat=True))
    assert len(every) >= 4
    for ids, threshold in ((every[:2], 0), (every[2:4], 0), (every[:2], every[0]), (every, every[3])):
        expected = list(
            Township.objects.filter(pk__in=ids, pk__gt=threshold)
            .values("county_id")
            .annotate(towns=Count("pk"))
            .order_by("county_id")
            .values_list("county_id", "towns")
        )
        assert counties_of.rows(ids, threshold) == [tuple(row) for row in expected]
    assert built == [2, len(every)], "compiled once per number of ids, whatever the values"


def test_a_moment_is_placed_as_the_database_keeps_it(listing, bob):
    from payments.models import Backing
    from tests.factories.payments import subscription

    old, new = subscription(listing, bob), subscription(listing, None)
    Backing.objects.filter(pk=old.pk).update(created=timezone.now() - datetime.timedelta(days=3))

    @compiled_once
    def created_since(moment):
        return Backing.objects.filter(created__gte=moment).order_by("pk").values_list("pk", flat=True)

    assert created_since.rows(timezone.now() - datetime.timedelta(days=1)) == [(new.pk,)]
    assert created_since.rows(timezone.now() - datetime.timedelta(days=4)) == [(old.pk,), (new.pk,)]


def test_a_query_that_does_not_hold_its_value_as_one_parameter_is_refused():
    @compiled_once
    def twice(number):
        return Township.objects.filter(pk=number, population=number)

    @compiled_once
    def in_python(number):
        return Township.objects.filter(pk=abs(number))

    with pytest.raises(RuntimeError, match="once as a parameter"):
        twice(7)
    with pytest.raises(RuntimeError, match="once as a parameter"):
        in_python(7)
    with pytest.raises(TypeError):
        twice("seven")


def test_the_places_and_the_totals_read_through_it_stay_what_the_orm_says(listing, bob):
    from payments.checkout import CHECKOUT_LIFETIME, places_taken_by_plan
    from payments.ledger import totals_by_project, totals_for_project
    from payments.models import Backing
    from tests.factories.payments import donation, subscription

    plan = listing.subscription_plans.get()
    subscription(listing, bob, plan)
    late = subscription(listing, None, plan, status=Backing.Status.PENDING)
    Backing.objects.filter(pk=late.pk).update(created=timezone.now() - CHECKOUT_LIFETIME - datetime.timedelta(1))
    donation(listing, bob, 700)
    assert places_taken_by_plan([plan.pk]) == {plan.pk: 1}
    totals = totals_for_project(listing.project_id)
    assert (totals.raised_twd, totals.backers) == (700, 1)
    assert totals_by_project([listing.project_id, -5]) == {listing.project_id: totals}
