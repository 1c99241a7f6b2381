"""Demo experiences for `manage.py load_demo_experiences` (run by `make run` after load_demo): tea picking in Pinglin,
a farm and fishery tour in Kouhu, a beach-cleaning shift in Zhuangwei, each with dates in the coming weeks.

Idempotent: an organisation or experience that exists is left as it is; slots are topped up so that each experience
always has dates still to come, and one without a photo gets its drawn one (cms.demo_pictures' style, uploaded
through the organiser's action as a team's photo would be). The demo team login (marketplace.demo) is an admin of
the three organisations.
"""

import datetime
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.demo import ensure_demo_township_office
from accounts.models import Membership, Organisation, Role
from cms.demo_pictures import draw_scene
from experiences import actions
from experiences.models import CancellationRule, Experience
from places.models import Township

PINGLIN, KOUHU, ZHUANGWEI = "65000200", "10009190", "10002060"
KOUHU_OFFICE = f"demo-office-{KOUHU}"  # the demo's Kouhu office (accounts.demo.ensure_demo_township_office)

# slug → (kind, name, township code)
DEMO_ORGANISATIONS = {
    "demo-pinglin-community": (Organisation.Kind.COMMUNITY, "坪林茶鄉社區發展協會（示範）", PINGLIN),
    "demo-zhuangwei-foundation": (Organisation.Kind.FOUNDATION, "壯圍海岸守護基金會（示範）", ZHUANGWEI),
}

DEMO_EXPERIENCES = [
    {
        "organisation": "demo-pinglin-community",
        "kind": Experience.Kind.EXPERIENCE,
        "title_zh": "坪林採茶與包種茶製茶體驗",
        "title_en": "Tea picking and Baozhong tea making in Pinglin",
        "title_ja": "坪林の茶摘みと包種茶づくり体験",
        "description_zh": "跟著第三代茶農上山採一心二葉，回到茶廠學萎凋、炒菁、揉捻，最後帶走自己做的一包包種茶。",
        "description_en": (
            "Pick two leaves and a bud with a third-generation tea farmer, learn withering, pan-firing and rolling at "
            "the family tea factory, and take home the Baozhong tea you made."
        ),
        "description_ja": (
            "三代目の茶農家と一芯二葉を摘み、茶工場で萎凋・炒青・揉捻を学びます。"
            "自分で作った包種茶をお持ち帰りいただけます。"
        ),
        "meeting_point": "坪林茶業博物館前廣場",
        "meeting_point_en": "The square in front of the Pinglin Tea Museum",
        "meeting_point_ja": "坪林茶業博物館前の広場",
        "latitude": 24.9369,
        "longitude": 121.7110,
        "price_twd": 0,
        "languages": ["zh", "nan", "en"],
        "accessibility": "茶園步道有坡度與階梯，輪椅無法通行；製茶體驗在一樓茶廠，可無障礙進出。",
        "accessibility_en": (
            "The tea garden paths have slopes and steps and cannot be used with a wheelchair; the tea making takes "
            "place on the tea factory's ground floor, with step-free access."
        ),
        "accessibility_ja": (
            "茶園の小道には坂と階段があり、車椅子では通れません。製茶体験は茶工場の1階で、段差なく入れます。"
        ),
        "what_to_bring": "帽子、長袖衣物、防蚊液、水壺",
        "what_to_bring_en": "A hat, long sleeves, insect repellent and a water bottle",
        "what_to_bring_ja": "帽子、長袖の服、虫よけ、水筒",
        "minimum_age": 6,
        "cancellation_rule": CancellationRule.FLEXIBLE,
        "image_alt": "插畫：山坡上一排排圓圓的茶樹，坡頂有一間橘紅屋頂的小屋。",
        "image_alt_en": (
            "Illustration: rows of round tea bushes up a hillside, a small house with an orange-red roof on top."
        ),
        "image_alt_ja": "イラスト：丘の斜面に並ぶ丸い茶の木と、上に建つ朱色の屋根の小さな家。",
        "photo": ("tea", 1, 3),
        "slots": [(4, 9, 4, 12), (11, 9, 4, 12), (18, 9, 4, 12)],
    },
    {
        "organisation": KOUHU_OFFICE,
        "kind": Experience.Kind.EXPERIENCE,
        "title_zh": "口湖農漁導覽：魚塭、鰻魚與食農教育",
        "title_en": "Kouhu farm and fishery tour: fish ponds, eels and food education",
        "title_ja": "口湖の農漁業ツアー：養殖池・ウナギ・食農教育",
        "description_zh": "由鄉公所與在地養殖戶帶路，看智慧魚塭如何省水省電、認識鰻魚與文蛤的一生，午餐吃當季漁產。",
        "description_en": (
            "Township staff and local fish farmers show how smart ponds save water and power, tell the life of eels "
            "and clams, and serve a lunch of the season's catch."
        ),
        "description_ja": (
            "郷公所と地元の養殖家の案内で、スマート養殖池の節水・節電を見学し、"
            "ウナギとハマグリの一生を学びます。昼食は旬の海の幸です。"
        ),
        "meeting_point": "口湖遊客中心",
        "meeting_point_en": "Kouhu Visitor Center",
        "meeting_point_ja": "口湖ビジターセンター",
        "latitude": 23.5860,
        "longitude": 120.1620,
        "price_twd": 800,
        "languages": ["zh", "nan"],
        "accessibility": "導覽車可載輪椅；魚塭堤岸為碎石路。",
        "accessibility_en": "The tour vehicle takes wheelchairs; the fish pond embankments are gravel paths.",
        "accessibility_ja": "ツアー車は車椅子のまま乗れます。養殖池の堤防は砂利道です。",
        "what_to_bring": "防曬用品、可弄髒的鞋子",
        "what_to_bring_en": "Sun protection and shoes that can get dirty",
        "what_to_bring_ja": "日焼け対策のもの、汚れてもよい靴",
        "minimum_age": 0,
        "cancellation_rule": CancellationRule.MODERATE,
        "image_alt": "插畫：方形魚塭裡的水車打氣機激起白色水花，岸邊有一間小屋。",
        "image_alt_en": (
            "Illustration: paddlewheel aerators splashing white water in square fish ponds, a small house on the bank."
        ),
        "image_alt_ja": "イラスト：四角い養殖池で水車が白い水しぶきを上げ、岸辺に小さな家が建っている。",
        "photo": ("ponds", 1, 3),
        "slots": [(6, 10, 5, 20), (20, 10, 5, 20)],
    },
    {
        "organisation": "demo-zhuangwei-foundation",
        "kind": Experience.Kind.VOLUNTEERING,
        "title_zh": "壯圍海灘淨灘志工",
        "title_en": "Beach-cleaning volunteers in Zhuangwei",
        "title_ja": "壮圍ビーチ清掃ボランティア",
        "description_zh": "兩小時的淨灘班次：撿拾與分類海廢，記錄種類與數量，資料提供給海洋廢棄物監測。",
        "description_en": "A two-hour shift: pick up and sort marine litter and record what you find for the marine "
        "debris survey.",
        "description_ja": "2 時間の清掃シフト。海ごみを拾って分別し、種類と量を記録して海洋ごみ調査に役立てます。",
        "meeting_point": "壯圍沙丘旅遊服務園區",
        "meeting_point_en": "Zhuangwei Sand Dune Visitor Center",
        "meeting_point_ja": "壮圍砂丘ビジターセンター",
        "latitude": 24.7706,
        "longitude": 121.8226,
        "price_twd": 0,
        "languages": ["zh", "en", "ja"],
        "accessibility": "沙灘不適合輪椅；可在服務園區協助分類與記錄。",
        "accessibility_en": (
            "The beach is not suitable for wheelchairs; you can help sort and record the litter at the visitor center."
        ),
        "accessibility_ja": "砂浜は車椅子に向きません。ビジターセンターでごみの分別と記録を手伝うことができます。",
        "what_to_bring": "帽子、水壺、防曬；手套與夾子由我們準備",
        "what_to_bring_en": "A hat, a water bottle and sun protection; we provide gloves and litter pickers",
        "what_to_bring_ja": "帽子、水筒、日焼け対策。手袋とごみばさみはこちらで用意します",
        "minimum_age": 10,
        "cancellation_rule": CancellationRule.FLEXIBLE,
        "image_alt": "插畫：龜山島前的海與沙灘，防風林旁一袋袋撿好的海廢等著分類。",
        "image_alt_en": (
            "Illustration: the sea and the beach before Turtle Island, bags of collected litter waiting to be sorted "
            "by the windbreak."
        ),
        "image_alt_ja": "イラスト：亀山島を望む海と砂浜。防風林のそばに、拾い集めた海ごみの袋が分別を待っている。",
        "photo": ("beach", 0, 0),
        "slots": [(2, 8, 2, 30), (9, 8, 2, 30), (16, 8, 2, 30)],
    },
]


def demo_photo(scene, variant, seed):
    """A drawn picture of the demo (cms.demo_pictures) as the JPEG file an organiser would upload."""
    buffer = io.BytesIO()
    draw_scene(scene, variant, seed).save(buffer, "JPEG", quality=82, optimize=True, progressive=True)
    return SimpleUploadedFile(f"demo-{scene}-{variant}-{seed}.jpg", buffer.getvalue(), content_type="image/jpeg")


def _organisation(slug, user):
    if slug == KOUHU_OFFICE:
        return ensure_demo_township_office(Township.objects.select_related("county").get(code=KOUHU), user)
    kind, name, code = DEMO_ORGANISATIONS[slug]
    township = Township.objects.select_related("county").get(code=code)
    organisation, _ = Organisation.objects.get_or_create(
        slug=slug, defaults={"kind": kind, "name": name, "township": township, "county": township.county}
    )
    Membership.objects.get_or_create(user=user, organisation=organisation, defaults={"role": Role.ADMIN})
    return organisation


def ensure_demo_experiences(now=None):
    """Create what is missing of the demo experiences and give each dates still to come. Returns a summary."""
    from marketplace.demo import ensure_team_login

    now = now or timezone.now()
    summary = {"experiences": 0, "slots": 0}
    if not Township.objects.filter(code=PINGLIN).exists():
        return summary
    user = ensure_team_login()
    for spec in DEMO_EXPERIENCES:
        spec = dict(spec)
        organisation = _organisation(spec.pop("organisation"), user)
        slots = spec.pop("slots")
        photo = spec.pop("photo")
        with transaction.atomic():
            experience = Experience.objects.filter(organisation=organisation, title_zh=spec["title_zh"]).first()
            if experience is None:
                spec["township"] = organisation.township
                experience = actions.create_experience(
                    user, organisation, is_published=True, image=demo_photo(*photo), **spec
                )
                summary["experiences"] += 1
            elif experience.image_id is None:
                words = {name: spec[name] for name in ("image_alt", "image_alt_en", "image_alt_ja")}
                actions.update_experience(user, experience, image=demo_photo(*photo), **words)
            if experience.slots.filter(starts_at__gt=now).exists():
                continue
            today = timezone.localdate(now)
            for days, hour, hours, capacity in slots:
                start = timezone.make_aware(
                    datetime.datetime.combine(today + datetime.timedelta(days=days), datetime.time(hour))
                )
                actions.add_slot(
                    user,
                    experience,
                    starts_at=start,
                    ends_at=start + datetime.timedelta(hours=hours),
                    capacity=capacity,
                )
                summary["slots"] += 1
    return summary
