"""What goes into a channel (a rendered `Message`) and what comes out (a `DeliveryResult`).

Every channel sorts its failures the same way so that one retry policy serves them all:
`temporary` is worth another attempt later, `permanent` never will be.
"""

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any, Literal

Outcome = Literal["delivered", "temporary", "permanent"]


@dataclass(frozen=True, slots=True)
class Message:
    """One notification rendered once for every channel.

    `payload` is what a webhook receives and `teams_card` what a Teams incoming webhook
    receives; both hold JSON values only.
    """

    subject: str
    text: str
    html: str
    payload: Mapping[str, Any]
    teams_card: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """How one delivery attempt ended.

    `code` is the SMTP reply or HTTP status when there was one. `retry_after` is the wait
    the receiver asked for (HTTP `Retry-After`). `refused` names recipients an SMTP server
    refused while accepting the others: the message went out, so the whole is `delivered`.
    """

    outcome: Outcome
    detail: str = ""
    code: int | None = None
    retry_after: timedelta | None = None
    refused: Mapping[str, "DeliveryResult"] = field(default_factory=dict)

    @property
    def delivered(self) -> bool:
        return self.outcome == "delivered"

    @property
    def retryable(self) -> bool:
        return self.outcome == "temporary"


def outcome_of_smtp_code(code: int) -> Outcome:
    """5xx is the server's final word; 4xx and anything unexpected may pass."""
    return "permanent" if 500 <= code < 600 else "temporary"


def outcome_of_http_status(status: int) -> Outcome:
    if 200 <= status < 300:
        return "delivered"
    # 408 is the receiver's own timeout, so it is treated like ours.
    if status >= 500 or status in (408, 429):
        return "temporary"
    # Redirects are not followed: a signed delivery goes to the URL it was configured for.
    return "permanent"
