"""The app factory lists its parts explicitly, each package from its ``init_app``; these checks
catch a part written but not listed (a page module whose blueprint is never registered, a
command group never added, API routes never loaded, panels never shown)."""

from __future__ import annotations

import importlib
import pkgutil
import sys
from pathlib import Path

from flask import Blueprint

import records
from records.web import panels


def _modules():
    for info in pkgutil.walk_packages(records.__path__, "records."):
        if ".migrations" in info.name:
            continue
        yield importlib.import_module(info.name)


def test_every_blueprint_is_registered(app):
    missing = [
        f"{m.__name__}.{name}"
        for m in _modules()
        for name, value in vars(m).items()
        if isinstance(value, Blueprint)
        and value.import_name == m.__name__
        and app.blueprints.get(value.name) is not value
    ]
    assert missing == [], "register these from their package's init_app"


def test_every_command_module_is_added(app):
    missing = [
        f"{m.__name__}:{command.name}"
        for m in _modules()
        for command in getattr(m, "COMMANDS", ())
        if app.cli.commands.get(command.name) is not command
    ]
    assert missing == [], (
        "add these modules with records.cli.add_lazy from their package's init_app"
    )


def _dotted(relative: Path) -> str:
    parts = [p for p in relative.with_suffix("").parts if p != "__init__"]
    return ".".join(["records", *parts])


def test_every_module_with_api_routes_is_loaded(app):
    root = Path(records.__file__).parent
    unloaded = [
        path.relative_to(root).as_posix()
        for path in sorted(root.rglob("*.py"))
        if "@api_bp." in path.read_text() and _dotted(path.relative_to(root)) not in sys.modules
    ]
    assert unloaded == [], "import these from their package's init_app"


def test_every_module_with_panels_adds_them(app):
    registered = {
        p.render.__module__
        for kind in (panels.REQUEST_PANELS, panels.DASHBOARD_PANELS, panels.PUBLIC_REQUEST_PANELS)
        for p in kind.values()
    }
    declared = {m.__name__ for m in _modules() if hasattr(m, "add_panels")}
    assert declared - registered == set(), "call add_panels() from their package's init_app"


def test_building_a_second_app_adds_no_panel_twice(app, config):
    before = {k: dict(v) for k, v in vars(panels).items() if k.endswith("_PANELS")}
    records.create_app(config).extensions["db_engine"].dispose()
    after = {k: dict(v) for k, v in vars(panels).items() if k.endswith("_PANELS")}
    assert before == after


def test_create_app_lists_every_periodic_job(app):
    from records.core import jobs

    assert set(jobs.JOBS) == {
        "deadlines.deemed_denials",
        "extract_text",
        "inbound_mail",
        "letter_batches",
        "prune_login_attempts",
        "publish_embargoes",
        "sweep_stored_files",
    }


def test_every_capability_package_has_an_init_app():
    """``ls records/`` is the product's table of contents: each capability package registers
    itself; the shared layers (core, access, schema, api, laws, subjects, seed) hold no pages."""
    shared = {"core", "access", "schema", "api", "laws", "subjects", "seed"}
    packages = sorted(info.name for info in pkgutil.iter_modules(records.__path__) if info.ispkg)
    without = [
        name
        for name in packages
        if name not in shared
        and not hasattr(importlib.import_module(f"records.{name}"), "init_app")
    ]
    assert without == []
    source = Path(records.__file__).read_text()
    not_called = [
        name for name in packages if name not in shared and f"{name}.init_app(app)" not in source
    ]
    assert not_called == [], "call these from records.create_app"
