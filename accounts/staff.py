"""Staff groups of the Wagtail admin: Editors write, Moderators review and publish.

`ensure_staff_groups()` is idempotent: it creates what is missing and never
removes permissions other apps grant (the CMS workflow adds its own to
Moderators), so every app can meet on `Group.objects.get_or_create(name=...)`.
It runs after every `migrate` (permissions exist only once all apps migrated), from
cms.signal_handlers.after_migrate, the one place reference data is loaded.
"""

from django.contrib.auth.models import Group, Permission
from django.contrib.contenttypes.models import ContentType

EDITORS = "Editors"
MODERATORS = "Moderators"

# Wagtail opens its admin to anyone with this permission (groups grant it; superusers hold every permission), not
# only to `is_staff`; Django's admin opens to `is_staff`.
ADMIN_ACCESS_PERMISSION = "wagtailadmin.access_admin"


def reaches_an_admin(user):
    """Whether `user` can open either admin (Wagtail's or Django's): such a person must use a second factor
    (accounts.middleware.StaffMFAMiddleware) and may not remove their last one (accounts.adapters.MFAAdapter)."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or user.is_superuser or user.has_perm(ADMIN_ACCESS_PERMISSION)


# (app_label, model, codename) granted globally.
GLOBAL_PERMISSIONS = {
    EDITORS: [("wagtailadmin", "admin", "access_admin")],
    MODERATORS: [
        ("wagtailadmin", "admin", "access_admin"),
        # Moderators flag the priority townships (places admin); they add or delete none.
        ("places", "township", "change_township"),
        ("places", "township", "view_township"),
        # Moderators verify organisations (township offices, universities, associations…: the organisations admin,
        # accounts.actions.verify_organisation checks change_organisation); they add or delete none.
        ("accounts", "organisation", "view_organisation"),
        ("accounts", "organisation", "change_organisation"),
        # Moderators verify enterprises and judge questions, answers and abuse reports (marketplace admin).
        ("marketplace", "enterpriseprofile", "view_enterpriseprofile"),
        ("marketplace", "enterpriseprofile", "change_enterpriseprofile"),
        ("marketplace", "abusereport", "view_abusereport"),
        ("marketplace", "abusereport", "change_abusereport"),
        ("marketplace", "question", "view_question"),
        ("marketplace", "question", "change_question"),
        ("marketplace", "answer", "view_answer"),
        ("marketplace", "answer", "change_answer"),
        # Moderators look at what people publish on the public site: experiences and their slots, the profiles
        # people offer and the help organisations ask for, and the traceability batches, records and devices
        # (read-only screens; their apps' actions change them). Bookings and offers, between two people, stay
        # with those granted them.
        ("experiences", "experience", "view_experience"),
        ("experiences", "slot", "view_slot"),
        ("people", "talentprofile", "view_talentprofile"),
        ("people", "helprequest", "view_helprequest"),
        ("traceability", "batch", "view_batch"),
        ("traceability", "entry", "view_entry"),
        ("traceability", "device", "view_device"),
        # …and act on them from those screens, with a reason the team is told: unpublish an experience, close a
        # help request, revoke a device (experiences/people/traceability actions' *_as_staff).
        ("experiences", "experience", "moderate_experience"),
        ("people", "helprequest", "moderate_helprequest"),
        ("traceability", "device", "moderate_device"),
    ],
}
# Page permissions on the root page (so on the whole tree).
PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page"],
    MODERATORS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
}
# Collection permissions on the root collection for images and documents.
COLLECTION_PERMISSIONS = {
    EDITORS: [
        ("wagtailimages", "image", "add_image"),
        ("wagtailimages", "image", "change_image"),
        ("wagtailimages", "image", "choose_image"),
        ("wagtaildocs", "document", "add_document"),
        ("wagtaildocs", "document", "change_document"),
        ("wagtaildocs", "document", "choose_document"),
    ],
    MODERATORS: [
        ("wagtailimages", "image", "add_image"),
        ("wagtailimages", "image", "change_image"),
        ("wagtailimages", "image", "choose_image"),
        ("wagtailimages", "image", "delete_image"),
        ("wagtaildocs", "document", "add_document"),
        ("wagtaildocs", "document", "change_document"),
        ("wagtaildocs", "document", "choose_document"),
        ("wagtaildocs", "document", "delete_document"),
    ],
}


def _permission(app_label, model, codename):
    content_type, _ = ContentType.objects.get_or_create(app_label=app_label, model=model)
    permission, _ = Permission.objects.get_or_create(
        content_type=content_type, codename=codename, defaults={"name": codename.replace("_", " ").capitalize()}
    )
    return permission


def ensure_staff_groups():
    from wagtail.models import Collection, GroupCollectionPermission, GroupPagePermission, Page

    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    groups = {}
    for name in (EDITORS, MODERATORS):
        group, _ = Group.objects.get_or_create(name=name)
        groups[name] = group
        group.permissions.add(*[_permission(*spec) for spec in GLOBAL_PERMISSIONS[name]])
        if root_page is not None:
            for codename in PAGE_PERMISSIONS[name]:
                GroupPagePermission.objects.get_or_create(
                    group=group, page=root_page, permission=_permission("wagtailcore", "page", codename)
                )
        if root_collection is not None:
            for spec in COLLECTION_PERMISSIONS[name]:
                GroupCollectionPermission.objects.get_or_create(
                    group=group, collection=root_collection, permission=_permission(*spec)
                )
    return groups
