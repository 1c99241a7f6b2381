"""A backing's row read under lock and written back, without compiling a query each time: every webhook does both.

The ORM rebuilds and compiles the SQL of a queryset on every call: for the webhook's lock of one backing with its
listing, about four fifths of the read's time (py-spy over bench/webhooks_server.py), and for the save that follows
most of the write's. The statements here are made once per process from the models' own metadata (every concrete
field, in the models' order, as the ORM would select and save them), and the rows become instances through
`Model.from_db`, as the ORM's own do, and the save sends the model's save signals as `save()` does.
"""

from functools import cache

from django.db import connection
from django.db.models.signals import post_save, pre_save

from marketplace.models import ProjectListing
from payments.models import Backing


def _selected_fields():
    """The columns the locked read selects, in order: (table alias, field) for the backing's, then its listing's."""
    return [("b", field) for field in Backing._meta.concrete_fields] + [
        ("l", field) for field in ProjectListing._meta.concrete_fields
    ]


@cache
def _lock_statement(lookup_column, vendor, for_update, for_update_of):
    quote = connection.ops.quote_name
    columns = ", ".join(f"{alias}.{quote(field.column)}" for alias, field in _selected_fields())
    lock = ""
    if for_update:
        lock = " FOR UPDATE OF b" if for_update_of else " FOR UPDATE"
    listing_key = quote(Backing._meta.get_field("listing").column)
    return (
        f"SELECT {columns} FROM {quote(Backing._meta.db_table)} b "  # noqa: S608 (names from the models)
        f"LEFT JOIN {quote(ProjectListing._meta.db_table)} l ON l.{quote(ProjectListing._meta.pk.column)} = "
        f"b.{listing_key} WHERE b.{quote(lookup_column)} = %s ORDER BY b.{quote(Backing._meta.pk.column)} "
        f"LIMIT 1{lock}"
    ), len(Backing._meta.concrete_fields)


def lock_backing(field_name, value):
    """The backing whose `field_name` is `value`, locked for this transaction (the one with the lowest id if several
    match), with its listing loaded; None when there is none. What
    `Backing.objects.select_for_update(of=("self",)).select_related("listing").filter(...).order_by("pk").first()`
    returns."""
    field = Backing._meta.pk if field_name == "pk" else Backing._meta.get_field(field_name)
    features = connection.features
    sql, backing_width = _lock_statement(
        field.column,
        connection.vendor,
        features.has_select_for_update,
        features.has_select_for_update_of,
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [field.get_db_prep_value(value, connection)])
        row = cursor.fetchone()
    if row is None:
        return None
    converted = _convert(row)
    backing = Backing.from_db(connection.alias, None, converted[:backing_width])
    if backing.listing_id is not None:
        Backing.listing.field.set_cached_value(
            backing, ProjectListing.from_db(connection.alias, None, converted[backing_width:])
        )
    return backing


def _convert(row):
    """The values as the ORM hands them to from_db: through the backend's and the fields' converters (SQLite's
    datetimes, booleans and decimals, a JSON field's decoding); most columns have none on PostgreSQL."""
    values = list(row)
    for index, column, functions in _converters(connection.vendor):
        for function in functions:
            values[index] = function(values[index], column, connection)
    return values


@cache
def _converters(vendor):
    columns = [field.get_col(alias) for alias, field in _selected_fields()]
    found = []
    for index, column in enumerate(columns):
        functions = [*connection.ops.get_db_converters(column), *column.get_db_converters(connection)]
        if functions:
            found.append((index, column, functions))
    return found


@cache
def _update_statement(vendor):
    quote = connection.ops.quote_name
    fields = [field for field in Backing._meta.concrete_fields if not field.primary_key]
    assignments = ", ".join(f"{quote(field.column)} = %s" for field in fields)
    sql = (
        f"UPDATE {quote(Backing._meta.db_table)} SET {assignments} "  # noqa: S608 (names from the models)
        f"WHERE {quote(Backing._meta.pk.column)} = %s"
    )
    return sql, fields


def save_backing(backing):
    """Write every field of a stored backing back (`auto_now` fields moved on), as `backing.save()` does: with its
    pre_save and post_save signals (Wagtail listens to every model's)."""
    if backing._state.adding:
        backing.save()
        return
    using = backing._state.db or connection.alias
    pre_save.send(sender=Backing, instance=backing, raw=False, using=using, update_fields=None)
    sql, fields = _update_statement(connection.vendor)
    values = [field.get_db_prep_save(field.pre_save(backing, False), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*values, backing.pk])
        updated = cursor.rowcount
    if not updated:  # not stored after all: the ORM decides what to do
        backing.save()
        return
    post_save.send(sender=Backing, instance=backing, created=False, update_fields=None, raw=False, using=using)
