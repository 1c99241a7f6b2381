"""Programmes that may fit a team, or one of its projects: cms.programmes.rank_programmes with the team's facts."""

from cms.programmes import rank_programmes


def programmes_for_team(profile, listing=None, *, limit=8, today=None):
    """The best-fitting programmes for an enterprise team (its kind, township and sectors) and, given a listing,
    for that project too (its sector and stage). None without a profile."""
    if profile is None:
        return []
    sectors = list(profile.sectors.all())
    stage = None
    if listing is not None:
        stage = listing.stage or None
        sector = listing.project.sector
        if sector is not None and sector.pk not in {s.pk for s in sectors}:
            sectors.insert(0, sector)
    return rank_programmes(
        organisation_kind=profile.organisation.kind,
        township=profile.township,
        sectors=sectors,
        stage=stage,
        today=today,
        limit=limit,
    )
