"""What holds a due notification back: a silence someone set (until it ends or is expired)
and inhibition by the routing file (a missed commitment makes its own at-risk news moot)."""

from typing import Any

import httpx

from shared.contracts.kpi_events import Status
from tests.notifications_harness import (
    MAIL,
    Harness,
    listed,
    local,
    planned_at,
    series,
    status_changed,
)
from tests.polling import eventually


def silence(start: str, end: str, commitment: str, **changes: Any) -> dict[str, Any]:
    return {
        "matchers": [f'commitment="{commitment}"', 'organisation="polisen"'],
        "starts_at": start,
        "ends_at": end,
        "comment": "Insatsen är inbokad på torsdag; vi vet att den ligger efter",
        **changes,
    }


async def state_of(client: httpx.AsyncClient, commitment: str) -> tuple[str, str | None]:
    [notification] = await listed(client, commitment=commitment, organisation="polisen")
    return notification["state"], notification["state_reason"]


async def test_a_silence_holds_back_until_it_ends_or_is_expired(notifications: Harness) -> None:
    clock = notifications.clock
    async with notifications.running() as (client, inbox):
        incomplete = await client.post(
            "/v1/silences",
            json={
                k: v
                for k, v in silence(
                    "2017-05-16T10:00:00+02:00", "2017-05-16T12:00:00+02:00", "x"
                ).items()
                if k != "comment"
            },
        )
        backwards = await client.post(
            "/v1/silences",
            json=silence("2017-05-16T12:00:00+02:00", "2017-05-16T10:00:00+02:00", "x"),
        )
        until_noon = await client.post(
            "/v1/silences",
            json=silence(
                "2017-05-16T10:00:00+02:00", "2017-05-16T12:00:00+02:00", "volontarinsatser"
            ),
        )
        all_day = await client.post(
            "/v1/silences",
            json=silence(
                "2017-05-16T10:00:00+02:00", "2017-05-16T23:00:00+02:00", "narkotikabrott-unga"
            ),
        )
        assert until_noon.status_code == all_day.status_code == 201, until_noon.text
        await notifications.produce(
            [
                status_changed("volontarinsatser", Status.AT_RISK, clock.now),
                status_changed("narkotikabrott-unga", Status.BEHIND, clock.now),
            ],
        )
        await eventually(lambda: listed(client), lambda found: len(found) == 2)
        clock.advance(seconds=10)
        await eventually(lambda: listed(client, state="suppressed"), lambda found: len(found) == 2)
        listed_silences = (await client.get("/v1/silences")).json()["items"]

        clock.now = local(2017, 5, 16, 12, 0)  # the first silence ends
        await eventually(lambda: state_of(client, "volontarinsatser"), lambda s: s[0] == "sent")
        assert await state_of(client, "narkotikabrott-unga") == ("suppressed", "silenced")
        clock.now = local(2017, 5, 16, 12, 30)
        expired = await client.delete(f"/v1/silences/{all_day.json()['id']}")
        await eventually(lambda: state_of(client, "narkotikabrott-unga"), lambda s: s[0] == "sent")
        await eventually(inbox.count, lambda n: n == 2)
        silenced = await series(
            client,
            "lofte_notifications_suppressed_total",
            reason="silenced",
            organisation="polisen",
        )

    assert incomplete.status_code == 422
    assert incomplete.headers["content-type"] == "application/problem+json"
    assert [e["location"] for e in incomplete.json()["errors"]] == ["body.comment"]
    assert backwards.status_code == 422
    assert "ends_at must be after starts_at" in backwards.json()["errors"][0]["message"]
    assert {s["id"] for s in listed_silences} == {until_noon.json()["id"], all_day.json()["id"]}
    assert expired.json()["status"] == "expired"
    assert expired.json()["comment"].startswith("Insatsen är inbokad")
    noon, expiry = inbox.to(MAIL["polisen"])
    assert "Riktade trygghetsinsatser med polisens volontärer" in noon.subject
    assert "Öka antalet upptäckta narkotikabrott" in expiry.text  # with what is still open
    assert silenced == 2.0


async def test_a_missed_commitment_makes_its_own_at_risk_news_moot(notifications: Harness) -> None:
    clock = notifications.clock
    await notifications.produce(
        [
            status_changed("volontarinsatser", Status.AT_RISK, clock.now),
            status_changed("volontarinsatser", Status.MISSED, clock.now, old=Status.AT_RISK),
            status_changed("narkotikabrott-unga", Status.AT_RISK, clock.now),
        ],
    )
    async with notifications.running() as (client, inbox):
        await eventually(lambda: listed(client), lambda found: len(found) == 3)
        clock.advance(seconds=10)
        await eventually(inbox.count, lambda n: n == 2)
        await eventually(lambda: planned_at(notifications.database_url), lambda at: at >= clock.now)
        told = await listed(client)
        inhibited = await series(
            client,
            "lofte_notifications_suppressed_total",
            reason="inhibited",
            organisation="polisen",
        )

    states = {(n["commitment"], n["labels"]["status"]): n["state"] for n in told}
    assert states == {
        ("volontarinsatser", "missed"): "sent",
        ("volontarinsatser", "at-risk"): "suppressed",
        ("narkotikabrott-unga", "at-risk"): "sent",  # another commitment's news stands
    }
    [moot] = [n for n in told if n["state"] == "suppressed"]
    assert moot["state_reason"] == "inhibited"
    assert sorted(mail.subject for mail in inbox.mails) == [
        "Löfte: Riktade trygghetsinsatser med polisens volontärer – missat",
        "Löfte: Öka antalet upptäckta narkotikabrott bland ungdomar under 25 år – riskerar att "
        "missas",
    ]
    assert inhibited == 1.0


async def test_a_silence_at_the_ends_of_the_calendar_is_refused_and_planning_goes_on(
    notifications: Harness,
) -> None:
    """Found by fuzzing: such a silence was stored (year 1 as PostgreSQL's -infinity), its
    request answered 500, and every planning round after it failed, so nothing was sent."""
    clock = notifications.clock
    edges = [
        ("0001-01-01T00:00:00Z", "2017-05-17T00:00:00Z", "body.starts_at"),
        ("0001-01-01T00:00:00+14:00", "2017-05-17T00:00:00Z", "body.starts_at"),
        ("2017-05-16T00:00:00Z", "9999-12-31T23:59:59-14:00", "body.ends_at"),
    ]
    async with notifications.running() as (client, inbox):
        refused = [
            await client.post("/v1/silences", json=silence(start, end, "volontarinsatser"))
            for start, end, _ in edges
        ]
        stored = (await client.get("/v1/silences", params={"expired": "true"})).json()["items"]
        await notifications.produce(
            [status_changed("volontarinsatser", Status.AT_RISK, clock.now)],
        )
        await eventually(lambda: listed(client), lambda found: len(found) == 1)
        clock.advance(seconds=10)
        await eventually(inbox.count, lambda n: n == 1)

    assert [r.status_code for r in refused] == [422] * len(edges)
    assert [r.json()["errors"][0]["location"] for r in refused] == [e[2] for e in edges]
    assert "ends of the calendar" in refused[0].json()["errors"][0]["message"]
    assert stored == []
