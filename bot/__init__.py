"""The product core: the engine, fetching, rendering, the store, settings and services.

Nothing here imports `telegram` (tests/test_core_without_telegram.py checks): the
Telegram front end is `handlers/`, which `python -m bot run` starts.
"""
