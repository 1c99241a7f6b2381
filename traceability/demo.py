"""Demo traces for `manage.py load_demo_traces` (run by `make run` after load_demo): product batches with their
hash-chained records, devices and a few weeks of readings on the demo projects, so the site shows traceable
batches, their QR pages and verification, and live charts on a first visit.

- 屏東可可共同發酵場 (its "adopt a cocoa tree" subscription): two public batches of fermented beans in the plan's
  periods, from harvest to shipping, with a lab certificate, a photo and one correction;
- 口湖智慧魚塭示範場: a tilapia pond's batch from stocking to packing, a water-quality probe (temperature,
  dissolved oxygen, pH, salinity) and a weather gateway, with an alert rule on dissolved oxygen.

Everything goes through traceability's own actions (the chain is computed as the team's pages compute it) as the
demo team login (marketplace.demo.DEMO_TEAM_EMAIL, a member of those two teams). Readings are stored through the same
storage path as the device API (`storage.store_readings`), every READING_MINUTES over the last DEMO_DAYS, and the
hourly/daily aggregates are refreshed as the scheduled job does.

Idempotent: a batch or device of the same name on the project is left as it is; readings are a function of their
time, so a second run stores only the readings since the last one (a later `make run` tops the charts up to now and
the devices stay "live"), never a duplicate.
"""

import datetime
import io
import math

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone
from PIL import Image, ImageDraw

from marketplace.demo import ensure_team_login, join_demo_team
from traceability import actions, measures, storage
from traceability.badges import announce_badges_changed
from traceability.models import AlertRule, Batch, Device, Reading
from traceability.uploads import check_document, check_photo

DEMO_DAYS = 21
READING_MINUTES = 5

COCOA = "屏東可可共同發酵場"
KOUHU = "口湖智慧魚塭示範場"


def _photo(name, colours, description):
    """A small picture (bands of colour) as a browser would upload it, checked like any photo."""
    image = Image.new("RGB", (480, 320), colours[0])
    draw = ImageDraw.Draw(image)
    for index, colour in enumerate(colours[1:], start=1):
        draw.rectangle([0, index * 320 // len(colours), 480, 320], fill=colour)
    buffer = io.BytesIO()
    image.save(buffer, "JPEG", quality=80)
    return check_photo(SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg"), description)


def _certificate(name, lines):
    """A lab certificate as a PNG document (a demo stand-in for the laboratory's scan)."""
    image = Image.new("RGB", (600, 400), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle([10, 10, 590, 390], outline="black", width=3)
    for index, line in enumerate(["DEMO LAB CERTIFICATE (sample, not a real test)", *lines]):
        draw.text((30, 30 + index * 28), line, fill="black")
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return check_document(SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png"))


# Each record: (days before now, kind, who, what was done, details, files (a callable), corrects: index of the
# record it corrects with the reason, or None).
COCOA_BATCHES = [
    {
        "name": "秋季可可豆 第一批",
        "product": "發酵可可豆 1 kg",
        "description": "內埔契作果園採收的可可果，在共同發酵場發酵六天、日曬乾燥後分裝給認養人。",
        "period": (-60, -31),
        "records": [
            (
                58,
                "harvest",
                "果園班長 阿明",
                "採收成熟可可果，當天剖果取豆。",
                {"quantity": "420 kg 可可果"},
                None,
                None,
            ),
            (
                57,
                "processing",
                "發酵場 小芸",
                "木箱堆積發酵六天，每兩天翻堆一次。",
                {"quantity": "96 kg 濕豆"},
                None,
                None,
            ),
            (
                50,
                "processing",
                "發酵場 小芸",
                "日曬乾燥九天，含水率降到 7%。",
                {"quantity": "41 kg 乾豆"},
                lambda: [_photo("drying.jpg", ["#6b3e26", "#8a5a3b", "#c49a6c"], "日曬棚裡攤開的可可豆")],
                None,
            ),
            (
                45,
                "lab_test",
                "送驗：屏東檢驗所（示範）",
                "重金屬與黴菌毒素檢驗。",
                {"laboratory": "屏東檢驗所（示範）", "result": "鉛、鎘、赭麴毒素 A 均未檢出"},
                lambda: [
                    _certificate(
                        "certificate-cocoa-1.png", ["Batch: autumn cocoa beans #1", "Pb: n.d.", "Cd: n.d.", "OTA: n.d."]
                    )
                ],
                None,
            ),
            (40, "packing", "發酵場 阿嬌", "真空分裝，每包 1 kg。", {"boxes": "40"}, None, None),
            (
                39,
                "packing",
                "發酵場 阿嬌",
                "前一筆的包數有誤：實際為 38 包（2 包留作下批發酵菌種）。",
                {"boxes": "38"},
                None,
                (4, "包數記錄錯誤，實際出貨 38 包。"),
            ),
            (37, "shipping", "發酵場 阿嬌", "黑貓宅急便寄給認養人。", {"destination": "認養人（38 位）"}, None, None),
        ],
    },
    {
        "name": "冬季可可豆 第二批",
        "product": "發酵可可豆 1 kg",
        "description": "冬季採收的第二批豆，正在乾燥中；完成後寄給本期認養人。",
        "period": (-30, 0),
        "records": [
            (12, "input", "果園班長 阿明", "施用腐熟堆肥。", {"material": "自製可可殼堆肥"}, None, None),
            (6, "harvest", "果園班長 阿明", "採收冬季可可果。", {"quantity": "380 kg 可可果"}, None, None),
            (5, "processing", "發酵場 小芸", "木箱堆積發酵中。", {"quantity": "88 kg 濕豆"}, None, None),
        ],
    },
]

KOUHU_BATCHES = [
    {
        "name": "三號池吳郭魚 春季",
        "product": "吳郭魚片（冷凍）",
        "description": "三號池從放養到收成的紀錄；池水的溫度、溶氧與酸鹼度由池邊探頭即時回報。",
        "period": None,
        "records": [
            (20, "planting", "養殖青年 阿傑", "放養吳郭魚苗。", {"quantity": "3,000 尾魚苗"}, None, None),
            (
                14,
                "input",
                "養殖青年 阿傑",
                "投餵植物性飼料，夜間省電打氣。",
                {"material": "植物性浮性飼料"},
                None,
                None,
            ),
            (
                4,
                "lab_test",
                "送驗：雲林檢驗所（示範）",
                "動物用藥殘留檢驗。",
                {"laboratory": "雲林檢驗所（示範）", "result": "38 項動物用藥殘留均未檢出"},
                lambda: [
                    _certificate("certificate-tilapia.png", ["Batch: pond 3 tilapia", "Veterinary drugs (38): n.d."])
                ],
                None,
            ),
            (
                2,
                "harvest",
                "養殖青年 阿傑",
                "清晨收成，活魚直送加工廠。",
                {"quantity": "1,150 kg"},
                lambda: [_photo("harvest.jpg", ["#1f4e79", "#2e75b6", "#9dc3e6"], "清晨收網的三號池")],
                None,
            ),
            (
                2,
                "processing",
                "口湖加工廠（示範）",
                "去鱗、取魚片、急速冷凍。",
                {"quantity": "420 kg 魚片"},
                None,
                None,
            ),
            (1, "packing", "口湖加工廠（示範）", "真空包裝，每包 300 g。", {"boxes": "120"}, None, None),
        ],
    },
]

KOUHU_DEVICES = [
    {
        "name": "三號池水質探頭",
        "kind": Device.Kind.SENSOR,
        "measures": ["water_temperature", "dissolved_oxygen", "ph", "salinity"],
        "public": ["water_temperature", "dissolved_oxygen", "ph", "salinity"],
        "alert": ("dissolved_oxygen", 4.0, None, 20),
    },
    {
        "name": "魚塭氣象閘道",
        "kind": Device.Kind.GATEWAY,
        "measures": ["air_temperature", "air_humidity"],
        "public": ["air_temperature"],
        "alert": None,
    },
]

# measure → (mean, daily swing, hour of the daily peak, noise)
SHAPES = {
    "water_temperature": (27.0, 1.6, 15, 0.15),
    "dissolved_oxygen": (6.4, 1.8, 16, 0.2),  # algae make oxygen by day, use it by night
    "ph": (7.9, 0.25, 16, 0.03),
    "salinity": (8.0, 0.2, 14, 0.05),
    "air_temperature": (24.0, 4.5, 14, 0.4),
    "air_humidity": (78.0, -12.0, 14, 1.5),
}


def demo_value(code, moment):
    """The demo reading of a measure at a time: a daily cycle, a slow drift and a little noise, all a function of
    the time (so a second run computes the same values and stores nothing twice)."""
    mean, swing, peak, noise = SHAPES[code]
    taiwan = moment.astimezone(storage.TAIWAN)
    hours = taiwan.hour + taiwan.minute / 60
    daily = swing * math.cos((hours - peak) / 24 * 2 * math.pi)
    stamp = int(moment.timestamp())
    drift = 0.3 * swing * math.sin(stamp / (5 * 86400) * 2 * math.pi)
    jitter = ((stamp // 60 * 2654435761 + len(code)) % 1000 / 1000 - 0.5) * 2 * noise
    measure = measures.BY_CODE[code]
    return round(min(max(mean + daily + drift + jitter, measure.minimum), measure.maximum), 2)


def _demo_listing(title):
    from marketplace.models import ProjectListing

    return (
        ProjectListing.objects.filter(project__title=title, project__is_demo=True)
        .select_related("project__township", "enterprise__organisation")
        .prefetch_related("subscription_plans")
        .first()
    )


@transaction.atomic
def _ensure_batch(user, listing, spec, now):
    if Batch.objects.filter(listing=listing, name=spec["name"]).exists():
        return False
    plan, period_start, period_end = None, None, None
    if spec["period"] is not None:
        plan = listing.subscription_plans.first()
        if plan is not None:
            today = timezone.localdate(now)
            period_start = today + datetime.timedelta(days=spec["period"][0])
            period_end = today + datetime.timedelta(days=spec["period"][1])
    batch = actions.create_batch(
        user,
        listing,
        name=spec["name"],
        product=spec["product"],
        description=spec["description"],
        plan=plan,
        period_start=period_start,
        period_end=period_end,
    )
    written = []
    for days_ago, kind, who, what, details, files, corrects in spec["records"]:
        written.append(
            actions.append_entry(
                user,
                batch,
                kind=kind,
                occurred_at=now - datetime.timedelta(days=days_ago, hours=3),
                township=listing.project.township,
                performed_by=who,
                description=what,
                details=details,
                files=files() if files else [],
                corrects=written[corrects[0]] if corrects else None,
                correction_reason=corrects[1] if corrects else "",
            )
        )
    actions.set_batch_public(user, batch, True)
    return True


@transaction.atomic
def _ensure_device(user, listing, spec):
    device = Device.objects.filter(listing=listing, name=spec["name"]).first()
    if device is not None:
        return device, False
    device, _token = actions.register_device(  # the token is not kept: the demo stores readings itself
        user,
        listing,
        name=spec["name"],
        kind=spec["kind"],
        township=listing.project.township,
        measure_codes=spec["measures"],
        public_codes=spec["public"],
    )
    if spec["alert"] and not AlertRule.objects.filter(device=device).exists():
        measure, minimum, maximum, minutes = spec["alert"]
        actions.add_alert_rule(
            user, device, measure=measure, minimum=minimum, maximum=maximum, sustained_minutes=minutes
        )
    return device, True


def _fill_readings(device, now):
    """Readings every READING_MINUTES from the newest stored one (or DEMO_DAYS ago) to now. Returns how many."""
    step = datetime.timedelta(minutes=READING_MINUTES)
    newest = Reading.objects.filter(device=device).order_by("-taken_at").values_list("taken_at", flat=True).first()
    start = now - datetime.timedelta(days=DEMO_DAYS)
    if newest is not None and newest > start:
        start = newest + step
    start = datetime.datetime.fromtimestamp(
        math.ceil(start.timestamp() / step.total_seconds()) * step.total_seconds(), tz=datetime.UTC
    )
    rows, moment = [], start
    while moment <= now:
        rows.extend((measures.BY_CODE[code].number, moment, demo_value(code, moment)) for code in device.measures)
        moment += step
    return storage.store_readings(device.pk, rows, seen_at=rows[-1][1] if rows else None)


def ensure_demo_traces(now=None):
    """Create what is missing of the demo traces and top the readings up to now. Returns a summary dict."""
    now = now or timezone.now()
    summary = {"batches": 0, "devices": 0, "readings": 0, "hours_aggregated": 0}
    plans = [(COCOA, COCOA_BATCHES, []), (KOUHU, KOUHU_BATCHES, KOUHU_DEVICES)]
    listings = [(_demo_listing(title), batches, devices) for title, batches, devices in plans]
    listings = [item for item in listings if item[0] is not None]
    if not listings:
        return summary
    user = ensure_team_login()
    touched = set()
    for listing, batch_specs, device_specs in listings:
        join_demo_team(user, listing)
        for spec in batch_specs:
            summary["batches"] += _ensure_batch(user, listing, spec, now)
        for spec in device_specs:
            device, made = _ensure_device(user, listing, spec)
            summary["devices"] += made
            with transaction.atomic():
                summary["readings"] += _fill_readings(device, now)
            touched.add(listing.project_id)
    while done := storage.refresh_aggregates(limit=5000):
        summary["hours_aggregated"] += done
    if touched:
        with transaction.atomic():
            announce_badges_changed(sorted(touched))
    return summary
