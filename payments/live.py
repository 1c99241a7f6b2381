"""The project page's live event: its funding totals after the ledger changed (sent through core.live)."""

from dataclasses import dataclass

from core.live import LiveEvent


def project_group(project_id):
    return f"project.{project_id}"


@dataclass(frozen=True)
class FundingProgress(LiveEvent):
    """A project's totals after the ledger changed; everyone with the project page open receives it."""

    project_id: int
    raised_twd: int
    backers: int
    goal_twd: int | None = None  # the donation campaign's goal, when there is one

    name = "funding.progress"

    @property
    def group(self):
        return project_group(self.project_id)
