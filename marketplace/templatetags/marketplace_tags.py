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


@register.simple_tag
def project_story_facts(project):
    """The team, milestones and latest questions of a project page (cms's project template calls this)."""
    from marketplace.presentation import project_story_facts as facts_for

    return facts_for(project)


@register.simple_tag
def search_result_extras(hits):
    """Pictures and project card facts for a page of search hits (search's results template calls this)."""
    from marketplace.presentation import search_result_extras as extras_for

    return extras_for(hits)


@register.filter
def get_extra(extras, uid):
    return extras.get(uid) or {}
