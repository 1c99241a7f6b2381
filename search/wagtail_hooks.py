"""The synonyms screen of the Wagtail admin (Settings → Synonyms): staff own the search's synonyms and
abbreviations. Saves and deletions go through search/actions.py (permission, audit entry, Wagtail history)."""

from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.views.generic import CreateView, DeleteView, EditView, IndexView
from wagtail.admin.viewsets.model import ModelViewSet

from core.admin_columns import yes_no
from search import actions
from search.models import SynonymEntry


class SynonymIndexView(IndexView):
    def get_base_queryset(self):
        return SynonymEntry.objects.select_related("updated_by")


class SynonymCreateView(CreateView):
    def save_instance(self):
        return actions.save_synonym_entry(self.request.user, self.form.instance)


class SynonymEditView(EditView):
    def save_instance(self):
        return actions.save_synonym_entry(self.request.user, self.form.instance)


class SynonymDeleteView(DeleteView):
    def delete_action(self):
        actions.delete_synonym_entry(self.request.user, self.object)


class SynonymViewSet(ModelViewSet):
    model = SynonymEntry
    icon = "list-ul"
    menu_label = _("Synonyms")
    add_to_settings_menu = True
    copy_view_enabled = False
    index_view_class = SynonymIndexView
    add_view_class = SynonymCreateView
    edit_view_class = SynonymEditView
    delete_view_class = SynonymDeleteView
    form_fields = ["terms_zh", "terms_en", "terms_ja", "one_way", "narrower", "note"]
    list_display = ["terms_zh", "terms_en", "terms_ja", yes_no(SynonymEntry, "one_way"), "updated_at", "updated_by"]
    list_filter = ["one_way"]
    search_fields = ["terms_zh", "terms_en", "terms_ja", "narrower", "note"]
    ordering = ["terms_zh"]
    list_per_page = 50


@hooks.register("register_admin_viewset")
def register_synonyms():
    return SynonymViewSet("search_synonyms")
