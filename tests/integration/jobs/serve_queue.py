"""A worker process for the queue tests: ``steward worker``'s own entry, with the test tasks.

Run as ``python -m tests.integration.jobs.serve_queue`` with the STEWARD_* settings in the
environment.
"""

from __future__ import annotations

from steward.bootstrap import load_settings
from steward.cli.worker_commands import start_worker
from tests.integration.jobs.queue_tasks import registry

if __name__ == "__main__":
    start_worker(load_settings(), registry=registry)
