"""Queries whose shape never changes, compiled to SQL once per process.

Django compiles a queryset to SQL on every evaluation. For a query with a subquery, an aggregate or a few joins,
compiling costs more than PostgreSQL takes to run it, and the pages that every visitor meets (a project page's
funding panel, a card list's money) run the same few queries on every view. `compiled_once` compiles such a query
once per process, database vendor and number of values, with stand-in values (negative numbers, a date in 1900)
where each call's values go, finds where those stand-ins sit among the compiled parameters, and runs the SQL with
the call's own values in their place. The SQL is Django's own; only the compiling is skipped.
"""

import datetime
import functools

from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connection
from django.db.models import Value

STAND_IN_BASE = -1_000_000_000  # never a primary key
STAND_IN_MOMENT = datetime.datetime(1900, 1, 1, tzinfo=datetime.UTC)


class CompiledQuery:
    """What `compiled_once` gives: call it with the values of each call, get (sql, params) to run."""

    def __init__(self, build):
        self.build = build
        functools.update_wrapper(self, build)

    def __call__(self, *values):
        shape = tuple(len(value) if isinstance(value, list | tuple) else type(value).__name__ for value in values)
        sql, params, positions = _compile(connection.vendor, self.build, shape)
        params = list(params)
        for position, value in zip(positions, _flat(values), strict=True):
            params[position] = _adapt(value)
        return sql, params

    def rows(self, *values):
        """The rows of the query for these values."""
        sql, params = self(*values)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchall()


def whole_table(queryset):
    """`queryset` grouped by a constant, which Django leaves out of GROUP BY: annotate it with aggregates for one
    row over every row, as `aggregate()` gives, but as a queryset that `compiled_once` can compile."""
    return queryset.order_by().annotate(whole_table=Value(1)).values("whole_table")


def compiled_once(build):
    """Decorator: `build(*values)` returns the queryset for its values, each a list of integers (ids), an integer (an
    id) or an aware datetime; calling the decorated function with real values gives (sql, params), and `.rows(*values)`
    runs it. `build` must use each value once, as a parameter of a field that takes negative numbers (ids, foreign
    keys) or moments, never in Python logic: it is called with stand-ins, and compiling refuses what does not hold
    them."""
    return CompiledQuery(build)


@functools.lru_cache(maxsize=256)
def _compile(vendor, build, shape):
    stand_ins, count = [], 0
    for size in shape:
        if isinstance(size, int):
            stand_ins.append([STAND_IN_BASE - count - number for number in range(size)])
            count += size
        elif size == "int":
            stand_ins.append(STAND_IN_BASE - count)
            count += 1
        elif size == "datetime":
            stand_ins.append(STAND_IN_MOMENT + datetime.timedelta(microseconds=count))
            count += 1
        else:
            raise TypeError(f"compiled_once: a value is a list of ids, an int or a datetime, not {size}")
    try:
        sql, params = build(*stand_ins).query.sql_with_params()
    except (EmptyResultSet, FullResultSet) as error:
        # A stand-in outside what its field takes (a negative number for a positive field): Django compiles the
        # condition away instead of holding the value as a parameter.
        raise RuntimeError(_refused(build)) from error
    positions = []
    for stand_in in map(_adapt, _flat(stand_ins)):
        found = [position for position, param in enumerate(params) if param == stand_in]
        if len(found) != 1:
            raise RuntimeError(_refused(build))
        positions.append(found[0])
    return sql, tuple(params), tuple(positions)


def _refused(build):
    return f"compiled_once: {build.__qualname__} does not hold each value once as a parameter"


def _flat(values):
    for value in values:
        if isinstance(value, list | tuple):
            yield from value
        else:
            yield value


def _adapt(value):
    """A value as the compiled parameters hold it (a datetime the way the database's DateTimeField stores it)."""
    if isinstance(value, datetime.datetime):
        return connection.ops.adapt_datetimefield_value(value)
    return value
