"""The Telegram front end: everything that speaks Telegram. The product core, `bot/`,
never imports `telegram`; this package turns updates into calls to it.

How an update becomes a reply, in the order a reader meets it:

  app.py             the composition root (`python -m bot run`): builds the Application,
                     fills `BotData`, registers every handler in order, command menus
  context.py         BotData, the shared objects every handler reads as
                     `context.bot_data`, and `Context`, the type of every handler's context
  private.py         private chats: /start, /help, /breakdown, links and articles
  pastes.py          the pieces of a long paste, and forwarded posts in a row: one answer
  groups.py          groups: /auto, automatic breakdowns of posted links, migration
  admin.py           /stats for the bot's admins
  buttons.py         the buttons under a breakdown: its sections, a linked page
  inline.py          inline mode's handlers; inline_flow.py answers the query
  errors.py          the one error handler
  common.py          what a message asks for, answered: links, text, HTML, or a hint
  reply_flow.py      where a message becomes a reply: rate limit, "typing…", fetch or
                     analyse, render, send with buttons, usage event
  inline_flow.py     where an inline query becomes a card, within the time budget
  services.py        BotServices: what the reply flow and inline mode need
  keyboards.py       the buttons' markup and callback data
  html_fallback.py   replying in HTML, as plain text if Telegram refuses the markup
  typing_loop.py     "typing…" while a breakdown is computed
  usage_events.py    the usage event of each request (never its text)
  sending.py         every Bot API call: flood limits, retries, "typing…" shed under load
  webhook_server.py  the stateless webhook front-end: secret, claim, handle, then 200
  webhook_commands.py  `python -m bot serve` and `python -m bot set-webhook`
  skipped_links.py   the one notice per group cooldown for the links /auto skipped
  shared_skipped_links.py  the same across front-ends: the count in Redis (REDIS_URL)
"""
