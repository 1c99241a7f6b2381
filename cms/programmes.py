"""Programmes that may fit: a ranking of the catalogue against an applicant, with reasons and what is missing.

`rank_programmes` reads only the structured rules of `cms.SupportProgramme` (kinds of applicant, sectors,
townships or priority areas, stages, dates), so any app may call it: the team's pages in marketplace pass the
team's organisation kind, township, sectors and the project's stage; township plans pass the office's.
The weights live in WEIGHTS and nowhere else.
"""

from dataclasses import dataclass, field
from datetime import date

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cms.models import SupportProgramme
from cms.models.snippets import APPLICANT_KINDS
from core.languages import inline_list

# Points a satisfied rule adds. A rule the programme does not set adds nothing and excludes no one.
WEIGHTS = {
    "township_named": 5,  # the applicant's township is one the programme names
    "priority_area": 4,  # the programme is for priority areas and the township is one
    "applicant_kind": 3,  # the applicant's kind of organisation may apply
    "sector": 3,  # one of the applicant's sectors is eligible
    "stage": 2,  # the project's stage is eligible
    "open_now": 2,  # open today
    "closing_soon": 1,  # closes within CLOSING_SOON_DAYS: apply now
    "missing": -10,  # each rule the applicant does not meet
}
CLOSING_SOON_DAYS = 30


@dataclass
class ProgrammeFit:
    programme: SupportProgramme
    score: int = 0
    reasons: list = field(default_factory=list)
    missing: list = field(default_factory=list)

    @property
    def qualifies(self):
        return not self.missing


def rank_programmes(
    *, organisation_kind=None, township=None, sectors=(), stage=None, today=None, programmes=None, limit=None
):
    """Rank the programmes not yet closed on `today` for an applicant, best fit first.

    organisation_kind: an accounts.Organisation.Kind value (or None if unknown); township: a places.Township
    (or None); sectors: cms.Sector objects; stage: a SupportProgramme.Stage value (or None); programmes: a
    queryset to rank instead of the whole catalogue. Returns a list of ProgrammeFit (programme, score,
    reasons, missing), those the applicant qualifies for first, then by score and closing date.
    """
    today = today or timezone.localdate()
    sector_ids = {sector.pk for sector in sectors}
    sector_names = {sector.pk: sector.name for sector in sectors}
    queryset = programmes if programmes is not None else SupportProgramme.objects.all()
    queryset = queryset.not_closed_on(today).select_related("ministry").prefetch_related("sectors", "townships")
    fits = [
        _fit(programme, organisation_kind, township, sector_ids, sector_names, stage, today) for programme in queryset
    ]
    fits.sort(key=lambda fit: (not fit.qualifies, -fit.score, fit.programme.closes_on or date.max, fit.programme.pk))
    return fits[:limit] if limit else fits


def _fit(programme, organisation_kind, township, sector_ids, sector_names, stage, today):
    fit = ProgrammeFit(programme)

    def met(weight, reason):
        fit.score += WEIGHTS[weight]
        fit.reasons.append(reason)

    def unmet(reason):
        fit.score += WEIGHTS["missing"]
        fit.missing.append(reason)

    townships = list(programme.townships.all())
    if townships:
        if township is not None and township.pk in {t.pk for t in townships}:
            met("township_named", _("Your township is one the programme names."))
        else:
            unmet(_("Only for the townships it names."))
    if programme.for_priority_areas:
        if township is not None and township.is_priority_area:
            met("priority_area", _("Your township is a priority area."))
        else:
            unmet(_("Only for revitalization priority areas."))
    if programme.applicant_kinds:
        if organisation_kind in programme.applicant_kinds:
            met("applicant_kind", _("%(kind)s may apply.") % {"kind": APPLICANT_KINDS[organisation_kind]})
        else:
            labels = inline_list(str(label) for label in programme.applicant_kind_labels())
            unmet(_("Only for: %(kinds)s.") % {"kinds": labels})
    eligible_sectors = list(programme.sectors.all())
    if eligible_sectors:
        common = [sector for sector in eligible_sectors if sector.pk in sector_ids]
        if common:
            met("sector", _("%(sector)s is eligible.") % {"sector": sector_names[common[0].pk]})
        else:
            names = inline_list(sector.name for sector in eligible_sectors)
            unmet(_("Only for the sectors: %(sectors)s.") % {"sectors": names})
    if programme.stages:
        labels = dict(SupportProgramme.Stage.choices)
        if stage in programme.stages:
            met("stage", _("Projects at the %(stage)s stage are eligible.") % {"stage": labels[stage]})
        elif stage is None:  # no project in view (a team's or a plan's page): the rule is told, not held against it
            names = inline_list(str(label) for label in programme.stage_labels())
            fit.reasons.append(_("For projects at these stages: %(stages)s.") % {"stages": names})
        else:
            names = inline_list(str(label) for label in programme.stage_labels())
            unmet(_("Only for projects at these stages: %(stages)s.") % {"stages": names})
    if programme.opens_on and programme.opens_on > today:
        fit.reasons.append(_("Opens on %(date)s.") % {"date": programme.opens_on.isoformat()})
    else:
        fit.score += WEIGHTS["open_now"]
        if programme.closes_on:
            days = (programme.closes_on - today).days
            message = ngettext("Closes in %(days)d day.", "Closes in %(days)d days.", days) % {"days": days}
            if days <= CLOSING_SOON_DAYS:
                met("closing_soon", message)
            else:
                fit.reasons.append(message)
    return fit


__all__ = ["WEIGHTS", "ProgrammeFit", "rank_programmes"]
