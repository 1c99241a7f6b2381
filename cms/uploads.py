"""The pictures and documents a person uploaded, as personal data (export and erasure).

On erasure an upload that nothing refers to (Wagtail's reference index: no page, snippet or draft uses it) is
deleted, and Wagtail removes its file and renditions from the storage once the transaction commits (on object
storage too). An upload a published page still shows stays with the page, and only the link to the uploader goes.
"""

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import ReferenceIndex


def _upload_models():
    return [get_image_model(), get_document_model()]


def export_uploads(user):
    return [
        {
            "kind": model._meta.model_name,
            "title": item.title,
            "file": item.file.name,
            "created": item.created_at.isoformat(),
        }
        for model in _upload_models()
        for item in model.objects.filter(uploaded_by_user=user).order_by("created_at")
    ]


def erase_uploads(user):
    for model in _upload_models():
        for item in model.objects.filter(uploaded_by_user=user):
            if ReferenceIndex.get_references_to(item).exists():
                item.uploaded_by_user = None
                item.save(update_fields=["uploaded_by_user"])
            else:
                item.delete()
