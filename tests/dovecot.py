"""A real IMAP server for the tests: Debian's Dovecot, unprivileged, on a free loopback port.

Dovecot is not a product process (it never reads the suite's clock), so it is started with a
plain subprocess: a generated config, a Maildir in a fresh folder, one user with a plain
password. Under root it runs as ``nobody`` (the folder is handed to that user); otherwise as
the current user. Mail is delivered with IMAP APPEND, as an MTA's delivery agent would.
"""

from __future__ import annotations

import contextlib
import grp
import imaplib
import os
import pwd
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
USER = "desk"
PASSWORD = "imap-test-pass"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Dovecot:
    """One running Dovecot; ``restart()`` stops and starts it on the same port and Maildir."""

    def __init__(self) -> None:
        if not os.path.exists(DOVECOT):
            raise RuntimeError("Dovecot is not installed: apt-get install dovecot-imapd")
        self.root = Path(tempfile.mkdtemp(prefix="records-imap-"))
        self.port = _free_port()
        if os.geteuid() == 0:
            account = pwd.getpwnam("nobody")
            self.uid, self.gid = account.pw_uid, account.pw_gid
        else:
            self.uid, self.gid = os.getuid(), os.getgid()
        self.user_name = pwd.getpwuid(self.uid).pw_name
        self.group_name = grp.getgrgid(self.gid).gr_name
        for sub in ("run", "state", "home", "Maildir"):
            (self.root / sub).mkdir()
        (self.root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
        (self.root / "dovecot.conf").write_text(self._config())
        if os.geteuid() == 0:
            os.chmod(self.root, 0o755)
            for path in [self.root, *self.root.rglob("*")]:
                os.chown(path, self.uid, self.gid)
        self.proc: subprocess.Popen[bytes] | None = None
        self.start()

    def _config(self) -> str:
        r = self.root
        return f"""
base_dir = {r}/run
state_dir = {r}/state
log_path = {r}/dovecot.log
protocols = imap
listen = 127.0.0.1
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{r}/Maildir
default_internal_user = {self.user_name}
default_internal_group = {self.group_name}
default_login_user = {self.user_name}
mail_uid = {self.uid}
mail_gid = {self.gid}
first_valid_uid = 0
first_valid_gid = 0
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {r}/passwd
}}
userdb {{
  driver = static
  args = uid={self.uid} gid={self.gid} home={r}/home
}}
namespace inbox {{
  inbox = yes
  separator = /
  mailbox Filed {{
    auto = create
  }}
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {self.port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service stats {{
  unix_listener stats-writer {{
    mode = 0666
  }}
}}
"""

    def _argv(self) -> list[str]:
        argv = [DOVECOT, "-F", "-c", str(self.root / "dovecot.conf")]
        if os.geteuid() == 0:
            setpriv = shutil.which("setpriv")
            if setpriv is None:
                raise RuntimeError("setpriv (util-linux) is needed to run Dovecot unprivileged")
            argv = [
                setpriv,
                f"--reuid={self.uid}",
                f"--regid={self.gid}",
                "--clear-groups",
                *argv,
            ]
        return argv

    def start(self) -> None:
        with open(self.root / "stderr.log", "ab") as errors:
            self.proc = subprocess.Popen(  # noqa: S603 - fixed argv
                self._argv(), stdout=subprocess.DEVNULL, stderr=errors, start_new_session=True
            )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = (self.root / "stderr.log").read_text()
                log = (
                    (self.root / "dovecot.log").read_text()
                    if (self.root / "dovecot.log").exists()
                    else ""
                )
                raise RuntimeError(f"Dovecot did not start: {err}\n{log}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                    if sock.recv(100).startswith(b"* OK"):
                        return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("Dovecot did not answer within 15 seconds")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            # The whole group: the master and the imap processes serving open connections.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, signal.SIGKILL)
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(5)
        self.proc = None

    def restart(self) -> None:
        self.stop()
        self.start()

    def close(self) -> None:
        self.stop()
        shutil.rmtree(self.root, ignore_errors=True)

    def client(self) -> imaplib.IMAP4:
        con = imaplib.IMAP4("127.0.0.1", self.port, timeout=10)
        con.login(USER, PASSWORD)
        return con

    def deliver(self, raw: bytes, folder: str = "INBOX") -> None:
        con = self.client()
        try:
            typ, data = con.append(folder, None, None, raw)
            assert typ == "OK", data
        finally:
            con.logout()

    def flags(self, folder: str = "INBOX") -> dict[int, str]:
        """UID -> flags of every message in ``folder``."""
        con = self.client()
        try:
            con.select(folder)
            typ, data = con.uid("FETCH", "1:*", "(FLAGS)")
            out = {}
            for item in data or []:
                if not item:
                    continue
                text = item.decode() if isinstance(item, bytes) else item[0].decode()
                uid = int(text.split("UID ")[1].split()[0].rstrip(")"))
                out[uid] = text.split("FLAGS (")[1].split(")")[0]
            return out
        finally:
            con.logout()

    def count(self, folder: str = "INBOX") -> int:
        con = self.client()
        try:
            typ, data = con.select(folder)
            return int(data[0])
        finally:
            con.logout()
