"""What an unreachable Redis raises, for the users of the shared state to catch."""

from __future__ import annotations

from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

# Refused, reset, or silent past the socket timeout, once `connect`'s retries are spent:
# each user of the shared state says what it does then.
UNREACHABLE_ERRORS = (RedisConnectionError, RedisTimeoutError)

__all__ = ["UNREACHABLE_ERRORS"]
