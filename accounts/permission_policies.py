"""Permission policies for admin screens that show records staff must not change by hand."""

from wagtail.permission_policies import ModelPermissionPolicy


class ReadOnlyPermissionPolicy(ModelPermissionPolicy):
    """Staff with view permission may look; nobody adds, edits or deletes through the admin.

    For records that only change through actions (with their checks and audit log) or
    that record what an outside service said."""

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete"):
            return False
        return super().user_has_permission(user, action)


class JudgedNotAddedPermissionPolicy(ModelPermissionPolicy):
    """Records people make on the public site (a question, an answer, an abuse report, an enterprise's profile):
    staff with the model's permissions look at them and judge them (their edit form), but nobody adds or deletes
    one through the admin. An added one would stand for no one (the admin form has none of its owner's fields, so
    saving it answered 500); a deleted one would take its reports and history with it.

    (Wagtail's ModelViewSet has no `create_view_enabled` switch: the permission policy is what hides the "Add"
    button and refuses the create and delete views.)"""

    def user_has_permission(self, user, action):
        if action in ("add", "delete"):
            return False
        return super().user_has_permission(user, action)
