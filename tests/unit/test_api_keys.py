from shared.access import keys


def test_a_key_carries_256_random_bits_and_only_its_hash_is_kept() -> None:
    issued = keys.issue()
    parsed = keys.parse(issued.plaintext)

    assert parsed is not None
    assert parsed.key_id == issued.key_id
    assert len(parsed.secret) == 43  # 32 bytes, base64url
    assert parsed.secret.encode() not in issued.secret_sha256
    assert keys.matches(parsed, issued.secret_sha256)


def test_two_keys_never_share_id_or_secret() -> None:
    first, second = keys.issue(), keys.issue()

    assert first.key_id != second.key_id
    assert first.plaintext != second.plaintext


def test_a_tampered_secret_does_not_match() -> None:
    issued = keys.issue()
    tampered = issued.plaintext[:-1] + ("A" if issued.plaintext[-1] != "A" else "B")
    parsed = keys.parse(tampered)

    assert parsed is not None
    assert not keys.matches(parsed, issued.secret_sha256)


def test_anything_not_shaped_like_a_key_is_not_parsed() -> None:
    assert keys.parse("") is None
    assert keys.parse("Bearer lofte_") is None
    assert keys.parse("lofte_0123456789abcdef_short") is None


def test_a_key_shows_its_id_and_never_its_secret() -> None:
    issued = keys.issue()
    presented = keys.parse(issued.plaintext)
    assert presented is not None

    shown = f"{issued!r} {presented!r}"

    assert issued.key_id in shown
    assert presented.secret not in shown
