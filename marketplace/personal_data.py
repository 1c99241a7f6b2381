"""The marketplace's part of a person's data: the home township they shared with a company, and its consent."""


def export_hometown_ties(user):
    return [
        {
            "company": tie.company.organisation.name,
            "township": tie.township.code,
            "township_name": f"{tie.township.county.name_zh}{tie.township.name_zh}",
            "consented_at": tie.consented_at.isoformat() if tie.consented_at else None,
        }
        for tie in user.hometown_ties.select_related("company__organisation", "township__county")
    ]


def erase_hometown_ties(user):
    user.hometown_ties.all().delete()
