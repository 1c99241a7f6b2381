"""Every URL of the project's own apps is either public, about the signed-in person only, or in OBJECT_URLS.

For each object URL a signed-in member of *another* organisation gets 403 or
404 and nothing changes. The resolver walk at the end fails as soon as a new
URL of ours appears without being placed in one of the three lists.
"""

import uuid

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from accounts import actions
from accounts.models import Invitation, Membership, Organisation, Role, User
from core.models import AuditEntry
from notifications.models import Notification
from places.models import County, Township
from tests.factories.market import build_market

pytestmark = [pytest.mark.django_db, pytest.mark.postgres, pytest.mark.redis]

OWN_APPS = (
    "accounts.",
    "cms.",
    "impact.",
    "conversations.",
    "marketplace.",
    "notifications.",
    "payments.",
    "people.",
    "places.",
    "datahub.",
    "policy.",
    "core.",
    "search.",
    "scheduling.",
    "plans.",
    "config.",
    "experiences.",
    "traceability.",
)

# name -> why anyone may see it.
PUBLIC_URLS = {
    "healthz": "load-balancer probe; says only whether services answer",
    "prometheus-django-metrics": "Prometheus scrape: counts and timings, no person; bearer token when METRICS_TOKEN is "
    "set, and the proxy keeps it off the public site",
    "stripe_webhook": "Stripe's deliveries; authenticated by Stripe's signature, not by a session",
    "places:township_map": "public reference data (population, ageing) drawn on a map",
    "search_api:search": "public discovery; only published documents are indexed as public",
    "search_api:autocomplete": "public discovery suggestions from published documents",
    "search:page": "public discovery page",
    "impact:page": "public impact map: aggregates per township from the ledger, commitments and reference data",
    "impact:csv": "the impact map's figures as CSV (aggregates only, no person or company)",
    "impact:json": "the impact map's figures as JSON (aggregates only, no person or company)",
    "datahub:time_series": "an official figure's time series for a township or county: published open data only",
    "search:map": "public discovery results on a township map (same query, counts only)",
    "robots_txt": "crawler rules for the public site",
    "plans:list": "public list of revitalization plans past their draft (drafts are never listed)",
    "plans:detail": "a plan's public page; a draft answers 404 to anyone but its office and national reviewers "
    "(tests/plans/test_plans.py)",
    "favicon_ico": "the site's icon, a static file",
    "web_manifest": "the web app manifest: name, colours, icons",
    "cms:programme_catalogue": "the public catalogue of support programmes (reference data staff keep)",
    "cms:programme_detail": "a support programme's public page",
    "policy:issue_list": "regulatory issues and outcomes; the submitter shows only as they chose",
    "policy:issue_detail": "a regulatory issue's public page (submitter only as they chose; staff forms for staff)",
    "marketplace:enterprise_detail": "an enterprise's public profile (what its team chose to publish)",
    "marketplace:questions": "questions and answers of a published project (404 otherwise); asking needs sign-in",
    "payments:donate": "a published project's donation form (404 otherwise): guests may donate; it only opens Checkout",
    "payments:checkout_return": "where Stripe Checkout sends a payer back: shows a message, changes nothing",
    "payments:funding_progress": "a published project's raised/backers figures, as its page shows them (404 else)",
    "experiences:list": "public listing of published experiences with dates to come",
    "experiences:detail": "a published experience's page (404 when unpublished, except to its organisers)",
    "people:index": "open help requests and the profiles the visitor may see (visibility filtered by queries)",
    "people:profile": "a talent profile, if its visibility lets the visitor see it (404 otherwise); contact details "
    "only for the person and organisations whose request they accepted",
    "people:request": "a help request is public; offers and ranked people are shown to the requester's members only",
    "people:organisation": "an organisation's public page: kind, place, badges, members' public names, open requests",
    "traceability:batch_lookup": "the box where a shopper types a batch's code: redirects to the batch's page",
    "batch_short": "the short address printed on labels: redirects to the batch's page in the reader's language",
    "traceability:batch": "a public batch's story; an unpublished batch or one of a hidden project answers 404 to "
    "anyone (DRAFT_BATCH_URLS below)",
    "traceability:batch_verify": "a public batch's verification; comparing a kept digest stores nothing (404 for a "
    "batch that is not public)",
    "traceability:batch_json": "a public batch's chain as JSON (404 for a batch that is not public)",
    "traceability:batch_qr": "a public batch's QR code; an unpublished batch's only for its team (DRAFT_BATCH_URLS)",
    "traceability:batch_file": "a public batch's photo or document; an unpublished batch's only for its team",
    "traceability:batch_file_preview": "a public batch's photo preview; an unpublished batch's only for its team",
    "traceability:digests": "the signed daily digests of every chain: hashes only",
    "traceability:digest": "one signed daily digest: hashes only",
    "trace_digest_json": "one signed daily digest as a file: hashes only",
    "trace_public_key": "the public key the digests are signed with",
    "traceability:how_it_works": "how the records are chained and signed",
    "traceability:project_readings": "a public project's latest readings of the measures its team made public "
    "(404 for a project that is not public)",
    "trace_readings_api": "the device API: authenticated by a device's token, not by a session; the token decides "
    "the device (tests/traceability/test_devices.py)",
    "payments:demo_checkout": "the demo checkout's page: 404 unless the demo gateway is on (never in production); "
    "its address carries a signed session, so it opens only the backing it was made for",
}

# name -> (method, kwargs, data). Anyone signed in may do these (report abuse on a published project);
# anonymous people are sent to sign in and nothing changes.
SIGNED_IN_URLS = {
    "marketplace:report": ("post", {"project_id": 1, "kind": "question", "pk": 1}, {"reason": "spam"}),
    "payments:subscribe": ("post", {"project_id": 1, "plan_id": 1}, {"name": "x"}),
    "experiences:book": ("post", {"pk": 1}, {}),
    "people:offer_make": ("post", {"pk": 1}, {"message": "x"}),
    "people:follow": ("post", {"slug": "x"}, {}),
    # Raising a regulatory issue: any member of a team, township office or association (others get 403).
    "policy:issue_new": ("post", {}, {"rule": "x", "blocks": "x", "proposal": "x"}),
}

# name -> (method, data[, kwargs]). Staff screens inside the Wagtail admin:
# a signed-in person who is not staff is sent to sign in.
STAFF_URLS = {
    "scheduled_jobs": ("get", None),
    # Wagtail's account screen with our panels (accounts.admin_account).
    "wagtailadmin_account": ("post", {"name_email-display_name": "Taken over"}),
    "cms_needs_translation": ("get", None),
    "places_import_priority_areas": ("post", {"csv_file": ""}),
    "townships:index": ("get", None),
    "datahub_import": ("post", {"csv_file": "", "source": "x", "licence": "x", "source_date": "2026-01-01"}),
    "figure_imports:index": ("get", None),
    "figure_imports:index_results": ("get", None),
    "townships:index_results": ("get", None),
    "interest_pipeline:index": ("get", {"export": "csv"}),
    "interest_pipeline:index_results": ("get", None),
    "enterprises:verify": ("post", {"pk": "1"}),
    # Moderation through actions (marketplace.actions.moderation, places.actions.set_priority_area).
    "townships:edit": ("post", {"is_priority_area": "on"}, {"pk": 1}),
    "questions:edit": ("post", {"hidden": "on"}, {"pk": 1}),
    "answers:edit": ("post", {"hidden": "on"}, {"pk": 1}),
    "abuse_reports:index": ("get", None),
    "abuse_reports:index_results": ("get", None),
    "abuse_reports:resolve": ("post", {"pk": "1"}),
    "abuse_reports:inspect": ("get", None, {"pk": 1}),
    "conversation_reports:inspect": ("get", None, {"pk": 1}),
    # Wagtail's inspect screens, with our readable values (core.admin_inspect.ReadableInspectView).
    **{
        f"{viewset}:inspect": ("get", None, {"pk": 1})
        for viewset in (
            "wagtailsnippets_cms_reviewnotice",
            "townships",
            "figure_imports",
            "organisations_admin",
            "interest_pipeline",
            "enterprises",
            "stripe_events",
            "ledger",
            "job_runs",
            "regulatory_issues",
        )
    },
    "regulatory_issues:index": ("get", None),
    "regulatory_issues:index_results": ("get", None),
    "regulatory_issues:edit": ("get", None, {"pk": 1}),
    "conversation_reports:review": ("post", {"pk": "1"}),
    # Staff actions from those inspect screens, with a reason the team is told (core.admin_staff_actions); the
    # moderation permission is checked in tests/{experiences,people,traceability}/test_staff_moderation.py.
    "experiences_admin:unpublish": ("post", {"reason": "x"}, {"pk": 1}),
    "help_requests_admin:close": ("post", {"reason": "x"}, {"pk": 1}),
    "trace_devices:revoke": ("post", {"reason": "x"}, {"pk": 1}),
    "impact_county_report": ("get", {"export": "csv"}),
    "plans_dashboard": ("get", None),
    "impact_priority_report": ("get", {"export": "csv"}),
    "ledger:refund": (
        "post",
        {"payment": "1", "amount": "", "reason": "x", "token": "00000000-0000-4000-8000-000000000000", "confirm": "1"},
    ),
    "ledger:record_payout": ("post", {"listing": "1", "amount": "100", "reference": "x", "paid_on": "2026-11-01"}),
    "ledger:index": ("get", None),
    "ledger:index_results": ("get", None),
    "ledger:export": ("get", {"date_from": "2026-11-01", "date_to": "2026-11-30", "format": "csv"}),
    "ledger:reconcile": ("get", {"date_from": "2026-11-01", "date_to": "2026-11-30"}),
    "search_synonyms:add": ("post", {"terms_zh": "甲, 乙"}),
    "search_synonyms:edit": ("post", {"terms_zh": "甲, 乙"}, {"pk": 1}),
    "search_synonyms:delete": ("post", {}, {"pk": 1}),
    "organisations_admin:verification": ("post", {"pk": "1"}),
    "organisations_admin:index": ("get", {"q": "organisation"}),
    "organisations_admin:index_results": ("get", None),
    "search_synonyms:index": ("get", None),
    "search_synonyms:index_results": ("get", None),
    "audit_entries:index": ("get", {"q": "organisation"}),
    "audit_entries:index_results": ("get", {"action": "organisation.create"}),
    "audit_entries:inspect": ("get", None, {"pk": 1}),
    "policy:issue_route": ("post", {"ministry": "1"}, {"pk": 1}),
    "policy:issue_answer": ("post", {"outcome": "amended", "answer": "x"}, {"pk": 1}),
    # Read-only screens of records their apps' actions change (core.admin_viewsets.RecordViewSet): listing, its
    # filtered results and the inspect screen; Wagtail's own add, edit and delete views refuse by permission policy.
    **{
        f"{viewset}:{view}": ("get", None, *([{"pk": 1}] if view == "inspect" else []))
        for viewset in (
            "experiences_admin",
            "experience_slots",
            "bookings_admin",
            "talent_profiles",
            "help_requests_admin",
            "help_offers",
            "trace_batches",
            "trace_entries",
            "trace_devices",
            "backings_admin",
        )
        for view in ("index", "index_results", "inspect")
    },
}

# name -> (method, data). These act on request.user alone and take no object id; anonymous people are sent to sign in.
OWN_ACCOUNT_URLS = {
    "account_profile": ("post", {"display_name": "changed", "preferred_language": "en"}),
    "account_personal_data": ("get", None),
    "account_personal_data_download": ("get", None),
    "account_delete": ("post", {"email": "alice@example.tw"}),
    "organisations:list": ("get", None),
    "organisations:create": ("post", {"kind": "company", "name": "Made by an anonymous visitor"}),
    "plans:new": ("post", {"office": "1", "title": "Made by an anonymous visitor"}),
    "notifications:list": ("get", None),
    "notifications:unread_count": ("get", None),
    "notifications:mark_all_read": ("post", {}),
    "cms:review_notices": ("get", None),
    "payments:my_backings": ("get", None),
    "conversations:list": ("get", None),
    "experiences:my_bookings": ("get", None),
    "experiences:manage_list": ("get", None),
    "people:profile_edit": ("post", {"kind": "expert", "headline": "x", "contact_email": "x@example.tw"}),
    "people:profile_delete": ("post", {}),
    "people:matches": ("get", None),
    "people:request_create": ("post", {"title": "x"}),
}


def _kwargs_slug(objects):
    return {"slug": objects["enterprise"].slug}


def _company_slug(objects):
    return {"slug": objects["company_org"].slug}


def _conversation_pk(objects):
    return {"pk": objects["conversation"].pk}


# name -> list of (method, kwargs(objects), data(objects)). Each row is tried by an outsider.
def _plan_pk(objects):
    return {"pk": objects["township_plan"].pk}


OBJECT_URLS = {
    # A township office's plan, submitted to its county: only the office edits it and takes its steps, only the
    # county's reviewers forward it, only national reviewers (staff) record meetings and match resources.
    "plans:edit": [("get", _plan_pk, None), ("post", _plan_pk, lambda o: {"title": "Taken over"})],
    "plans:step": [
        ("post", lambda o, step=step: {"pk": o["township_plan"].pk, "step": step}, lambda o: {"comment": "x"})
        for step in ("submit", "revise", "start", "county-return", "county-forward")
    ],
    "plans:meeting": [
        ("post", _plan_pk, lambda o: {"held_on": "2026-11-01", "attendees": "x", "minutes": "x"}),
    ],
    "plans:match": [("post", _plan_pk, lambda o: {})],
    "plans:report": [("post", _plan_pk, lambda o: {"year": "2026", "summary": "x"})],
    "organisations:detail": [("get", _kwargs_slug, None)],
    "organisations:settings": [("get", _kwargs_slug, None), ("post", _kwargs_slug, lambda o: {"name": "Taken over"})],
    "organisations:members": [
        ("get", _kwargs_slug, None),
        ("post", _kwargs_slug, lambda o: {"email": "friend@example.tw", "role": "owner"}),
    ],
    "organisations:member_role": [
        ("post", lambda o: {"slug": o["enterprise"].slug, "pk": o["bob_membership"].pk}, lambda o: {"role": "owner"})
    ],
    "organisations:member_remove": [
        ("post", lambda o: {"slug": o["enterprise"].slug, "pk": o["bob_membership"].pk}, lambda o: {}),
        # A forged pair: the outsider's own organisation in the URL, a member of another one as the id.
        ("post", lambda o: {"slug": o["outsider_org"].slug, "pk": o["bob_membership"].pk}, lambda o: {}),
    ],
    "organisations:leave": [("post", _kwargs_slug, lambda o: {})],
    "organisations:invitation_revoke": [
        ("post", lambda o: {"slug": o["enterprise"].slug, "pk": o["invitation"].pk}, lambda o: {}),
        ("post", lambda o: {"slug": o["outsider_org"].slug, "pk": o["invitation"].pk}, lambda o: {}),
    ],
    # The token is the credential, but only for the address it was sent to.
    # Someone else's notification: opening it would mark it read.
    "notifications:open": [("get", lambda o: {"pk": o["notification"].pk}, None)],
    # The enterprise team's pages: profile, drafts and the project wizard, the team's project page.
    "marketplace:enterprise_edit": [
        ("get", _kwargs_slug, None),
        ("post", _kwargs_slug, lambda o: {"township": o["township"].pk, "team_size": 9, "summary": "Taken over"}),
    ],
    "marketplace:enterprise_projects": [("get", _kwargs_slug, None), ("post", _kwargs_slug, lambda o: {})],
    "marketplace:draft_step": [
        ("get", lambda o: {"pk": o["draft"].pk, "step": "basics"}, None),
        ("post", lambda o: {"pk": o["draft"].pk, "step": "basics"}, lambda o: {"title": "Taken", "summary": "x"}),
        ("post", lambda o: {"pk": o["draft"].pk, "step": "milestones"}, lambda o: {}),
    ],
    "marketplace:draft_plan_add": [
        (
            "post",
            lambda o: {"pk": o["draft"].pk},
            lambda o: {"name": "x", "price_twd": "500", "interval": "month", "rewards": "x"},
        )
    ],
    "marketplace:draft_plan_remove": [
        ("post", lambda o: {"pk": o["draft"].pk, "plan_pk": o["plan"].pk}, lambda o: {}),
        # A forged pair: a draft of the outsider's own team in the URL, the team's plan as the id.
        ("post", lambda o: {"pk": o["outsider_draft"].pk, "plan_pk": o["plan"].pk}, lambda o: {}),
    ],
    "marketplace:draft_milestone_add": [("post", lambda o: {"pk": o["draft"].pk}, lambda o: {"title": "x"})],
    "marketplace:draft_milestone_remove": [
        ("post", lambda o: {"pk": o["draft"].pk, "milestone_pk": o["draft_milestone"].pk}, lambda o: {}),
        ("post", lambda o: {"pk": o["outsider_draft"].pk, "milestone_pk": o["draft_milestone"].pk}, lambda o: {}),
    ],
    "marketplace:draft_submit": [("post", lambda o: {"pk": o["draft"].pk}, lambda o: {})],
    "marketplace:draft_reopen": [("post", lambda o: {"pk": o["draft"].pk}, lambda o: {})],
    "marketplace:draft_delete": [("post", lambda o: {"pk": o["draft"].pk}, lambda o: {})],
    "marketplace:project_team": [
        ("get", lambda o: {"project_id": o["listing"].project_id}, None),
        ("post", lambda o: {"project_id": o["listing"].project_id}, lambda o: {"title": "Taken", "body": "x"}),
    ],
    "marketplace:milestone_done": [
        ("post", lambda o: {"project_id": o["listing"].project_id, "pk": o["milestone"].pk}, lambda o: {})
    ],
    "marketplace:question_answer": [
        ("post", lambda o: {"project_id": o["listing"].project_id, "pk": o["question"].pk}, lambda o: {"text": "x"})
    ],
    "invitation": [
        ("get", lambda o: {"token": o["invitation"].token}, None),
        ("post", lambda o: {"token": o["invitation"].token}, lambda o: {}),
    ],
    # The marketplace (objects from tests/factories/, built only for these rows).
    "marketplace:company_profile": [
        ("get", _company_slug, None),
        ("post", _company_slug, lambda o: {"unified_business_number": "04595257", "size": "large"}),
    ],
    "marketplace:company_ties": [
        ("get", _company_slug, None),
        ("post", _company_slug, lambda o: {"kind": "plant", "township": o["rice"].township_id}),
    ],
    "marketplace:own_tie_add": [
        ("post", _company_slug, lambda o: {"township": o["rice"].township_id, "consent": "on"}),
    ],
    "marketplace:tie_remove": [
        ("post", lambda o: {"slug": o["company_org"].slug, "pk": o["company"].ties.first().pk}, lambda o: {}),
        ("post", lambda o: {"slug": o["outsider_org"].slug, "pk": o["company"].ties.first().pk}, lambda o: {}),
    ],
    "marketplace:recommendations": [("get", _company_slug, None)],
    "marketplace:company_interests": [("get", _company_slug, None)],
    "marketplace:impact": [("get", _company_slug, None)],
    "marketplace:saved_searches": [("get", _company_slug, None), ("post", _company_slug, lambda o: {"name": "x"})],
    "marketplace:saved_search_delete": [
        ("post", lambda o: {"slug": o["company_org"].slug, "pk": o["saved_search"].pk}, lambda o: {}),
        ("post", lambda o: {"slug": o["outsider_org"].slug, "pk": o["saved_search"].pk}, lambda o: {}),
    ],
    "marketplace:interest_express": [
        ("post", lambda o: {"slug": o["company_org"].slug, "project_id": o["rice"].pk}, lambda o: {"message": "x"}),
    ],
    "marketplace:enterprise_interests": [("get", lambda o: {"slug": o["enterprise_org"].slug}, None)],
    "marketplace:fitting_companies": [("get", lambda o: {"slug": o["enterprise_org"].slug}, None)],
    "marketplace:interest_detail": [("get", lambda o: {"pk": o["interest"].pk}, None)],
    "marketplace:interest_advance": [("post", lambda o: {"pk": o["interest"].pk}, lambda o: {"stage": "accepted"})],
    "marketplace:interest_withdraw": [("post", lambda o: {"pk": o["interest"].pk}, lambda o: {})],
    "marketplace:interest_propose": [
        ("post", lambda o: {"pk": o["interest"].pk}, lambda o: {"amount": "1000000", "instrument": "equity"})
    ],
    "marketplace:interest_confirm": [("post", lambda o: {"pk": o["interest"].pk}, lambda o: {})],
    # Another company's commitment: an outsider neither sees it nor starts paying it.
    "payments:pay_commitment": [
        ("get", lambda o: {"pk": o["interest"].pk}, None),
        ("post", lambda o: {"pk": o["interest"].pk}, lambda o: {"amount_twd": "1000"}),
    ],
    "payments:commitment_paid": [("get", lambda o: {"pk": o["interest"].pk}, None)],
    # A company's yearly evidence report and its files: its members only.
    "impact:company_report": [("get", _company_slug, None)],
    "impact:company_report_csv": [("get", _company_slug, None)],
    "impact:company_report_pdf": [("get", _company_slug, None)],
    # Payments: someone else's backing and receipt; the team's funding dashboard and its CSV.
    "payments:backing_detail": [("get", lambda o: {"pk": o["backing"].pk}, None)],
    "payments:receipt": [("get", lambda o: {"pk": o["payment"].pk}, None)],
    "payments:funding_dashboard": [("get", lambda o: {"project_id": o["listing"].project_id}, None)],
    "payments:funding_csv": [("get", lambda o: {"project_id": o["listing"].project_id}, None)],
    # The team's fulfilment list: the addresses of its backers (PDPA), its CSV and packing slips, "shipped".
    "payments:fulfilment": [("get", lambda o: {"project_id": o["listing"].project_id}, None)],
    "payments:fulfilment_csv": [("get", lambda o: {"project_id": o["listing"].project_id}, None)],
    "payments:packing_slips": [("get", lambda o: {"project_id": o["listing"].project_id}, None)],
    "payments:mark_shipped": [
        ("post", lambda o: {"project_id": o["listing"].project_id}, lambda o: {"backing": o["backing"].pk})
    ],
    # Alice's delivery address: only she sees and changes it.
    "payments:delivery_address": [
        ("get", lambda o: {"pk": o["backing"].pk}, None),
        ("post", lambda o: {"pk": o["backing"].pk}, lambda o: {"address-recipient_name": "Taken over"}),
    ],
    # A private conversation of an accepted interest: the outsider reads and writes nothing.
    "conversations:detail": [("get", _conversation_pk, None)],
    "people:request_close": [("post", lambda o: {"pk": o["help_request"].pk}, None)],
    "people:offer": [("get", lambda o: {"pk": o["offer"].pk}, None)],
    "people:offer_step": [
        ("post", lambda o, step=step: {"pk": o["offer"].pk, "step": step}, None)
        for step in ("accept", "decline", "withdraw")
    ],
    "people:offer_feedback": [("post", lambda o: {"pk": o["offer"].pk}, lambda o: {"rating": "1", "text": "x"})],
    "conversations:messages": [("get", _conversation_pk, None)],
    "conversations:send": [("post", _conversation_pk, lambda o: {"text": "x", "client_id": str(uuid.uuid4())})],
    "conversations:read": [("post", _conversation_pk, lambda o: {"up_to": "999999"})],
    "conversations:report": [("get", _conversation_pk, None), ("post", _conversation_pk, lambda o: {"reason": "x"})],
    # Alice's own subscription (built by _with_backing): only she manages it.
    "payments:subscription_manage": [("get", lambda o: {"pk": o["backing"].pk}, None)],
    "payments:subscription_pause": [
        ("post", lambda o: {"pk": o["backing"].pk}, lambda o: {"resumes_on": o["resume_date"]})
    ],
    "payments:subscription_skip": [("post", lambda o: {"pk": o["backing"].pk}, lambda o: {})],
    "payments:subscription_resume": [("post", lambda o: {"pk": o["paused_backing"].pk}, lambda o: {})],
    "payments:subscription_switch_plan": [
        ("post", lambda o: {"pk": o["backing"].pk}, lambda o: {"plan": o["other_plan"].pk})
    ],
    "payments:subscription_cancel": [("post", lambda o: {"pk": o["backing"].pk}, lambda o: {})],
    "payments:subscription_undo_cancel": [("post", lambda o: {"pk": o["ending_backing"].pk}, lambda o: {})],
    # Alice's unpaid checkout: only she cancels it from My backings.
    "payments:cancel_checkout": [("post", lambda o: {"pk": o["pending_backing"].pk}, lambda o: {})],
    # The enterprise team's payouts.
    "payments:payouts": [("get", _kwargs_slug, None)],
    "payments:payouts_connect": [("post", _kwargs_slug, lambda o: {"country": "JP"})],
    "payments:payouts_return": [("get", _kwargs_slug, None)],
    "payments:payouts_refresh": [("get", _kwargs_slug, None)],
    # The enterprise team's experience, its slot and Alice's booking on it (built by _with_experience).
    "experiences:new": [("get", _kwargs_slug, None), ("post", _kwargs_slug, lambda o: {"title_zh": "x"})],
    "experiences:manage": [
        ("get", lambda o: {"pk": o["experience"].pk}, None),
        ("post", lambda o: {"pk": o["experience"].pk}, lambda o: {"title_zh": "Taken over"}),
    ],
    "experiences:slot_add": [
        ("post", lambda o: {"pk": o["experience"].pk}, lambda o: {"starts_at": "2030-01-01T09:00", "capacity": "5"})
    ],
    "experiences:slot_capacity": [("post", lambda o: {"pk": o["slot"].pk}, lambda o: {"capacity": "1"})],
    "experiences:slot_cancel": [("post", lambda o: {"pk": o["slot"].pk}, lambda o: {})],
    "experiences:check_in": [("get", lambda o: {"pk": o["slot"].pk}, None)],
    "experiences:mark_attended": [("post", lambda o: {"pk": o["booking"].pk}, lambda o: {"attended": "1"})],
    "experiences:booking_cancel": [("post", lambda o: {"pk": o["booking"].pk}, lambda o: {})],
    "experiences:booking_claim": [("post", lambda o: {"pk": o["booking"].pk}, lambda o: {})],
}


# The project team's traceability pages (objects built by _with_trace): batches, records, labels, devices, alerts.
def _batch_code(objects):
    return {"code": objects["batch"].code}


def _entry_keys(objects):
    return {"code": objects["batch"].code, "sequence": objects["entry"].sequence}


def _device_pk(objects):
    return {"pk": objects["device"].pk}


def _project_id(objects):
    return {"project_id": objects["listing"].project_id}


def _entry_data(objects):
    return {
        "kind": "harvest",
        "occurred_at": "2026-11-01T08:00",
        "township": objects["township"].pk,
        "performed_by": "Mallory",
        "description": "Taken over",
        "correction_reason": "Taken over",
    }


TRACE_URLS = {
    "traceability:team_project": [("get", _project_id, None)],
    "traceability:batch_new": [
        ("get", _project_id, None),
        ("post", _project_id, lambda o: {"name": "Taken over", "product": "x"}),
    ],
    "traceability:device_new": [
        ("get", _project_id, None),
        (
            "post",
            _project_id,
            lambda o: {"name": "x", "kind": "sensor", "township": o["township"].pk, "measures": ["water_temperature"]},
        ),
    ],
    "traceability:batch_manage": [("get", _batch_code, None), ("post", _batch_code, _entry_data)],
    "traceability:batch_publish": [("post", _batch_code, lambda o: {"public": "1"})],
    "traceability:batch_labels": [("get", _batch_code, lambda o: {"count": "3"})],
    "traceability:entry_correct": [("get", _entry_keys, None), ("post", _entry_keys, _entry_data)],
    "traceability:entry_edit": [("get", _entry_keys, None), ("post", _entry_keys, _entry_data)],
    "traceability:device": [("get", _device_pk, None)],
    "traceability:device_rotate": [("post", _device_pk, lambda o: {})],
    "traceability:device_revoke": [("post", _device_pk, lambda o: {})],
    "traceability:device_measures": [("post", _device_pk, lambda o: {"public_measures": []})],
    "traceability:alert_add": [
        ("post", _device_pk, lambda o: {"measure": "water_temperature", "minimum": "1", "sustained_minutes": "10"})
    ],
    "traceability:readings_hide": [
        (
            "post",
            _device_pk,
            lambda o: {
                "measure": "water_temperature",
                "start": "2026-11-01T08:00",
                "end": "2026-11-01T09:00",
                "reason": "Taken over",
            },
        )
    ],
    "traceability:readings_show": [
        ("post", lambda o: {"pk": o["device"].pk, "exclusion_pk": o["exclusion"].pk}, lambda o: {}),
        # A forged pair: the outsider's own device in the URL, the team's hidden span as the id.
        ("post", lambda o: {"pk": o["outsider_device"].pk, "exclusion_pk": o["exclusion"].pk}, lambda o: {}),
    ],
    "traceability:alert_remove": [
        ("post", lambda o: {"pk": o["device"].pk, "rule_pk": o["alert_rule"].pk}, lambda o: {}),
        # A forged pair: the outsider's own device in the URL, the team's alert as the id.
        ("post", lambda o: {"pk": o["outsider_device"].pk, "rule_pk": o["alert_rule"].pk}, lambda o: {}),
    ],
}
OBJECT_URLS.update(TRACE_URLS)


def _walk(patterns, namespace=""):
    for entry in patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _walk(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern):
            yield entry, (f"{namespace}{entry.name}" if entry.name else None)


def own_url_patterns():
    found = []
    for pattern, name in _walk(get_resolver().url_patterns):
        callback = pattern.callback
        module = getattr(callback, "__module__", "") or ""
        view_class = getattr(callback, "view_class", None)
        if view_class is not None:
            module = view_class.__module__
        if module.startswith(OWN_APPS):
            found.append((name, str(pattern.pattern), module))
    return found


def test_every_url_of_our_apps_is_public_own_account_or_permission_tested():
    known = set(PUBLIC_URLS) | set(OWN_ACCOUNT_URLS) | set(OBJECT_URLS) | set(STAFF_URLS) | set(SIGNED_IN_URLS)
    unplaced = [(name, route, module) for name, route, module in own_url_patterns() if name not in known]

    assert unplaced == [], (
        "These URLs are in no list of tests/accounts/test_permissions.py: add each to PUBLIC_URLS (with the reason "
        "anyone may see it), OWN_ACCOUNT_URLS or OBJECT_URLS (with the request an outsider tries)."
    )


def test_the_lists_name_only_urls_that_exist():
    names = {name for name, _route, _module in own_url_patterns()}

    assert set(PUBLIC_URLS) | set(OWN_ACCOUNT_URLS) | set(OBJECT_URLS) | set(STAFF_URLS) | set(SIGNED_IN_URLS) <= names


def _marketplace_objects(enterprise, alice, mallory):
    """An enterprise profile, an open draft with a plan and a milestone, and a submitted project with a question."""
    from wagtail.models import Page

    from cms.models import ProjectPage
    from marketplace import actions as marketplace_actions
    from marketplace.models import Milestone, ProjectListing, Question

    county = County.objects.create(code="99999", name_zh="測試縣", name_en="Test County")
    township = Township.objects.create(
        code="99999999", county=county, name_zh="測試鄉", name_en="Test", latitude=23.5, longitude=121.0
    )
    profile = marketplace_actions.save_enterprise_profile(alice, enterprise, township=township, summary="ours")
    draft = marketplace_actions.start_project_draft(alice, enterprise)
    plan = marketplace_actions.add_subscription_plan(alice, draft, name="plan", price_twd=500, rewards="r")
    draft_milestone = marketplace_actions.add_milestone(alice, draft, title="m", target_date=None)
    outsider_team = actions.create_organisation(mallory, kind=Organisation.Kind.ENTERPRISE, name="Mallory 工作室")
    marketplace_actions.save_enterprise_profile(mallory, outsider_team, township=township)
    outsider_draft = marketplace_actions.start_project_draft(mallory, outsider_team)
    project = Page.get_first_root_node().add_child(
        instance=ProjectPage(title="ours", slug="ours-project", township=township, live=True)
    )
    listing = ProjectListing.objects.create(project=project, enterprise=profile)
    backing, payment = _payment_objects(listing, alice)
    return {
        "backing": backing,
        "payment": payment,
        "township": township,
        "draft": draft,
        "plan": plan,
        "draft_milestone": draft_milestone,
        "outsider_draft": outsider_draft,
        "listing": listing,
        "milestone": Milestone.objects.create(listing=listing, title="done?"),
        "question": Question.objects.create(listing=listing, author=mallory, text="?"),
    }


def _payment_objects(listing, backer):
    from django.utils import timezone

    from payments.ledger import write_entry
    from payments.models import Backing, LedgerEntry

    backing = Backing.objects.create(
        kind=Backing.Kind.DONATION, status=Backing.Status.PAID, listing=listing, backer=backer, amount_twd=500
    )
    payment = write_entry(
        kind=LedgerEntry.Kind.PAYMENT,
        listing=listing,
        backing=backing,
        amount_twd=500,
        source_key="payment_intent:pi_permissions",
        occurred_at=timezone.now(),
        receipt_number="HW-2026-999999",
    )
    return backing, payment


@pytest.fixture
def objects(enterprise, alice, bob, mallory):
    invitation = actions.invite_member(alice, enterprise, email="friend@example.tw", role=Role.EDITOR)
    return {
        **_marketplace_objects(enterprise, alice, mallory),
        "enterprise": enterprise,
        "bob_membership": Membership.objects.get(user=bob, organisation=enterprise),
        "invitation": invitation,
        "outsider_org": mallory.organisations.get(kind=Organisation.Kind.COMPANY),
        "outsider": mallory,
        "notification": Notification.objects.create(recipient=alice, kind=Notification.Kind.NEW_INTEREST, title="私"),
    }


def _with_backing(objects):
    """Subscriptions of Alice's to the team's listing: running, paused and ending at the period's end."""
    import datetime

    from django.utils import timezone

    from marketplace.models import SubscriptionPlan
    from payments.models import Backing, DeliveryAddress

    listing, alice = objects["listing"], objects["enterprise"].memberships.get(role=Role.OWNER).user
    plan = SubscriptionPlan.objects.create(listing=listing, name="認養", price_twd=500, rewards="r", ships_goods=True)
    objects["other_plan"] = SubscriptionPlan.objects.create(listing=listing, name="大", price_twd=900, rewards="r")
    common = {"kind": "subscription", "listing": listing, "backer": alice, "plan": plan, "amount_twd": 500}
    objects["backing"] = Backing.objects.create(status="active", stripe_subscription_id="sub_perm1", **common)
    objects["paused_backing"] = Backing.objects.create(
        status="paused", stripe_subscription_id="sub_perm2", paused_until=timezone.now(), **common
    )
    objects["ending_backing"] = Backing.objects.create(
        status="active", stripe_subscription_id="sub_perm3", cancel_at_period_end=True, **common
    )
    objects["resume_date"] = (timezone.localdate() + datetime.timedelta(days=30)).isoformat()
    township = Township.objects.filter(postal_code="900").first()
    if township is not None:  # loaded for the fulfilment rows: Alice's address, which only she and the team see
        DeliveryAddress.objects.create(
            backing=objects["backing"],
            township=township,
            postal_code="900",
            street="r",
            recipient_name="Alice",
            phone="0912345678",
        )
    return objects


def _with_pending_checkout(objects):
    """A donation checkout Alice started a moment ago and has not paid."""
    from payments.models import Backing

    objects["pending_backing"] = Backing.objects.create(
        kind=Backing.Kind.DONATION,
        status=Backing.Status.PENDING,
        listing=objects["listing"],
        backer=objects["enterprise"].memberships.get(role=Role.OWNER).user,
        amount_twd=500,
        stripe_checkout_session_id="cs_demo_permissions",
    )
    return objects


def _with_plan(objects):
    """A township office's plan, submitted to the county (so its page is public and every step is guarded)."""
    from django.utils import timezone

    from plans.models import Plan, Stage
    from tests.factories.accounts import UserFactory

    township = objects["township"]
    office = Organisation.objects.create(
        kind=Organisation.Kind.TOWNSHIP_OFFICE, name="測試鄉公所", slug="test-office", township=township
    )
    Membership.objects.create(user=UserFactory(email="officer@example.tw"), organisation=office, role=Role.ADMIN)
    objects["township_plan"] = Plan.objects.create(
        office=office, township=township, title="計畫", stage=Stage.COUNTY_REVIEW, stage_changed_at=timezone.now()
    )
    return objects


def _with_people(request, objects):
    """A help request of Alice's team and an offer of Carla's (a person with a profile and nothing else)."""
    import datetime

    from django.utils import timezone

    from people import actions as people_actions
    from tests.factories.accounts import UserFactory

    township = objects["township"]
    carla = UserFactory(email="carla@example.tw")
    people_actions.save_profile(
        carla, kind="expert", headline="h", contact_email="carla@example.tw", pro_bono=True, fields=["marketing"]
    )
    alice = objects["enterprise"].memberships.get(role=Role.OWNER).user
    start = timezone.localdate() + datetime.timedelta(days=3)
    objects["help_request"] = people_actions.create_help_request(
        alice,
        objects["enterprise"],
        title="t",
        description="d",
        field="marketing",
        township=township,
        work_format="remote",
        starts_on=start,
        ends_on=start + datetime.timedelta(days=30),
        pro_bono=True,
    )
    objects["offer"] = people_actions.make_offer(carla, objects["help_request"])
    return objects


def _with_experience(objects):
    """An experience of the enterprise team with a slot next week, and Alice's booking on it."""
    import datetime

    from django.utils import timezone

    from experiences import actions as experience_actions

    alice = objects["enterprise"].memberships.get(role=Role.OWNER).user
    objects["experience"] = experience_actions.create_experience(
        alice,
        objects["enterprise"],
        title_zh="採茶",
        description_zh="採茶體驗",
        township=Township.objects.order_by("code").first(),
        is_published=True,
    )
    start = timezone.now() + datetime.timedelta(days=7)
    objects["slot"] = experience_actions.add_slot(
        alice, objects["experience"], starts_at=start, ends_at=start + datetime.timedelta(hours=2), capacity=5
    )
    objects["booking"] = experience_actions.book(alice, objects["slot"])
    return objects


def _with_trace(objects):
    """The team's unpublished batch with a record, a device with a token, an alert and a hidden span; and a device of
    the outsider's own team (for the forged pairs)."""
    import datetime

    from django.utils import timezone
    from wagtail.models import Page

    from cms.models import ProjectPage
    from marketplace.models import ProjectListing
    from tests.factories.traceability import device_with_token, record
    from traceability import actions as trace_actions

    alice = objects["enterprise"].memberships.get(role=Role.OWNER).user
    listing = objects["listing"]
    objects["batch"] = trace_actions.create_batch(alice, listing, name="三月吳郭魚", product="吳郭魚片")
    objects["entry"] = record(alice, objects["batch"], kind="planting", description="放養魚苗")
    objects["device"], objects["token"] = device_with_token(alice, listing)
    objects["alert_rule"] = trace_actions.add_alert_rule(
        alice, objects["device"], measure="water_temperature", minimum=20.0
    )
    now = timezone.now()
    objects["exclusion"] = trace_actions.hide_readings(
        alice,
        objects["device"],
        measure="water_temperature",
        start=now - datetime.timedelta(hours=3),
        end=now - datetime.timedelta(hours=2),
        reason="探頭故障",
    )
    mallory = objects["outsider"]
    team = mallory.organisations.get(kind=Organisation.Kind.ENTERPRISE)
    project = Page.get_first_root_node().add_child(
        instance=ProjectPage(title="theirs", slug="theirs-project", township=objects["township"], live=True)
    )
    their_listing = ProjectListing.objects.create(project=project, enterprise=team.enterprise_profile)
    objects["outsider_device"], _token = device_with_token(mallory, their_listing)
    return objects


def _with_market(request, objects, name):
    """The marketplace rows need a company, an enterprise, projects and an interest: built only for them."""
    if name.startswith("experiences:"):
        request.getfixturevalue("townships")
        return _with_experience(objects)
    if name.startswith("plans:"):
        return _with_plan(objects)
    if name.startswith("people:"):
        return _with_people(request, objects)
    if name.startswith("traceability:"):
        return _with_trace(objects)
    fulfilment = ("payments:fulfilment", "payments:packing_slips", "payments:mark_shipped", "payments:delivery_address")
    if name.startswith(fulfilment):
        request.getfixturevalue("townships")
    if name.startswith(("payments:subscription_", "payments:payouts", *fulfilment)):
        return _with_backing(objects)
    if name == "payments:cancel_checkout":
        return _with_pending_checkout(objects)
    if name.startswith(("marketplace:", "conversations:", "impact:company_report", "payments:pay_commitment")) or (
        name == "payments:commitment_paid"
    ):
        from marketplace.actions import express_interest
        from marketplace.models import SavedSearch

        request.getfixturevalue("home_pages")
        request.getfixturevalue("townships")
        # Keep the enterprise team's own objects ("enterprise", "draft") for the wizard rows.
        for key, value in build_market().items():
            objects.setdefault(key, value)
        objects["interest"] = express_interest(objects["dave"], objects["company"], objects["rice"])
        if name.startswith("conversations:"):
            from conversations.actions import send_message
            from marketplace.actions import advance_interest

            advance_interest(objects["erin"], objects["interest"], "accepted")
            objects["interest"].refresh_from_db()
            objects["conversation"] = objects["interest"].conversation
            send_message(objects["dave"], objects["conversation"], text="私下", client_id=uuid.uuid4())
        objects["saved_search"] = SavedSearch.objects.create(company=objects["company"], name="臺東")
    return objects


def snapshot():
    from marketplace.models import CompanyProfile, HometownTie, Interest, InterestEvent, SavedSearch

    return {
        "saved_searches": sorted(SavedSearch.objects.values_list("id", "name")),
        "company_profiles": sorted(CompanyProfile.objects.values_list("id", "unified_business_number", "size")),
        "hometown_ties": sorted(HometownTie.objects.values_list("id", "company_id", "township_id", "member_id")),
        "interests": sorted(Interest.objects.values_list("id", "company_id", "project_id", "stage", "message")),
        "interest_events": InterestEvent.objects.count(),
        "organisations": sorted(Organisation.objects.values_list("id", "name", "slug", "kind")),
        "memberships": sorted(Membership.objects.values_list("id", "user_id", "organisation_id", "role")),
        "invitations": sorted(Invitation.objects.values_list("id", "email", "role", "accepted_at")),
        "users": sorted(User.objects.values_list("id", "email", "display_name", "preferred_language")),
        "audit": AuditEntry.objects.count(),
        "notifications_read": sorted(Notification.objects.values_list("id", "read_at")),
        "priority_areas": sorted(Township.objects.priority_areas().values_list("code", flat=True)),
        **fulfilment_snapshot(),
        **marketplace_snapshot(),
        **conversations_snapshot(),
        **plans_snapshot(),
        **people_snapshot(),
        **experiences_snapshot(),
        **traceability_snapshot(),
    }


def traceability_snapshot():
    from traceability.models import AlertRule, Batch, Device, DeviceToken, Entry, Reading, ReadingExclusion

    return {
        "batches": sorted(Batch.objects.values_list("id", "name", "is_public", "listing_id")),
        "entries": sorted(Entry.objects.values_list("id", "batch_id", "sequence", "description")),
        "devices": sorted(Device.objects.values_list("id", "name", "public_measures", "revoked_at")),
        "device_tokens": sorted(DeviceToken.objects.values_list("id", "device_id", "replaced_at", "revoked_at")),
        "alert_rules": sorted(AlertRule.objects.values_list("id", "device_id", "minimum", "maximum")),
        "exclusions": sorted(ReadingExclusion.objects.values_list("id", "device_id", "reason")),
        "readings": Reading.objects.count(),
    }


def experiences_snapshot():
    from experiences.models import Booking, Experience, Slot

    return {
        "experiences": sorted(Experience.objects.values_list("id", "title_zh", "is_published", "price_twd")),
        "slots": sorted(Slot.objects.values_list("id", "capacity", "status", "starts_at")),
        "bookings": sorted(Booking.objects.values_list("id", "status", "attended_at")),
    }


def plans_snapshot():
    from plans.models import GuidanceMeeting, Plan, PlanEvent, YearlyReport

    return {
        "township_plans": sorted(Plan.objects.values_list("id", "title", "stage", "total_twd")),
        "plan_events": PlanEvent.objects.count(),
        "plan_meetings": GuidanceMeeting.objects.count(),
        "plan_reports": YearlyReport.objects.count(),
    }


def people_snapshot():
    from people.models import HelpRequest, Offer, OrganisationFollow, TalentProfile

    return {
        "talent_profiles": sorted(TalentProfile.objects.values_list("id", "headline", "visibility")),
        "help_requests": sorted(HelpRequest.objects.values_list("id", "title", "status")),
        "offers": sorted(Offer.objects.values_list("id", "status", "person_rating", "requester_rating")),
        "follows": OrganisationFollow.objects.count(),
    }


def fulfilment_snapshot():
    from payments.models import DeliveryAddress, Shipment

    return {
        "addresses": sorted(DeliveryAddress.objects.values_list("id", "recipient_name", "postal_code", "street")),
        "shipments": sorted(Shipment.objects.values_list("id", "backing_id", "period")),
    }


def conversations_snapshot():
    from conversations.models import Conversation, ConversationReport, Message, ReadMarker

    return {
        "conversations": sorted(Conversation.objects.values_list("id", "interest_id", "company_id", "team_id")),
        "messages": sorted(Message.objects.values_list("id", "author_id", "text")),
        "read_markers": sorted(ReadMarker.objects.values_list("id", "user_id", "last_read_id")),
        "conversation_reports": sorted(ConversationReport.objects.values_list("id", "reason", "reviewed_at")),
    }


def marketplace_snapshot():
    from cms.models import ProjectPage, ProjectUpdate
    from marketplace.models import (
        AbuseReport,
        Answer,
        DonationCampaign,
        EnterpriseProfile,
        Milestone,
        ProjectDraft,
        ProjectListing,
        Question,
        SubscriptionPlan,
    )

    return {
        "enterprise_profiles": sorted(
            EnterpriseProfile.objects.values_list("id", "summary", "team_size", "verified_at")
        ),
        "drafts": sorted(ProjectDraft.objects.values_list("id", "title", "step", "submitted_at")),
        "plans": sorted(SubscriptionPlan.objects.values_list("id", "draft_id", "listing_id", "price_twd")),
        "donations": DonationCampaign.objects.count(),
        "milestones": sorted(Milestone.objects.values_list("id", "title", "done_at")),
        "listings": ProjectListing.objects.count(),
        "project_pages": ProjectPage.objects.count(),
        "project_updates": ProjectUpdate.objects.count(),
        "questions": Question.objects.count(),
        "answers": Answer.objects.count(),
        "abuse_reports": AbuseReport.objects.count(),
        **payments_snapshot(),
    }


def payments_snapshot():
    from payments.models import Backing, LedgerEntry, PayoutAccount, RefundRequest

    return {
        "payout_accounts": sorted(
            PayoutAccount.objects.values_list("id", "mode", "stripe_account_id", "details_submitted", "payouts_enabled")
        ),
        "backings": sorted(
            Backing.objects.values_list(
                "id",
                "status",
                "backer_id",
                "anonymous",
                "plan_id",
                "amount_twd",
                "paused_until",
                "pause_reason",
                "cancel_at_period_end",
            )
        ),
        "ledger": sorted(LedgerEntry.objects.values_list("id", "kind", "amount_twd", "receipt_sent_at")),
        "refund_requests": RefundRequest.objects.count(),
    }


OBJECT_CASES = [(name, index) for name, rows in OBJECT_URLS.items() for index in range(len(rows))]


@pytest.mark.parametrize(("name", "index"), OBJECT_CASES, ids=[f"{n}-{i}" for n, i in OBJECT_CASES])
def test_a_member_of_another_organisation_is_refused_and_nothing_changes(client, request, objects, name, index):
    objects = _with_market(request, objects, name)
    method, kwargs, data = OBJECT_URLS[name][index]
    url = reverse(name, kwargs=kwargs(objects))
    client.force_login(objects["outsider"])
    before = snapshot()

    response = getattr(client, method)(url, data(objects) if data else None)

    assert response.status_code in (403, 404), f"{method.upper()} {url} answered {response.status_code}"
    assert snapshot() == before


@pytest.mark.parametrize(("name", "index"), OBJECT_CASES, ids=[f"{n}-{i}" for n, i in OBJECT_CASES])
def test_anonymous_visitors_are_sent_to_sign_in_and_nothing_changes(client, request, objects, name, index):
    objects = _with_market(request, objects, name)
    method, kwargs, data = OBJECT_URLS[name][index]
    url = reverse(name, kwargs=kwargs(objects))
    before = snapshot()

    response = getattr(client, method)(url, data(objects) if data else None)

    _assert_sent_to_sign_in(name, response)
    assert snapshot() == before


# What the page's own fetch reads: a signed-out caller gets the reason in JSON, not the sign-in page's HTML.
JSON_READS = {"notifications:unread_count", "conversations:messages"}


def _assert_sent_to_sign_in(name, response):
    if name in JSON_READS:
        assert response.status_code == 401
        assert response.json()["code"] == "sign_in_required"
        return
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("name", list(OWN_ACCOUNT_URLS))
def test_own_account_pages_need_a_signed_in_person(client, objects, name):
    method, data = OWN_ACCOUNT_URLS[name]
    before = snapshot()

    response = getattr(client, method)(reverse(name), data)

    _assert_sent_to_sign_in(name, response)
    assert snapshot() == before


def test_an_editor_sees_the_members_but_cannot_manage_them(client, objects, bob, alice):
    client.force_login(bob)
    alice_membership = Membership.objects.get(user=alice, organisation=objects["enterprise"])
    alice_keys = {"slug": objects["enterprise"].slug, "pk": alice_membership.pk}
    before = snapshot()

    assert client.get(reverse("organisations:members", kwargs=_kwargs_slug(objects))).status_code == 200
    denied = [
        client.post(reverse("organisations:members", kwargs=_kwargs_slug(objects)), {"email": "x@example.tw"}),
        client.post(
            reverse("organisations:member_role", kwargs=alice_keys),
            {"role": "editor"},
        ),
        client.post(reverse("organisations:member_remove", kwargs=alice_keys)),
        client.post(
            reverse(
                "organisations:invitation_revoke",
                kwargs={"slug": objects["enterprise"].slug, "pk": objects["invitation"].pk},
            )
        ),
    ]

    assert [response.status_code for response in denied] == [403, 403, 403, 403]
    assert snapshot() == before


def test_members_reach_their_organisation_pages(client, objects, bob):
    client.force_login(bob)
    for name in ("organisations:detail", "organisations:settings", "organisations:members"):
        response = client.get(reverse(name, kwargs=_kwargs_slug(objects)))
        assert response.status_code == 200, name
        assert objects["enterprise"].name in response.text


@pytest.mark.parametrize("name", list(SIGNED_IN_URLS))
def test_signed_in_actions_send_anonymous_visitors_to_sign_in(client, objects, name):
    method, kwargs, data = SIGNED_IN_URLS[name]
    before = snapshot()

    response = getattr(client, method)(reverse(name, kwargs=kwargs), data)

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))
    assert snapshot() == before


@pytest.mark.parametrize("name", list(STAFF_URLS))
def test_staff_screens_refuse_people_who_are_not_staff(client, objects, name):
    method, data, *kwargs = STAFF_URLS[name]
    client.force_login(objects["outsider"])
    before = snapshot()

    response = getattr(client, method)(reverse(name, kwargs=kwargs[0] if kwargs else None), data)

    assert response.status_code in (302, 403)
    if response.status_code == 302:
        assert reverse("account_login") in response["Location"] or "/admin/login/" in response["Location"]
    assert snapshot() == before


# A batch's public addresses: an unpublished batch (or a public one of a project that is not live) answers 404 to
# anyone but its team, through the page, its JSON, its QR code and its files alike.
DRAFT_BATCH_URLS = [
    "traceability:batch",
    "traceability:batch_verify",
    "traceability:batch_json",
    "traceability:batch_qr",
    "traceability:batch_file",
    "traceability:batch_file_preview",
]


def _draft_batch_url(objects, name):
    from traceability.models import Attachment

    kwargs = {"code": objects["batch"].code}
    if name.startswith("traceability:batch_file"):
        kwargs["pk"] = Attachment.objects.get(entry__batch=objects["batch"]).pk
    return reverse(name, kwargs=kwargs)


def _with_photo(objects):
    from tests.factories.traceability import photo_files, record

    objects = _with_trace(objects)
    alice = objects["enterprise"].memberships.get(role=Role.OWNER).user
    record(alice, objects["batch"], kind="harvest", files=photo_files())
    return objects


@pytest.mark.parametrize("who", ["anonymous", "outsider"])
@pytest.mark.parametrize("name", DRAFT_BATCH_URLS)
def test_an_unpublished_batch_shows_nothing_but_to_its_team(client, objects, name, who):
    objects = _with_photo(objects)
    if who == "outsider":
        client.force_login(objects["outsider"])
    before = snapshot()

    response = client.get(_draft_batch_url(objects, name))

    assert response.status_code == 404
    assert objects["batch"].name not in response.text
    assert "public" not in response.get("Cache-Control", "")
    assert snapshot() == before


@pytest.mark.parametrize("name", DRAFT_BATCH_URLS)
def test_a_public_batch_of_a_project_taken_offline_shows_nothing(client, objects, name):
    from traceability import actions as trace_actions

    objects = _with_photo(objects)
    alice = objects["enterprise"].memberships.get(role=Role.OWNER).user
    trace_actions.set_batch_public(alice, objects["batch"], True)
    objects["listing"].project.unpublish()
    client.force_login(objects["outsider"])

    response = client.get(_draft_batch_url(objects, name))

    assert response.status_code == 404
    assert objects["batch"].name not in response.text


@pytest.mark.parametrize("public", [False, True])
@pytest.mark.parametrize(
    "name", ["traceability:batch_qr", "traceability:batch_file", "traceability:batch_file_preview"]
)
def test_the_team_sees_its_batch_not_shown_to_anyone_else_and_no_shared_cache_keeps_it(client, objects, name, public):
    """An unpublished batch, or a published one whose project went offline: the team still checks its labels and
    photos, and a shared cache (CDN) must not keep them for the next visitor."""
    from traceability import actions as trace_actions

    objects = _with_photo(objects)
    alice = objects["enterprise"].memberships.get(role=Role.OWNER).user
    if public:
        trace_actions.set_batch_public(alice, objects["batch"], True)
        objects["listing"].project.unpublish()
    client.force_login(alice)

    response = client.get(_draft_batch_url(objects, name))

    assert response.status_code == 200
    assert "public" not in response["Cache-Control"]
    assert "no-store" in response["Cache-Control"]
