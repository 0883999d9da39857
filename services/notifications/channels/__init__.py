"""How notifications reach people: rendered once into a `Message`, then sent by email, as a
signed webhook or as a Teams card. A channel only reports how an attempt ended; when to try
again is `next_attempt`'s business, and whether to at all is the caller's.
"""

from services.notifications.channels.http_channels import TeamsChannel, WebhookChannel
from services.notifications.channels.message import DeliveryResult, Message, Outcome
from services.notifications.channels.rendering import render
from services.notifications.channels.retry import next_attempt
from services.notifications.channels.signing import InvalidSignature, sign, verify
from services.notifications.channels.smtp import EmailChannel, SmtpSettings

__all__ = [
    "DeliveryResult",
    "EmailChannel",
    "InvalidSignature",
    "Message",
    "Outcome",
    "SmtpSettings",
    "TeamsChannel",
    "WebhookChannel",
    "next_attempt",
    "render",
    "sign",
    "verify",
]
