"""The platform's Ed25519 key that signs the daily digests, and the check of a signature.

TRACE_SIGNING_KEY is the base64 of the 32-byte private key (seed). `manage.py trace_signing_key` makes a new
one. `make run` (config.settings.dev) has a fixed development key that production refuses; production has no
default. The public key is published at /trace/public-key.pem and on the "How traceability works" page;
keys used before a rotation stay listed in TRACE_PREVIOUS_PUBLIC_KEYS so old digests still verify.
"""

import base64
import binascii
import hashlib
from functools import cache

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ALGORITHM = "Ed25519"


def new_private_key_text():
    """A new key for TRACE_SIGNING_KEY (base64 of 32 random bytes)."""
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(
        encoding=serialization.Encoding.Raw,
        format=serialization.PrivateFormat.Raw,
        encryption_algorithm=serialization.NoEncryption(),
    )
    return base64.b64encode(raw).decode("ascii")


def private_key_from_text(text):
    """The key of TRACE_SIGNING_KEY's text; ValueError with the reason when it is not one."""
    try:
        raw = base64.b64decode((text or "").strip(), validate=True)
    except (binascii.Error, ValueError):
        raise ValueError("TRACE_SIGNING_KEY is not base64 (make one with `manage.py trace_signing_key`).") from None
    if len(raw) != 32:
        raise ValueError(
            "TRACE_SIGNING_KEY must be the base64 of 32 bytes (make one with `manage.py trace_signing_key`)."
        )
    return Ed25519PrivateKey.from_private_bytes(raw)


@cache
def _private_key(text):
    if not text:
        raise ImproperlyConfigured("TRACE_SIGNING_KEY is not set: digests cannot be signed.")
    try:
        return private_key_from_text(text)
    except ValueError as error:
        raise ImproperlyConfigured(str(error)) from None


def private_key():
    return _private_key(settings.TRACE_SIGNING_KEY)


def raw_public_key(public_key):
    return public_key.public_bytes(encoding=serialization.Encoding.Raw, format=serialization.PublicFormat.Raw)


def public_key():
    return private_key().public_key()


def public_key_base64(key=None):
    return base64.b64encode(raw_public_key(key or public_key())).decode("ascii")


def public_key_pem(key=None):
    return (
        (key or public_key())
        .public_bytes(encoding=serialization.Encoding.PEM, format=serialization.PublicFormat.SubjectPublicKeyInfo)
        .decode("ascii")
    )


def key_id(key=None):
    """The first 16 hex characters of the SHA-256 of the raw public key: how a digest names its key."""
    return hashlib.sha256(raw_public_key(key or public_key())).hexdigest()[:16]


def sign(payload_bytes):
    return base64.b64encode(private_key().sign(payload_bytes)).decode("ascii")


def known_public_keys():
    """{key id: public key} of the current key and the keys it replaced."""
    keys = {key_id(): public_key()}
    for text in getattr(settings, "TRACE_PREVIOUS_PUBLIC_KEYS", []):
        try:
            key = Ed25519PublicKey.from_public_bytes(base64.b64decode(text.strip(), validate=True))
        except (binascii.Error, ValueError):
            continue
        keys[key_id(key)] = key
    return keys


def verify(payload_bytes, signature_text, key):
    """True when `signature_text` (base64) is `key`'s signature of `payload_bytes`."""
    try:
        signature = base64.b64decode(signature_text, validate=True)
        key.verify(signature, payload_bytes)
    except (InvalidSignature, binascii.Error, ValueError, TypeError):
        return False
    return True
