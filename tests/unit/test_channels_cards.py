"""The digest, the webhook payload and the Teams card: the forms besides email's two parts."""

import json
from datetime import date
from typing import Any

import pytest

from services.notifications.channels import render
from services.notifications.channels.cards import markdown_escaped
from services.notifications.domain.views import (
    DigestLine,
    DigestOutcome,
    DigestRemark,
    DigestView,
    Figures,
    NotificationView,
    OutcomeFigures,
    commitment_dashboard_path,
    outcome_dashboard_path,
)
from shared.contracts.kpi_events import Status

GRAFANA = "https://grafana.lofte.example"
ACK = "https://lofte.example/ack?n=abc"


def status_change(title: str = "Trygghetsvandringar med ungdomar") -> NotificationView:
    return NotificationView(
        kind="commitment.status-changed",
        organisation="Kommunen",
        promise="Medborgarlöfte Lund 2017",
        title=title,
        dashboard_path=commitment_dashboard_path("trygghetsvandringar-ungdomar"),
        commitment_id="trygghetsvandringar-ungdomar",
        severity="critical",
        old_status=Status.AT_RISK,
        new_status=Status.MISSED,
        figures=Figures(done=1, target=2),
    )


def digest(**changes: Any) -> DigestView:
    sno = commitment_dashboard_path("sno-mote")
    return DigestView(
        **{
            "organisation": "Kommunen",
            "promise": "Medborgarlöfte Lund 2017",
            "week_start": date(2017, 4, 10),
            Status.BEHIND: (
                DigestLine("SNÖ-möte varje måndag", sno, Status.BEHIND, Figures(8, 40, 11)),
            ),
            "missed_last_week": (DigestLine("SNÖ-möte varje måndag", sno, day=date(2017, 4, 3)),),
            "outcomes": (
                DigestOutcome(
                    "Upptäckta narkotikabrott bland unga",
                    outcome_dashboard_path("narkotikabrott-unga"),
                    Status.ON_TRACK,
                    OutcomeFigures(value=180, comparison=161, change_ratio=0.118, good=True),
                ),
            ),
            **changes,
        }
    )


def test_the_weekly_digest_is_a_lagesbild_per_organisation() -> None:
    notification = NotificationView.for_digest(digest())

    message = render([notification], language="sv", grafana_url=GRAFANA, ack_url=None)

    assert message.subject == "Löfte: lägesbild vecka 15 för Kommunen"
    text = message.text
    assert "EFTER ELLER RISKERAR ATT MISSAS\n- SNÖ-möte varje måndag: efter\n" in text
    assert "Genomfört hittills: 8 av 40. Förväntat vid det här laget: 11." in text
    assert "MISSAT FÖRRA VECKAN\n- SNÖ-möte varje måndag, 3 april 2017\n" in text
    assert "ATT GÖRA DEN HÄR VECKAN\n- Inget.\n" in text
    assert "Värde 180, jämfört med 161 (+11,8 %): i den riktning löftet vill." in text
    assert f"{GRAFANA}/d/lofte-loftet?var-commitment=sno-mote" in text
    assert f'href="{GRAFANA}/d/lofte-utfall?var-indicator=narkotikabrott-unga"' in message.html
    assert "<h2" in message.html
    assert "Inget." in message.html


def test_a_digest_week_starts_on_a_monday_and_stands_alone() -> None:
    with pytest.raises(ValueError, match="Monday"):
        digest(week_start=date(2017, 4, 12))
    with pytest.raises(ValueError, match="of its own"):
        render(
            [NotificationView.for_digest(digest()), status_change()],
            language="sv",
            grafana_url=GRAFANA,
            ack_url=None,
        )


def test_the_webhook_payload_is_plain_json_with_absolute_links() -> None:
    message = render([status_change()], language="en", grafana_url=GRAFANA, ack_url=ACK)

    payload = json.loads(json.dumps(message.payload))

    assert payload["type"] == "lofte.notification"
    assert payload["kind"] == "commitment.status-changed"
    assert payload["language"] == "en"
    assert payload["subject"] == message.subject
    assert payload["acknowledge_url"] == ACK
    (notification,) = payload["notifications"]
    assert notification["commitment_id"] == "trygghetsvandringar-ungdomar"
    assert notification["new_status"] == "missed"
    assert notification["figures"] == {"done": 1, "target": 2, "expected": None}
    assert notification["dashboard_url"] == (
        f"{GRAFANA}/d/lofte-loftet?var-commitment=trygghetsvandringar-ungdomar"
    )


def test_a_digest_payload_carries_its_dates_as_iso_strings() -> None:
    message = render(
        [NotificationView.for_digest(digest())], language="sv", grafana_url=GRAFANA, ack_url=None
    )

    (notification,) = json.loads(json.dumps(message.payload))["notifications"]
    assert notification["digest"]["week_start"] == "2017-04-10"
    assert notification["digest"]["missed_last_week"][0]["day"] == "2017-04-03"


def test_the_teams_card_is_an_adaptive_card_with_buttons() -> None:
    message = render([status_change()], language="sv", grafana_url=GRAFANA, ack_url=ACK)

    card = json.loads(json.dumps(message.teams_card))

    assert card["type"] == "message"
    (attachment,) = card["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    content = attachment["content"]
    assert content["type"] == "AdaptiveCard"
    assert content["version"] == "1.4"
    title, summary, facts = content["body"]
    assert title["text"] == message.subject
    assert title["color"] == "Attention"
    assert "från ”riskerar att missas” till ”missat”" in summary["text"]
    assert {"title": "Status", "value": "missat"} in facts["facts"]
    assert [(a["title"], a["url"]) for a in content["actions"]] == [
        (
            "Öppna i Grafana",
            f"{GRAFANA}/d/lofte-loftet?var-commitment=trygghetsvandringar-ungdomar",
        ),
        ("Kvittera", ACK),
    ]


def test_a_title_cannot_smuggle_a_link_into_the_card() -> None:
    sneaky = "Vandring [klicka här](https://evil.example) *nu*"
    message = render([status_change(sneaky)], language="sv", grafana_url=GRAFANA, ack_url=None)

    title = message.teams_card["attachments"][0]["content"]["body"][0]["text"]

    assert "\\[klicka här\\](https://evil.example) \\*nu\\*" in title
    assert markdown_escaped("a_b") == "a\\_b"
    actions = message.teams_card["attachments"][0]["content"]["actions"]
    assert [action["title"] for action in actions] == ["Öppna i Grafana"]


def test_the_digest_tells_what_was_said_last_week_in_both_forms() -> None:
    sno = commitment_dashboard_path("sno-mote")
    remarks = (
        DigestRemark(
            "SNÖ-möte varje måndag",
            sno,
            "remedy",
            "kommunen",
            "Mötet flyttas till tisdagar.",
            date(2017, 4, 4),
        ),
        DigestRemark(
            "SNÖ-möte varje måndag",
            sno,
            "acknowledged",
            "key ab12 (anna)",
            None,
            date(2017, 4, 5),
        ),
    )
    notification = NotificationView.for_digest(digest(said_last_week=remarks))

    swedish = render([notification], language="sv", grafana_url=GRAFANA, ack_url=None)
    english = render([notification], language="en", grafana_url=GRAFANA, ack_url=None)

    assert (
        "SAGT FÖRRA VECKAN\n- SNÖ-möte varje måndag, 4 april 2017: kommunen berättade vad som "
        'görs i stället: "Mötet flyttas till tisdagar."\n'
    ) in swedish.text
    assert "- SNÖ-möte varje måndag, 5 april 2017: key ab12 (anna) kvitterade\n" in swedish.text
    assert "Sagt förra veckan" in swedish.html
    assert "&ldquo;Mötet flyttas till tisdagar.&rdquo;" in swedish.html
    assert "said what is done instead" in english.text
