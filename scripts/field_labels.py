"""List the model fields of our apps whose label a Chinese or Japanese staff member would read in English.

A field is labelled when its verbose_name is a lazy translation that reads in Chinese and in Japanese; anything
else (no verbose_name, a plain str, a msgid no catalog translates) is listed.

Run: .venv/bin/python scripts/field_labels.py [app ...]
"""

import os
import pathlib
import sys

ROOT = pathlib.Path(__file__).resolve().parent.parent

OUR_APPS = [
    "accounts",
    "cms",
    "conversations",
    "core",
    "datahub",
    "experiences",
    "impact",
    "marketplace",
    "notifications",
    "payments",
    "people",
    "places",
    "plans",
    "policy",
    "scheduling",
    "search",
    "traceability",
]

LANGUAGES = ("zh-hant", "ja")


def lazy_msgid(label):
    """The msgid of a gettext_lazy/pgettext_lazy label, or None for anything that is not a lazy translation."""
    from django.utils.functional import Promise

    args = getattr(label, "_args", ()) if isinstance(label, Promise) else ()
    if args and all(isinstance(arg, str) for arg in args):
        return args[-1]
    return None


def declared_by_us(model, field):
    """False for a field Wagtail, Django or a library declares and labels: a Page's columns, AbstractImage's focal
    point, Orderable's sort order, taggit's tag. A field of theirs that we relabel is ours."""
    if field.model._meta.app_label not in OUR_APPS:
        return False
    for base in model.__mro__[1:]:
        meta = getattr(base, "_meta", None)
        if meta is None or not meta.abstract or base.__module__.split(".")[0] in OUR_APPS:
            continue
        theirs = next((own for own in meta.local_fields + meta.local_many_to_many if own.name == field.name), None)
        if theirs is not None and str(theirs.verbose_name) == str(field.verbose_name):
            return False
    return True


def labelled_fields(model):
    """The fields a staff member meets as a label: our columns and many-to-many fields, not reverse relations."""
    return [
        field
        for field in model._meta.get_fields()
        if not field.auto_created and (field.concrete or field.many_to_many) and declared_by_us(model, field)
    ]


def translated_in_our_catalogs(language):
    """Msgids our catalog translates, a proper name ("Facebook", "SDGs") included though it reads the same."""
    import polib
    from django.utils.translation import to_locale

    catalog = polib.pofile(str(ROOT / "locale" / to_locale(language) / "LC_MESSAGES" / "django.po"))
    return {entry.msgid for entry in catalog if entry.translated() and not entry.obsolete}


def unlabelled_fields(models, languages=LANGUAGES):
    """[(model label, field name, label, reason)] for every field of `models` whose label would read in English.

    The label is looked up as the admin looks it up, through every catalog (ours, Wagtail's, Django's), so a field
    that Django's AbstractUser or Wagtail's AbstractImage labels and translates counts as labelled."""
    from django.utils import translation

    ours = {language: translated_in_our_catalogs(language) for language in languages}
    missing = []
    for model in models:
        for field in labelled_fields(model):
            msgid = lazy_msgid(field.verbose_name)
            if msgid is None:
                missing.append((model._meta.label, field.name, str(field.verbose_name), "not marked for translation"))
                continue
            untranslated = []
            for language in languages:
                with translation.override(language):
                    if str(field.verbose_name) == msgid and msgid not in ours[language]:
                        untranslated.append(language)
            if untranslated:
                missing.append((model._meta.label, field.name, msgid, "no " + " or ".join(untranslated)))
    return missing


def our_models(app_labels=OUR_APPS):
    from django.apps import apps

    return [model for label in app_labels for model in apps.get_app_config(label).get_models()]


def main(argv):
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.dev")
    import django

    django.setup()
    missing = unlabelled_fields(our_models(argv or OUR_APPS))
    for model, field, label, reason in missing:
        print(f"{model}.{field}\t{label!r}\t{reason}")
    print(f"{len(missing)} field(s) without a translated label", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
