"""StreamField blocks for stories and project pages."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.embeds.embeds import get_embed
from wagtail.embeds.exceptions import EmbedException
from wagtail.images.blocks import ImageChooserBlock

RICH_TEXT_FEATURES = ["h2", "h3", "bold", "italic", "link", "ol", "ul", "blockquote"]


class CaptionedImageBlock(blocks.StructBlock):
    image = ImageChooserBlock(label=_("image"))
    caption = blocks.CharBlock(label=_("caption"), required=False, max_length=255)
    credit = blocks.CharBlock(label=_("credit"), required=False, max_length=255)

    class Meta:
        icon = "image"
        label = _("Image")
        template = "cms/blocks/captioned_image.html"


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    images = blocks.ListBlock(CaptionedImageBlock(), label=_("images"), min_num=1)

    class Meta:
        icon = "image"
        label = _("Gallery")
        template = "cms/blocks/gallery.html"


class QuoteBlock(blocks.StructBlock):
    text = blocks.TextBlock(label=_("quote"))
    attribution = blocks.CharBlock(label=_("attribution"), required=False, max_length=120)

    class Meta:
        icon = "openquote"
        label = _("Quote")
        template = "cms/blocks/quote.html"


class KeyFactBlock(blocks.StructBlock):
    figure = blocks.CharBlock(label=_("figure"), max_length=40, help_text=_("For example “12 ha” or “NT$500”."))
    label = blocks.CharBlock(label=_("label"), max_length=120)


class KeyFactsBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("title"), required=False, max_length=120)
    facts = blocks.ListBlock(KeyFactBlock(), label=_("facts"), min_num=1)

    class Meta:
        icon = "list-ul"
        label = _("Key facts")
        template = "cms/blocks/key_facts.html"


class VideoBlock(blocks.StructBlock):
    """A video embed that degrades to a plain link when the provider cannot be reached."""

    url = blocks.URLBlock(label=_("video address"))
    title = blocks.CharBlock(label=_("title"), max_length=200)

    class Meta:
        icon = "media"
        label = _("Video")
        template = "cms/blocks/video.html"

    def get_context(self, value, parent_context=None):
        context = super().get_context(value, parent_context=parent_context)
        try:
            context["embed_html"] = get_embed(value["url"]).html
        except EmbedException:
            context["embed_html"] = ""
        return context


class BodyBlock(blocks.StreamBlock):
    paragraph = blocks.RichTextBlock(label=_("Text"), features=RICH_TEXT_FEATURES, icon="pilcrow")
    image = CaptionedImageBlock()
    gallery = GalleryBlock()
    quote = QuoteBlock()
    key_facts = KeyFactsBlock()
    video = VideoBlock()


class PersonBlock(blocks.StructBlock):
    name = blocks.CharBlock(label=_("name"), max_length=80)
    role = blocks.CharBlock(label=_("role"), required=False, max_length=120)
    photo = ImageChooserBlock(label=_("photo"), required=False)
    bio = blocks.TextBlock(label=_("about"), required=False)

    class Meta:
        icon = "user"
        label = _("Person")
        template = "cms/blocks/person.html"


class MenuLinkBlock(blocks.StructBlock):
    page = blocks.PageChooserBlock(label=_("page"))
    label = blocks.CharBlock(
        label=_("label"), required=False, max_length=60, help_text=_("Leave empty to use the page's title.")
    )

    class Meta:
        icon = "link"
        label = _("Link")
