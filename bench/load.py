"""wrk, driven from Python: the load generator of the ingest benchmark (`bench/ingest.lua`).

wrk runs on loopback beside the server, one thread with a fixed number of connections, each
connection sending its next request when the answer to the last one arrived.
"""

import asyncio
import json
import shutil
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCRIPT = Path(__file__).with_name("ingest.lua")
ID_MARK = "\x00id\x00"


@dataclass(frozen=True, slots=True)
class Load:
    """What wrk measured in one run."""

    requests: int
    seconds: float
    non_2xx: int
    socket_errors: int
    timeouts: int
    p50_ms: float
    p99_ms: float

    @property
    def per_second(self) -> float:
        return self.requests / self.seconds

    @property
    def answered(self) -> int:
        """Requests answered 2xx: for the activities service, events acknowledged."""
        return self.requests - self.non_2xx


def wrk_path() -> str:
    found = shutil.which("wrk")
    if found is None:
        raise RuntimeError("wrk is not installed: run `infra/bin/wrk.sh install` (or `make bench`)")
    return found


def _lua_string(text: str) -> str:
    level = 0
    while f"]{'=' * level}]" in text:
        level += 1
    return f"[{'=' * level}[{text}]{'=' * level}]"


def write_data(path: Path, key: str, events: Sequence[dict[str, Any]]) -> Path:
    """The Lua file `ingest.lua` loads: the key and each event as text before and after its id."""
    parts = []
    for event in events:
        text = json.dumps({**event, "id": ID_MARK}, ensure_ascii=False)
        before, after = text.split(json.dumps(ID_MARK))
        parts.append("{" + _lua_string(before + '"') + ", " + _lua_string('"' + after) + "}")
    body = ",\n  ".join(parts)
    path.write_text(f"return {{key = {_lua_string(key)}, events = {{\n  {body}\n}}}}\n")
    return path


async def run_wrk(
    url: str,
    data: Path,
    *,
    size: int,
    seconds: int,
    connections: int,
    distinct: int = 0,
) -> Load:
    """POST to `url`/v1/events for `seconds`; `size` events a request (1: not a batch),
    each new, or (`distinct`) the same few again and again."""
    arguments = [
        "--threads=1",
        f"--connections={connections}",
        f"--duration={seconds}s",
        "--timeout=30s",  # a slow batch is a slow answer, not a lost one
        f"--script={SCRIPT}",
        url,
        "--",
        str(data),
        str(size),
        uuid.uuid4().hex[:12],
        str(distinct),
    ]
    process = await asyncio.create_subprocess_exec(
        wrk_path(),
        *arguments,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    stdout, stderr = await process.communicate()
    if process.returncode != 0:
        raise RuntimeError(f"wrk failed ({process.returncode}): {stderr.decode(errors='replace')}")
    lines = [line for line in stdout.decode().splitlines() if line.startswith("{")]
    if not lines:
        raise RuntimeError(f"wrk said nothing the benchmark understands:\n{stdout.decode()}")
    figures = json.loads(lines[-1])
    return Load(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        non_2xx=figures["non_2xx"],
        socket_errors=figures["socket_errors"],
        timeouts=figures["timeouts"],
        p50_ms=figures["p50_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
    )
