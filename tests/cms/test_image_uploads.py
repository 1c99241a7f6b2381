"""Every image enters through one set of limits (#17.3): the project wizard's photo is refused like the Wagtail
admin's uploads (size, pixels, formats JPEG/PNG/WebP/GIF), with the form's message and nothing stored; a stored
image whose renditions cannot be made never makes a page answer 500."""

import io
import os
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from PIL import Image as PILImage

from accounts.models import User
from cms.models import CustomImage, ProjectPage
from marketplace import actions
from marketplace.models import ProjectDraft
from tests.helpers import with_mfa

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def picture(fmt, size=(40, 30), mode="RGB"):
    buffer = io.BytesIO()
    PILImage.new(mode, size, "white" if mode == "1" else (10, 120, 60)).save(buffer, fmt)
    return buffer.getvalue()


def stored_originals():
    folder = Path(settings.MEDIA_ROOT) / "original_images"
    return sorted(folder.iterdir()) if folder.exists() else []


@pytest.fixture
def draft(profile, alice):
    draft = actions.start_project_draft(alice, profile.organisation)
    actions.save_draft_step(alice, draft, "basics", title="智慧魚塭", summary="省水")
    return draft


def post_photo(client, draft, name, content, content_type="image/png"):
    return client.post(
        reverse("marketplace:draft_step", kwargs={"pk": draft.pk, "step": "story"}),
        {"story": "故事", "image": SimpleUploadedFile(name, content, content_type), "image_description": "魚塭"},
    )


def assert_refused(response, code, before):
    assert response.status_code == 400, "the step is shown again, with the reason"
    errors = response.context["form"].errors.as_data()["image"]
    assert code in {error.code for error in errors}, errors
    for error in errors:  # the reason is shown to the person
        message = error.message % error.params if error.params else error.message
        assert str(message) in response.content.decode()
    assert CustomImage.objects.count() == 0
    assert stored_originals() == before, "nothing is stored"


def test_a_good_photo_is_stored(client, alice, draft):
    client.force_login(alice)
    response = post_photo(client, draft, "pond.webp", picture("WEBP"), "image/webp")
    assert response.status_code == 302, response.context and response.context["form"].errors
    draft.refresh_from_db()
    assert draft.image.description == "魚塭"


@pytest.mark.parametrize(
    ("name", "fmt", "content_type", "code"),
    [
        ("pond.tif", "TIFF", "image/tiff", "invalid_image_extension"),
        ("pond.bmp", "BMP", "image/bmp", "invalid_image_extension"),
        ("pond.ico", "ICO", "image/x-icon", "invalid_image_extension"),
        ("pond.pcx", "PCX", "image/x-pcx", "invalid_image"),  # not even read: refused as no image
        ("pond.png", "TIFF", "image/png", "invalid_image_known_format"),  # a TIFF named .png
    ],
)
def test_other_formats_are_refused_with_the_reason(client, alice, draft, name, fmt, content_type, code):
    client.force_login(alice)
    assert_refused(post_photo(client, draft, name, picture(fmt), content_type), code, stored_originals())


@override_settings(WAGTAILIMAGES_MAX_UPLOAD_SIZE=2_000)
def test_a_photo_over_the_size_limit_is_refused(client, alice, draft):
    client.force_login(alice)
    noisy = PILImage.frombytes("RGB", (100, 100), os.urandom(100 * 100 * 3))
    buffer = io.BytesIO()
    noisy.save(buffer, "PNG")
    assert_refused(post_photo(client, draft, "big.png", buffer.getvalue()), "file_too_large", stored_originals())


def test_a_photo_with_too_many_pixels_is_refused(client, alice, draft):
    # 8,000 × 6,000 = 48 million pixels, over the 40 million limit, in a small file.
    client.force_login(alice)
    huge = picture("PNG", size=(8_000, 6_000), mode="1")
    assert_refused(post_photo(client, draft, "huge.png", huge), "file_too_many_pixels", stored_originals())


def test_a_truncated_photo_is_refused_with_the_reason_and_the_story_kept(client, alice, draft):
    """An upload cut short: the image library's OSError went through Wagtail's pixel check, a 500."""
    client.force_login(alice)
    before = stored_originals()
    whole = picture("JPEG", size=(400, 300))
    response = post_photo(client, draft, "pond.jpg", whole[: len(whole) // 2], "image/jpeg")
    assert_refused(response, "broken_image", before)
    assert "故事" in response.content.decode(), "what the person typed is kept"


@pytest.mark.parametrize(
    ("name", "content", "code", "words"),
    [
        ("pond.png", picture("TIFF"), "invalid_image_known_format", "不是真正的 .png 圖片"),
        # 20,000 × 20,000 of one colour: Pillow's decompression-bomb guard stops it before the pixels are counted.
        ("bomb.png", picture("PNG", size=(20_000, 20_000), mode="1"), "file_too_many_pixels", "像素太多"),
    ],
)
def test_refused_photos_are_explained_in_the_readers_language(client, alice, draft, name, content, code, words):
    """Wagtail's catalogs leave these messages in English for Chinese readers (and a bomb's said "unknown number")."""
    client.force_login(alice)
    response = post_photo(client, draft, name, content)
    assert_refused(response, code, stored_originals())
    page = response.content.decode()
    assert words in page
    assert "pixels" not in page and "extension" not in page and "unknown number" not in page
    if code == "file_too_many_pixels":
        assert "40,000,000" in page, "the limit is written as people write numbers"


def test_the_action_refuses_what_the_form_would(alice, draft):
    before = stored_originals()
    with pytest.raises(ValidationError):
        actions.save_story_step(
            alice, draft, story="故事", image=SimpleUploadedFile("pond.tif", picture("TIFF"), "image/tiff")
        )
    assert CustomImage.objects.count() == 0 and stored_originals() == before
    assert ProjectDraft.objects.get(pk=draft.pk).story == ""


def stored_tiff():
    """An image stored before the limits (or by a script around them): a TIFF the renditions cannot convert."""
    return CustomImage.objects.create(
        title="舊照片", description="魚塭", file=ImageFile(io.BytesIO(picture("TIFF")), name="old.tif")
    )


def broken_image():
    image = CustomImage.objects.create(
        title="壞掉", description="魚塭", file=ImageFile(io.BytesIO(picture("PNG")), name="broken.png")
    )
    with image.file.storage.open(image.file.name, "wb") as file:  # the file changed behind the library's back
        file.write(b"not a picture any more")
    return image


@pytest.mark.parametrize("make", [stored_tiff, broken_image])
def test_pages_with_an_image_that_cannot_be_rendered_still_answer(client, listing, make):
    image = make()
    project = ProjectPage.objects.get(pk=listing.project_id)
    project.hero_image = image
    project.save_revision().publish()
    township_page = project.get_parent().specific
    township_page.hero_image = image
    township_page.save_revision().publish()

    for url in (project.url, township_page.url):
        response = client.get(url)
        assert response.status_code == 200, url

    staff = with_mfa(User.objects.create_superuser("staff@homeward.test", "a-long-password-4"))
    client.force_login(staff)
    assert client.get(reverse("wagtailimages:index")).status_code == 200
    assert client.get(reverse("wagtailimages:edit", args=[image.pk])).status_code == 200


def photo_with_position(fmt="JPEG", size=(40, 30), orientation=None):
    """A photo as a phone takes it: EXIF with the GPS position (口湖, 23.58 N 120.17 E) and the camera."""
    exif = PILImage.Exif()
    exif[0x8825] = {1: "N", 2: (23.0, 34.0, 48.0), 3: "E", 4: (120.0, 10.0, 12.0)}  # GPSInfo
    exif[0x010F] = "Phone"
    if orientation:
        exif[0x0112] = orientation
    buffer = io.BytesIO()
    PILImage.new("RGB", size, (10, 120, 60)).save(buffer, fmt, exif=exif)
    return buffer.getvalue()


def position_of(content):
    return PILImage.open(io.BytesIO(content)).getexif().get_ifd(0x8825)


@pytest.mark.parametrize(
    ("name", "fmt", "content_type"),
    [("p.jpg", "JPEG", "image/jpeg"), ("p.webp", "WEBP", "image/webp"), ("p.png", "PNG", "image/png")],
)
def test_a_published_photo_does_not_tell_where_it_was_taken(client, alice, draft, name, fmt, content_type):
    content = photo_with_position(fmt, orientation=6)  # taken upright: the camera stored it turned
    assert position_of(content)
    client.force_login(alice)
    assert post_photo(client, draft, name, content, content_type).status_code == 302
    image = CustomImage.objects.get()
    with image.open_file() as handle:
        stored = handle.read()
    assert not position_of(stored) and not PILImage.open(io.BytesIO(stored)).getexif()
    assert (image.width, image.height) == (30, 40), "the picture stays upright"
    assert image.file_size == len(stored)
    with image.get_rendition("fill-20x20").file.open() as handle:
        assert not position_of(handle.read()), "nor does any rendition"


def test_an_image_stored_by_a_script_loses_its_position_too(db):
    image = CustomImage.objects.create(
        title="魚塭", description="魚塭", file=ImageFile(io.BytesIO(photo_with_position()), name="pond.jpg")
    )
    with image.open_file() as handle:
        assert not position_of(handle.read())


def test_images_stored_before_uploads_were_cleaned_are_cleaned_by_the_command(db):
    from io import StringIO

    from django.core.files.base import ContentFile
    from django.core.management import call_command

    image = CustomImage.objects.create(
        title="魚塭", description="魚塭", file=ImageFile(io.BytesIO(picture("JPEG")), name="old-pond.jpg")
    )
    name = image.file.name
    # As it was stored before: the phone's photo with its position, and a rendition made from it.
    image.file.storage.delete(name)
    image.file.storage.save(name, ContentFile(photo_with_position()))
    with image.get_rendition("fill-20x20").file.open() as handle:
        assert position_of(handle.read())
    clean = CustomImage.objects.create(
        title="清", description="清", file=ImageFile(io.BytesIO(picture("PNG")), name="clean.png")
    )
    clean_bytes = clean.file.storage.open(clean.file.name).read()
    output = StringIO()

    call_command("strip_image_metadata", stdout=output)

    image.refresh_from_db()
    with image.file.storage.open(image.file.name) as handle:
        stored = handle.read()
    assert image.file.name == name, "the original keeps its address, with the clean bytes behind it"
    assert not position_of(stored) and image.file_size == len(stored)
    with image.get_rendition("fill-20x20").file.open() as handle:
        assert not position_of(handle.read()), "its renditions are made again from the clean original"
    assert clean.file.storage.open(clean.file.name).read() == clean_bytes, "an image without any is left alone"
    assert "1 of 2 images cleaned" in output.getvalue()


def cmyk_photo(orientation=None, icc_profile=None):
    """A print shop's JPEG: CMYK, red (no cyan, full magenta and yellow), 40×30."""
    exif = PILImage.Exif()
    if orientation:
        exif[0x0112] = orientation
    options = {"exif": exif} if orientation else {}
    if icc_profile:
        options["icc_profile"] = icc_profile
    buffer = io.BytesIO()
    PILImage.new("CMYK", (40, 30), (0, 255, 255, 0)).save(buffer, "JPEG", quality=95, **options)
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "size"),
    [
        (cmyk_photo(), (40, 30)),
        (cmyk_photo(orientation=6), (30, 40)),  # taken upright: it stays upright
        (cmyk_photo(icc_profile=b"not a profile"), (40, 30)),  # an unreadable profile: the plain conversion
    ],
)
def test_a_cmyk_photo_is_stored_and_rendered_in_rgb(client, alice, draft, content, size):
    assert PILImage.open(io.BytesIO(content)).mode == "CMYK"
    client.force_login(alice)

    assert post_photo(client, draft, "flyer.jpg", content, "image/jpeg").status_code == 302

    image = CustomImage.objects.get()
    with image.open_file() as handle:
        stored = PILImage.open(io.BytesIO(handle.read()))
        stored.load()
    assert (stored.format, stored.mode) == ("JPEG", "RGB")
    assert "icc_profile" not in stored.info, "no CMYK profile left on RGB data"
    assert (image.width, image.height) == size
    red, green, blue = stored.getpixel((5, 5))
    assert red > 200 and green < 60 and blue < 60, "red stays red"
    with image.get_rendition("fill-20x20").file.open() as handle:
        assert PILImage.open(io.BytesIO(handle.read())).mode == "RGB", "and so is every rendition"
