"""The staff's admin speaks Chinese or Japanese on its daily screens, where Wagtail 8's own catalogs leave its
strings in English: ours fill the gaps (core/admin_strings.py for the templates and Python, locale/*/djangojs.po for
what its JavaScript renders)."""

import ast
import pathlib

import polib
import pytest
from django.urls import reverse

from tests.helpers import ROOT, with_mfa

CATALOGS = ("zh_Hant", "ja")


def marked_strings():
    """(msgid, msgid_plural) of every call in core/admin_strings.py, read from its source as makemessages does."""
    tree = ast.parse((ROOT / "core" / "admin_strings.py").read_text(encoding="utf-8"))
    marked = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", "") in ("gettext_noop", "ngettext_lazy"):
            strings = [argument.value for argument in node.args if isinstance(argument.value, str)]
            marked.append((strings[0], strings[1] if len(strings) > 1 else ""))
    return marked


def test_admin_strings_marks_wagtails_strings_exactly_as_wagtail_writes_them():
    """A msgid that differs by one character from Wagtail's translates nothing."""
    import wagtail

    wagtail_msgids = set()
    for path in pathlib.Path(wagtail.__path__[0]).glob("**/locale/en/LC_MESSAGES/django.po"):
        wagtail_msgids |= {(entry.msgid, entry.msgid_plural) for entry in polib.pofile(str(path))}

    marked = marked_strings()

    assert len(marked) > 200
    assert [string for string in marked if string not in wagtail_msgids] == []


@pytest.mark.parametrize("language", CATALOGS)
def test_every_admin_string_has_a_translation(language):
    catalog = {
        entry.msgid: entry
        for entry in polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "django.po"))
        if not entry.obsolete
    }
    missing = [
        msgid
        for msgid, plural in marked_strings()
        if msgid not in catalog
        or catalog[msgid].fuzzy
        or not (catalog[msgid].msgstr_plural.get(0) if plural else catalog[msgid].msgstr).strip()
    ]
    assert missing == []


@pytest.mark.parametrize("language", CATALOGS)
def test_every_javascript_string_of_ours_translates_one_of_wagtails(language):
    import wagtail

    theirs = polib.pofile(f"{wagtail.__path__[0]}/admin/locale/en/LC_MESSAGES/djangojs.po")
    ours = polib.pofile(str(ROOT / "locale" / language / "LC_MESSAGES" / "djangojs.po"))

    assert {entry.msgid for entry in ours} <= {entry.msgid for entry in theirs}
    assert [entry.msgid for entry in ours if not entry.translated() or entry.fuzzy] == []


SCREENS = {
    # screen: (url name, its arguments, Wagtail's English, {language: our translation})
    "dashboard": (
        "wagtailadmin_home",
        [],
        "Keyboard shortcuts",
        {"zh-hant": "鍵盤快速鍵", "ja": "キーボードショートカット"},
    ),
    "account": ("wagtailadmin_account", [], "Theme preferences", {"zh-hant": "主題偏好", "ja": "テーマの設定"}),
    "account fields": ("wagtailadmin_account", [], "Admin theme", {"zh-hant": "後台主題", "ja": "管理画面のテーマ"}),
    "images": (
        "wagtailimages:index",
        [],
        "Usage count: (high to low)",
        {"zh-hant": "使用次數（多到少）", "ja": "使用回数（多い順）"},
    ),
    "groups": (
        "wagtailusers_groups:edit",
        ["moderators"],
        "Toggle all add permissions",
        {"zh-hant": "切換所有新增權限", "ja": "すべての追加権限を切り替え"},
    ),
    "page editor": (
        "wagtailadmin_pages:edit",
        ["root"],
        "Set publishing schedule",
        {"zh-hant": "設定發布排程", "ja": "公開スケジュールを設定"},
    ),
    "workflows": (
        "wagtailadmin_workflows:index",
        [],
        "Show disabled",
        {"zh-hant": "顯示已停用的", "ja": "無効なものも表示"},
    ),
}


@pytest.fixture
def staff_client(client, django_user_model):
    staff = with_mfa(django_user_model.objects.create_superuser("staff@example.tw", "x-long-password-1"))
    client.force_login(staff)
    client.staff = staff
    return client


@pytest.mark.django_db
@pytest.mark.postgres
@pytest.mark.parametrize("language", ["zh-hant", "ja"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_a_daily_admin_screen_speaks_the_staff_members_language(staff_client, language, screen):
    from django.contrib.auth.models import Group
    from wagtail.models import Site

    profile = staff_client.staff.wagtail_userprofile
    profile.preferred_language = language
    profile.save()
    name, args, english, expected = SCREENS[screen]
    args = [
        {
            "moderators": lambda: Group.objects.get(name="Moderators").pk,
            "root": lambda: Site.objects.get(is_default_site=True).root_page_id,
        }[arg]()
        for arg in args
    ]

    page = staff_client.get(reverse(name, args=args)).text

    assert expected[language] in page
    assert english not in page


@pytest.mark.django_db
@pytest.mark.postgres
@pytest.mark.parametrize(
    ("language", "expected"), [("zh-hant", "顯示／隱藏側邊欄"), ("ja", "サイドバーの表示切り替え")]
)
def test_the_admins_javascript_strings_speak_the_staff_members_language(staff_client, language, expected):
    """The sidebar, minimap, comments and rich text editor are drawn by JavaScript, which reads the admin's
    JavaScript catalog: ours comes after Wagtail's there too (LOCALE_PATHS)."""
    import json

    profile = staff_client.staff.wagtail_userprofile
    profile.preferred_language = language
    profile.save()

    catalog = staff_client.get(reverse("wagtailadmin_javascript_catalog")).text

    assert json.dumps(expected)[1:-1] in catalog  # written as \\uXXXX escapes, as json.dumps writes them


@pytest.mark.parametrize(
    ("model", "field", "japanese"),
    [
        ("marketplace.Interest", "commitment_proposed_by", "出資約束を提案した人"),
        ("marketplace.Interest", "commitment_confirmed_by", "出資約束を確認した人"),
        ("payments.LedgerEntry", "backing", "支援"),
        ("payments.LedgerEntry", "recorded_by", "記録者"),
        ("payments.BackingLedgerNet", "backing", "支援"),
        ("payments.RefundRequest", "backing", "支援"),
        ("payments.RefundRequest", "requested_by", "依頼者"),
        ("traceability.Entry", "recorded_by", "記録者"),
        ("plans.GuidanceMeeting", "recorded_by", "記録者"),
    ],
)
def test_our_fields_the_admin_shows_name_themselves_in_the_staff_members_language(model, field, japanese):
    """The interest pipeline's and the ledger's inspect screens, the refund and meeting screens read "Commitment
    confirmed by", "Backing", "Recorded by" in a Chinese or Japanese admin: Django names a field without a
    verbose_name after its attribute, in English."""
    from django.apps import apps
    from django.utils import translation

    label = apps.get_model(model)._meta.get_field(field).verbose_name

    with translation.override("ja"):
        assert str(label) == japanese
    with translation.override("zh-hant"):
        assert str(label) not in (japanese, field.replace("_", " "))


def field_labels_script():
    """scripts/field_labels.py, the listing a translator runs, is the check the tests below make."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("field_labels", ROOT / "scripts" / "field_labels.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# Tables only code reads: the search index's own rows and the sensors' raw readings and their roll-ups. No admin
# screen, listing or form shows them (test_no_admin_screen_shows_an_internal_table keeps it so).
INTERNAL_TABLES = {
    "search.SearchEntry",
    "search.SearchToken",
    "search.SearchFacetValue",
    "search.PendingUpdate",
    "search.IndexRebuild",
    "traceability.Reading",
    "traceability.ReadingAggregate",
    "traceability.PendingHour",
}


def models_the_admin_shows():
    """Every model of ours with an admin screen: ModelViewSets and snippets (listing, filters, inspect, edit), site
    settings, page types and the inline rows their editors show (InlinePanel)."""
    from django.urls import reverse
    from modelcluster.models import get_all_child_relations
    from wagtail.admin.viewsets import viewsets
    from wagtail.contrib.settings.registry import registry as settings_registry
    from wagtail.models import get_page_models

    reverse("wagtailadmin_home")  # the admin's URLconf registers its viewsets
    shown = {viewset.model for viewset in viewsets.viewsets if getattr(viewset, "model_opts", None)}
    shown |= set(settings_registry)
    pages = [model for model in get_page_models() if model._meta.app_label in field_labels_script().OUR_APPS]
    shown |= set(pages)
    shown |= {relation.related_model for page in pages for relation in get_all_child_relations(page)}
    return {model for model in shown if model._meta.app_label in field_labels_script().OUR_APPS}


def test_the_admin_shows_the_models_the_label_check_reads():
    """A registry read wrongly would leave the check below with nothing to check."""
    labels = {model._meta.label for model in models_the_admin_shows()}

    assert {"payments.LedgerEntry", "cms.SupportProgramme", "cms.ProjectPage", "cms.NavigationSettings"} <= labels
    assert "cms.ProjectUpdate" in labels  # a project page's inline updates


def test_every_field_the_admin_shows_has_a_label_in_chinese_and_japanese():
    """A field without a translated verbose_name reads "stripe charge id" or "created by" in a Chinese or Japanese
    admin's listing columns, filters, inspect and edit screens."""
    script = field_labels_script()

    assert script.unlabelled_fields(sorted(models_the_admin_shows(), key=str)) == []


def test_every_field_of_our_models_has_a_label_in_chinese_and_japanese_but_internal_tables():
    """Public forms and staff screens of our own read the same labels; only tables no one sees may go without."""
    script = field_labels_script()

    unlabelled = script.unlabelled_fields(script.our_models())

    assert [row for row in unlabelled if row[0] not in INTERNAL_TABLES] == []


def test_no_admin_screen_shows_an_internal_table():
    assert INTERNAL_TABLES.isdisjoint(model._meta.label for model in models_the_admin_shows())


def test_the_label_check_finds_a_field_named_in_english():
    from django.db import models
    from django.test.utils import isolate_apps
    from django.utils.translation import gettext_lazy

    script = field_labels_script()
    with isolate_apps("core"):

        class Sample(models.Model):
            end_date = models.DateField()
            is_public = models.BooleanField(verbose_name="is public")
            kind = models.CharField(max_length=10, verbose_name=gettext_lazy("a label no catalog has"))
            township = models.CharField(max_length=10, verbose_name=gettext_lazy("township"))

            class Meta:
                app_label = "core"

            def __str__(self):
                return str(self.pk)

        unlabelled = [(field, reason) for _model, field, _label, reason in script.unlabelled_fields([Sample])]

    assert unlabelled == [
        ("end_date", "not marked for translation"),
        ("is_public", "not marked for translation"),
        ("kind", "no zh-hant or ja"),
    ]


@pytest.mark.parametrize("language", ["zh-hant", "en", "ja"])
def test_no_two_fields_of_a_model_share_a_label(language):
    """An inspect screen listing "結果" twice (a job run's outcome and its returned value) or a booking's two
    deadlines both read "確保期限" tells the staff member nothing."""
    from django.utils import translation

    script = field_labels_script()
    shared = []
    with translation.override(language):
        for model in script.our_models():
            labels = {}
            for field in script.labelled_fields(model):
                labels.setdefault(str(field.verbose_name), []).append(field.name)
            shared += [(model._meta.label, label, names) for label, names in labels.items() if len(names) > 1]

    assert shared == []


def _wagtail_source_entries(domain):
    """Every string of the installed Wagtail apps' interface in `domain` (their English catalogs list them all), once
    each; an app the site does not install shows none of its strings."""
    from django.apps import apps

    entries = {}
    for app in apps.get_app_configs():
        if app.name.split(".")[0] != "wagtail":
            continue
        for path in sorted(pathlib.Path(app.path).glob(f"locale/en/LC_MESSAGES/{domain}.po")):
            for entry in polib.pofile(str(path)):
                entries.setdefault((entry.msgctxt, entry.msgid), entry)
    return list(entries.values())


def _catalog_key(entry):
    # How gettext's compiled catalogs key a string: with its context before a EOT, a plural by its first form.
    msgid = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
    return (msgid, 0) if entry.msgid_plural else msgid


@pytest.mark.parametrize("language", ["zh-hant", "ja"])
def test_every_string_of_wagtails_admin_is_translated(language):
    """Wagtail 8 ships about half of its admin in Japanese and four fifths in Traditional Chinese; locale/wagtail_admin
    has the rest (translated by hand, or converted from Wagtail's Simplified Chinese), so a staff member never meets
    English in the middle of a screen. After a Wagtail upgrade this names the new strings: run
    scripts/fill_wagtail_zh_hant.py, then translate what is left into both languages by hand."""
    import wagtail
    from django.utils.translation import to_locale, trans_real

    missing = {}
    for domain in ("django", "djangojs"):
        if domain == "django":
            catalog_of_language = trans_real.translation(language)._catalog
        else:
            # As the admin's JavaScript catalog reads it (JavaScriptCatalog: the package's own, then LOCALE_PATHS).
            catalog_of_language = trans_real.DjangoTranslation(
                to_locale(language), domain=domain, localedirs=[f"{wagtail.__path__[0]}/admin/locale"]
            )._catalog
        missing[domain] = [
            entry.msgid for entry in _wagtail_source_entries(domain) if _catalog_key(entry) not in catalog_of_language
        ]
    assert missing == {"django": [], "djangojs": []}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "refusal"), [("ja", "アクセス権がありません。"), ("zh-hant", "抱歉，您沒有權限存取此區域。")]
)
def test_a_screen_the_staff_member_may_not_open_says_so_in_their_language(client, django_user_model, language, refusal):
    """Wagtail speaks the staff member's language inside its views, but catches a refusal around them and adds its
    message there, where the browser's language was active (English for a Japanese member on an English browser)."""
    from django.contrib.auth.models import Group

    editor = with_mfa(django_user_model.objects.create_user("editor@example.tw", "x-long-password-1"))
    editor.groups.add(Group.objects.get(name="Editors"))
    editor.preferred_language = language
    editor.save()
    client.force_login(editor)

    response = client.get(reverse("wagtailusers_users:index"), HTTP_ACCEPT_LANGUAGE="en", follow=True)

    assert response.redirect_chain[-1][0] == reverse("wagtailadmin_home")
    assert refusal in response.text
