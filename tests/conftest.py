"""Every test, and every command a test starts, saves runs into a store of its own session,
never into the user's store (~/.local/share/quota-opt)."""

import os
import tempfile
from pathlib import Path

_SESSION_STORE = Path(tempfile.mkdtemp(prefix="quota-opt-test-store-")) / "store.sqlite"
os.environ["QUOTA_OPT_DB"] = str(_SESSION_STORE)
os.environ.setdefault("QUOTA_OPT_AUTHOR", "pytest")
