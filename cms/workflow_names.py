"""The names of the workflows and tasks the platform makes are stored once, in English (the site's code looks them
up by it), and read in the reader's language wherever Wagtail shows them: its admin screens, its action menu
("Submit to …"), its emails and messages.

A name loaded from the database becomes a `ReadableName`: it is the stored English text for everything that
compares, stores or serialises it, and its translation where it is shown (str(), %-formatting, templates). A name
someone types in one of the translations (a workflow's edit form shows the translation) is stored in English."""

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext, gettext_noop

# Ours (cms.actions) and the one Wagtail's migrations make for its "Moderators" group.
KNOWN_NAMES = (gettext_noop("Project review"), gettext_noop("Moderators approval"))


class ReadableName(str):
    def __str__(self):
        return gettext(str.__str__(self))

    def __format__(self, spec):
        return format(str(self), spec)

    def __html__(self):
        from django.utils.html import escape

        return escape(str(self))

    def __reduce__(self):  # pickled (cached) as the stored text
        return (str, (str.__str__(self),))


def _stored_name(name):
    """The English name for a known name typed in any language; any other name as it is."""
    for known in KNOWN_NAMES:
        if name == known:
            return known
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                if name == gettext(known):
                    return known
    return name


def name_loaded(sender, instance, **kwargs):
    name = instance.__dict__.get("name")
    if isinstance(name, str) and not isinstance(name, ReadableName) and name in KNOWN_NAMES:
        instance.name = ReadableName(name)


def name_saved(sender, instance, **kwargs):
    name = instance.__dict__.get("name")
    if isinstance(name, str):
        stored = _stored_name(str.__str__(name))
        instance.name = ReadableName(stored) if stored in KNOWN_NAMES else stored


def follow_names(*models):
    from django.db.models.signals import post_init, pre_save

    for model in models:
        post_init.connect(name_loaded, sender=model, dispatch_uid=f"cms_readable_name_{model._meta.label}")
        pre_save.connect(name_saved, sender=model, dispatch_uid=f"cms_stored_name_{model._meta.label}")
