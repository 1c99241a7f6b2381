"""Bounds of the dates people type into our forms: the year 9999 or year 1 is a slip, never a plan."""

from django.utils import timezone


def years_from(day, years):
    """`day` moved by whole years (29 February becomes 28 February in a year without it)."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def bound_date_picker(field, earliest=None, latest=None):
    """The browser's date picker offers only the days the form accepts (the form checks them all the same)."""
    if earliest is not None:
        field.widget.attrs["min"] = earliest.isoformat()
    if latest is not None:
        field.widget.attrs["max"] = latest.isoformat()


def bound_datetime_picker(field, earliest=None, latest=None):
    """The same for a date and time picker (`datetime-local`): its bounds are local times to the minute."""
    for attr, moment in (("min", earliest), ("max", latest)):
        if moment is not None:
            field.widget.attrs[attr] = timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")
