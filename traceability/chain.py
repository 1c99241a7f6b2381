"""The hash chain of a batch: what an entry's hash covers, and the check that recomputes a whole chain.

    content_hash = SHA-256( canonical_json(entry_content(entry)) )
    entry_hash   = SHA-256( previous_hash + content_hash )        (both as 64 lowercase hex characters, ASCII)

The first entry's previous_hash is GENESIS (64 zeros). `canonical_json` is JSON with sorted keys, no spaces,
UTF-8 (non-ASCII characters as they are), and only strings, integers, lists, objects and null: the same bytes
in every language that writes JSON this way. Times are UTC, "YYYY-MM-DDTHH:MM:SSZ" (whole seconds). The
README of this app shows the same computation in a dozen lines of plain Python, for anyone to re-check a
batch from its public JSON (views.public.batch_json).
"""

import hashlib
import json
from dataclasses import dataclass, field
from datetime import UTC

GENESIS = "0" * 64
CONTENT_FORMAT = "homeward-trace-entry/1"


def canonical_json(value):
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def sha256_hex(data):
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


def utc_text(moment):
    """A time as the chain writes it; text already in that form (queries.chain_rows reads it so from the database,
    loading 20,000 timestamps into Python cost more than hashing the whole chain) is taken as it is."""
    if isinstance(moment, str):
        return moment
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def entry_content(
    *,
    batch_code,
    sequence,
    kind,
    occurred_at,
    township_code,
    place_detail,
    performed_by,
    description,
    details,
    corrects_sequence,
    correction_reason,
    recorded_at,
    attachments,
):
    """The dictionary an entry's content hash is computed from (`attachments`: [(kind, sha256)] in upload order)."""
    return {
        "format": CONTENT_FORMAT,
        "batch": batch_code,
        "sequence": sequence,
        "kind": kind,
        "occurred_at": utc_text(occurred_at),
        "township": township_code,
        "place": place_detail,
        "who": performed_by,
        "description": description,
        "details": {str(key): str(value) for key, value in sorted(details.items())},
        "corrects": corrects_sequence,
        "correction_reason": correction_reason,
        "recorded_at": utc_text(recorded_at),
        "attachments": [{"kind": kind_, "sha256": digest} for kind_, digest in attachments],
    }


def content_hash(content):
    return sha256_hex(canonical_json(content))


def link_hash(previous_hash, content_hash_):
    return sha256_hex(previous_hash + content_hash_)


@dataclass
class EntryProblem:
    sequence: int
    reason: str  # a code: content, previous, link, sequence, file


@dataclass
class ChainReport:
    """What recomputing a chain found: `intact` only when every entry's hashes match and the links are unbroken."""

    entries: int = 0
    head_hash: str = GENESIS
    problems: list = field(default_factory=list)
    files_checked: int = 0
    heads: list = field(default_factory=list)  # entry_hash after each entry (heads[n-1]: the head after n entries)

    @property
    def intact(self):
        return not self.problems

    @property
    def first_problem(self):
        return self.problems[0] if self.problems else None


def verify_rows(rows):
    """Recompute a chain from its rows in sequence order.

    Each row is a dict with "sequence", "content" (entry_content's dictionary as rebuilt from the stored
    columns), "content_hash", "previous_hash" and "entry_hash" as stored. Each entry is checked on its own: its
    content gives its stored content hash, its stored hashes give its entry hash, and it links to the entry
    before it; so one changed entry is reported once, where it changed. `heads` and `head_hash` are recomputed
    from the contents alone: they are what a digest is compared with (a chain rewritten consistently from some
    entry on passes the checks above, and only a digest published before the rewrite shows it).
    """
    report = ChainReport()
    previous_stored = GENESIS
    head = GENESIS
    for expected_sequence, row in enumerate(rows, start=1):
        sequence = row["sequence"]
        if sequence != expected_sequence:
            report.problems.append(EntryProblem(sequence, "sequence"))
        recomputed = content_hash(row["content"])
        if recomputed != row["content_hash"]:
            report.problems.append(EntryProblem(sequence, "content"))
        if row["previous_hash"] != previous_stored:
            report.problems.append(EntryProblem(sequence, "previous"))
        if row["entry_hash"] != link_hash(row["previous_hash"], row["content_hash"]):
            report.problems.append(EntryProblem(sequence, "link"))
        previous_stored = row["entry_hash"]
        head = link_hash(head, recomputed)
        report.heads.append(head)
        report.entries += 1
    report.head_hash = head
    return report
