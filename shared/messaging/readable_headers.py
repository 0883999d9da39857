"""The parser the batch consumer gives faststream, so that every record reaches its decode.

Records are decoded by the consumer itself (`BatchConsumer.process`), so that a malformed
one reaches the dead-letter topic instead of failing inside the framework before any
handler runs: the framework's own decoding is skipped (`undecoded`). And the framework reads
every header as UTF-8 and, when one is not, drops the whole batch without a word, valid
records included; it is given text it can read (`readable_headers`), while the consumer
still gets the records as they came and parks the one it cannot read.
"""

import dataclasses
from collections.abc import Awaitable, Callable
from typing import Any, TypeAlias

from aiokafka import ConsumerRecord

Record: TypeAlias = "ConsumerRecord[bytes, bytes]"


async def undecoded(_message: Any) -> None:
    return None


async def readable_headers(
    records: tuple[Record, ...], parse: Callable[[tuple[Record, ...]], Awaitable[Any]]
) -> Any:
    readable = tuple(record if _utf8_headers(record) else _readable(record) for record in records)
    message = await parse(readable)
    message.raw_message = records
    return message


def _utf8_headers(record: Record) -> bool:
    try:
        for _, raw in record.headers:
            raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _readable(record: Record) -> Record:
    return dataclasses.replace(
        record,
        headers=[
            (name, raw.decode("utf-8", errors="backslashreplace").encode())
            for name, raw in record.headers
        ],
    )
