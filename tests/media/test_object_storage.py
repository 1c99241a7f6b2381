"""Uploads on a real S3-compatible server (MinIO from scripts/services): pictures and renditions public, documents
private behind signed, expiring URLs, files gone from the bucket when their owner's account is erased."""

import io
import time
import uuid

import pytest
import requests
from django.core.cache import cache
from django.core.files.base import ContentFile
from django.core.files.images import ImageFile
from django.core.files.storage import storages
from PIL import Image as PILImage

from config.storage import MediaStorage, prepare_bucket

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.postgres, pytest.mark.s3]

SIGNED_URL_SECONDS = 2


@pytest.fixture
def bucket(settings):
    """A bucket of this test's own on MinIO, as the default storage (as production's MEDIA_STORAGE=s3 sets it)."""
    options = {
        **{key: settings.S3_TEST[key] for key in ("endpoint_url", "access_key", "secret_key")},
        "bucket_name": f"{settings.S3_TEST['bucket_name']}-{uuid.uuid4().hex[:8]}",
        "region_name": "us-east-1",
        "addressing_style": "path",
        "signature_version": "s3v4",
        "querystring_auth": True,
        "querystring_expire": SIGNED_URL_SECONDS,
        "default_acl": None,
        "file_overwrite": False,
    }
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": "config.storage.MediaStorage", "OPTIONS": options}}
    settings.WAGTAILDOCS_SERVE_METHOD = "redirect"
    storage = storages["default"]  # built from the new setting (the change emptied Django's storage handler)
    assert isinstance(storage, MediaStorage)
    prepare_bucket(storage)
    cache.clear()  # Wagtail keeps renditions in the cache by image id: ids of an earlier test's images repeat
    yield storage
    client = storage.connection.meta.client
    for item in client.list_objects_v2(Bucket=storage.bucket_name).get("Contents", []):
        client.delete_object(Bucket=storage.bucket_name, Key=item["Key"])
    client.delete_bucket(Bucket=storage.bucket_name)


def keys(storage):
    client = storage.connection.meta.client
    return sorted(item["Key"] for item in client.list_objects_v2(Bucket=storage.bucket_name).get("Contents", []))


def upload_image(user=None, title="稻田"):
    from cms.models import CustomImage

    buffer = io.BytesIO()
    PILImage.new("RGB", (320, 200), (40, 160, 60)).save(buffer, "JPEG")
    return CustomImage.objects.create(
        title=title, description=f"{title} alt", file=ImageFile(buffer, name="field.jpg"), uploaded_by_user=user
    )


def test_a_picture_and_its_rendition_are_stored_in_the_bucket_and_public(bucket):
    image = upload_image()
    rendition = image.get_rendition("fill-100x80")

    assert image.file.name in keys(bucket)
    assert rendition.file.name.startswith("images/") and rendition.file.name in keys(bucket)
    response = requests.get(rendition.url, timeout=10)  # anyone, no signature: pictures are public
    assert response.status_code == 200
    assert "X-Amz-Signature" not in rendition.url
    assert PILImage.open(io.BytesIO(response.content)).size == (100, 80)
    assert requests.get(image.file.url, timeout=10).status_code == 200


def test_a_private_document_is_served_through_a_signed_url_that_expires(bucket, client, django_user_model):
    from wagtail.documents import get_document_model
    from wagtail.models import Collection, CollectionViewRestriction

    root = Collection.get_first_root_node()
    reports = root.add_child(name="Staff reports")
    CollectionViewRestriction.objects.create(collection=reports, restriction_type=CollectionViewRestriction.LOGIN)
    document = get_document_model().objects.create(
        title="2026 impact report", file=ContentFile(b"%PDF-1.4 report", name="impact-2026.pdf"), collection=reports
    )
    assert document.file.name.startswith("documents/")
    plain_url = f"{bucket.endpoint_url}/{bucket.bucket_name}/{document.file.name}"
    assert requests.get(plain_url, timeout=10).status_code == 403  # not public in the bucket

    anonymous = client.get(document.url)
    assert anonymous.status_code == 302 and "X-Amz-Signature" not in anonymous["Location"]  # sent to sign in

    client.force_login(django_user_model.objects.create_user(email="reader@homeward.test", password="x"))
    response = client.get(document.url)
    assert response.status_code == 302
    signed_url = response["Location"]
    assert "X-Amz-Signature" in signed_url and "X-Amz-Expires=2" in signed_url
    fetched = requests.get(signed_url, timeout=10)
    assert fetched.status_code == 200 and fetched.content == b"%PDF-1.4 report"

    time.sleep(SIGNED_URL_SECONDS + 1.5)
    assert requests.get(signed_url, timeout=10).status_code == 403  # expired


def test_erasing_an_account_deletes_its_unused_uploads_from_the_bucket(bucket, django_user_model, home_pages):
    from accounts.actions import delete_account
    from cms.models import HomePage, StandardPage

    person = django_user_model.objects.create_user(email="leaving@homeward.test", password="x")
    unused = upload_image(person, title="unused")
    unused.get_rendition("fill-50x50")
    shown = upload_image(person, title="shown")
    home = HomePage.objects.first()
    page = StandardPage(title="故事", slug="story", body=[("image", {"image": shown, "caption": "", "credit": ""})])
    home.add_child(instance=page)
    page.save_revision().publish()
    before = keys(bucket)
    assert len(before) == 3  # two originals and a rendition

    delete_account(person)

    after = keys(bucket)
    assert after == [shown.file.name]
    shown.refresh_from_db()
    assert shown.uploaded_by_user is None
