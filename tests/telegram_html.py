"""What Telegram accepts as HTML, checked the strict way: the tests' one HTML checker."""

from __future__ import annotations

import re
from html.parser import HTMLParser

from bot.render.telegram import visible_length

TELEGRAM_LIMIT = 4096
ALLOWED_TAGS = {"b", "i", "u", "s", "code", "pre", "a", "blockquote", "tg-spoiler"}
ENTITIES = {"lt", "gt", "amp", "quot"}
_ENTITY = r"&(?:#[0-9]+|#[xX][0-9A-Fa-f]+|lt|gt|amp|quot);"
_BARE = re.compile(rf"<[^<>]*>|{_ENTITY}")


class _Checker(HTMLParser):
    """Collects problems: unknown tags or attributes, bad nesting, unknown entities."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.errors.append(f"tag <{tag}> not allowed")
        names = [name for name, _ in attrs]
        if tag == "a":
            if names != ["href"] or not attrs[0][1]:
                self.errors.append(f"<a> needs exactly one non-empty href: {attrs}")
        elif tag == "blockquote" and attrs:
            # <blockquote expandable>: collapsed to three lines until tapped (Bot API 7.4).
            if attrs != [("expandable", None)]:
                self.errors.append(f"<blockquote> takes only a bare 'expandable': {attrs}")
        elif names:
            self.errors.append(f"<{tag}> takes no attributes: {attrs}")
        raw = self.get_starttag_text() or ""
        if re.search(r"[<&]", re.sub(_ENTITY, "", raw[1:-1])):
            self.errors.append(f"unescaped markup inside {raw!r}")
        self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.errors.append(f"self-closing <{tag}/>")

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unbalanced </{tag}> with {self.stack}")
        else:
            self.stack.pop()

    def handle_entityref(self, name: str) -> None:
        if name not in ENTITIES:
            self.errors.append(f"entity &{name}; is not one Telegram decodes")

    def handle_charref(self, name: str) -> None:
        code = int(name[1:], 16) if name[:1] in "xX" else int(name)
        if not 0 < code <= 0x10FFFF or 0xD800 <= code <= 0xDFFF:
            self.errors.append(f"character reference &#{name}; is no character")

    def handle_comment(self, data: str) -> None:
        self.errors.append(f"comment {data!r}")

    def handle_decl(self, decl: str) -> None:
        self.errors.append(f"declaration {decl!r}")

    def handle_pi(self, data: str) -> None:
        self.errors.append(f"processing instruction {data!r}")

    def unknown_decl(self, data: str) -> None:
        self.errors.append(f"declaration {data!r}")


def assert_telegram_html(message: str, limit: int | None = TELEGRAM_LIMIT) -> None:
    """At most `limit` characters raw and as Telegram counts them (no size check with
    None); well-formed; encodable."""
    if limit is not None:
        assert len(message) <= limit, (len(message), message[:200])
        assert visible_length(message) <= limit, (visible_length(message), message[:200])
    message.encode("utf-8")  # no lone surrogates: Telegram takes UTF-8
    checker = _Checker()
    checker.feed(message)
    checker.close()
    assert not checker.errors, (checker.errors, message)
    assert not checker.stack, (checker.stack, message)
    # Outside tags and entities no markup character may remain: a cut tag or entity, or
    # article text that was not escaped.
    bare = _BARE.sub("", message)
    assert not re.search(r"[<>&]", bare), bare
