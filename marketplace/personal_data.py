"""The marketplace's part of a person's data (registered in apps.py): the home township they shared
with a company and its consent; the questions, answers and abuse reports they wrote; drafts they started."""

from marketplace.models import AbuseReport, Answer, ProjectDraft, Question


def export(user):
    return {
        "questions": [
            {"project": q.listing.project.title, "text": q.text, "asked": q.created.isoformat()}
            for q in Question.objects.filter(author=user).select_related("listing__project")
        ],
        "answers": [
            {"question": a.question.text, "text": a.text, "answered": a.created.isoformat()}
            for a in Answer.objects.filter(author=user).select_related("question")
        ],
        "abuse_reports": [
            {"reason": r.reason, "reported": r.created.isoformat()} for r in AbuseReport.objects.filter(reporter=user)
        ],
        "project_drafts_started": list(ProjectDraft.objects.filter(created_by=user).values_list("title", flat=True)),
    }


def erase(user):
    """What a person wrote goes with them; drafts stay with their team, without the author."""
    AbuseReport.objects.filter(reporter=user).delete()
    Answer.objects.filter(author=user).delete()
    Question.objects.filter(author=user).delete()
    ProjectDraft.objects.filter(created_by=user).update(created_by=None)


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
