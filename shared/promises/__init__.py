"""Promises as data: a medborgarlöfte's commitments, targets and outcome indicators.

The Lund 2017 promise ships as `lund-2017.yaml` and is what `default_promises()` returns.
Other services refer to its ids (`sno-mote`, `narkotikabrott-upptackt`, ...), which are
therefore a contract: add ids, never rename them.
"""

from shared.promises.amendments import Amendment, ValidityEnded, ValidityExtended
from shared.promises.conditions import ActivityField, Comparison, Condition, activity_meets
from shared.promises.coverage import (
    CoverageTarget,
    Dimension,
    ListedDimension,
    OrganisationsDimension,
    PeriodDimension,
)
from shared.promises.dated import DatedTarget, Occurrence, Window
from shared.promises.deployment import deployed_promises
from shared.promises.indicators import (
    INCIDENT_CATEGORIES,
    ActivityCount,
    Baseline,
    CrimeStatistics,
    Measure,
    OutcomeIndicator,
    Survey,
)
from shared.promises.loader import (
    DEFAULT_PROMISE_ID,
    default_promise,
    default_promises,
    load_promise,
    load_promise_text,
    load_school_holidays_text,
    school_holiday_calendars,
)
from shared.promises.model import Commitment, FocusArea, Organisation, Promise
from shared.promises.placement import Placement, place, placed_in
from shared.promises.schedules import (
    BeforeSchoolHolidays,
    HolidayRule,
    Monthly,
    Schedule,
    Slot,
    TimeWindow,
    Weekly,
    due_slots,
)
from shared.promises.school_holidays import (
    SchoolHoliday,
    SchoolHolidayCalendar,
    SchoolHolidayKind,
    SchoolHolidaysUnknown,
)
from shared.promises.targets import (
    CountTarget,
    DeliverableTarget,
    OpenCountTarget,
    RecurringTarget,
    Target,
)
from shared.promises.yamlfile import FileProblem, PromiseFileError

__all__ = [
    "DEFAULT_PROMISE_ID",
    "INCIDENT_CATEGORIES",
    "ActivityCount",
    "ActivityField",
    "Amendment",
    "Baseline",
    "BeforeSchoolHolidays",
    "Commitment",
    "Comparison",
    "Condition",
    "CountTarget",
    "CoverageTarget",
    "CrimeStatistics",
    "DatedTarget",
    "DeliverableTarget",
    "Dimension",
    "FileProblem",
    "FocusArea",
    "HolidayRule",
    "ListedDimension",
    "Measure",
    "Monthly",
    "Occurrence",
    "OpenCountTarget",
    "Organisation",
    "OrganisationsDimension",
    "OutcomeIndicator",
    "PeriodDimension",
    "Placement",
    "Promise",
    "PromiseFileError",
    "RecurringTarget",
    "Schedule",
    "SchoolHoliday",
    "SchoolHolidayCalendar",
    "SchoolHolidayKind",
    "SchoolHolidaysUnknown",
    "Slot",
    "Survey",
    "Target",
    "TimeWindow",
    "ValidityEnded",
    "ValidityExtended",
    "Weekly",
    "Window",
    "activity_meets",
    "default_promise",
    "default_promises",
    "deployed_promises",
    "due_slots",
    "load_promise",
    "load_promise_text",
    "load_school_holidays_text",
    "place",
    "placed_in",
    "school_holiday_calendars",
]
