"""Demo content for the CMS: one home page per language. Safe to run again."""

from django.conf import settings
from django.db import transaction
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Locale, Page, Site

from cms.models import HomePage

HOME_PAGE_TEXT = {
    "zh-hant": {
        "title": "Homeward 地方創生平台",
        "introduction": "讓企業、市民與返鄉青年，一起投入台灣鄉鎮的地方創生事業。",
    },
    "en": {
        "title": "Homeward: regional revitalization in Taiwan",
        "introduction": (
            "Companies, citizens and returning youth backing the enterprises "
            "that bring Taiwan's townships back to life."
        ),
    },
    "ja": {
        "title": "Homeward 台湾の地方創生プラットフォーム",
        "introduction": "企業・市民・Uターンの若者が、台湾の郷鎮の地方創生事業を一緒に支えます。",
    },
}


@transaction.atomic
def ensure_home_pages():
    """Make a HomePage the site root, with a published translation per language."""
    site = Site.objects.filter(is_default_site=True).first()
    default_locale, _ = Locale.objects.get_or_create(
        language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
    )
    home = HomePage.objects.filter(locale=default_locale).first()
    created = []
    if home is None:
        # Wagtail's first migration makes the root; a flushed test database has none.
        root = Page.get_first_root_node() or Page.add_root(title="Root", locale=default_locale)
        home = root.add_child(
            instance=HomePage(slug="homeward", locale=default_locale, **HOME_PAGE_TEXT[default_locale.language_code])
        )
        home.save_revision().publish()
        created.append(default_locale.language_code)
    if site is None:
        site = Site.objects.create(
            hostname="localhost", port=80, root_page=home, is_default_site=True, site_name="Homeward"
        )
    elif site.root_page_id != home.pk:
        previous_root = site.root_page.specific
        site.root_page = home
        site.save()
        # Wagtail's installer leaves a "Welcome" page; it has no place in Homeward's tree.
        if type(previous_root) is Page and previous_root.slug == "home":
            previous_root.delete()

    for language_code, text in HOME_PAGE_TEXT.items():
        locale, _ = Locale.objects.get_or_create(language_code=language_code)
        if locale == default_locale or home.get_translations().filter(locale=locale).exists():
            continue
        translation = home.copy_for_translation(locale)
        for name, value in text.items():
            setattr(translation, name, value)
        translation.save_revision().publish()
        created.append(language_code)
    return created
