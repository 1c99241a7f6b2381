"""The funding panel of a project page.

The marketplace owns the numbers (investment ask, subscription plans, donation
progress) and extends `funding_panel_for`; until it does, every part is empty
and the template include shows nothing rather than made-up figures.
"""

from dataclasses import dataclass, field


@dataclass
class FundingPanel:
    investment_ask: object = None  # e.g. an object with amount_twd and terms
    subscription_plans: list = field(default_factory=list)  # each with name, amount_twd, interval
    donation: object = None  # e.g. an object with raised_twd, goal_twd, backers
    payments_configured: bool = False
    project_id: int | None = None
    totals: object = None  # raised_twd and backers from the payments ledger
    progress_percent: int | None = None

    @property
    def is_empty(self):
        return self.investment_ask is None and not self.subscription_plans and self.donation is None


def funding_panel_for(project):
    """What the project page's funding panel shows, filled by the marketplace from its own models."""
    from marketplace.funding import funding_parts_for

    parts = funding_parts_for(project)
    return FundingPanel(
        investment_ask=parts.investment_ask,
        subscription_plans=parts.subscription_plans,
        donation=parts.donation,
        payments_configured=parts.payments_configured,
        project_id=parts.project_id,
        totals=parts.totals,
        progress_percent=parts.progress_percent,
    )
