"""The app factory lists its parts explicitly; these checks catch a part written but not listed
(a page module whose blueprint is never registered, a command group never added)."""

from __future__ import annotations

import importlib
import pkgutil

import records.commands
import records.web


def _modules(pkg):
    for info in pkgutil.iter_modules(pkg.__path__):
        yield importlib.import_module(f"{pkg.__name__}.{info.name}")


def test_every_page_module_with_a_blueprint_is_registered(app):
    missing = [
        m.__name__
        for m in _modules(records.web)
        if hasattr(m, "bp") and app.blueprints.get(m.bp.name) is not m.bp
    ]
    assert missing == [], "add these to records.web.PAGES"


def test_every_command_group_is_added(app):
    missing = [
        f"{m.__name__}:{command.name}"
        for m in _modules(records.commands)
        for command in getattr(m, "COMMANDS", ())
        if app.cli.commands.get(command.name) is not command
    ]
    assert missing == [], "add these modules to records.cli.init_app"


def test_every_api_module_with_routes_is_loaded(app):
    import sys
    from pathlib import Path

    import records.api

    folder = Path(records.api.__file__).parent
    unloaded = [
        path.stem
        for path in sorted(folder.glob("[!_]*.py"))
        if "@api_bp." in path.read_text() and f"records.api.{path.stem}" not in sys.modules
    ]
    assert unloaded == [], "add these modules to the list at the end of records/api/__init__.py"


def test_create_app_lists_every_periodic_job(app):
    from records import jobs

    assert set(jobs.JOBS) == {
        "deadlines.deemed_denials",
        "extract_text",
        "inbound_mail",
        "letter_batches",
        "prune_login_attempts",
        "publish_embargoes",
        "sweep_stored_files",
    }
