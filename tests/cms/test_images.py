"""Image uploads through the Wagtail admin: what is refused says why, and nothing partial is stored."""

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image as PILImage

from accounts.models import User
from cms.models import CustomImage
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


@pytest.fixture
def editor_client(client):
    editor = with_mfa(User.objects.create_superuser("editor@homeward.test", "a-long-password-4"))
    client.force_login(editor)
    return client


def png_bytes(size, mode="RGB"):
    buffer = io.BytesIO()
    PILImage.new(mode, size).save(buffer, "PNG")
    return buffer.getvalue()


def stored_originals():
    folder = Path(settings.MEDIA_ROOT) / "original_images"
    return sorted(folder.iterdir()) if folder.exists() else []


def upload(client, name, content, content_type="image/png", description="梯田與茶園"):
    return client.post(
        reverse("wagtailimages:add"),
        {"title": "測試", "description": description, "file": SimpleUploadedFile(name, content, content_type)},
    )


def assert_refused(response, code, before):
    assert response.status_code == 200, "the form is shown again"
    errors = response.context["form"].errors.as_data()
    codes = {error.code for field_errors in errors.values() for error in field_errors}
    assert code in codes, errors
    for field_errors in errors.values():  # the reason is shown to the editor
        for error in field_errors:
            message = error.message % error.params if error.params else error.message
            assert str(message) in response.content.decode()
    assert CustomImage.objects.count() == 0
    assert stored_originals() == before, "nothing partial is stored"


def test_a_good_image_with_alt_text_is_stored(editor_client):
    response = upload(editor_client, "tea.png", png_bytes((120, 80)))
    assert response.status_code == 302
    image = CustomImage.objects.get()
    assert image.description == "梯田與茶園" and image.default_alt_text == "梯田與茶園"
    rendition = image.get_rendition("fill-60x40|format-webp")
    assert rendition.url.endswith(".webp") and rendition.alt == "梯田與茶園"


def test_alt_text_is_required(editor_client):
    assert_refused(
        upload(editor_client, "tea.png", png_bytes((120, 80)), description=""), "required", stored_originals()
    )


def test_svg_is_refused(editor_client):
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"><script>alert(1)</script></svg>'
    response = upload(editor_client, "logo.svg", svg, "image/svg+xml")
    assert_refused(response, "invalid_image_extension", stored_originals())


def test_a_truncated_image_is_refused(editor_client):
    """An upload cut short: the image library's OSError went through Wagtail's pixel check, a 500."""
    buffer = io.BytesIO()
    PILImage.new("RGB", (400, 300), (10, 120, 60)).save(buffer, "JPEG")
    whole = buffer.getvalue()
    response = upload(editor_client, "pond.jpg", whole[: len(whole) // 2], "image/jpeg")
    assert_refused(response, "broken_image", stored_originals())


def test_a_non_image_is_refused(editor_client):
    response = upload(editor_client, "notes.png", b"this is not a picture at all", "image/png")
    assert_refused(response, "invalid_image", stored_originals())


@override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=2_000)
def test_a_file_over_the_size_limit_is_refused(editor_client):
    noisy = PILImage.frombytes("RGB", (100, 100), os.urandom(100 * 100 * 3))
    buffer = io.BytesIO()
    noisy.save(buffer, "PNG")
    payload = buffer.getvalue()
    assert len(payload) > 2_000
    assert_refused(upload(editor_client, "big.png", payload), "file_too_large", stored_originals())


def test_too_many_pixels_is_refused(editor_client):
    # 8,000 × 6,000 = 48 million pixels, over the 40 million limit, yet a small file.
    assert_refused(
        upload(editor_client, "huge.png", png_bytes((8_000, 6_000), mode="1")),
        "file_too_many_pixels",
        stored_originals(),
    )


def test_a_decompression_bomb_is_refused(editor_client):
    # Over twice Pillow's MAX_IMAGE_PIXELS: Pillow itself raises DecompressionBombError.
    side = int((PILImage.MAX_IMAGE_PIXELS * 2) ** 0.5) + 100
    assert_refused(
        upload(editor_client, "bomb.png", png_bytes((side, side), mode="1")),
        "file_too_many_pixels",
        stored_originals(),
    )


@pytest.mark.redis
def test_a_prefetched_rendition_is_not_written_to_the_cache_again_and_a_looked_up_one_is(editor_client):
    from django.core.cache import cache
    from wagtail.images.models import Filter

    from cms.models import CustomRendition
    from cms.models.pages import CARD_IMAGE_SPEC, card_images

    upload(editor_client, "tea.png", png_bytes((800, 600)))
    image = CustomImage.objects.get()
    made = image.get_rendition(CARD_IMAGE_SPEC)
    key = CustomRendition.construct_cache_key(image, Filter(CARD_IMAGE_SPEC).get_cache_key(image), CARD_IMAGE_SPEC)
    assert cache.get(key).pk == made.pk, "a rendition made (or read from the database) is kept for the next reader"

    cache.delete(key)
    prefetched = card_images().get(pk=image.pk)
    assert prefetched.get_rendition(CARD_IMAGE_SPEC).pk == made.pk
    assert cache.get(key) is None, "one taken from the prefetched list is not sent to the cache again"

    again = CustomImage.objects.get(pk=image.pk).get_rendition(CARD_IMAGE_SPEC)
    assert again.pk == made.pk and cache.get(key).pk == made.pk
    assert image.get_rendition(Filter(CARD_IMAGE_SPEC)).pk == made.pk, "a Filter as well as its spec"
