"""Template tags through which pages of apps below payments show money (a template loading a tag library is
not a Python import: cms's project page shows the panel without cms knowing payments)."""

from django import template

from payments.funding import funding_panel_for

register = template.Library()


@register.inclusion_tag("payments/includes/funding_panel.html", takes_context=True)
def funding_panel(context, project):
    """The project page's funding panel: the ask, plans, donation and live progress, or nothing."""
    request = context.get("request")
    user = getattr(request, "user", None)
    return {"request": request, "funding": funding_panel_for(project, user=user)}
