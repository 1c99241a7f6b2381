"""The project page's live readings: the latest public values after a device posted (sent through core.live)."""

from dataclasses import dataclass, field

from core.live import LiveEvent, send_now


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


@dataclass(frozen=True)
class ProjectWithdrawn(LiveEvent):
    """The project is no longer public (unpublished, taken offline, put behind a restriction): the sockets still
    following it close and hear no more readings."""

    project_id: int

    name = "trace.project_withdrawn"

    @property
    def group(self):
        return readings_group(self.project_id)


def close_readings_sockets(project_ids):
    """cms.public.projects_withdrawn: the projects' open readings sockets close."""
    for project_id in project_ids:
        send_now(ProjectWithdrawn(project_id=project_id))


def push_readings(project_id, device_id, latest):
    """Send a device's newest public values to the project's open pages, if the project is still public; else
    tell those pages to close. Checked once a push here rather than by each of the (possibly many) sockets."""
    from cms.public import public_projects

    if public_projects().filter(pk=project_id).exists():
        return send_now(ReadingsReceived(project_id=project_id, device_id=device_id, latest=latest))
    send_now(ProjectWithdrawn(project_id=project_id))
    return False
