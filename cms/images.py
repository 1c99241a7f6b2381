"""The one gate every image passes on its way in, and renditions that never break a page.

Wagtail's admin (image library, choosers, multiple upload) checks an upload with ``WagtailImageField``: the
size (``WAGTAILIMAGES_MAX_UPLOAD_SIZE``), the pixel count (``WAGTAILIMAGES_MAX_IMAGE_PIXELS``, and Pillow's
decompression-bomb guard), the formats (``WAGTAILIMAGES_EXTENSIONS``: JPEG, PNG, WebP, GIF) and that the file's
real format matches its extension. ``ImageUploadField`` is that same field for Homeward's own forms (the project
wizard's photo), and ``check_image_upload`` the same check for an action called from elsewhere (a script, an API),
so an image enters the library only through these limits. A refused file is not stored: the check runs before
any image row or file is created.

A stored image whose renditions cannot be made (a file stored before these limits, a file gone from storage, an
image library that cannot read it) gets Wagtail's "not found" rendition in templates, never a 500: see
``CustomImage.get_rendition``.
"""

from django.core.exceptions import ValidationError
from wagtail.images.fields import WagtailImageField


class ImageUploadField(WagtailImageField):
    """A form field with Wagtail's image limits (size, pixels, formats, the format matching the extension)."""


def check_image_upload(file):
    """Raise ValidationError (with the form's message) unless `file` passes the image limits; return it."""
    if not file:
        raise ValidationError(ImageUploadField().error_messages["required"], code="required")
    field = ImageUploadField()
    checked = field.clean(file)
    if hasattr(file, "seek"):
        file.seek(0)
    return checked
