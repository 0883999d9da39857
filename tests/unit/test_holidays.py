from datetime import date, timedelta

import pytest

from shared.calendar import (
    de_facto_holidays,
    easter_sunday,
    is_de_facto_holiday,
    is_public_holiday,
    is_working_day,
    public_holidays,
    working_day_on_or_after,
)


def test_the_holidays_of_2017_as_the_almanac_prints_them() -> None:
    assert public_holidays(2017) == {
        date(2017, 1, 1): "nyårsdagen",
        date(2017, 1, 6): "trettondedag jul",
        date(2017, 4, 14): "långfredagen",
        date(2017, 4, 16): "påskdagen",
        date(2017, 4, 17): "annandag påsk",
        date(2017, 5, 1): "första maj",
        date(2017, 5, 25): "Kristi himmelsfärdsdag",
        date(2017, 6, 4): "pingstdagen",
        date(2017, 6, 6): "nationaldagen",
        date(2017, 6, 24): "midsommardagen",
        date(2017, 11, 4): "alla helgons dag",
        date(2017, 12, 25): "juldagen",
        date(2017, 12, 26): "annandag jul",
    }


def test_de_facto_holidays_are_kept_apart() -> None:
    assert de_facto_holidays(2017) == {
        date(2017, 6, 23): "midsommarafton",
        date(2017, 12, 24): "julafton",
        date(2017, 12, 31): "nyårsafton",
    }
    assert not is_public_holiday(date(2017, 12, 24))
    assert is_de_facto_holiday(date(2017, 12, 24))


@pytest.mark.parametrize(
    ("year", "easter"),
    [
        (2000, date(2000, 4, 23)),
        (2008, date(2008, 3, 23)),
        (2011, date(2011, 4, 24)),
        (2019, date(2019, 4, 21)),
        (2024, date(2024, 3, 31)),
        (2038, date(2038, 4, 25)),  # as late as Easter comes
        (2285, date(2285, 3, 22)),  # as early as Easter comes
    ],
)
def test_easter_sunday(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_2024() -> None:
    holidays = public_holidays(2024)

    assert holidays[date(2024, 3, 31)] == "påskdagen"
    assert holidays[date(2024, 3, 29)] == "långfredagen"
    assert holidays[date(2024, 5, 9)] == "Kristi himmelsfärdsdag"
    assert holidays[date(2024, 6, 22)] == "midsommardagen"
    assert holidays[date(2024, 11, 2)] == "alla helgons dag"


def test_midsummer_and_all_saints_are_the_saturdays_the_law_names() -> None:
    for year in range(1953, 2101):
        by_name = {name: day for day, name in public_holidays(year).items()}
        midsummer, all_saints = by_name["midsommardagen"], by_name["alla helgons dag"]
        assert midsummer.weekday() == 5
        assert date(year, 6, 20) <= midsummer <= date(year, 6, 26)
        assert all_saints.weekday() == 5
        assert date(year, 10, 31) <= all_saints <= date(year, 11, 6)
        assert de_facto_holidays(year)[midsummer - timedelta(days=1)] == "midsommarafton"


def test_two_feasts_on_one_day_keep_both_names() -> None:
    assert public_holidays(2008)[date(2008, 5, 1)] == "första maj, Kristi himmelsfärdsdag"
    assert public_holidays(2049)[date(2049, 6, 6)] == "pingstdagen, nationaldagen"


def test_before_2005_annandag_pingst_was_a_holiday_and_6_june_was_not() -> None:
    assert public_holidays(2004)[date(2004, 5, 31)] == "annandag pingst"
    assert not is_public_holiday(date(2004, 6, 6))
    assert "annandag pingst" not in public_holidays(2005).values()


def test_years_before_the_saturday_rule_are_refused() -> None:
    with pytest.raises(ValueError, match="from 1953 on, not for 1952"):
        public_holidays(1952)


def test_the_result_is_a_copy_the_caller_may_change() -> None:
    public_holidays(2017).clear()

    assert is_public_holiday(date(2017, 4, 17))
    assert len(public_holidays(2017)) == 13


def test_working_days() -> None:
    assert is_working_day(date(2017, 4, 18))  # the Tuesday after annandag påsk
    assert not is_working_day(date(2017, 4, 17))
    assert not is_working_day(date(2017, 4, 22))  # a Saturday
    assert not is_working_day(date(2018, 12, 24))  # julafton on a Monday
    assert working_day_on_or_after(date(2018, 12, 22)) == date(2018, 12, 27)
    assert working_day_on_or_after(date(2017, 4, 18)) == date(2017, 4, 18)
