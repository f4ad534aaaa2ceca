// Pieces shared by the views: labels, states (initial, loading, empty, error), suggestion cards, the score breakdown.

import { apiKey, setApiKey } from "./api.js";
import { field, h, setFieldError } from "./dom.js";
import { countryName, formatNumber, has, languageWord, regionName, t, tn } from "./i18n.js";
import { refreshSession } from "./session.js";

export function kindLabel(token, summary) {
  if (!token) return t("common.unknownKind");
  if (has(`kind.${token}`)) return t(`kind.${token}`);
  return summary?.actor_types?.[token] ?? token;
}

export function sdgName(goal, summary) {
  return has(`sdg.${goal}`) ? t(`sdg.${goal}`) : (summary?.sdgs?.[goal] ?? String(goal));
}

/** SDG chips: "SDG 4" with the goal's name as a tooltip, or spelled out with ``long``. */
export function sdgChips(goals, summary, { long = false } = {}) {
  if (!goals?.length) return null;
  return h(
    "ul",
    { class: "chips", "aria-label": t("card.sdgs") },
    [...goals]
      .sort((a, b) => a - b)
      .map((goal) => {
        const short = t("sdg.short", { n: goal });
        const name = sdgName(goal, summary);
        return long
          ? h("li", { class: `chip sdg sdg-${goal}` }, `${short} · ${name}`)
          : h("li", { class: `chip sdg sdg-${goal}`, title: name }, h("span", { "aria-hidden": "true" }, short), h("span", { class: "visually-hidden" }, `${short}: ${name}`));
      }),
  );
}

export function metaLine(...parts) {
  return h("p", { class: "meta" }, parts.filter(Boolean).join(" · "));
}

// -- states ---------------------------------------------------------------------------------------------------------

export function initialState(title, body) {
  return h("div", { class: "state state-initial" }, title ? h("p", { class: "state-title" }, title) : null, body ? h("p", {}, body) : null);
}

export function loadingState(text) {
  return h("div", { class: "state state-loading" }, h("span", { class: "spinner", "aria-hidden": "true" }), h("p", {}, text));
}

export function emptyState(title, body) {
  return h("div", { class: "state state-empty" }, h("p", { class: "state-title" }, title), body ? h("p", {}, body) : null);
}

/**
 * Asks for an API key (a 401 answer), keeps it for this tab and calls ``onSaved``.
 * @param {string} purposeKey the text that says what the key is for
 */
export function keyForm(purposeKey, onSaved) {
  const input = h("input", { type: "password", name: "api-key", autocomplete: "off", spellcheck: "false", value: apiKey() });
  return h(
    "form",
    {
      class: "key-form",
      novalidate: true,
      onsubmit: (event) => {
        event.preventDefault();
        const key = input.value.trim();
        if (!key) {
          setFieldError(input, t("key.empty"));
          input.focus();
          return;
        }
        setApiKey(key);
        refreshSession(); // the header says whom the key acts for
        onSaved?.();
      },
    },
    h("p", {}, t(purposeKey)),
    h(
      "div",
      { class: "form-actions" },
      field({ label: t("key.label"), control: input, hint: t("key.hint"), className: "field field-grow" }),
      h("button", { type: "submit", class: "button" }, t("key.submit")),
    ),
  );
}

/** An error explained in words, with a retry button when retrying can help. Never a raw server page. */
export function errorState(error, retry) {
  if (error?.kind === "unauthorised") {
    return h(
      "div",
      { class: "state state-error state-key", role: "alert" },
      h("p", { class: "state-title" }, t(apiKey() ? "key.invalid" : "key.title")),
      keyForm("key.body.read", retry),
    );
  }
  let title = t("error.title");
  let body;
  if (error?.kind === "network") body = t("error.network");
  else if (error?.kind === "invalid") {
    title = t("error.invalid.title");
    body = error.detail;
  } else if (error?.kind === "notFound") {
    title = t("error.notFound.title");
    body = error.detail;
  } else body = t("error.service", { status: error?.status ?? "?" });
  const canRetry = retry && (error?.kind === "network" || error?.kind === "service" || !error?.kind);
  return h(
    "div",
    { class: "state state-error", role: "alert" },
    h("p", { class: "state-title" }, title),
    body ? h("p", {}, body) : null,
    canRetry ? h("button", { type: "button", class: "button secondary", onclick: retry }, t("error.retry")) : null,
  );
}

// -- score breakdown --------------------------------------------------------------------------------------------------

function featureLabel(key) {
  return has(`feature.${key}`) ? t(`feature.${key}`) : key.replaceAll("_", " ");
}

export function scoreBadge(score) {
  return h(
    "p",
    { class: "score" },
    h("span", { class: "score-label" }, t("common.score")),
    " ",
    h("strong", {}, formatNumber(score, 2)),
  );
}

export function breakdown(scores, name) {
  const entries = Object.entries(scores ?? {})
    .filter(([, value]) => Math.abs(value) >= 0.00005)
    .sort((a, b) => Math.abs(b[1]) - Math.abs(a[1]));
  const details = h("details", { class: "breakdown" }, h("summary", {}, t("match.breakdown")));
  if (!entries.length) {
    details.append(h("p", { class: "hint" }, t("match.breakdown.empty")));
    return details;
  }
  const largest = Math.max(...entries.map(([, value]) => Math.abs(value)));
  const rows = entries.map(([key, value]) => {
    const bar = h("span", { class: `bar${value < 0 ? " negative" : ""}` });
    bar.style.width = `${Math.max(2, (Math.abs(value) / largest) * 100)}%`;
    return h(
      "tr",
      {},
      h("th", { scope: "row" }, featureLabel(key)),
      h("td", { class: "bar-cell", "aria-hidden": "true" }, h("span", { class: "track" }, bar)),
      h("td", { class: "num" }, formatNumber(value, 3)),
    );
  });
  details.append(
    h(
      "table",
      {},
      h("caption", { class: "visually-hidden" }, t("match.breakdown.caption", { name })),
      h(
        "thead",
        { class: "visually-hidden" },
        h("tr", {}, h("th", { scope: "col" }, t("match.breakdown.signal")), h("td", {}), h("th", { scope: "col" }, t("match.breakdown.value"))),
      ),
      h("tbody", {}, rows),
    ),
  );
  return details;
}

// -- suggestion cards -------------------------------------------------------------------------------------------------

/**
 * One suggested partner.
 * @param {object} match {partner_id, name, type, country, score, reasons, score_breakdown}
 * @param {object} ctx {summary, openPartner(id, opener), feedback?: (match) => Node|null}
 */
export function matchCard(match, ctx) {
  const titleId = `match-${cssSafe(match.partner_id)}`;
  return h(
    "li",
    { class: "card match", "data-partner-id": match.partner_id },
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
            "h3",
            { id: titleId, class: "card-title" },
            h(
              "button",
              {
                type: "button",
                class: "link-button",
                "aria-haspopup": "dialog",
                "aria-label": t("match.open", { name: match.name }),
                onclick: (event) => ctx.openPartner(match.partner_id, event.currentTarget),
              },
              match.name,
            ),
          ),
          metaLine(kindLabel(match.type, ctx.summary), countryName(match.country)),
        ),
        scoreBadge(match.score),
      ),
      reasonList(match, ctx.summary),
      breakdown(match.score_breakdown, match.name),
      ctx.feedback ? ctx.feedback(match) : null,
    ),
  );
}

/** One action group to join. */
export function groupCard(group) {
  const titleId = `group-${cssSafe(group.group_id)}`;
  return h(
    "li",
    { class: "card match", "data-group-id": group.group_id },
    h(
      "article",
      { "aria-labelledby": titleId },
      h("header", { class: "card-head" }, h("h3", { id: titleId, class: "card-title" }, group.name), scoreBadge(group.score)),
      reasonList(group, null),
      breakdown(group.score_breakdown, group.name),
    ),
  );
}

// The service sends each reason twice: in English (`reasons`) and as a code with parameters (`explanations`). The page
// words a reason in its own language from the `reason.<code>` messages; a code it has no message for (a newer
// service) shows the English text, marked lang="en" so that screen readers pronounce it right on a French page.
function reasonList(match, summary) {
  const items = match.explanations?.length ? match.explanations : (match.reasons ?? []).map((text) => ({ text }));
  if (!items.length) return null;
  return h(
    "ul",
    { class: "reasons", "aria-label": t("match.reasons") },
    items.map((reason) => {
      const worded = wordReason(reason, summary);
      return worded === null ? h("li", { lang: "en" }, reason.text) : h("li", {}, worded);
    }),
  );
}

/** A reason (or, with ``prefix`` "brings", what a team member brings) in the page's language; null when no message
 * words its code. */
export function wordReason({ code, params = {} }, summary, prefix = "reason") {
  if (code === "as_asked" && has(`${prefix}.as_asked_${params.what}`)) {
    // {what: "region"|"country"|"kind"|"language", value}: worded like the parameter of that name
    const name = params.what === "kind" ? "type" : params.what;
    return wordReason({ code: `as_asked_${params.what}`, params: { [name]: params.value } }, summary, prefix);
  }
  const key = `${prefix}.${code}`;
  if (!code || !(has(key) || has(`${key}.other`))) return null;
  const { count, more, ...rest } = params;
  const words = { ...rest };
  if (Array.isArray(rest.sdgs)) words.sdgs = rest.sdgs.map((goal) => `${t("sdg.short", { n: goal })} — ${sdgName(goal, summary)}`).join(", ");
  for (const list of ["terms", "partners"]) if (Array.isArray(rest[list])) words[list] = rest[list].join(", ");
  if (typeof rest.value === "number") words.value = formatNumber(rest.value, 2);
  if ("country" in rest) words.country = countryName(rest.country);
  if ("type" in rest) words.kind = kindLabel(rest.type, summary);
  if ("region" in rest) words.region = /^\d{3}$/.test(String(rest.region)) ? regionName(String(rest.region)) : rest.region;
  if ("language" in rest) words.language = languageWord(rest.language);
  const text = typeof count === "number" ? tn(key, count, words) : t(key, words);
  return more ? `${text} ${tn("reason.more", more)}` : text;
}

export function cssSafe(id) {
  return String(id).replace(/[^A-Za-z0-9_-]/g, "_");
}

/** A results heading that receives focus once results arrive (tabindex=-1: focusable by script only). */
export function resultsHeading(text) {
  return h("h2", { class: "results-heading", tabindex: "-1" }, text);
}
