"""The audit log: every action writes one entry, named by a member of `Action` (never a free string).

`log(Action.ORGANISATION_CREATE, actor=user, organisation=organisation, key=value…)` writes an AuditEntry in the
caller's transaction (so a change that rolls back leaves no entry) and a line in the application log.
Staff read the entries in the Wagtail admin (Settings → Audit log).
"""

import enum
import logging

from django.utils.translation import gettext_lazy as _

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
    PROJECT_DRAFT_DELETE = "project_draft.delete"
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
    ABUSE_REPORT_RESOLVE = "abuse.report_resolve"
    QUESTION_HIDE = "question.hide"
    QUESTION_SHOW = "question.show"
    ANSWER_HIDE = "answer.hide"
    ANSWER_SHOW = "answer.show"
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
    DEVICE_STAFF_REVOKE = "device.staff_revoke"
    DEVICE_PUBLIC_MEASURES = "device.public_measures"
    ALERT_RULE_ADD = "alert_rule.add"
    ALERT_RULE_REMOVE = "alert_rule.remove"
    READINGS_HIDE = "readings.hide"
    READINGS_SHOW = "readings.show"
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
    HELP_REQUEST_STAFF_CLOSE = "help_request.staff_close"
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
    EXPERIENCE_STAFF_UNPUBLISH = "experience.staff_unpublish"
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
    # places: the reference townships
    TOWNSHIP_PRIORITY_AREA = "township.priority_area"
    # policy
    REGULATORY_ISSUE_SUBMIT = "regulatory_issue.submit"
    REGULATORY_ISSUE_ROUTE = "regulatory_issue.route"
    REGULATORY_ISSUE_ANSWER = "regulatory_issue.answer"

    @property
    def label(self):
        """What happened, in words, in the active language."""
        return LABELS[self]


# What staff read in the audit log (the admin list, its filter, the inspect view), in their language: what happened,
# in words. Every Action has one (tests/test_audit_labels.py fails otherwise).
LABELS = {
    # accounts
    Action.ACCOUNT_DELETE: _("Account deleted"),
    Action.PROFILE_UPDATE: _("Personal profile updated"),
    Action.ORGANISATION_CREATE: _("Organisation created"),
    Action.ORGANISATION_UPDATE: _("Organisation details updated"),
    Action.INVITATION_CREATE: _("Invitation sent"),
    Action.INVITATION_REVOKE: _("Invitation withdrawn"),
    Action.INVITATION_ACCEPT: _("Invitation accepted"),
    Action.MEMBERSHIP_ROLE: _("Member's role changed"),
    Action.MEMBERSHIP_LEAVE: _("Member left the organisation"),
    Action.MEMBERSHIP_REMOVE: _("Member removed from the organisation"),
    # marketplace: companies, ties, saved searches, interests
    Action.COMPANY_PROFILE_CREATE: _("Company profile created"),
    Action.COMPANY_PROFILE_UPDATE: _("Company profile updated"),
    Action.HOMETOWN_TIE_ADD: _("Company hometown tie added"),
    Action.HOMETOWN_TIE_ADD_OWN: _("Employee shared their home township"),
    Action.HOMETOWN_TIE_REMOVE: _("Hometown tie removed"),
    Action.SAVED_SEARCH_CREATE: _("Search saved for the weekly digest"),
    Action.SAVED_SEARCH_DELETE: _("Saved search deleted"),
    Action.INTEREST_EXPRESS: _("Interest expressed in a project"),
    Action.INTEREST_ADVANCE: _("Interest moved to another stage by the team"),
    Action.INTEREST_WITHDRAW: _("Interest withdrawn"),
    Action.INTEREST_COMMITMENT_PROPOSE: _("Commitment proposed"),
    Action.INTEREST_COMMITMENT_CONFIRM: _("Commitment confirmed by the other side"),
    # marketplace: enterprises, the project wizard, after publication
    Action.ENTERPRISE_CREATE: _("Enterprise profile created"),
    Action.ENTERPRISE_UPDATE: _("Enterprise profile updated"),
    Action.ENTERPRISE_VERIFY: _("Enterprise verified by staff"),
    Action.ENTERPRISE_UNVERIFY: _("Enterprise verification removed"),
    Action.PROJECT_DRAFT_CREATE: _("Project draft started"),
    Action.PROJECT_DRAFT_SAVE: _("Project draft step saved"),
    Action.PROJECT_DRAFT_DELETE: _("Project draft deleted"),
    Action.DONATION_CAMPAIGN_SAVE: _("Donation campaign terms saved"),
    Action.SUBSCRIPTION_PLAN_ADD: _("Subscription plan added"),
    Action.SUBSCRIPTION_PLAN_REMOVE: _("Subscription plan removed"),
    Action.MILESTONE_ADD: _("Milestone added"),
    Action.MILESTONE_REMOVE: _("Milestone removed"),
    Action.MILESTONE_DONE: _("Milestone marked done"),
    Action.PROJECT_SUBMIT: _("Project submitted for review"),
    Action.PROJECT_REOPEN: _("Project reopened for changes"),
    Action.PROJECT_CHANGES_APPLY: _("Approved project changes applied"),
    Action.PROJECT_UPDATE: _("Project update posted"),
    Action.QUESTION_ASK: _("Question asked about a project"),
    Action.QUESTION_ANSWER: _("Question answered by the team"),
    Action.ABUSE_REPORT: _("Question or answer reported to the moderators"),
    Action.ABUSE_REPORT_RESOLVE: _("Abuse report resolved by a moderator"),
    Action.QUESTION_HIDE: _("Question hidden by a moderator"),
    Action.QUESTION_SHOW: _("Hidden question shown again by a moderator"),
    Action.ANSWER_HIDE: _("Answer hidden by a moderator"),
    Action.ANSWER_SHOW: _("Hidden answer shown again by a moderator"),
    # conversations
    Action.CONVERSATION_OPEN: _("Private conversation opened"),
    Action.CONVERSATION_REPORT: _("Conversation reported to staff"),
    Action.CONVERSATION_REPORT_REVIEWED: _("Conversation report reviewed by staff"),
    # payments
    Action.CHECKOUT_STARTED: _("Checkout started"),
    Action.CHECKOUT_CANCELED: _("Checkout cancelled by the backer"),
    Action.SUBSCRIPTION_PAUSED: _("Subscription paused"),
    Action.SUBSCRIPTION_SKIPPED: _("Next subscription period skipped"),
    Action.SUBSCRIPTION_RESUMED: _("Subscription resumed"),
    Action.SUBSCRIPTION_PLAN_SWITCHED: _("Subscription switched to another plan"),
    Action.SUBSCRIPTION_CANCEL_REQUESTED: _("Subscription set to end with its period"),
    Action.SUBSCRIPTION_CANCEL_UNDONE: _("Subscription cancellation undone"),
    Action.SUBSCRIPTION_SEASON_PAUSED: _("Subscription paused outside its season"),
    Action.SUBSCRIPTION_SEASON_RESUMED: _("Subscription resumed for its season"),
    Action.PAYMENT_REFUND_REQUESTED: _("Refund requested from Stripe"),
    Action.CAMPAIGN_SETTLED: _("Donation campaign closed with its outcome"),
    Action.PAYOUT_RECORDED: _("Payout to the team recorded"),
    Action.PAYOUT_CONNECT_STARTED: _("Stripe payout account setup started"),
    Action.DELIVERY_ADDRESS_SAVED: _("Delivery address saved"),
    Action.DELIVERY_ADDRESSES_ERASED: _("Delivery addresses of ended subscriptions erased"),
    Action.SHIPMENT_MARKED: _("Goods marked as sent to a backer"),
    Action.SHIPMENT_UNDONE: _("Goods no longer marked as sent"),
    # traceability: batches and their records, digests, devices
    Action.BATCH_CREATE: _("Traceable batch created"),
    Action.BATCH_ENTRY_APPEND: _("Record added to a batch"),
    Action.BATCH_ENTRY_CORRECT: _("Batch record corrected"),
    Action.BATCH_PUBLISH: _("Batch made public"),
    Action.BATCH_UNPUBLISH: _("Batch no longer public"),
    Action.TRACE_DIGEST_PUBLISH: _("Daily digest of batch records signed and published"),
    Action.DEVICE_REGISTER: _("Device registered"),
    Action.DEVICE_TOKEN_ROTATE: _("Device token replaced"),
    Action.DEVICE_REVOKE: _("Device revoked"),
    Action.DEVICE_STAFF_REVOKE: _("Device revoked by staff"),
    Action.DEVICE_PUBLIC_MEASURES: _("Device measures shown on the project page changed"),
    Action.ALERT_RULE_ADD: _("Alert rule added"),
    Action.ALERT_RULE_REMOVE: _("Alert rule removed"),
    Action.READINGS_HIDE: _("Device readings hidden"),
    Action.READINGS_SHOW: _("Hidden device readings shown again"),
    # plans: township revitalization plans and their review
    Action.PLAN_CREATE: _("Revitalization plan created"),
    Action.PLAN_SAVE: _("Revitalization plan saved"),
    Action.PLAN_SUBMIT: _("Plan submitted to the county"),
    Action.PLAN_COUNTY_RETURN: _("Plan returned by the county"),
    Action.PLAN_COUNTY_FORWARD: _("Plan forwarded by the county to the national review"),
    Action.PLAN_MEETING: _("Plan guidance meeting recorded"),
    Action.PLAN_REVISE: _("Revised plan sent back by the office"),
    Action.PLAN_MATCH: _("Resources matched to a plan"),
    Action.PLAN_START: _("Work on a plan started"),
    Action.PLAN_REPORT: _("Plan's yearly report filed"),
    # people: talent profiles, help requests, offers; organisations' verification and followers
    Action.TALENT_PROFILE_SAVE: _("Talent profile saved"),
    Action.TALENT_PROFILE_DELETE: _("Talent profile deleted"),
    Action.HELP_REQUEST_CREATE: _("Help request posted"),
    Action.HELP_REQUEST_CLOSE: _("Help request closed"),
    Action.HELP_REQUEST_STAFF_CLOSE: _("Help request closed by staff"),
    Action.OFFER_MAKE: _("Offer of help made"),
    Action.OFFER_ACCEPT: _("Offer of help accepted"),
    Action.OFFER_DECLINE: _("Offer of help declined"),
    Action.OFFER_WITHDRAW: _("Offer of help withdrawn"),
    Action.OFFER_START: _("Engagement started"),
    Action.OFFER_DONE: _("Engagement completed"),
    Action.OFFER_FEEDBACK: _("Feedback on an engagement left"),
    Action.ORGANISATION_VERIFY: _("Organisation verified by staff"),
    Action.ORGANISATION_UNVERIFY: _("Organisation verification removed"),
    Action.ORGANISATION_FOLLOW: _("Organisation followed"),
    Action.ORGANISATION_UNFOLLOW: _("Organisation unfollowed"),
    # experiences: experiences, events and volunteering, their slots and bookings
    Action.EXPERIENCE_CREATE: _("Experience created"),
    Action.EXPERIENCE_UPDATE: _("Experience updated"),
    Action.EXPERIENCE_STAFF_UNPUBLISH: _("Experience unpublished by staff"),
    Action.SLOT_ADD: _("Time slot added"),
    Action.SLOT_CHANGE: _("Time slot capacity changed"),
    Action.SLOT_CANCEL: _("Time slot cancelled"),
    Action.BOOKING_CREATE: _("Place booked or waitlisted"),
    Action.BOOKING_CANCEL: _("Booking cancelled"),
    Action.BOOKING_CLAIM: _("Offered place claimed from the waitlist"),
    Action.BOOKING_OFFER: _("Freed place offered to the waitlist"),
    Action.BOOKING_ATTENDED: _("Check-in list ticked or unticked"),
    # paid places (experiences.purchases): the payment's webhook confirmed it, released it, or refunded a late one
    Action.BOOKING_PAID: _("Paid place confirmed"),
    Action.BOOKING_RELEASED: _("Unpaid place released"),
    Action.BOOKING_REFUNDED: _("Late payment for a released place refunded"),
    # search: the staff-owned synonyms
    Action.SYNONYM_CREATED: _("Search synonym added"),
    Action.SYNONYM_CHANGED: _("Search synonym changed"),
    Action.SYNONYM_DELETED: _("Search synonym deleted"),
    # datahub: official figures
    Action.FIGURES_IMPORT: _("Official figures imported"),
    # places: the reference townships
    Action.TOWNSHIP_PRIORITY_AREA: _("Township's priority-area flag changed by staff"),
    # policy
    Action.REGULATORY_ISSUE_SUBMIT: _("Regulatory issue submitted"),
    Action.REGULATORY_ISSUE_ROUTE: _("Regulatory issue routed to a ministry"),
    Action.REGULATORY_ISSUE_ANSWER: _("Ministry's answer to a regulatory issue recorded"),
}


def label(value):
    """The words for a stored action value, in the active language; a value no Action has any more (an action renamed
    since the entry was written) is shown as it is."""
    try:
        return LABELS[Action(value)]
    except ValueError:
        return value


def choices():
    """(value, label) of every action, the labels in the active language and sorted in it: the admin's filter."""
    return sorted(
        ((action.value, str(text)) for action, text in LABELS.items()), key=lambda choice: choice[1].casefold()
    )


def log(action, *, actor=None, organisation=None, **data):
    """Write the audit entry of `action`; a string is refused (TypeError): every action name is an `Action`."""
    if not isinstance(action, Action):
        raise TypeError(f"audit actions are core.audit.Action members, not {action!r}")
    AuditEntry.objects.create(action=action.value, actor=actor, organisation=organisation, data=data)
    logger.info("%s by %s on %s %s", action, getattr(actor, "pk", None), getattr(organisation, "pk", None), data)
