"""A round-robin HTTP proxy on 127.0.0.1 for tests and benchmarks: N backends behind one port.

Each HTTP/1.1 request (many per keep-alive client connection) goes to the next backend in turn,
on a new connection. A backend refusing the connection is skipped for the next one (failover,
like nginx's default ``proxy_next_upstream error``: nothing was sent yet); one marked down
(``set_down``) is skipped untried. If no backend takes the request, or one fails after taking
it, the client gets 502 (504 after ``timeout`` s): a request is never sent twice. Use as ``with
RoundRobinProxy(backends) as proxy:`` (``proxy.url``), ``async with`` or start()/stop(); like
BotAPIServer, it runs its loop in a thread, so sync tests and benchmarks can use it alike.
"""

from __future__ import annotations

import asyncio
import threading

from tests.botapi.wire import read_chunked

_HOP_BY_HOP = ("connection", "keep-alive", "transfer-encoding", "content-length")


def _answer(status: str) -> bytes:
    return f"HTTP/1.1 {status}\r\nContent-Length: 0\r\n\r\n".encode()


class RoundRobinProxy:
    """Round robin over ``backends`` ((host, port) on loopback), with failover on refusal."""

    def __init__(self, backends: list[tuple[str, int]], *, port: int = 0, timeout: float = 30.0):
        if not backends or any(host not in ("127.0.0.1", "localhost") for host, _ in backends):
            raise ValueError("the proxy forwards to backends on 127.0.0.1 only")
        self.backends, self.port, self.timeout = list(backends), port, timeout
        self.answered = [0] * len(backends)  # requests each backend answered
        self.refused = [0] * len(backends)  # connections each backend refused
        # Each is written by one thread (the counters and _next by the proxy's loop, _down by
        # set_down's caller) in single atomic operations: no lock needed.
        self._down: set[int] = set()
        self._next = 0
        self._loop = asyncio.new_event_loop()
        self._thread = threading.Thread(target=self._loop.run_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def set_down(self, index: int, down: bool = True) -> None:
        """Skip backend ``index`` without trying it (nginx's ``down``), or take it back."""
        (self._down.add if down else self._down.discard)(index)

    def start(self) -> RoundRobinProxy:
        """Listen (once per proxy); ``port`` is then the one chosen."""
        self._thread.start()
        listen = asyncio.start_server(self._serve, "127.0.0.1", self.port)
        try:
            self._server = asyncio.run_coroutine_threadsafe(listen, self._loop).result(10)
        except BaseException:
            self.stop()
            raise
        self.port = self._server.sockets[0].getsockname()[1]
        return self

    def stop(self) -> None:
        async def shutdown() -> None:
            if hasattr(self, "_server"):
                self._server.close()
            tasks = asyncio.all_tasks() - {asyncio.current_task()}  # open client connections
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)

        asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop.close()

    def __enter__(self) -> RoundRobinProxy:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    async def __aenter__(self) -> RoundRobinProxy:
        return self.start()

    async def __aexit__(self, *exc: object) -> None:
        self.stop()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            while True:  # keep-alive: one client connection, many requests
                first, kept, headers = _parse_head(await reader.readuntil(b"\r\n\r\n"))
                if "chunked" in headers.get("transfer-encoding", "").lower():
                    body = await read_chunked(reader)
                else:
                    body = await reader.readexactly(int(headers.get("content-length") or 0))
                request = _message(first, kept, f"Content-Length: {len(body)}", "close", body)
                close = headers.get("connection", "").lower() == "close" or first.endswith("/1.0")
                writer.write(_reframe(await self._forward(request), close))
                await writer.drain()
                if close:
                    return
        except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError,
                ValueError):
            return  # the client went away or sent something that is not HTTP
        finally:
            writer.close()

    async def _forward(self, request: bytes) -> bytes:
        """The whole answer of the first backend, from the next in turn, that takes it."""
        count = len(self.backends)
        first, self._next = self._next, (self._next + 1) % count
        for index in [(first + i) % count for i in range(count)]:
            if index in self._down:
                continue
            try:
                reader, writer = await asyncio.open_connection(*self.backends[index])
            except OSError:
                self.refused[index] += 1
                continue
            try:
                async with asyncio.timeout(self.timeout):
                    writer.write(request)
                    await writer.drain()
                    answer = await reader.read()
            except TimeoutError:
                return _answer("504 Gateway Timeout")
            except OSError:
                return _answer("502 Bad Gateway")
            finally:
                writer.close()
            self.answered[index] += 1
            return answer
        return _answer("502 Bad Gateway")


def _parse_head(head: bytes) -> tuple[str, list[str], dict[str, str]]:
    """The first line, the header lines but hop-by-hop ones, and all headers by lower name."""
    first, *lines = head.decode("latin-1").rstrip("\r\n").split("\r\n")
    headers = {k.strip().lower(): v.strip() for k, _, v in (x.partition(":") for x in lines)}
    kept = [x for x in lines if x.partition(":")[0].strip().lower() not in _HOP_BY_HOP]
    return first, kept, headers


def _message(first: str, lines: list[str], framing: str, connection: str, body: bytes) -> bytes:
    head = "\r\n".join([first, *lines, framing, f"Connection: {connection}", "", ""])
    return head.encode() + body


def _reframe(answer: bytes, close: bool) -> bytes:
    """A backend's answer (read to its EOF) framed for the client's keep-alive connection."""
    head, sep, body = answer.partition(b"\r\n\r\n")
    if not sep:
        return _answer("502 Bad Gateway")
    first, kept, headers = _parse_head(head)
    chunked = "chunked" in headers.get("transfer-encoding", "").lower()
    framing = "Transfer-Encoding: chunked" if chunked else f"Content-Length: {len(body)}"
    return _message(first, kept, framing, "close" if close else "keep-alive", body)
