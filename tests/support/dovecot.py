"""A throwaway Dovecot IMAP server for the email tests.

Dovecot comes from Debian's ``dovecot-imapd`` package (``scripts/test`` installs it when
missing; so does ``ensure_installed`` when run as root). The server runs with a config
of its own in a temporary directory: one test user in a passwd-file, Maildirs under the
same directory, plain-text login on a free loopback port, and no TLS. It is stopped and
its directory removed afterwards.
"""

from __future__ import annotations

import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

DOVECOT = "/usr/sbin/dovecot"
USER = "support"
PASSWORD = "imap-test-password"


def ensure_installed() -> str:
    """The dovecot binary, installed with apt-get when missing and we are root."""
    found = shutil.which("dovecot") or (DOVECOT if os.path.exists(DOVECOT) else None)
    if found:
        return found
    if os.geteuid() != 0 or shutil.which("apt-get") is None:
        raise RuntimeError("dovecot is not installed: apt-get install dovecot-imapd")
    env = os.environ | {"DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "dovecot-imapd"],
        check=True,
        env=env,
    )
    return DOVECOT


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    root: Path

    @property
    def url(self) -> str:
        return f"imap://{self.user}:{self.password}@{self.host}:{self.port}/INBOX"


def _accounts() -> tuple[str, str, pwd.struct_passwd]:
    """Who dovecot's own processes and the mail user run as."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return me.pw_name, me.pw_name, me
    return "dovecot", "dovenull", pwd.getpwnam("nobody")


def _config(root: Path, port: int) -> str:
    internal, login, mail_user = _accounts()
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
mail_location = maildir:{root}/mail/%u
first_valid_uid = 1
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name}
default_login_user = {login}
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={mail_user.pw_uid} gid={mail_user.pw_gid} home={root}/home/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


def start() -> ImapServer:
    binary = ensure_installed()
    root = Path(tempfile.mkdtemp(prefix="casedesk-imap-"))
    root.chmod(0o755)
    _, _, mail_user = _accounts()
    for sub in ("mail", "home", "run", "state"):
        (root / sub).mkdir()
    for sub in ("mail", "home"):
        os.chown(root / sub, mail_user.pw_uid, mail_user.pw_gid)
    (root / "passwd").write_text(f"{USER}:{{PLAIN}}{PASSWORD}\n")
    last_error = ""
    for _ in range(5):
        port = _free_port()
        conf = root / "dovecot.conf"
        conf.write_text(_config(root, port))
        # The daemon keeps inherited descriptors open: its output goes to a file.
        with (root / "start.log").open("w") as out:
            done = subprocess.run([binary, "-c", str(conf)], stdout=out, stderr=out)
        if done.returncode == 0 and _wait_for_port(port):
            return ImapServer("127.0.0.1", port, USER, PASSWORD, root)
        last_error = (root / "start.log").read_text() + _log(root)
        subprocess.run(
            [binary, "-c", str(conf), "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
    shutil.rmtree(root, ignore_errors=True)
    raise RuntimeError(f"dovecot did not start: {last_error}")


def stop(server: ImapServer) -> None:
    subprocess.run(
        [ensure_installed(), "-c", str(server.root / "dovecot.conf"), "stop"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    pid_file = server.root / "run" / "master.pid"
    deadline = time.monotonic() + 10
    while pid_file.exists() and time.monotonic() < deadline:
        time.sleep(0.05)  # waiting for the master to exit, not for a test condition
    shutil.rmtree(server.root, ignore_errors=True)


def _wait_for_port(port: int, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                return conn.recv(100).startswith(b"* OK")
        except OSError:
            time.sleep(0.05)
    return False


def _log(root: Path) -> str:
    path = root / "dovecot.log"
    return path.read_text(errors="replace") if path.exists() else ""
