"""A real gunicorn server (several worker processes) on the test's database, and a browser-like
client for it that logs in through the login form with its CSRF token."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import requests
from flask import Flask

from tests import processes
from tests.conftest import assert_redirect

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def server_env(app: Flask, **extra: str) -> dict[str, str]:
    """The environment for a server process on the same database, storage and secret as ``app``."""
    return {
        **os.environ,
        "DATABASE_URL": app.config["DATABASE_URL"],
        "STORAGE_DIR": app.config["STORAGE_DIR"],
        "SECRET_KEY": app.config["SECRET_KEY"],
        "RECORDS_INSTANCE_PATH": app.instance_path,
        "SCHEDULER_ENABLED": "false",
        **extra,
    }


def wait_for_port(port: int, proc: subprocess.Popen[bytes], seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"the server exited with {proc.returncode}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


@contextmanager
def gunicorn(app: Flask, *, workers: int = 3, threads: int = 1, **env: str) -> Iterator[str]:
    """Serve the app with ``workers`` gunicorn processes; yields the base URL."""
    port = free_port()
    exe = str(Path(sys.executable).with_name("gunicorn"))
    proc = processes.popen(
        [
            exe,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--bind",
            f"127.0.0.1:{port}",
            "--timeout",
            "120",
            # The tests' sessions reuse connections; gunicorn's default 2 s keep-alive closes an
            # idle one just as a slow machine sends the next POST on it ("connection reset").
            "--keep-alive",
            "120",
            "app:app",
        ],
        server_env(app, **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for_port(port, proc)
        base = f"http://127.0.0.1:{port}"  # warm up: let the workers finish importing the app
        for _ in range(workers * 2):
            requests.get(f"{base}/login", timeout=60)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


def csrf_token(http: requests.Session, url: str) -> str:
    """The CSRF token of the form on the page at ``url``."""
    page = http.get(url, timeout=60)
    match = CSRF.search(page.text)
    assert match, f"no form with a CSRF token on {url} ({page.status_code})"
    return match.group(1)


def browser_login(base: str, email: str, password: str) -> requests.Session:
    """A session logged in through the real login form."""
    http = requests.Session()
    token = csrf_token(http, f"{base}/login")
    resp = http.post(
        f"{base}/login",
        data={"csrf_token": token, "email": email, "password": password},
        allow_redirects=False,
        timeout=60,
    )
    assert_redirect(resp, "/")  # logged in: off to the dashboard
    return http


def post_form(http: requests.Session, url: str, data: dict[str, Any], token: str) -> Any:
    return http.post(url, data={"csrf_token": token, **data}, allow_redirects=False, timeout=60)
