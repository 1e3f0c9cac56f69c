"""Starting the review app as a Streamlit server: one command line for the CLI, tests and benchmarks."""

from __future__ import annotations

import ipaddress
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

PACKAGED_SCRIPT = Path(__file__).with_name("streamlit_app.py")


def app_command(script: str | Path, port: int, address: str = "127.0.0.1") -> list[str]:
    """``streamlit run`` for the review app: loopback by default, no file watcher, no usage statistics."""
    return [sys.executable, "-m", "streamlit", "run", str(script), "--server.port", str(port),
            "--server.address", address, "--server.fileWatcherType", "none", "--server.headless", "true",
            "--browser.gatherUsageStats", "false"]


def exposure_warning(address: str, port: int) -> str | None:
    """The warning for binding the app beyond this machine (it has no login), or None on a loopback address."""
    try:
        loopback = address == "localhost" or ipaddress.ip_address(address).is_loopback
    except ValueError:  # a host name: it may well be reachable from other machines
        loopback = False
    if loopback:
        return None
    return (f"warning: the review app has no login: anyone who can reach {address}:{port} can read and change the "
            "store. Put it behind a reverse proxy with authentication (docs/team.md) and bind it to 127.0.0.1.")


def free_port() -> int:
    """A TCP port on the loopback interface that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve_app(db: str | Path, log_path: Path, *, script: str | Path = PACKAGED_SCRIPT,
              env: Mapping[str, str] | None = None, timeout: float = 90) -> Iterator[str]:
    """Run the review app on a free loopback port until the block ends; yields its URL once it answers."""
    port = free_port()
    environment = dict(os.environ, **(env or {}), BILINGUAL_DB=str(db))
    with log_path.open("w") as log:
        server = subprocess.Popen(app_command(script, port), cwd=Path(script).parent, env=environment,
                                  stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            _wait_until_healthy(url, server, log_path, timeout)
            yield url
        finally:
            server.terminate()
            try:
                server.wait(timeout=20)
            except subprocess.TimeoutExpired:
                server.kill()


def _wait_until_healthy(url: str, server: subprocess.Popen, log_path: Path, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as answer:
                if answer.read() == b"ok":
                    return
        except OSError:
            pass
        if server.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError("the review app did not start:\n" + log_path.read_text()[-3000:])
        time.sleep(0.3)
