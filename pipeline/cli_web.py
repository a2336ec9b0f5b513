"""`vanban serve` and `vanban user add`: the staff web application's commands."""

from __future__ import annotations

import sys

import click

from pipeline.store import DEFAULT_DB, StoreError


@click.command()
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Database path or URL (sqlite:///x.db, postgresql://...).")
@click.option("--host", default="127.0.0.1", show_default=True, help="Address to listen on (0.0.0.0 exposes it to the network).")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--private", is_flag=True, help="Require sign-in to read too (default: reading is open, editing needs sign-in).")
@click.option("--import-dir", default="vanban-imports", show_default=True, type=click.Path(file_okay=False),
              help="Where uploaded files are kept before import (created if missing).")
@click.option("--debug", is_flag=True, hidden=True)
def serve(db, host, port, private, import_dir, debug):
    """Serve the web application: search, documents, tasks, dashboard, upload."""
    from pipeline.store import open_store
    from pipeline.web import create_app

    try:
        open_store(db).close()  # fail now, with the store's message, not on the first request
    except StoreError as e:
        raise click.ClickException(str(e)) from None
    app = create_app(db, import_dir=import_dir, private=private)
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(f"warning: listening on {host}: the application is reachable from other machines; "
                   "put it behind HTTPS before real use", err=True)
    click.echo(f"vanban: http://{'[' + host + ']' if ':' in host else host}:{port}/  (database {db}"
               f"{', sign-in required' if private else ''}; Ctrl-C to stop)", err=True)
    app.run(host=host, port=port, debug=debug, use_reloader=False, threaded=True)


@click.group()
def user():
    """Staff accounts for the web application."""


@user.command("add")
@click.argument("name")
@click.option("--db", default=DEFAULT_DB, show_default=True, help="Database path or URL.")
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
