"""Addresses without a language: the short URL printed on labels, the device API, the digest files and the key."""

from django.urls import path

from traceability.views import api, public

urlpatterns = [
    path("b/<str:code>", public.short_redirect, name="batch_short"),
    path("api/trace/readings/", api.post_readings, name="trace_readings_api"),
    path("trace/digests/<str:day>.json", public.digest_json, name="trace_digest_json"),
    path("trace/public-key.pem", public.public_key_pem, name="trace_public_key"),
]
