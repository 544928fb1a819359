"""`bot.workers.ManagedWorkers` a second time: analysis and extraction as Celery 5 jobs on
Redis (`REDIS_URL`), run by `python -m bot worker` on any number of machines.

- `app`: the Celery app both sides build from the settings, and why each option is set;
- `tasks`: the worker side (`python -m bot worker`);
- `client`: `CeleryWorkers`, what a front-end awaits;
- `waiting`: how it waits for a result through Redis restarts and outages.

Import `client` or `tasks` directly: this package imports neither, so that a front-end
never loads the worker's models and a worker never loads the front-end's client.
"""
