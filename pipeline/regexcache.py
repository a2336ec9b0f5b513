"""Compiled patterns kept from one run to the next, and served from a plain dict within a run.

The pipeline holds about a thousand `regex` patterns, most compiled when their module is imported and
the rest written inline (`regex.search(r"…", s)`). Compiling them is most of what `vanban extract` of
one small file costs (0.5 s of CPU of 0.75), and every inline call looks its pattern up in `regex`'s
own cache, whose key is built with enum flag arithmetic on each call (a tenth of the pipeline's CPU).

`install()` puts a front on `regex`'s compile step (`regex._main._compile`, through which
`regex.compile`, `regex.search`, `regex.sub` … all go):

* a pattern already compiled in this process is returned from a dict keyed by (pattern, flags);
* a pattern compiled by an earlier run is rebuilt from its stored compiled form (what `pickle` keeps
  of a pattern: the engine's code, not the source to parse again), 80× faster than compiling it;
* anything else (bytes patterns, `LOCALE` or `DEBUG` flags, named lists passed as keywords) goes to
  `regex` as before.

The compiled forms live in one file under `$VANBAN_CACHE_DIR` (default `$XDG_CACHE_HOME/vanban` or
`~/.cache/vanban`), named for the `regex` build and Python version, written at exit when a run
compiled something new (atomically, so concurrent runs never read half a file), with a checksum that
is verified before anything in it is used. Only patterns that took a while to compile (the pipeline's
own) are written at once; a quick one is written when a second run meets it (so the short patterns
built around one document's words mostly stay out); at most `MAX_STORED`, those in use first.
`VANBAN_REGEX_CACHE=0` turns the whole thing off. Nothing here changes what any pattern matches: a
stored pattern is the one `regex` compiled, rebuilt as unpickling rebuilds it.
"""

from __future__ import annotations

import atexit
import hashlib
import marshal
import os
import sys
import tempfile
import time
from pathlib import Path

import regex
from regex import _main

MAX_STORED = 4000  # patterns in the file
MAX_SEEN = 20000  # fingerprints of patterns met once, in the file
MAX_KNOWN = 20000  # patterns served from memory in one process (the dict is emptied beyond it)
SLOW_COMPILE_S = 0.0005  # a pattern this slow to compile is stored at once; others when met in a second run
_FORMAT = b"vanban-regex-2\n"

_original = _main._compile
_known: dict[tuple, regex.Pattern] = {}
_stored: dict[tuple, tuple] = {}  # (pattern, flags, version) -> the compiled form
_fresh: dict[tuple, tuple[tuple, bool]] = {}  # compiled in this run: the compiled form, whether it was slow
_used: set[tuple] = set()  # stored patterns this run rebuilt
_installed = False


def cache_file() -> Path:
    base = os.environ.get("VANBAN_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "vanban")
    engine = Path(_main._regex.__file__)
    st = engine.stat()
    build = f"{regex.__version__}|{_main._regex.MAGIC}|{_main._regex.CODE_SIZE}|{st.st_size}|{st.st_mtime_ns}"
    tag = hashlib.sha256(build.encode()).hexdigest()[:12]
    return Path(base) / f"regex-{sys.implementation.cache_tag}-{tag}.bin"


def _fingerprint(key: tuple) -> bytes:
    return hashlib.blake2b(repr(key).encode("utf-8", "surrogatepass"), digest_size=8).digest()


def _read(path: Path) -> tuple[dict[tuple, tuple], list[bytes]]:
    """The stored patterns and the fingerprints of those met once; nothing when the file is damaged."""
    try:
        data = path.read_bytes()
    except OSError:
        return {}, []
    head = len(_FORMAT) + 32
    if len(data) < head or not data.startswith(_FORMAT) or hashlib.sha256(data[head:]).digest() != data[len(_FORMAT):head]:
        return {}, []
    try:
        entries, seen = marshal.loads(data[head:])
        return {tuple(k): tuple(v) for k, v in entries}, list(seen)
    except (ValueError, EOFError, TypeError):
        return {}, []


def _write() -> None:
    """Store what this run compiled: a slow pattern at once, another when an earlier run met it too (so
    the pipeline's own patterns are kept, not the ones built around one document's words)."""
    if not _fresh:
        return
    try:
        path = cache_file()
        old, seen = _read(path)
        known_once = set(seen)
        promoted = {k: form for k, (form, slow) in _fresh.items() if slow or _fingerprint(k) in known_once}
        met = [f for f in (_fingerprint(k) for k in _fresh if k not in promoted) if f not in known_once]
        # patterns the code uses now first, so they are never crowded out
        entries = {**{k: old[k] for k in _used if k in old}, **promoted, **old}
        payload = marshal.dumps(([list(kv) for kv in list(entries.items())[:MAX_STORED]], (met + seen)[:MAX_SEEN]))
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name, suffix=".tmp")
        with os.fdopen(fd, "wb") as fh:
            fh.write(_FORMAT + hashlib.sha256(payload).digest() + payload)
        os.replace(tmp, path)
    except (OSError, ValueError):  # a read-only home, a full disk: the next run compiles again
        pass


def _compile(pattern, flags, ignore_unused, kwargs, cache_it):
    if kwargs or type(pattern) is not str:
        return _original(pattern, flags, ignore_unused, kwargs, cache_it)
    key = (pattern, flags, regex.DEFAULT_VERSION)
    try:
        return _known[key]
    except KeyError:
        pass
    if flags & (regex.LOCALE | regex.DEBUG):
        return _original(pattern, flags, ignore_unused, kwargs, cache_it)
    stored_key = (pattern, int(flags), int(regex.DEFAULT_VERSION))
    form = _stored.pop(stored_key, None)
    if form is not None:
        compiled = _main._regex.compile(*form)
        _used.add(stored_key)
    else:
        t = time.perf_counter()
        compiled = _original(pattern, flags, ignore_unused, kwargs, cache_it)
        if compiled.flags & regex.LOCALE:  # an inline (?L): depends on the locale of the moment
            return compiled
        if len(_fresh) < MAX_STORED:
            _fresh[stored_key] = (compiled._pickled_data, time.perf_counter() - t >= SLOW_COMPILE_S)
    if len(_known) >= MAX_KNOWN:
        _known.clear()
    _known[key] = compiled
    return compiled


def install() -> None:
    """Put the front on `regex`'s compile step (once per process; off with VANBAN_REGEX_CACHE=0)."""
    global _installed
    if _installed or os.environ.get("VANBAN_REGEX_CACHE", "1").strip().lower() in {"0", "false", "no", "off"}:
        return
    if _main._compile is not _original or _original.__code__.co_varnames[:5] != (
            "pattern", "flags", "ignore_unused", "kwargs", "cache_it"):
        return  # another regex release, or someone else's front: leave it alone
    _installed = True
    try:
        _stored.update(_read(cache_file())[0])
    except OSError:
        pass
    _main._compile = _compile
    atexit.register(_write)
