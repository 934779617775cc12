"""The built wheel works outside the checkout: it migrates, serves a page with its styles and
drafts a letter, with nothing from the project's folder on the path."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import docx
import pytest
import requests

from tests import processes
from tests.live_server import free_port, wait_for_port

ROOT = Path(__file__).resolve().parent.parent
NOT_SOURCE = shutil.ignore_patterns(
    ".git", ".venv", "node_modules", "instance", "build", "dist", "*.egg-info", "__pycache__",
    ".pytest_cache", ".ruff_cache", "_shipped",
)  # fmt: skip


def _sh(argv: list[str], **kwargs: object) -> str:
    """Run a build step on the suite's clock (pip checks TLS certificates against it)."""
    out = processes.run(
        argv, dict(os.environ), capture_output=True, text=True, timeout=600, **kwargs
    )
    assert out.returncode == 0, f"{argv[:3]} failed:\n{out.stdout[-2000:]}\n{out.stderr[-3000:]}"
    return out.stdout


@pytest.fixture
def installed(tmp_path: Path) -> Path:
    """A clean virtualenv with only the built wheel (and its declared dependencies) installed."""
    work = tmp_path / "wheel"
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    _sh(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "-q",
            "--no-deps",
            "-w",
            str(work / "dist"),
            "./source",
        ],
        cwd=work,
    )
    (wheel,) = (work / "dist").glob("records_desk-*.whl")
    venv = work / "venv"
    _sh([sys.executable, "-m", "venv", str(venv)])
    _sh([str(venv / "bin" / "pip"), "install", "-q", str(wheel)])
    shutil.rmtree(source)  # nothing of the project's folder is left to fall back on
    return venv


@pytest.fixture
def instance(installed: Path, tmp_path: Path) -> tuple[Path, dict[str, str]]:
    run_dir = tmp_path / "site"
    run_dir.mkdir()
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("PYTHONPATH", "VIRTUAL_ENV", "DATABASE_URL", "FLASK_APP")
    }
    env.update(
        PATH=f"{installed / 'bin'}{os.pathsep}{env.get('PATH', '')}",
        DATABASE_URL=f"sqlite:///{run_dir / 'records.db'}",
        SECRET_KEY="wheel-test-secret-key-0123456789abcdef",
        STORAGE_DIR=str(run_dir / "storage"),
        RECORDS_INSTANCE_PATH=str(run_dir / "instance"),
        SCHEDULER_ENABLED="false",
        BASE_URL="https://records.example.org",
    )
    return run_dir, env


@pytest.mark.slow
def test_the_wheel_ships_its_templates_and_runs_from_a_clean_venv(installed, instance):
    run_dir, env = instance
    bin_dir = installed / "bin"
    where = processes.run(
        [str(bin_dir / "python"), "-c", "import records; print(records.__file__)"],
        env, cwd=run_dir, capture_output=True, text=True,
    )  # fmt: skip
    assert where.returncode == 0, where.stderr
    assert Path(where.stdout.strip()).is_relative_to(installed)
    assert not Path(where.stdout.strip()).is_relative_to(ROOT)

    flask = [str(bin_dir / "flask"), "--app", "records:create_app"]
    upgrade = processes.run(
        [*flask, "db", "upgrade"], env, cwd=run_dir, capture_output=True, text=True
    )
    assert upgrade.returncode == 0, upgrade.stderr

    letter = run_dir / "ice.docx"
    drafted = processes.run(
        [*flask, "letters", "draft", "--subject", "agreements", "--law", "US", "--kind", "federal",
         "--agency", "ICE", "--from", "2020-01-01", "--to", "2026-10-31",
         "--local-agency", "Birmingham Police Department",
         "--requester-name", "A. Reporter", "--out", str(letter)],
        env, cwd=run_dir, capture_output=True, text=True,
    )  # fmt: skip
    assert drafted.returncode == 0, drafted.stderr
    text = "\n".join(p.text for p in docx.Document(str(letter)).paragraphs)
    assert "5 U.S.C. § 552" in text
    assert "A. Reporter" in text

    port = free_port()
    server = processes.popen(
        [str(bin_dir / "gunicorn"), "--workers", "1", "--bind", f"127.0.0.1:{port}",
         "records:create_app()"],
        env, cwd=run_dir, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        wait_for_port(port, server)
        page = requests.get(f"http://127.0.0.1:{port}/login", timeout=60)
        assert page.status_code == 200
        assert 'name="csrf_token"' in page.text
        css = requests.get(f"http://127.0.0.1:{port}/static/app.css", timeout=60)
        assert css.status_code == 200 and len(css.content) > 100
    finally:
        server.terminate()
        server.wait(timeout=20)
