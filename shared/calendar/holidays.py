"""Swedish public holidays (allmänna helgdagar), computed for any year from 1953 on.

The named holidays of lagen (1989:253) om allmänna helgdagar. The law also counts every
Sunday as an allmän helgdag; that is left to `is_working_day`, so that `public_holidays`
lists the days people mean when they say "helgdag". Midsommarafton, julafton and
nyårsafton are not public holidays in law but almost every office is closed on them, so
they are kept apart as de facto holidays and count as days off for scheduling.

Since 2005 nationaldagen (6 June) is a public holiday and annandag pingst is not; earlier
years follow the older rule. Years before 1953, when midsommar and alla helgons dag were
fixed dates, are refused rather than answered wrongly.
"""

from datetime import date, timedelta
from functools import lru_cache

FIRST_YEAR = 1953
_NATIONAL_DAY_FROM = 2005


def easter_sunday(year: int) -> date:
    """Påskdagen, by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    golden = year % 19
    century, year_of_century = divmod(year, 100)
    leap_centuries, century_rest = divmod(century, 4)
    correction = (century + 8) // 25
    moon = (century - correction + 1) // 3
    epact = (19 * golden + century - leap_centuries - moon + 15) % 30
    leap_years, year_rest = divmod(year_of_century, 4)
    weekday = (32 + 2 * century_rest + 2 * leap_years - epact - year_rest) % 7
    shift = (golden + 11 * epact + 22 * weekday) // 451
    month, day = divmod(epact + weekday - 7 * shift + 114, 31)
    return date(year, month, day + 1)


def _saturday_from(first: date) -> date:
    """The Saturday in the seven days starting at `first`."""
    return first + timedelta(days=(5 - first.weekday()) % 7)


def _check(year: int) -> None:
    if year < FIRST_YEAR:
        raise ValueError(f"holidays are computed from {FIRST_YEAR} on, not for {year}")


@lru_cache(maxsize=256)
def _public(year: int) -> dict[date, str]:
    _check(year)
    easter = easter_sunday(year)
    named = [
        (date(year, 1, 1), "nyårsdagen"),
        (date(year, 1, 6), "trettondedag jul"),
        (easter - timedelta(days=2), "långfredagen"),
        (easter, "påskdagen"),
        (easter + timedelta(days=1), "annandag påsk"),
        (date(year, 5, 1), "första maj"),
        (easter + timedelta(days=39), "Kristi himmelsfärdsdag"),
        (easter + timedelta(days=49), "pingstdagen"),
        (_saturday_from(date(year, 6, 20)), "midsommardagen"),
        (_saturday_from(date(year, 10, 31)), "alla helgons dag"),
        (date(year, 12, 25), "juldagen"),
        (date(year, 12, 26), "annandag jul"),
    ]
    if year >= _NATIONAL_DAY_FROM:
        named.append((date(year, 6, 6), "nationaldagen"))
    else:
        named.append((easter + timedelta(days=50), "annandag pingst"))
    # Movable feasts can land on fixed ones (Kristi himmelsfärd on 1 May in 2008,
    # pingstdagen on 6 June in 2049): one day, both names.
    days: dict[date, str] = {}
    for day, name in named:
        days[day] = f"{days[day]}, {name}" if day in days else name
    return dict(sorted(days.items()))


@lru_cache(maxsize=256)
def _de_facto(year: int) -> dict[date, str]:
    _check(year)
    midsummer_eve = _saturday_from(date(year, 6, 20)) - timedelta(days=1)
    return {
        midsummer_eve: "midsommarafton",
        date(year, 12, 24): "julafton",
        date(year, 12, 31): "nyårsafton",
    }


def public_holidays(year: int) -> dict[date, str]:
    """The named public holidays of `year`, in date order, with their Swedish names."""
    return dict(_public(year))


def de_facto_holidays(year: int) -> dict[date, str]:
    """Midsommarafton, julafton and nyårsafton of `year`."""
    return dict(_de_facto(year))


def is_public_holiday(day: date) -> bool:
    return day in _public(day.year)


def is_de_facto_holiday(day: date) -> bool:
    return day in _de_facto(day.year)


def is_working_day(day: date) -> bool:
    """Monday to Friday, and neither a public nor a de facto holiday."""
    return day.weekday() < 5 and not is_public_holiday(day) and not is_de_facto_holiday(day)


def working_day_on_or_after(day: date) -> date:
    """`day` itself when it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day
