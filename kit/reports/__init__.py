"""What the kit hands a person after a run: the one notebook runner and the HTML reports.

Layers (an import only goes down):

::

    kit.reports.runner      run a notebook with papermill: parameters checked against the
                            notebook's ``parameters`` cell, kernel noise kept off the console,
                            output scrubbed, how it was run recorded, a failed run's notebook
                            opening with the Portuguese failure box
    kit.reports.failure     a failed run as a person reads it (what failed, what to do)
    kit.reports.notebooks   reading and sealing output notebooks (no papermill import)
    kit.reports.html        page, tables, boxes, collapsed technical text
    kit.reports.charts      small SVG bar charts (no plotting library to import)

Go-live and the sync jobs both run through :func:`kit.reports.runner.run_notebook`;
the reports themselves are built above this package, from these pieces:
:mod:`kit.jobs.report` (a sync job run) and :mod:`kit.golive.report` (a go-live check).
"""

from __future__ import annotations

__all__: list[str] = []
