from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from jinja2 import UndefinedError

from services.notifications.channels import render
from services.notifications.channels.i18n import STATUS_NAMES
from services.notifications.channels.rendering import environment
from services.notifications.domain.views import (
    Figures,
    Language,
    NotificationView,
    OutcomeFigures,
    commitment_dashboard_path,
    outcome_dashboard_path,
)

GRAFANA = "https://grafana.lofte.example"
ACK = "https://lofte.example/ack?n=abc&sig=x1"
WALKS = "trygghetsvandringar-ungdomar"


def view(kind: str, **changes: Any) -> NotificationView:
    """A notification of each kind, from the Lund 2017 promise."""
    common: dict[str, Any] = {
        "organisation": "Polisen",
        "promise": "Medborgarlöfte Lund 2017",
        "title": "Trygghetsvandringar med ungdomar",
        "dashboard_path": commitment_dashboard_path(WALKS),
        "commitment_id": WALKS,
    }
    by_kind: dict[str, dict[str, Any]] = {
        "commitment.status-changed": {
            "old_status": "on-track",
            "new_status": "at-risk",
            "figures": Figures(done=1, target=2, expected=1.5),
        },
        "occurrence.missed": {"title": "SNÖ-möte", "slot": date(2017, 4, 10)},
        "coverage.gap": {
            "title": "Besök på mötesplatser",
            "dimensions": {"organisation": "Räddningstjänsten", "place": "Fritidsgården Linero"},
            "days_left": 3,
        },
        "outcome.changed": {
            "title": "Upptäckta narkotikabrott bland unga",
            "dashboard_path": outcome_dashboard_path("narkotikabrott-unga"),
            "commitment_id": None,
            "indicator_id": "narkotikabrott-unga",
            "old_status": "behind",
            "new_status": "on-track",
            "outcome": OutcomeFigures(value=180, comparison=161, change_ratio=0.118, good=True),
        },
        "reminder": {"title": "Ungdomsting", "slot": date(2017, 3, 23), "days_left": 0},
    }
    return NotificationView(kind=kind, **{**common, **by_kind[kind], **changes})  # type: ignore[arg-type]


KINDS = ["commitment.status-changed", "occurrence.missed", "coverage.gap", "outcome.changed"]


@pytest.mark.parametrize("language", ["sv", "en"])
@pytest.mark.parametrize("kind", [*KINDS, "reminder"])
def test_every_kind_renders_every_part_in_both_languages(kind: str, language: Language) -> None:
    notification = view(kind)

    message = render([notification], language=language, grafana_url=GRAFANA, ack_url=ACK)

    assert message.subject
    assert "\n" not in message.subject
    assert message.text.endswith("\n")
    assert "\n\n\n" not in message.text
    assert GRAFANA + notification.dashboard_path in message.text
    assert ACK in message.text
    assert f'<html lang="{language}">' in message.html
    assert f'href="{ACK.replace("&", "&amp;")}"' in message.html


def test_a_status_change_reads_as_swedish_staff_expect() -> None:
    message = render(
        [view("commitment.status-changed")], language="sv", grafana_url=GRAFANA, ack_url=None
    )

    assert message.subject == "Löfte: Trygghetsvandringar med ungdomar – riskerar att missas"
    assert message.text.startswith(
        "Status för ”Trygghetsvandringar med ungdomar” har ändrats från ”i fas” till "
        "”riskerar att missas”.\n\nGenomfört hittills: 1 av 2. Förväntat vid det här laget: 1,5."
    )
    assert f"{GRAFANA}/d/lofte-loftet?var-commitment={WALKS}" in message.text
    assert "Kvittera" not in message.text
    assert "Kvittera" not in message.html


@pytest.mark.parametrize(
    ("status", "swedish"),
    [
        ("achieved", "uppnått"),
        ("on-track", "i fas"),
        ("at-risk", "riskerar att missas"),
        ("behind", "efter"),
        ("missed", "missat"),
        ("not-started", "ej påbörjat"),
        ("awaiting-data", "inväntar data"),
    ],
)
def test_statuses_have_their_swedish_names(status: str, swedish: str) -> None:
    notification = view("commitment.status-changed", old_status=None, new_status=status)

    message = render([notification], language="sv", grafana_url=GRAFANA, ack_url=None)

    assert message.subject.endswith(f"– {swedish}")
    assert f"har nu status ”{swedish}”" in message.text
    assert set(STATUS_NAMES["sv"]) == set(STATUS_NAMES["en"])


def test_outcomes_link_to_the_outcome_dashboard_and_compare_with_the_baseline() -> None:
    sv = render([view("outcome.changed")], language="sv", grafana_url=GRAFANA + "/", ack_url=None)
    en = render([view("outcome.changed")], language="en", grafana_url=GRAFANA, ack_url=None)

    assert f"{GRAFANA}/d/lofte-utfall?var-indicator=narkotikabrott-unga" in sv.text
    assert "Värde 180, jämfört med 161 (+11,8 %): i den riktning löftet vill." in sv.text
    assert "Value 180, against 161 (+11.8%)" in en.text


def test_missed_slots_gaps_and_reminders_say_when() -> None:
    def text(kind: str, **changes: Any) -> str:
        notification = view(kind, **changes)
        return render([notification], language="sv", grafana_url=GRAFANA, ack_url=None).text

    assert text("occurrence.missed").startswith("Tillfället 10 april 2017 för ”SNÖ-möte”")
    assert (
        "organisation Räddningstjänsten, mötesplats Fritidsgården Linero är ännu inte täckt, "
        "och perioden tar slut om 3 dagar." in text("coverage.gap")
    )
    assert "perioden tar slut om 1 dag." in text("coverage.gap", days_left=1)
    assert "senast 23 mars 2017, alltså i dag." in text("reminder")


def test_fields_are_text_never_template_or_markup() -> None:
    hostile = "{{7*7}} <script>alert(1)</script>"
    notifications = [
        view("commitment.status-changed", title=hostile),
        view("coverage.gap", title=hostile, dimensions={"place": hostile}),
    ]

    for notification in notifications:
        message = render([notification], language="sv", grafana_url=GRAFANA, ack_url=None)
        assert "<script>" not in message.html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in message.html
        assert "{{7*7}}" in message.html
        assert "49" not in message.html
        assert hostile in message.text
        assert "49" not in message.text
        assert hostile in message.subject


def test_a_misspelt_field_fails_loudly() -> None:
    template = environment("sv").from_string("{{ n.titel }}")

    with pytest.raises(UndefinedError):
        template.render(n=view("commitment.status-changed"))


def test_several_notifications_to_one_organisation_make_one_message() -> None:
    notifications = [view("commitment.status-changed"), view("occurrence.missed")]

    message = render(notifications, language="sv", grafana_url=GRAFANA, ack_url=ACK)

    assert message.subject == "Löfte: 2 notiser för Polisen"
    assert "- Status för ”Trygghetsvandringar med ungdomar”" in message.text
    assert "- Tillfället 10 april 2017 för ”SNÖ-möte”" in message.text
    assert message.payload["kind"] == "batch"
    assert len(message.payload["notifications"]) == 2


def test_what_cannot_render_well_is_refused() -> None:
    with pytest.raises(ValueError, match="needs new_status"):
        view("commitment.status-changed", new_status=None)
    with pytest.raises(ValueError, match="needs slot"):
        view("occurrence.missed", slot=None)
    with pytest.raises(ValueError, match="nothing to render"):
        render([], language="sv", grafana_url=GRAFANA, ack_url=None)
    elsewhere = replace(view("occurrence.missed"), organisation="Kommunen")
    with pytest.raises(ValueError, match="one organisation"):
        render(
            [view("occurrence.missed"), elsewhere], language="sv", grafana_url=GRAFANA, ack_url=None
        )
    with pytest.raises(ValueError, match="http"):
        render(
            [view("occurrence.missed")], language="sv", grafana_url=GRAFANA, ack_url="javascript:x"
        )
    with pytest.raises(ValueError, match="no templates"):
        render([view("occurrence.missed")], language="fi", grafana_url=GRAFANA, ack_url=None)  # type: ignore[arg-type]
