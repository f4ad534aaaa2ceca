// "Build a team": describe a project (or pick one), set the team's size and constraints, get the proposed team from
// POST /v1/recommendations/consortium with what each member brings, the coverage and the binding constraints; swap a
// member for one of its alternatives; constraints that cannot all be met are explained in words (422 with a detail).

import { api } from "../api.js";
import { errorState, initialState, kindLabel, loadingState, metaLine, resultsHeading, scoreBadge, sdgName, wordReason, cssSafe } from "../components.js";
import { field, fill, h, select, setFieldError } from "../dom.js";
import { countryName, formatNumber, languageName, regionName, t, tn } from "../i18n.js";
import { membersMap } from "../map.js";
import { partnerPicker, projectPicker, requesterField } from "../pickers.js";
import { regionOptions } from "../regions.js";
import { actingPartner } from "../session.js";

const state = {
  text: "",
  project: null, // {value, label}
  requester: null, // {value, label}; the signed-in partner overrides it
  include: [], // [{value, label}]: in the team already
  exclude: [], // [{value, label}]: never proposed
  size: { min: 3, max: 5 },
  kinds: [], // [{kind, min, max}] as strings from the form
  regions: [], // [{region, min}]
  minDistinct: "",
  maxPerCountry: "",
  languages: [],
  sdgs: [],
  phase: "initial", // initial | loading | done | infeasible | error
  result: null,
  error: null,
  request: null,
};

let controller = null;

const int = (value) => (value === "" || value === null || value === undefined ? null : Number(value));

/** The request of the documented contract, from the form's state (empty constraints left out). */
function buildRequest() {
  const constraints = {};
  const kinds = state.kinds.filter((row) => row.kind).map((row) => ({ kind: row.kind, min: int(row.min) ?? 0, ...(row.max !== "" ? { max: int(row.max) } : {}) }));
  if (kinds.length) constraints.kinds = kinds;
  const regions = state.regions.filter((row) => row.region).map((row) => ({ region: row.region, min: int(row.min) ?? 1 }));
  if (regions.length) constraints.regions = regions;
  if (state.minDistinct !== "") constraints.min_distinct_countries = int(state.minDistinct);
  if (state.maxPerCountry !== "") constraints.max_per_country = int(state.maxPerCountry);
  if (state.languages.length) constraints.languages = [...state.languages];
  if (state.sdgs.length) constraints.sdgs = state.sdgs.map(Number);
  const body = {
    size: { min: int(state.size.min), max: int(state.size.max) },
    constraints,
    include: state.include.map((entry) => entry.value),
    exclude: state.exclude.map((entry) => entry.value),
  };
  if (state.text.trim()) body.text = state.text.trim();
  if (state.project) body.project_id = state.project.value;
  const requester = actingPartner()?.id ?? state.requester?.value;
  if (requester) body.requester_id = requester;
  return body;
}

/** What is wrong with the form before anything is sent: [control name, message] or null. */
function formProblem() {
  if (!state.text.trim() && !state.project) return ["text", t("find.error.empty")];
  const { min, max } = state.size;
  if (min === "" || max === "" || Number(min) > Number(max)) return ["size-min", t("team.error.size")];
  for (const [i, row] of state.kinds.entries()) if (row.max !== "" && Number(row.min || 0) > Number(row.max)) return [`kind-min-${i}`, t("team.error.range")];
  const needed = state.kinds.reduce((sum, row) => sum + Number(row.min || 0), 0);
  if (needed > Number(max)) return ["size-max", t("team.error.kinds", { needed: formatNumber(needed), max: formatNumber(Number(max)) })];
  return null;
}

/** A binding constraint in words: the request field it names ("constraints.kinds[0].max") read against the request. */
function wordBinding(binding, request) {
  const value = formatNumber(binding.bound ?? binding.value ?? 0);
  const path = String(binding.constraint ?? "");
  let match;
  if ((match = path.match(/^size\.(min|max)$/))) return t(`binding.size_${match[1]}`, { value });
  if ((match = path.match(/^constraints\.kinds\[(\d+)\]\.(min|max)$/))) {
    const kind = request?.constraints?.kinds?.[Number(match[1])]?.kind;
    if (kind) return t(`binding.kind_${match[2]}`, { value, kind: kindLabel(kind) });
  }
  if ((match = path.match(/^constraints\.regions\[(\d+)\]/))) {
    const region = request?.constraints?.regions?.[Number(match[1])]?.region;
    if (region) return t("binding.region_min", { value, region: regionName(region) });
  }
  if (path === "constraints.min_distinct_countries") return t("binding.min_distinct_countries", { value });
  if (path === "constraints.max_per_country") return t("binding.max_per_country", { value });
  if ((match = path.match(/^constraints\.languages\[(\d+)\]/))) {
    const code = request?.constraints?.languages?.[Number(match[1])];
    if (code) return t("binding.language", { language: languageName(code) });
  }
  if ((match = path.match(/^constraints\.sdgs\[(\d+)\]/))) {
    const goal = request?.constraints?.sdgs?.[Number(match[1])];
    if (goal) return t("binding.sdg", { sdg: `${t("sdg.short", { n: goal })} — ${sdgName(goal)}` });
  }
  return null;
}

function wordedList(items, summary, prefix, label) {
  if (!items?.length) return null;
  return h(
    "ul",
    { class: "reasons", "aria-label": label },
    items.map((item) => {
      const worded = wordReason(item, summary, prefix);
      return worded === null ? h("li", { lang: "en" }, item.text) : h("li", {}, worded);
    }),
  );
}

export function createTeamView(ctx) {
  let root = null;
  let resultsRegion = null;

  function readForm(form) {
    const data = new FormData(form);
    state.text = String(data.get("text") ?? "");
    state.size = { min: String(data.get("size-min") ?? ""), max: String(data.get("size-max") ?? "") };
    state.kinds = state.kinds.map((_, i) => ({ kind: String(data.get(`kind-${i}`) ?? ""), min: String(data.get(`kind-min-${i}`) ?? ""), max: String(data.get(`kind-max-${i}`) ?? "") }));
    state.regions = state.regions.map((_, i) => ({ region: String(data.get(`region-${i}`) ?? ""), min: String(data.get(`region-min-${i}`) ?? "1") }));
    state.minDistinct = String(data.get("min-distinct") ?? "");
    state.maxPerCountry = String(data.get("max-per-country") ?? "");
    state.languages = data.getAll("languages").map(String);
    state.sdgs = data.getAll("sdgs").map(String);
  }

  async function propose(request, { announceKey = null, params = {} } = {}) {
    controller?.abort();
    controller = new AbortController();
    state.request = request;
    state.phase = "loading";
    renderResults();
    ctx.announce(t("team.loading"));
    try {
      state.result = await api.consortium(request, controller.signal);
      state.phase = "done";
      ctx.announce(announceKey ? t(announceKey, params) : tn("team.members", state.result.members.length));
    } catch (error) {
      if (error.name === "AbortError") return;
      state.error = error;
      // infeasible constraints: a 422 whose detail is one sentence (field errors come as a list)
      state.phase = error.kind === "invalid" && error.status === 422 && error.sentence ? "infeasible" : "error";
      ctx.announce(t(state.phase === "infeasible" ? "team.infeasible.title" : "error.title"));
    }
    renderResults();
    resultsRegion.querySelector(".results-heading, .state")?.focus();
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
    propose(buildRequest());
  }

  function swap(member, alternative) {
    const keep = state.result.members.filter((m) => m.partner_id !== member.partner_id && !["requester", "project_member"].includes(m.role));
    const request = {
      ...state.request,
      include: [...new Set([...keep.map((m) => m.partner_id), alternative.partner_id])],
      exclude: [...new Set([...(state.request.exclude ?? []), member.partner_id])],
    };
    propose(request, { announceKey: "team.swapped", params: { old: member.name, new: alternative.name } });
  }

  // -- results ------------------------------------------------------------------------------------------------------
  function memberCard(member) {
    const titleId = `member-${cssSafe(member.partner_id)}`;
    const alternatives = member.alternatives ?? [];
    return h(
      "li",
      { class: "card match member", "data-partner-id": member.partner_id },
      h(
        "article",
        { "aria-labelledby": titleId },
        h(
          "header",
          { class: "card-head" },
          h(
            "div",
            {},
            h("h3", { id: titleId, class: "card-title" }, h("button", { type: "button", class: "link-button", "aria-haspopup": "dialog", "aria-label": t("match.open", { name: member.name }), onclick: (event) => ctx.openPartner(member.partner_id, event.currentTarget) }, member.name)),
            metaLine(kindLabel(member.type, ctx.summary), countryName(member.country)),
          ),
          typeof member.score === "number" ? scoreBadge(member.score) : null,
        ),
        member.brings?.length ? h("p", { class: "brings-title" }, t("team.brings", { name: member.name })) : null,
        wordedList(member.brings, ctx.summary, "brings", t("team.brings", { name: member.name })),
        wordedList(member.explanations?.length ? member.explanations : (member.reasons ?? []).map((text) => ({ text })), ctx.summary, "reason", t("match.reasons")),
        alternatives.length
          ? h(
              "details",
              { class: "alternatives" },
              h("summary", {}, t("team.alternatives", { name: member.name })),
              h(
                "ul",
                { class: "plain-list" },
                alternatives.map((alt) =>
                  h(
                    "li",
                    {},
                    h("button", { type: "button", class: "button small secondary", "data-swap": alt.partner_id, "aria-label": t("team.swap", { old: member.name, new: alt.name }), onclick: () => swap(member, alt) }, alt.name),
                    " ",
                    h("span", { class: "meta" }, [kindLabel(alt.type, ctx.summary), countryName(alt.country)].join(" · ")),
                  ),
                ),
              ),
            )
          : null,
      ),
    );
  }

  function coverage(cov) {
    if (!cov) return null;
    const kinds = Array.isArray(cov.kinds) ? cov.kinds.map((k) => kindLabel(k, ctx.summary)) : Object.entries(cov.kinds ?? {}).map(([k, n]) => `${kindLabel(k, ctx.summary)} × ${formatNumber(n)}`);
    const rows = [
      ["kinds", kinds],
      ["countries", (cov.countries ?? []).map(countryName)],
      ["regions", (cov.regions ?? []).map((r) => (/^\d{3}$/.test(String(r)) ? regionName(String(r)) : r))],
      ["languages", (cov.languages ?? []).map(languageName)],
      ["sdgs", (cov.sdgs ?? []).map((goal) => `${t("sdg.short", { n: goal })} — ${sdgName(goal, ctx.summary)}`)],
    ].filter(([, values]) => values.length);
    return h(
      "section",
      { class: "coverage", "aria-labelledby": "coverage-title" },
      h("h3", { id: "coverage-title" }, t("team.coverage.title")),
      h("dl", {}, rows.map(([key, values]) => [h("dt", {}, t(`team.coverage.${key}`)), h("dd", { "data-coverage": key }, values.join(" · "))])),
    );
  }

  function bindingSection(bindings) {
    return h(
      "section",
      { class: "binding", "aria-labelledby": "binding-title" },
      h("h3", { id: "binding-title" }, t("team.binding.title")),
      bindings?.length
        ? h(
            "ul",
            { class: "plain-list" },
            bindings.map((b) => {
              const text = typeof b === "string" ? null : wordBinding(b, state.request);
              return text === null ? h("li", { lang: "en" }, typeof b === "string" ? b : b.text) : h("li", {}, text);
            }),
          )
        : h("p", { class: "hint" }, t("team.binding.none")),
    );
  }

  function renderResults() {
    if (!resultsRegion) return;
    resultsRegion.setAttribute("aria-busy", String(state.phase === "loading"));
    let content;
    if (state.phase === "initial") content = initialState(t("team.initial.title"), t("team.initial.body"));
    else if (state.phase === "loading") content = loadingState(t("team.loading"));
    else if (state.phase === "infeasible") {
      content = h(
        "div",
        { class: "state state-error infeasible", role: "alert" },
        h("p", { class: "state-title" }, t("team.infeasible.title")),
        h("p", {}, t("team.infeasible.body")),
        h("p", { class: "detail", lang: "en" }, state.error.detail),
      );
    } else if (state.phase === "error") content = errorState(state.error, () => propose(state.request));
    else {
      const { members = [], binding = [], objective = 0, optimal = true } = state.result;
      content = [
        resultsHeading(tn("team.members", members.length)),
        h("p", { class: "hint objective" }, t(optimal ? "team.optimal" : "team.notOptimal", { objective: formatNumber(objective, 2) })),
        h("ol", { class: "cards" }, members.map(memberCard)),
        coverage(state.result.coverage),
        bindingSection(binding),
        membersMap(members, { summary: ctx.summary, onCountry: focusCountry }),
      ];
    }
    const first = [content].flat()[0];
    if (first instanceof Node) first.setAttribute("tabindex", "-1");
    fill(resultsRegion, ...[content].flat().filter(Boolean));
  }

  function focusCountry(code) {
    const member = state.result?.members.find((m) => m.country === code);
    if (member) resultsRegion.querySelector(`li[data-partner-id="${CSS.escape(member.partner_id)}"] .link-button`)?.focus();
  }

  // -- form ---------------------------------------------------------------------------------------------------------
  function numberInput(name, value, min = 0) {
    return h("input", { type: "number", name, id: `team-${name}`, min, max: 100, step: 1, inputmode: "numeric", value: String(value ?? "") });
  }

  function rowsFieldset(legendKey, hintKey, rows, makeRow, addKey, onAdd) {
    return h(
      "fieldset",
      { class: "filters team-rows" },
      h("legend", {}, t(legendKey)),
      hintKey ? h("p", { class: "hint" }, t(hintKey)) : null,
      rows.map(makeRow),
      h("button", { type: "button", class: "button small secondary", onclick: onAdd }, t(addKey)),
    );
  }

  function render() {
    const summary = ctx.summary;
    const none = [["", t("common.none")]];
    const kindOptions = Object.keys(summary?.actor_types ?? {}).map((k) => [k, kindLabel(k, summary)]);
    const languages = [...(summary?.languages ?? [])].sort((a, b) => languageName(a).localeCompare(languageName(b)));
    const rerender = (mutate) => (event) => {
      readForm(event.currentTarget.form);
      mutate();
      render();
    };
    const removeButton = (key, n, mutate) => h("button", { type: "button", class: "button small secondary", "aria-label": t(key, { n: formatNumber(n) }), onclick: rerender(mutate) }, t("common.remove"));
    const kindRow = (row, i) =>
      h(
        "div",
        { class: "form-actions team-row", "data-row": `kind-${i}` },
        field({ label: t("team.kind.label"), control: select({ name: `kind-${i}`, id: `team-kind-${i}` }, [...none, ...kindOptions], row.kind) }),
        field({ label: t("team.min"), control: numberInput(`kind-min-${i}`, row.min), className: "field field-inline" }),
        field({ label: t("team.max"), control: numberInput(`kind-max-${i}`, row.max), className: "field field-inline" }),
        removeButton("team.kinds.remove", i + 1, () => state.kinds.splice(i, 1)),
      );
    const regionRow = (row, i) =>
      h(
        "div",
        { class: "form-actions team-row", "data-row": `region-${i}` },
        field({ label: t("team.region.label"), control: select({ name: `region-${i}`, id: `team-region-${i}` }, [...none, ...regionOptions(regionName)], row.region) }),
        field({ label: t("team.min"), control: numberInput(`region-min-${i}`, row.min, 1), className: "field field-inline" }),
        removeButton("team.regions.remove", i + 1, () => state.regions.splice(i, 1)),
      );
    const multi = (name, label, options, chosen) =>
      field({ label, hint: t("team.multi.hint"), control: h("select", { name, id: `team-${name}`, multiple: true, size: 5 }, options.map(([value, text]) => h("option", { value, selected: chosen.includes(String(value)) }, text))) });

    const form = h(
      "form",
      { class: "panel query-form", novalidate: true, onsubmit: onSubmit, oninput: (e) => readForm(e.currentTarget), onchange: (e) => readForm(e.currentTarget), "aria-labelledby": "team-title" },
      field({ label: t("find.text.label"), hint: t("find.text.hint"), control: h("textarea", { name: "text", id: "team-text", rows: 4, maxlength: 20000, placeholder: t("find.text.placeholder"), value: state.text }), className: "field field-wide" }),
      h(
        "div",
        { class: "grid-2" },
        projectPicker({ id: "team-project", name: "project", label: t("find.project.label"), value: state.project, onChange: (entry) => (state.project = entry) }),
        requesterField({ id: "team-requester", value: state.requester, onChange: (entry) => (state.requester = entry) }),
      ),
      h(
        "div",
        { class: "grid-2" },
        partnerPicker({ id: "team-include", name: "include", label: t("team.include.label"), hint: t("team.include.hint"), multiple: true, values: state.include, onChange: (entries) => (state.include = entries) }),
        partnerPicker({ id: "team-exclude", name: "exclude", label: t("team.exclude.label"), hint: t("team.exclude.hint"), multiple: true, values: state.exclude, onChange: (entries) => (state.exclude = entries) }),
      ),
      h("fieldset", { class: "filters" }, h("legend", {}, t("team.size.legend")), h("div", { class: "form-actions" }, field({ label: t("team.size.min"), control: numberInput("size-min", state.size.min, 1), className: "field field-inline" }), field({ label: t("team.size.max"), control: numberInput("size-max", state.size.max, 1), className: "field field-inline" }))),
      rowsFieldset("team.kinds.legend", "team.kinds.hint", state.kinds, kindRow, "team.kinds.add", rerender(() => state.kinds.push({ kind: "", min: "1", max: "" }))),
      rowsFieldset("team.places.legend", null, state.regions, regionRow, "team.regions.add", rerender(() => state.regions.push({ region: "", min: "1" }))),
      h("div", { class: "grid-2" }, field({ label: t("team.distinct"), control: numberInput("min-distinct", state.minDistinct) }), field({ label: t("team.perCountry"), control: numberInput("max-per-country", state.maxPerCountry, 1) })),
      h(
        "div",
        { class: "grid-2" },
        multi("languages", t("team.languages.label"), languages.map((code) => [code, languageName(code)]), state.languages),
        multi("sdgs", t("team.sdgs.label"), Array.from({ length: 17 }, (_, i) => [String(i + 1), `${i + 1}. ${sdgName(i + 1, summary)}`]), state.sdgs),
      ),
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "button" }, t("team.submit"))),
    );
    resultsRegion = h("section", { class: "results", "aria-label": t("team.title"), id: "team-results" });
    fill(root, h("div", { class: "view-head" }, h("h1", { id: "team-title", tabindex: "-1" }, t("team.title")), h("p", { class: "lead" }, t("team.intro"))), ctx.catalogNotice(), form, resultsRegion);
    renderResults();
  }

  return {
    titleKey: "team.title",
    mount(container) {
      root = container;
      render();
    },
    relabel() {
      if (root?.isConnected) render();
    },
  };
}
