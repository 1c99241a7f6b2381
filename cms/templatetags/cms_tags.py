"""Template tags of the CMS pages: head links, breadcrumbs, structured data, the editable menu and footer."""

import json

from django import template
from django.utils.html import format_html
from django.utils.safestring import mark_safe

register = template.Library()

_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


@register.simple_tag(takes_context=True)
def alternate_links(context, page):
    """hreflang links to every live translated version of `page` (and x-default to the default language)."""
    from django.conf import settings

    from cms.public import live_translations
    from cms.view_restrictions import in_private_section

    request = context.get("request")
    links = []
    # An untranslated page (an alias) repeats its original: only real language versions are alternates.
    translations = [
        translation
        for translation in live_translations(page)
        if translation.alias_of_id is None and not in_private_section(translation)
    ]
    for translation in translations:
        url = translation.get_full_url(request)
        if url:
            links.append({"hreflang": translation.locale.language_code, "url": url})
    default = next((link for link in links if link["hreflang"] == settings.LANGUAGE_CODE), None)
    if default:
        links.append({"hreflang": "x-default", "url": default["url"]})
    return links


@register.simple_tag(takes_context=True)
def canonical_url(context, page):
    """The page's own full URL; an untranslated page's is its original's (the same content in one place)."""
    source = page.original if getattr(page, "is_untranslated", False) else page
    return source.get_full_url(context.get("request"))


@register.filter
def html_lang(language_code):
    """A Django language code as an HTML `lang` value (BCP 47): zh-hant → zh-Hant-TW, as on <html>."""
    from core.languages import html_lang as to_html_lang

    return to_html_lang(language_code)


@register.filter
def content_lang(page):
    """The HTML `lang` of a page's text, for any Page: an untranslated page's alias shows its original's text."""
    from core.languages import html_lang as to_html_lang

    source = page.alias_of if page.alias_of_id else page
    return to_html_lang(source.locale.language_code)


@register.filter
def language_name(language_code):
    """The language's name in that language (繁體中文, English, 日本語), as the language switch shows it."""
    from core.languages import native_name

    return native_name(language_code)


@register.simple_tag(takes_context=True)
def breadcrumb_trail(context, page):
    """The page's ancestors from the home page down, each with its address and the language of its title: those
    routing found on its way to the page when they are in the page's language tree and none is an alias (no query),
    else read in one query."""
    request = context.get("request")
    routed = _routed_ancestors(page)
    if routed is not None and all(a.locale_id == page.locale_id and a.alias_of_id is None for a in routed):
        language = page.locale.language_code  # a served page comes with its locale (BasePage.from_db)
        return [{"title": ancestor.title, "url": ancestor.get_url(request), "lang": language} for ancestor in routed]
    ancestors = page.get_ancestors().filter(depth__gte=2).select_related("locale", "alias_of__locale")
    return [
        {
            "title": ancestor.title,
            "url": ancestor.get_url(request),
            "lang": (ancestor.alias_of or ancestor).locale.language_code,
        }
        for ancestor in ancestors
    ]


def _routed_ancestors(page):
    """The page's ancestors from depth 2 (its home page) down, as each page's parent was kept when routing found it
    (BasePage.route, Wagtail's get_parent), or None when one is not kept."""
    chain = []
    current = page
    while current.depth > 2:
        parent = current.__dict__.get("_cached_parent_obj")
        if parent is None or parent.depth != current.depth - 1:
            return None
        chain.append(parent)
        current = parent
    return chain[::-1]


@register.simple_tag(takes_context=True)
def article_json_ld(context, page, image_url=""):
    """schema.org Article data for a story, as a <script type="application/ld+json">."""
    request = context.get("request")
    data = {
        "@context": "https://schema.org",
        "@type": "Article",
        "headline": page.title,
        "description": page.summary,
        "datePublished": page.date.isoformat(),
        "dateModified": (page.last_published_at or page.latest_revision_created_at).isoformat()
        if (page.last_published_at or page.latest_revision_created_at)
        else page.date.isoformat(),
        "inLanguage": page.locale.language_code,
        "mainEntityOfPage": page.get_full_url(request),
        "publisher": {"@type": "Organization", "name": "Homeward"},
    }
    if image_url:
        data["image"] = [image_url]
    if page.township_id:
        data["contentLocation"] = {"@type": "Place", "name": page.township.full_name}
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308


def _links(context, blocks):
    request = context.get("request")
    links = []
    for block in blocks:
        page = block.value["page"]
        if page is None:
            continue
        localized = page.localized
        if not localized.live:
            continue
        links.append({"label": block.value["label"] or localized.title, "url": localized.get_url(request)})
    return links


@register.simple_tag(takes_context=True)
def site_navigation(context):
    """The staff-edited menu and footer (Settings → Navigation), in the active language."""
    from cms.models import NavigationSettings
    from cms.page_cache import site_wide_value

    request = context.get("request")
    empty = {"menu": [], "footer_links": [], "footer_note": ""}
    if request is None:
        return empty

    def navigation_links():
        try:
            navigation = NavigationSettings.for_request(request)
        except NavigationSettings.DoesNotExist:
            # No Wagtail site answers this host (a fresh database, an unknown host name): no staff menu.
            return empty
        return {
            "menu": _links(context, navigation.menu),
            "footer_links": _links(context, navigation.footer_links),
            "footer_note": str(navigation.footer_note),
        }

    # Every page draws it (about a tenth of a search page's render): once per host, language and site generation.
    return site_wide_value(f"navigation:{request.get_host()}", navigation_links)


def kept_cards(context, kind, pages, template_name, name, from_pages, from_ids, shows_money=True, **extra):
    """The cards of `pages` (pages or page ids, in order) as one piece of HTML: kept_card_html joined in order."""
    return joined_cards(
        kept_card_html(context, kind, pages, template_name, name, from_pages, from_ids, shows_money, **extra)
    )


def joined_cards(html):
    """The cards of kept_card_html ({page id: HTML}) as one piece of HTML, in order."""
    # Each card is a template's output (its variables escaped there), as {% include %} would join it.
    return mark_safe("".join(html.values()))  # noqa: S308


def kept_card_html(context, kind, pages, template_name, name, from_pages, from_ids, shows_money=True, **extra):
    """{page id: its card's HTML} for `pages` (pages or page ids), in their order, each rendered by `template_name`
    with its item as `name` and `extra`. For the pages whose card is not kept, `from_pages(pages)` (those given as
    pages) and `from_ids(ids)` (those given as ids) -> {page id: item}; a page they leave out has no card. Each card
    is kept per page, language, `kind` and `extra` while its page's generations stand (cms.page_cache.values_of_pages),
    for the local day at most (cards count days left): a list rendered again after one project was published
    renders that card only. Rendered every time with the page cache off. `shows_money`: False for cards that show
    no funding (stories) or show it in holes (project cards), which a payment then leaves kept."""
    from cms.page_cache import values_of_pages

    given = {page.pk: page for page in pages if not isinstance(page, int)}
    ids = [page if isinstance(page, int) else page.pk for page in pages]
    card_template = context.template.engine.get_template(template_name)

    def render(page_ids):
        items = from_pages([given[page_id] for page_id in page_ids if page_id in given])
        fetched = [page_id for page_id in page_ids if page_id not in given]
        if fetched:
            items.update(from_ids(fetched))
        rendered = {}
        for page_id in page_ids:
            if page_id in items:
                # As {% include %} renders: the page's context (the request, its processors' values) and the card's.
                with context.push(**{name: items[page_id], **extra}):
                    rendered[page_id] = str(card_template.render(context))
        return rendered

    variant = ":".join(f"{key}={value}" for key, value in sorted(extra.items()))
    html = values_of_pages(f"{kind}:{variant}", ids, render, shows_money=shows_money)
    # Each card is a template's output (its variables escaped there), as {% include %} would show it.
    return {page_id: mark_safe(html[page_id]) for page_id in ids if page_id in html}  # noqa: S308


@register.simple_tag(takes_context=True)
def story_cards(context, stories, heading="h3"):
    """{% story_cards stories [heading] %}: the cards (components/story_card.html) of these story pages, or of the
    pages with these ids, each kept until its story changes (kept_cards)."""
    return kept_cards(
        context,
        "story-card-html",
        list(stories),
        "components/story_card.html",
        "story",
        lambda pages: {story.pk: story for story in pages},
        _stories_for_cards,
        shows_money=False,
        heading=heading,
    )


def _stories_for_cards(story_ids):
    """{story page id: the page with what its card shows (township, language, picture)}."""
    from django.db.models import Prefetch

    from cms.models import StoryPage
    from cms.models.pages import CONTENT_LANGUAGE_RELATIONS, card_images

    stories = (
        StoryPage.objects.filter(pk__in=story_ids)
        .select_related("township__county")
        .prefetch_related(*CONTENT_LANGUAGE_RELATIONS, Prefetch("hero_image", queryset=card_images()))
        .defer_streamfields()
    )
    return {story.pk: story for story in stories}


PROJECT_MONEY = "project-money"
SITE_FIGURES = "site-figures"


@register.simple_tag
def project_money_hole(project):
    """{% project_money_hole project %}: the hole left for a project card's money (components/project_card.html with
    `money_holes`), filled as the response leaves with the part marketplace renders (cms.page_cache.fill_holes)."""
    from cms.page_cache import hole, project_money_generations

    return hole(PROJECT_MONEY, project.pk, project_money_generations(project.translation_key))


@register.simple_tag(takes_context=True)
def site_figures_part(context):
    """{% site_figures_part %}: the home page's figures (cms/includes/site_figures.html); a hole filled as the
    response leaves when it may be one, so that a payment renders the figures only (cms.page_cache.fill_holes)."""
    from cms.page_cache import GLOBAL, HOME, SITE_MONEY, hole, holes_allowed

    if holes_allowed(context.get("request")):
        return hole(SITE_FIGURES, "", [GLOBAL, HOME, SITE_MONEY])
    return _site_figures_html(context.get("figures"))


def render_site_figures(args):
    """{arg: the figures' HTML} (the site figures have one part, whatever the arg): cms.page_cache's renderer for
    the holes of {% site_figures_part %}."""
    return dict.fromkeys(args, _site_figures_html())


def _site_figures_html(figures=None):
    from django.template.loader import render_to_string

    from cms.figures import site_figures

    html = render_to_string("cms/includes/site_figures.html", {"figures": figures or site_figures()})
    return mark_safe(html)  # noqa: S308 - a template's output


NO_MONEY = "shows_no_money"
NO_LIST = "lists_no_pages"


class SharedFragmentNode(template.Node):
    def __init__(self, nodelist, name, valid_until=None, shows_money=True, lists_pages=True):
        self.nodelist = nodelist
        self.name = name
        self.valid_until = valid_until
        self.shows_money = shows_money
        self.lists_pages = lists_pages

    def render(self, context):
        from cms.page_cache import fragments_prefetched, prefetch_shared_fragments, shared_fragment

        request = context.get("request")
        if request is not None and context.template is not None and not fragments_prefetched(request):
            # The first fragment of the render reads every fragment of the page's template in one round trip.
            parts = [
                (node.name.resolve(context), node.shows_money, node.lists_pages)
                for node in context.template.nodelist.get_nodes_by_type(SharedFragmentNode)
            ]
            prefetch_shared_fragments(request, context.get("page"), parts)
        return shared_fragment(
            request,
            context.get("page"),
            self.name.resolve(context),
            # A node's output joins the page as it is (only variables are escaped).
            lambda: self.nodelist.render(context),
            valid_until=None if self.valid_until is None else lambda: self.valid_until.resolve(context),
            shows_money=self.shows_money,
            lists_pages=self.lists_pages,
        )


@register.tag("shared_fragment")
def shared_fragment_tag(parser, token):
    """{% shared_fragment "name" [until expression] [shows_no_money] [lists_no_pages] %}…{% endshared_fragment %}: a
    part of a CMS page that every visitor sees alike, from the cache while the page's generations stand
    (cms.page_cache.shared_fragment). Variables set inside it (`{% … as cards %}`) exist only inside it: on a hit
    nothing inside runs. `until`: the moment the part changes by itself (an aware datetime or None), read after a
    render only, so a hit costs nothing of it. `shows_no_money`: the part shows no funding figure, no progress and no
    project card (a part showing cards or figures has their money in holes: it is kept through payments either
    way). `lists_no_pages`: the part lists none of the projects or stories published under or about the page, so
    publishing one leaves it kept (cms.page_cache.lists_of)."""
    bits = token.split_contents()
    shows_money = NO_MONEY not in bits[2:]
    lists_pages = NO_LIST not in bits[2:]
    bits = [bit for bit in bits if bit not in (NO_MONEY, NO_LIST)]
    if len(bits) not in (2, 4) or (len(bits) == 4 and bits[2] != "until"):
        raise template.TemplateSyntaxError(
            f'{bits[0]} takes the fragment\'s name, then optionally "until" and a value, "{NO_MONEY}" and "{NO_LIST}"'
        )
    nodelist = parser.parse(("endshared_fragment",))
    parser.delete_first_token()
    valid_until = parser.compile_filter(bits[3]) if len(bits) == 4 else None
    return SharedFragmentNode(nodelist, parser.compile_filter(bits[1]), valid_until, shows_money, lists_pages)
