"""The image model: Wagtail's image with alt text that editors must fill in."""

import logging
import os

from django.core.files.base import ContentFile
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.images.models import AbstractImage, AbstractRendition, Image, SourceImageIOError

logger = logging.getLogger(__name__)


class CustomImage(AbstractImage):
    # Wagtail uses `description` as the default alt text of every rendition; here it is required.
    description = models.CharField(
        _("alt text"),
        max_length=255,
        help_text=_("Describe the image for people who cannot see it (required)."),
    )
    credit = models.CharField(_("credit"), max_length=255, blank=True, help_text=_("Photographer or source."))

    admin_form_fields = Image.admin_form_fields + ("credit",)

    def save(self, *args, **kwargs):
        """A new file is stored without what the camera embedded (the GPS position where it was taken): see
        cms.images.without_embedded_data. Its size and hash are then those of the stored bytes."""
        if self.file and not getattr(self.file, "_committed", True):
            from cms.images import without_embedded_data

            clean = without_embedded_data(self.file)
            if clean is not None:
                self.file = ContentFile(clean, name=os.path.basename(self.file.name))
                self._set_image_file_metadata()
        super().save(*args, **kwargs)

    # A rendition that cannot be made (a file the image library cannot read or convert, one over the pixel
    # limits, one gone from the storage) is reported as SourceImageIOError, which Wagtail's template tags and
    # admin turn into a "not found" image: the page shows without the picture instead of answering 500.
    #
    # One rendition is looked up as a list of one: Wagtail's get_rendition writes the rendition to the cache after
    # every lookup, even one answered by the renditions prefetched with the image, which every listing here
    # prefetches (cms.models.pages.card_images). That was a pickled rendition sent to Redis per picture shown, a
    # tenth of a web process's time under the load mix (bench/load.py). get_renditions makes the same lookup and
    # leaves the prefetched ones unwritten, as Wagtail meant (it marks them `_from_cache`).
    def get_rendition(self, filter):
        try:
            return next(iter(super().get_renditions(filter).values()))
        except SourceImageIOError:
            raise
        except Exception as error:
            logger.warning("Image %s (%s): no rendition %s", self.pk, self.file.name, filter, exc_info=True)
            raise SourceImageIOError(str(error)) from error

    def get_renditions(self, *filters):
        try:
            return super().get_renditions(*filters)
        except SourceImageIOError:
            raise
        except Exception as error:
            logger.warning("Image %s (%s): no renditions %s", self.pk, self.file.name, filters, exc_info=True)
            raise SourceImageIOError(str(error)) from error

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")


class CustomRendition(AbstractRendition):
    image = models.ForeignKey(CustomImage, on_delete=models.CASCADE, related_name="renditions", verbose_name=_("image"))

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)
