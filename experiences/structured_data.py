"""schema.org Event data of an experience page (<script type="application/ld+json">): one Event per date still to
come, so that search engines can list the dates; a cancelled date stays listed, marked EventCancelled, as they ask.

Times are in Taiwan's time with their offset (2026-05-02T09:00:00+08:00), prices in TWD, addresses absolute on
SITE_BASE_URL.
"""

import json
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from experiences.models import Slot

TAIPEI = ZoneInfo("Asia/Taipei")
SCHEMA = "https://schema.org/"
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}  # safe inside <script>


def _place(experience):
    township = experience.township
    place = {
        "@type": "Place",
        "name": experience.in_reader_language["meeting_point"]["text"] or township.full_name,
        "address": {
            "@type": "PostalAddress",
            "addressLocality": township.name,
            "addressRegion": township.county.name,
            "addressCountry": "TW",
        },
    }
    if experience.latitude is not None and experience.longitude is not None:
        place["geo"] = {"@type": "GeoCoordinates", "latitude": experience.latitude, "longitude": experience.longitude}
    return place


def events(experience, slots, image_url=""):
    """The Event dicts of `experience` for `slots` (each with `left`, the places still free, where known)."""
    url = settings.SITE_BASE_URL + experience.get_absolute_url()
    data = []
    for slot in slots:
        cancelled = slot.status == Slot.Status.CANCELLED
        left = getattr(slot, "left", None)
        event = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": experience.title,
            "description": experience.description,
            "url": url,
            "startDate": slot.starts_at.astimezone(TAIPEI).isoformat(),
            "endDate": slot.ends_at.astimezone(TAIPEI).isoformat(),
            "eventStatus": SCHEMA + ("EventCancelled" if cancelled else "EventScheduled"),
            "eventAttendanceMode": SCHEMA + "OfflineEventAttendanceMode",
            "location": _place(experience),
            "organizer": {"@type": "Organization", "name": experience.organisation.name},
            "offers": {
                "@type": "Offer",
                "price": str(experience.price_twd),
                "priceCurrency": "TWD",
                "url": url,
                "availability": SCHEMA + ("SoldOut" if cancelled or left == 0 else "InStock"),
            },
        }
        if experience.minimum_age:
            event["typicalAgeRange"] = f"{experience.minimum_age}-"
        if image_url:
            event["image"] = [image_url]
        data.append(event)
    return data


def events_script(experience, slots, image_url=""):
    """The events as one <script type="application/ld+json"> (nothing when there is no date to come)."""
    data = events(experience, slots, image_url)
    if not data:
        return ""
    payload = json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(payload))  # noqa: S308
