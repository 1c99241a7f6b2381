import pytest
from django.contrib.auth.models import Group
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from accounts.staff import ensure_staff_groups

pytestmark = [pytest.mark.django_db, pytest.mark.postgres]


def _grants(group):
    return (
        sorted(group.permissions.values_list("codename", flat=True)),
        sorted(GroupPagePermission.objects.filter(group=group).values_list("permission__codename", flat=True)),
        sorted(GroupCollectionPermission.objects.filter(group=group).values_list("permission__codename", flat=True)),
    )


def test_editors_write_and_moderators_also_publish():
    groups = ensure_staff_groups()

    editors_global, editors_pages, editors_media = _grants(groups["Editors"])
    moderators_global, moderators_pages, moderators_media = _grants(groups["Moderators"])
    assert "access_admin" in editors_global
    assert {"add_page", "change_page"} <= set(editors_pages)
    assert "publish_page" not in editors_pages
    assert "delete_image" not in editors_media
    assert {"publish_page", "lock_page", "unlock_page"} <= set(moderators_pages)
    assert "change_township" in moderators_global
    # Neither group manages users, groups or sites.
    everything = set(editors_global) | set(moderators_global)
    assert not everything & {"add_user", "change_user", "delete_user", "change_group", "change_site"}


def test_running_it_again_changes_nothing_and_keeps_what_other_apps_granted():
    ensure_staff_groups()
    moderators = Group.objects.get(name="Moderators")
    from django.contrib.auth.models import Permission

    extra = Permission.objects.get(codename="view_county")  # as if the CMS workflow had granted it
    moderators.permissions.add(extra)
    before = _grants(moderators)

    ensure_staff_groups()
    ensure_staff_groups()

    assert _grants(moderators) == before
    assert moderators.permissions.filter(pk=extra.pk).exists()
    assert Group.objects.filter(name__in=["Editors", "Moderators"]).count() == 2
