// Themes (GET /v1/themes: {data: [{id, label, terms, size, partners, projects}], count, outlier_rate}):
// the map on the Explore page and the theme filter of "Find collaborators".

import { h } from "./dom.js";
import { formatNumber, t, tn } from "./i18n.js";

const LEAST_COVERED = 3;

export function normaliseThemes(body) {
  const themes = (body?.data ?? []).map((item) => ({
    id: item.id,
    label: String(item.label ?? item.id),
    terms: Array.isArray(item.terms) ? item.terms : [],
    size: Number(item.size ?? 0),
    partners: Number(item.partners ?? 0),
    projects: Number(item.projects ?? 0),
  }));
  return { themes, outlierRate: typeof body?.outlier_rate === "number" ? body.outlier_rate : null };
}

/** Coverage gaps from a gaps endpoint, if the server has one: [{label, where, observed?, expected?}]. */
export function normaliseGaps(body) {
  return (body?.data ?? []).map((item) => ({
    label: String(item.label ?? item.theme_label ?? item.theme ?? ""),
    where: String(item.region ?? item.country ?? item.continent ?? item.type ?? ""),
    observed: item.observed,
    expected: item.expected,
  }));
}

/** The distinctive terms the label does not already show. */
function otherTerms(theme) {
  const shown = theme.label.toLocaleLowerCase();
  return theme.terms.filter((term) => !shown.includes(term.toLocaleLowerCase()));
}

function counts(theme) {
  return `${tn("explore.themes.partners", theme.partners)} · ${tn("explore.themes.projects", theme.projects)}`;
}

/** Bubbles sized by how many partners and projects each theme gathers, largest first. */
export function themeMap(themes) {
  const largest = Math.max(1, ...themes.map((theme) => theme.size));
  const thin = new Set(leastCovered(themes).map((theme) => theme.id));
  return h(
    "ul",
    { class: "theme-map" },
    [...themes]
      .sort((a, b) => b.size - a.size)
      .map((theme) => {
        const bubble = h("span", { class: `bubble${thin.has(theme.id) ? " is-gap" : ""}`, "aria-hidden": "true" }, formatNumber(theme.size));
        const diameter = 2.25 + 3 * Math.sqrt(theme.size / largest);
        bubble.style.width = `${diameter}rem`;
        bubble.style.height = `${diameter}rem`;
        return h(
          "li",
          { class: "theme", "data-theme-id": theme.id },
          bubble,
          h(
            "span",
            { class: "theme-text" },
            h("strong", {}, theme.label),
            h("span", { class: "hint" }, counts(theme)),
            otherTerms(theme).length ? h("span", { class: "terms" }, otherTerms(theme).slice(0, 5).join(", ")) : null,
          ),
        );
      }),
  );
}

/** Themes with at most half the median number of partners (three at most; none when there are under four themes). */
export function leastCovered(themes) {
  if (themes.length < 4) return [];
  const counts = themes.map((theme) => theme.partners).sort((a, b) => a - b);
  const median = (counts[Math.floor((counts.length - 1) / 2)] + counts[Math.ceil((counts.length - 1) / 2)]) / 2;
  return themes
    .filter((theme) => theme.partners <= median / 2)
    .sort((a, b) => a.partners - b.partners || a.size - b.size)
    .slice(0, LEAST_COVERED);
}

export function gapList(gaps) {
  return h(
    "ul",
    { class: "gaps" },
    gaps.map((gap) => {
      const numbers =
        typeof gap.observed === "number" && typeof gap.expected === "number"
          ? ` (${t("explore.gaps.numbers", { observed: formatNumber(gap.observed), expected: formatNumber(gap.expected, 1) })})`
          : "";
      return h("li", {}, h("strong", {}, gap.label), gap.where ? ` — ${gap.where}` : "", numbers);
    }),
  );
}

export function leastCoveredList(themes) {
  return h(
    "ul",
    { class: "gaps" },
    leastCovered(themes).map((theme) => h("li", {}, h("strong", {}, theme.label), ` — ${counts(theme)}`)),
  );
}
