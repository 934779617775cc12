"""Where the folders the app ships with live: in a checkout, or copied into an installed wheel.

The design keeps ``templates/``, ``static/`` and ``letter_templates/`` at the top of the project.
A wheel has no top level of its own, so ``setup.py`` copies them into ``records/_shipped/`` when it
builds one; a checkout (or an editable install) has no such folder and uses the originals.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent
SHIPPED = PACKAGE / "_shipped"
CHECKOUT = PACKAGE.parent

FOLDERS = ("templates", "static", "letter_templates")


def installed() -> bool:
    """True when running from a built wheel rather than from the project's own folder."""
    return SHIPPED.is_dir()


def shipped(name: str) -> Path:
    """The folder ``name`` (one of ``FOLDERS``) the running copy of the app ships with."""
    if name not in FOLDERS:
        raise ValueError(f"not a shipped folder: {name}")
    return SHIPPED / name if installed() else CHECKOUT / name
