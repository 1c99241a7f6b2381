"""An experience's photo, through the organiser's pages: uploaded on create and on edit, checked as every public
upload is, kept, replaced and removed; shown on the public list's card, the experience's page and search results."""

import io

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import translation
from PIL import Image

from cms.models import CustomImage
from core.models import AuditEntry
from experiences import actions
from experiences.models import Experience
from tests.experiences.conftest import soon
from tests.factories.market import ZHUSHAN, township

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


def url(name, language="en", **kwargs):
    with translation.override(language):
        return reverse(f"experiences:{name}", kwargs=kwargs or None)


def jpeg(name="tea.jpg", colour=(40, 120, 60)):
    buffer = io.BytesIO()
    Image.new("RGB", (320, 200), colour).save(buffer, "JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def details(**changes):
    form = {
        "kind": "experience",
        "title_zh": "竹山採茶",
        "description_zh": "跟著茶農上山採茶。",
        "township": township(ZHUSHAN).pk,
        "meeting_point": "竹山車站前",
        "price_twd": 300,
        "minimum_age": 0,
        "cancellation_rule": "flexible",
        "is_published": "on",
    }
    form.update(changes)
    return {name: value for name, value in form.items() if value is not None}


def page(response):
    return BeautifulSoup(response.content, "html.parser")


def with_a_date(user, experience):
    actions.add_slot(user, experience, starts_at=soon(), ends_at=soon(hour=12), capacity=5)
    return experience


def test_a_photo_uploaded_with_a_new_experience_shows_on_its_card_and_its_page(client, alice, office):
    client.force_login(alice)
    form = details(image=jpeg(), image_alt="茶園裡的茶農", image_alt_en="A tea farmer in the tea garden")
    response = client.post(url("new", slug=office.slug), form)
    assert response.status_code == 302, response.content.decode()[-3000:]

    experience = Experience.objects.get(title_zh="竹山採茶")
    assert isinstance(experience.image, CustomImage) and experience.image.description == "茶園裡的茶農"
    entry = AuditEntry.objects.get(action="experience.create")
    assert entry.data["photo"] == experience.image_id
    with_a_date(alice, experience)
    client.logout()

    card = page(client.get(url("list"))).select_one(".experience-card")
    picture = card.select_one(".card-media picture")
    assert picture is not None and {source["type"] for source in picture.select("source")} == {"image/webp"}
    img = picture.img
    assert img["loading"] == "lazy" and img["width"] and img["height"] and "," in img["srcset"]
    assert img["alt"] == "", "the card's title beside it says what it is"

    for language, alt in (
        ("en", "A tea farmer in the tea garden"),
        ("ja", "茶園裡的茶農"),
        ("zh-hant", "茶園裡的茶農"),
    ):
        shown = page(client.get(url("detail", language, pk=experience.pk)))
        photo = shown.select_one(".experience-photo img")
        assert photo["alt"] == alt and photo["width"] and photo["height"] and photo.get("loading") != "lazy"
        assert shown.select_one(".experience-photo")["lang"] == ("en" if language == "en" else "zh-Hant-TW")


def test_an_experience_without_a_photo_keeps_its_card_without_a_picture(client, alice, experience):
    with_a_date(alice, experience)
    card = page(client.get(url("list"))).select_one(".experience-card")
    assert card.select_one(".card-media") is None and card.select_one(".card-title").get_text() == "竹山採茶體驗"
    assert page(client.get(url("detail", pk=experience.pk))).select_one(".experience-photo") is None


def test_a_file_that_is_no_picture_is_refused_with_the_reason_and_everything_typed_stays(client, alice, office):
    client.force_login(alice)
    not_a_picture = SimpleUploadedFile("tea.jpg", b"%PDF-1.4 not a picture", content_type="image/jpeg")
    response = client.post(url("new", slug=office.slug), details(image=not_a_picture, image_alt="茶園"))

    assert response.status_code == 400
    shown = page(response)
    error = shown.select_one(".field-error #id_image") or shown.select_one("#id_image")
    assert error is not None
    field = error.find_parent(class_="field")
    assert "field-error" in field["class"] and "image" in field.get_text().lower(), field.get_text()
    assert shown.select_one("#id_title_zh")["value"] == "竹山採茶"
    assert shown.select_one("#id_meeting_point")["value"] == "竹山車站前"
    assert shown.select_one("#id_image_alt")["value"] == "茶園"
    assert shown.select_one("form.stacked-form")["enctype"] == "multipart/form-data"
    help_text = shown.select_one("#id_image_helptext").get_text()
    assert "It shows on the experience's card and page." in help_text and "Supported formats" not in help_text
    assert not Experience.objects.exists() and not CustomImage.objects.exists()


def test_a_photo_needs_words_for_people_who_cannot_see_it(client, alice, office):
    client.force_login(alice)
    response = client.post(url("new", slug=office.slug), details(image=jpeg()))
    assert response.status_code == 400
    assert "Describe the photo for people who cannot see it." in response.content.decode()
    assert not CustomImage.objects.exists()


def test_editing_keeps_the_photo_replaces_it_and_removes_it(client, alice, experience):
    client.force_login(alice)
    manage = url("manage", pk=experience.pk)
    form = details(title_zh=experience.title_zh, price_twd=0, image_alt="茶園")

    assert client.post(manage, {**form, "image": jpeg("first.jpg")}).status_code == 302
    experience.refresh_from_db()
    first = experience.image
    assert first is not None
    managed = page(client.get(manage))
    assert managed.select_one(".experience-current-photo img") is not None
    assert managed.select_one("#id_remove_image") is not None

    # Saved again without a file: the photo stays, its words may change alone
    assert client.post(manage, {**form, "image_alt": "茶園與茶農"}).status_code == 302
    experience.refresh_from_db()
    assert experience.image_id == first.pk and experience.image_alt == "茶園與茶農"

    # A new photo takes its place; the old one leaves the library, nothing else showing it
    assert client.post(manage, {**form, "image": jpeg("second.jpg", (200, 80, 20))}).status_code == 302
    experience.refresh_from_db()
    assert experience.image_id not in (None, first.pk)
    assert not CustomImage.objects.filter(pk=first.pk).exists()
    second = experience.image

    assert client.post(manage, {**form, "image_alt": "", "remove_image": "on"}).status_code == 302
    experience.refresh_from_db()
    assert experience.image is None and not CustomImage.objects.filter(pk=second.pk).exists()
    entries = AuditEntry.objects.filter(action="experience.update").order_by("pk")
    assert [entry.data.get("photo", "unchanged") for entry in entries] == [first.pk, "unchanged", second.pk, None]
    client.logout()
    with_a_date(alice, experience)
    assert page(client.get(url("detail", pk=experience.pk))).select_one(".experience-photo") is None


def test_a_refused_new_photo_keeps_the_current_one(client, alice, experience):
    client.force_login(alice)
    manage = url("manage", pk=experience.pk)
    form = details(title_zh=experience.title_zh, price_twd=0, image_alt="茶園")
    client.post(manage, {**form, "image": jpeg()})
    experience.refresh_from_db()
    kept = experience.image_id

    broken = SimpleUploadedFile("next.png", b"\x89PNG\r\n\x1a\n broken", content_type="image/png")
    response = client.post(manage, {**form, "title_zh": "新名稱", "image": broken})
    assert response.status_code == 400
    assert page(response).select_one("#id_title_zh")["value"] == "新名稱"
    experience.refresh_from_db()
    assert experience.image_id == kept and experience.title_zh == "竹山採茶體驗"
    assert CustomImage.objects.count() == 1


def test_another_team_cannot_change_or_remove_the_photo(client, alice, bob, experience):
    client.force_login(alice)
    manage = url("manage", pk=experience.pk)
    form = details(title_zh=experience.title_zh, price_twd=0, image_alt="茶園")
    client.post(manage, {**form, "image": jpeg()})
    experience.refresh_from_db()
    photo = experience.image_id

    client.force_login(bob)
    assert client.post(manage, {**form, "image": jpeg("theirs.jpg")}).status_code == 403
    assert client.post(manage, {**form, "remove_image": "on"}).status_code == 403
    experience.refresh_from_db()
    assert experience.image_id == photo and CustomImage.objects.count() == 1
    with pytest.raises(PermissionDenied):
        actions.update_experience(bob, experience, remove_image=True)
    experience.refresh_from_db()
    assert experience.image_id == photo


def test_the_action_checks_an_upload_as_the_form_does(alice, experience):
    """A script calling the action meets the same limits: a refused file stores nothing."""
    from core.actions import ActionRefused

    not_a_picture = SimpleUploadedFile("tea.gif", b"GIF89a but no more", content_type="image/gif")
    with pytest.raises(ActionRefused):
        actions.update_experience(alice, experience, image=not_a_picture, image_alt="茶園")
    assert not CustomImage.objects.exists()
    with pytest.raises(ActionRefused, match="Describe the photo"):
        actions.update_experience(alice, experience, image=jpeg())


def test_the_demo_experiences_have_drawn_photos_with_words_in_three_languages(client, townships):
    from experiences.demo import ensure_demo_experiences

    ensure_demo_experiences()
    experiences = list(Experience.objects.all())
    assert len(experiences) == 3 and all(experience.image_id for experience in experiences)
    assert all(
        experience.image_alt and experience.image_alt_en and experience.image_alt_ja for experience in experiences
    )
    photos = {experience.pk: experience.image_id for experience in experiences}
    ensure_demo_experiences()  # run again: the same photos
    assert {experience.pk: experience.image_id for experience in Experience.objects.all()} == photos
    cards = page(client.get(url("list", "ja"))).select(".experience-card .card-media img")
    assert len(cards) == 3
