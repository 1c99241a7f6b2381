"""Fill the gaps in Wagtail's own Traditional Chinese: the admin strings Wagtail translates into Simplified Chinese
but not into Traditional (363 of them in Wagtail 8, among its 1,908), converted with OpenCC's Simplified to
Taiwan-phrasing table and then to the words Wagtail's Traditional catalog already uses (發佈, 權限, 審核, 工作流程).

Writes locale/wagtail_admin/zh_Hant/LC_MESSAGES/django.po, which settings.LOCALE_PATHS reads after our own
catalog: it only holds what Wagtail's Traditional catalog lacks, so it never replaces a word Wagtail translated.
Run again after upgrading Wagtail (needs requirements-dev.txt's opencc-python-reimplemented), read the diff, and
correct any entry by hand: the script keeps a translation already in the file, and an entry commented "by hand".
Those are the strings no Wagtail catalog translates (its Simplified Chinese neither), written by hand in both
Traditional Chinese and Japanese (locale/wagtail_admin/ja has only such entries); after an upgrade,
tests/test_admin_language.py's test_every_string_of_wagtails_admin_is_translated names the new ones.
"""

import pathlib
import re

import polib
import wagtail
from opencc import OpenCC

ROOT = pathlib.Path(__file__).resolve().parent.parent
TARGET = ROOT / "locale" / "wagtail_admin" / "zh_Hant" / "LC_MESSAGES" / "django.po"
# OpenCC's Taiwan phrasing where Wagtail's Traditional catalog says it otherwise ("Publish" is 發佈 there, not 釋出).
WAGTAIL_WORDS = [
    (re.compile("釋出"), "發佈"),
    (re.compile("許可權"), "權限"),
    (re.compile("稽核"), "審核"),
    (re.compile("工作流(?!程)"), "工作流程"),
    (re.compile("檢視"), "查看"),
    # and Taiwan's words where OpenCC keeps the mainland's: access, filter, popular, back office.
    (re.compile("訪問"), "存取"),
    (re.compile("過濾"), "篩選"),
    (re.compile("流行"), "熱門"),
    (re.compile("後臺"), "後台"),
    # and the courteous 您 the site uses throughout (Wagtail's Simplified Chinese says 你).
    (re.compile("你"), "您"),
]


def to_traditional(converter, text):
    text = converter.convert(text)
    for pattern, word in WAGTAIL_WORDS:
        text = pattern.sub(word, text)
    return text


def translated(path):
    if not path.exists():
        return {}
    return {(entry.msgctxt, entry.msgid): entry for entry in polib.pofile(str(path)) if entry.translated()}


def main():
    converter = OpenCC("s2twp")
    kept = translated(TARGET)
    catalog = polib.POFile(wrapwidth=120)
    catalog.metadata = {
        "Content-Type": "text/plain; charset=UTF-8",
        "Language": "zh_Hant",
        "Plural-Forms": "nplurals=1; plural=0;",
    }
    seen = set()
    for simplified_path in sorted(pathlib.Path(wagtail.__path__[0]).glob("**/locale/zh_Hans/LC_MESSAGES/django.po")):
        app_locale = simplified_path.parents[2]
        traditional = translated(app_locale / "zh_Hant" / "LC_MESSAGES" / "django.po")
        for key, entry in translated(simplified_path).items():
            if key in traditional or key in seen:
                continue
            seen.add(key)
            if key in kept:
                catalog.append(kept[key])
                continue
            filled = polib.POEntry(msgctxt=entry.msgctxt, msgid=entry.msgid, msgid_plural=entry.msgid_plural)
            if entry.msgid_plural:
                filled.msgstr_plural = {0: to_traditional(converter, entry.msgstr_plural[0])}
            else:
                filled.msgstr = to_traditional(converter, entry.msgstr)
            filled.occurrences = [(str(app_locale.parent.relative_to(app_locale.parents[1])), "")]
            catalog.append(filled)
    for key, entry in kept.items():  # written by hand for strings no Wagtail catalog translates yet
        if key not in seen and "by hand" in (entry.tcomment or ""):
            catalog.append(entry)
    TARGET.parent.mkdir(parents=True, exist_ok=True)
    catalog.save(str(TARGET))
    print(f"{len(catalog)} Wagtail strings in {TARGET.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
