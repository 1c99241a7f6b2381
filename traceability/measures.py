"""What devices measure: each measure's unit and the physical bounds a reading must fall within.

A measure is stored as its small number (`Measure.number`, a smallint column in the readings table) and named
by its code in the API and the pages. Numbers never change once a measure has readings; a new measure takes the
next free number. Bounds are what the quantity can physically be (with the usual sensors' ranges), not what is
healthy: a reading outside them is a broken sensor or a wrong unit and is refused; what is healthy is the team's
choice (alert thresholds).
"""

from dataclasses import dataclass

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop

from notifications.messages import Message

_in_active_language = lazy(str, str)


@dataclass(frozen=True)
class Measure:
    number: int
    code: str
    # Kept as source text: a notification that names the measure (a trace alert) reads it in its reader's language.
    name: Message
    unit: str
    minimum: float
    maximum: float
    decimals: int = 1

    @property
    def label(self):
        return _in_active_language(self.name)

    def format(self, value):
        return f"{value:.{self.decimals}f}"

    @property
    def caption(self):
        """ "Water temperature (°C)"; just "pH" when the name already says the unit."""
        label = str(self.label)
        if self.unit in label:
            return label
        return _("%(measure)s (%(unit)s)") % {"measure": label, "unit": self.unit}


MEASURES = [
    Measure(1, "water_temperature", Message(gettext_noop("Water temperature")), "°C", -5, 45),
    Measure(2, "dissolved_oxygen", Message(gettext_noop("Dissolved oxygen")), "mg/L", 0, 25, 2),
    Measure(3, "ph", Message(gettext_noop("pH")), "pH", 0, 14, 2),
    Measure(4, "salinity", Message(gettext_noop("Salinity")), "‰", 0, 60),
    Measure(5, "soil_moisture", Message(gettext_noop("Soil moisture")), "%", 0, 100),
    Measure(6, "air_temperature", Message(gettext_noop("Air temperature")), "°C", -30, 50),
    Measure(7, "air_humidity", Message(gettext_noop("Air humidity")), "%", 0, 100),
    Measure(8, "ammonia", Message(gettext_noop("Ammonia")), "mg/L", 0, 50, 2),
    Measure(9, "turbidity", Message(gettext_noop("Turbidity")), "NTU", 0, 4000, 0),
    Measure(10, "rainfall", Message.pgettext("measure", "Rainfall"), "mm", 0, 500),
    Measure(11, "light", Message(gettext_noop("Light")), "lx", 0, 200_000, 0),
    Measure(12, "conductivity", Message(gettext_noop("Electrical conductivity")), "µS/cm", 0, 100_000, 0),
]

BY_CODE = {measure.code: measure for measure in MEASURES}
BY_NUMBER = {measure.number: measure for measure in MEASURES}
CHOICES = [(measure.code, measure.label) for measure in MEASURES]


def measure_for(code):
    """The Measure named `code`, or None for a code nobody registered."""
    return BY_CODE.get(code)
