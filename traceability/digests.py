"""The daily digest: every batch's chain head at the end of a Taiwan day, signed with the platform's Ed25519 key.

The payload (canonical JSON, chain.canonical_json) is

    {"format": "homeward-trace-digest/1", "day": "2026-03-01", "cutoff": "2026-03-01T16:00:00Z",
     "previous": "<SHA-256 of the previous digest's payload, or null for the first>",
     "chains": [["<batch code>", <entries>, "<head hash>"], …],   (every public batch with entries, by code)
     "root": "<SHA-256 of the lines code:entries:head, one per chain, each ending with a newline>"}

and the published file adds the signature over the payload's UTF-8 bytes, the key id and the public key. Each
digest names the one before it, so the digests form a chain too: removing or rewriting one breaks the next.

Someone who kept a digest can later check that a batch's first n entries still hash to the head the digest
recorded; if the platform rewrote history after that day, the recomputed head differs. See README.md for what
this proves and what it does not.

Only public batches (queries.public_batches: published by their team, on a live public project) are listed: the
digest is public, and the code of a batch its team has not published, or of a project taken offline, is not.
"""

import datetime
import json
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.db.models import Min, Q
from django.utils import timezone

from core.audit import Action, log
from traceability import chain, signing
from traceability.models import Digest, Entry
from traceability.queries import public_batches
from traceability.storage import TAIWAN

DIGEST_FORMAT = "homeward-trace-digest/1"


def day_cutoff(day):
    """The instant a Taiwan day ends (the next midnight in Taipei), in UTC."""
    return datetime.datetime(day.year, day.month, day.day, tzinfo=TAIWAN) + datetime.timedelta(days=1)


def chain_heads(cutoff):
    """[(code, entries, head hash)] of every public batch with entries recorded before `cutoff`, by code.

    Three queries whatever the number of entries: each batch's head as kept with its last append, then, for the
    few batches that got entries after the cutoff (the digest is made a few minutes after midnight), the entry
    before the first late one. Appends are serialised per batch, so recorded_at grows with the sequence.
    """
    public = public_batches().filter(entry_count__gt=0)
    heads = {code: (count, head) for code, count, head in public.values_list("code", "entry_count", "head_hash")}
    late = dict(
        Entry.objects.filter(recorded_at__gte=cutoff, batch__in=public.values("pk"))
        .values("batch__code")
        .annotate(first=Min("sequence"))
        .values_list("batch__code", "first")
        .order_by()
    )
    if late:
        for code in late:
            heads.pop(code, None)
        wanted = Q()
        for code, first in late.items():
            if first > 1:
                wanted |= Q(batch__code=code, sequence=first - 1)
        if wanted:
            for code, sequence, entry_hash in Entry.objects.filter(wanted).values_list(
                "batch__code", "sequence", "entry_hash"
            ):
                heads[code] = (sequence, entry_hash)
    return [[code, count, head] for code, (count, head) in sorted(heads.items())]


def root_of(chains):
    return chain.sha256_hex("".join(f"{code}:{count}:{head}\n" for code, count, head in chains))


def build_payload(day, previous_payload=None):
    cutoff = day_cutoff(day)
    chains = chain_heads(cutoff)
    return {
        "format": DIGEST_FORMAT,
        "day": day.isoformat(),
        "cutoff": chain.utc_text(cutoff),
        "previous": chain.sha256_hex(previous_payload) if previous_payload else None,
        "chains": chains,
        "root": root_of(chains),
    }


def publish_digest(day=None):
    """Sign and store the digest of `day` (default: yesterday in Taiwan). Safe to repeat: an existing day is kept.

    Returns (digest, created)."""
    day = day or (timezone.now().astimezone(TAIWAN).date() - datetime.timedelta(days=1))
    if timezone.now() < day_cutoff(day):
        raise ValueError(f"the day {day} has not ended in Taiwan yet")
    existing = Digest.objects.filter(day=day).first()
    if existing is not None:
        return existing, False
    previous = Digest.objects.filter(day__lt=day).order_by("-day").first()
    payload = build_payload(day, previous.payload if previous else None)
    text = chain.canonical_json(payload)
    try:
        with transaction.atomic():
            digest = Digest.objects.create(
                day=day,
                payload=text,
                payload_sha256=chain.sha256_hex(text),
                signature=signing.sign(text.encode("utf-8")),
                key_id=signing.key_id(),
                chains=len(payload["chains"]),
                entries=sum(count for _code, count, _head in payload["chains"]),
            )
            log(Action.TRACE_DIGEST_PUBLISH, day=day.isoformat(), chains=digest.chains, root=payload["root"])
    except IntegrityError:  # another scheduler published the same day a moment ago
        return Digest.objects.get(day=day), False
    return digest, True


def published_document(digest):
    """The JSON file anyone may keep: the payload, its signature and the key that signed it."""
    return {
        "payload": json.loads(digest.payload),
        "payload_sha256": digest.payload_sha256,
        "signature": digest.signature,
        "algorithm": signing.ALGORITHM,
        "key_id": digest.key_id,
        "public_key": signing.public_key_base64(signing.known_public_keys().get(digest.key_id)),
    }


@dataclass
class DigestCheck:
    """What checking a kept digest file found."""

    valid_signature: bool
    day: str = ""
    key_id: str = ""
    problem: str = ""  # a code when the file itself is unusable
    chains: list | None = None  # the payload's chains


def check_digest_document(document):
    """Check a digest file someone kept: its signature over the canonical payload, by a key of this platform."""
    if not isinstance(document, dict) or not isinstance(document.get("payload"), dict):
        return DigestCheck(False, problem="not_a_digest")
    payload = document["payload"]
    if payload.get("format") != DIGEST_FORMAT or not isinstance(payload.get("chains"), list):
        return DigestCheck(False, problem="not_a_digest")
    key = signing.known_public_keys().get(str(document.get("key_id", "")))
    if key is None:
        return DigestCheck(False, day=str(payload.get("day", "")), problem="unknown_key")
    text = chain.canonical_json(payload)
    valid = signing.verify(text.encode("utf-8"), str(document.get("signature", "")), key)
    return DigestCheck(
        valid_signature=valid,
        day=str(payload.get("day", "")),
        key_id=str(document.get("key_id")),
        problem="" if valid else "bad_signature",
        chains=payload["chains"] if valid else None,
    )
