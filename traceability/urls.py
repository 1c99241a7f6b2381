"""/<lang>/trace/…: public batch pages, verification and digests; the team's batches and devices."""

from django.urls import path, register_converter

from traceability.views import public, team


class DayConverter:
    regex = r"\d{4}-\d{2}-\d{2}"

    def to_python(self, value):
        import datetime

        return datetime.date.fromisoformat(value)

    def to_url(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else str(value)


register_converter(DayConverter, "day")

app_name = "traceability"
urlpatterns = [
    # public
    path("b/", public.batch_lookup, name="batch_lookup"),
    path("b/<str:code>/", public.batch_page, name="batch"),
    path("b/<str:code>/qr.svg", public.batch_qr, name="batch_qr"),
    path("b/<str:code>/verify/", public.batch_verify, name="batch_verify"),
    path("b/<str:code>/chain.json", public.batch_json, name="batch_json"),
    path("b/<str:code>/files/<id:pk>/", public.batch_file, name="batch_file"),
    path("b/<str:code>/files/<id:pk>/preview/", public.batch_file, {"variant": "preview"}, name="batch_file_preview"),
    path("digests/", public.digest_list, name="digests"),
    path("digests/<day:day>/", public.digest_detail, name="digest"),
    path("how-it-works/", public.how_it_works, name="how_it_works"),
    path("projects/<id:project_id>/readings.json", public.project_readings, name="project_readings"),
    # the team's
    path("projects/<id:project_id>/", team.project_dashboard, name="team_project"),
    path("projects/<id:project_id>/batches/new/", team.batch_new, name="batch_new"),
    path("projects/<id:project_id>/devices/new/", team.device_new, name="device_new"),
    path("batches/<str:code>/", team.batch_manage, name="batch_manage"),
    path("batches/<str:code>/publish/", team.batch_publish, name="batch_publish"),
    path("batches/<str:code>/labels/", team.batch_labels, name="batch_labels"),
    path("batches/<str:code>/records/<id:sequence>/correct/", team.entry_correct, name="entry_correct"),
    path("batches/<str:code>/records/<id:sequence>/edit/", team.entry_edit, name="entry_edit"),
    path("devices/<id:pk>/", team.device_detail, name="device"),
    path("devices/<id:pk>/rotate/", team.device_rotate, name="device_rotate"),
    path("devices/<id:pk>/revoke/", team.device_revoke, name="device_revoke"),
    path("devices/<id:pk>/measures/", team.device_measures, name="device_measures"),
    path("devices/<id:pk>/alerts/", team.alert_add, name="alert_add"),
    path("devices/<id:pk>/hide/", team.readings_hide, name="readings_hide"),
    path("devices/<id:pk>/hidden/<id:exclusion_pk>/show/", team.readings_show, name="readings_show"),
    path("devices/<id:pk>/alerts/<id:rule_pk>/remove/", team.alert_remove, name="alert_remove"),
]
