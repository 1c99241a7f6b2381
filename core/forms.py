"""Form fields shared by the apps: choices of reference data named in the reader's language."""

from django import forms


def name_in_active_language(item):
    """What a choice of reference data is called in the interface's language; the models' __str__ is the Chinese
    name (what the admin and the logs show). A township comes with its county, an SDG with its number, a support
    programme with its ministry; counties, sectors and ministries have a `name` that follows the language."""
    if hasattr(item, "full_name"):
        return item.full_name
    number = getattr(item, "number", None)
    if number is not None:
        return f"SDG {number} {item.name}"
    if hasattr(item, "display_name") and hasattr(item, "ministry"):
        return f"{item.ministry.name} — {item.display_name}"
    return item.name


class NamedChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return name_in_active_language(obj)


class NamedMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return name_in_active_language(obj)
