"""``flask scheduler run`` (the long-running clock) and ``flask reminders sweep`` (one pass)."""

from __future__ import annotations

import signal
import threading
from datetime import UTC, datetime
from typing import Any

import click
from flask import current_app
from flask.cli import AppGroup

from records.core.clock import utc_now
from records.ops import scheduler

scheduler_cli = AppGroup("scheduler", help="The reminder scheduler process.")
reminders_cli = AppGroup("reminders", help="Reminder sweeps for cron and tests.")


@scheduler_cli.command("run")
def scheduler_run() -> None:
    """Tick every SWEEP_SECONDS until stopped; a second copy stands by and takes over."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    stop = threading.Event()

    def _stop(_signum: int, _frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    click.echo(
        f"scheduler {scheduler.worker_name()} started; sweeping every "
        f"{app.config['SWEEP_SECONDS']} s"
    )
    scheduler.run_forever(app, stop)
    click.echo("scheduler stopped")


def _parse_now(value: str | None) -> datetime:
    if not value:
        return utc_now()
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"{value!r} is not an ISO date-time") from exc
    # A time without a zone is taken as UTC, like every stored time.
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


@reminders_cli.command("sweep")
@click.option(
    "--now", "now_text", default=None, help="Sweep as if it were this ISO date-time (UTC)."
)
def reminders_sweep(now_text: str | None) -> None:
    """Run one sweep: plan reminders, deliver the due ones, run the periodic jobs."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    result = scheduler.tick(app, _parse_now(now_text))
    s = result.sweep
    click.echo(
        f"planned {s.planned}, delivered {s.delivered}, failed {s.failed}, cancelled {s.cancelled}"
    )
    for name, outcome in result.jobs.items():
        click.echo(f"job {name}: {outcome}")


COMMANDS = [scheduler_cli, reminders_cli]
