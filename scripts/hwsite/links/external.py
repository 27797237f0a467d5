"""External references of the built site: offline syntax checks of mailto:/tel: URLs, a
polite http(s) checker (bounded threads, per-host spacing, retries, on-disk JSON cache),
and the findings of the URLs that failed.

Nothing here runs unless the link checker is asked to (--external); no module-level state.
"""

from __future__ import annotations

import email.utils
import http.client
import json
import re
import socket
import ssl
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit, urlunsplit

from hwsite.files import write_atomically
from hwsite.links.report import ExternalRef, Finding, sort_findings

USER_AGENT = "healthwise-link-checker/1.0 (+static site CI; polite, cached)"
# Transient failures (timeouts, 5xx, 429) are kept at most this long so a flaky host does
# not keep a run red for a whole --cache-ttl, yet repeated runs in a row do not retry it.
TRANSIENT_TTL_HOURS = 1.0
_RETRY_STATUSES = {408, 429, 500, 502, 503, 504}
# Servers that reject HEAD (or answer it wrongly) get a GET before we call the URL broken.
_HEAD_FALLBACK_MIN = 400

# ---------------------------------------------------------------------------------------
# mailto: and tel: (RFC 6068, RFC 3966), never sent anywhere

_BAD_PERCENT = re.compile(r"%(?![0-9A-Fa-f]{2})")
_LOCAL_PART = re.compile(r"[^\s@<>()\[\]\\,;:\"]+")
_DOMAIN_LABEL = re.compile(r"[^\W_](?:[\w-]*[^\W_])?")


def _valid_address(addr: str) -> bool:
    local, at, domain = addr.rpartition("@")
    if not at or not local or not domain:
        return False
    if not _LOCAL_PART.fullmatch(local) or local.startswith(".") or local.endswith(".") \
            or ".." in local:
        return False
    labels = domain.rstrip(".").split(".")
    if len(labels) < 2 or labels[-1].isdigit():
        return False
    return all(len(label) <= 63 and _DOMAIN_LABEL.fullmatch(label) for label in labels)


def validate_mailto(url: str) -> str | None:
    """None when url is a usable mailto: URL, else what is wrong with it."""
    body = url.split(":", 1)[1]
    if _BAD_PERCENT.search(body):
        return "malformed percent-encoding"
    to, _, query = body.partition("?")
    addresses = [a.strip() for a in unquote(to).split(",")] if to else []
    if query:
        for field in query.split("&"):
            if not field:
                continue
            name, eq, value = field.partition("=")
            if not eq or not name:
                return f"malformed header field {field!r}"
            if unquote(name).lower() == "to":
                addresses += [a.strip() for a in unquote(value).split(",")]
    if not addresses:
        return "no address"
    for addr in addresses:
        if not addr:
            return "empty address in list"
        if not _valid_address(addr):
            return f"not an email address: {addr!r}"
    return None


_TEL_SEPARATORS = re.compile(r"[-.()\s\u00a0]")
_TEL_PARAM = re.compile(r"[A-Za-z0-9-]+(?:=[^;]+)?")


def validate_tel(url: str) -> str | None:
    """None when url is a dialable tel: URL, else what is wrong with it.

    Local numbers without ;phone-context (tel:120) are accepted: phones dial them and
    emergency numbers are written that way.
    """
    body = url.split(":", 1)[1]
    if _BAD_PERCENT.search(body):
        return "malformed percent-encoding"
    number, *params = unquote(body).split(";")
    digits = _TEL_SEPARATORS.sub("", number)
    if not digits:
        return "no number"
    if digits.startswith("+"):
        rest = digits[1:]
        if not rest.isdigit() or not rest.isascii():
            return f"not a phone number: {number!r}"
        if len(rest) > 15:
            return f"more than 15 digits (E.164): {number!r}"
    elif not re.fullmatch(r"[0-9*#]*[0-9][0-9*#]*", digits):
        return f"not a phone number: {number!r}"
    for param in params:
        if not _TEL_PARAM.fullmatch(param):
            return f"malformed parameter {param!r}"
    return None


# ---------------------------------------------------------------------------------------
# http(s)


@dataclass
class UrlResult:
    url: str
    ok: bool
    status: int | None = None
    error: str | None = None
    broken: bool = False  # a permanent failure (404, bad certificate), not a flaky one
    checked: float = 0.0  # epoch seconds
    attempts: int = 0  # requests made in this run (0 when answered from the cache)

    def describe(self) -> str:
        if self.error:
            return self.error
        return f"HTTP {self.status}"

    def to_json(self) -> dict:
        data = asdict(self)
        del data["url"], data["attempts"]
        return data


@dataclass(frozen=True)
class CheckOptions:
    timeout: float = 10.0  # seconds per request
    retries: int = 2  # extra attempts on timeouts, connection errors, 429 and 5xx
    workers: int = 8  # threads, i.e. requests in flight
    per_host_delay: float = 0.5  # seconds between two requests starting to one host
    backoff: float = 1.0  # first retry wait; doubles each retry
    max_retry_after: float = 30.0  # cap on a server's Retry-After and on any wait
    ttl_hours: float = 24.0
    user_agent: str = USER_AGENT


def to_ascii_url(url: str) -> str:
    """The URL as sent on the wire: IDNA host, percent-encoded path and query."""
    parts = urlsplit(url)
    netloc = parts.netloc
    userinfo, at, hostport = netloc.rpartition("@")
    host, colon, port = hostport.partition(":") if not hostport.startswith("[") else (
        hostport, "", "")
    try:
        host = host.encode("idna").decode("ascii") if not host.isascii() else host
    except UnicodeError:
        pass
    netloc = userinfo + at + host + colon + port
    safe = "/%:@!$&'()*+,;=-._~"
    return urlunsplit((parts.scheme.lower(), netloc, quote(parts.path, safe=safe),
                       quote(parts.query, safe=safe + "?"), ""))


def _retry_after(value: str | None, now: float) -> float | None:
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - now)


class _HostSpacing:
    """Reserves start slots per host so requests to one host are per_host_delay apart."""

    def __init__(self, delay: float, clock: Callable[[], float],
                 sleep: Callable[[float], None]):
        self.delay = delay
        self.clock = clock
        self.sleep = sleep
        self.lock = threading.Lock()
        self.next_slot: dict[str, float] = {}

    def wait(self, host: str) -> None:
        if self.delay <= 0:
            return
        with self.lock:
            now = self.clock()
            slot = max(now, self.next_slot.get(host, 0.0))
            self.next_slot[host] = slot + self.delay
        if slot > now:
            self.sleep(slot - now)


@dataclass
class _Attempt:
    status: int | None = None
    error: str | None = None
    retry_after: float | None = None
    transient: bool = False
    broken: bool = False


def _one_request(opener: urllib.request.OpenerDirector, url: str, method: str,
                 opts: CheckOptions) -> _Attempt:
    req = urllib.request.Request(url, method=method, headers={
        "User-Agent": opts.user_agent, "Accept": "*/*"})
    try:
        with opener.open(req, timeout=opts.timeout) as resp:
            return _Attempt(status=resp.status)
    except urllib.error.HTTPError as exc:
        code = exc.code
        retry_after = _retry_after(exc.headers.get("Retry-After") if exc.headers else None,
                                   time.time())
        exc.close()
        if code in _RETRY_STATUSES:
            return _Attempt(status=code, retry_after=retry_after, transient=True)
        return _Attempt(status=code, broken=True)
    except (TimeoutError, socket.timeout):
        return _Attempt(error=f"timed out after {opts.timeout:g}s", transient=True)
    except urllib.error.URLError as exc:
        reason = exc.reason
        if isinstance(reason, (TimeoutError, socket.timeout)):
            return _Attempt(error=f"timed out after {opts.timeout:g}s", transient=True)
        if isinstance(reason, ssl.SSLCertVerificationError):
            return _Attempt(error=f"TLS certificate error: {reason.verify_message}", broken=True)
        if isinstance(reason, socket.gaierror):
            return _Attempt(error="host not found", transient=True)
        if isinstance(reason, ConnectionRefusedError):
            return _Attempt(error="connection refused", transient=True)
        return _Attempt(error=f"cannot connect: {reason}", transient=True)
    except (http.client.HTTPException, ConnectionError, OSError) as exc:
        return _Attempt(error=f"connection error: {exc.__class__.__name__}", transient=True)
    except ValueError as exc:  # e.g. a URL urllib cannot parse
        return _Attempt(error=f"invalid URL: {exc}", broken=True)


def check_url(url: str, opts: CheckOptions, spacing: _HostSpacing,
              opener: urllib.request.OpenerDirector,
              sleep: Callable[[float], None] = time.sleep) -> UrlResult:
    """HEAD (then GET if HEAD fails) with retries and backoff on transient failures."""
    wire = to_ascii_url(url)
    host = urlsplit(wire).netloc.lower()
    attempts = 0
    for retry in range(opts.retries + 1):
        spacing.wait(host)
        attempts += 1
        result = _one_request(opener, wire, "HEAD", opts)
        if result.status is not None and result.status >= _HEAD_FALLBACK_MIN \
                and not result.transient:
            spacing.wait(host)
            attempts += 1
            result = _one_request(opener, wire, "GET", opts)
        if not result.transient or retry == opts.retries:
            break
        wait = result.retry_after if result.retry_after is not None \
            else opts.backoff * (2 ** retry)
        sleep(min(wait, opts.max_retry_after))
    ok = result.status is not None and result.status < 400 and not result.error
    return UrlResult(url, ok, result.status, result.error, result.broken and not ok,
                     time.time(), attempts)


def network_available(urls: Iterable[str], timeout: float = 3.0, tries: int = 3) -> bool:
    """False when none of the first `tries` distinct hosts of `urls` resolves (no DNS,
    no network): the caller then says it skipped the check instead of reporting every
    URL as unreachable. True when one resolves, or when there is nothing to check."""
    hosts = []
    for url in urls:
        host = urlsplit(to_ascii_url(url)).hostname
        if host and host not in hosts:
            hosts.append(host)
        if len(hosts) >= tries:
            break
    if not hosts:
        return True
    previous = socket.getdefaulttimeout()
    socket.setdefaulttimeout(timeout)
    try:
        for host in hosts:
            try:
                socket.getaddrinfo(host, 443)
                return True
            except (OSError, UnicodeError):
                continue
    finally:
        socket.setdefaulttimeout(previous)
    return False


# ---------------------------------------------------------------------------------------
# cache


def load_cache(path: Path) -> dict[str, dict]:
    """The cache file's entries; a missing or unreadable cache is an empty one."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    entries = data.get("urls") if isinstance(data, dict) else None
    return entries if isinstance(entries, dict) else {}


def save_cache(path: Path, entries: dict[str, dict]) -> None:
    """Write atomically so an interrupted run never leaves half a cache."""
    write_atomically(path, json.dumps({"version": 1, "urls": entries}, ensure_ascii=False,
                                      indent=0, sort_keys=True))


def _fresh(entry: dict, now: float, ttl_hours: float) -> UrlResult | None:
    try:
        result = UrlResult(url="", ok=bool(entry["ok"]), status=entry.get("status"),
                           error=entry.get("error"), broken=bool(entry.get("broken")),
                           checked=float(entry["checked"]))
    except (KeyError, TypeError, ValueError):
        return None
    transient = not result.ok and not result.broken
    ttl = min(ttl_hours, TRANSIENT_TTL_HOURS) if transient else ttl_hours
    age = now - result.checked
    # A little slack for clocks that disagree between CI machines sharing the cache.
    if not -300 <= age < ttl * 3600:
        return None
    return result


def check_urls(urls: Iterable[str], opts: CheckOptions, cache: dict[str, dict] | None = None,
               opener: urllib.request.OpenerDirector | None = None) -> dict[str, UrlResult]:
    """Result per URL (fragment removed by the caller), from cache when still fresh.

    cache holds the entries of load_cache(); new results are added to it and stale
    entries dropped, ready for save_cache().
    """
    now = time.time()
    entries = cache if cache is not None else {}
    results: dict[str, UrlResult] = {}
    todo = []
    for url in sorted(set(urls)):
        entry = entries.get(url)
        cached = _fresh(entry, now, opts.ttl_hours) if isinstance(entry, dict) else None
        if cached is not None:
            cached.url = url
            results[url] = cached
        else:
            todo.append(url)
    if todo:
        opener = opener or urllib.request.build_opener()
        spacing = _HostSpacing(opts.per_host_delay, time.monotonic, time.sleep)
        with ThreadPoolExecutor(max_workers=max(1, opts.workers)) as pool:
            for result in pool.map(lambda u: check_url(u, opts, spacing, opener), todo):
                results[result.url] = result
                entries[result.url] = result.to_json()
    # Drop entries nobody can use any more so the file does not grow forever.
    now = time.time()
    for url in [u for u, e in entries.items()
                if not isinstance(e, dict) or _fresh(e, now, opts.ttl_hours) is None]:
        del entries[url]
    return results


# ---------------------------------------------------------------------------------------
# from references to findings


def fetchable(ref: ExternalRef) -> bool:
    return urlsplit(ref.url).scheme.lower() in ("http", "https")


def strip_fragment(url: str) -> str:
    return url.partition("#")[0]


def url_findings(refs: Iterable[ExternalRef], results: dict[str, UrlResult]) -> list[Finding]:
    """Findings for external references whose URL check failed; results is check_urls()'s
    answer, by URL without fragment."""
    out = []
    for ref in refs:
        res = results.get(strip_fragment(ref.url))
        if res is None or res.ok:
            continue
        kind = "external-broken" if res.broken else "external-unreachable"
        out.append(Finding.of(ref.page, ref.line, kind, ref.href, res.describe(), ref.source))
    return sort_findings(out)
