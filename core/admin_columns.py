"""Columns for the admin's listings that Wagtail would otherwise print as Python values."""

from django.utils.text import capfirst
from wagtail.admin.ui.tables import BooleanColumn, Column

from core.money import format_twd


class YesNoColumn(BooleanColumn):
    """Wagtail's tick or cross, named "Yes" or "No" in the reader's language (Wagtail's names them "True"/"False")."""

    cell_template_name = "core/admin/yes_no_cell.html"


def yes_no(model, name):
    """A true/false field as a tick or a cross, not the words "True" or "False"; the column is named by the field's
    verbose name and sorts by the field, as a column named by a string would."""
    return YesNoColumn(name, label=capfirst(model._meta.get_field(name).verbose_name), sort_key=name)


class MoneyColumn(Column):
    """An amount of New Taiwan dollars as people read it (NT$1,234; a refund -NT$500), not 1234."""

    def get_value(self, instance):
        value = super().get_value(instance)
        return "—" if value is None or value == "" else format_twd(value)


def money(model, name):
    """A NT$ field as a formatted amount, named by the field's verbose name and sorting by the field."""
    return MoneyColumn(name, label=capfirst(model._meta.get_field(name).verbose_name), sort_key=name)
