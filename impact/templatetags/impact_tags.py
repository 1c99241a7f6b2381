from django import template
from django.utils.html import format_html, format_html_join

from core.money import format_twd
from impact.measures import MEASURES
from impact.presentation import format_value

register = template.Library()


@register.simple_tag
def figures_list(figures):
    """A <dl> of every measure of an area."""
    return format_html(
        '<dl class="impact-figures">{}</dl>',
        format_html_join(
            "",
            "<div><dt>{}</dt><dd>{}</dd></div>",
            ((label, format_value(measure, figures.value(measure))) for measure, label in MEASURES.items()),
        ),
    )


@register.simple_tag
def figures_header(first_label):
    return format_html(
        '<tr><th scope="col">{}</th>{}</tr>',
        first_label,
        format_html_join("", '<th scope="col" class="numeric">{}</th>', ((label,) for label in MEASURES.values())),
    )


@register.simple_tag
def figures_cells(figures):
    return format_html_join(
        "",
        '<td class="numeric">{}</td>',
        ((format_value(measure, figures.value(measure)),) for measure in MEASURES),
    )


@register.filter
def get_item(mapping, key):
    return mapping.get(key, "")


@register.filter
def twd(value):
    return format_twd(value or 0)
