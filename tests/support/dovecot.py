"""A throwaway Dovecot IMAP server for the email tests.

Dovecot comes from Debian's ``dovecot-imapd`` package (``scripts/test`` installs it when
missing; so does ``ensure_installed`` when run as root). The server runs with a config
of its own in a temporary directory: one test user in a passwd-file, Maildirs under the
same directory, plain-text login on a free loopback port, and no TLS. Started with
``oauth`` (an ``OAuthPassdb``), it takes OAuth2 access tokens (XOAUTH2, OAUTHBEARER)
instead of passwords and asks the authorization server about each one. Started with a
server certificate, it requires TLS instead (``ssl = required``): IMAPS on one port,
plain IMAP with STARTTLS on the other, and no login before TLS. It is stopped and its
directory removed afterwards.
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

from tests.support.tls import ServerCertificate

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


@dataclass(frozen=True)
class OAuthPassdb:
    """Where Dovecot's OAuth2 passdb checks a token: RFC 7662 introspection (POST, with
    HTTP Basic credentials in the URL) after the token-info URL the token is appended to."""

    introspection_url: str
    tokeninfo_url: str


@dataclass
class ImapServer:
    host: str
    port: int
    user: str
    password: str
    root: Path
    #: The IMAPS port of a server started with a certificate.
    tls_port: int | None = None

    @property
    def url(self) -> str:
        return f"imap://{self.user}:{self.password}@{self.host}:{self.port}/INBOX"

    def url_for(self, folder: str, security: str = "none", host: str | None = None) -> str:
        """``security``: ``none`` (plain), ``starttls`` or ``tls`` (the IMAPS port)."""
        login = f"{self.user}:{self.password}@{host or self.host}"
        if security == "tls":
            return f"imaps://{login}:{self.tls_port}/{folder}"
        query = "?starttls" if security == "starttls" else ""
        return f"imap://{login}:{self.port}/{folder}{query}"


def _accounts() -> tuple[str, str, pwd.struct_passwd]:
    """Who dovecot's own processes and the mail user run as."""
    if os.geteuid() != 0:
        me = pwd.getpwuid(os.geteuid())
        return me.pw_name, me.pw_name, me
    return "dovecot", "dovenull", pwd.getpwnam("nobody")


def _ssl_config(tls: ServerCertificate | None) -> str:
    if tls is None:
        return "ssl = no\ndisable_plaintext_auth = no"
    return f"""ssl = required
ssl_cert = <{tls.cert}
ssl_key = <{tls.key}
ssl_min_protocol = TLSv1.2
disable_plaintext_auth = yes"""


def _imaps_listener(tls_port: int | None) -> str:
    if tls_port is None:
        return "port = 0"
    return f"address = 127.0.0.1\n    port = {tls_port}\n    ssl = yes"


def _passdb(root: Path, oauth: OAuthPassdb | None) -> str:
    if oauth is None:
        return f"""auth_mechanisms = plain login
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}"""
    (root / "dovecot-oauth2.conf.ext").write_text(
        f"""tokeninfo_url = {oauth.tokeninfo_url}
introspection_url = {oauth.introspection_url}
introspection_mode = post
force_introspection = yes
username_attribute = username
active_attribute = active
active_value = true
"""
    )
    return f"""auth_mechanisms = xoauth2 oauthbearer
passdb {{
  driver = oauth2
  mechanisms = xoauth2 oauthbearer
  args = {root}/dovecot-oauth2.conf.ext
}}"""


def _config(
    root: Path,
    port: int,
    tls: ServerCertificate | None,
    tls_port: int | None,
    oauth: OAuthPassdb | None = None,
) -> str:
    internal, login, mail_user = _accounts()
    return f"""
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
{_ssl_config(tls)}
mail_location = maildir:{root}/mail/%u
first_valid_uid = 1
default_internal_user = {internal}
default_internal_group = {grp.getgrgid(pwd.getpwnam(internal).pw_gid).gr_name}
default_login_user = {login}
{_passdb(root, oauth)}
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
    {_imaps_listener(tls_port)}
  }}
}}
service anvil {{
  chroot =
}}
service imap-login {{
  chroot =
}}
"""


def start(tls: ServerCertificate | None = None, oauth: OAuthPassdb | None = None) -> ImapServer:
    """A running server; with ``tls``, one that requires TLS (IMAPS and STARTTLS); with
    ``oauth``, one that signs users in by OAuth2 access token."""
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
        tls_port = _free_port() if tls is not None else None
        conf = root / "dovecot.conf"
        conf.write_text(_config(root, port, tls, tls_port, oauth))
        # The daemon keeps inherited descriptors open: its output goes to a file.
        with (root / "start.log").open("w") as out:
            done = subprocess.run([binary, "-c", str(conf)], stdout=out, stderr=out)
        if (
            done.returncode == 0
            and _wait_for_port(port)
            and (tls_port is None or _wait_for_port(tls_port, greeting=None))
        ):
            return ImapServer("127.0.0.1", port, USER, PASSWORD, root, tls_port)
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


def _wait_for_port(port: int, timeout: float = 10.0, greeting: bytes | None = b"* OK") -> bool:
    """Whether the port takes connections (and greets, unless ``greeting`` is None:
    an IMAPS port waits for the client's TLS hello)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1) as conn:
                return greeting is None or conn.recv(100).startswith(greeting)
        except OSError:
            time.sleep(0.05)
    return False


def _log(root: Path) -> str:
    path = root / "dovecot.log"
    return path.read_text(errors="replace") if path.exists() else ""
