"""Batches, records, devices and readings made through traceability's own actions (as the team's pages make them).

- record(user, batch, **fields): one record appended with sensible defaults (a harvest in the project's township)
- photo_upload / pdf_upload / text_upload: files as a browser sends them
- device_with_token(user, listing, measures): a registered device and its token
- readings(measure, start, count, every, value): reading dicts as a device posts them
"""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from traceability import actions
from traceability.uploads import check_document, check_photo

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def photo_upload(name="pond.jpg", size=(80, 60), color=(30, 120, 200), image_format="JPEG"):
    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, image_format)
    content_type = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif"}.get(image_format, "image/jpeg")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=content_type)


def pdf_upload(name="certificate.pdf", content=PDF_BYTES):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def text_upload(name="notes.jpg", content=b"this is not a picture"):
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def record(user, batch, *, kind="harvest", township=None, when=None, files=(), **fields):
    fields.setdefault("performed_by", "田間管理員")
    fields.setdefault("description", "採收")
    return actions.append_entry(
        user,
        batch,
        kind=kind,
        occurred_at=when or timezone.now() - datetime.timedelta(hours=1),
        township=township or batch.listing.project.township,
        files=list(files),
        **fields,
    )


def lab_files():
    return [check_document(pdf_upload())]


def photo_files(description="魚塭的照片"):
    return [check_photo(photo_upload(), description=description)]


def device_with_token(
    user, listing, measures=("water_temperature", "dissolved_oxygen"), public=None, name="一號池探頭"
):
    return actions.register_device(
        user,
        listing,
        name=name,
        township=listing.project.township,
        measure_codes=list(measures),
        public_codes=list(measures if public is None else public),
    )


def readings(measure, start, count, every=datetime.timedelta(minutes=1), value=27.0, step=0.0):
    return [
        {"measure": measure, "at": (start + every * index).isoformat(), "value": round(value + step * index, 3)}
        for index in range(count)
    ]
