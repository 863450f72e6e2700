"""One "host" of the several-machines tests: a process with a home of its own that shares only PostgreSQL.

``python tests/storage/_host.py JOB CHANNEL [GO_FILE]`` opens the workspace, prints ``ready``, waits for
``GO_FILE`` (when given), runs the job in process as a scheduled run does (the (channel, job) lock, the job,
the run recorded in the shared history with this host's name) and prints the outcome as one JSON line.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path


def main() -> int:
    from kit.jobs import run_job
    from kit.jobs.runner import record_run
    from kit.store import Workspace

    job, channel = sys.argv[1], sys.argv[2]
    go = Path(sys.argv[3]) if len(sys.argv) > 3 else None
    ws = Workspace()
    print("ready", flush=True)
    deadline = time.monotonic() + 120
    while go is not None and not go.exists():
        if time.monotonic() > deadline:
            return 9
        time.sleep(0.002)
    started = time.time()
    summary = run_job(job, channel, ws=ws)
    row = {"channel": channel, "job": job, "started_at": started, "finished_at": time.time(),
           "status": "locked" if summary.exit_code == 3 else summary.status, "exit_code": summary.exit_code,
           "counts": summary.counts, "report_path": None, "dry_run": False, "host": os.environ["KIT_TEST_HOST"]}  # fmt: skip
    record_run(ws, row)
    ws.close()
    print(json.dumps({"exit_code": summary.exit_code, "counts": summary.counts, "error": summary.error,
                      "started_at": started, "finished_at": row["finished_at"]}))  # fmt: skip
    return 0


if __name__ == "__main__":
    sys.exit(main())
