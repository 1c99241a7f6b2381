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

What a camera embeds in a photo (EXIF with the GPS position where it was taken, XMP, comments) never reaches the
library: ``without_embedded_data`` re-encodes a new upload that carries any of it (its orientation applied), so the
original file and every rendition (Willow copies a source's EXIF into each rendition) show no farmer's or backer's
location. ``CustomImage.save`` runs it for every new file, whichever form, script or admin screen stored it. A CMYK
picture is stored in sRGB on the way (``in_srgb``): its renditions are then RGB too, shown alike by every browser.
"""

import io
import os

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image as PILImage
from PIL import ImageCms, ImageOps
from wagtail.images.fields import WagtailImageField
from wagtail.images.forms import BaseImageForm

from core.money import format_count

EMBEDDED_DATA = ("exif", "xmp", "XML:com.adobe.xmp", "photoshop", "comment")
CLEANED_FORMATS = ("JPEG", "PNG", "WEBP")  # GIF carries no EXIF; other formats are refused at the gate


class ImageUploadField(WagtailImageField):
    """A form field with Wagtail's image limits (size, pixels, formats, the format matching the extension)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail's own catalogs leave these two in English for Chinese (and the first for Japanese too), and a
        # decompression bomb made the second say "too many pixels (unknown number)": Homeward's words, translated.
        self.error_messages["invalid_image_known_format"] = _(
            "This file is not a real .%(extension)s picture: it holds a %(image_format)s file. Save it as a JPEG, "
            "PNG, WebP or GIF picture and send it again."
        )
        self.error_messages["file_too_many_pixels"] = _(
            "This picture has too many pixels: we accept at most %(max_pixels_count)s pixels. Send a smaller picture."
        )

    def check_image_pixel_size(self, f):
        """Wagtail's check decodes the picture and lets the image library's error through: a truncated JPEG (an
        upload cut short) answered 500. Here it is the form's message."""
        try:
            super().check_image_pixel_size(f)
        except ValidationError as error:
            if error.code != "file_too_many_pixels" or not self.max_image_pixels:
                raise
            # Wagtail writes the limit as 40000000: the reader gets it grouped, as every other number on the site
            raise ValidationError(
                self.error_messages["file_too_many_pixels"] % {"max_pixels_count": format_count(self.max_image_pixels)},
                code="file_too_many_pixels",
            ) from None
        except (OSError, SyntaxError, ValueError):
            raise ValidationError(
                _("This picture could not be read to the end: the file is damaged or incomplete. Send it again."),
                code="broken_image",
            ) from None


class AdminImageForm(BaseImageForm):
    """The Wagtail admin's image form (WAGTAILIMAGES_IMAGE_FORM_BASE, also under its multiple upload): its file field
    is ImageUploadField, so the image library and the wizard refuse the same files with the same messages. Made for
    each form, as the wizard's is: the field reads the limits from the settings when it is made."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "file" in self.fields:
            wagtails = self.fields["file"]
            self.fields["file"] = ImageUploadField(
                label=wagtails.label, required=wagtails.required, help_text=wagtails.help_text
            )
            self.fields["file"].widget.attrs.update(wagtails.widget.attrs)


def check_image_upload(file):
    """Raise ValidationError (with the form's message) unless `file` passes the image limits; return it."""
    if not file:
        raise ValidationError(ImageUploadField().error_messages["required"], code="required")
    field = ImageUploadField()
    checked = field.clean(file)
    if hasattr(file, "seek"):
        file.seek(0)
    return checked


def store_uploaded_image(file, *, title, description):
    """An uploaded file kept as an image of the CMS library, after the library's checks (whoever calls: a refused
    file raises ValidationError and nothing is stored)."""
    from cms.models import CustomImage

    check_image_upload(file)
    return CustomImage.objects.create(title=title, description=description, file=file)


def without_embedded_data(file):
    """The bytes of `file` (an image) re-encoded without EXIF, XMP or comments (and a CMYK picture in sRGB), or None
    when it carries none and is not CMYK (or is no image Pillow can re-encode: the upload checks refuse those before
    this runs)."""
    file.seek(0)
    content = file.read()
    file.seek(0)
    try:
        image = PILImage.open(io.BytesIO(content))
        cmyk = image.mode == "CMYK"
        if image.format not in CLEANED_FORMATS or not (cmyk or any(key in image.info for key in EMBEDDED_DATA)):
            return None
        fmt, icc_profile = image.format, image.info.get("icc_profile")
        options = {"icc_profile": icc_profile} if icc_profile else {}
        if fmt in ("JPEG", "WEBP"):
            options["quality"] = 90
        if getattr(image, "n_frames", 1) > 1:
            options["save_all"] = True
        else:
            image = ImageOps.exif_transpose(image)  # the picture stays upright without its EXIF orientation
        if cmyk:
            image = in_srgb(image, icc_profile)
            options.pop("icc_profile", None)
        for key in EMBEDDED_DATA:
            image.info.pop(key, None)
        clean = io.BytesIO()
        image.save(clean, fmt, **options)
    except (OSError, ValueError, SyntaxError, PILImage.DecompressionBombError):
        return None
    return clean.getvalue()


def in_srgb(image, icc_profile=None):
    """A CMYK picture (a print shop's JPEG) as RGB in sRGB, the colours every browser shows alike: through its own
    ICC profile when it has a readable one, else Pillow's plain conversion. Browsers disagree on CMYK JPEGs (some
    show them inverted or dull), and every rendition of a CMYK original stays CMYK."""
    if icc_profile:
        try:
            source = ImageCms.ImageCmsProfile(io.BytesIO(icc_profile))
            return ImageCms.profileToProfile(image, source, ImageCms.createProfile("sRGB"), outputMode="RGB")
        except (ImageCms.PyCMSError, OSError, ValueError):
            pass
    return image.convert("RGB")


def strip_stored_image(image):
    """Store `image`'s file again without what the camera embedded, under the same name, and drop its renditions
    (each copied the source's EXIF); True when it carried any. For images stored before uploads were cleaned
    (``manage.py strip_image_metadata``): the old bytes must not stay readable at the original's public address."""
    with image.open_file() as handle:
        clean = without_embedded_data(handle)
    if clean is None:
        return False
    name = image.file.name
    image.file.storage.delete(name)
    image.file = ContentFile(clean, name=os.path.basename(name))
    image._set_image_file_metadata()
    image.save()
    for rendition in image.renditions.all():
        rendition.delete()  # one by one: Wagtail removes each rendition's file and its cache entry
    return True
