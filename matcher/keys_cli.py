"""``matcher keys create|list|revoke``: API keys of the service, kept hashed in the store.

An admin key may make every write; a partner key may act as its partner only (``requester_id``, its feedback, its
own record and its ``discoverable`` flag). ``create`` prints the key on stdout, once (the store keeps its SHA-256
only), and what it is on stderr, so ``KEY=$(matcher keys create --partner p001)`` works.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Annotated

import typer

from matcher.settings import Settings
from matcher.store import Store
from matcher.store.errors import RecordNotFoundError
from matcher.store.keys import ApiKey, KeyRing

app = typer.Typer(
    help="API keys of the service: admin keys (every write) and partner keys (act as one partner only).",
    no_args_is_help=True,
)


@contextmanager
def _keyring() -> Iterator[KeyRing]:
    settings = Settings()
    logging.basicConfig(level=settings.log_level, format="%(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic").setLevel(logging.WARNING)
    store = Store(settings.store_url)
    try:
        store.migrate()
        yield KeyRing(store.sessions)
    finally:
        store.close()


def _when(moment: datetime | None) -> str:
    return moment.strftime("%Y-%m-%d %H:%M") if moment else ""


def _row(key: ApiKey) -> dict[str, object]:
    return {
        "id": key.id,
        "scope": key.scope,
        "partner_id": key.partner_id,
        "created_at": key.created_at.isoformat() if key.created_at else None,
        "last4": key.last4,
        "revoked_at": key.revoked_at.isoformat() if key.revoked_at else None,
    }


@app.command()
def create(
    partner: Annotated[str | None, typer.Option("--partner", help="A partner id: the key acts as this partner")] = None,
    admin: Annotated[bool, typer.Option("--admin", help="An admin key: every write")] = False,
) -> None:
    """Make a key and print it once (stdout); give exactly one of --partner ID and --admin."""
    if (partner is None) == (not admin):
        typer.echo("give exactly one of --partner ID and --admin", err=True)
        raise typer.Exit(2)
    with _keyring() as ring:
        try:
            issued = ring.create("partner" if partner is not None else "admin", partner)
        except RecordNotFoundError as exc:
            typer.echo(f"{exc} Keys can be made for stored partners only (`matcher ingest` first).", err=True)
            raise typer.Exit(2) from None
    what = f"partner key for {partner!r}" if partner is not None else "admin key"
    typer.echo(
        f"{what}, id {issued.key.id}; it is shown only this once (the store keeps its SHA-256): "
        f"send it as `Authorization: Bearer <key>`; revoke it with `matcher keys revoke {issued.key.id}`",
        err=True,
    )
    typer.echo(issued.token)


@app.command("list")
def list_keys(as_json: Annotated[bool, typer.Option("--json", help="Print JSON")] = False) -> None:
    """Every key: id, scope, partner, creation time and last 4 characters (never the key), revoked or active."""
    with _keyring() as ring:
        keys = ring.list_keys()
    if as_json:
        typer.echo(json.dumps([_row(k) for k in keys], indent=2))
        return
    if not keys:
        typer.echo("no API keys: make one with `matcher keys create --admin` or `--partner ID`")
        return
    typer.echo(f"{'id':12}  {'scope':7}  {'partner':20}  {'created':16}  {'key':8}  status")
    for k in keys:
        status = f"revoked {_when(k.revoked_at)}" if k.revoked_at else "active"
        typer.echo(
            f"{k.id:12}  {k.scope:7}  {k.partner_id or '-':20}  {_when(k.created_at):16}  {'…' + k.last4:8}  {status}"
        )


@app.command()
def revoke(key_id: Annotated[str, typer.Argument(help="The key's id, as `matcher keys list` shows it")]) -> None:
    """Revoke a key: it is refused (401) from the next request on."""
    with _keyring() as ring:
        try:
            key = ring.revoke(key_id)
        except RecordNotFoundError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
    owner = f" of partner {key.partner_id!r}" if key.partner_id else ""
    typer.echo(f"revoked {key.scope} key {key.id}{owner} (…{key.last4}) at {_when(key.revoked_at)} UTC")
