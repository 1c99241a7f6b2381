"""The image model: Wagtail's image with alt text that editors must fill in."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.images.models import AbstractImage, AbstractRendition, Image


class CustomImage(AbstractImage):
    # Wagtail uses `description` as the default alt text of every rendition; here it is required.
    description = models.CharField(
        _("alt text"),
        max_length=255,
        help_text=_("Describe the image for people who cannot see it (required)."),
    )
    credit = models.CharField(_("credit"), max_length=255, blank=True, help_text=_("Photographer or source."))

    admin_form_fields = Image.admin_form_fields + ("credit",)

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")


class CustomRendition(AbstractRendition):
    image = models.ForeignKey(CustomImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)
