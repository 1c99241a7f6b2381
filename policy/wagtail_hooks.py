"""The admin's way to the regulatory issues: staff route and answer them on each issue's page."""

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem


@hooks.register("register_admin_menu_item")
def regulatory_issues_menu_item():
    return MenuItem(_("Regulatory issues"), reverse("policy:issue_list"), icon_name="warning", order=710)
