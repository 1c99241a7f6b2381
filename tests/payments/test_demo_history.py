"""The demo's months of history: written through the ledger, visible on cards and the impact figures, written once."""

import pytest

from payments.demo import ensure_demo_history

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]

NEIPU = "10013130"


@pytest.fixture
def demo_projects(home_pages, townships):
    from cms.actions import ensure_township_pages, township_page_for
    from cms.models import ProjectPage
    from marketplace.demo import ensure_demo_enterprises
    from places.models import Township

    ensure_township_pages(codes=[NEIPU])
    parent = township_page_for(Township.objects.get(code=NEIPU))
    projects = []
    for slug, title in (("cocoa", "屏東可可共同發酵場"), ("caltrop", "官田菱殼炭工坊")):
        project = parent.add_child(instance=ProjectPage(title=title, slug=slug, is_demo=True))
        project.save_revision().publish()
        projects.append(project)
    assert ensure_demo_enterprises() == 2
    return projects


def test_demo_history_puts_money_on_the_demo_projects_once(demo_projects, client):
    from impact.measures import figures
    from payments.ledger import totals_for_project
    from payments.models import LedgerEntry

    written = ensure_demo_history()

    assert written > 20
    for project in demo_projects:
        totals = totals_for_project(project.pk)
        assert totals.raised_twd > 0 and totals.backers > 5, project.title
    assert not LedgerEntry.objects.exclude(source_key__startswith="demo:").exists()
    assert ensure_demo_history() == 0, "a second run writes nothing"
    assert figures().taiwan.figures.value("raised_twd") == sum(
        totals_for_project(p.pk).raised_twd for p in demo_projects
    )

    page = client.get(demo_projects[1].url).text
    assert 'data-funding="raised">NT$0<' not in page
