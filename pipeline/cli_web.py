"""`vanban serve` and `vanban user add`: the staff web application's commands."""

from __future__ import annotations

import os
import signal
import socket
import sys
import time

import click

from pipeline.store import DEFAULT_DB, StoreError


def _db_default() -> str:
    return os.environ.get("VANBAN_DB", DEFAULT_DB)


@click.command()
@click.option("--db", default=_db_default, show_default=DEFAULT_DB,
              help="Database path or URL (sqlite:///x.db, postgresql://...) (env VANBAN_DB).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 exposes it to the network).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--private", is_flag=True, help="Require sign-in to read too (default: reading is open, editing needs sign-in).")
@click.option("--import-dir", default="vanban-imports", show_default=True, type=click.Path(file_okay=False),
              help="Where uploaded files are kept before import (created if missing).")
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 256),
              help="Request threads per server process.")
@click.option("--processes", default=lambda: min(os.cpu_count() or 1, 4), show_default="CPU cores, at most 4",
              type=click.IntRange(1, 64), help="Server processes sharing the port (Python runs one thread at a time "
              "per process: more processes use more cores).")
@click.option("--secure-cookies", is_flag=True,
              help="Behind HTTPS: session cookie Secure and __Host-, HSTS header.")
@click.option("--proxies", default=0, show_default=True, type=click.IntRange(0, 5),
              help="Reverse proxies in front that set X-Forwarded-For/-Proto/-Host (the client address counts "
              "for sign-in throttling).")
@click.option("--debug", is_flag=True, hidden=True, help="Werkzeug's development server with the debugger.")
def serve(db, host, port, private, import_dir, threads, processes, secure_cookies, proxies, debug):
    """Serve the web application (waitress): search, documents, tasks, dashboard, upload.

    The session secret is VANBAN_SECRET_KEY, else a key generated once beside the SQLite database (or in
    --import-dir for PostgreSQL), so sessions survive restarts and all processes share it."""
    from pipeline.store import open_store
    from pipeline.web import create_app

    try:
        open_store(db).close()  # fail now, with the store's message, not on the first request
    except StoreError as e:
        raise click.ClickException(str(e)) from None

    def make_app():
        return create_app(db, import_dir=import_dir, private=private, secure_cookies=secure_cookies, proxies=proxies)

    try:
        make_app()  # the secret key file is created (once) before any process forks
    except RuntimeError as e:
        raise click.ClickException(str(e)) from None
    if host not in ("127.0.0.1", "localhost", "::1") and not secure_cookies:
        click.echo(f"warning: listening on {host}: the application is reachable from other machines; "
                   "put it behind HTTPS (and use --secure-cookies) before real use", err=True)
    if debug:
        make_app().run(host=host, port=port, debug=True, use_reloader=False, threaded=True)
        return
    try:
        import waitress  # noqa: F401
    except ImportError:
        raise click.ClickException("vanban serve needs waitress: pip install 'vanban[web]'") from None
    sock = _listen(host, port)
    click.echo(f"vanban: http://{'[' + host + ']' if ':' in host else host}:{sock.getsockname()[1]}/  "
               f"(database {db}; {processes} process(es) x {threads} threads"
               f"{', sign-in required' if private else ''}; Ctrl-C to stop)", err=True)
    if processes == 1 or not hasattr(os, "fork"):
        _serve_socket(make_app(), sock, threads)
    else:
        _prefork(make_app, sock, threads, processes)


def _listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as e:
        raise click.ClickException(f"cannot listen on {host}:{port}: {e.strerror}") from None
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


def _serve_socket(app, sock: socket.socket, threads: int) -> None:
    """waitress on an open socket. X-Forwarded-* headers are dropped unless --proxies said to trust them
    (then werkzeug's ProxyFix, set up by create_app, reads them)."""
    from waitress import serve as waitress_serve

    waitress_serve(app, sockets=[sock], threads=threads, ident="vanban", connection_limit=max(100, threads * 16),
                   channel_timeout=120, max_request_body_size=app.config["MAX_CONTENT_LENGTH"],
                   clear_untrusted_proxy_headers=not app.config["PROXIES"])


def _prefork(make_app, sock: socket.socket, threads: int, processes: int) -> None:
    """`processes` children accept on the one listening socket (the kernel shares the connections out);
    each builds its own app, database connections and job worker after the fork. A child that dies is
    started again; SIGTERM or Ctrl-C stops them all."""
    children: dict[int, int] = {}
    stopping = False

    def start(slot: int) -> None:
        pid = os.fork()
        if pid == 0:
            signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent decides; SIGTERM ends the child
            signal.signal(signal.SIGTERM, signal.SIG_DFL)
            try:
                _serve_socket(make_app(), sock, threads)
            finally:
                os._exit(0)
        children[pid] = slot

    def stop(*_):
        nonlocal stopping
        stopping = True
        for pid in list(children):
            try:
                os.kill(pid, signal.SIGTERM)
            except ProcessLookupError:
                pass

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for slot in range(processes):
        start(slot)
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        slot = children.pop(pid, None)
        if slot is not None and not stopping:
            click.echo(f"vanban: server process {pid} ended ({status}); starting another", err=True)
            time.sleep(1)
            start(slot)


@click.group()
def user():
    """Staff accounts for the web application."""


@user.command("add")
@click.argument("name")
@click.option("--db", default=_db_default, show_default=DEFAULT_DB, help="Database path or URL (env VANBAN_DB).")
@click.password_option("--password", prompt="Mật khẩu (password)", confirmation_prompt="Nhập lại (repeat)",
                       help="Prompted when omitted; avoid passing it on the command line.")
def user_add(name, db, password):
    """Create an account NAME (or set a new password for it)."""
    from pipeline.store import open_store
    from pipeline.web.auth import MIN_PASSWORD, hash_password
    from pipeline.web.data import set_user

    name = name.strip()
    if not name or len(name) > 64 or any(c.isspace() for c in name):
        raise click.ClickException("NAME must be 1-64 characters without spaces")
    if len(password) < MIN_PASSWORD:
        raise click.ClickException(f"password must have at least {MIN_PASSWORD} characters")
    try:
        with open_store(db, create=True) as store:
            new = set_user(store, name, hash_password(password))
    except StoreError as e:
        raise click.ClickException(str(e)) from None
    click.echo(f"{'created' if new else 'updated password of'} user {name!r} in {db}", err=True)
    sys.exit(0)


def register(main: click.Group) -> None:
    main.add_command(serve)
    main.add_command(user)
