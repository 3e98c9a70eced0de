"""Concurrent requests in tests: real threads, each with its own database connection."""

import threading

from django.db import connections


def run_together(jobs, refusal):
    """Start every job at the same moment; return (successes, refusals, other errors), a refusal
    being an exception of the `refusal` class (the rule said no, as it should under a race)."""
    barrier = threading.Barrier(len(jobs))
    results = []

    def worker(job):
        try:
            barrier.wait()
            job()
            results.append("ok")
        except refusal:
            results.append("refused")
        except Exception as error:  # noqa: BLE001 - reported to the caller
            results.append(repr(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results.count("ok"), results.count("refused"), [r for r in results if r not in ("ok", "refused")]
