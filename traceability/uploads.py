"""Photos and documents of batch entries: checked before anything is stored, then hashed as stored.

A photo must be a JPEG, PNG or WebP picture within TRACE_PHOTO_MAX_BYTES and WAGTAILIMAGES_MAX_IMAGE_PIXELS. It
is re-encoded without its embedded data (camera, GPS position): what is stored, hashed and published is that
clean file, and a smaller JPEG preview is made for the pages. A document (a lab certificate) must be a PDF, JPEG
or PNG within TRACE_DOCUMENT_MAX_BYTES; it is stored as uploaded (re-encoding a certificate would change the
document the laboratory issued).
"""

import hashlib
import io
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png"), "WEBP": ("image/webp", "webp")}
DOCUMENT_IMAGE_FORMATS = {"JPEG": ("image/jpeg", "jpg"), "PNG": ("image/png", "png")}
PREVIEW_SIZE = (1200, 1200)
SERVED_TYPES = {"image/jpeg", "image/png", "image/webp", "application/pdf"}


@dataclass
class CheckedFile:
    kind: str  # "photo" or "document"
    content: bytes
    content_type: str
    extension: str
    original_name: str
    description: str = ""
    preview: bytes | None = None

    @property
    def sha256(self):
        return hashlib.sha256(self.content).hexdigest()

    def as_content_file(self):
        return ContentFile(self.content, name=f"upload.{self.extension}")

    def preview_file(self):
        return ContentFile(self.preview, name="preview.jpg") if self.preview else None


def _read(upload, limit, too_big_message):
    if upload.size is not None and upload.size > limit:
        raise ValidationError(too_big_message, code="too_big")
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(too_big_message, code="too_big")
    if not content:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": upload.name}, code="empty")
    return content


def _megabytes(limit):
    return f"{limit / (1024 * 1024):.0f}"


def _open_image(content, name, formats):
    try:
        probe = Image.open(io.BytesIO(content))
        probe.verify()  # structure check; the image must be opened again to be used
        image = Image.open(io.BytesIO(content))
    except Image.DecompressionBombError:
        raise ValidationError(
            _("“%(name)s” has more pixels than we accept; send a smaller photo.") % {"name": name},
            code="too_many_pixels",
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("“%(name)s” is not a picture we can read; send a JPEG, PNG or WebP photo.") % {"name": name},
            code="not_image",
        ) from None
    if image.format not in formats:
        raise ValidationError(
            _("“%(name)s” is a %(format)s file; send a JPEG, PNG or WebP photo.")
            % {"name": name, "format": image.format or "?"},
            code="format",
        )
    width, height = image.size
    if width * height > settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS:
        raise ValidationError(
            _("“%(name)s” is %(width)d × %(height)d pixels, more than we accept; send a smaller photo.")
            % {"name": name, "width": width, "height": height},
            code="too_many_pixels",
        )
    return image


def check_photo(upload, description=""):
    """A CheckedFile for an uploaded photo, or ValidationError with the reason."""
    limit = settings.TRACE_PHOTO_MAX_BYTES
    content = _read(
        upload,
        limit,
        _("“%(name)s” is larger than %(size)s MB; send a smaller photo.")
        % {"name": upload.name, "size": _megabytes(limit)},
    )
    image = _open_image(content, upload.name, PHOTO_FORMATS)
    content_type, extension = PHOTO_FORMATS[image.format]
    image = ImageOps.exif_transpose(image)
    try:
        clean = io.BytesIO()
        if extension == "jpg":
            image.convert("RGB").save(clean, "JPEG", quality=90, optimize=True)
        elif extension == "png":
            image.save(clean, "PNG", optimize=True)
        else:
            image.save(clean, "WEBP", quality=90)
        preview = io.BytesIO()
        small = image.convert("RGB")
        small.thumbnail(PREVIEW_SIZE)
        small.save(preview, "JPEG", quality=82, optimize=True)
    except OSError:
        raise ValidationError(
            _("“%(name)s” could not be read to the end; send the photo again.") % {"name": upload.name},
            code="broken",
        ) from None
    return CheckedFile(
        kind="photo",
        content=clean.getvalue(),
        content_type=content_type,
        extension=extension,
        original_name=upload.name[:200],
        description=description,
        preview=preview.getvalue(),
    )


def check_document(upload):
    """A CheckedFile for an uploaded document (PDF, JPEG or PNG), or ValidationError with the reason."""
    limit = settings.TRACE_DOCUMENT_MAX_BYTES
    content = _read(
        upload,
        limit,
        _("“%(name)s” is larger than %(size)s MB; send a smaller file.")
        % {"name": upload.name, "size": _megabytes(limit)},
    )
    if content.startswith(b"%PDF-"):
        return CheckedFile(
            kind="document",
            content=content,
            content_type="application/pdf",
            extension="pdf",
            original_name=upload.name[:200],
        )
    try:
        image = _open_image(content, upload.name, DOCUMENT_IMAGE_FORMATS)
    except ValidationError as error:
        if error.code == "too_many_pixels":  # a scan that is a PNG or JPEG, only too large: say so
            raise
        raise ValidationError(
            _("“%(name)s” is not a PDF, JPEG or PNG file; send the certificate in one of those.")
            % {"name": upload.name},
            code="document_format",
        ) from None
    content_type, extension = DOCUMENT_IMAGE_FORMATS[image.format]
    return CheckedFile(
        kind="document",
        content=content,
        content_type=content_type,
        extension=extension,
        original_name=upload.name[:200],
    )
