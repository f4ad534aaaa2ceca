"""Which partners a caller may see: the one rule every route applies.

A partner with ``discoverable=false`` is seen only by an admin key and by its own partner key. To every other caller
it is indistinguishable from an id that does not exist: the routes that take a partner id answer exactly as for an
unknown id (the same 404, the same empty list, the same 422), and no listing, suggestion or reason names it.
:func:`may_see` is the rule; the other functions apply it to the catalog (what the recommender serves) or to the store
(what the record listings read).
"""

from __future__ import annotations

from collections.abc import Iterable

from matcher.catalog import Catalog
from matcher.errors import UnknownIdError
from matcher.store import Store
from service.auth import Caller
from service.errors import not_found


def may_see(caller: Caller, partner_id: str, discoverable: bool) -> bool:
    """The rule: every caller sees a discoverable partner; a hidden one only its own key and admin keys see."""
    return discoverable or caller.acts_for(partner_id)


def visible_in_catalog(caller: Caller, catalog: Catalog, partner_id: str) -> bool:
    """The partner is in the catalog and this caller may see it."""
    if partner_id not in catalog.partner_pos:
        return False
    return may_see(caller, partner_id, catalog.partner(partner_id).discoverable)


def require_visible(caller: Caller, catalog: Catalog, partner_id: str) -> None:
    """404 for a partner this caller may not see, exactly as for an unknown id."""
    if not visible_in_catalog(caller, catalog, partner_id):
        raise not_found(UnknownIdError("partner", partner_id))


def hidden_from(caller: Caller, store: Store, ids: Iterable[str]) -> set[str]:
    """Those of ``ids`` that exist in the store but that this caller may not see (leave them out)."""
    wanted = list(dict.fromkeys(ids))
    if caller.is_admin or not wanted:
        return set()
    return {i for i in store.hidden_partners(wanted) if not may_see(caller, i, discoverable=False)}


def visible_rows(caller: Caller, catalog: Catalog) -> list[bool] | None:
    """:func:`may_see` for every partner of the catalog at once, one flag per row (what a search over 100,000
    partners filters by without a call per partner); None when the caller sees them all (an admin key)."""
    if caller.is_admin:
        return None
    rows: list[bool] = catalog.discoverable.tolist()
    own = catalog.partner_pos.get(caller.partner_id) if caller.scope == "partner" and caller.partner_id else None
    if own is not None:
        rows[own] = True  # its own key sees it even when hidden
    return rows
