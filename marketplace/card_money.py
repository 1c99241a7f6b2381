"""The money part of a project card (components/project_card_money.html: progress towards a goal, backers, NT$
raised), kept apart from the card: a card in a list is a hole there (cms.page_cache.hole), filled as the response
leaves, so a payment renders the money of the paid project only and the pages listing its card are served again
from their stored copies, filled."""

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe

from cms.page_cache import current_generations, keep_holes, project_money_generations
from cms.templatetags.cms_tags import PROJECT_MONEY
from marketplace import presentation


def card_money_html(card):
    """The money part of `card` (a ProjectCard with its money), in the active language."""
    return mark_safe(render_to_string("components/project_card_money.html", {"card": card}))  # noqa: S308


def with_money_kept(cards):
    """`cards` ({page id: ProjectCard} without money) with their money read from the ledger, and each card's money
    part kept for its hole, under the generations read before the money was (a payment in between leaves it
    stale, never wrong)."""
    if not cards:
        return cards
    generations = {pk: project_money_generations(card.project.translation_key) for pk, card in cards.items()}
    tokens = current_generations({name for names in generations.values() for name in names})
    presentation.add_money(list(cards.values()))
    keep_holes(
        PROJECT_MONEY,
        {
            str(pk): ({name: tokens[name] for name in generations[pk]}, card_money_html(card))
            for pk, card in cards.items()
        },
    )
    return cards


def render_card_money(args):
    """{page id as given: the money part of its card} for the holes of project cards (cms.page_cache.fill_holes):
    the card's facts as kept, its money read now (one query for them all). A page that is gone has none."""
    cards = presentation.cards_with_kept_facts([int(arg) for arg in args if arg.isdigit()])
    return {str(pk): card_money_html(card) for pk, card in cards.items()}
