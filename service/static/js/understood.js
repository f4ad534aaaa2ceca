// "What we understood": the regions, countries, kinds, languages and goals the service read in the text, as chips.
// A chip is a toggle button: pressed, it is a hard filter of the next search; pressed again, the filter goes.

import { kindLabel, sdgName } from "./components.js";
import { h } from "./dom.js";
import { countryName, languageWord, regionName, t } from "./i18n.js";

/** The response's `understood` group -> the query's filter list it becomes. */
export const FILTER_OF = { regions: "regions", countries: "countries", kinds: "types", languages: "languages", sdgs: "sdgs" };

export function chipLabel(group, value, summary) {
  if (group === "regions") return regionName(value);
  if (group === "countries") return countryName(value);
  if (group === "kinds") return kindLabel(value, summary);
  if (group === "languages") return t("understood.speaks", { language: languageWord(value) });
  return `${t("sdg.short", { n: value })} — ${sdgName(value, summary)}`;
}

/**
 * @param {object} understood {regions, countries, kinds, languages, sdgs} from the service (may be missing)
 * @param {object} active the filter lists in force, by filter name ({regions: [...], types: [...], ...})
 * @param {(group, value, label) => void} onToggle
 */
export function understoodChips(understood, active, summary, onToggle) {
  const chips = [];
  for (const [group, filter] of Object.entries(FILTER_OF)) {
    const values = [...(understood?.[group] ?? [])];
    for (const value of active[filter] ?? []) if (!values.some((v) => String(v) === String(value))) values.push(value);
    for (const value of values) {
      const pressed = (active[filter] ?? []).some((v) => String(v) === String(value));
      const label = chipLabel(group, value, summary);
      chips.push(
        h(
          "li",
          {},
          h(
            "button",
            {
              type: "button",
              class: `chip toggle${pressed ? " is-on" : ""}`,
              "aria-pressed": String(pressed),
              "data-group": group,
              "data-value": String(value),
              onclick: () => onToggle(group, value, label),
            },
            h("span", { class: "chip-mark", "aria-hidden": "true" }, pressed ? "✓" : "+"),
            h("span", { class: "visually-hidden" }, `${t(`understood.group.${group}`)}: `),
            h("span", { class: "chip-label" }, label),
          ),
        ),
      );
    }
  }
  if (!chips.length) return null;
  return h(
    "section",
    { class: "understood", "aria-labelledby": "understood-title" },
    h("h3", { id: "understood-title" }, t("understood.title")),
    h("p", { class: "hint", id: "understood-hint" }, t("understood.hint")),
    h("ul", { class: "chips", "aria-describedby": "understood-hint" }, chips),
  );
}
