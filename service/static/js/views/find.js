// "Find collaborators": describe a project (or pick one), filter, see explained suggestions, accept or dismiss them.
// What the service understood from the text shows as chips; a pressed chip is a hard filter of the next search.

import { api, apiKey } from "../api.js";
import { emptyState, errorState, initialState, keyForm, loadingState, matchCard, resultsHeading, sdgName } from "../components.js";
import { field, fill, h, select, setFieldError } from "../dom.js";
import { countryName, languageName, regionName, t, tn } from "../i18n.js";
import { membersMap } from "../map.js";
import { projectLabel, projectPicker, requesterField } from "../pickers.js";
import { regionOptions } from "../regions.js";
import { actingPartner } from "../session.js";
import { FILTER_OF, chipLabel, understoodChips } from "../understood.js";

const K_CHOICES = [5, 10, 20, 50];

const state = {
  text: "",
  project: null, // {value, label} chosen in the project picker
  requester: null, // {value, label} chosen in the requester picker (the signed-in partner overrides it)
  filters: { country: "", type: "", language: "", sdg: "", theme: "", region: "" },
  extra: emptyExtra(), // filters added from the "what we understood" chips, by filter name
  understood: null,
  k: 10,
  phase: "initial", // initial | loading | done | error
  results: [],
  error: null,
  lastQuery: null,
  decisions: {}, // partner_id -> {status: "sending"|"done"|"error", action, message}
  feedbackNotice: "",
};

let controller = null;

function emptyExtra() {
  return { regions: [], countries: [], types: [], languages: [], sdgs: [] };
}

function sortedBy(items, key) {
  return [...items].sort((a, b) => key(a).localeCompare(key(b)));
}

function filterOptions(summary, themes) {
  const countries = sortedBy(summary?.countries ?? [], countryName);
  const languages = sortedBy(summary?.languages ?? [], languageName);
  const kinds = Object.keys(summary?.actor_types ?? {});
  return {
    country: countries.map((c) => [c, countryName(c)]),
    type: kinds.map((k) => [k, t(`kind.${k}`)]),
    language: languages.map((l) => [l, languageName(l)]),
    sdg: Array.from({ length: 17 }, (_, i) => [String(i + 1), `${i + 1}. ${sdgName(i + 1, summary)}`]),
    theme: (themes ?? []).map((theme) => [String(theme.id), theme.label]),
    region: regionOptions(regionName),
  };
}

/** The select's value (if any) and the chips' values of one filter list, without repeats. */
function activeFilters() {
  const merged = {};
  const selects = { countries: "country", types: "type", languages: "language", sdgs: "sdg", regions: "region" };
  for (const [filter, name] of Object.entries(selects)) {
    const values = [...(state.filters[name] ? [state.filters[name]] : []), ...state.extra[filter]].map(String);
    const unique = [...new Set(values)];
    if (unique.length) merged[filter] = filter === "sdgs" ? unique.map(Number) : unique;
  }
  return merged;
}

function buildQuery() {
  const filters = activeFilters();
  if (state.filters.theme) filters.themes = [Number(state.filters.theme)];
  const query = { k: state.k, filters };
  if (state.text.trim()) query.text = state.text.trim();
  if (state.project) query.project_id = state.project.value;
  const requester = actingPartner()?.id ?? state.requester?.value;
  if (requester) query.requester_id = requester;
  return query;
}

export function createFindView(ctx) {
  let root = null;
  let resultsRegion = null;

  function readForm(form) {
    const data = new FormData(form);
    state.text = String(data.get("text") ?? "");
    state.k = Number(data.get("k") ?? 10);
    for (const name of Object.keys(state.filters)) state.filters[name] = String(data.get(name) ?? "");
    if (!ctx.themes?.length) state.filters.theme = "";
  }

  async function search({ focusResults = true } = {}) {
    controller?.abort();
    controller = new AbortController();
    state.lastQuery = buildQuery();
    state.phase = "loading";
    state.decisions = {};
    state.feedbackNotice = "";
    renderResults();
    ctx.announce(t("find.loading"));
    try {
      const body = await api.collaborators(state.lastQuery, controller.signal);
      state.results = body.data;
      state.understood = body.understood ?? null;
      state.phase = "done";
      ctx.announce(state.results.length ? tn("find.results", state.results.length) : t("find.empty.title"));
    } catch (error) {
      if (error.name === "AbortError") return;
      state.error = error;
      state.phase = "error";
      ctx.announce(t("error.title"));
    }
    renderResults();
    if (focusResults) resultsRegion.querySelector(".results-heading, .state")?.focus?.();
  }

  function onSubmit(event) {
    event.preventDefault();
    const form = event.currentTarget;
    readForm(form);
    const textarea = form.elements.text;
    if (!state.text.trim() && !state.project) {
      setFieldError(textarea, t("find.error.empty"));
      textarea.focus();
      return;
    }
    setFieldError(textarea, null);
    search();
  }

  function onClear() {
    controller?.abort();
    Object.assign(state, { text: "", project: null, requester: null, k: 10, phase: "initial", results: [], error: null });
    state.filters = { country: "", type: "", language: "", sdg: "", theme: "", region: "" };
    state.extra = emptyExtra();
    state.understood = null;
    state.lastQuery = null;
    render();
    root.querySelector("textarea")?.focus();
  }

  // -- chips: one click adds the filter and searches again, another removes it -----------------------------------
  async function toggleChip(group, value) {
    const filter = FILTER_OF[group];
    const selectName = { regions: "region", countries: "country", types: "type", languages: "language", sdgs: "sdg" }[filter];
    const on = (activeFilters()[filter] ?? []).some((v) => String(v) === String(value));
    const label = chipLabel(group, value, ctx.summary);
    if (on) {
      state.extra[filter] = state.extra[filter].filter((v) => String(v) !== String(value));
      if (String(state.filters[selectName]) === String(value)) state.filters[selectName] = "";
    } else {
      state.extra[filter] = [...state.extra[filter], value];
    }
    const select = root.querySelector(`#filter-${selectName}`);
    if (select) select.value = state.filters[selectName];
    await search({ focusResults: false });
    ctx.announce(t(on ? "understood.removed" : "understood.added", { label }));
    resultsRegion.querySelector(`.understood button[data-group="${group}"][data-value="${CSS.escape(String(value))}"]`)?.focus();
  }

  /** From the map to the list: focus the first suggestion of that country. */
  function focusCountry(code) {
    const match = state.results.find((m) => m.country === code);
    if (match) resultsRegion.querySelector(`li[data-partner-id="${CSS.escape(match.partner_id)}"] .link-button`)?.focus();
  }

  function chips() {
    return understoodChips(state.understood, activeFilters(), ctx.summary, toggleChip);
  }

  // -- feedback (accept / dismiss): shown only when a requester is chosen and the server may have the endpoint ------
  function feedbackAvailable() {
    return Boolean(state.lastQuery?.requester_id) && ctx.features.feedback !== false;
  }

  async function sendFeedback(match, action) {
    state.decisions[match.partner_id] = { status: "sending", action };
    rerenderCard(match);
    const body = { requester_id: state.lastQuery.requester_id, partner_id: match.partner_id, action };
    if (state.lastQuery.project_id) body.project_id = state.lastQuery.project_id;
    try {
      await api.feedback(body);
      state.decisions[match.partner_id] = { status: "done", action, message: t(`feedback.${action}.done`) };
      ctx.announce(t(`feedback.${action}.done`));
    } catch (error) {
      delete state.decisions[match.partner_id];
      if (error.kind === "notFound" && (!error.detail || error.detail === "Not Found")) {
        ctx.features.feedback = false; // the endpoint does not exist here: stop offering it
        state.feedbackNotice = t("feedback.unavailable");
        renderResults();
        ctx.announce(state.feedbackNotice);
        resultsRegion.querySelector(".notice")?.focus();
        return;
      }
      if (error.kind === "unauthorised") {
        // recording a decision is a write: it needs an API key; ask for one, then send again
        const message = apiKey() ? `${t("feedback.unauthorised")} ${error.detail}` : t("feedback.unauthorised");
        state.decisions[match.partner_id] = { status: "key", action, message };
        ctx.announce(message);
        rerenderCard(match);
        resultsRegion.querySelector(`li[data-partner-id="${CSS.escape(match.partner_id)}"] input[name="api-key"]`)?.focus();
        return;
      }
      const message =
        error.kind === "invalid" || error.kind === "notFound"
          ? error.detail
          : t("feedback.failed", { status: error.status || "?" });
      state.decisions[match.partner_id] = { status: "error", action, message };
      ctx.announce(message);
    }
    rerenderCard(match, true);
  }

  function feedbackControls(match) {
    if (!feedbackAvailable()) return null;
    const decision = state.decisions[match.partner_id];
    const done = decision?.status === "done";
    const sending = decision?.status === "sending";
    return h(
      "div",
      { class: "feedback", role: "group", "aria-label": t("feedback.label", { name: match.name }) },
      done
        ? null
        : [
            h(
              "button",
              { type: "button", class: "button small", disabled: sending, "data-action": "accept", onclick: () => sendFeedback(match, "accept") },
              t("feedback.accept"),
            ),
            h(
              "button",
              { type: "button", class: "button small secondary", disabled: sending, "data-action": "dismiss", onclick: () => sendFeedback(match, "dismiss") },
              t("feedback.dismiss"),
            ),
          ],
      h(
        "p",
        { class: `feedback-status${["error", "key"].includes(decision?.status) ? " is-error" : ""}`, tabindex: "-1" },
        sending ? t("feedback.sending") : (decision?.message ?? ""),
      ),
      decision?.status === "key" ? keyForm("key.body.write", () => sendFeedback(match, decision.action)) : null,
    );
  }

  function cardContext() {
    return { summary: ctx.summary, openPartner: ctx.openPartner, feedback: feedbackControls };
  }

  function rerenderCard(match, focusStatus = false) {
    const old = resultsRegion.querySelector(`li[data-partner-id="${CSS.escape(match.partner_id)}"]`);
    if (!old) return;
    const fresh = matchCard(match, cardContext());
    const decision = state.decisions[match.partner_id];
    if (decision?.status === "done") fresh.classList.add(`decided-${decision.action}`);
    old.replaceWith(fresh);
    if (focusStatus) fresh.querySelector(".feedback-status")?.focus();
  }

  // -- rendering --------------------------------------------------------------------------------------------------
  function renderResults() {
    if (!resultsRegion) return;
    resultsRegion.setAttribute("aria-busy", String(state.phase === "loading"));
    let content;
    if (state.phase === "initial") content = initialState(t("find.initial.title"), t("find.initial.body"));
    else if (state.phase === "loading") content = loadingState(t("find.loading"));
    else if (state.phase === "error") content = errorState(state.error, () => search());
    else if (!state.results.length) content = [emptyState(t("find.empty.title"), t("find.empty.body")), chips()];
    else {
      content = [
        resultsHeading(tn("find.results", state.results.length)),
        chips(),
        state.feedbackNotice ? h("p", { class: "notice", role: "status", tabindex: "-1" }, state.feedbackNotice) : null,
        h("ol", { class: "cards" }, state.results.map((m) => matchCard(m, cardContext()))),
        membersMap(state.results, { onCountry: focusCountry }),
      ];
    }
    const first = [content].flat()[0];
    if (first instanceof Node) first.setAttribute("tabindex", "-1");
    fill(resultsRegion, ...[content].flat().filter(Boolean));
    for (const [id, decision] of Object.entries(state.decisions)) {
      if (decision.status === "done") resultsRegion.querySelector(`li[data-partner-id="${CSS.escape(id)}"]`)?.classList.add(`decided-${decision.action}`);
    }
  }

  function render() {
    const summary = ctx.summary;
    const options = filterOptions(summary, ctx.themes);
    const any = [["", t("common.any")]];
    const textarea = h("textarea", {
      name: "text",
      rows: 5,
      maxlength: 20000,
      placeholder: t("find.text.placeholder"),
      value: state.text,
    });
    const filter = (name, label) =>
      field({ label, control: select({ name, id: `filter-${name}` }, [...any, ...options[name]], state.filters[name]) });

    const form = h(
      "form",
      {
        class: "panel query-form",
        novalidate: true,
        onsubmit: onSubmit,
        // keep what is typed, so that switching language or view loses nothing
        oninput: (event) => readForm(event.currentTarget),
        onchange: (event) => readForm(event.currentTarget),
        "aria-labelledby": "find-title",
      },
      field({ label: t("find.text.label"), control: textarea, hint: t("find.text.hint"), className: "field field-wide" }),
      h(
        "div",
        { class: "grid-2" },
        projectPicker({
          id: "project",
          name: "project",
          label: t("find.project.label"),
          hint: t("find.project.hint"),
          value: state.project,
          onChange: (entry) => (state.project = entry),
        }),
        requesterField({ id: "requester", hint: t("find.requester.hint"), value: state.requester, onChange: (entry) => (state.requester = entry) }),
      ),
      h(
        "fieldset",
        { class: "filters" },
        h("legend", {}, t("filters.legend")),
        h(
          "div",
          { class: "grid-4" },
          filter("country", t("filters.country")),
          filter("type", t("filters.type")),
          filter("language", t("filters.language")),
          filter("sdg", t("filters.sdg")),
          filter("region", t("filters.region")),
          options.theme.length ? filter("theme", t("filters.theme")) : null,
        ),
      ),
      h(
        "div",
        { class: "form-actions" },
        field({
          label: t("find.k.label"),
          control: select({ name: "k", id: "k" }, K_CHOICES.map((k) => [String(k), String(k)]), String(state.k)),
          className: "field field-inline",
        }),
        h("button", { type: "submit", class: "button" }, t("find.submit")),
        h("button", { type: "button", class: "button secondary", onclick: onClear }, t("find.clear")),
      ),
    );

    resultsRegion = h("section", { class: "results", "aria-label": t("find.results.region"), id: "find-results" });
    fill(root,
      h("div", { class: "view-head" }, h("h1", { id: "find-title", tabindex: "-1" }, t("find.title")), h("p", { class: "lead" }, t("find.intro"))),
      ctx.catalogNotice(),
      form,
      resultsRegion,
    );
    renderResults();
  }

  return {
    titleKey: "find.title",
    mount(container, params) {
      root = container;
      const project = params.get("project");
      if (project) Object.assign(state, { project: { value: project, label: project }, text: "" });
      render();
      if (project) {
        search({ focusResults: false });
        projectLabel(project).then((entry) => {
          if (state.project?.value !== entry.value) return;
          state.project = entry;
          root.querySelector("[data-combo='project']")?.picker?.set(entry);
        });
      }
    },
    relabel() {
      if (root?.isConnected) render();
    },
  };
}
