from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Content")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.signals import (
            page_published,
            page_slug_changed,
            page_unpublished,
            post_page_move,
            workflow_approved,
            workflow_rejected,
        )

        from accounts.personal_data import register_provider
        from cms import signal_handlers
        from cms.page_cache import register_hole_kind
        from cms.templatetags.cms_tags import SITE_FIGURES, render_site_figures
        from cms.uploads import erase_uploads, export_uploads

        post_migrate.connect(signal_handlers.after_migrate, dispatch_uid="cms_after_migrate")
        register_hole_kind(SITE_FIGURES, render_site_figures)
        workflow_approved.connect(signal_handlers.project_approved, dispatch_uid="cms_project_approved")
        workflow_rejected.connect(signal_handlers.project_rejected, dispatch_uid="cms_project_rejected")
        # Takes the place of Wagtail's rejection email: connected first under Wagtail's own dispatch_uid (cms is
        # ready before wagtail.admin), so Wagtail's later connect of its notifier is a no-op.
        from wagtail.models import WorkflowState

        workflow_rejected.connect(
            signal_handlers.workflow_rejection_email,
            sender=WorkflowState,
            dispatch_uid="workflow_state_rejected_email_notification",
        )
        page_published.connect(signal_handlers.page_published, dispatch_uid="cms_page_cache_published")
        page_unpublished.connect(signal_handlers.page_changed, dispatch_uid="cms_page_cache_unpublished")
        post_page_move.connect(signal_handlers.page_moved, dispatch_uid="cms_page_cache_moved")
        page_slug_changed.connect(signal_handlers.page_slug_changed, dispatch_uid="cms_page_cache_slug_changed")
        from wagtail.models import Page, PageViewRestriction, Site

        post_delete.connect(signal_handlers.page_changed, sender=Page, dispatch_uid="cms_page_cache_deleted")
        from cms.models import Ministry, NavigationSettings, Sector, SupportProgramme, SustainableDevelopmentGoal

        # What every page shows: its copies from before a change are served until workers have rendered them again.
        # What decides who may read a page and where it is: never. A view restriction covers a page and everything
        # under it: a copy stored before it was set must go; cms.sites keeps each hostname's site under the site
        # generation.
        for model, handler in (
            (NavigationSettings, signal_handlers.site_wide_change),
            (Sector, signal_handlers.site_wide_change),
            (SustainableDevelopmentGoal, signal_handlers.site_wide_change),
            (Ministry, signal_handlers.site_wide_change),
            (SupportProgramme, signal_handlers.site_wide_change),
            (PageViewRestriction, signal_handlers.site_access_change),
            (Site, signal_handlers.site_access_change),
        ):
            for signal in (post_save, post_delete):
                uid = f"cms_page_cache_{model.__name__}_{'saved' if signal is post_save else 'deleted'}"
                signal.connect(handler, sender=model, dispatch_uid=uid)
        post_save.connect(
            signal_handlers.projects_behind_restriction,
            sender=PageViewRestriction,
            dispatch_uid="cms_projects_behind_restriction",
        )
        from cms.township_sections import follow_township_changes
        from datahub.models import ImportBatch, Indicator, Observation

        # A township page's head shows its official figures: an import (one new batch per file, in one transaction)
        # or an edit of an indicator shows at once.
        follow_township_changes(ImportBatch, Indicator, Observation)
        from cms.models import ProjectUpdate
        from cms.page_cache import follow_page_content_changes

        # A team's update shows on its project's page at once, without a publish (marketplace.actions).
        follow_page_content_changes({ProjectUpdate: lambda update: [update.project_id]})
        from wagtail.models import Locale

        from cms.read_once import forget_locales, remember_locales
        from cms.view_restrictions import forget_restricted_sections

        for signal, uid in ((post_save, "saved"), (post_delete, "deleted")):
            signal.connect(
                forget_restricted_sections, sender=PageViewRestriction, dispatch_uid=f"cms_restriction_{uid}"
            )
            signal.connect(forget_locales, sender=Locale, dispatch_uid=f"cms_locale_{uid}")
        remember_locales()
        from cms.sites import remember_sites

        remember_sites()
        register_provider("uploads", export=export_uploads, erase=erase_uploads)
        from wagtail.models import GroupApprovalTask, Task, Workflow

        from cms.models import PageReviewTask, ProjectReviewTask
        from cms.workflow_names import follow_names

        # "Project review" and "Moderators approval" read in each staff member's language (stored in English).
        follow_names(Workflow, Task, GroupApprovalTask, ProjectReviewTask, PageReviewTask)
