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
