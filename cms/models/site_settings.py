"""The site's menu and footer, edited by staff under Settings → Navigation."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting
from wagtail.fields import StreamField

from cms.blocks import MenuLinkBlock


@register_setting(icon="list-ul")
class NavigationSettings(BaseSiteSetting):
    """Links point at pages; each language shows the page's translation and its title in that language."""

    menu = StreamField([("link", MenuLinkBlock())], verbose_name=_("main menu"), blank=True)
    footer_links = StreamField([("link", MenuLinkBlock())], verbose_name=_("footer links"), blank=True)
    footer_note = models.CharField(
        _("footer note"), max_length=300, blank=True, help_text=_("Shown in every language as written.")
    )

    panels = [FieldPanel("menu"), FieldPanel("footer_links"), FieldPanel("footer_note")]

    class Meta:
        verbose_name = _("navigation")
