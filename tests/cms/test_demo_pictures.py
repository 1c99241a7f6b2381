"""Pictures made for the demo: drawn with Pillow in the site's palette, stored once as Wagtail images."""

import datetime

import pytest
from PIL import Image

from cms.demo_pictures import CREDIT, HEIGHT, PALETTE, SCENES, WIDTH, draw_scene, ensure_demo_pictures

DEMO_STORY = "屏東可可取代檳榔"
DEMO_PROJECT = "屏東可可共同發酵場"
NEIPU = "10013130"


def test_every_scene_is_a_full_size_picture_with_the_homeward_house_and_is_drawn_the_same_each_time():
    for scene in SCENES:
        picture = draw_scene(scene)
        assert picture.size == (WIDTH, HEIGHT)
        assert picture.mode == "RGB"
        colours = {colour for _count, colour in picture.getcolors(maxcolors=WIDTH * HEIGHT)}
        assert PALETTE["persimmon"] in colours, f"{scene} lacks the persimmon roof of the motif"
        assert draw_scene(scene).tobytes() == picture.tobytes()
    assert draw_scene("tea", variant=0).tobytes() != draw_scene("tea", variant=2).tobytes()


@pytest.mark.django_db
@pytest.mark.postgres
def test_demo_story_project_and_township_get_a_picture_once(home_pages, townships):
    from cms.actions import ensure_township_pages, township_page_for
    from cms.models import CustomImage, ProjectPage, StoryIndexPage, StoryPage, TownshipPage
    from places.models import Township

    ensure_township_pages(codes=[NEIPU])
    neipu = Township.objects.get(code=NEIPU)
    project = township_page_for(neipu).add_child(instance=ProjectPage(title=DEMO_PROJECT, slug="cocoa", is_demo=True))
    project.save_revision().publish()
    story = StoryIndexPage.objects.get(locale__language_code="zh-hant").add_child(
        instance=StoryPage(
            title="從檳榔到可可", slug=DEMO_STORY, date=datetime.date(2026, 3, 2), body=[], township=neipu, is_demo=True
        )
    )
    story.save_revision().publish()

    assert ensure_demo_pictures() == 3  # the story's, the project's, and one for the township in every language
    assert ensure_demo_pictures() == 0

    story.refresh_from_db()
    project.refresh_from_db()
    assert story.hero_image.credit == CREDIT
    assert story.hero_image.description.startswith("插畫：")
    assert (story.hero_image.width, story.hero_image.height) == (WIDTH, HEIGHT)
    assert project.hero_image not in (None, story.hero_image)
    townships = TownshipPage.objects.filter(township=neipu)
    assert townships.count() == 3
    assert {page.hero_image_id for page in townships} != {None}
    assert len({page.hero_image_id for page in townships}) == 1
    with story.hero_image.open_file() as handle:
        assert Image.open(handle).format == "JPEG"
    assert CustomImage.objects.count() == 3


@pytest.mark.django_db
@pytest.mark.postgres
def test_a_picture_an_editor_chose_is_kept(home_pages, townships):
    from cms.actions import ensure_township_pages
    from cms.models import StoryIndexPage, StoryPage
    from tests.factories.cms import make_image

    ensure_township_pages(codes=[NEIPU])

    chosen = make_image("editor's photo")
    story = StoryIndexPage.objects.get(locale__language_code="zh-hant").add_child(
        instance=StoryPage(title="t", slug=DEMO_STORY, date=datetime.date(2026, 3, 2), body=[], is_demo=True)
    )
    story.hero_image = chosen
    story.save_revision().publish()

    ensure_demo_pictures()

    story.refresh_from_db()
    assert story.hero_image == chosen


@pytest.mark.django_db
@pytest.mark.postgres
def test_written_translations_of_a_demo_project_get_its_picture_too(home_pages, townships):
    from wagtail.models import Locale

    from cms.actions import ensure_township_pages, township_page_for
    from cms.models import ProjectPage
    from places.models import Township

    ensure_township_pages(codes=[NEIPU])
    project = township_page_for(Township.objects.get(code=NEIPU)).add_child(
        instance=ProjectPage(title=DEMO_PROJECT, slug="cocoa", is_demo=True)
    )
    project.save_revision().publish()
    english = project.copy_for_translation(Locale.objects.get(language_code="en"), copy_parents=True)
    english.title = "Pingtung cocoa fermentation house"
    english.save_revision().publish()
    japanese_alias = project.copy_for_translation(Locale.objects.get(language_code="ja"), copy_parents=True, alias=True)

    ensure_demo_pictures()

    project.refresh_from_db()
    english.refresh_from_db()
    japanese_alias.refresh_from_db()
    assert project.hero_image is not None
    assert english.hero_image_id == project.hero_image_id, "an English reader sees the same picture"
    assert english.live_revision.as_object().hero_image_id == project.hero_image_id, "published, not only saved"
    assert japanese_alias.hero_image_id == project.hero_image_id, "the alias follows its source"


@pytest.mark.django_db
@pytest.mark.postgres
def test_a_written_translation_describes_the_demo_picture_in_its_own_language(home_pages, townships):
    """The image's alt text is Chinese; the English and Japanese stories say what it shows in their language."""
    from wagtail.models import Locale

    from cms.actions import ensure_township_pages
    from cms.models import StoryIndexPage, StoryPage
    from places.models import Township

    ensure_township_pages(codes=[NEIPU])
    story = StoryIndexPage.objects.get(locale__language_code="zh-hant").add_child(
        instance=StoryPage(
            title="從檳榔到可可",
            slug=DEMO_STORY,
            date=datetime.date(2026, 3, 2),
            body=[],
            township=Township.objects.get(code=NEIPU),
            is_demo=True,
        )
    )
    story.save_revision().publish()
    for code in ("en", "ja"):
        story.copy_for_translation(Locale.objects.get(language_code=code)).save_revision().publish()

    ensure_demo_pictures()
    ensure_demo_pictures()

    versions = {
        page.locale.language_code: page for page in StoryPage.objects.filter(translation_key=story.translation_key)
    }
    assert versions["zh-hant"].hero_alt.startswith("插畫：")
    assert versions["en"].hero_alt == (
        "Illustration: cocoa trees below the hills, yellow and orange-red pods hanging from their trunks."
    )
    assert versions["ja"].hero_alt.startswith("イラスト：丘のふもとのカカオの木")
    assert len({page.hero_image_id for page in versions.values()}) == 1
    assert versions["en"].get_latest_revision().as_object().hero_image_alt == versions["en"].hero_alt
