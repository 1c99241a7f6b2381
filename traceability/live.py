"""The project page's live readings: the latest public values after a device posted (sent through core.live)."""

from dataclasses import dataclass, field

from core.live import LiveEvent


def readings_group(project_id):
    return f"trace.project.{project_id}"


@dataclass(frozen=True)
class ReadingsReceived(LiveEvent):
    """The newest value of each public measure a device just posted: {measure code: [ISO time, value]}."""

    project_id: int
    device_id: int
    latest: dict = field(default_factory=dict)

    name = "trace.readings"

    @property
    def group(self):
        return readings_group(self.project_id)
