"""What every Wagtail admin screen shares: the stylesheet that keeps record tables readable on a phone."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks


@hooks.register("insert_global_admin_css")
def readable_tables_on_phones():
    return format_html('<link rel="stylesheet" href="{}">', static("css/admin.css"))
