// "Assign to groups", for group leads: propose an assignment of partners to action groups under bounds and quotas with
// POST /v1/action-groups/assignments as a dry run (each assignment with its reasons, each group's resulting
// composition, the bounds and quotas that decided it; quotas that cannot all be met explained in words), then apply
// it: the same request with "apply": true, which writes the memberships and needs an admin key.

import { api } from "../api.js";
import { cssSafe, errorState, initialState, kindLabel, loadingState, metaLine, resultsHeading, scoreBadge, wordReason } from "../components.js";
import { field, fill, h, select, setFieldError } from "../dom.js";
import { countryName, formatList, formatNumber, regionName, t, tn } from "../i18n.js";
import { partnerLabel, partnerPicker } from "../pickers.js";
import { signIn, signedIn } from "../session.js";
import { keyProblem } from "./signin.js";

const NAMED_UNASSIGNED = 20; // names of partners left unplaced are looked up one by one, up to this many

const state = {
  partners: [], // [{value, label}]; none: every discoverable partner in no group yet
  groups: [], // [{group_id, min, max, minRegions, kinds: [{kind, min, max}]}], strings from the form
  defaultMin: "0",
  defaultMax: "",
  minGroups: "0",
  maxGroups: "1",
  phase: "initial", // initial | loading | done | infeasible | error
  result: null,
  error: null,
  request: null,
  apply: { phase: "idle", message: "" }, // idle | key | applying | applied | error
  names: {}, // partner id -> name, for the partners left unplaced
};

let controller = null;

const int = (value) => (value === "" || value === null || value === undefined ? null : Number(value));

function groupRow() {
  return { group_id: "", min: "0", max: "", minRegions: "", kinds: [] };
}

/** The request of the documented contract; every group is listed (the summary's, with the default bounds, when the
 * lead chose none), so that every bound in the answer names its group. */
function buildRequest(summary) {
  const rows = state.groups.filter((g) => g.group_id);
  const groups = rows.length
    ? rows.map((g) => {
        const kinds = g.kinds.filter((k) => k.kind).map((k) => ({ kind: k.kind, min: int(k.min) ?? 0, ...(k.max !== "" ? { max: int(k.max) } : {}) }));
        return {
          group_id: g.group_id,
          min: int(g.min) ?? 0,
          ...(g.max !== "" ? { max: int(g.max) } : {}),
          ...(kinds.length ? { kinds } : {}),
          ...(int(g.minRegions) ? { min_regions: int(g.minRegions) } : {}),
        };
      })
    : (summary?.action_groups ?? []).map((g) => ({
        group_id: g.id,
        min: int(state.defaultMin) ?? 0,
        ...(state.defaultMax !== "" ? { max: int(state.defaultMax) } : {}),
      }));
  return {
    partners: state.partners.map((p) => p.value),
    groups,
    min_groups_per_partner: int(state.minGroups) ?? 0,
    max_groups_per_partner: int(state.maxGroups) ?? 1,
    apply: false,
  };
}

/** What is wrong with the form before anything is sent: [control name, message] or null. */
function formProblem() {
  const seen = new Set();
  for (const [i, g] of state.groups.entries()) {
    if (!g.group_id) continue;
    if (seen.has(g.group_id)) return [`group-${i}`, t("assign.error.twice")];
    seen.add(g.group_id);
    if (g.max !== "" && Number(g.min || 0) > Number(g.max)) return [`group-min-${i}`, t("team.error.range")];
    for (const [j, k] of g.kinds.entries()) if (k.max !== "" && Number(k.min || 0) > Number(k.max)) return [`quota-min-${i}-${j}`, t("team.error.range")];
  }
  if (!state.groups.some((g) => g.group_id) && state.defaultMax !== "" && Number(state.defaultMin || 0) > Number(state.defaultMax)) return ["default-min", t("team.error.range")];
  if (state.maxGroups === "" || Number(state.maxGroups) < 1) return ["max-groups", t("assign.error.maxGroups")];
  if (Number(state.minGroups || 0) > Number(state.maxGroups)) return ["min-groups", t("team.error.range")];
  return null;
}

/** A bound of the request ("groups[0].kinds[1].min") in words, with ``value``; null for a path it does not know. */
function wordBound(path, value, request, summary) {
  const number = formatNumber(value ?? 0);
  if (path === "min_groups_per_partner") return t("assign.bound.minGroups", { value: number });
  if (path === "groups") return t("assign.bound.groups");
  const match = String(path).match(/^groups\[(\d+)\]\.(.+)$/);
  const spec = match ? request?.groups?.[Number(match[1])] : null;
  if (!spec) return null;
  const group = groupName(spec.group_id, summary);
  const rest = match[2];
  if (rest === "min" || rest === "max") return t(`assign.bound.${rest}`, { value: number, group });
  if (rest === "min_regions") return t("assign.bound.minRegions", { value: number, group });
  const quota = rest.match(/^kinds\[(\d+)\]\.(min|max)$/);
  const kind = quota ? spec.kinds?.[Number(quota[1])]?.kind : null;
  if (kind) return t(`assign.bound.kind_${quota[2]}`, { value: number, kind: kindLabel(kind, summary), group });
  return null;
}

/** The value the request sets at ``path`` (for the bound an infeasible answer names). */
function requestValue(path, request) {
  let value = request;
  for (const part of String(path).split(/\.|\[|\]/).filter(Boolean)) value = value?.[/^\d+$/.test(part) ? Number(part) : part];
  return typeof value === "number" ? value : null;
}

function groupName(groupId, summary) {
  return (summary?.action_groups ?? []).find((g) => g.id === groupId)?.name ?? groupId;
}

export function createAssignView(ctx) {
  let root = null;
  let resultsRegion = null;

  function readForm(form) {
    const data = new FormData(form);
    state.groups = state.groups.map((g, i) => ({
      group_id: String(data.get(`group-${i}`) ?? ""),
      min: String(data.get(`group-min-${i}`) ?? ""),
      max: String(data.get(`group-max-${i}`) ?? ""),
      minRegions: String(data.get(`group-regions-${i}`) ?? ""),
      kinds: g.kinds.map((_, j) => ({
        kind: String(data.get(`quota-${i}-${j}`) ?? ""),
        min: String(data.get(`quota-min-${i}-${j}`) ?? ""),
        max: String(data.get(`quota-max-${i}-${j}`) ?? ""),
      })),
    }));
    if (data.has("default-min")) state.defaultMin = String(data.get("default-min"));
    if (data.has("default-max")) state.defaultMax = String(data.get("default-max"));
    state.minGroups = String(data.get("min-groups") ?? "0");
    state.maxGroups = String(data.get("max-groups") ?? "1");
  }

  // -- asking ---------------------------------------------------------------------------------------------------------
  async function propose(request) {
    controller?.abort();
    controller = new AbortController();
    state.request = request;
    state.phase = "loading";
    state.apply = { phase: "idle", message: "" };
    state.names = {};
    renderResults();
    ctx.announce(t("assign.loading"));
    try {
      state.result = await api.assignments(request, controller.signal);
      state.phase = "done";
      ctx.announce(tn("assign.count", state.result.assignments.length));
      nameUnassigned();
    } catch (error) {
      if (error.name === "AbortError") return;
      state.error = error;
      // bounds no assignment can meet: a 422 whose detail is one sentence (field errors come as a list)
      state.phase = error.kind === "invalid" && error.status === 422 && error.sentence ? "infeasible" : "error";
      ctx.announce(t(state.phase === "infeasible" ? "assign.infeasible.title" : "error.title"));
    }
    renderResults();
    resultsRegion.querySelector(".results-heading, .state")?.focus();
  }

  /** The partners left unplaced are ids in the answer: name a few of them. */
  async function nameUnassigned() {
    const ids = (state.result?.unassigned ?? []).slice(0, NAMED_UNASSIGNED);
    const result = state.result;
    const entries = await Promise.all(ids.map(partnerLabel));
    if (state.result !== result) return;
    for (const entry of entries) state.names[entry.value] = entry.label;
    resultsRegion?.querySelector(".unassigned")?.replaceWith(unassignedSection());
  }

  async function apply() {
    state.apply = { phase: "applying", message: "" };
    renderApply();
    try {
      const result = await api.assignments({ ...state.request, apply: true });
      state.result = result;
      state.apply = { phase: "applied", message: tn("assign.applied", result.assignments.length) };
      renderResults();
      ctx.announce(state.apply.message);
      resultsRegion.querySelector(".apply-status")?.focus();
    } catch (error) {
      if (error.kind === "unauthorised") {
        state.apply = { phase: "key", message: error.status === 403 ? t("assign.key.partner", { name: signedIn()?.name ?? "" }) : t("assign.key.needed") };
      } else if (error.kind === "invalid" && error.sentence) {
        state.apply = { phase: "error", message: t("assign.apply.changed", { detail: error.detail }) };
      } else state.apply = { phase: "error", message: error.kind === "network" ? t("error.network") : t("error.service", { status: error.status || "?" }) };
      renderApply();
      ctx.announce(state.apply.message);
      resultsRegion.querySelector(state.apply.phase === "key" ? "#apply-key" : ".apply-status")?.focus();
    }
  }

  function onApply() {
    if (signedIn()?.scope === "admin") {
      apply();
      return;
    }
    state.apply = { phase: "key", message: signedIn()?.scope === "partner" ? t("assign.key.partner", { name: signedIn().name ?? signedIn().partner_id }) : t("assign.key.needed") };
    renderApply();
    resultsRegion.querySelector("#apply-key")?.focus();
  }

  async function onKey(event) {
    event.preventDefault();
    const input = event.currentTarget.elements.key;
    const key = input.value.trim();
    if (!key) {
      setFieldError(input, t("key.empty"));
      input.focus();
      return;
    }
    try {
      const me = await api.me(key); // checked before it is kept: a partner key does not sign anyone out
      if (me.scope !== "admin") {
        setFieldError(input, t("assign.key.notAdmin", { name: me.name ?? me.partner_id }));
        input.focus();
        return;
      }
      await signIn(key);
    } catch (error) {
      setFieldError(input, keyProblem(error));
      input.focus();
      return;
    }
    apply();
  }

  // -- results --------------------------------------------------------------------------------------------------------
  function assignmentCard(a) {
    const titleId = `assigned-${cssSafe(a.partner_id)}-${cssSafe(a.group_id)}`;
    const reasons = a.explanations?.length ? a.explanations : (a.reasons ?? []).map((text) => ({ text }));
    return h(
      "li",
      { class: "card match assignment", "data-partner-id": a.partner_id, "data-group-id": a.group_id },
      h(
        "article",
        { "aria-labelledby": titleId },
        h(
          "header",
          { class: "card-head" },
          h(
            "div",
            {},
            h(
              "h4",
              { id: titleId, class: "card-title" },
              h("button", { type: "button", class: "link-button", "aria-haspopup": "dialog", "aria-label": t("match.open", { name: a.name }), onclick: (event) => ctx.openPartner(a.partner_id, event.currentTarget) }, a.name),
            ),
            metaLine(kindLabel(a.type, ctx.summary), countryName(a.country)),
            a.preferred ? h("p", { class: "tag" }, t("assign.preferred")) : null,
          ),
          scoreBadge(a.score),
        ),
        reasons.length
          ? h(
              "ul",
              { class: "reasons", "aria-label": t("assign.why", { name: a.name, group: a.group_name }) },
              reasons.map((reason) => {
                const worded = wordReason(reason, ctx.summary);
                return worded === null ? h("li", { lang: "en" }, reason.text) : h("li", {}, worded);
              }),
            )
          : h("p", { class: "hint" }, t("assign.noReason")),
      ),
    );
  }

  function groupSection(group) {
    const joining = (state.result.assignments ?? []).filter((a) => a.group_id === group.group_id);
    const kinds = Object.entries(group.kinds ?? {}).map(([kind, n]) => `${kindLabel(kind, ctx.summary)} × ${formatNumber(n)}`);
    const rows = [
      ["existing", formatNumber(group.existing)],
      ["size", formatNumber(group.size)],
      ["kinds", kinds.join(" · ")],
      ["regions", (group.regions ?? []).map((r) => regionName(String(r))).join(" · ")],
    ].filter(([, text]) => text !== "");
    const titleId = `composition-${cssSafe(group.group_id)}`;
    return h(
      "section",
      { class: "panel composition", "aria-labelledby": titleId, "data-group-id": group.group_id },
      h("h3", { id: titleId }, group.name, " ", h("span", { class: "count" }, tn("assign.joining", joining.length))),
      h("dl", { class: "facts" }, rows.map(([key, text]) => [h("dt", {}, t(`assign.group.${key}`)), h("dd", { "data-composition": key }, text)])),
      joining.length ? h("ol", { class: "cards" }, joining.map(assignmentCard)) : h("p", { class: "hint" }, t("assign.nobody")),
    );
  }

  function unassignedSection() {
    const ids = state.result?.unassigned ?? [];
    if (!ids.length) return h("p", { class: "unassigned hint" }, t("assign.everyonePlaced"));
    const named = ids.slice(0, NAMED_UNASSIGNED).map((id) => state.names[id] ?? id);
    const more = ids.length - named.length;
    return h(
      "section",
      { class: "unassigned", "aria-labelledby": "unassigned-title" },
      h("h3", { id: "unassigned-title" }, tn("assign.unassigned", ids.length)),
      h("p", {}, formatList(named), more > 0 ? ` ${tn("reason.more", more)}` : ""),
    );
  }

  function bindingSection(bindings) {
    return h(
      "section",
      { class: "binding", "aria-labelledby": "assign-binding-title" },
      h("h3", { id: "assign-binding-title" }, t("assign.binding.title")),
      bindings?.length
        ? h(
            "ul",
            { class: "plain-list" },
            bindings.map((b) => {
              const text = wordBound(b.constraint, b.bound ?? b.value, state.request, ctx.summary);
              return text === null ? h("li", { lang: "en" }, b.text) : h("li", {}, text);
            }),
          )
        : h("p", { class: "hint" }, t("assign.binding.none")),
    );
  }

  function applyPanel() {
    const { phase, message } = state.apply;
    const applied = phase === "applied" || state.result?.applied;
    const status = h("p", { class: `apply-status${phase === "error" || phase === "key" ? " is-error" : ""}`, role: "status", tabindex: "-1" }, applied ? message || tn("assign.applied", state.result.assignments.length) : message);
    if (applied) return h("div", { class: "apply notice is-ok" }, status);
    const keyForm =
      phase === "key"
        ? h(
            "form",
            { class: "key-form", novalidate: true, onsubmit: onKey },
            h(
              "div",
              { class: "form-actions" },
              field({ label: t("assign.key.label"), control: h("input", { type: "password", name: "key", id: "apply-key", autocomplete: "off", spellcheck: "false" }), hint: t("key.hint"), className: "field field-grow" }),
              h("button", { type: "submit", class: "button" }, t("assign.key.submit")),
            ),
          )
        : null;
    return h(
      "div",
      { class: "apply notice" },
      h("p", {}, t("assign.dryRun")),
      h("p", {}, h("button", { type: "button", class: "button", disabled: phase === "applying" || !state.result?.assignments?.length, onclick: onApply }, phase === "applying" ? t("assign.applying") : t("assign.apply"))),
      status,
      keyForm,
    );
  }

  function renderApply() {
    resultsRegion?.querySelector(".apply")?.replaceWith(applyPanel());
  }

  function infeasible() {
    const detail = state.error.detail ?? "";
    const path = detail.match(/^([\w.[\]]+): /)?.[1];
    const which = path ? wordBound(path, requestValue(path, state.request), state.request, ctx.summary) : null;
    return h(
      "div",
      { class: "state state-error infeasible", role: "alert" },
      h("p", { class: "state-title" }, t("assign.infeasible.title")),
      which ? h("p", { class: "which" }, t("assign.infeasible.which", { bound: which })) : null,
      h("p", {}, t("assign.infeasible.body")),
      h("p", { class: "detail", lang: "en" }, detail),
    );
  }

  function renderResults() {
    if (!resultsRegion) return;
    resultsRegion.setAttribute("aria-busy", String(state.phase === "loading"));
    let content;
    if (state.phase === "initial") content = initialState(t("assign.initial.title"), t("assign.initial.body"));
    else if (state.phase === "loading") content = loadingState(t("assign.loading"));
    else if (state.phase === "infeasible") content = infeasible();
    else if (state.phase === "error") content = errorState(state.error, () => propose(state.request));
    else {
      const { assignments = [], groups = [], binding = [], objective = 0, optimal = true } = state.result;
      content = [
        resultsHeading(tn("assign.count", assignments.length)),
        h("p", { class: "hint objective" }, t(optimal ? "assign.optimal" : "assign.notOptimal", { objective: formatNumber(objective, 2) })),
        applyPanel(),
        groups.map(groupSection),
        unassignedSection(),
        bindingSection(binding),
      ];
    }
    const first = [content].flat()[0];
    if (first instanceof Node) first.setAttribute("tabindex", "-1");
    fill(resultsRegion, ...[content].flat(2).filter(Boolean));
  }

  // -- the form -------------------------------------------------------------------------------------------------------
  function numberInput(name, value, min = 0) {
    return h("input", { type: "number", name, id: `assign-${name}`, min, max: 1000, step: 1, inputmode: "numeric", value: String(value ?? "") });
  }

  function onSubmit(event) {
    event.preventDefault();
    const form = event.currentTarget;
    readForm(form);
    for (const control of form.querySelectorAll("[aria-invalid]")) setFieldError(control, null);
    const problem = formProblem();
    if (problem) {
      const control = form.elements[problem[0]];
      setFieldError(control, problem[1]);
      control.focus();
      return;
    }
    propose(buildRequest(ctx.summary));
  }

  function render() {
    const summary = ctx.summary;
    const none = [["", t("common.none")]];
    const groupOptions = (summary?.action_groups ?? []).map((g) => [g.id, g.name]);
    const kindOptions = Object.keys(summary?.actor_types ?? {}).map((k) => [k, kindLabel(k, summary)]);
    const rerender = (mutate) => (event) => {
      readForm(event.currentTarget.form);
      mutate();
      render();
    };
    const small = (name, value, label, min = 0) => field({ label, control: numberInput(name, value, min), className: "field field-inline" });
    const quotaRow = (i) => (quota, j) =>
      h(
        "div",
        { class: "form-actions team-row quota-row", "data-row": `quota-${i}-${j}` },
        field({ label: t("team.kind.label"), control: select({ name: `quota-${i}-${j}`, id: `assign-quota-${i}-${j}` }, [...none, ...kindOptions], quota.kind) }),
        small(`quota-min-${i}-${j}`, quota.min, t("team.min")),
        small(`quota-max-${i}-${j}`, quota.max, t("team.max")),
        h("button", { type: "button", class: "button small secondary", "aria-label": t("assign.quota.remove", { n: formatNumber(j + 1), group: groupName(state.groups[i].group_id, summary) || formatNumber(i + 1) }), onclick: rerender(() => state.groups[i].kinds.splice(j, 1)) }, t("common.remove")),
      );
    const groupRowEl = (row, i) =>
      h(
        "fieldset",
        { class: "filters group-row", "data-row": `group-${i}` },
        h("legend", {}, t("assign.group.legend", { n: formatNumber(i + 1) })),
        h(
          "div",
          { class: "form-actions team-row" },
          field({ label: t("assign.group.label"), control: select({ name: `group-${i}`, id: `assign-group-${i}` }, [...none, ...groupOptions], row.group_id), className: "field field-grow" }),
          small(`group-min-${i}`, row.min, t("assign.group.min")),
          small(`group-max-${i}`, row.max, t("assign.group.max")),
          small(`group-regions-${i}`, row.minRegions, t("assign.group.minRegions")),
        ),
        row.kinds.map(quotaRow(i)),
        h(
          "p",
          { class: "form-actions" },
          h("button", { type: "button", class: "button small secondary", onclick: rerender(() => state.groups[i].kinds.push({ kind: "", min: "1", max: "" })) }, t("assign.quota.add")),
          h("button", { type: "button", class: "button small secondary", "aria-label": t("assign.group.remove", { n: formatNumber(i + 1) }), onclick: rerender(() => state.groups.splice(i, 1)) }, t("common.remove")),
        ),
      );
    const defaults = state.groups.length
      ? null
      : h("div", { class: "form-actions" }, small("default-min", state.defaultMin, t("assign.default.min")), small("default-max", state.defaultMax, t("assign.default.max")));

    const form = h(
      "form",
      { class: "panel query-form", novalidate: true, onsubmit: onSubmit, oninput: (e) => readForm(e.currentTarget), onchange: (e) => readForm(e.currentTarget), "aria-labelledby": "assign-title" },
      partnerPicker({ id: "assign-partners", name: "partners", label: t("assign.partners.label"), hint: t("assign.partners.hint"), multiple: true, values: state.partners, onChange: (entries) => (state.partners = entries) }),
      h(
        "fieldset",
        { class: "filters" },
        h("legend", {}, t("assign.groups.legend")),
        h("p", { class: "hint" }, t(state.groups.length ? "assign.groups.hint" : "assign.groups.all")),
        defaults,
        state.groups.map(groupRowEl),
        h("button", { type: "button", class: "button small secondary", onclick: rerender(() => state.groups.push(groupRow())) }, t("assign.group.add")),
      ),
      h(
        "fieldset",
        { class: "filters" },
        h("legend", {}, t("assign.perPartner.legend")),
        h("div", { class: "form-actions" }, small("min-groups", state.minGroups, t("assign.perPartner.min")), small("max-groups", state.maxGroups, t("assign.perPartner.max"), 1)),
      ),
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "button" }, t("assign.submit"))),
    );
    resultsRegion = h("section", { class: "results", "aria-label": t("assign.title"), id: "assign-results" });
    fill(root, h("div", { class: "view-head" }, h("h1", { id: "assign-title", tabindex: "-1" }, t("assign.title")), h("p", { class: "lead" }, t("assign.intro"))), ctx.catalogNotice(), form, resultsRegion);
    renderResults();
  }

  return {
    titleKey: "assign.title",
    mount(container) {
      root = container;
      render();
    },
    relabel() {
      if (root?.isConnected) render();
    },
  };
}
