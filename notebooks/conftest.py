"""nbval runs (``make test``) never touch the user's real workspace or secrets.

The kernels nbval starts inherit this process's environment, so pointing the
kit's locations at a temporary directory here isolates every notebook run.
"""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile

_TMP = tempfile.mkdtemp(prefix="kit-nbval-")
for _name, _sub in (
    ("KIT_WORKSPACE", "workspace"),
    ("KIT_SECRETS", "secrets/secrets.json"),
    ("KIT_REPORTS", "reports"),
    ("XDG_CONFIG_HOME", "xdg-config"),
    ("XDG_DATA_HOME", "xdg-data"),
    ("IPYTHONDIR", "ipython"),
    ("MPLCONFIGDIR", "matplotlib"),
):
    os.environ[_name] = os.path.join(_TMP, _sub)
atexit.register(shutil.rmtree, _TMP, ignore_errors=True)
