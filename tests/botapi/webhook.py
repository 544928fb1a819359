"""Webhook delivery in the Bot API emulator, as a mixin of ``BotAPIServer``.

``setWebhook`` / ``deleteWebhook`` / ``getWebhookInfo``, and the pusher. While a webhook is set,
``getUpdates`` answers 409 and every pending update (the queue getUpdates would read) is POSTed
as JSON to the webhook URL, as Telegram does: at most ``max_connections`` requests in flight,
one update at a time per chat (per user for updates without a chat, such as inline and callback
queries), the next one only after the previous got a 2xx answer. Any other answer, a refused or
reset connection or a timeout (``webhook_timeout``) is retried with delays doubling from
``webhook_retry_initial`` to ``webhook_retry_max`` seconds and shown as getWebhookInfo's
``last_error_*``; an update leaves the queue only after a 2xx. ``webhook_counts`` counts
attempts, deliveries and retries; ``wait_delivered`` / ``webhook_delivered`` wait for an empty
queue.

Like Telegram: max_connections is clamped to 1-100 (default 40), an empty URL removes the
webhook, setWebhook ends a parked long poll with 409. Unlike Telegram, the emulator delivers
only to loopback (other hosts are refused with 400) and takes http URLs on any port; an empty
secret_token means none; https is delivered without checking the certificate; a method call in
the webhook's answer is ignored.
"""

from __future__ import annotations

import asyncio
import contextlib
import ipaddress
import json
import re
import ssl
import time
from collections import deque
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from .methods import BotAPIMethods
from .wire import ApiError, bad_request, read_chunked, set_optional

WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
# BotAPIServer.webhook_counts: POSTs made, POSTs answered 2xx, failed POSTs to be retried.
WEBHOOK_COUNTS = ("attempted", "delivered", "retried")
_SECRET_CHARS = re.compile(r"[A-Za-z0-9_-]*")
DeliveryKey = tuple[str, int]


def delivery_key(update: dict[str, Any]) -> DeliveryKey:
    """Updates with the same key are delivered one at a time, in order: a chat's, else a
    user's; an update with neither is ordered with nothing."""
    for kind, payload in update.items():
        if kind == "update_id" or not isinstance(payload, dict):
            continue
        if isinstance(payload.get("chat"), dict):
            return ("chat", payload["chat"]["id"])
        for field in ("from", "user"):
            if isinstance(payload.get(field), dict):
                return ("user", payload[field]["id"])
    return ("update", update["update_id"])


@dataclass
class Webhook:
    """One setWebhook's settings, and the last failed delivery under them."""

    url: str
    host: str  # a loopback address
    port: int
    target: str  # path and query of the POST
    tls: bool
    secret: str
    max_connections: int
    slots: asyncio.Semaphore  # max_connections requests in flight at most
    last_error_date: int | None = None
    last_error_message: str | None = None


def _loopback_host(host: str) -> str | None:
    """The address to connect to for ``host``, or None when it is not on loopback."""
    if host == "localhost":
        return "127.0.0.1"
    try:
        return host if ipaddress.ip_address(host).is_loopback else None
    except ValueError:
        return None


class WebhookMethods(BotAPIMethods):
    """setWebhook, deleteWebhook, getWebhookInfo and delivery of updates to the webhook."""

    webhook_retry_initial = 0.1  # seconds before the first retry of a failed delivery
    webhook_retry_max = 2.0  # the delay doubles up to this
    webhook_timeout = 10.0  # seconds a delivery may take, connecting included

    def __init__(self, token: str, bot_username: str) -> None:
        # Loop-side state (touched on the server's loop only): one task and queue per key.
        self._webhook_workers: dict[DeliveryKey, asyncio.Task[None]] = {}
        self._webhook_queues: dict[DeliveryKey, deque[dict[str, Any]]] = {}
        self._webhook_cursor = 0  # the highest update_id handed to a queue
        super().__init__(token, bot_username)

    def reset(self) -> None:
        """Also forget the webhook (its deliveries stop) and zero ``webhook_counts``."""
        with self._lock:
            super().reset()
            self._webhook: Webhook | None = None
            self.webhook_counts: dict[str, int] = dict.fromkeys(WEBHOOK_COUNTS, 0)

    # ---------------------------------------------------------------- methods
    def _m_setwebhook(self, p: dict[str, Any], f: Any) -> bool:
        if not p.get("url"):  # "Use an empty string to remove webhook integration"
            return self._m_deletewebhook(p, f)
        webhook = _webhook_from(p)
        allowed = p.get("allowed_updates")
        if allowed is not None and not (
            isinstance(allowed, list) and all(isinstance(kind, str) for kind in allowed)
        ):
            raise bad_request("can't parse allowed updates")
        with self._lock:
            if allowed is not None:
                self._allowed = set(allowed) or None
            if p.get("drop_pending_updates"):
                self._updates.clear()
            self._webhook = webhook
        if self._poller is not None and not self._poller.done():
            self._poller.set_exception(ApiError(409, "Conflict: terminated by setWebhook request"))
        self._restart_deliveries()
        return True

    def _m_deletewebhook(self, p: dict[str, Any], f: Any) -> bool:
        with self._lock:
            self._webhook = None
            if p.get("drop_pending_updates"):
                self._updates.clear()
        self._restart_deliveries()
        return True

    def _m_getwebhookinfo(self, p: dict[str, Any], f: Any) -> dict[str, Any]:
        with self._lock:
            info: dict[str, Any] = {
                "url": "",
                "has_custom_certificate": False,
                "pending_update_count": len(self._updates),
            }
            if (webhook := self._webhook) is not None:
                info.update(url=webhook.url, max_connections=webhook.max_connections)
                set_optional(
                    info,
                    last_error_date=webhook.last_error_date,
                    last_error_message=webhook.last_error_message,
                    allowed_updates=sorted(self._allowed or ()),
                )
            return info

    async def _m_getupdates(self, p: dict[str, Any], f: Any) -> list[dict[str, Any]]:
        if self._webhook is not None:
            raise ApiError(409, WEBHOOK_CONFLICT)
        return await super()._m_getupdates(p, f)

    # ---------------------------------------------------------------- test helpers
    def webhook_info(self) -> dict[str, Any]:
        """What getWebhookInfo answers now."""
        return self._m_getwebhookinfo({}, None)

    @property
    def webhook_idle(self) -> bool:
        """True while a webhook is set and every update has been answered 2xx by it."""
        with self._lock:
            return self._webhook is not None and not self._updates

    def wait_delivered(self, timeout: float = 5.0) -> None:
        """Block until ``webhook_idle``; TimeoutError after ``timeout`` seconds."""
        self.wait_until(lambda: self.webhook_idle, timeout)

    async def webhook_delivered(self, timeout: float = 5.0) -> None:
        """Await ``webhook_idle``; TimeoutError after ``timeout`` seconds."""
        await self.wait_for(lambda: self.webhook_idle, timeout)

    # ---------------------------------------------------------------- delivery (on the loop)
    def _wake_waiters(self) -> None:
        super()._wake_waiters()
        self._schedule_deliveries()

    def _restart_deliveries(self) -> None:
        """Drop the deliveries under way and queue every pending update afresh."""
        for task in self._webhook_workers.values():
            task.cancel()  # an answer to a cancelled POST is ignored: it is sent again
        self._webhook_workers.clear()
        self._webhook_queues.clear()
        self._webhook_cursor = 0
        self._schedule_deliveries()

    def _schedule_deliveries(self) -> None:
        """Queue the updates that arrived since the last call, each behind its chat's."""
        loop = asyncio.get_running_loop()
        with self._lock:
            webhook, updates = self._webhook, self._updates
            if webhook is None:
                return
            start = len(updates)  # new updates are at the end, in update_id order
            while start and updates[start - 1]["update_id"] > self._webhook_cursor:
                start -= 1
            fresh = updates[start:]
            if not fresh:
                return
            self._webhook_cursor = fresh[-1]["update_id"]
            wanted = [update for update in fresh if self._wanted(update)]
            updates[start:] = wanted  # filtered types are never delivered, as in Telegram
            for update in wanted:
                key = delivery_key(update)
                self._webhook_queues.setdefault(key, deque()).append(update)
                if key not in self._webhook_workers:
                    queue = self._webhook_queues[key]
                    task = loop.create_task(self._deliver_in_order(key, queue, webhook))
                    self._webhook_workers[key] = task

    async def _deliver_in_order(
        self, key: DeliveryKey, queue: deque[dict[str, Any]], webhook: Webhook
    ) -> None:
        """Deliver one chat's (or user's) updates one at a time while ``webhook`` is set."""
        try:
            while True:
                with self._lock:
                    if not queue or self._webhook is not webhook:
                        return
                    update = queue[0]
                    body = json.dumps(update, ensure_ascii=False).encode()
                if not await self._deliver(body, webhook):
                    return
                with self._lock:
                    queue.popleft()
                    for index, pending in enumerate(self._updates):
                        if pending is update:
                            del self._updates[index]
                            break
        finally:
            if self._webhook_workers.get(key) is asyncio.current_task():
                del self._webhook_workers[key], self._webhook_queues[key]

    async def _deliver(self, body: bytes, webhook: Webhook) -> bool:
        """POST ``body`` until it is answered 2xx (True) or ``webhook`` is replaced (False)."""
        delay = self.webhook_retry_initial
        while True:
            async with webhook.slots:
                with self._lock:
                    if self._webhook is not webhook:
                        return False
                    self.webhook_counts["attempted"] += 1
                error = await self._post(body, webhook)
            with self._lock:
                if error is None:
                    self.webhook_counts["delivered"] += 1
                    return True
                self.webhook_counts["retried"] += 1
                webhook.last_error_date, webhook.last_error_message = int(time.time()), error
            await asyncio.sleep(delay)
            delay = min(delay * 2, self.webhook_retry_max)

    async def _post(self, body: bytes, webhook: Webhook) -> str | None:
        """One delivery attempt: None if answered 2xx, else the error getWebhookInfo shows."""
        secret = f"X-Telegram-Bot-Api-Secret-Token: {webhook.secret}\r\n" if webhook.secret else ""
        head = (
            f"POST {webhook.target} HTTP/1.1\r\nHost: {webhook.host}:{webhook.port}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
            f"{secret}Connection: close\r\n\r\n"
        )
        tls = _unverified_tls() if webhook.tls else None
        writer: asyncio.StreamWriter | None = None
        try:
            async with asyncio.timeout(self.webhook_timeout):
                reader, writer = await asyncio.open_connection(webhook.host, webhook.port, ssl=tls)
                writer.write(head.encode() + body)
                await writer.drain()
                answer = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1")
                status_line, *header_lines = answer.split("\r\n")
                status = int(status_line.split(" ", 2)[1])
                await _read_body(reader, header_lines)  # a closed socket with unread data resets
        except TimeoutError:
            return "Read timeout expired"
        except ConnectionRefusedError:
            return "Connection refused"
        except ConnectionResetError:
            return "Connection reset by peer"
        except (asyncio.IncompleteReadError, ConnectionError, OSError):
            return "Connection closed without an answer"
        except (ValueError, IndexError, asyncio.LimitOverrunError):
            return "Wrong response from the webhook: unparsable answer"
        finally:
            if writer is not None:
                writer.close()
        if 200 <= status < 300:
            return None
        return f"Wrong response from the webhook: {status_line.split(' ', 1)[1]}"


def _webhook_from(p: dict[str, Any]) -> Webhook:
    """setWebhook's parameters checked the way Telegram checks them (loopback only)."""
    url = str(p["url"])
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise bad_request("bad webhook: An HTTPS URL must be provided for webhook")
    try:
        port = parts.port or (443 if parts.scheme == "https" else 80)
    except ValueError:
        raise bad_request("bad webhook: Wrong port number specified in the URL") from None
    host = _loopback_host(parts.hostname)
    if host is None:
        raise bad_request("bad webhook: the emulator delivers to loopback addresses only")
    secret = p.get("secret_token") or ""
    if not isinstance(secret, str) or not _SECRET_CHARS.fullmatch(secret):
        raise bad_request("secret token contains unallowed characters")
    if len(secret) > 256:
        raise bad_request("secret token is too long")
    max_connections = p.get("max_connections", 40)
    if not isinstance(max_connections, int) or isinstance(max_connections, bool):
        raise bad_request("can't parse max_connections")
    max_connections = min(max(max_connections, 1), 100)  # Telegram clamps, as here
    return Webhook(
        url=url,
        host=host,
        port=port,
        target=(parts.path or "/") + (f"?{parts.query}" if parts.query else ""),
        tls=parts.scheme == "https",
        secret=secret,
        max_connections=max_connections,
        slots=asyncio.Semaphore(max_connections),
    )


def _unverified_tls() -> ssl.SSLContext:
    """TLS for https webhooks on loopback, which have self-signed certificates."""
    context = ssl.create_default_context()
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    return context


async def _read_body(reader: asyncio.StreamReader, header_lines: list[str]) -> None:
    """Read (and discard) an answer's body, however it is framed."""
    headers = {
        name.strip().lower(): value.strip()
        for name, _, value in (line.partition(":") for line in header_lines if line)
    }
    if "chunked" in headers.get("transfer-encoding", "").lower():
        await read_chunked(reader)
    elif "content-length" in headers:
        await reader.readexactly(int(headers["content-length"]))
    else:
        with contextlib.suppress(ConnectionError):
            await reader.read()
