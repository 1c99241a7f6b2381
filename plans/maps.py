"""The map of townships with and without a plan, coloured by the stage of their plan (places.maps' township map,
with one colour per stage instead of classes of a number). A township with several plans shows the furthest one."""

from django.utils.translation import gettext as _

from places.maps import LegendEntry, choropleth
from plans.models import Plan, Stage

# One colour per stage, from early (light) to late (dark): ColorBrewer's "YlGnBu" with eight classes, readable in
# greyscale and by colour-blind readers; townships without a plan are hatched grey (no colour alone).
STAGE_COLOURS = {
    Stage.DRAFT: "#ffffd9",
    Stage.RETURNED: "#edf8b1",
    Stage.COUNTY_REVIEW: "#c7e9b4",
    Stage.NATIONAL_REVIEW: "#7fcdbb",
    Stage.REVISED: "#41b6c4",
    Stage.MATCHED: "#1d91c0",
    Stage.IN_PROGRESS: "#225ea8",
    Stage.REPORTING: "#0c2c84",
}
# The order in which a plan gets further (a township shows its furthest plan).
STAGE_ORDER = list(STAGE_COLOURS)


def township_stages(plans):
    """{town code: (Stage, plan)} of the furthest plan of each township among `plans`."""
    furthest = {}
    for plan in plans:
        code = plan.township.code
        rank = STAGE_ORDER.index(plan.stage)
        if code not in furthest or rank > STAGE_ORDER.index(furthest[code][0]):
            furthest[code] = (Stage(plan.stage), plan)
    return furthest


def plan_map(plans, *, map_id="plans-map", link_plans=True):
    """A places.maps.Choropleth of the 368 townships: those with a plan coloured by its stage (the table says the
    stage in words), those without hatched as "No plan yet". `plans`: the plans to show (the public ones on the
    public page; all on the staff dashboard). Each township with a plan links to its plan page."""
    furthest = township_stages(plans.select_related("township") if hasattr(plans, "select_related") else plans)
    values = {code: STAGE_ORDER.index(stage) for code, (stage, _plan) in furthest.items()}
    links = {code: plan.get_absolute_url() for code, (_stage, plan) in furthest.items()} if link_plans else None
    labels = dict(Stage.choices)
    no_plan = _("No plan yet")
    result = choropleth(
        values,
        measure_label=_("Stage of the township's plan"),
        value_format=lambda index: str(labels[STAGE_ORDER[int(index)]]),
        links=links,
        bins=1,
        map_id=map_id,
        no_data_label=no_plan,
    )
    for region in result.regions:
        if region.value is not None:
            region.fill = STAGE_COLOURS[STAGE_ORDER[region.value]]
    shown = {region.value for region in result.regions if region.value is not None}
    result.legend = [
        LegendEntry(label=str(labels[stage]), fill=STAGE_COLOURS[stage])
        for index, stage in enumerate(STAGE_ORDER)
        if index in shown
    ]
    result.legend.append(LegendEntry(label=no_plan, fill=result.no_data_fill, no_data=True))
    return result


def township_rows(plans):
    """[{township, stage, plan}] of the townships with a plan, by county and township code: the table beside the
    map, the stage in words."""
    from places.models import Township

    furthest = township_stages(plans.select_related("township"))
    townships = Township.objects.with_county().filter(code__in=furthest).order_by("code")
    return [
        {"township": township, "stage": furthest[township.code][0], "plan": furthest[township.code][1]}
        for township in townships
    ]


def public_plan_map():
    return plan_map(Plan.objects.public())


def staff_plan_map():
    return plan_map(Plan.objects.all(), map_id="staff-plans-map")
