"""The demo's receivers as `make up` runs them (infra/bin/receivers.sh): a mail catcher and a
webhook inbox on ports of the test's own, and the shipped routing rendered to point at them."""

import contextlib
import os
import subprocess
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path

from shared.contracts.cloudevents import CloudEvent
from shared.contracts.kpi_events import METRICS_SOURCE, CommitmentStatusChanged, PeriodSpan, Status
from tests.processes import ROOT, free_ports

RECEIVERS = ROOT / "infra" / "bin" / "receivers.sh"


@dataclass(frozen=True)
class Receivers:
    smtp_port: int
    mail_page: str
    inbox: str
    routing: Path

    def notifications_env(self) -> dict[str, str]:
        """What infra/bin/services.sh gives the notifications service for the demo."""
        return {
            "ROUTING_FILE": str(self.routing),
            "SMTP__HOST": "127.0.0.1",
            "SMTP__PORT": str(self.smtp_port),
        }


@contextlib.contextmanager
def demo_receivers(folder: Path) -> Iterator[Receivers]:
    smtp_port, web_port, inbox_port = free_ports(3)
    found = Receivers(
        smtp_port,
        f"http://127.0.0.1:{web_port}",
        f"http://127.0.0.1:{inbox_port}",
        folder / "routing.yaml",
    )
    env = {
        **os.environ,
        "LOFTE_RUN_DIR": str(folder / "run"),
        "LOFTE_MAILDEV_SMTP_PORT": str(smtp_port),
        "LOFTE_MAILDEV_WEB_PORT": str(web_port),
        "LOFTE_INBOX_PORT": str(inbox_port),
    }
    subprocess.run([RECEIVERS, "start"], env=env, check=True, timeout=600)
    try:
        subprocess.run([RECEIVERS, "routing", found.routing], env=env, check=True, timeout=60)
        yield found
    finally:
        subprocess.run([RECEIVERS, "stop"], env=env, check=False, timeout=120)


def missed(commitment: str, organisation: str) -> CloudEvent:
    """What the metrics service announces when a commitment of 2017 was missed."""
    data = CommitmentStatusChanged(
        promise="lund-2017",
        commitment=commitment,
        focus_area="trygghet",
        organisations=[organisation],
        old_status=Status.BEHIND,
        new_status=Status.MISSED,
        period=PeriodSpan(start=date(2017, 1, 1), end=date(2018, 1, 1)),
        figures={"done": 1, "target": 5},
    )
    return CloudEvent(
        specversion="1.0",
        id=str(uuid.uuid4()),
        source=METRICS_SOURCE,
        type=data.TYPE,
        time=datetime.now(UTC),
        subject=commitment,
        data=data.model_dump(mode="json"),
    )
