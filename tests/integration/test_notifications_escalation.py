"""A missed commitment nobody answers goes to the second contact; an answer, through the API
or through the signed link in the message, stops that."""

import re

from shared.contracts.kpi_events import Status
from tests.notification_receivers import Mail
from tests.notifications_harness import (
    MAIL,
    Harness,
    listed,
    status_changed,
)
from tests.polling import eventually

VOLONTARER = "Riktade trygghetsinsatser med polisens volontärer"
NARKOTIKA = "Öka antalet upptäckta narkotikabrott bland ungdomar under 25 år"
VANDRINGAR = "Händelsebaserade trygghetsvandringar"
ACK_LINK = re.compile(r"http://service\.test(/v1/ack\?token=\S+)")


def ack_path(mail: Mail) -> str:
    found = ACK_LINK.search(mail.text)
    assert found is not None, mail.text
    return found.group(1)


async def test_the_unanswered_missed_commitment_alone_goes_to_the_second_contact(
    notifications: Harness,
) -> None:
    clock = notifications.clock
    missed = [
        status_changed("volontarinsatser", Status.MISSED, clock.now),
        status_changed("narkotikabrott-unga", Status.MISSED, clock.now),
        status_changed("handelsebaserade-trygghetsvandringar", Status.MISSED, clock.now),
    ]
    await notifications.produce(missed)
    async with notifications.running() as (client, inbox):
        await eventually(lambda: listed(client), lambda found: len(found) == 4)
        clock.advance(seconds=10)
        await eventually(lambda: inbox.count(MAIL["polisen"]), lambda n: n == 3)
        told = {mail.subject.split(": ", 1)[1]: mail for mail in inbox.to(MAIL["polisen"])}

        [volontarer] = await listed(client, commitment="volontarinsatser")
        by_api = await client.post(
            f"/v1/notifications/{volontarer['key']}/ack", json={"by": "anna.berg@polisen.test"}
        )
        link = ack_path(told[f"{NARKOTIKA} – missat"])
        opened = await client.get(link)  # as a mail filter or a link preview would
        unanswered = await listed(client, state="acknowledged")
        personal = await client.post(link, data={"by": "19121212-1212"})
        by_link = await client.post(  # the page's button, with its optional fields
            link, data={"by": "Vakthavande befäl", "comment": "Tas upp på veckomötet"}
        )
        forged_link = link[:-3] + ("AAA" if not link.endswith("AAA") else "BBB")
        forged = [await client.get(forged_link), await client.post(forged_link)]
        garbage = await client.post("/v1/ack", params={"token": "not-a-token"})
        unknown = await client.post("/v1/notifications/nope/ack", json={"by": "x"})

        clock.advance(hours=2)  # the escalation time of the critical route
        await eventually(lambda: inbox.count(MAIL["polisen-chef"]), lambda n: n == 1)
        answered = await listed(client, state="acknowledged")

        clock.advance(days=8)  # longer than an acknowledge link lives
        expired = await client.post(ack_path(told[f"{VANDRINGAR} – missat"]))

    assert by_api.status_code == 200
    assert opened.status_code == 200
    assert '<form method="post">' in opened.text
    assert [n["commitment"] for n in unanswered] == ["volontarinsatser"]  # by the API only
    assert personal.status_code == 422
    assert "19121212" not in personal.text
    assert by_link.status_code == 200
    assert "kvitterat" in by_link.text
    assert {(n["commitment"], n["acknowledgement"]["via"]) for n in answered} == {
        ("volontarinsatser", "api"),
        ("narkotikabrott-unga", "link"),
    }
    [through_link] = [
        n["acknowledgement"] for n in answered if n["commitment"] != "volontarinsatser"
    ]
    assert (through_link["by"], through_link["comment"]) == (
        "Vakthavande befäl",
        "Tas upp på veckomötet",
    )
    for refused in (*forged, garbage, expired):
        assert refused.status_code == 400
        assert refused.headers["content-type"] == "application/problem+json"
    assert "expired" in expired.json()["detail"]
    assert unknown.status_code == 404
    [escalated] = inbox.to(MAIL["polisen-chef"])
    assert escalated.subject == f"Löfte: {VANDRINGAR} – missat"
    # Kommunen's route has no second contact: its copy is repeated, never escalated.
    assert {mail.subject for mail in inbox.to(MAIL["kommunen"])} == {escalated.subject}
