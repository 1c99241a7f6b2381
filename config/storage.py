"""Uploads on S3-compatible object storage (MEDIA_STORAGE=s3): pictures public, everything else private.

One bucket. Wagtail's pictures (``original_images/``, ``images/`` renditions) are public: the bucket policy lets
anyone read those two prefixes, and their URLs are plain, so browsers and caches keep them. Every other object
(documents such as staff reports and receipts, ``private/``) is private: its URL is signed and expires after
``MEDIA_SIGNED_URL_SECONDS``; Wagtail checks a document's privacy before it redirects there.

The app reaches the store at ``AWS_S3_ENDPOINT_URL`` (e.g. http://minio:9000 inside the compose network); browsers
get URLs for ``MEDIA_PUBLIC_ENDPOINT_URL`` (e.g. https://media.example.org, proxied to the store with its Host
header kept), which is what the signatures are computed for. Both default to the same address.
"""

import json

from django.utils.encoding import filepath_to_uri
from storages.backends.s3 import S3Storage
from storages.utils import clean_name

from config.env import env_int, env_str

PUBLIC_PREFIXES = ("original_images/", "images/")


def s3_storage_options():
    """The storage's options, read from the environment (no defaults for the bucket and keys)."""
    endpoint = env_str("AWS_S3_ENDPOINT_URL", "") or None
    return {
        "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
        "access_key": env_str("AWS_ACCESS_KEY_ID"),
        "secret_key": env_str("AWS_SECRET_ACCESS_KEY"),
        "endpoint_url": endpoint,
        "region_name": env_str("AWS_S3_REGION_NAME", "us-east-1"),
        "addressing_style": env_str("AWS_S3_ADDRESSING_STYLE", "path"),
        "signature_version": "s3v4",
        "querystring_auth": True,
        "querystring_expire": env_int("MEDIA_SIGNED_URL_SECONDS", 300, minimum=1),
        "default_acl": None,
        "file_overwrite": False,
        "public_endpoint_url": env_str("MEDIA_PUBLIC_ENDPOINT_URL", "") or endpoint,
    }


class MediaStorage(S3Storage):
    def __init__(self, public_endpoint_url=None, **settings):
        self.public_endpoint_url = public_endpoint_url
        super().__init__(**settings)
        self._signing_client = None

    @staticmethod
    def is_public(name):
        return name.startswith(PUBLIC_PREFIXES)

    def _presigning_client(self):
        """A client for the address browsers use: presigning is computed locally, so it never connects."""
        if self._signing_client is None:
            if not self.public_endpoint_url or self.public_endpoint_url == self.endpoint_url:
                # The app and the browsers use the same address: the storage's own client signs.
                self._signing_client = self.connection.meta.client
            else:
                import boto3
                from botocore.config import Config

                self._signing_client = boto3.session.Session().client(
                    "s3",
                    endpoint_url=self.public_endpoint_url,
                    aws_access_key_id=self.access_key,
                    aws_secret_access_key=self.secret_key,
                    region_name=self.region_name,
                    config=Config(
                        signature_version=self.signature_version, s3={"addressing_style": self.addressing_style}
                    ),
                )
        return self._signing_client

    def url(self, name, parameters=None, expire=None, http_method=None):
        key = self._normalize_name(clean_name(name))
        if self.is_public(name):
            endpoint = self.public_endpoint_url or self.endpoint_url
            if endpoint:  # MinIO and other S3-compatible stores, or a proxy/CDN in front: path-style addresses
                return f"{endpoint.rstrip('/')}/{self.bucket_name}/{filepath_to_uri(key)}"
            return f"https://{self.bucket_name}.s3.{self.region_name}.amazonaws.com/{filepath_to_uri(key)}"
        params = dict(parameters or {}, Bucket=self.bucket_name, Key=key)
        return self._presigning_client().generate_presigned_url(
            "get_object", Params=params, ExpiresIn=expire or self.querystring_expire, HttpMethod=http_method
        )


def public_read_policy(bucket_name):
    """The bucket policy that makes the picture prefixes readable by anyone (and nothing else)."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Effect": "Allow",
                    "Principal": {"AWS": ["*"]},
                    "Action": ["s3:GetObject"],
                    "Resource": [f"arn:aws:s3:::{bucket_name}/{prefix}*" for prefix in PUBLIC_PREFIXES],
                }
            ],
        }
    )


def prepare_bucket(storage):
    """Create the bucket if missing and apply the public-pictures policy (manage.py prepare_media_bucket)."""
    client = storage.connection.meta.client
    existing = {bucket["Name"] for bucket in client.list_buckets().get("Buckets", [])}
    if storage.bucket_name not in existing:
        client.create_bucket(Bucket=storage.bucket_name)
    client.put_bucket_policy(Bucket=storage.bucket_name, Policy=public_read_policy(storage.bucket_name))
