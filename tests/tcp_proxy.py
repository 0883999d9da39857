"""A TCP proxy on loopback that a test can cut and restore: the server behind it keeps
running (and other tests keep using it) while, for whoever connects through the proxy, it
is gone: connections in use are reset and new ones are refused.

It can also hold a server's goodbye back: while `holding_closes`, a link the server closes
stays open towards the client, which has read the server's last words (say, PostgreSQL's
"terminating connection") but not yet seen the connection end, the moment a restart leaves
a pooled connection in."""

import asyncio
import contextlib
from collections.abc import AsyncIterator, Callable
from urllib.parse import urlsplit, urlunsplit


class TcpProxy:
    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._links: set[asyncio.StreamWriter] = set()
        self._holding = False
        self.held: list[asyncio.StreamWriter] = []
        self.port = 0

    async def open(self) -> None:
        """Accept connections again, on the same port as before."""
        self._server = await asyncio.start_server(
            self._link, "127.0.0.1", self.port, reuse_address=True
        )
        self.port = self._server.sockets[0].getsockname()[1]

    async def cut(self) -> None:
        """Refuse new connections and reset those open, as a server that went away."""
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()
            self._server = None
        for writer in list(self._links):
            writer.transport.abort()
        self._links.clear()

    async def _link(
        self, client_in: asyncio.StreamReader, client_out: asyncio.StreamWriter
    ) -> None:
        try:
            server_in, server_out = await asyncio.open_connection(*self._target)
        except OSError:
            client_out.transport.abort()
            return
        self._links.update((client_out, server_out))
        await asyncio.gather(
            _pump(client_in, server_out, server_out.transport.abort),
            _pump(server_in, client_out, lambda: self._server_closed(client_out)),
            return_exceptions=True,
        )
        self._links.difference_update((client_out, server_out))

    def _server_closed(self, client_out: asyncio.StreamWriter) -> None:
        if self._holding:
            self.held.append(client_out)
        else:
            client_out.transport.abort()

    @contextlib.asynccontextmanager
    async def holding_closes(self) -> AsyncIterator[None]:
        """Within: links the server closes stay open towards their clients. On the way out
        they are closed, as the operating system would have closed them at once."""
        self._holding = True
        try:
            yield
        finally:
            self._holding = False
            for writer in self.held:
                writer.transport.abort()
            self.held.clear()


async def _pump(
    source: asyncio.StreamReader, sink: asyncio.StreamWriter, end: Callable[[], None]
) -> None:
    try:
        while data := await source.read(65536):
            sink.write(data)
            await sink.drain()
    finally:
        end()


def through(url: str, proxy: TcpProxy) -> str:
    """`url` with its host and port replaced by the proxy's."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    netloc = f"{credentials}@127.0.0.1:{proxy.port}" if credentials else f"127.0.0.1:{proxy.port}"
    return urlunsplit(parts._replace(netloc=netloc))


@contextlib.asynccontextmanager
async def proxy_to(url: str) -> AsyncIterator[TcpProxy]:
    """A proxy to the server of `url`, open; cut on the way out."""
    parts = urlsplit(url)
    proxy = TcpProxy(parts.hostname or "127.0.0.1", parts.port or 5432)
    await proxy.open()
    try:
        yield proxy
    finally:
        await proxy.cut()
