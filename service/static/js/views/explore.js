// "Explore": the themes map and the least covered themes when the server has GET /v1/themes (coverage gaps too when
// it documents a gaps endpoint), and always the partners and projects, searched by name and filtered by the service a
// page at a time (GET /v1/catalog/partners and /v1/catalog/projects: never the whole catalogue at once).

import { api } from "../api.js";
import { emptyState, errorState, kindLabel, loadingState, metaLine, sdgChips, sdgName } from "../components.js";
import { field, fill, h, select } from "../dom.js";
import { countryName, formatNumber, t } from "../i18n.js";
import { gapList, leastCovered, leastCoveredList, normaliseGaps, normaliseThemes, themeMap } from "../themes.js";

const PAGE = 30;
const DEBOUNCE_MS = 250;

const state = {
  query: "",
  filters: { type: "", country: "", sdg: "", status: "" },
  lists: { partners: emptyList(), projects: emptyList() },
  themes: { phase: "idle", data: null, error: null },
};

function emptyList() {
  return { phase: "loading", items: [], total: 0, cursor: null, error: null };
}

function themesContent(reload) {
  const { phase, data, error } = state.themes;
  if (phase === "loading" || phase === "idle") return loadingState(t("explore.themes.loading"));
  if (phase === "unavailable") return h("p", { class: "notice" }, t("explore.themes.unavailable"));
  if (phase === "error") return errorState(error, reload);
  const { themes, outlierRate, gaps } = data;
  if (!themes.length) return emptyState(t("explore.themes.empty"));
  const thin = leastCovered(themes);
  return [
    h("p", { class: "hint" }, t("explore.themes.map")),
    themeMap(themes),
    !outlierRate ? null : h("p", { class: "hint" }, t("explore.themes.outliers", { share: formatPercent(outlierRate) })),
    thin.length ? [h("h3", {}, t("explore.thin.title")), h("p", { class: "hint" }, t("explore.thin.body")), leastCoveredList(themes)] : null,
    gaps === null
      ? null
      : [h("h3", {}, t("explore.gaps.title")), gaps.length ? gapList(gaps) : h("p", { class: "hint" }, t("explore.gaps.empty"))],
  ];
}

function formatPercent(share) {
  return new Intl.NumberFormat(document.documentElement.lang, { style: "percent", maximumFractionDigits: 0 }).format(share);
}

// -- lists ------------------------------------------------------------------------------------------------------------

/** The parameters of one page of a list: the search and the filters that apply to that kind. */
function listParams(kind, cursor) {
  const { type, country, sdg, status } = state.filters;
  const common = { q: state.query.trim(), sdg, limit: PAGE, cursor };
  return kind === "partners" ? { ...common, type, country } : { ...common, status };
}

const search = { partners: api.searchPartners, projects: api.searchProjects };

export function createExploreView(ctx) {
  let root = null;
  let listsRegion = null;
  let themesRegion = null;

  async function loadThemes() {
    if (ctx.features.themes === false) {
      state.themes = { phase: "unavailable", data: null, error: null };
      renderThemes();
      return;
    }
    state.themes = { phase: "loading", data: null, error: null };
    renderThemes();
    try {
      const data = normaliseThemes(await api.themes());
      data.gaps = ctx.features.gapsPath ? normaliseGaps(await api.get(ctx.features.gapsPath)) : null;
      ctx.themes = data.themes;
      state.themes = { phase: "done", data, error: null };
    } catch (error) {
      // 404: no themes on this server yet (no endpoint, or none fitted); the lists below still work
      const missing = error.kind === "notFound" || error.status === 405 || error.status === 501;
      state.themes = { phase: missing ? "unavailable" : "error", data: null, error };
    }
    renderThemes();
  }

  function renderThemes() {
    if (!themesRegion?.isConnected) return;
    themesRegion.setAttribute("aria-busy", String(state.themes.phase === "loading"));
    fill(themesRegion, h("h2", { id: "themes-title" }, t("explore.themes.title")), ...[themesContent(loadThemes)].flat(2));
  }

  let controllers = {};

  /** Load the first page of a list (or, with ``more``, the next one) from the service. */
  async function loadList(kind, { more = false } = {}) {
    const list = state.lists[kind];
    if (!more) controllers[kind]?.abort();
    const controller = (controllers[kind] = new AbortController());
    if (!more) state.lists[kind] = { ...emptyList(), items: list.items, total: list.total };
    try {
      const page = await search[kind](listParams(kind, more ? list.cursor : undefined), controller.signal);
      const items = more ? [...list.items, ...page.data] : page.data;
      state.lists[kind] = { phase: "done", items, total: page.total, cursor: page.next_cursor, error: null };
    } catch (error) {
      if (error.name === "AbortError") return;
      state.lists[kind] = { ...emptyList(), phase: "error", error };
    }
    renderLists();
  }

  function list(kind, renderItem) {
    const { phase, items, total, cursor, error } = state.lists[kind];
    let body;
    if (phase === "error") body = errorState(error, () => loadList(kind));
    else if (phase === "loading" && !items.length) body = loadingState(t("app.loading"));
    else if (!items.length) body = emptyState(t("explore.none"));
    else {
      body = [
        h("ul", { class: "entries" }, items.map(renderItem)),
        h(
          "p",
          { class: "more" },
          h("span", { class: "hint" }, t("common.showing", { shown: formatNumber(items.length), total: formatNumber(total) })),
          " ",
          cursor
            ? h(
                "button",
                {
                  type: "button",
                  class: "button secondary small",
                  "data-more": kind,
                  onclick: async () => {
                    const before = items.length;
                    await loadList(kind, { more: true });
                    root.querySelectorAll(`#${kind}-title ~ .entries > li`)[before]?.querySelector("button, a")?.focus();
                  },
                },
                t("common.more"),
              )
            : null,
        ),
      ];
    }
    return h(
      "section",
      { class: "panel", "aria-labelledby": `${kind}-title`, "aria-busy": String(phase === "loading"), "data-list": kind },
      h("h2", { id: `${kind}-title` }, t(`explore.${kind}.title`), " ", h("span", { class: "count" }, `(${formatNumber(total)})`)),
      body,
    );
  }

  function partnerItem(p) {
    return h(
      "li",
      { class: "entry", "data-partner-id": p.id },
      h(
        "h3",
        { class: "entry-title" },
        h(
          "button",
          { type: "button", class: "link-button", "aria-haspopup": "dialog", onclick: (e) => ctx.openPartner(p.id, e.currentTarget) },
          p.name,
        ),
      ),
      metaLine(kindLabel(p.type, ctx.summary), countryName(p.country)),
      h("p", { class: "summary" }, p.summary),
      sdgChips(p.sdgs, ctx.summary),
    );
  }

  function projectItem(p) {
    return h(
      "li",
      { class: "entry", "data-project-id": p.id },
      h("h3", { class: "entry-title" }, p.title),
      p.status ? metaLine(t(`status.${p.status}`)) : null,
      h("p", { class: "summary" }, p.summary),
      sdgChips(p.sdgs, ctx.summary),
      h("p", {}, h(
          "a",
          { class: "button secondary small", href: `#/find?project=${encodeURIComponent(p.id)}`, "aria-label": t("explore.findFor", { title: p.title }) },
          t("find.fromProject"),
        )),
    );
  }

  function renderLists() {
    if (!listsRegion?.isConnected) return;
    fill(listsRegion, h("div", { class: "columns" }, list("partners", partnerItem), list("projects", projectItem)));
  }

  let timer = null;
  /** The search or a filter changed: ask again (typing is debounced), then announce the counts. */
  function update({ debounce = false } = {}) {
    clearTimeout(timer);
    timer = setTimeout(
      async () => {
        await Promise.all([loadList("partners"), loadList("projects")]);
        const { partners, projects } = state.lists;
        ctx.announce(`${t("explore.partners.title")}: ${formatNumber(partners.total)} · ${t("explore.projects.title")}: ${formatNumber(projects.total)}`);
      },
      debounce ? DEBOUNCE_MS : 0,
    );
  }

  function render() {
    const summary = ctx.summary;
    const any = [["", t("common.any")]];
    const countries = (summary?.countries ?? [])
      .map((c) => [c, countryName(c)])
      .sort((a, b) => a[1].localeCompare(b[1]));
    const filterSelect = (name, options) =>
      select({ name, id: `explore-${name}`, onchange: (e) => ((state.filters[name] = e.target.value), update()) }, [...any, ...options], state.filters[name]);
    const search = h("input", {
      type: "search",
      id: "explore-search",
      name: "q",
      value: state.query,
      placeholder: t("explore.search.placeholder"),
      autocomplete: "off",
      oninput: (e) => ((state.query = e.target.value), update({ debounce: true })),
    });
    themesRegion = h("section", { class: "panel themes", "aria-labelledby": "themes-title" });
    listsRegion = h("div", { class: "lists" });
    fill(root,
      h("div", { class: "view-head" }, h("h1", { tabindex: "-1" }, t("explore.title")), h("p", { class: "lead" }, t("explore.intro"))),
      themesRegion,
      ctx.catalogNotice(),
      h(
        "form",
        { class: "panel query-form", role: "search", onsubmit: (e) => e.preventDefault() },
        h(
          "div",
          { class: "grid-5" },
          field({ label: t("explore.search.label"), control: search, className: "field field-search" }),
          field({ label: t("filters.type"), control: filterSelect("type", Object.keys(summary?.actor_types ?? {}).map((k) => [k, kindLabel(k, summary)])) }),
          field({ label: t("filters.country"), control: filterSelect("country", countries) }),
          field({ label: t("filters.sdg"), control: filterSelect("sdg", Array.from({ length: 17 }, (_, i) => [String(i + 1), `${i + 1}. ${sdgName(i + 1, summary)}`])) }),
          field({ label: t("explore.status"), control: filterSelect("status", ["idea", "running", "completed"].map((s) => [s, t(`status.${s}`)])) }),
        ),
        h(
          "p",
          {},
          h(
            "button",
            {
              type: "button",
              class: "button secondary small",
              onclick: () => {
                state.query = "";
                state.filters = { type: "", country: "", sdg: "", status: "" };
                render();
                update();
                root.querySelector("#explore-search").focus();
              },
            },
            t("explore.clear"),
          ),
        ),
      ),
      listsRegion,
    );
    renderThemes();
    renderLists();
  }

  return {
    titleKey: "explore.title",
    mount(container) {
      root = container;
      render();
      loadThemes();
      update();
    },
    relabel() {
      if (root?.isConnected) render();
    },
  };
}
