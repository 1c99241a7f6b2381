"""Admin edit screens whose save is an action: the form only collects the new values; the action checks the
permission, changes the record and writes the audit entry (the same action a view, an API or a script calls)."""

from wagtail.admin.views.generic.models import EditView

from core.actions import ActionRefused


class ActionEditView(EditView):
    """`save_action_for(user, instance, **cleaned_data)`: the action the save runs, given the form's fields.

    The instance passed is the record as it was loaded (the form's values are the keyword arguments, not already
    written on it): the action reads and locks its own copy."""

    save_action_for = None

    def save_instance(self):
        fields = {name: self.form.cleaned_data[name] for name in self.form.fields if name in self.form.cleaned_data}
        original = type(self.object)._default_manager.get(pk=self.object.pk)
        return type(self).save_action_for(self.request.user, original, **fields)

    def form_valid(self, form):
        try:
            return super().form_valid(form)
        except ActionRefused as refusal:
            form.add_error(None, str(refusal))
            return self.form_invalid(form)
