"""Acknowledge links: they work for what they name until they expire, and for nothing else."""

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from services.notifications.domain.ack_links import AckLinks, AckTarget, InvalidToken

LINKS = AckLinks(b"a-secret-of-at-least-thirty-two-bytes!!", "https://lofte.test/")
NOW = datetime(2017, 5, 16, 10, 0, tzinfo=UTC)
LATER = NOW + timedelta(days=7)
ONE = AckTarget("notification", "e1/polisen")
BATCH = AckTarget("delivery", "0b6f1f0e-6a51-4c3e-9f39-2f1f4c0e8a11")


@pytest.mark.parametrize("target", [ONE, BATCH])
def test_a_link_acknowledges_what_it_names_until_it_expires(target: AckTarget) -> None:
    token = LINKS.token(target, LATER)

    assert LINKS.verify(token, NOW) == target
    assert LINKS.verify(token, LATER - timedelta(seconds=1)) == target
    with pytest.raises(InvalidToken, match="expired"):
        LINKS.verify(token, LATER)


def test_the_url_points_at_the_service_and_stays_short() -> None:
    url = LINKS.url(BATCH, LATER)

    assert url.startswith("https://lofte.test/v1/ack?token=")
    assert len(url) < 200


@pytest.mark.parametrize(
    "forge",
    [
        lambda t: t[:-2] + ("AA" if not t.endswith("AA") else "BB"),  # another signature
        lambda t: (
            LINKS.token(AckTarget("notification", "e2/polisen"), LATER).split(".")[0]
            + "."
            + t.split(".")[1]
        ),  # another notification under this one's signature
        lambda t: t.split(".")[0],  # no signature
        lambda t: "",
        lambda t: "ä.ö",
        lambda t: t.replace(".", ".!"),
    ],
)
def test_a_changed_token_is_refused(forge: Callable[[str], str]) -> None:
    token = LINKS.token(ONE, LATER)

    with pytest.raises(InvalidToken):
        LINKS.verify(forge(token), NOW)


def test_another_services_secret_does_not_verify() -> None:
    token = AckLinks(b"another-secret-of-at-least-32-bytes!!", "https://x.test").token(ONE, LATER)

    with pytest.raises(InvalidToken, match="signature"):
        LINKS.verify(token, NOW)


def test_a_link_names_something() -> None:
    with pytest.raises(ValueError, match="acknowledges something"):
        LINKS.token(AckTarget("notification", ""), LATER)
