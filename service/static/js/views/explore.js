// "Explore": the themes map and the least covered themes when the server has GET /v1/themes (coverage gaps too when
// it documents a gaps endpoint), and always a searchable list of partners and projects (from /v1/catalog/summary,
// filtered in the browser).

import { api } from "../api.js";
import { emptyState, errorState, kindLabel, loadingState, metaLine, sdgChips, sdgName } from "../components.js";
import { field, fill, h, select } from "../dom.js";
import { countryName, formatNumber, t } from "../i18n.js";
import { gapList, leastCovered, leastCoveredList, normaliseGaps, normaliseThemes, themeMap } from "../themes.js";

const PAGE = 30;

const state = {
  query: "",
  filters: { type: "", country: "", sdg: "", status: "" },
  shown: { partners: PAGE, projects: PAGE },
  themes: { phase: "idle", data: null, error: null },
};

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

function matches(text, query) {
  return text.toLocaleLowerCase().includes(query);
}

function filteredPartners(summary) {
  const q = state.query.trim().toLocaleLowerCase();
  const { type, country, sdg } = state.filters;
  return (summary?.partners ?? []).filter(
    (p) =>
      (!q || matches(`${p.name} ${p.summary}`, q)) &&
      (!type || p.type === type) &&
      (!country || p.country === country) &&
      (!sdg || p.sdgs.includes(Number(sdg))),
  );
}

function filteredProjects(summary) {
  const q = state.query.trim().toLocaleLowerCase();
  const { sdg, status } = state.filters;
  return (summary?.projects ?? []).filter(
    (p) => (!q || matches(`${p.title} ${p.summary}`, q)) && (!sdg || p.sdgs.includes(Number(sdg))) && (!status || p.status === status),
  );
}

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

  function list(kind, items, renderItem) {
    const shown = items.slice(0, state.shown[kind]);
    return h(
      "section",
      { class: "panel", "aria-labelledby": `${kind}-title` },
      h("h2", { id: `${kind}-title` }, t(`explore.${kind}.title`), " ", h("span", { class: "count" }, `(${formatNumber(items.length)})`)),
      items.length
        ? [
            h("ul", { class: "entries" }, shown.map(renderItem)),
            items.length > shown.length
              ? h(
                  "p",
                  { class: "more" },
                  h("span", { class: "hint" }, t("common.showing", { shown: formatNumber(shown.length), total: formatNumber(items.length) })),
                  " ",
                  h(
                    "button",
                    {
                      type: "button",
                      class: "button secondary small",
                      onclick: () => {
                        state.shown[kind] += PAGE;
                        renderLists();
                        root.querySelectorAll(`#${kind}-title ~ .entries > li`)[shown.length]?.querySelector("button, a")?.focus();
                      },
                    },
                    t("common.more"),
                  ),
                )
              : null,
          ]
        : emptyState(t("explore.none")),
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
    const partners = filteredPartners(ctx.summary);
    const projects = filteredProjects(ctx.summary);
    fill(listsRegion,
      h("div", { class: "columns" }, list("partners", partners, partnerItem), list("projects", projects, projectItem)),
    );
    return { partners: partners.length, projects: projects.length };
  }

  let announceTimer = null;
  function update() {
    state.shown = { partners: PAGE, projects: PAGE };
    const counts = renderLists();
    clearTimeout(announceTimer);
    announceTimer = setTimeout(
      () => ctx.announce(`${t("explore.partners.title")}: ${formatNumber(counts.partners)} · ${t("explore.projects.title")}: ${formatNumber(counts.projects)}`),
      400,
    );
  }

  function render() {
    const summary = ctx.summary;
    const any = [["", t("common.any")]];
    const countries = [...new Set((summary?.partners ?? []).map((p) => p.country).filter(Boolean))]
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
      oninput: (e) => ((state.query = e.target.value), update()),
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
    },
    relabel() {
      if (root?.isConnected) render();
    },
  };
}
