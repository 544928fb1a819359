"""Inline mode in the Bot API emulator, as a mixin of ``BotAPIServer``.

The test plays the user: ``send_inline_query`` delivers an ``inline_query`` update (only with
``inline_mode`` on, as /setinline in @BotFather), ``choose_inline_result`` sends an answered
result into a chat as a message "via" the bot (and a ``chosen_inline_result`` update when
``inline_feedback`` is on, as /setinlinefeedback). ``answerInlineQuery`` validates the way the
Bot API does: a known, unanswered query no older than ``inline_answer_timeout`` seconds, at most
50 results with unique ids of 1-64 bytes, article results with a title and a message text that
parses and fits 4096 characters, a valid inline keyboard, a next_offset of at most 64 bytes, and
a button with text and either a web app or a start parameter of 1-64 [A-Za-z0-9_-]. Answers are
kept for inspection (``inline_answers``); the emulator implements article results only.
"""

from __future__ import annotations

import copy
import itertools
import json
import re
import time
from typing import Any

from .methods import BotAPIMethods
from .wire import ApiError, bad_request, checked_markup, format_text, set_optional

QUERY_TOO_OLD = "query is too old and response timeout expired or query ID is invalid"
CHAT_TYPES = {"sender", "private", "group", "supergroup", "channel"}
_START_PARAMETER = re.compile(r"[A-Za-z0-9_-]{1,64}")


class InlineModeMethods(BotAPIMethods):
    """inline_query updates, answerInlineQuery, and the user sending a chosen result."""

    inline_mode = False  # /setinline in @BotFather; getMe's supports_inline_queries
    inline_feedback = False  # /setinlinefeedback: chosen_inline_result updates
    inline_answer_timeout = 10.0  # Telegram's is about 10 s, and undocumented

    def reset(self) -> None:
        with self._lock:
            super().reset()
            self._inline_queries: dict[str, dict[str, Any]] = {}
            self._inline_answers: list[dict[str, Any]] = []
            self._inline_ids = itertools.count(1)

    # ---------------------------------------------------------------- test-side driver
    def send_inline_query(
        self,
        user_id: int,
        query: str,
        *,
        chat_type: str | None = "sender",
        offset: str = "",
        username: str | None = None,
    ) -> dict[str, Any]:
        """Inject an inline_query update, as if ``user_id`` typed "@bot ``query``"."""
        if not self.inline_mode:
            raise RuntimeError("inline mode is off for this bot: set inline_mode = True "
                               "(/setinline in @BotFather)")
        if len(query) > 256:
            raise ValueError("an inline query holds at most 256 characters")
        if chat_type is not None and chat_type not in CHAT_TYPES:
            raise ValueError(f"unknown inline query chat_type {chat_type!r}")
        with self._lock:
            query_id = f"iq{next(self._inline_ids)}"
            payload: dict[str, Any] = {
                "id": query_id,
                "from": self._user_for(user_id, username),
                "query": query,
                "offset": offset,
            }
            set_optional(payload, chat_type=chat_type)
            self._inline_queries[query_id] = {
                "query": copy.deepcopy(payload),
                "time": time.monotonic(),
                "answered": False,
            }
            self._push("inline_query", payload)
            return copy.deepcopy(payload)

    def choose_inline_result(
        self, query_id: str, result_id: str, chat_id: int, *, chat_type: str = "private"
    ) -> dict[str, Any]:
        """The user taps an answered result: it is sent into ``chat_id`` as a message via the
        bot, delivered to the bot as an update (as when the bot is a member that sees it)."""
        with self._lock:
            asked = self._inline_queries.get(query_id)
            answer = self.inline_answer(query_id)
            if asked is None or answer is None:
                raise ValueError(f"inline query {query_id!r} was not answered")
            result = next((r for r in answer["results"] if r["id"] == result_id), None)
            if result is None:
                raise ValueError(f"no result {result_id!r} in the answer to {query_id!r}")
            user = asked["query"]["from"]
            msg = self._new_message(self._chat_for(chat_id, chat_type), dict(user),
                                    text=result["text"], via_bot=dict(self.bot_user))
            set_optional(msg, entities=result["entities"], reply_markup=result["reply_markup"])
            self._push("message", msg)
            if self.inline_feedback:
                chosen = {"result_id": result_id, "from": user, "query": asked["query"]["query"]}
                if result["reply_markup"]:  # only messages with a keyboard get an id
                    chosen["inline_message_id"] = f"im-{query_id}-{result_id}"
                self._push("chosen_inline_result", chosen)
            return copy.deepcopy(msg)

    # ---------------------------------------------------------------- inspection
    @property
    def inline_answers(self) -> list[dict[str, Any]]:
        """Every accepted answerInlineQuery, oldest first; each result with its parsed text."""
        return self._snapshot("_inline_answers")

    def inline_answer(self, query_id: str) -> dict[str, Any] | None:
        with self._lock:
            found = [a for a in self._inline_answers if a["inline_query_id"] == query_id]
            return copy.deepcopy(found[0]) if found else None

    # ---------------------------------------------------------------- Bot API methods
    def _m_getme(self, p: dict[str, Any], f: Any) -> dict[str, Any]:
        return {**super()._m_getme(p, f), "supports_inline_queries": self.inline_mode}

    def _m_answerinlinequery(self, p: dict[str, Any], f: Any) -> bool:
        results = [_article(r) for r in _checked_results(_json_param(p, "results", []))]
        button = _checked_button(p)
        next_offset = str(p.get("next_offset") or "")
        if len(next_offset.encode("utf-8")) > 64:
            raise bad_request("NEXT_OFFSET_INVALID")
        cache_time = _int_param(p, "cache_time", 300)
        with self._lock:
            query_id = str(p.get("inline_query_id"))
            asked = self._inline_queries.get(query_id)
            if (
                asked is None
                or asked["answered"]
                or time.monotonic() - asked["time"] > self.inline_answer_timeout
            ):
                raise bad_request(QUERY_TOO_OLD)
            asked["answered"] = True  # a query is answered once
            self._inline_answers.append(
                {
                    "inline_query_id": query_id,
                    "query": asked["query"]["query"],
                    "user_id": asked["query"]["from"]["id"],
                    "results": results,
                    "button": button,
                    "cache_time": cache_time,
                    "is_personal": _bool_param(p, "is_personal"),
                    "next_offset": next_offset,
                    "seconds": time.monotonic() - asked["time"],
                }
            )
        return True


# ------------------------------------------------------------------- validation helpers
def _json_param(p: dict[str, Any], name: str, default: Any) -> Any:
    """Form-encoded requests carry objects as JSON strings; JSON bodies carry them as is."""
    value = p.get(name, default)
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            raise bad_request(f"can't parse {name} JSON object") from None
    return value


def _int_param(p: dict[str, Any], name: str, default: int) -> int:
    try:
        return int(p.get(name, default))
    except (TypeError, ValueError):
        raise bad_request(f"field \"{name}\" must be of type Integer") from None


def _bool_param(p: dict[str, Any], name: str) -> bool:
    value = p.get(name, False)
    return value.lower() in ("true", "1") if isinstance(value, str) else bool(value)


def _checked_results(results: Any) -> list[dict[str, Any]]:
    if not isinstance(results, list) or not all(isinstance(r, dict) for r in results):
        raise bad_request("can't parse inline query results JSON object")
    if len(results) > 50:
        raise bad_request("RESULTS_TOO_MUCH")
    seen: set[str] = set()
    for result in results:
        result_id = result.get("id")
        if not isinstance(result_id, str) or not 1 <= len(result_id.encode("utf-8")) <= 64:
            raise bad_request("RESULT_ID_INVALID")
        if result_id in seen:
            raise bad_request("RESULT_ID_DUPLICATE")
        seen.add(result_id)
    return results


def _article(result: dict[str, Any]) -> dict[str, Any]:
    """An article result checked, with its message text parsed as Telegram would send it."""
    if result.get("type") != "article":
        raise ApiError(400, f"Bad Request: the emulator implements article results only, not "
                            f"{result.get('type')!r}")
    if not str(result.get("title") or "").strip():
        raise bad_request("RESULT_TITLE_EMPTY")
    content = result.get("input_message_content")
    if not isinstance(content, dict) or "message_text" not in content:
        raise bad_request("input_message_content must hold a message_text")
    text, entities = format_text(
        {"text": content["message_text"], "parse_mode": content.get("parse_mode"),
         "entities": content.get("entities")},
        "text", 4096, "MESSAGE_TOO_LONG", required=True)
    return {
        "id": result["id"],
        "title": result["title"],
        "description": result.get("description"),
        "text": text,
        "entities": entities,
        "parse_mode": content.get("parse_mode"),
        "link_preview_options": content.get("link_preview_options"),
        "reply_markup": checked_markup(result),
    }


def _checked_button(p: dict[str, Any]) -> dict[str, Any] | None:
    """The button above the results; the older switch_pm_text/switch_pm_parameter too."""
    button = _json_param(p, "button", None)
    if button is None and p.get("switch_pm_text"):
        button = {"text": p["switch_pm_text"], "start_parameter": p.get("switch_pm_parameter")}
    if button is None:
        return None
    if not isinstance(button, dict) or not str(button.get("text") or "").strip():
        raise bad_request("BUTTON_TEXT_INVALID")
    if "web_app" in button:
        return button
    if not _START_PARAMETER.fullmatch(str(button.get("start_parameter") or "")):
        raise bad_request("START_PARAM_INVALID")
    return button
