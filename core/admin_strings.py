"""Strings of Wagtail 8's admin that its own Traditional Chinese and Japanese catalogs lack, so staff read them in
English inside a Chinese or Japanese admin ("There are no 不當內容檢舉 to display.").

Our catalogs come first (LOCALE_PATHS), so a translation there fills the gap. Each string is marked here, exactly
as Wagtail writes it, so that `make messages` keeps it in our catalogs instead of dropping it as obsolete. Nothing
imports this module: it exists for makemessages. Remove a string once Wagtail's catalogs translate it.
"""

from django.utils.translation import gettext_noop

WAGTAIL_ADMIN_STRINGS = [
    # wagtail.admin.views.generic.base.BaseListingView.no_results_message: every listing's empty state.
    gettext_noop("There are no %(model_name)s to display."),
    gettext_noop("No %(model_name)s match your query."),
    gettext_noop("There are no results."),
    # wagtail.admin.forms.search.SearchForm and the dashboard's search box.
    gettext_noop("Search…"),
    gettext_noop("Search all pages…"),
]
