"""The rows migrations wrote, kept in the test database itself and put back with one statement per table.

Serialized rollback (tests/conftest.py) puts back, after the flush that ends every transactional test, what
migrations wrote: Django does it by deserializing a JSON string and saving ~900 objects one by one (~910 queries
each time). Here the same rows are copied once, right after the test database is migrated, into a schema of their
own (``homeward_migrated``, which the flush does not see: Django only lists the tables on the search path); putting
them back is one ``INSERT … SELECT … ON CONFLICT (pk) DO UPDATE`` per non-empty table, in one transaction with
the constraints deferred, then the same constraint check Django makes. ``ON CONFLICT … DO UPDATE`` is what
``Model.save()`` does for a serialized object: a row that is still there (no flush came before) takes the migrated
values back, a missing one is inserted. Sequences are left alone, as Django's restore leaves them.
"""

from django.db import transaction

SCHEMA = "homeward_migrated"


def _tables(connection):
    """(table, primary key column, inserted columns) of every Django table that holds rows after migrating."""
    found = []
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.django_table_names(only_existing=True, include_views=False)):
            cursor.execute(f"SELECT EXISTS (SELECT 1 FROM {connection.ops.quote_name(table)})")  # noqa: S608
            if not cursor.fetchone()[0]:
                continue
            cursor.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 AND NOT attisdropped"
                " AND attgenerated = '' ORDER BY attnum",
                [connection.ops.quote_name(table)],
            )
            columns = [row[0] for row in cursor.fetchall()]
            primary_key = connection.introspection.get_primary_key_column(cursor, table)
            found.append((table, primary_key, columns))
    return found


def snapshot(connection):
    """Copy the migrated rows into their own schema; returns the restore plan (kept on the connection class)."""
    quote = connection.ops.quote_name
    tables = _tables(connection)
    statements = []
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute(f"DROP SCHEMA IF EXISTS {SCHEMA} CASCADE")
        cursor.execute(f"CREATE SCHEMA {SCHEMA}")
        for table, primary_key, columns in tables:
            column_list = ", ".join(quote(column) for column in columns)
            cursor.execute(
                f"CREATE TABLE {SCHEMA}.{quote(table)} AS SELECT {column_list} FROM {quote(table)}"  # noqa: S608
            )
            others = [column for column in columns if column != primary_key]
            if primary_key and others:
                conflict = f"ON CONFLICT ({quote(primary_key)}) DO UPDATE SET " + ", ".join(
                    f"{quote(column)} = EXCLUDED.{quote(column)}" for column in others
                )
            elif primary_key:
                conflict = f"ON CONFLICT ({quote(primary_key)}) DO NOTHING"
            else:
                conflict = ""
            statements.append(
                (
                    table,
                    f"INSERT INTO {quote(table)} ({column_list}) "  # noqa: S608
                    f"SELECT {column_list} FROM {SCHEMA}.{quote(table)} {conflict}",
                )
            )
    return statements


def restore(connection, statements):
    """Put the migrated rows back (after a flush, or over rows that are still there)."""
    with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        for _table, statement in statements:
            cursor.execute(statement)
        connection.check_constraints(table_names=[table for table, _statement in statements])
