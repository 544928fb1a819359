"""The paste-joining rule (`bot.paste`) against pieces cut the way Telegram's apps cut them
(`tests.botapi.clients`), and the assembler with a fake clock."""

from __future__ import annotations

import asyncio

import pytest

from bot.paste import (
    LIMIT,
    NEAR_LIMIT,
    PasteAssembler,
    Piece,
    continues,
    join,
    near_limit,
    separator,
    utf16_length,
)
from tests.article_site import SEED
from tests.botapi.clients import split_like_client
from tests.paste_texts import bridge_article

WINDOW = 3.0
KEY = (1, 1)


class FakeTime:
    """A clock that moves only when the assembler sleeps."""

    def __init__(self) -> None:
        self.now = 100.0

    def clock(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds
        await asyncio.sleep(0)


@pytest.fixture
def time_() -> FakeTime:
    return FakeTime()


@pytest.fixture
def assembler(time_: FakeTime) -> PasteAssembler[str]:
    return PasteAssembler(window=WINDOW, clock=time_.clock, sleep=time_.sleep)


def piece(text: str, message_id: int, at: float, origin: object = None) -> Piece[str]:
    return Piece(text=text, message_id=message_id, at=at, origin=origin,
                 message=f"message {message_id}")


def words(text: str) -> str:
    return " ".join(text.split())


NEAR = "word " * 700  # 3,500 units
SHORT = "A short closing paragraph of the article, well under the limit."


# ------------------------------------------------------------------ the rule
def test_near_limit_counts_utf16_units() -> None:
    assert not near_limit("a" * (NEAR_LIMIT - 1))
    assert near_limit("a" * NEAR_LIMIT) and near_limit("a" * LIMIT)
    assert not near_limit("a" * (LIMIT + 1))  # no app sends that as one piece
    emoji = "\U0001f4f0"  # two UTF-16 units, one Python character
    assert utf16_length(emoji * 1536) == NEAR_LIMIT and near_limit(emoji * 1536)
    assert not near_limit(emoji * 2049)


def test_separator_restores_what_the_cut_removed() -> None:
    assert separator("x" * LIMIT) == ""  # a hard cut: one word in two pieces
    assert separator("He left the room.") == "\n\n"
    assert separator("\u201cWe will,\u201d she said.\u201d") == "\n\n"
    assert separator("the council said that the") == " "


@pytest.mark.parametrize("client", ["desktop", "android", "ios"])
@pytest.mark.parametrize("sections", [10, 14, 18, 26])
def test_every_piece_but_the_last_is_held_and_the_join_is_the_text(client: str,
                                                                   sections: int) -> None:
    text = bridge_article(sections)
    pieces = split_like_client(text, client)  # type: ignore[arg-type]
    assert len(pieces) >= 2
    assert all(near_limit(p) for p in pieces[:-1])
    joined = join([piece(p, i, 0.0) for i, p in enumerate(pieces)])
    assert words(joined) == words(text)
    if client == "desktop":  # it cuts at the last blank line: paragraphs are kept exactly
        assert joined == text


@pytest.mark.parametrize("client", ["desktop", "android", "ios"])
def test_a_text_without_paragraphs_is_joined_at_word_boundaries(client: str) -> None:
    text = " ".join(["The council said that the bridge would need more work, again."] * 200)
    pieces = split_like_client(text, client)  # type: ignore[arg-type]
    assert words(join([piece(p, i, 0.0) for i, p in enumerate(pieces)])) == words(text)


def test_a_hard_cut_is_joined_without_a_space() -> None:
    text = "x" * 5000  # a link or a script without spaces: the desktop app cuts anywhere
    pieces = split_like_client(text, "desktop")
    assert [utf16_length(p) for p in pieces] == [LIMIT, 5000 - LIMIT]
    assert join([piece(p, i, 0.0) for i, p in enumerate(pieces)]) == text


def test_what_continues_a_paste() -> None:
    near = piece(NEAR, 1, 0.0)
    assert continues(near, piece(SHORT, 2, WINDOW), window=WINDOW)
    assert not continues(near, piece(SHORT, 2, WINDOW + 0.1), window=WINDOW)  # too late
    assert not continues(piece(SHORT, 1, 0.0), piece(SHORT, 2, 0.1), window=WINDOW)
    forwarded = piece(SHORT, 1, 0.0, origin=("channel", -100))
    assert continues(forwarded, piece(SHORT, 2, 1.0, origin=("channel", -100)), window=WINDOW)
    assert not continues(forwarded, piece(SHORT, 2, 1.0, origin=("channel", -200)),
                         window=WINDOW)
    assert not continues(forwarded, piece(SHORT, 2, 1.0), window=WINDOW)  # typed after
    assert not continues(near, piece(SHORT, 2, 1.0, origin=("channel", -100)), window=WINDOW)


# ------------------------------------------------------------------ the assembler
def test_a_message_that_is_not_near_the_limit_is_answered_at_once(
        assembler: PasteAssembler[str]) -> None:
    step = assembler.add(KEY, piece(SHORT, 1, 100.0))
    assert not step.started and [p.text for p in step.ready] == [SHORT]
    assert len(assembler) == 0


def test_a_message_over_the_limit_is_never_held(assembler: PasteAssembler[str]) -> None:
    step = assembler.add(KEY, piece("word " * 1000, 1, 100.0))
    assert len(step.ready) == 1 and len(assembler) == 0


async def test_a_two_piece_paste_is_answered_once_when_the_short_piece_comes(
        assembler: PasteAssembler[str], time_: FakeTime) -> None:
    first = assembler.add(KEY, piece(NEAR, 1, 100.0))
    assert first.started and not first.ready
    time_.now = 101.0
    last = assembler.add(KEY, piece(SHORT, 2, 101.0))
    assert not last.started and len(last.ready) == 1
    paste = last.ready[0]
    assert paste.text == NEAR.strip() + " " + SHORT and paste.first.message == "message 1"
    assert await assembler.quiet(KEY) is None  # the waiting task finds nothing left to do


async def test_a_lone_piece_near_the_limit_is_answered_after_the_quiet_window(
        assembler: PasteAssembler[str], time_: FakeTime) -> None:
    assert assembler.add(KEY, piece(NEAR, 1, 100.0)).started
    paste = await assembler.quiet(KEY)
    assert paste is not None and paste.text == NEAR.strip()
    assert time_.now == pytest.approx(100.0 + WINDOW)


async def test_each_near_limit_piece_extends_the_window(assembler: PasteAssembler[str],
                                                        time_: FakeTime) -> None:
    assert assembler.add(KEY, piece(NEAR, 1, 100.0)).started
    waiting = asyncio.create_task(assembler.quiet(KEY))
    await asyncio.sleep(0)  # quiet() sleeps until 103
    step = assembler.add(KEY, piece(NEAR, 2, 102.5))
    assert not step.started and not step.ready
    paste = await waiting
    assert paste is not None and len(paste.pieces) == 2
    assert time_.now == pytest.approx(102.5 + WINDOW)


def test_three_pieces_in_any_arrival_order_are_joined_in_message_order(
        assembler: PasteAssembler[str]) -> None:
    text = bridge_article(18)
    pieces = split_like_client(text, "desktop")
    assert len(pieces) == 3
    assembler.add(KEY, piece(pieces[1], 2, 100.0))
    assembler.add(KEY, piece(pieces[0], 1, 100.1))
    [paste] = assembler.add(KEY, piece(pieces[2], 3, 100.2)).ready
    assert paste.text == text and paste.first.message == "message 1"


def test_an_edited_piece_counts_once_as_it_reads_now(assembler: PasteAssembler[str]) -> None:
    assembler.add(KEY, piece(NEAR, 1, 100.0))
    assembler.add(KEY, piece(NEAR.replace("word", "term"), 1, 100.5))  # edited_message
    [paste] = assembler.add(KEY, piece(SHORT, 2, 101.0)).ready
    assert paste.text == NEAR.replace("word", "term").strip() + " " + SHORT


def test_text_after_the_window_is_a_new_request(assembler: PasteAssembler[str]) -> None:
    assembler.add(KEY, piece(NEAR, 1, 100.0))
    step = assembler.add(KEY, piece(SHORT, 2, 100.0 + WINDOW + 1))  # before the timer ran
    assert [p.text for p in step.ready] == [NEAR.strip(), SHORT]


def test_pastes_of_different_users_or_chats_stay_apart(assembler: PasteAssembler[str]) -> None:
    assembler.add((1, 1), piece(NEAR, 1, 100.0))
    assembler.add((1, 2), piece(NEAR, 1, 100.0))
    assembler.add((2, 1), piece(NEAR, 1, 100.0))
    step = assembler.add((1, 2), piece(SHORT, 2, 100.5))
    assert [len(p.pieces) for p in step.ready] == [2] and len(assembler) == 2


def test_forwarded_posts_from_one_channel_join_and_another_channel_starts_anew(
        assembler: PasteAssembler[str]) -> None:
    channel, other = ("channel", -100), ("channel", -200)
    assert assembler.add(KEY, piece("Part one of the story.", 1, 100.0, channel)).started
    assert not assembler.add(KEY, piece("Part two.", 2, 100.2, channel)).ready
    step = assembler.add(KEY, piece("Another channel's post.", 3, 100.4, other))
    assert step.started
    assert [p.text for p in step.ready] == ["Part one of the story.\n\nPart two."]
    step = assembler.add(KEY, piece(SHORT, 4, 100.6))  # typed: ends the forwarded run
    assert [p.text for p in step.ready] == ["Another channel's post.", SHORT]


def test_a_request_for_links_completes_the_held_paste(assembler: PasteAssembler[str]) -> None:
    assembler.add(KEY, piece(NEAR, 1, 100.0))
    assert [p.text for p in assembler.interrupt(KEY)] == [NEAR.strip()]
    assert assembler.interrupt(KEY) == [] and len(assembler) == 0


def test_memory_is_bounded(time_: FakeTime) -> None:
    assembler: PasteAssembler[str] = PasteAssembler(window=WINDOW, clock=time_.clock,
                                                    max_pending=2, max_chars=10_000)
    assembler.add((1, 1), piece(NEAR, 1, 100.0))
    assembler.add((2, 2), piece(NEAR, 1, 100.1))
    step = assembler.add((3, 3), piece(NEAR, 1, 100.2))
    assert step.started and len(assembler) == 2
    assert [p.first.message for p in step.ready] == ["message 1"]  # the oldest, answered early
    assembler.add((2, 2), piece(NEAR, 2, 100.3))
    step = assembler.add((2, 2), piece(NEAR, 3, 100.4))  # 10,500 characters: enough
    assert len(step.ready) == 1 and len(step.ready[0].pieces) == 3 and len(assembler) == 1


def test_the_seed_article_pasted_twice_in_a_row_is_one_paste(
        assembler: PasteAssembler[str]) -> None:
    # 3,620 units each: from the bot's side, exactly what a two-piece paste looks like.
    assert near_limit(SEED)
    assembler.add(KEY, piece(SEED, 1, 100.0))
    assert not assembler.add(KEY, piece(SEED, 2, 100.1)).ready
