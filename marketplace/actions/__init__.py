"""Every change in the marketplace, one module per subject, each in the shape of accounts/actions.py: check the
permission (`teams.check_*`), do it in a transaction, write an audit entry (core.audit).

- teams: who may act for a company or an enterprise team (the one membership check)
- companies: a company's profile and saved searches
- ties: hometown ties
- interests: the interest pipeline
- enterprises: an enterprise's profile and verification
- wizard: drafting and submitting a project
- projects: after publication (milestones, updates, questions, abuse reports)

What only reads is in marketplace/queries.py. The names are gathered here so callers write
`from marketplace import actions` and `actions.express_interest(...)`.
"""

from marketplace.actions.companies import delete_search, save_company_profile, save_search
from marketplace.actions.enterprises import (
    PROFILE_FIELDS,
    save_enterprise_profile,
    unverify_enterprise,
    verify_enterprise,
)
from marketplace.actions.interests import (
    FINAL_STAGES,
    PROPOSAL_STAGES,
    TEAM_TRANSITIONS,
    advance_interest,
    confirm_commitment,
    express_interest,
    interest_side,
    propose_commitment,
    withdraw_interest,
)
from marketplace.actions.moderation import (
    check_moderator,
    resolve_abuse_report,
    set_answer_hidden,
    set_question_hidden,
)
from marketplace.actions.projects import (
    answer_question,
    ask_question,
    check_can_ask,
    mark_milestone_done,
    post_project_update,
    project_followers,
    report_abuse,
)
from marketplace.actions.teams import (
    check_company,
    check_company_admin,
    check_company_member,
    check_draft_editor,
    check_enterprise_team,
    check_interest_viewer,
    check_project_team,
    check_staff,
    check_team_member,
)
from marketplace.actions.ties import add_company_tie, add_own_tie, remove_tie
from marketplace.actions.wizard import (
    DUPLICATE_NAME,
    add_milestone,
    add_subscription_plan,
    apply_approved_project_changes,
    changes_requested,
    delete_project_draft,
    draft_problems,
    is_live_edit,
    remove_milestone,
    remove_subscription_plan,
    reopen_project_draft,
    save_donation_campaign,
    save_draft_step,
    save_funding_step,
    save_story_step,
    start_project_draft,
    story_body,
    submit_project_draft,
)

__all__ = [
    "check_moderator",
    "resolve_abuse_report",
    "set_answer_hidden",
    "set_question_hidden",
    "propose_commitment",
    "interest_side",
    "confirm_commitment",
    "PROPOSAL_STAGES",
    "FINAL_STAGES",
    "PROFILE_FIELDS",
    "TEAM_TRANSITIONS",
    "add_company_tie",
    "add_milestone",
    "add_own_tie",
    "DUPLICATE_NAME",
    "add_subscription_plan",
    "advance_interest",
    "answer_question",
    "ask_question",
    "check_can_ask",
    "check_company",
    "check_company_admin",
    "check_company_member",
    "check_draft_editor",
    "check_enterprise_team",
    "check_interest_viewer",
    "check_project_team",
    "check_staff",
    "check_team_member",
    "delete_project_draft",
    "delete_search",
    "draft_problems",
    "express_interest",
    "mark_milestone_done",
    "post_project_update",
    "project_followers",
    "remove_milestone",
    "remove_subscription_plan",
    "remove_tie",
    "report_abuse",
    "save_company_profile",
    "save_donation_campaign",
    "save_draft_step",
    "save_enterprise_profile",
    "save_funding_step",
    "save_search",
    "save_story_step",
    "start_project_draft",
    "story_body",
    "submit_project_draft",
    "reopen_project_draft",
    "changes_requested",
    "is_live_edit",
    "apply_approved_project_changes",
    "unverify_enterprise",
    "verify_enterprise",
    "withdraw_interest",
]
