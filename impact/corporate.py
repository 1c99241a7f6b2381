"""The corporate evidence report (ESG): what a company did through Homeward in one year, every figure from records.

It covers, for a calendar year (Asia/Taipei dates):

- confirmed commitments: interests both sides confirmed in the year (``marketplace.queries.confirmed_commitments``);
- corporate payments: donations and subscription payments paid as the company (``payments.corporate``), net of
  refunds and lost disputes in the year (the ledger's entries dated in the year);
- employee volunteering: volunteering shifts the company's members attended that started in the year
  (``experiences.impact.volunteering_by_people``), with their hours; each record links to the experience;
- projects reached: those of the commitments and the payments; the townships they are in (priority areas counted);
- SDGs of those projects; updates those projects posted in the year;
- traceable batches of those projects published in the year (``traceability.impact.traced_batches``).

Each figure has its records (``Record``: a label, an amount or a date, an absolute path), which the page lists under
the figure, the CSV writes one per row and the PDF prints, so an auditor can follow every number to its source.
"""

import datetime
from dataclasses import dataclass, field

from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from experiences.impact import volunteering_by_people
from marketplace.queries import confirmed_commitments
from payments.corporate import corporate_backings
from payments.ledger import RAISING_KINDS
from payments.models import LedgerEntry
from places.maps import format_number


@dataclass
class Record:
    # the figure it belongs to: commitments, payments, volunteering, projects, townships, sdgs, updates, batches
    section: str
    label: str
    amount_twd: int | None = None
    date: datetime.date | None = None
    detail: str = ""
    path: str = ""  # a site path (the page's link; the CSV and PDF make it absolute)
    hours: float | None = None  # volunteering records: the shift's length


@dataclass
class Figure:
    key: str
    label: str
    value: str
    records: list = field(default_factory=list)


@dataclass
class CorporateReport:
    company: object
    year: int
    figures: list
    committed_twd: int
    paid_twd: int
    volunteer_hours: float
    projects: list
    townships: list

    def records(self):
        for figure in self.figures:
            yield from figure.records

    def figure(self, key):
        return next(figure for figure in self.figures if figure.key == key)


def _local_date(moment):
    return timezone.localtime(moment).date() if moment else None


def _year_bounds(year):
    tz = timezone.get_current_timezone()
    return (
        datetime.datetime(year, 1, 1, tzinfo=tz),
        datetime.datetime(year + 1, 1, 1, tzinfo=tz),
    )


def corporate_report(company, year):
    """The year's report of `company` (a marketplace CompanyProfile), in the active language."""
    from cms.models import ProjectPage, ProjectUpdate, SustainableDevelopmentGoal
    from traceability.impact import traced_batches

    start, end = _year_bounds(year)
    commitments = list(
        confirmed_commitments(company=company)
        .filter(commitment_confirmed_at__gte=start, commitment_confirmed_at__lt=end)
        .select_related("project__township__county")
        .order_by("commitment_confirmed_at", "pk")
    )
    entries = list(
        LedgerEntry.objects.filter(
            backing__in=corporate_backings(company.organisation),
            kind__in=RAISING_KINDS,
            occurred_at__gte=start,
            occurred_at__lt=end,
        )
        .select_related("backing__plan", "listing__project__township__county")
        .order_by("occurred_at", "pk")
    )
    shifts = volunteering_by_people(company.organisation.memberships.values_list("user_id", flat=True), start, end)
    volunteer_hours = round(sum(booking.slot.hours for booking in shifts), 1)
    committed_twd = sum(interest.committed_amount_twd for interest in commitments)
    paid_twd = sum(entry.amount_twd for entry in entries)

    commitment_records = [
        Record(
            "commitments",
            interest.project.title,
            amount_twd=interest.committed_amount_twd,
            date=_local_date(interest.commitment_confirmed_at),
            detail=interest.get_committed_instrument_display(),
            path=reverse("marketplace:interest_detail", kwargs={"pk": interest.pk}),
        )
        for interest in commitments
    ]
    payment_records = [
        Record(
            "payments",
            entry.listing.project.title,
            amount_twd=entry.amount_twd,
            date=_local_date(entry.occurred_at),
            detail=" · ".join(
                part
                for part in (entry.get_kind_display(), entry.backing.get_kind_display(), entry.receipt_number or "")
                if part
            ),
            path=reverse("payments:receipt", kwargs={"pk": entry.pk}) if entry.receipt_number else "",
        )
        for entry in entries
    ]

    volunteering_records = [
        Record(
            "volunteering",
            booking.slot.experience.title,
            date=_local_date(booking.slot.starts_at),
            hours=booking.slot.hours,
            detail=" · ".join(
                (
                    _("%(hours)s h") % {"hours": format_number(booking.slot.hours, 1)},
                    booking.person.get_full_name() if booking.person.display_name else _("a member"),
                    booking.slot.experience.township.full_name,
                    booking.slot.experience.organisation.name,
                )
            ),
            path=reverse("experiences:detail", kwargs={"pk": booking.slot.experience_id}),
        )
        for booking in shifts
    ]

    project_ids = {interest.project_id for interest in commitments} | {entry.listing.project_id for entry in entries}
    projects = list(
        ProjectPage.objects.filter(pk__in=project_ids).select_related("township__county").order_by("title", "pk")
    )
    translation_keys = [project.translation_key for project in projects]
    project_records = [
        Record("projects", project.title, detail=project.township.full_name, path=project.url or "")
        for project in projects
    ]
    townships = sorted({project.township for project in projects}, key=lambda township: township.code)
    township_records = [
        Record(
            "townships",
            township.full_name,
            detail=_("priority area") if township.is_priority_area else "",
            path=reverse("impact:page") + f"?town={township.code}",
        )
        for township in townships
    ]
    sdgs = list(SustainableDevelopmentGoal.objects.filter(projectpage__in=project_ids).distinct().order_by("number"))
    sdg_records = [Record("sdgs", f"SDG {sdg.number} {sdg.name}") for sdg in sdgs]
    updates = list(
        ProjectUpdate.objects.filter(project_id__in=project_ids, date__year=year)
        .select_related("project")
        .order_by("date", "pk")
    )
    update_records = [
        Record("updates", update.title, date=update.date, detail=update.project.title, path=update.project.url or "")
        for update in updates
    ]
    batches = list(
        traced_batches()
        .filter(listing__project__translation_key__in=translation_keys)
        .filter(Q(published_at__gte=start, published_at__lt=end) | Q(published_at__isnull=True, created_at__year=year))
        .select_related("listing__project")
        .order_by("listing__project__title", "created_at")
    )
    batch_records = [
        Record(
            "batches",
            f"{batch.name} ({batch.product})",
            date=_local_date(batch.published_at or batch.created_at),
            detail=f"{batch.listing.project.title} · {batch.code}",
            path=reverse("traceability:batch", kwargs={"code": batch.code}),
        )
        for batch in batches
    ]
    priority = sum(1 for township in townships if township.is_priority_area)
    figures = [
        Figure("commitments", _("Confirmed commitments"), f"NT${committed_twd:,}", commitment_records),
        Figure("payments", _("Corporate payments (net)"), f"NT${paid_twd:,}", payment_records),
        Figure(
            "volunteering",
            _("Employee volunteering hours"),
            _("%(hours)s h (%(shifts)s shifts)") % {"hours": format_number(volunteer_hours, 1), "shifts": len(shifts)},
            volunteering_records,
        ),
        Figure("projects", _("Projects reached"), str(len(projects)), project_records),
        Figure(
            "townships",
            _("Townships reached"),
            _("%(count)s (%(priority)s priority areas)") % {"count": len(townships), "priority": priority},
            township_records,
        ),
        Figure("sdgs", _("SDGs"), str(len(sdgs)), sdg_records),
        Figure("updates", _("Updates received"), str(len(updates)), update_records),
        Figure("batches", _("Traceable batches received"), str(len(batches)), batch_records),
    ]
    return CorporateReport(
        company=company,
        year=year,
        figures=figures,
        committed_twd=committed_twd,
        paid_twd=paid_twd,
        volunteer_hours=volunteer_hours,
        projects=projects,
        townships=townships,
    )
