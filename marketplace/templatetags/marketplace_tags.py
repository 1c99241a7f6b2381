from django import template

from marketplace.queries import enterprises_in_township

register = template.Library()

TOWNSHIP_ENTERPRISES_SHOWN = 12


@register.simple_tag
def township_enterprises(township):
    """The enterprises of a township, verified first, for its page (cms's township template calls this)."""
    return list(enterprises_in_township(township)[:TOWNSHIP_ENTERPRISES_SHOWN])


@register.simple_tag
def project_cards(projects):
    """[ProjectCard] for the project pages given (site/templates/components/project_card.html shows one)."""
    from marketplace.presentation import project_cards as cards_for

    return cards_for(projects)


@register.simple_tag(takes_context=True)
def project_card_list(context, projects, heading="h3", show_summary=False):
    """{% project_card_list projects [heading] [show_summary] %}: the cards of these project pages, or of the pages
    with these ids (components/project_card.html), each kept per page and language until its project is published
    or its listing changes (cms_tags.kept_cards); each card's money is a hole (marketplace.card_money), which a
    payment alone moves."""
    from cms.templatetags.cms_tags import joined_cards

    return joined_cards(project_card_html(context, projects, heading, show_summary))


@register.simple_tag(takes_context=True)
def project_card_html(context, projects, heading="h3", show_summary=False):
    """{% project_card_html projects [heading] [show_summary] as cards %}: {page id: its card's HTML} for these
    project pages or page ids, kept as {% project_card_list %} keeps them (the same cards), for a list that puts
    something of its own beside each card. A page that is gone has no card."""
    from cms.page_cache import holes_allowed
    from cms.templatetags.cms_tags import kept_card_html
    from marketplace.presentation import cards_with_kept_facts, project_cards

    money_holes = holes_allowed(context.get("request"))
    if money_holes:
        # Each card's money is a hole, kept apart (marketplace.card_money): the card is kept until its project's
        # content changes, and the money its render reads is kept for the hole.
        from marketplace.card_money import with_money_kept

        def from_pages(pages):
            return with_money_kept({card.project.pk: card for card in project_cards(pages, with_money=False)})

        def from_ids(ids):
            return with_money_kept(cards_with_kept_facts(ids, with_money=False))

    else:

        def from_pages(pages):
            return {card.project.pk: card for card in project_cards(pages)}

        from_ids = cards_with_kept_facts
    return kept_card_html(
        context,
        "project-card-html",
        list(projects),
        "components/project_card.html",
        "card",
        from_pages,
        from_ids,
        shows_money=not money_holes,
        heading=heading,
        show_summary=bool(show_summary),
        money_holes=money_holes,
    )


@register.filter
def card_of(cards, page):
    """{{ cards|card_of:page }}: the card HTML of `page` (or a page id) from {% project_card_html %}, or ""."""
    return cards.get(getattr(page, "pk", page), "")


@register.simple_tag
def project_story_facts(project):
    """The team, milestones and latest questions of a project page (cms's project template calls this), read when a
    part of the page first shows one of them: the parts kept in the cache (shared fragments) read nothing."""
    from django.utils.functional import SimpleLazyObject

    from marketplace.presentation import project_story_facts as facts_for

    return SimpleLazyObject(lambda: facts_for(project))


@register.filter
def get_extra(extras, uid):
    return extras.get(uid) or {}
