"""Telegram HTML measured and cut: the length Telegram counts, plain-text fallback, splitting.

Telegram limits a message to 4096 characters *after entity parsing* (tags gone, entities
decoded), counted in UTF-16 code units. A split must never cut inside a tag or an entity,
and every part must parse on its own, so tags still open at a cut are closed there and
reopened at the start of the next part.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

TELEGRAM_LIMIT = 4096

# A tag is anything tag-shaped (unknown tags are tracked like known ones; our renderers emit
# only Telegram's); an entity is one Telegram decodes. Everything else is text.
_TOKEN = re.compile(
    r"(?P<tag><(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9-]*)\b[^<>]*>)"
    r"|(?P<entity>&(?:#[0-9]{1,7}|#[xX][0-9A-Fa-f]{1,6}|lt|gt|amp|quot);)"
)
# The only named entities Telegram decodes; "&nbsp;" and the like are plain text to it.
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_WORD = re.compile(r"\S+\s*|\s+")
_SENTENCE_END = re.compile(r"[.!?…][\"'”’»)\]]*\s+$")
# Cuts closer to the start than this share of a full part are only taken when nothing
# better exists: a heading followed by a blank line must not become a message of its own.
_MIN_FILL = 0.5
# Below this a part could not hold the longest entity (10 characters) and a tag pair.
_MIN_LIMIT = 16
# A word longer than this is cut into pieces so that any single atom fits in a part.
_MAX_ATOM = 512

# Break quality *after* an atom: higher is a nicer place to cut.
NONE, CHAR, WORD, SENTENCE, LINE, PARAGRAPH = range(6)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units: characters outside the BMP (most emoji) count 2."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _decode_entity(entity: str) -> str:
    body = entity[1:-1]
    if body.startswith(("#x", "#X")):
        code = int(body[2:], 16)
    elif body.startswith("#"):
        code = int(body[1:])
    else:
        return _NAMED[body]
    # Out-of-range and surrogate code points cannot be characters; count them as one.
    return chr(code) if code <= 0x10FFFF and not 0xD800 <= code <= 0xDFFF else "\ufffd"


def plain_text(html: str) -> str:
    """The text Telegram would show: tags dropped, entities decoded (the plain fallback)."""
    out: list[str] = []
    pos = 0
    for match in _TOKEN.finditer(html):
        out.append(html[pos:match.start()])
        if match["entity"]:
            out.append(_decode_entity(match["entity"]))
        pos = match.end()
    out.append(html[pos:])
    return "".join(out)


def visible_length(html: str) -> int:
    """The length Telegram checks against its 4096 limit: entity-parsed, in UTF-16 units."""
    return utf16_len(plain_text(html))


@dataclass(frozen=True, slots=True)
class _Atom:
    raw: str
    visible: int
    tag: str | None = None  # tag name for tag atoms
    closing: bool = False
    brk: int = NONE  # how good a cut right after this atom is


def _text_atoms(text: str, piece_size: int) -> list[_Atom]:
    """Words with their trailing whitespace; the whitespace decides the break quality."""
    atoms: list[_Atom] = []
    for match in _WORD.finditer(text):
        word = match[0]
        stripped = word.rstrip()
        space = word[len(stripped):]
        if "\n" in space and re.search(r"\n[^\S\n]*\n", space):
            brk = PARAGRAPH
        elif "\n" in space:
            brk = LINE
        elif space and _SENTENCE_END.search(word):
            brk = SENTENCE
        elif space:
            brk = WORD
        else:
            brk = NONE  # glued to what follows (a tag or an entity)
        if len(word) <= piece_size:
            atoms.append(_Atom(word, utf16_len(word), brk=brk))
            continue
        # An over-long word: fixed-size pieces, cuttable anywhere (the last resort).
        for start in range(0, len(word), piece_size):
            piece = word[start:start + piece_size]
            last = start + piece_size >= len(word)
            atoms.append(_Atom(piece, utf16_len(piece), brk=brk if last else CHAR))
    return atoms


def _atoms(html: str, limit: int) -> list[_Atom]:
    # Pieces of long words small enough to leave room for reopened tags in any part.
    piece_size = max(1, min(_MAX_ATOM, limit // 4))
    atoms: list[_Atom] = []
    pos = 0
    for match in _TOKEN.finditer(html):
        atoms += _text_atoms(html[pos:match.start()], piece_size)
        if match["tag"]:
            atoms.append(_Atom(match["tag"], 0, match["name"].lower(), bool(match["close"])))
        else:
            entity = match["entity"]
            atoms.append(_Atom(entity, utf16_len(_decode_entity(entity))))
        pos = match.end()
    atoms += _text_atoms(html[pos:], piece_size)
    return atoms


def _apply(stack: list[_Atom], atom: _Atom) -> str:
    """Track open tags and return the markup to emit for `atom`.

    A closing tag that closes nothing is dropped (""); one that closes an outer tag first
    closes the tags opened inside it, so every emitted part stays properly nested.
    """
    if atom.tag is None:
        return atom.raw
    if not atom.closing:
        stack.append(atom)
        return atom.raw
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth].tag == atom.tag:
            inner = _closing(stack[depth + 1:])
            del stack[depth:]
            return inner + atom.raw
    return ""


def _closing(stack: list[_Atom]) -> str:
    return "".join(f"</{atom.tag}>" for atom in reversed(stack))


def split_html(html: str, limit: int = TELEGRAM_LIMIT) -> list[str]:
    """Cut Telegram HTML into parts of at most `limit` visible *and* raw characters.

    Cuts fall at blank lines first, then line ends, sentence ends, spaces, and only for a
    single over-long word anywhere between characters; never inside a tag or an entity.
    Each part is well-formed on its own; whitespace-only parts are dropped.
    """
    if limit < _MIN_LIMIT:
        raise ValueError(f"limit must be at least {_MIN_LIMIT}, not {limit}")
    atoms = _atoms(html, limit)
    parts: list[str] = []
    start_stack: list[_Atom] = []
    i = 0
    while i < len(atoms):
        stack = list(start_stack)
        raw = sum(len(a.raw) for a in stack)
        closing = len(_closing(stack))
        visible = 0
        best: dict[int, tuple[int, int]] = {}  # break quality -> (end index, visible so far)
        j = i
        while j < len(atoms):
            atom = atoms[j]
            if atom.tag is None:  # text and entities leave the open tags as they are
                trial, emitted, trial_closing = stack, atom.raw, closing
            else:
                trial = list(stack)
                emitted = _apply(trial, atom)
                trial_closing = len(_closing(trial))
            if raw + len(emitted) + trial_closing > limit or visible + atom.visible > limit:
                break
            stack, raw, closing = trial, raw + len(emitted), trial_closing
            visible += atom.visible
            j += 1
            best[atom.brk] = (j, visible)
            best[CHAR] = (j, visible)  # any atom boundary is a last-resort cut
        if j == i:
            # Not even one atom fits: only with tiny limits or huge tags.
            atom = atoms[i]
            room = limit - raw - closing
            if atom.tag is None and not atom.raw.startswith("&") and room > 0:
                cut = _fitting_prefix(atom.raw, room, limit)
                if cut:
                    atoms[i:i + 1] = [_Atom(atom.raw[:cut], utf16_len(atom.raw[:cut]), brk=CHAR),
                                      _Atom(atom.raw[cut:], utf16_len(atom.raw[cut:]),
                                            brk=atom.brk)]
                    continue
            if start_stack:
                start_stack = []  # give up reopening the formatting rather than the text
            else:
                # With no tags to reopen, text and entities (≤ 10 characters) always fit:
                # this is a lone tag too long for any part, dropped (its closer then too).
                i += 1
            continue
        end = j if j == len(atoms) else _choose_cut(best, visible, limit)
        part_atoms = atoms[i:end]
        stack = list(start_stack)
        body = "".join(a.raw for a in stack)
        for atom in part_atoms:
            body += _apply(stack, atom)
        if plain_text(body).strip():
            # Trailing whitespace at a cut is invisible in Telegram anyway.
            parts.append(body.rstrip() + _closing(stack))
        start_stack = stack
        i = end
    return parts


def _fitting_prefix(text: str, room: int, limit: int) -> int:
    """How many characters of `text` fit in `room` raw and `limit` visible characters."""
    size = 0
    for count, ch in enumerate(text):
        size += 2 if ord(ch) > 0xFFFF else 1
        if count + 1 > room or size > limit:
            return count
    return len(text)


def _choose_cut(best: dict[int, tuple[int, int]], filled: int, limit: int) -> int:
    """The best-quality cut that keeps the part reasonably full, else the best at all."""
    floor = _MIN_FILL * min(filled, limit)
    for quality in (PARAGRAPH, LINE, SENTENCE, WORD):
        if quality in best and best[quality][1] >= floor:
            return best[quality][0]
    for quality in (PARAGRAPH, LINE, SENTENCE, WORD, CHAR):
        if quality in best:
            return best[quality][0]
    raise AssertionError("a part with atoms always has a CHAR cut")
