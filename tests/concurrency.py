"""Running one action from several threads at the same moment, each on its own database connection: how the tests
stand in for two schedulers (beat processes) sweeping at once."""

import threading

from django.db import connection


def run_at_once(action, times: int = 2) -> list:
    """Start `action()` in `times` threads released together; return what each returned (in finishing order)."""
    barrier = threading.Barrier(times)
    results = []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(action())
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(times)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results
