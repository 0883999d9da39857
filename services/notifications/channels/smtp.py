"""Email over SMTP: a multipart/alternative message (plain text and HTML) per notification.

The Message-ID is derived from the notification key, so a retried delivery carries the same
id as the attempt whose answer got lost, and mail clients and archives can tell the two
apart from two separate notifications. No List-Unsubscribe: these are operational messages
to the staff responsible, not a mailing list one leaves.
"""

import asyncio
import hashlib
from collections.abc import Mapping, Sequence
from email.message import EmailMessage
from email.utils import formatdate, parseaddr
from typing import Annotated

import aiosmtplib
from pydantic import BaseModel, ConfigDict, Field, SecretStr, model_validator

from services.notifications.channels.message import (
    DeliveryResult,
    Message,
    outcome_of_smtp_code,
)

# Headers the channel writes itself; a caller's extra headers may not replace them.
_OWN_HEADERS = frozenset(
    name.lower()
    for name in (
        "From", "To", "Cc", "Bcc", "Subject", "Date", "Message-ID", "MIME-Version",
        "Content-Type", "Content-Transfer-Encoding", "Auto-Submitted", "Sender", "Reply-To",
    )
)  # fmt: skip


class SmtpSettings(BaseModel):
    """Where and how to hand mail over. `starttls` upgrades a plain connection (port 587),
    `use_tls` speaks TLS from the first byte (port 465); at most one of them."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    host: str = "127.0.0.1"
    port: Annotated[int, Field(ge=1, le=65535)] = 25
    starttls: bool = False
    use_tls: bool = False
    username: str | None = None
    password: SecretStr | None = None
    from_address: str
    timeout: Annotated[float, Field(gt=0)] = 30.0
    validate_certs: bool = True
    # PEM file with the CA certificates to trust, for a relay with a private CA.
    cert_bundle: str | None = None
    # The name sent in EHLO. Left empty, the OS is asked for this host's FQDN.
    helo_name: str | None = None

    @model_validator(mode="after")
    def _consistent(self) -> "SmtpSettings":
        if self.starttls and self.use_tls:
            raise ValueError("starttls and use_tls exclude each other")
        if (self.username is None) != (self.password is None):
            raise ValueError("username and password go together")
        if "@" not in parseaddr(self.from_address)[1]:
            raise ValueError(f"from_address {self.from_address!r} has no email address")
        return self


class EmailChannel:
    """Hands each message to the configured relay over one short-lived connection."""

    def __init__(self, settings: SmtpSettings) -> None:
        self._settings = settings
        self._sender = parseaddr(settings.from_address)[1]

    def compose(
        self,
        message: Message,
        to: Sequence[str],
        *,
        key: str,
        headers: Mapping[str, str] | None = None,
    ) -> EmailMessage:
        if not to:
            raise ValueError("an email needs at least one recipient")
        clashes = sorted(name for name in headers or {} if name.lower() in _OWN_HEADERS)
        if clashes:
            raise ValueError(f"the channel sets these headers itself: {', '.join(clashes)}")
        email = EmailMessage()
        email["From"] = self._settings.from_address
        email["To"] = ", ".join(to)
        email["Subject"] = message.subject
        email["Date"] = formatdate(usegmt=True)
        email["Message-ID"] = message_id(key, self._sender)
        # RFC 3834: no out-of-office replies to a machine.
        email["Auto-Submitted"] = "auto-generated"
        for name, value in (headers or {}).items():
            email[name] = value
        email.set_content(message.text)
        email.add_alternative(message.html, subtype="html")
        return email

    async def send(
        self,
        message: Message,
        to: Sequence[str],
        *,
        key: str,
        headers: Mapping[str, str] | None = None,
    ) -> DeliveryResult:
        email = await asyncio.to_thread(self.compose, message, to, key=key, headers=headers)
        settings = self._settings
        try:
            refused, reply = await aiosmtplib.send(
                email,
                sender=self._sender,
                recipients=list(to),
                hostname=settings.host,
                port=settings.port,
                username=settings.username,
                password=settings.password.get_secret_value() if settings.password else None,
                start_tls=settings.starttls,
                use_tls=settings.use_tls,
                validate_certs=settings.validate_certs,
                cert_bundle=settings.cert_bundle,
                local_hostname=settings.helo_name,
                timeout=settings.timeout,
            )
        except aiosmtplib.SMTPRecipientsRefused as error:
            return _all_refused(error)
        except aiosmtplib.SMTPResponseException as error:
            return DeliveryResult(outcome_of_smtp_code(error.code), error.message, error.code)
        except aiosmtplib.SMTPNotSupported as error:
            # The message needs an extension the server lacks (SMTPUTF8 for a non-ASCII
            # address); the same message will never get through.
            return DeliveryResult("permanent", error.message)
        except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
            return DeliveryResult("temporary", f"{type(error).__name__}: {error}")
        return DeliveryResult(
            "delivered",
            reply,
            refused={
                address: DeliveryResult(outcome_of_smtp_code(r.code), r.message, r.code)
                for address, r in refused.items()
            },
        )


def message_id(key: str, sender: str) -> str:
    """The same key always gives the same id; hashed, as a key may hold any characters."""
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    domain = sender.rpartition("@")[2] or "lofte.invalid"
    return f"<{digest}.lofte@{domain}>"


def _all_refused(error: aiosmtplib.SMTPRecipientsRefused) -> DeliveryResult:
    refused = {
        r.recipient: DeliveryResult(outcome_of_smtp_code(r.code), r.message, r.code)
        for r in error.recipients
    }
    # Worth another try if a single recipient might take it later.
    temporary = [result for result in refused.values() if result.retryable]
    first = (temporary or list(refused.values()))[0]
    return DeliveryResult(
        first.outcome, f"all recipients refused: {first.detail}", first.code, refused=refused
    )
