"""Label matchers and durations as a routing file writes them."""

import re
from datetime import timedelta

import pytest

from services.notifications.domain import Matcher, format_duration, matches_all, parse_duration

LABELS = {"organisation": "polisen", "severity": "warning", "status": "at-risk"}


@pytest.mark.parametrize(
    ("text", "selected"),
    [
        ('organisation="polisen"', True),
        ("organisation=polisen", True),
        ('organisation = "polisen"', True),
        ('organisation!="polisen"', False),
        ('status=~"at-risk|behind"', True),
        ('status=~"at"', False),  # the whole value must match, not a part of it
        ('status!~"at-risk|behind"', False),
        ('severity=~"critical"', False),
        ('focus_area=""', True),  # a label the notification lacks is empty
        ('focus_area!="droger"', True),
        ('focus_area=~".+"', False),
    ],
)
def test_matchers_select_as_written(text: str, selected: bool) -> None:
    assert Matcher.parse(text).matches(LABELS) is selected


def test_a_quoted_value_may_hold_quotes_and_reads_back_the_same() -> None:
    matcher = Matcher.parse(r'commitment="say \"hej\""')

    assert matcher.value == 'say "hej"'
    assert Matcher.parse(str(matcher)) == matcher


def test_no_matchers_match_everything() -> None:
    assert matches_all([], LABELS)
    assert not matches_all(
        [Matcher.parse("severity=warning"), Matcher.parse("status=missed")], LABELS
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("severity", "is not a matcher"),
        ('=~"x"', "is not a matcher"),
        ('status=~"at-risk|(behind"', "bad regular expression 'at-risk|(behind'"),
        ('status="open', "not closed properly"),
    ],
)
def test_a_bad_matcher_says_what_is_wrong(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)):
        Matcher.parse(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("30s", timedelta(seconds=30)),
        ("5m", timedelta(minutes=5)),
        ("4h", timedelta(hours=4)),
        ("1d", timedelta(days=1)),
        ("1h30m", timedelta(hours=1, minutes=30)),
        ("2w", timedelta(weeks=2)),
        ("0s", timedelta(0)),
    ],
)
def test_durations_read_and_write_back(text: str, value: timedelta) -> None:
    assert parse_duration(text) == value
    assert parse_duration(format_duration(value)) == value


def test_a_duration_is_written_with_the_largest_units() -> None:
    assert format_duration(timedelta(hours=24)) == "1d"
    assert format_duration(timedelta(minutes=90)) == "1h30m"


@pytest.mark.parametrize("text", ["30", "30 sec", "4H", "30m1h", "1h1h", "", "-5m"])
def test_a_duration_without_a_proper_unit_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match=r"duration|each unit once"):
        parse_duration(text)
