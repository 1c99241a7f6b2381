"""Every interface string is translated: the catalogs are complete, and makemessages finds nothing new."""

import re
import shutil

import polib
import pytest

from tests.helpers import ROOT, clean_environment

LANGUAGES = ("zh_Hant", "en", "ja")
IGNORED = [".venv/*", "var/*", "tests/*", "media/*", "node_modules/*"]


def catalog(language, root=ROOT):
    return polib.pofile(str(root / "locale" / language / "LC_MESSAGES" / "django.po"))


@pytest.mark.parametrize("language", LANGUAGES)
def test_catalog_is_complete(language):
    po = catalog(language)
    untranslated = [entry.msgid for entry in po if not entry.obsolete and not entry.translated()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries()]
    assert untranslated == [], f"untranslated in {language}: {untranslated}"
    assert fuzzy == [], f"fuzzy in {language}: {fuzzy}"


def test_the_english_catalog_repeats_the_english_source_strings():
    """Source strings are English; a guess left by makemessages ("emailed" → "failed") would show wrong English."""
    wrong = [
        (entry.msgid, entry.msgstr)
        for entry in catalog("en")
        if not entry.obsolete and not entry.msgid_plural and entry.msgstr not in ("", entry.msgid)
    ]
    assert wrong == []


def test_english_plurals_repeat_their_source_strings():
    wrong = [
        (entry.msgid, entry.msgstr_plural)
        for entry in catalog("en")
        if not entry.obsolete and entry.msgid_plural and entry.msgstr_plural != {0: entry.msgid, 1: entry.msgid_plural}
    ]
    assert wrong == []


def test_the_chinese_interface_addresses_the_reader_as_nin_throughout():
    """One form of address, the courteous 您, in every Chinese interface string and email (the catalog once mixed
    你 and 您, sometimes on one page); a team or an organisation is 貴團隊."""
    catalogs = (catalog("zh_Hant"), polib.pofile(str(ROOT / "locale" / "zh_Hant" / "LC_MESSAGES" / "djangojs.po")))
    familiar = [
        text
        for po in catalogs
        for entry in po
        if not entry.obsolete
        for text in ([entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values()))
        if "你" in text
    ]
    assert familiar == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_translations_keep_every_placeholder(language):
    """A guess left by makemessages usually drops the msgid's placeholders ("%(count)s priority area" →
    "Import priority areas"); a real translation keeps every one of them."""
    placeholders = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")

    def names(text):
        return {match.group(1) or match.group(2) for match in placeholders.finditer(text)}

    wrong = []
    for entry in catalog(language):
        if entry.obsolete:
            continue
        translations = list(entry.msgstr_plural.items()) if entry.msgid_plural else [(0, entry.msgstr)]
        for form, translation in translations:
            # A singular form may say "one" instead of its count (Wagtail's "1 page" / "%(counter)s pages"), where
            # the language has one (English); a language with one form for every count (Chinese, Japanese) must
            # name the plural's placeholders, and plural forms must name the same things.
            expected = names(entry.msgid_plural or entry.msgid) if entry.msgid_plural else names(entry.msgid)
            singular = entry.msgid_plural and form == 0 and len(entry.msgstr_plural) > 1
            if singular and names(translation) == names(entry.msgid):
                continue
            if names(translation) != expected and not (entry.msgid_plural and names(translation) >= expected):
                wrong.append((entry.msgid, translation))
    assert wrong == [], f"placeholders changed in {language}: {wrong}"


def test_a_teams_project_is_zhuanan_in_chinese_and_jihua_is_kept_for_plans_and_programmes():
    """locale/GLOSSARY.md: a team's project is 專案 (never 計畫); 計畫 is a support programme or a revitalization
    plan. A dozen strings about projects only (the fulfilment page, a company's impact report, the programmes'
    eligibility) still said 計畫, so one page called the same thing by two names."""
    project = re.compile(r"\bprojects?\b", re.IGNORECASE)
    plan = re.compile(r"\b(plans?|programmes?)\b", re.IGNORECASE)
    mixed = [
        (entry.msgid, text)
        for entry in catalog("zh_Hant")
        if not entry.obsolete and project.search(entry.msgid) and not plan.search(entry.msgid)
        for text in ([entry.msgstr] if not entry.msgid_plural else list(entry.msgstr_plural.values()))
        if "計畫" in text
    ]
    assert mixed == []


def test_makemessages_finds_no_new_string(tmp_path):
    copy = tmp_path / "project"
    shutil.copytree(
        ROOT,
        copy,
        ignore=shutil.ignore_patterns(".venv", "var", "tests", "media", ".git", "__pycache__", "*.mo", ".services"),
    )
    env = clean_environment(DJANGO_SETTINGS_MODULE="config.settings.dev", DATABASE_URL=f"sqlite:///{tmp_path}/db")
    ignore_args = [argument for pattern in IGNORED for argument in ("--ignore", pattern)]
    result = manage_in(copy, "makemessages", "--locale", "zh_Hant", "--no-obsolete", *ignore_args, env=env)
    assert result.returncode == 0, result.stderr

    known = {entry.msgid for entry in catalog("zh_Hant")}
    found = {entry.msgid for entry in catalog("zh_Hant", root=copy)}
    assert found - known == set(), "run `make messages` and translate the new strings"


def manage_in(directory, *args, env):
    import subprocess
    import sys

    return subprocess.run(
        [sys.executable, str(directory / "manage.py"), *args],
        env=env,
        cwd=directory,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_no_template_puts_a_space_after_a_translated_label_ending_in_a_colon():
    """「あわせて検索した語： 稲米」: Chinese and Japanese end a label with a full-width colon, which takes no space
    after it. A label and its text are joined by the translated separator (context "after a label, before its
    text"), which is ": " in English and "：" in Chinese and Japanese."""

    label_then_space = re.compile(r'\{% (?:translate|trans) "[^"]*:" %\} ')
    offenders = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in ROOT.rglob("*.html")
        if ".venv" not in path.parts and "var" not in path.parts
        for match in label_then_space.finditer(path.read_text(encoding="utf-8"))
    ]
    assert offenders == []


# Words our site uses in another sense than Wagtail's admin does: ours carry a context, so that our catalog (which
# LOCALE_PATHS puts before every app's) does not replace the admin's word (its "Pages" menu read "分頁", pagination;
# its "Explore" read "サイト案内", the footer's heading).
OUR_SENSES = {
    "Pages": "pagination",
    "Fields": "expertise",
    "Format": "work format",
    "From": "date range",
    "Explore": "site footer",
    "New": "unread notice",
    "Admin": "link to the staff admin",
}


@pytest.mark.parametrize("language", ["zh-hant", "ja"])
def test_our_words_do_not_replace_the_admins_words(language):
    import glob

    import wagtail
    from django.utils import translation
    from django.utils.translation import to_locale

    wagtail_dir = wagtail.__path__[0]
    theirs = {}
    for path in sorted(
        glob.glob(f"{wagtail_dir}/**/locale/{to_locale(language)}/LC_MESSAGES/django.po", recursive=True)
    ):
        for entry in polib.pofile(path):
            if entry.msgid in OUR_SENSES and entry.translated() and not entry.msgctxt:
                theirs.setdefault(entry.msgid, set()).add(entry.msgstr)
    ours = {entry.msgid for entry in catalog(to_locale(language)) if not entry.msgctxt and not entry.obsolete}
    with translation.override(language):
        for word, context in OUR_SENSES.items():
            assert word not in ours, f"{word!r} without a context in our catalog: it replaces Wagtail's"
            assert translation.pgettext(context, word) != word, f"{word!r} ({context}) is not translated"
            if word in theirs:
                assert translation.gettext(word) in theirs[word], f"the admin's {word!r} reads as ours"


def test_a_string_missing_from_japanese_reads_in_english_not_chinese(tmp_path, settings):
    """A catalog that translates a string into Chinese but not Japanese (as Wagtail's did for hundreds of its admin's
    strings): a Japanese staff member reads it in English (the source text), not in Chinese (Django's fallback to
    LANGUAGE_CODE showed "Used by" as 已用於)."""
    from django.utils import translation

    for language, entries in (("zh_Hant", [("Only in Chinese", "只有中文")]), ("ja", [])):
        po = polib.POFile()
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Language": language}
        for msgid, msgstr in entries:
            po.append(polib.POEntry(msgid=msgid, msgstr=msgstr))
        directory = tmp_path / language / "LC_MESSAGES"
        directory.mkdir(parents=True)
        po.save_as_mofile(str(directory / "django.mo"))
    settings.LOCALE_PATHS = [tmp_path, *settings.LOCALE_PATHS]  # clears Django's loaded catalogs

    with translation.override("zh-hant"):
        assert translation.gettext("Only in Chinese") == "只有中文"
    with translation.override("ja"):
        assert translation.gettext("Only in Chinese") == "Only in Chinese"


def test_the_admin_reads_in_traditional_chinese_where_wagtail_translated_only_simplified():
    """locale/wagtail_admin fills what Wagtail's own zh_Hant leaves in English (its zh_Hans has them), and never
    replaces a word Wagtail's zh_Hant already has."""
    import glob

    import wagtail
    from django.utils import translation

    filled = polib.pofile(str(ROOT / "locale" / "wagtail_admin" / "zh_Hant" / "LC_MESSAGES" / "django.po"))
    theirs = {}
    for path in glob.glob(f"{wagtail.__path__[0]}/**/locale/zh_Hant/LC_MESSAGES/django.po", recursive=True):
        for entry in polib.pofile(path):
            if entry.translated():
                theirs.setdefault((entry.msgctxt, entry.msgid), entry.msgstr or entry.msgstr_plural.get(0, ""))
    ours = {(entry.msgctxt, entry.msgid) for entry in catalog("zh_Hant") if not entry.obsolete}
    placeholders = re.compile(r"%\((\w+)\)[sd]|\{(\w+)\}")

    def names(text):
        return {match.group(1) or match.group(2) for match in placeholders.finditer(text)}

    assert len(filled) > 300
    # Wagtail's word stays, but where it says 你: the site says 您 throughout.
    replaced = [entry for entry in filled if (entry.msgctxt, entry.msgid) in theirs]
    assert [entry.msgid for entry in replaced if "你" not in theirs[(entry.msgctxt, entry.msgid)]] == []
    for entry in filled:
        translation_text = entry.msgstr_plural[0] if entry.msgid_plural else entry.msgstr
        assert names(translation_text) == names(entry.msgid_plural or entry.msgid), entry.msgid
    with translation.override("zh-hant"):
        for entry in filled:
            if entry.msgctxt or entry.msgid_plural or (None, entry.msgid) in ours:
                continue
            assert translation.gettext(entry.msgid) == entry.msgstr, entry.msgid
        # the tag filter's help in Wagtail's listings, in English before
        assert translation.gettext("Filter by up to ten most popular tags.") == "按十個最熱門的標籤進行篩選。"
        assert translation.gettext("Publish") == theirs[(None, "Publish")]  # Wagtail's own word stays
    # the dashboard's counts, which no Wagtail catalog translates yet: by hand, in both languages
    counts = '%(total)s Page <span class="w-sr-only">created in %(site_name)s</span>'
    for language, words in (("zh-hant", "1,233 個頁面"), ("ja", "1,233 ページ")):
        with translation.override(language):
            text = translation.ngettext(counts, counts.replace("Page", "Pages"), 1233)
            assert (text % {"total": "1,233", "site_name": "Homeward"}).startswith(words)
    with translation.override("ja"):
        assert translation.gettext("Filter by up to ten most popular tags.") != "按十個最熱門的標籤進行篩選。"


def test_no_catalog_the_site_reads_says_ni_in_chinese():
    """Not ours only: Django's, allauth's and Wagtail's Traditional Chinese say 你 in a few dozen messages (a
    password refused at sign-up, the admin's confirmations); our catalogs carry those messages with 您
    (accounts/upstream_strings.py, locale/wagtail_admin). Read as Django reads them: the first catalog with the string.
    """
    import wagtail
    from django.utils.translation import trans_real

    # Django's page for a project without URLs, shown only with DEBUG on a fresh project, never on this site.
    # (Django's TranslationCatalog has keys() but no iterator of its own.)
    never_shown = {key for key in trans_real.translation("zh-hant")._catalog.keys() if "DEBUG=True" in str(key)}  # noqa: SIM118
    catalogs = [
        trans_real.translation("zh-hant")._catalog,
        trans_real.DjangoTranslation(
            "zh_Hant", domain="djangojs", localedirs=[f"{wagtail.__path__[0]}/admin/locale"]
        )._catalog,
    ]
    familiar = sorted(
        str(key)
        for catalog in catalogs
        for key in catalog.keys()  # noqa: SIM118
        if key not in never_shown and "你" in catalog[key]
    )
    assert familiar == []
