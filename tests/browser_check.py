"""Say loudly when the end-to-end browser tests cannot run (Debian's chromium is missing)."""

from __future__ import annotations

import os
import shutil
import sys

if shutil.which("chromium") is None:
    bar = "!" * 78
    print(
        f"{bar}\n!! chromium is not installed: the end-to-end browser tests will FAIL.\n"
        f"!! Install it with: apt-get install chromium   (CI installs it itself)\n{bar}",
        file=sys.stderr,
    )
    if os.environ.get("CI"):
        sys.exit(1)
