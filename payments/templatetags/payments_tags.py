"""Template tags through which pages of apps below payments show money (a template loading a tag library is
not a Python import: cms's project page shows the panel without cms knowing payments)."""

from django import template

from payments.funding import funding_money_panels, funding_panel_for

register = template.Library()


@register.inclusion_tag("payments/includes/funding_panel.html", takes_context=True)
def funding_panel(context, project):
    """The project page's funding panel: the ask, plans, donation and live progress, or nothing."""
    from cms.page_cache import holes_allowed

    request = context.get("request")
    user = getattr(request, "user", None)
    panel = funding_panel_for(project, user=user, money_as_holes=holes_allowed(request))
    return {"request": request, "funding": panel}


def render_progress(args):
    """{project page id as given: its progress's HTML}: the renderer of the progress holes of funding panels
    (cms.page_cache.fill_holes)."""
    return _render_panel_part("payments/includes/funding_progress.html", args)


def render_plans(args):
    """{project page id as given: its plans' HTML}: the renderer of the plans holes of funding panels."""
    return _render_panel_part("payments/includes/funding_plans.html", args)


def _render_panel_part(template_name, args):
    from django.template.loader import render_to_string
    from django.utils.safestring import mark_safe

    panels = funding_money_panels([int(arg) for arg in args if arg.isdigit()])
    return {
        str(page_id): mark_safe(render_to_string(template_name, {"funding": panel}))  # noqa: S308 - a template's output
        for page_id, panel in panels.items()
    }
