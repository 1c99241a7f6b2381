"""Demo regulatory issues, raised by the demo township offices and routed and answered by the demo staff login
through the actions (so each has its audit trail), then dated back. The answers are demo text, marked as such."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone

from accounts.demo import ensure_demo_staff
from accounts.models import Membership, User
from cms.models import Ministry
from places.models import Township
from policy import actions
from policy.models import RegulatoryIssue

Outcome = RegulatoryIssue.Outcome

# (township code, rule, what it blocks, proposal, ministry slug or None, outcome, answer, days ago)
DEMO_ISSUES = [
    (
        "10009190",
        "養殖漁業設施容許使用：魚塭加設水質感測器與自動投餌機的供電設備，須逐池申請（示範）",
        "返鄉青年一次改造十幾口魚塭，逐池送件要等半年，錯過放養季節；小型養殖戶也負擔不起每池一份的圖說。",
        "同一養殖漁業生產區內、同一經營者的同類感測與投餌設備，一次申請、一次審查。",
        "moa",
        Outcome.REINTERPRETED,
        "（示範回覆）同一經營者於同一生產區內設置之同類感測與投餌設備，得合併為一案申請；已請縣府依此受理。",
        120,
    ),
    (
        "10013130",
        "食品工廠登記：可可豆的發酵、烘焙與研磨視為食品製造，須在工業區設立食品工廠（示範）",
        "農民想在自家農場小批次發酵與烘焙，卻無法登記，只能把可可豆賣到外地，加值留不在鄉內。",
        "比照農產品初級加工場，訂出小規模可可加工的設施與衛生標準，允許設在農業用地上。",
        "moea",
        Outcome.PENDING,
        "",
        45,
    ),
    (
        "67000100",
        "事業廢棄物再利用：菱角殼炭化須逐案申請再利用許可（示範）",
        "每個合作社與農會的小型炭化窯都要各自送件、各自檢測，費用比一季的炭還貴，菱角殼只好燒掉。",
        "把菱角殼列入公告再利用的種類，訂出炭化再利用的通用條件，符合條件者備查即可。",
        None,
        Outcome.PENDING,
        "",
        12,
    ),
    (
        "10008040",
        "建築技術規則：竹構造不在構造種類之內，竹造的工坊與展售空間須個案審查（示範）",
        "竹山的竹工坊想用在地的竹材蓋展售空間，個案審查沒有可依循的標準，設計費與等待時間都難以估計。",
        "訂定竹構造的設計與施工規範，小型竹造建築依規範設計者免個案審查。",
        "moi",
        Outcome.REFUSED,
        "（示範回覆）竹構造的耐久與防火資料尚不足以訂定通用規範，暫維持個案審查；將委託研究後再議。",
        200,
    ),
]


def _office_member(code):
    """The demo township office of `code` (made by the plans demo) and its first member, or (None, None)."""
    membership = (
        Membership.objects.select_related("organisation", "user")
        .filter(organisation__slug=f"demo-office-{code}")
        .order_by("pk")
        .first()
    )
    return (membership.organisation, membership.user) if membership else (None, None)


@transaction.atomic
def ensure_demo_regulatory_issues(now=None):
    """Create the demo issues that are missing (after load_demo_plans, whose offices raise them); returns how many."""
    now = now or timezone.now()
    ensure_demo_staff()
    staff = User.objects.filter(is_superuser=True).order_by("pk").first()
    made = 0
    for code, rule, blocks, proposal, ministry_slug, outcome, answer, days in DEMO_ISSUES:
        if RegulatoryIssue.objects.filter(rule=rule).exists():
            continue
        township = Township.objects.filter(code=code).first()
        office, member = _office_member(code)
        if township is None or office is None:
            continue
        issue = actions.submit_issue(
            member, office, rule=rule, township=township, blocks=blocks, proposal=proposal, show_identity=True
        )
        ministry = Ministry.objects.filter(slug=ministry_slug).first() if ministry_slug else None
        if ministry is not None:
            actions.route_issue(staff, issue, ministry)
            if outcome != Outcome.PENDING:
                actions.record_answer(staff, issue, outcome=outcome, answer=answer)
        raised = now - timedelta(days=days)
        RegulatoryIssue.objects.filter(pk=issue.pk).update(
            created_at=raised,
            routed_at=raised + timedelta(days=5) if ministry is not None else None,
            answered_at=raised + timedelta(days=40) if ministry is not None and outcome != Outcome.PENDING else None,
        )
        made += 1
    return made
