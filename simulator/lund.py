"""What happens in Lund, and how often, as the simulator plays it.

The rates follow the Lund 2017 promise and its 2016 baseline (161 drug crimes among youths
from April to December). The meeting places are EXAMPLE DATA: the promise does not list them.
"""

from dataclasses import dataclass

SOURCES = {
    "polisen": "urn:lofte:partner:polisen",
    "kommunen": "urn:lofte:partner:kommunen",
    "raddningstjansten": "urn:lofte:partner:raddningstjansten",
}
ORGANISATIONS = tuple(SOURCES)

# Example data: the promise names no meeting places.
MEETING_PLACES = (
    "Fritidsgården Arken",
    "Ungdomens hus",
    "Mötesplats Norra Fäladen",
    "Fritidsgården Linero",
)


@dataclass(frozen=True, slots=True)
class Occasional:
    """An activity that happens now and then: `per_year` times on average."""

    commitment: str
    organisations: tuple[str, ...]
    per_year: float
    place: str
    youths: tuple[int, int] | None = None
    volunteers: tuple[int, int] | None = None


OCCASIONAL = (
    Occasional("handelsebaserade-trygghetsvandringar", ("kommunen", "polisen"), 3, "Stortorget"),
    Occasional(
        "trygghetsvandringar-ungdomar",
        ("raddningstjansten", "kommunen", "polisen"),
        3,
        "Lunds centralstation",
        youths=(0, 15),
    ),
    Occasional("volontarinsatser", ("polisen",), 6, "Mårtenstorget", volunteers=(4, 12)),
    Occasional("foraldrar-facebook", ("kommunen",), 20, "#tryggungdomilund"),
    Occasional("foraldrar-facebook", ("polisen",), 20, "#tryggungdomilund"),
    Occasional("foreningsliv", ("kommunen",), 2.5, "Föreningsmässa, Stadshallen"),
)

SNO_MEETING_HELD = 0.85  # most Mondays, not all
VISITS_PER_PLACE_AND_MONTH = 1.1

# Drug crimes among youths: 161 in Apr-Dec 2016, i.e. about 0.59 a day, by category.
DRUG_CRIMES_PER_DAY = 161 / 275
DRUG_CATEGORIES = {
    "narkotika.bruk": 101,
    "narkotika.innehav": 48,
    "narkotika.overlatelse": 7,
    "narkotika.doping": 3,
    "narkotika.ospecificerat": 2,
}
VANDALISM_PER_DAY = 1.2
VANDALISM_CATEGORIES = {"skadegorelse": 3, "skadegorelse.klotter": 2}
AREAS = ("Lund centrum", "Norra Fäladen", "Linero", "Klostergården", "Östra Torn")
