// The pickers of the views, each a search-as-you-type combobox over a paginated endpoint (never the whole catalogue):
// partners (GET /v1/catalog/partners), projects (GET /v1/catalog/projects), and the requester, which is the signed-in
// partner when there is one (a partner key acts as its own partner only).

import { api } from "./api.js";
import { combobox } from "./combobox.js";
import { kindLabel } from "./components.js";
import { h } from "./dom.js";
import { countryName, t } from "./i18n.js";
import { actingPartner } from "./session.js";

function partnerMeta(entry) {
  return [kindLabel(entry.type), entry.country ? countryName(entry.country) : null].filter(Boolean).join(" · ");
}

/** A partner picker; ``value`` {value, label} (or ``values`` with ``multiple``). */
export function partnerPicker(options) {
  return combobox({
    ...options,
    search: (params, signal) => api.searchPartners(params, signal),
    option: (entry) => ({ value: entry.id, label: entry.name, meta: partnerMeta(entry) }),
  });
}

export function projectPicker(options) {
  return combobox({
    ...options,
    search: (params, signal) => api.searchProjects(params, signal),
    option: (entry) => ({ value: entry.id, label: entry.title, meta: entry.status ? t(`status.${entry.status}`) : "" }),
  });
}

/**
 * "Your organisation": the signed-in partner, fixed (its key may ask only as itself), or a partner picker.
 * @param {{id: string, value: {value, label}|null, hint?: string, onChange}} options
 */
export function requesterField({ id, value, hint, onChange }) {
  const me = actingPartner();
  if (!me) return partnerPicker({ id, name: "requester", label: t("find.requester.label"), hint, value, onChange });
  return h(
    "div",
    { class: "field signed-as", "data-combo": "requester" },
    h("p", { class: "field-title", id: `${id}-label` }, t("find.requester.label")),
    h("p", { class: "signed-as-name" }, t("signin.asking", { name: me.name })),
    h("p", { class: "hint" }, h("a", { href: "#/signin" }, t("signin.change"))),
    h("input", { type: "hidden", name: "requester", id: `${id}-value`, value: me.id }),
  );
}

/** The label of an id given in the URL (``#/find?project=...``): the project's title, else the id itself. */
export async function projectLabel(id) {
  try {
    return { value: id, label: (await api.project(id)).title ?? id };
  } catch {
    return { value: id, label: id };
  }
}

export async function partnerLabel(id) {
  try {
    return { value: id, label: (await api.partner(id)).name ?? id };
  } catch {
    return { value: id, label: id };
  }
}
