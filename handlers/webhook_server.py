"""The stateless webhook front-end (`python -m bot serve`): Telegram POSTs each update here.

N front-ends behind a proxy share everything through Redis and the database, so any of
them may take any update, and Telegram may deliver one twice (a redelivery after a slow
answer, or a proxy retrying). Each POST therefore:

1. must carry WEBHOOK_SECRET in `X-Telegram-Bot-Api-Secret-Token` (else 403);
2. must be a JSON update (else 400 and a short reason);
3. claims its update_id (bot/update_claims.py): already done → 200 at once; held by a
   front-end still working on it → 503, so that Telegram asks again later;
4. is handled to the end (`Application.process_update`) while the claim's lease is
   renewed, and only then answered 200 and marked done. Telegram, not the bot, holds an
   update until it was handled: a front-end killed mid-update loses nothing, and the
   redelivery is taken once the lease lapses.

`Application.process_update` gives a handler's exception to the error handler (which
tells the user), so such an update counts as handled; anything that escapes it (a
stopped application, cancellation at shutdown) releases the claim, answered 500.
"""

from __future__ import annotations

import asyncio
import hmac
import json
import logging
import re

import tornado.web
from telegram import Update
from tornado.httpserver import HTTPServer

from bot.update_claims import UpdateClaims, leased
from handlers.context import BotApplication

log = logging.getLogger("bot.webhook")

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
HEALTH_PATH = "/healthz"
# Updates are a few kilobytes; a long message with entities stays well under this.
MAX_BODY_BYTES = 1_000_000
# On SIGTERM, updates in flight get this long to finish: within Kubernetes' default 30 s
# grace period. What does not finish is released, and Telegram redelivers it elsewhere.
DRAIN_SECONDS = 25.0


class WebhookFrontEnd:
    """One front-end: the application (built by `build_application`, without an updater)
    behind a tornado server on `listen`:`port`, taking updates POSTed to `path`."""

    def __init__(self, application: BotApplication, *, secret: str, path: str,
                 listen: str, port: int) -> None:
        if not secret:
            raise ValueError("a webhook front-end needs a secret token")
        self.application, self.listen, self.port = application, listen, port
        self._secret = secret.encode()
        self._in_flight: set[asyncio.Task[tuple[int, str]]] = set()
        self.accepting = False
        self._stopped = False
        self._server: HTTPServer | None = None
        self._web = tornado.web.Application([
            (re.escape(path or "/"), UpdateEndpoint, {"front_end": self}),
            (HEALTH_PATH, HealthEndpoint, {"front_end": self}),
        ])

    async def start(self) -> None:
        """Open the store and shared state, start the workers, then listen: a proxy's health
        check passes only once updates can be handled."""
        application = self.application
        await application.initialize()
        try:
            if application.post_init is not None:
                await application.post_init(application)
            await application.bot_data.shared_state.ping()  # a wrong REDIS_URL shows now
            await application.start()
            self._server = HTTPServer(self._web, max_body_size=MAX_BODY_BYTES)
            self._server.listen(self.port, address=self.listen)
        except BaseException:
            await self._close_application()
            raise
        self.accepting = True
        log.info("webhook front-end listening on %s:%d", self.listen, self.port)

    async def stop(self, *, drain_seconds: float = DRAIN_SECONDS) -> None:
        """Stop taking updates, let those in flight finish (up to `drain_seconds`; the rest
        are cancelled and released), then shut the application down. Once only."""
        if self._stopped:
            return
        self._stopped = True
        self.accepting = False  # open keep-alive connections now get 503
        if self._server is not None:
            self._server.stop()
        if self._in_flight:
            log.info("waiting for %d updates in flight", len(self._in_flight))
            _, unfinished = await asyncio.wait(set(self._in_flight), timeout=drain_seconds)
            for task in unfinished:
                task.cancel()
            await asyncio.gather(*unfinished, return_exceptions=True)
        if self._server is not None:
            await self._server.close_all_connections()
        await self._close_application()

    async def _close_application(self) -> None:
        application = self.application
        if application.running:
            await application.stop()
        if application.post_shutdown is not None:
            await application.post_shutdown(application)
        await application.shutdown()

    @property
    def in_flight(self) -> int:
        return len(self._in_flight)

    def secret_matches(self, header: str | None) -> bool:
        return header is not None and hmac.compare_digest(header.encode(), self._secret)

    async def deliver(self, body: bytes) -> tuple[int, str]:
        """Handle one POSTed update (the secret already checked): (status, reason)."""
        parsed = parse_update(body, self.application)
        if isinstance(parsed, str):
            return 400, parsed
        task = asyncio.create_task(self._handle_once(parsed))
        self._in_flight.add(task)
        task.add_done_callback(self._in_flight.discard)
        return await asyncio.shield(task)  # a client that hangs up does not cancel it

    async def _handle_once(self, update: Update) -> tuple[int, str]:
        claims = self.application.bot_data.shared_state.claims
        update_id = update.update_id
        try:
            if not await claims.claim(update_id):
                if await claims.is_done(update_id):
                    return 200, "already handled"
                return 503, "being handled by another front-end"
        except Exception as error:  # Redis unreachable: Telegram redelivers later
            log.error("cannot claim update %d: %r", update_id, error)
            return 503, "shared state unavailable"
        try:
            async with leased(claims, update_id):
                await self.application.update_processor.process_update(
                    update, self.application.process_update(update))
        except BaseException as error:
            await _release(claims, update_id)
            if isinstance(error, asyncio.CancelledError):
                raise
            log.error("update %d failed outside its handlers: %r", update_id, error)
            return 500, "not handled"
        try:
            await claims.done(update_id)
        except Exception as error:  # handled all the same; the lease lapses on its own
            log.warning("could not mark update %d done: %r", update_id, error)
        return 200, "ok"


async def _release(claims: UpdateClaims, update_id: int) -> None:
    try:
        await claims.release(update_id)
    except Exception as error:  # the lease lapses on its own
        log.warning("could not release update %d: %r", update_id, error)


def parse_update(body: bytes, application: BotApplication) -> Update | str:
    """The update in a POST body, or why there is none (a short reason for the 400)."""
    try:
        data = json.loads(body)
    except (ValueError, UnicodeDecodeError):
        return "body is not JSON"
    if not isinstance(data, dict):
        return "body is not a JSON object"
    update_id = data.get("update_id")
    if not isinstance(update_id, int) or isinstance(update_id, bool) or update_id < 0:
        return "not a Telegram update: no update_id"
    try:
        update = Update.de_json(data, application.bot)
    except Exception as error:  # a field of the wrong shape
        log.warning("update %d does not parse: %r", update_id, error)
        return "not a Telegram update: a field does not parse"
    return update


class UpdateEndpoint(tornado.web.RequestHandler):
    """POST: one update from Telegram."""

    def initialize(self, front_end: WebhookFrontEnd) -> None:
        self.front_end = front_end

    async def post(self) -> None:
        front_end = self.front_end
        if not front_end.secret_matches(self.request.headers.get(SECRET_HEADER)):
            status, reason = 403, "wrong or missing secret token"
        elif not front_end.accepting:
            status, reason = 503, "shutting down"
        else:
            try:
                status, reason = await front_end.deliver(self.request.body)
            except asyncio.CancelledError:  # cancelled at shutdown, and released
                status, reason = 503, "shutting down"
        self.set_status(status)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(reason)


class HealthEndpoint(tornado.web.RequestHandler):
    """GET: 200 while updates are taken and Redis answers; 503 while starting or stopping,
    or when Redis does not answer (every update would be refused then)."""

    def initialize(self, front_end: WebhookFrontEnd) -> None:
        self.front_end = front_end

    async def get(self) -> None:
        front_end = self.front_end
        status, reason = 200, "ok"
        if not front_end.accepting:
            status, reason = 503, "not accepting updates"
        else:
            try:
                await front_end.application.bot_data.shared_state.ping()
            except Exception as error:
                log.warning("health check: shared state unreachable: %r", error)
                status, reason = 503, "shared state unreachable"
        self.set_status(status)
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(reason)
