"""Who hears what, and when: the notifications service on the real broker, database and an
SMTP server, with Lund's organisations and a routing file written for the test. The clock
is the service's own, moved by the test; nothing waits for real minutes to pass."""

from shared.access import Role
from shared.contracts.kpi_events import Status
from tests.keys import bearer, create_key, name_of
from tests.notification_receivers import Mail
from tests.notifications_harness import (
    MAIL,
    Harness,
    listed,
    local,
    notifications_service,
    planned_at,
    series,
    status_changed,
)
from tests.polling import eventually

VOLONTARER = "Riktade trygghetsinsatser med polisens volontärer"
VANDRINGAR = "Trygghetsvandringar på platser frekventerade av ungdomar"


async def test_each_organisation_hears_of_its_commitments_and_a_joint_one_reaches_all(
    notifications: Harness,
) -> None:
    clock = notifications.clock  # a Tuesday morning
    await notifications.produce(
        [
            status_changed("volontarinsatser", Status.AT_RISK, clock.now),
            status_changed("ungdomsdialoger-motesplatser", Status.BEHIND, clock.now),
            status_changed("omradeskontroller-skollov", Status.AT_RISK, clock.now),
            status_changed("trygghetsvandringar-ungdomar", Status.BEHIND, clock.now),
        ],
    )
    async with notifications.running() as (client, inbox):
        pending = await eventually(lambda: listed(client), lambda found: len(found) == 6)
        assert {n["state"] for n in pending} == {"pending"}
        assert await inbox.count() == 0  # group_wait collects what comes together

        clock.advance(seconds=10)
        await eventually(inbox.count, lambda n: n == 3)
        sent = await eventually(lambda: listed(client, state="sent"), lambda found: len(found) == 6)
        created = await series(
            client,
            "lofte_notifications_created_total",
            organisation="polisen",
            kind="commitment.status-changed",
        )
        delivered = await series(
            client, "lofte_notifications_sent_total", channel="email", organisation="kommunen"
        )

    by_organisation = {(n["organisation"], n["commitment"]) for n in sent}
    assert by_organisation == {
        ("polisen", "volontarinsatser"),
        ("polisen", "trygghetsvandringar-ungdomar"),
        ("kommunen", "ungdomsdialoger-motesplatser"),
        ("kommunen", "trygghetsvandringar-ungdomar"),
        ("raddningstjansten", "omradeskontroller-skollov"),
        ("raddningstjansten", "trygghetsvandringar-ungdomar"),
    }
    (polisen,) = inbox.to(MAIL["polisen"])
    assert polisen.subject == "Löfte: 2 notiser för Polisen, lokalpolisområde Lund"
    assert VOLONTARER in polisen.text
    assert VANDRINGAR in polisen.text
    (kommunen,) = inbox.to(MAIL["kommunen"])
    assert "Tre ungdomsdialoger på mötesplatser" in kommunen.text
    assert VANDRINGAR in kommunen.text
    assert VOLONTARER not in kommunen.text
    (raddning,) = inbox.to(MAIL["raddningstjansten"])
    assert VANDRINGAR in raddning.text
    assert "Områdeskontroller" in raddning.text
    assert inbox.to(MAIL["drift"]) == []
    assert created == 2.0
    assert delivered == 1.0


async def test_news_waits_for_the_group_interval_and_open_news_is_repeated_until_answered(
    notifications: Harness,
) -> None:
    clock = notifications.clock
    await notifications.produce([status_changed("volontarinsatser", Status.AT_RISK, clock.now)])
    async with notifications.running() as (client, inbox):
        await eventually(lambda: listed(client), lambda found: len(found) == 1)
        clock.advance(seconds=10)
        await eventually(inbox.count, lambda n: n == 1)

        clock.advance(seconds=10)  # 10:00:20: news for the same group
        later = status_changed("handelsebaserade-trygghetsvandringar", Status.BEHIND, clock.now)
        await notifications.produce([later])
        await eventually(lambda: listed(client), lambda found: len(found) == 3)
        clock.advance(seconds=30)  # 10:00:50: kommunen's first; polisen's update waits
        await eventually(inbox.count, lambda n: n == 2)
        await eventually(lambda: planned_at(notifications.database_url), lambda at: at >= clock.now)
        assert len(inbox.to(MAIL["polisen"])) == 1

        clock.advance(seconds=20)  # 10:01:10, a group_interval after polisen's first
        await eventually(lambda: inbox.count(MAIL["polisen"]), lambda n: n == 2)
        [first] = await listed(client, commitment="volontarinsatser")
        anna = await create_key(
            notifications.database_url, "polisen", Role.STAFF, "anna.berg@polisen.test"
        )
        answered = await client.post(f"/v1/notifications/{first['key']}/ack", headers=bearer(anna))
        assert answered.status_code == 200, answered.text
        # Who answered is who holds the credentials, recorded and shown.
        assert answered.json()["acknowledgement"]["by"] == name_of(anna, "anna.berg@polisen.test")

        clock.advance(hours=1)  # a repeat_interval after the update: what is still open
        await eventually(lambda: inbox.count(MAIL["polisen"]), lambda n: n == 3)
        clock.advance(hours=1)
        await eventually(lambda: inbox.count(MAIL["polisen"]), lambda n: n == 4)

    first_mail, update, repeat, again = inbox.to(MAIL["polisen"])
    assert VOLONTARER in first_mail.subject
    assert VOLONTARER in update.text
    assert "Händelsebaserade trygghetsvandringar" in update.text
    assert "Händelsebaserade trygghetsvandringar" in repeat.subject
    assert VOLONTARER not in repeat.text  # answered: not repeated
    assert again.subject == repeat.subject  # the rest: every hour until someone answers


async def test_a_night_time_warning_waits_for_the_morning_and_a_missed_commitment_does_not(
    notifications: Harness,
) -> None:
    clock = notifications.starting_at(local(2017, 5, 16, 23, 10))
    news = [
        status_changed("volontarinsatser", Status.AT_RISK, clock.now),
        status_changed("narkotikabrott-unga", Status.MISSED, clock.now),
    ]
    await notifications.produce(news)
    async with notifications.running() as (client, inbox):

        async def told(title: str) -> list[Mail]:
            return [mail for mail in inbox.mails if title in mail.subject]

        def told_of(title: str) -> bool:
            return any(title in mail.text for mail in inbox.mails)

        await eventually(lambda: listed(client), lambda found: len(found) == 2)
        clock.advance(seconds=10)
        await eventually(inbox.count, lambda n: n == 1)
        [held] = await eventually(
            lambda: listed(client, state="suppressed"), lambda found: len(found) == 1
        )
        muted = await series(
            client,
            "lofte_notifications_suppressed_total",
            reason="muted",
            organisation="polisen",
        )

        clock.now = local(2017, 5, 17, 6, 59)
        await eventually(lambda: planned_at(notifications.database_url), lambda at: at >= clock.now)
        assert not told_of(VOLONTARER)
        clock.now = local(2017, 5, 17, 7, 0)
        morning = await eventually(lambda: told(VOLONTARER), lambda mails: len(mails) == 1)

    night = inbox.to(MAIL["polisen"])[0]
    assert "Öka antalet upptäckta narkotikabrott" in night.subject
    assert "missat" in night.subject
    assert (held["commitment"], held["state_reason"]) == ("volontarinsatser", "muted")
    assert morning[0].to == [MAIL["polisen"]]
    assert muted == 1.0


async def test_a_dry_run_shows_where_a_notification_would_go_and_why(
    notifications: Harness,
) -> None:
    notifications.starting_at(local(2017, 5, 16, 23, 0))
    async with notifications.running() as (client, _inbox):
        labels = {"organisation": "polisen", "promise": "lund-2017", "kind": "reminder"}
        routine = await client.post("/v1/routing/dry-run", json={"labels": labels})
        critical = await client.post(
            "/v1/routing/dry-run", json={"labels": {**labels, "severity": "critical"}}
        )
        typo = await client.post(
            "/v1/routing/dry-run", json={"labels": {"organization": "polisen"}}
        )
        document = (await client.get("/openapi.json")).json()

    [night] = routine.json()["matches"]
    assert night["contact_point"]["email"] == [MAIL["polisen"]]
    assert night["muted_until"] == "2017-05-17T07:00:00+02:00"
    [at_once] = critical.json()["matches"]
    assert at_once["muted_until"] is None
    assert at_once["escalation"]["receiver"] == "polisen-chef"
    assert typo.status_code == 422
    assert typo.json()["errors"][0]["location"] == "body.labels.organization"
    assert {
        "/v1/notifications",
        "/v1/notifications/{key}/ack",
        "/v1/ack",
        "/v1/silences",
        "/v1/silences/{silence_id}",
        "/v1/routing/dry-run",
        "/v1/kpi-events",
        "/v1/deliveries",
    } <= set(document["paths"])


async def test_a_dry_run_at_the_ends_of_the_calendar_is_refused(notifications: Harness) -> None:
    """Found by fuzzing: a time no Stockholm clock can show was a 500."""
    clock = notifications.starting_at(local(2017, 5, 16, 23, 0))
    edges = ["0001-01-01T00:00:00Z", "0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-14:00"]
    async with notifications_service(notifications.settings(25), clock) as client:
        answers = [
            await client.post(
                "/v1/routing/dry-run", json={"labels": {"organisation": "polisen"}, "at": at}
            )
            for at in edges
        ]

    assert [a.status_code for a in answers] == [422] * len(edges)
    assert {a.json()["errors"][0]["location"] for a in answers} == {"body.at"}
