"""Addresses: fetching a web page or a PDF over http(s), refusing every other scheme.

Only the fetch lives here; what was fetched is read by its content type like a file of that kind.
"""

from __future__ import annotations

import contextvars
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from bilingual.documents.chars import printable
from bilingual.documents.core import DocumentError

# How long a server may take to answer; a slow site fails in one line rather than hanging the command.
FETCH_TIMEOUT_S = 20.0
# The largest response read, in bytes: far beyond any release or article, short of filling memory.
FETCH_LIMIT = 50 * 1024 * 1024
USER_AGENT = "bilingual (document import)"
# The wait a command chose (``--timeout``) for the fetches made inside it; FETCH_TIMEOUT_S when none did.
_TIMEOUT: contextvars.ContextVar[float] = contextvars.ContextVar("fetch_timeout", default=FETCH_TIMEOUT_S)


@contextmanager
def fetch_timeout(seconds: float | None) -> Iterator[None]:
    """Let every fetch inside the block wait ``seconds`` for an answer (None: the default)."""
    token = _TIMEOUT.set(FETCH_TIMEOUT_S if seconds is None else seconds)
    try:
        yield
    finally:
        _TIMEOUT.reset(token)


@dataclass(frozen=True)
class Fetched:
    """What an address answered: the final address (after redirects), its content type and its bytes."""

    url: str
    content_type: str
    data: bytes


def looks_like_url(text: str) -> bool:
    """Whether a command-line input is an address (``scheme://...``) rather than a file name."""
    scheme = urllib.parse.urlsplit(text).scheme
    return "://" in text and len(scheme) > 1


def check_url(url: str) -> str:
    """The address, checked to be http(s) with a host; DocumentError for any other."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme.lower() not in ("http", "https"):
        raise DocumentError(f"{printable(url)}: only http:// and https:// addresses are fetched, not "
                            f"{printable(parts.scheme) or 'this'}:")
    if not parts.hostname:
        raise DocumentError(f"{printable(url)}: the address has no host")
    return url


def fetch(url: str, timeout: float | None = None) -> Fetched:
    """Fetch an http(s) address; every failure (refused, not found, timed out, too large) is one DocumentError.

    ``timeout`` None waits as long as ``fetch_timeout`` set, else FETCH_TIMEOUT_S.
    """
    timeout = _TIMEOUT.get() if timeout is None else timeout
    shown = printable(check_url(url))
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,application/pdf,"
                                                   "application/xhtml+xml,text/plain;q=0.8,*/*;q=0.5"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            final = response.geturl()
            check_url(final)  # a redirect to file:// or ftp:// is refused too
            data = response.read(FETCH_LIMIT + 1)
            content_type = response.headers.get_content_type()
    except urllib.error.HTTPError as exc:
        raise DocumentError(f"{shown}: the server answered {exc.code} {exc.reason}") from exc
    except TimeoutError as exc:
        raise DocumentError(f"{shown}: no answer within {timeout:g} s (timed out)") from exc
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, TimeoutError):
            raise DocumentError(f"{shown}: no answer within {timeout:g} s (timed out)") from exc
        raise DocumentError(f"{shown}: cannot fetch the address ({printable(str(reason))})") from exc
    except OSError as exc:  # a connection reset half-way, a TLS failure
        raise DocumentError(f"{shown}: cannot fetch the address ({printable(str(exc))})") from exc
    if len(data) > FETCH_LIMIT:
        raise DocumentError(f"{shown}: the answer is larger than {FETCH_LIMIT // (1024 * 1024)} MiB")
    if not data.strip():
        raise DocumentError(f"{shown}: the server answered with nothing")
    return Fetched(final, content_type, data)


def url_name(url: str) -> str:
    """A document name for an address: its last path part, else its host (``release.pdf``, ``www.fm.dk``)."""
    parts = urllib.parse.urlsplit(url)
    last = urllib.parse.unquote(parts.path.rstrip("/").rsplit("/", 1)[-1])
    return last or parts.hostname or url
