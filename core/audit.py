"""The audit log: every action writes one entry, named by a member of `Action` (never a free string).

`log(Action.ORGANISATION_CREATE, actor=user, organisation=organisation, key=value…)` writes an AuditEntry in the
caller's transaction (so a change that rolls back leaves no entry) and a line in the application log.
Staff read the entries in the Wagtail admin (Settings → Audit log).
"""

import enum
import logging

from core.models import AuditEntry

logger = logging.getLogger(__name__)


class Action(enum.StrEnum):
    # accounts
    ACCOUNT_DELETE = "account.delete"
    PROFILE_UPDATE = "profile.update"
    ORGANISATION_CREATE = "organisation.create"
    ORGANISATION_UPDATE = "organisation.update"
    INVITATION_CREATE = "invitation.create"
    INVITATION_REVOKE = "invitation.revoke"
    INVITATION_ACCEPT = "invitation.accept"
    MEMBERSHIP_ROLE = "membership.role"
    MEMBERSHIP_LEAVE = "membership.leave"
    MEMBERSHIP_REMOVE = "membership.remove"
    # marketplace: companies, ties, saved searches, interests
    COMPANY_PROFILE_CREATE = "company_profile.create"
    COMPANY_PROFILE_UPDATE = "company_profile.update"
    HOMETOWN_TIE_ADD = "hometown_tie.add"
    HOMETOWN_TIE_ADD_OWN = "hometown_tie.add_own"
    HOMETOWN_TIE_REMOVE = "hometown_tie.remove"
    SAVED_SEARCH_CREATE = "saved_search.create"
    SAVED_SEARCH_DELETE = "saved_search.delete"
    INTEREST_EXPRESS = "interest.express"
    INTEREST_ADVANCE = "interest.advance"
    INTEREST_WITHDRAW = "interest.withdraw"
    INTEREST_COMMITMENT_PROPOSE = "interest.commitment_propose"
    INTEREST_COMMITMENT_CONFIRM = "interest.commitment_confirm"
    # marketplace: enterprises, the project wizard, after publication
    ENTERPRISE_CREATE = "enterprise.create"
    ENTERPRISE_UPDATE = "enterprise.update"
    ENTERPRISE_VERIFY = "enterprise.verify"
    ENTERPRISE_UNVERIFY = "enterprise.unverify"
    PROJECT_DRAFT_CREATE = "project_draft.create"
    PROJECT_DRAFT_SAVE = "project_draft.save"
    DONATION_CAMPAIGN_SAVE = "donation_campaign.save"
    SUBSCRIPTION_PLAN_ADD = "subscription_plan.add"
    SUBSCRIPTION_PLAN_REMOVE = "subscription_plan.remove"
    MILESTONE_ADD = "milestone.add"
    MILESTONE_REMOVE = "milestone.remove"
    MILESTONE_DONE = "milestone.done"
    PROJECT_SUBMIT = "project.submit"
    PROJECT_REOPEN = "project.reopen"
    PROJECT_CHANGES_APPLY = "project.changes_apply"
    PROJECT_UPDATE = "project.update"
    QUESTION_ASK = "question.ask"
    QUESTION_ANSWER = "question.answer"
    ABUSE_REPORT = "abuse.report"
    # conversations
    CONVERSATION_OPEN = "conversation.open"
    CONVERSATION_REPORT = "conversation.report"
    CONVERSATION_REPORT_REVIEWED = "conversation.report_reviewed"
    # payments
    CHECKOUT_STARTED = "checkout.started"
    CHECKOUT_CANCELED = "checkout.canceled"
    SUBSCRIPTION_PAUSED = "subscription.paused"
    SUBSCRIPTION_SKIPPED = "subscription.skipped"
    SUBSCRIPTION_RESUMED = "subscription.resumed"
    SUBSCRIPTION_PLAN_SWITCHED = "subscription.plan_switched"
    SUBSCRIPTION_CANCEL_REQUESTED = "subscription.cancel_requested"
    SUBSCRIPTION_CANCEL_UNDONE = "subscription.cancel_undone"
    SUBSCRIPTION_SEASON_PAUSED = "subscription.season_paused"
    SUBSCRIPTION_SEASON_RESUMED = "subscription.season_resumed"
    PAYMENT_REFUND_REQUESTED = "payment.refund_requested"
    CAMPAIGN_SETTLED = "campaign.settled"
    PAYOUT_RECORDED = "payout.recorded"
    PAYOUT_CONNECT_STARTED = "payout.connect_started"
    DELIVERY_ADDRESS_SAVED = "delivery_address.saved"
    DELIVERY_ADDRESSES_ERASED = "delivery_address.erased"
    SHIPMENT_MARKED = "shipment.marked"
    SHIPMENT_UNDONE = "shipment.undone"
    # traceability: batches and their records, digests, devices
    BATCH_CREATE = "batch.create"
    BATCH_ENTRY_APPEND = "batch.entry_append"
    BATCH_ENTRY_CORRECT = "batch.entry_correct"
    BATCH_PUBLISH = "batch.publish"
    BATCH_UNPUBLISH = "batch.unpublish"
    TRACE_DIGEST_PUBLISH = "trace_digest.publish"
    DEVICE_REGISTER = "device.register"
    DEVICE_TOKEN_ROTATE = "device.token_rotate"  # noqa: S105 (an action name)
    DEVICE_REVOKE = "device.revoke"
    DEVICE_PUBLIC_MEASURES = "device.public_measures"
    ALERT_RULE_ADD = "alert_rule.add"
    ALERT_RULE_REMOVE = "alert_rule.remove"
    # plans: township revitalization plans and their review
    PLAN_CREATE = "plan.create"
    PLAN_SAVE = "plan.save"
    PLAN_SUBMIT = "plan.submit"
    PLAN_COUNTY_RETURN = "plan.county_return"
    PLAN_COUNTY_FORWARD = "plan.county_forward"
    PLAN_MEETING = "plan.meeting"
    PLAN_REVISE = "plan.revise"
    PLAN_MATCH = "plan.match"
    PLAN_START = "plan.start"
    PLAN_REPORT = "plan.report"
    # people: talent profiles, help requests, offers; organisations' verification and followers
    TALENT_PROFILE_SAVE = "talent_profile.save"
    TALENT_PROFILE_DELETE = "talent_profile.delete"
    HELP_REQUEST_CREATE = "help_request.create"
    HELP_REQUEST_CLOSE = "help_request.close"
    OFFER_MAKE = "offer.make"
    OFFER_ACCEPT = "offer.accept"
    OFFER_DECLINE = "offer.decline"
    OFFER_WITHDRAW = "offer.withdraw"
    OFFER_START = "offer.start"
    OFFER_DONE = "offer.done"
    OFFER_FEEDBACK = "offer.feedback"
    ORGANISATION_VERIFY = "organisation.verify"
    ORGANISATION_UNVERIFY = "organisation.unverify"
    ORGANISATION_FOLLOW = "organisation.follow"
    ORGANISATION_UNFOLLOW = "organisation.unfollow"
    # experiences: experiences, events and volunteering, their slots and bookings
    EXPERIENCE_CREATE = "experience.create"
    EXPERIENCE_UPDATE = "experience.update"
    SLOT_ADD = "slot.add"
    SLOT_CHANGE = "slot.change"
    SLOT_CANCEL = "slot.cancel"
    BOOKING_CREATE = "booking.create"
    BOOKING_CANCEL = "booking.cancel"
    BOOKING_CLAIM = "booking.claim"
    BOOKING_OFFER = "booking.offer"
    BOOKING_ATTENDED = "booking.attended"
    # paid places (experiences.purchases): the payment's webhook confirmed it, released it, or refunded a late one
    BOOKING_PAID = "booking.paid"
    BOOKING_RELEASED = "booking.released"
    BOOKING_REFUNDED = "booking.refunded"
    # search: the staff-owned synonyms
    SYNONYM_CREATED = "search.synonym_created"
    SYNONYM_CHANGED = "search.synonym_changed"
    SYNONYM_DELETED = "search.synonym_deleted"
    # datahub: official figures
    FIGURES_IMPORT = "figures.import"
    # policy
    REGULATORY_ISSUE_SUBMIT = "regulatory_issue.submit"
    REGULATORY_ISSUE_ROUTE = "regulatory_issue.route"
    REGULATORY_ISSUE_ANSWER = "regulatory_issue.answer"


def log(action, *, actor=None, organisation=None, **data):
    """Write the audit entry of `action`; a string is refused (TypeError): every action name is an `Action`."""
    if not isinstance(action, Action):
        raise TypeError(f"audit actions are core.audit.Action members, not {action!r}")
    AuditEntry.objects.create(action=action.value, actor=actor, organisation=organisation, data=data)
    logger.info("%s by %s on %s %s", action, getattr(actor, "pk", None), getattr(organisation, "pk", None), data)
