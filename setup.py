"""Build hook: ship the top-level templates, static and letter_templates folders inside the wheel.

Everything else about the package is declared in pyproject.toml.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).resolve().parent
FOLDERS = ("templates", "static", "letter_templates")


class BuildWithShippedFolders(build_py):
    """Copy the top-level folders to records/_shipped/ in the build (not for editable installs,
    which read them where they are)."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            return
        target = Path(self.build_lib) / "records" / "_shipped"
        for name in FOLDERS:
            shutil.copytree(HERE / name, target / name, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildWithShippedFolders})
