"""Wagtail pages. The tree (one per locale; zh-Hant is the default, en and ja are translations):

    Root
    └── HomePage                         (one per locale; figures, featured projects and stories)
        ├── TownshipIndexPage            (地方DNA: every county)
        │   └── CountyPage               (one per county, tied to places.County)
        │       └── TownshipPage         (one per township, tied to places.Township by town code)
        │           └── ProjectPage      (a project lands in its township; reviewed before it goes live)
        ├── StoryIndexPage               (品牌故事: pagination, tag and county filters, RSS/Atom)
        │   └── StoryPage
        └── StandardPage                 (about, FAQ, terms, privacy)

Every page type declares `parent_page_types` and `subpage_types`, so the admin
offers only the places above.

Languages: zh-Hant is the source tree; `cms.actions.ensure_township_pages` makes the section, county
and township pages in en and ja as translations (same translation_key). Editors translate other pages
with wagtail.contrib.simple_translation ("Translate" in the page's action menu): it ships with Wagtail,
so there is no extra dependency to pin against Wagtail 8.0.1, and it copies the page into the other
locale's tree for the editor to rewrite and publish. Every other page exists in every language as a Wagtail alias
until it is translated (cms.actions.ensure_language_versions; WAGTAILSIMPLETRANSLATION_SYNC_PAGE_TREE for pages
made in the admin): it is served under the visitor's prefix with a note, its canonical URL is the original's, and
its text is marked with the original's `lang` (BasePage.content_language). An editor translates it by converting
the alias ("Convert to ordinary page") and editing it. Submitted projects enter the review workflow
("Project review", assigned to every township section) and are published only when a moderator approves.

Listings select and prefetch what they show, so a page's number of queries does not grow with the
number of items it lists.
"""

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db import models
from django.db.models import Prefetch
from django.http import Http404
from django.utils.functional import SimpleLazyObject, cached_property, empty
from django.utils.translation import gettext_lazy as _
from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from taggit.models import TaggedItemBase
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Locale, Orderable, Page, PageManager, PageViewRestriction
from wagtail.search import index

from cms.blocks import RICH_TEXT_FEATURES, BodyBlock, CaptionedImageBlock, PersonBlock
from cms.read_once import request_memo
from cms.view_restrictions import PublicOncePageQuerySet, any_private_section
from places.models import County, Township

CARD_IMAGE_SPEC = "fill-480x300"
# The home page's lead picture: cms/templates/cms/home_page.html asks `{% picture … format-{webp,jpeg}
# fill-{640x400,960x600,1280x800} %}` of the first featured project, whose image comes with its renditions
# prefetched. Prefetched renditions are all Wagtail looks at: one missing from the prefetch is generated again
# on every request (1.5–3 s of the home page's response). Keep this list and the template's in step.
HOME_HERO_SPECS = tuple(
    f"format-{image_format}|fill-{size}"
    for image_format in ("webp", "jpeg")
    for size in ("640x400", "960x600", "1280x800")
)
TEASER_POINTS = 400
STORIES_PER_PAGE = 12
PROJECTS_PER_PAGE = 12
TOWNSHIP_STORIES_SHOWN = 6


def paginate(request, items, per_page):
    paginator = Paginator(items, per_page)
    try:
        return paginator.page(request.GET.get("page", 1))
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


# What `content_language` and a page's address read: the page's locale and, for an alias, its original's locale.
# Listings prefetch these (one small query, two more only when the list holds aliases) rather than join them: a
# listing already joining its township, county and sector spent 5–6 ms of PostgreSQL planning per query on the four
# extra joins (two to the page table, two to the locale table), several times the small queries' cost
# (bench/cms_pages.py, township page).
CONTENT_LANGUAGE_RELATIONS = ("locale", "alias_of__locale")


def hero_image_alt_field():
    """The alt text of a page's picture in the page's own language (BasePage.hero_alt), for the pages with one."""
    return models.CharField(
        _("picture's alt text in this language"),
        max_length=255,
        blank=True,
        help_text=_(
            "What the picture shows, in this page's language, for people who cannot see it. Empty: the image's own "
            "alt text, written in one language for every translation."
        ),
    )


def card_images(*extra_specs):
    """A queryset of images with the card rendition (and `extra_specs`) prefetched: one query for a whole listing.

    A template asking such an image for a rendition that is not prefetched gets it generated anew (Wagtail does
    not look in the database when renditions are prefetched): list here every spec the template uses.
    """
    from cms.models.images import CustomImage

    return CustomImage.objects.prefetch_renditions(CARD_IMAGE_SPEC, *extra_specs)


class BasePage(Page):
    """Fields every public page shares: a summary for cards and Open Graph, and a share image."""

    summary = models.CharField(
        _("summary"), max_length=300, blank=True, help_text=_("One or two sentences for listings and link previews.")
    )

    promote_panels = Page.promote_panels + [FieldPanel("summary")]
    search_fields = Page.search_fields + [index.SearchField("summary")]

    # `.public()` reads the restricted sections once per request (cms.view_restrictions).
    objects = PageManager.from_queryset(PublicOncePageQuerySet)()

    # Pages whose number does not grow with the projects and stories (home, indexes, counties, townships, the few
    # standard pages) have their stored copies kept all day and rendered again by workers as the day starts
    # (cms.page_cache.kept_all_day, cms.page_warming.pages_of_the_day); projects and stories go after their lifetime.
    kept_all_day = False

    class Meta:
        abstract = True

    @property
    def share_image(self):
        return getattr(self, "hero_image", None)

    @property
    def hero_alt(self):
        """The alt text of the page's picture in the page's language: its own (a translation says it again in its
        language) or else the image's, which is the same for every translation of the page."""
        image = getattr(self, "hero_image", None)
        if image is None:
            return ""
        return getattr(self, "hero_image_alt", "") or image.description

    def save(self, *args, **kwargs):
        from cms.page_cache import rows_saved_with_page

        with rows_saved_with_page(self.pk):  # its child rows, committed again with it: the page's change, not theirs
            return super().save(*args, **kwargs)

    @classmethod
    def from_db(cls, db, field_names, values):
        """A page read during a request in the active locale (read once per request) comes with that locale: its
        language costs no query, and a list's `prefetch_related("locale")` (CONTENT_LANGUAGE_RELATIONS) skips the
        pages that have it, so a list in the reader's language reads no locale at all."""
        page = super().from_db(db, field_names, values)
        locale_id = page.__dict__.get("locale_id")  # absent when deferred: never loaded for this
        if locale_id is not None and request_memo() is not None:
            active = _active_locale()
            if active is not None and active.pk == locale_id:
                page._state.fields_cache.setdefault("locale", active)
        return page

    def get_view_restrictions(self):
        """Wagtail's answer, without its two queries (this page's ancestors, then their restrictions) when no page
        of the site has a view restriction, which the request's one read of the restricted sections tells (the
        read its `.public()` lists share): serving a page asks twice, Wagtail's privacy check and the page
        cache's."""
        if not any_private_section():
            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def route(self, request, path_components):
        """Wagtail's routing, with every level of the path found by one query rather than two per level (the child,
        then its specific row): a project page five levels under its home page cost ten routing queries.

        The same pages as Wagtail's own descent: the child of each level with that slug (its `url_path`, which
        Wagtail keeps in step on every move and slug change, inside this page's subtree), intermediate pages whether
        live or not, the last one only if live (Page.route). A page whose class routes its own sub-paths (a
        RoutablePageMixin, such as the story index, or any page that is not a BasePage) gets the rest of the path,
        as Wagtail would hand it over."""
        if not path_components:
            return super().route(request, path_components)
        url_paths = [
            self.url_path + "/".join(path_components[:depth]) + "/" for depth in range(1, len(path_components) + 1)
        ]
        found = {
            page.url_path: page
            # The slug narrows the rows through its index (url_path has none); the path keeps to this subtree.
            for page in Page.objects.filter(
                slug__in=set(path_components), path__startswith=self.path, url_path__in=url_paths
            )
        }
        parent = self
        for depth, url_path in enumerate(url_paths, start=1):
            page = found.get(url_path)
            if page is None:
                raise Http404
            page._cached_parent_obj = parent  # as Wagtail's route does: get_parent() needs no query
            if depth == len(url_paths) or _routes_itself(page, path_components[depth:]):
                return page.specific.route(request, path_components[depth:])
            parent = page

    @property
    def is_untranslated(self):
        """True for an alias: this language's tree shows the original page's content, kept in step with it."""
        return self.alias_of_id is not None

    @cached_property
    def original(self):
        """The page whose content this one shows: the alias's source, or this page itself."""
        return self.alias_of.specific if self.alias_of_id else self

    @property
    def content_language(self):
        """The language code of the text this page shows (the original's for an untranslated page). Listings
        prefetch CONTENT_LANGUAGE_RELATIONS so that this costs no query per card."""
        source = self.alias_of if self.alias_of_id else self
        return source.locale.language_code

    @cached_property
    def default_language_version(self):
        """This page in the default language (itself when it is), which owns what other apps attach to a page:
        a project's listing, interests and backings."""
        default = Locale.get_default()
        if self.locale_id == default.pk:
            return self
        version = Page.objects.filter(translation_key=self.translation_key, locale=default).first()
        return version.specific if version is not None else self


def _active_locale():
    """Wagtail's active locale (read once per request), or None on a site without a locale for the active or the
    default language (where Wagtail's own lookup raises): the pages then read their locale themselves."""
    try:
        return Locale.get_active()
    except (Locale.DoesNotExist, LookupError):
        return None


def _routes_itself(page, rest):
    """Whether `page` (a plain Page row) takes `rest` of the path itself rather than pass it to its child, as
    BasePage.route does. A RoutablePageMixin page over BasePage's routing (the story index) takes only the sub-paths
    its own routes match (its feeds), as RoutablePageMixin.route decides, from its class: the path to one of its
    children goes on down without reading the page's specific row and its child again."""
    page_class = page.specific_class
    if page_class is None:
        return True
    if page_class.route is BasePage.route:
        return False
    over_base_routing = (
        page_class.route is RoutablePageMixin.route and super(RoutablePageMixin, page_class).route is BasePage.route
    )
    if not over_base_routing or not page.live:
        return True
    try:
        page_class.get_resolver().resolve("/" + "/".join(rest) + "/")
    except Http404:
        return False
    return True


class HomePage(BasePage):
    kept_all_day = True

    introduction = models.CharField(
        _("introduction"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences under the site's name."),
    )
    body = RichTextField(_("body"), blank=True, features=["h2", "h3", "bold", "italic", "link", "ol", "ul"])

    content_panels = Page.content_panels + [
        FieldPanel("introduction"),
        FieldPanel("body"),
        InlinePanel("featured_projects", label=_("Featured projects")),
        InlinePanel("featured_stories", label=_("Featured stories")),
    ]

    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.TownshipIndexPage", "cms.StoryIndexPage", "cms.StandardPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from cms.figures import site_figures

        context = super().get_context(request, *args, **kwargs)
        # Lazy: the page's template reads these inside its shared fragment, which a cache hit does not render.
        context["figures"] = SimpleLazyObject(site_figures)
        featured_projects = SimpleLazyObject(self._featured_projects)
        context["featured_projects"] = featured_projects
        # The featured cards ({% project_card_list %}): the pages when this render has read them already (for the
        # hero), else only their ids, in one light query (the cards are mostly kept, as the hero is).
        context["featured_cards"] = SimpleLazyObject(
            lambda: self._featured_project_ids(
                list(featured_projects) if featured_projects._wrapped is not empty else None
            )
        )
        context["featured_stories"] = SimpleLazyObject(self._featured_stories)
        # The townships where projects are: dots on the map teaser. Without order_by() the pages' own ordering (by
        # path) would join the DISTINCT, and the first rows could repeat a few townships and leave others out.
        context["project_town_codes"] = SimpleLazyObject(
            lambda: list(
                ProjectPage.objects.live()
                .public()
                .order_by()
                .values_list("township__code", flat=True)
                .distinct()[:TEASER_POINTS]
            )
        )
        return context

    # The featured pages are chosen on the default-language home page; every language shows the same ones, each in
    # this home page's language (its translation, or the untranslated original's alias).
    def _featured_projects(self):
        featured = self.default_language_version.featured_projects.filter(project__live=True)
        return self._in_this_language(
            ProjectPage.objects.select_related("sector", "township__county"),
            featured.values_list("project__translation_key", flat=True),
            HOME_HERO_SPECS,
        )

    def _featured_project_ids(self, pages=None):
        """The ids of the featured projects in this page's language, kept while the home page's generations stand:
        a publish of the home pages (their choice), a publish, unpublish or translation of a project (which moves
        every home page's) makes them stale, a payment does not. `pages`: the featured pages when this render has
        read them already (for the hero); they are returned, and their ids kept."""
        from cms.page_cache import values_of_pages

        def read(ids):
            return {self.pk: [page.pk for page in pages] if pages is not None else self._read_featured_project_ids()}

        ids = values_of_pages("home-featured-project-ids", [self.pk], read, shows_money=False)[self.pk]
        return pages if pages is not None else ids

    def _read_featured_project_ids(self):
        source = self.default_language_version
        keys = list(
            source.featured_projects.filter(project__live=True).values_list("project__translation_key", flat=True)
        )
        versions = dict(
            ProjectPage.objects.live()
            .public()
            .filter(translation_key__in=keys, locale_id=self.locale_id)
            .values_list("translation_key", "pk")
        )
        return [versions[key] for key in keys if key in versions]

    def _featured_stories(self):
        featured = self.default_language_version.featured_stories.filter(story__live=True)
        return self._in_this_language(
            StoryPage.objects.select_related("township__county"),
            featured.values_list("story__translation_key", flat=True),
        )

    def _in_this_language(self, queryset, translation_keys, image_specs=()):
        """The pages of these translation keys (in their given order) as they are in this page's language tree,
        where live, with their card image (and the renditions `image_specs`) prefetched."""
        keys = list(translation_keys)
        versions = {
            page.translation_key: page
            for page in queryset.live()
            .public()
            .filter(translation_key__in=keys, locale_id=self.locale_id)
            .prefetch_related(*CONTENT_LANGUAGE_RELATIONS, Prefetch("hero_image", queryset=card_images(*image_specs)))
        }
        return [versions[key] for key in keys if key in versions]


class HomeFeaturedProject(Orderable):
    home = ParentalKey(
        HomePage, on_delete=models.CASCADE, related_name="featured_projects", verbose_name=_("home page")
    )
    project = models.ForeignKey(
        "cms.ProjectPage", on_delete=models.CASCADE, related_name="+", verbose_name=_("project")
    )

    panels = [FieldPanel("project")]


class HomeFeaturedStory(Orderable):
    home = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_stories", verbose_name=_("home page"))
    story = models.ForeignKey("cms.StoryPage", on_delete=models.CASCADE, related_name="+", verbose_name=_("story"))

    panels = [FieldPanel("story")]


class StandardPage(BasePage):
    kept_all_day = True

    body = StreamField(BodyBlock(), verbose_name=_("body"), blank=True)

    content_panels = Page.content_panels + [FieldPanel("body")]
    search_fields = BasePage.search_fields + [index.SearchField("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]
    subpage_types = ["cms.StandardPage"]

    class Meta:
        verbose_name = _("standard page")


class TownshipIndexPage(BasePage):
    kept_all_day = True

    introduction = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.CountyPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("township index page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        counties = (
            CountyPage.objects.child_of(self)
            .live()
            .select_related("county")
            .prefetch_related(*CONTENT_LANGUAGE_RELATIONS)
            .order_by("county__code")
        )
        townships = (
            TownshipPage.objects.descendant_of(self)
            .live()
            .select_related("township")
            .prefetch_related(*CONTENT_LANGUAGE_RELATIONS)
            .order_by("township__code")
        )
        by_path = {}
        for township in townships:
            by_path.setdefault(township.path[: -Page.steplen], []).append(township)
        context["counties"] = [(county, by_path.get(county.path, [])) for county in counties]
        return context


class CountyPage(BasePage):
    kept_all_day = True

    county = models.ForeignKey(County, on_delete=models.PROTECT, related_name="+", verbose_name=_("county"))
    introduction = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("county"), FieldPanel("introduction")]
    parent_page_types = ["cms.TownshipIndexPage"]
    subpage_types = ["cms.TownshipPage"]

    class Meta:
        verbose_name = _("county page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        townships = list(
            TownshipPage.objects.child_of(self)
            .live()
            .select_related("township__county")
            .prefetch_related(*CONTENT_LANGUAGE_RELATIONS, Prefetch("hero_image", queryset=card_images()))
            .order_by("township__code")
        )
        context["townships"] = townships
        context["pictured_townships"] = [township for township in townships if township.hero_image_id]
        return context


class TownshipPage(BasePage):
    """地方DNA: one township's story. The figures come from places.Township, never typed in."""

    kept_all_day = True

    township = models.ForeignKey(Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"))
    hero_image = models.ForeignKey(
        "cms.CustomImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("main photo"),
    )
    hero_image_alt = hero_image_alt_field()
    specialties = RichTextField(_("specialties"), blank=True, features=RICH_TEXT_FEATURES)
    resources = RichTextField(_("resources"), blank=True, features=RICH_TEXT_FEATURES)
    people = StreamField([("person", PersonBlock())], verbose_name=_("people"), blank=True)
    photos = StreamField([("photo", CaptionedImageBlock())], verbose_name=_("photos"), blank=True)

    content_panels = Page.content_panels + [
        FieldPanel("township"),
        FieldPanel("hero_image"),
        FieldPanel("hero_image_alt"),
        FieldPanel("specialties"),
        FieldPanel("resources"),
        FieldPanel("people"),
        FieldPanel("photos"),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("specialties"),
        index.SearchField("resources"),
        index.FilterField("township"),
    ]
    parent_page_types = ["cms.CountyPage"]
    subpage_types = ["cms.ProjectPage"]

    class Meta:
        verbose_name = _("township page")

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)

        def project_ids():
            from cms.page_cache import values_of_pages

            def read(_page_ids):
                projects = ProjectPage.objects.child_of(self).live().public().order_by("-first_published_at", "-pk")
                return {self.pk: list(projects.values_list("pk", flat=True))}

            # Kept while the township page's content and lists stand (a project published, unpublished or moved
            # under it moves its lists; a payment does not).
            ids = values_of_pages("township-project-ids", [self.pk], read, shows_money=False, lists_pages=True)[self.pk]
            return paginate(request, ids, PROJECTS_PER_PAGE)

        def stories():
            return list(
                StoryPage.objects.live()
                .public()
                .filter(locale_id=self.locale_id, township_id=self.township_id)
                .order_by("-date", "-pk")
                .values_list("pk", flat=True)[:TOWNSHIP_STORIES_SHOWN]
            )

        # Lazy, even the querysets: read inside the template's shared fragments, which a kept fragment skips. Ids
        # only, in one query each: the cards are mostly kept ({% project_card_list %}, {% story_cards %}), and those
        # that are not are read for their card.
        context["projects"] = SimpleLazyObject(project_ids)
        context["stories"] = SimpleLazyObject(stories)
        from cms.township_sections import township_sections

        # Organisations, help requests, experiences…: sections the apps above cms register (cms.township_sections);
        # lazy, read in the template's shared fragment.
        context["township_sections"] = SimpleLazyObject(lambda: township_sections(self.township, request))
        return context


class StoryIndexPage(RoutablePageMixin, BasePage):
    kept_all_day = True

    introduction = RichTextField(_("introduction"), blank=True, features=RICH_TEXT_FEATURES)

    content_panels = Page.content_panels + [FieldPanel("introduction")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.StoryPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("story index page")

    def stories(self):
        return (
            StoryPage.objects.child_of(self)
            .live()
            .public()
            .select_related("township__county")
            .prefetch_related(*CONTENT_LANGUAGE_RELATIONS, "tags", Prefetch("hero_image", queryset=card_images()))
            .order_by("-date", "-pk")
        )

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        stories = StoryPage.objects.child_of(self).live().public().order_by("-date", "-pk")
        tag = request.GET.get("tag", "").strip()
        county = request.GET.get("county", "").strip()
        if tag:
            stories = stories.filter(tags__name=tag)
        if county:
            stories = stories.filter(township__county__code=county)
        context.update(
            # Read in the fragment; ids only, in one query: the cards are mostly kept ({% story_cards %}).
            stories=SimpleLazyObject(
                lambda: paginate(request, list(stories.values_list("pk", flat=True)), STORIES_PER_PAGE)
            ),
            active_tag=tag,
            active_county=county,
            counties=County.objects.all(),
        )
        return context

    @path("")
    def index(self, request):
        return self.render(request)

    @path("feed/rss/", name="rss")
    def rss_feed(self, request):
        from cms.feeds import StoryRssFeed

        return StoryRssFeed(self)(request)

    @path("feed/atom/", name="atom")
    def atom_feed(self, request):
        from cms.feeds import StoryAtomFeed

        return StoryAtomFeed(self)(request)


class StoryPageTag(TaggedItemBase):
    content_object = ParentalKey(
        "cms.StoryPage", on_delete=models.CASCADE, related_name="tagged_items", verbose_name=_("story")
    )


class StoryPage(BasePage):
    """品牌故事: a brand story."""

    date = models.DateField(_("date"))
    hero_image = models.ForeignKey(
        "cms.CustomImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("image")
    )
    hero_image_alt = hero_image_alt_field()
    body = StreamField(BodyBlock(), verbose_name=_("body"))
    tags = ClusterTaggableManager(through=StoryPageTag, blank=True, verbose_name=_("tags"))
    township = models.ForeignKey(
        Township, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("township")
    )
    related_projects = ParentalManyToManyField("cms.ProjectPage", blank=True, verbose_name=_("related projects"))
    is_demo = models.BooleanField(_("demo content"), default=False, editable=False)

    content_panels = Page.content_panels + [
        FieldPanel("date"),
        FieldPanel("hero_image"),
        FieldPanel("hero_image_alt"),
        FieldPanel("body"),
        MultiFieldPanel([FieldPanel("township"), FieldPanel("tags"), FieldPanel("related_projects")], _("About")),
    ]
    search_fields = BasePage.search_fields + [index.SearchField("body"), index.FilterField("township")]
    parent_page_types = ["cms.StoryIndexPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("story page")

    def tags_with_language(self):
        """[(tag name, HTML lang)]: a translation copies its original's tags, so a tag the translator left as it was
        is in the original's language, one they wrote in the page's own."""
        from core.languages import html_lang

        source = self.alias_of.specific if self.alias_of_id else self
        names = [tag.name for tag in source.tags.all()]
        default = Locale.get_default()
        if source.locale_id == default.pk:
            return [(name, html_lang(default.language_code)) for name in names]
        original = StoryPage.objects.filter(translation_key=self.translation_key, locale=default).first()
        copied = {tag.name for tag in original.tags.all()} if original is not None else set()
        return [
            (name, html_lang(default.language_code if name in copied else source.locale.language_code))
            for name in names
        ]

    def related_project_ids(self):
        """The ids of the live, public projects this story links, each in the reader's language (a translated story
        still points at the originals). Kept while the story's own generations stand: a publish, unpublish or
        translation of a linked project moves them (cms.page_cache.pages_changed), a payment does not, so the page
        rendered again after a payment on its project reads only that card's money."""
        from cms.page_cache import values_of_pages
        from cms.public import ids_in_active_language

        def read(story_ids):
            return {self.pk: ids_in_active_language(self.related_projects.live().public())}

        return values_of_pages("story-related-projects", [self.pk], read, shows_money=False)[self.pk]

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # Read by the parts of the page that show them, and not at all when those parts are kept. The related
        # projects as ids: their cards are kept ({% project_card_list %}).
        context["tags"] = SimpleLazyObject(self.tags_with_language)
        context["related"] = SimpleLazyObject(self.related_project_ids)
        return context


class ProjectPage(BasePage):
    """A project's public page. Submitted from the public site as a draft, published only after review."""

    township = models.ForeignKey(
        Township, on_delete=models.PROTECT, related_name="+", verbose_name=_("township"), editable=False
    )
    hero_image = models.ForeignKey(
        "cms.CustomImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("image")
    )
    hero_image_alt = hero_image_alt_field()
    body = StreamField(BodyBlock(), verbose_name=_("story"), blank=True)
    sector = models.ForeignKey(
        "cms.Sector",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
        verbose_name=_("sector"),
    )
    sdgs = ParentalManyToManyField("cms.SustainableDevelopmentGoal", blank=True, verbose_name=_("SDGs"))
    support_programmes = ParentalManyToManyField(
        "cms.SupportProgramme", blank=True, verbose_name=_("eligible support programmes")
    )
    is_demo = models.BooleanField(_("demo content"), default=False, editable=False)

    content_panels = Page.content_panels + [
        FieldPanel("hero_image"),
        FieldPanel("hero_image_alt"),
        FieldPanel("body"),
        MultiFieldPanel(
            [FieldPanel("sector"), FieldPanel("sdgs"), FieldPanel("support_programmes")], _("Classification")
        ),
        InlinePanel("updates", label=_("Updates from the team")),
    ]
    search_fields = BasePage.search_fields + [
        index.SearchField("body"),
        index.FilterField("township"),
        index.FilterField("sector"),
    ]
    parent_page_types = ["cms.TownshipPage"]
    subpage_types = []

    class Meta:
        verbose_name = _("project page")

    def full_clean(self, *args, **kwargs):
        self.set_township_from_parent()
        super().full_clean(*args, **kwargs)

    def save(self, *args, **kwargs):
        self.set_township_from_parent()
        super().save(*args, **kwargs)

    def set_township_from_parent(self):
        if self.township_id or not self.path:
            return
        parent = self.get_parent()
        if parent is not None and isinstance(parent.specific, TownshipPage):
            self.township_id = parent.specific.township_id

    def get_context(self, request, *args, **kwargs):
        context = super().get_context(request, *args, **kwargs)
        # The listing, questions and backings belong to the default-language page, whichever language is shown.
        context["project"] = self.default_language_version
        # Read by the parts of the page that show it, once, and not at all when those parts are kept.
        context["township_page"] = SimpleLazyObject(self.get_parent)
        context["updates"] = self.updates.all()
        context["sdg_list"] = self.sdgs.all()
        context["programmes"] = self.support_programmes.all()
        return context


class ProjectUpdate(Orderable):
    """An update from the project's team, shown on the project page, newest first."""

    project = ParentalKey(ProjectPage, on_delete=models.CASCADE, related_name="updates", verbose_name=_("project"))
    date = models.DateField(_("date"))
    title = models.CharField(_("title"), max_length=200)
    body = RichTextField(_("text"), features=["bold", "italic", "link", "ol", "ul"])

    panels = [FieldPanel("date"), FieldPanel("title"), FieldPanel("body")]

    class Meta(Orderable.Meta):
        ordering = ["-date", "sort_order"]
        verbose_name = _("project update")
