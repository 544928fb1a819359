"""Private chats: /start, /help, /breakdown, and any message with links or an article."""

from __future__ import annotations

from telegram import Update

from handlers.common import answer_request, message_text, request_of
from handlers.context import Context
from handlers.html_fallback import send_html
from handlers.pastes import collect_or_answer

GREETING = (
    "👋 Hi! Send me a link to a news article — or paste its text — and I'll reply with a "
    "quick breakdown: a summary, <b>who said what</b> (anonymous sources flagged), "
    "<b>key dates</b>, and the <b>claims with no source</b>.\n\nSend /help for more."
)
HELP = (
    "<b>How to use me</b>\n"
    "• Send a link (up to 3 per message) or paste an article (about 40 words or more); "
    "a long paste that Telegram splits into several messages is read as one, and links "
    "in an article are offered under its breakdown.\n"
    "• Forward a channel post with an article or a link.\n"
    "• /breakdown &lt;link&gt; — or reply /breakdown to a message.\n\n"
    "<b>In groups</b>\n"
    "• Reply /breakdown to a message with a link, or send /breakdown &lt;link&gt;.\n"
    "• A group admin can turn on automatic breakdowns of posted links with /auto on "
    "(and off with /auto off). For that I must see group messages: make me a group admin, "
    "or turn off my privacy mode in @BotFather (Bot Settings → Group Privacy).\n\n"
    "Under each breakdown, buttons show all quotes, all claims, the timeline and the text."
)
# Only when inline mode is on in @BotFather (getMe says so), with the bot's own name.
HELP_INLINE = ("\n\n<b>In any chat</b>\n• Type @{username} and a link: I show a breakdown "
               "card you can send there.")


async def start(update: Update, context: Context) -> None:
    assert update.effective_message is not None  # a CommandHandler's update
    await send_html(update.effective_message, GREETING)


async def help_command(update: Update, context: Context) -> None:
    assert update.effective_message is not None  # a CommandHandler's update
    bot = context.bot
    inline = HELP_INLINE.format(username=bot.username) if bot.supports_inline_queries else ""
    await send_html(update.effective_message, HELP + inline)


async def breakdown_command(update: Update, context: Context) -> None:
    """/breakdown <link or text>, or /breakdown as a reply to a message (any chat)."""
    message = update.effective_message
    assert message is not None  # a CommandHandler's update
    services = context.bot_data.services
    argument = " ".join(context.args or [])
    target = message.reply_to_message
    if argument:
        await answer_request(message, message, request_of(message, services, argument),
                             services, text=argument)
    elif target is not None:
        await answer_request(target, target, request_of(target, services), services)
    else:
        await message.reply_text("Send /breakdown with a link, or reply /breakdown to a "
                                 "message that has a link or an article.")


async def on_private_message(update: Update, context: Context) -> None:
    message = update.effective_message
    assert message is not None  # a MessageHandler's update
    if not message_text(message).strip():
        await message.reply_text("I can only read text and links — send a link to an "
                                 "article or paste its text.")
        return
    await collect_or_answer(update, context)


async def unknown_command(update: Update, context: Context) -> None:
    assert update.effective_message is not None  # a command's update
    await update.effective_message.reply_text("I don't know that command. Send /help to see "
                                              "what I can do.")
