"""A throw-away PostgreSQL server for tests and benchmarks, from Debian's ``postgresql`` package.

``initdb`` refuses to run as root, so as root the cluster is made and run as the ``postgres`` system
user (the package creates it) in a temporary folder that user owns; as any other user it runs as
that user. The server listens on a free port on 127.0.0.1 only, trusts local connections, keeps no
Unix socket outside its folder, and skips fsync (its data is thrown away). ``.ci/run`` installs the
package when it is missing.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

SEARCHED = [Path("/usr/lib/postgresql") / v / "bin" for v in ("17", "16", "15", "14", "13")]
HOW = "install Debian's postgresql package (`apt-get install postgresql`; .ci/run does it)"


class NoServer(RuntimeError):
    """No PostgreSQL server could be started here: the message says why and what to install."""


def binaries() -> Path:
    """The folder holding ``initdb`` and ``pg_ctl``: BILINGUAL_PG_BIN, else Debian's newest."""
    if named := os.environ.get("BILINGUAL_PG_BIN"):
        if (Path(named) / "initdb").is_file() and (Path(named) / "pg_ctl").is_file():
            return Path(named)
        raise NoServer(f"BILINGUAL_PG_BIN={named} holds no initdb and pg_ctl: point it at PostgreSQL's bin folder")
    for folder in SEARCHED:
        if (folder / "initdb").is_file() and (folder / "pg_ctl").is_file():
            return folder
    found = shutil.which("pg_ctl")
    if found and (Path(found).parent / "initdb").is_file():
        return Path(found).parent
    raise NoServer(f"no PostgreSQL binaries (initdb, pg_ctl) in {', '.join(map(str, SEARCHED))}: {HOW}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    """A running throw-away server: ``url(db)`` names a database on it, ``new_database()`` makes an empty one."""

    def __init__(self, folder: Path, port: int, user: str):
        self.folder, self.port, self.user = folder, port, user
        self._count = itertools.count(1)

    def url(self, database: str = "postgres") -> str:
        """The connection URL of a database on this server."""
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def new_database(self, prefix: str = "t") -> str:
        """A new empty database; its URL."""
        import psycopg

        name = f"{prefix}{os.getpid()}_{next(self._count)}"
        with psycopg.connect(self.url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)


def _run(command: list[str], as_user: str | None, log: Path | None = None) -> None:
    if as_user:
        command = ["runuser", "-u", as_user, "--", *command]
    done = subprocess.run(command, capture_output=True, text=True, timeout=120)
    if done.returncode:
        tail = (done.stderr or done.stdout).strip().splitlines()[-5:]
        extra = f"; server log: {log.read_text()[-1500:]}" if log and log.exists() else ""
        raise NoServer(f"`{' '.join(command)}` failed: {' | '.join(tail)}{extra}")


@contextmanager
def running_server() -> Iterator[Server]:
    """Start a throw-away server; stop it and delete its folder when the block ends. NoServer if it cannot."""
    bin_dir = binaries()
    as_user = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError as exc:
            raise NoServer(f"running as root, and there is no `postgres` user to run initdb as: {HOW}") from exc
        if not shutil.which("runuser"):
            raise NoServer("running as root, and `runuser` (util-linux) is missing to run initdb as postgres")
        as_user = "postgres"
    folder = Path(tempfile.mkdtemp(prefix="bilingual-pg-"))
    if as_user:
        os.chown(folder, owner.pw_uid, owner.pw_gid)
    data, log, port = folder / "data", folder / "server.log", _free_port()
    user = "bilingual"
    try:
        _run([str(bin_dir / "initdb"), "-D", str(data), "-U", user, "--auth=trust", "-E", "UTF8",
              "--locale=C.UTF-8", "--no-sync"], as_user)
        options = (f"-p {port} -c listen_addresses=127.0.0.1 -c unix_socket_directories={folder} -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=60")
        _run([str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options, "-w", "-t", "60", "start"],
             as_user, log)
        try:
            yield Server(folder, port, user)
        finally:
            subprocess.run(([] if not as_user else ["runuser", "-u", as_user, "--"])
                           + [str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop"],
                           capture_output=True, timeout=60)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
