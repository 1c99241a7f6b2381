"""Totals read from the ledger: the only source of "raised" and "backers" anywhere on the site.

Money raised is the sum of payments, refunds and lost disputes (payouts move
money the project already raised, so they do not lower it). A backer is a
person (an account, or an email address for a guest) with at least one
backing whose net in the ledger is above zero: a fully refunded donor is not
counted. Totals are keyed by the listing's project page id.

Every ledger entry is written by `write_entry` (or `write_entries` for many at
once), which adds it, in the same transaction, to two running tables: the
project's sums by kind (ProjectLedgerTotals) and the backing's net
(BackingLedgerNet), with one upsert each. Reading a project's totals is then
one indexed row plus a count of its backings with money, however long its
ledger; `rebuild_totals` (`manage.py rebuild_ledger_totals`) recomputes both
tables from the entries.
"""

from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import CharField, Count, OuterRef, Q, Subquery, Sum, Value
from django.db.models.functions import Cast, Coalesce, Concat, Lower, NullIf

from core.compiled_sql import compiled_once, whole_table
from core.providers import Hook
from payments.models import Backing, BackingLedgerNet, LedgerEntry, ProjectLedgerTotals

# Called with [project page ids] whenever their totals change; apps above payments register here in their
# AppConfig.ready() (search: reindex the projects' documents, debounced), so payments imports none of them.
totals_changed = Hook("payments.totals_changed")

RAISING_KINDS = (LedgerEntry.Kind.PAYMENT, LedgerEntry.Kind.REFUND, LedgerEntry.Kind.DISPUTE)


@dataclass(frozen=True)
class Totals:
    raised_twd: int = 0
    backers: int = 0


def backer_person(backing_path=""):
    """Who a backer is, as one SQL expression — the one definition the ledger's counts and the impact figures
    share: the account, or else the guest's email address in lower case (never a number, so the two cannot
    collide), or else, for a backing with neither, the backing itself. `backing_path` reaches the backing from
    another model ("backing__" from a ledger entry)."""
    return Coalesce(
        Cast(f"{backing_path}backer_id", CharField()),
        NullIf(Lower(f"{backing_path}backer_email"), Value("")),
        Concat(Value("backing:"), Cast(f"{backing_path}id", CharField())),
        output_field=CharField(),
    )


PERSON = backer_person()


# ProjectLedgerTotals column for each kind of entry.
KIND_COLUMNS = {
    LedgerEntry.Kind.PAYMENT: "payments_twd",
    LedgerEntry.Kind.REFUND: "refunds_twd",
    LedgerEntry.Kind.DISPUTE: "disputes_twd",
    LedgerEntry.Kind.PAYOUT: "payouts_twd",
    LedgerEntry.Kind.TRANSFER: "transfers_twd",
    LedgerEntry.Kind.APPLICATION_FEE: "application_fees_twd",
}
TOTAL_COLUMNS = (*KIND_COLUMNS.values(), "platform_fees_twd", "raising_entries")


# --- writing: every ledger entry goes through here -------------------------------------------------


def write_entry(**fields):
    """Create one LedgerEntry (the model's fields) and add it to the running totals; returns the entry.

    Runs in the caller's transaction when there is one (an IntegrityError, e.g. a source_key recorded already,
    then rolls back the caller's savepoint with the totals), else in its own.
    """
    with transaction.atomic(savepoint=False):
        entry = LedgerEntry.objects.create(**fields)
        _add_to_totals([entry])
    return entry


def record_entry_once(fields, *, receipt_year=None):
    """Write one LedgerEntry unless its source_key is recorded already, with its receipt number (a payment, when
    `receipt_year` is given) and both running totals; returns the new entry, or None.

    On PostgreSQL this is one statement (a chain of data-modifying CTEs): the receipt sequence is bumped only when
    no entry of this source exists, the entry is inserted ON CONFLICT (source_key) DO NOTHING, and the running
    tables are upserted from the inserted row — no savepoint, no re-read of what was just written. If a
    simultaneous, not yet committed transaction records the same source between the existence check and the insert
    (callers lock the backing first, so two handlers of one backing never race), the number taken is given back at
    once: this transaction holds the year's row lock since its bump, so nobody can have taken a later number.
    Elsewhere (SQLite) it is the savepoint + write_entry path.

    The year's receipt row and the project's totals row stay locked until the transaction commits: whatever the
    caller does after this statement delays every other payment of the year, so it should be little (the live
    progress, with its count of people, is read after the commit).
    """
    if connection.vendor != "postgresql":
        return _record_entry_once_portable(fields, receipt_year=receipt_year)
    from payments.models import ReceiptSequence

    quote = connection.ops.quote_name
    entry = LedgerEntry(**fields)
    columns = [
        field
        for field in LedgerEntry._meta.concrete_fields
        if not field.primary_key and field.attname != "receipt_number"
    ]
    values = [field.get_db_prep_save(field.pre_save(entry, True), connection) for field in columns]
    entries, totals, nets = (
        quote(model._meta.db_table) for model in (LedgerEntry, ProjectLedgerTotals, BackingLedgerNet)
    )
    sequence = quote(ReceiptSequence._meta.db_table)
    column_list = ", ".join(quote(field.column) for field in columns)
    placeholders = ", ".join(["%s"] * len(columns))
    params = []
    if receipt_year is not None:
        number_cte = (
            f"number AS (INSERT INTO {sequence} (year, last_number) SELECT %s, 1 "  # noqa: S608
            f"WHERE NOT EXISTS (SELECT 1 FROM {entries} WHERE source_key = %s) "
            f"ON CONFLICT (year) DO UPDATE SET last_number = {sequence}.last_number + 1 RETURNING last_number), "
        )
        params += [receipt_year, entry.source_key]
        receipt = (
            "'HW-' || %s || '-' || CASE WHEN number.last_number < 1000000 "
            "THEN lpad(number.last_number::text, 6, '0') ELSE number.last_number::text END"
        )
        entry_source = f"SELECT {placeholders}, {receipt} FROM number"  # noqa: S608
        params += [*values, str(receipt_year)]
        taken = "(SELECT last_number FROM number)"
    else:
        number_cte = ""
        entry_source = f"SELECT {placeholders}, NULL"
        params += values
        taken = "NULL::integer"
    raising = entry.kind in RAISING_KINDS
    column = KIND_COLUMNS[entry.kind]
    adds = ", ".join(f"{quote(name)} = {totals}.{quote(name)} + EXCLUDED.{quote(name)}" for name in TOTAL_COLUMNS)
    total_values = ", ".join(
        (
            "new.amount_twd"
            if name == column
            else "new.platform_fee_twd"
            if name == "platform_fees_twd"
            else ("1" if raising else "0")
            if name == "raising_entries"
            else "0"
        )
        for name in TOTAL_COLUMNS
    )
    net_cte = (
        f", net AS (INSERT INTO {nets} (backing_id, listing_id, net_twd) "  # noqa: S608
        f"SELECT backing_id, listing_id, amount_twd FROM new WHERE backing_id IS NOT NULL AND listing_id IS NOT NULL "
        f"ON CONFLICT (backing_id) DO UPDATE SET net_twd = {nets}.net_twd + EXCLUDED.net_twd RETURNING 1)"
        if raising
        else ""
    )
    sql = (
        f"WITH {number_cte}"  # noqa: S608
        f"new AS (INSERT INTO {entries} ({column_list}, receipt_number) {entry_source} "
        f"ON CONFLICT (source_key) DO NOTHING RETURNING id, listing_id, backing_id, amount_twd, platform_fee_twd, "
        f"receipt_number), "
        f"sums AS (INSERT INTO {totals} (listing_id, {', '.join(quote(name) for name in TOTAL_COLUMNS)}) "
        f"SELECT listing_id, {total_values} FROM new WHERE listing_id IS NOT NULL "
        f"ON CONFLICT (listing_id) DO UPDATE SET {adds})"
        f"{net_cte} "
        f"SELECT {taken}, new.id, new.receipt_number FROM (SELECT 1) AS one LEFT JOIN new ON TRUE"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        taken_number, pk, receipt_number = cursor.fetchone()
        if pk is None:
            if taken_number is not None:
                # Lost a race for this source after taking a number: give it back (we hold the year's row lock).
                cursor.execute(
                    f"UPDATE {sequence} SET last_number = last_number - 1 WHERE year = %s AND last_number = %s",  # noqa: S608
                    [receipt_year, taken_number],
                )
            return None
    entry.pk = pk
    entry.receipt_number = receipt_number
    entry._state.adding = False
    entry._state.db = connection.alias
    return entry


def _record_entry_once_portable(fields, *, receipt_year=None):
    from django.db import IntegrityError

    from payments.receipts import next_receipt_number

    try:
        with transaction.atomic():
            if receipt_year is not None:
                fields = {**fields, "receipt_number": next_receipt_number(receipt_year)}
            entry = write_entry(**fields)
    except IntegrityError:
        return None
    return entry


def write_entries(entries, batch_size=1000):
    """bulk_create these unsaved LedgerEntry objects and add them to the running totals, in one transaction."""
    with transaction.atomic(savepoint=False):
        created = LedgerEntry.objects.bulk_create(entries, batch_size=batch_size)
        for start in range(0, len(created), batch_size):
            _add_to_totals(created[start : start + batch_size])
    return created


def _add_to_totals(entries):
    projects = {}
    backings = {}
    for entry in entries:
        if entry.listing_id is None:  # a purchase's money: no project's totals (payments.purchases)
            continue
        row = projects.setdefault(entry.listing_id, dict.fromkeys(TOTAL_COLUMNS, 0))
        row[KIND_COLUMNS[entry.kind]] += entry.amount_twd
        row["platform_fees_twd"] += entry.platform_fee_twd
        if entry.kind in RAISING_KINDS:
            row["raising_entries"] += 1
            if entry.backing_id is not None:
                net = backings.setdefault(entry.backing_id, [entry.listing_id, 0])
                net[1] += entry.amount_twd
    if not projects:
        return
    _upsert(
        ProjectLedgerTotals,
        ("listing_id", *TOTAL_COLUMNS),
        [(listing_id, *row.values()) for listing_id, row in sorted(projects.items())],
        key="listing_id",
        add=TOTAL_COLUMNS,
    )
    if backings:
        _upsert(
            BackingLedgerNet,
            ("backing_id", "listing_id", "net_twd"),
            [(backing_id, listing_id, net) for backing_id, (listing_id, net) in sorted(backings.items())],
            key="backing_id",
            add=("net_twd",),
        )


def _upsert(model, columns, rows, *, key, add):
    """INSERT the rows, or add their `add` columns to the existing row with the same key (one statement; rows
    in key order, so two transactions always lock shared rows in the same order)."""
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    placeholders = ", ".join(["(" + ", ".join(["%s"] * len(columns)) + ")"] * len(rows))
    sets = ", ".join(f"{quote(column)} = {table}.{quote(column)} + EXCLUDED.{quote(column)}" for column in add)
    sql = (
        f"INSERT INTO {table} ({', '.join(quote(column) for column in columns)}) VALUES {placeholders} "  # noqa: S608
        f"ON CONFLICT ({quote(key)}) DO UPDATE SET {sets}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [value for row in rows for value in row])


def rebuild_totals(progress=None):
    """Recompute both running tables from the ledger entries (idempotent); returns (projects, backings).

    Holds a SHARE lock on the entries (on PostgreSQL) while it runs: payments wait, nothing is missed.
    `progress(message)` is told how far it got.
    """
    progress = progress or (lambda message: None)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(f"LOCK TABLE {connection.ops.quote_name(LedgerEntry._meta.db_table)} IN SHARE MODE")
        BackingLedgerNet.objects.all().delete()
        ProjectLedgerTotals.objects.all().delete()
        sums = {column: Sum("amount_twd", filter=Q(kind=kind), default=0) for kind, column in KIND_COLUMNS.items()}
        projects = [
            ProjectLedgerTotals(**row)
            for row in LedgerEntry.objects.filter(listing__isnull=False)
            .order_by()
            .values("listing_id")
            .annotate(
                **sums,
                platform_fees_twd=Sum("platform_fee_twd", default=0),
                raising_entries=Count("pk", filter=Q(kind__in=RAISING_KINDS)),
            )
        ]
        ProjectLedgerTotals.objects.bulk_create(projects, batch_size=1000)
        progress(f"{len(projects)} projects")
        nets = (
            LedgerEntry.objects.filter(kind__in=RAISING_KINDS, backing__isnull=False, listing__isnull=False)
            .order_by()
            .values("backing_id", "listing_id")
            .annotate(net_twd=Sum("amount_twd"))
            .iterator(chunk_size=5000)
        )
        batch, backings = [], 0
        for row in nets:
            batch.append(BackingLedgerNet(**row))
            if len(batch) == 5000:
                BackingLedgerNet.objects.bulk_create(batch)
                backings += len(batch)
                batch = []
                progress(f"{backings} backings")
        BackingLedgerNet.objects.bulk_create(batch)
        backings += len(batch)
        progress(f"{backings} backings")
    return len(projects), backings


# --- reading ---------------------------------------------------------------------------------------


def _people(backings):
    return backings.filter(ledger_net__net_twd__gt=0).order_by()


def totals_by_project(project_ids):
    """{project page id: Totals} for the given projects (a project without payments, refunds or disputes is absent).

    One indexed query whatever the size of the ledger: each project's row of running sums, with the distinct count
    of the people behind its backings with money as a subquery (a card list asks for a page of projects at most).
    Compiled once per process and number of projects (core.compiled_sql): compiling the backer count (PERSON) cost
    several times running it, on every card list a page shows.
    """
    project_ids = list(dict.fromkeys(project_ids))
    if not project_ids:
        return {}
    return {
        project_id: Totals(raised_twd=payments + refunds + disputes if raising_entries else 0, backers=people)
        for project_id, payments, refunds, disputes, raising_entries, people in _totals_by_project.rows(project_ids)
        if raising_entries or people
    }


@compiled_once
def _totals_by_project(project_ids):
    people = (
        _people(Backing.objects.filter(listing_id=OuterRef("listing_id")))
        .values("listing_id")
        .annotate(people=Count(PERSON, distinct=True))
        .values("people")
    )
    return (
        ProjectLedgerTotals.objects.filter(listing__project_id__in=project_ids)
        .annotate(people=Coalesce(Subquery(people), 0))
        .values_list("listing__project_id", "payments_twd", "refunds_twd", "disputes_twd", "raising_entries", "people")
    )


def totals_for_project(project_id):
    """One project's Totals in one query: totals_by_project's, compiled once per process (a project page and its
    live progress read it on every view)."""
    return totals_by_project([project_id]).get(project_id, Totals())


def totals_for_projects(project_ids):
    """{project page id: Totals} as `totals_for_project` gives each one (a project without a totals row: Totals()),
    in two queries whatever the number of projects (the search index rebuild reads them batch by batch)."""
    project_ids = list(project_ids)
    rows = list(
        ProjectLedgerTotals.objects.filter(listing__project_id__in=project_ids).values_list(
            "listing__project_id", "payments_twd", "refunds_twd", "disputes_twd", "raising_entries"
        )
    )
    if not rows:
        return {}
    people = dict(
        _people(Backing.objects.filter(listing__project_id__in=[row[0] for row in rows]))
        .values("listing__project_id")
        .annotate(people=Count(PERSON, distinct=True))
        .values_list("listing__project_id", "people")
    )
    return {
        project_id: Totals(
            raised_twd=payments + refunds + disputes if raising_entries else 0, backers=people.get(project_id, 0)
        )
        for project_id, payments, refunds, disputes, raising_entries in rows
    }


def backers_by_project(project_ids=None):
    """{project page id: backers} for the given projects, or for every project when `project_ids` is None; a project
    without backers is absent. One aggregate query (the backers of `totals_by_project`, without the money raised)."""
    backings = Backing.objects.all()
    if project_ids is not None:
        backings = backings.filter(listing__project_id__in=list(project_ids))
    return dict(
        _people(backings)
        .values("listing__project_id")
        .annotate(people=Count(PERSON, distinct=True))
        .values_list("listing__project_id", "people")
    )


def site_totals():
    """Raised and distinct backers across every project (a person backing two projects counts once). Two queries
    compiled once per process (core.compiled_sql): the home pages' figures read them after every payment."""
    ((payments, refunds, disputes),) = _site_sums.rows()
    ((people,),) = _site_people.rows()
    return Totals(raised_twd=payments + refunds + disputes, backers=people)


@compiled_once
def _site_sums():
    return (
        whole_table(ProjectLedgerTotals.objects)
        .annotate(
            payments=Sum("payments_twd", default=0),
            refunds=Sum("refunds_twd", default=0),
            disputes=Sum("disputes_twd", default=0),
        )
        .values_list("payments", "refunds", "disputes")
    )


@compiled_once
def _site_people():
    return whole_table(_people(Backing.objects)).annotate(people=Count(PERSON, distinct=True)).values_list("people")


def announce_progress(listing):
    """Once the ledger change commits, tell whoever shows the project's totals (payments.live: the open pages, at
    most one message a second per project, read from the committed ledger outside the payment's transaction so
    that the count of people does not hold the year's receipt number and the project's totals row locked)."""
    from payments.live import announce_committed_progress

    if listing is None:  # a purchase: no project page to tell
        return
    # robust: the payment is committed by then; a failed announcement must not turn its answer into an error.
    transaction.on_commit(lambda: announce_committed_progress(listing), robust=True)


def project_totals_moved(project_id):
    """What keeps the project's totals besides its open pages learns they moved (after the commit): the cached
    anonymous pages showing them (the project, its cards, the home figures) and `totals_changed` (search refreshes
    the project's document, debounced)."""
    from cms.page_cache import enabled as page_cache_enabled
    from cms.page_cache import project_money_changed

    if page_cache_enabled():
        project_money_changed([project_id])
    totals_changed([project_id])
