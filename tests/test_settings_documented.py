"""Documentation that cannot drift: settings, CLI commands and API routes appear in the docs."""

from __future__ import annotations

from pathlib import Path

from records.core.config import SETTINGS

ROOT = Path(__file__).resolve().parent.parent


def test_every_setting_is_in_the_readme():
    readme = (ROOT / "README.md").read_text()
    missing = [s.name for s in SETTINGS if f"`{s.name}`" not in readme]
    assert not missing, f"document these settings in README.md: {missing}"


def test_every_cli_command_is_documented(app):
    docs = (ROOT / "README.md").read_text() + "".join(
        p.read_text() for p in (ROOT / "docs").glob("*.md")
    )
    missing = []
    for name, cmd in app.cli.commands.items():
        if name in {"run", "shell", "routes"}:
            continue
        subs = getattr(cmd, "commands", None)
        for full in [f"{name} {s}" for s in subs] if subs else [name]:
            if full not in docs:
                missing.append(full)
    assert not missing, f"document these commands: {missing}"


def test_every_api_route_is_in_the_api_doc(app):
    doc = "".join(p.read_text() for p in (ROOT / "docs").glob("*.md"))
    missing = []
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/v1/"):
            path = rule.rule.replace("<int:", "<")
            if path not in doc:
                missing.append(path)
    assert not missing, f"document these API routes in docs/: {sorted(set(missing))}"
