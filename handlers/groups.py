"""Group chats: /auto on|off for admins, automatic breakdowns of posted links, migration.

/breakdown (as a reply, or with a link) is the same command as in private chats and works
with Telegram's default privacy mode; automatic breakdowns need the bot to see messages.
Every breakdown in a group replies to the message it breaks down (PTB quotes by default
outside private chats), so in a busy chat each one sits under its link.
"""

from __future__ import annotations

import time

from telegram import Update
from telegram.constants import ChatMemberStatus

from handlers.common import request_of
from handlers.context import Context
from handlers.reply_flow import deliver_breakdown

_ADMIN_STATUSES = {ChatMemberStatus.ADMINISTRATOR, ChatMemberStatus.OWNER}


async def is_chat_admin(context: Context, chat_id: int, user_id: int) -> bool:
    """Asked of Telegram, remembered briefly: admin lists change rarely."""
    cache = context.bot_data.admin_cache
    key = (chat_id, user_id)
    hit = cache.get(key)
    if hit is not None:
        return hit
    member = await context.bot.get_chat_member(chat_id, user_id)
    answer = member.status in _ADMIN_STATUSES
    cache.put(key, answer)
    return answer


async def auto_command(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None  # a CommandHandler's update
    services = context.bot_data.services
    user = update.effective_user
    choice = (context.args or [""])[0].lower()
    if choice not in {"on", "off"}:
        state = "on" if await services.store.auto_breakdown(message.chat.id) else "off"
        await message.reply_text(f"Automatic breakdowns are {state}. A group admin can use "
                                 "/auto on or /auto off.")
        return
    if user is None or not await is_chat_admin(context, message.chat.id, user.id):
        await message.reply_text("Only group admins can turn automatic breakdowns on or off.")
        return
    await services.store.set_auto_breakdown(message.chat.id, choice == "on")
    if choice == "on":
        await message.reply_text(
            "Automatic breakdowns are on: I'll break down links posted here. I need to see "
            "group messages for that — make me an admin or turn off my privacy mode.")
    else:
        await message.reply_text("Automatic breakdowns are off. /breakdown still works.")


async def on_group_message(update: Update, context: Context) -> None:
    """A posted link, broken down only when admins turned it on, at most once per cooldown.

    Every other link of the window (the rest of a burst, and a message's links after its
    first) is counted for the window's one notice, which says /breakdown still works.
    """
    message = update.effective_message
    if message is None:  # the handler's filters pass messages only; this tells mypy
        return
    services = context.bot_data.services
    request = request_of(message, services)
    # Any posted link, even in a long message: auto mode is about links, never text.
    if not request.links or not await services.store.auto_breakdown(message.chat.id):
        return
    notices = context.bot_data.skipped_links
    now, cooldown = time.time(), services.settings.group_cooldown_seconds
    links = len(request.links) + request.extra_links
    if await services.store.claim_auto_slot(message.chat.id, now, cooldown):
        notices.skipped(message, links=links - 1, window_start=now, cooldown=cooldown)
        await deliver_breakdown(message, services, url=request.links[0])
        return
    window_start = await services.store.last_auto_breakdown_at(message.chat.id)
    notices.skipped(message, links=links, window_start=now if window_start is None
                    else window_start, cooldown=cooldown)


async def on_migration(update: Update, context: Context) -> None:
    """A group became a supergroup: its settings move to the new chat id."""
    message = update.effective_message
    assert message is not None  # a StatusUpdate.MIGRATE message
    if message.migrate_to_chat_id:
        await context.bot_data.services.store.migrate_chat(message.chat.id,
                                                           message.migrate_to_chat_id)
