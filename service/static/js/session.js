// Who is signed in: a partner key (or an admin key) checked with GET /v1/me, kept for this browser tab only
// (sessionStorage, through api.js: never localStorage) and sent as `Authorization: Bearer <key>`. Signing out forgets it.
// Views ask `signedIn()` and re-render when `onSessionChange` tells them it changed.

import { api, apiKey, setApiKey } from "./api.js";

let who = null; // {scope: "admin"|"partner", partner_id, name} or null
const listeners = new Set();

function changed() {
  for (const listener of listeners) listener(who);
}

export function signedIn() {
  return who;
}

/** The partner this tab acts as (a partner key), else null. */
export function actingPartner() {
  return who?.scope === "partner" ? { id: who.partner_id, name: who.name ?? who.partner_id } : null;
}

export function onSessionChange(listener) {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** Check ``key`` with the service, then keep it for this tab. Throws the ApiError (401: not a valid key). */
export async function signIn(key) {
  const me = await api.me(key);
  setApiKey(key);
  who = me;
  changed();
  return me;
}

export function signOut() {
  setApiKey("");
  who = null;
  changed();
}

/** Whom the kept key acts for (at start, or after a key was typed into a key form); nobody for a key that is not valid
 * (it stays kept: the view that asked for it says it is not valid). */
export async function refreshSession() {
  if (!apiKey()) {
    if (who) signOut();
    return;
  }
  try {
    who = await api.me();
  } catch {
    who = null;
  }
  changed();
}
