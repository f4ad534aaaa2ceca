// A search-as-you-type picker: the ARIA 1.2 combobox pattern (a text input with a listbox popup). Typing asks the
// service for the first page of matches (debounced; the previous request is aborted); ↓ and ↑ move through the
// options, and moving past the last one loads the next page (so does scrolling to the end); Enter or a click chooses;
// Escape closes the list, and a second Escape clears the choice; Tab leaves. The chosen id is in a hidden input named
// ``name``, so a form reads it as it read the <select> this replaces; with ``multiple``, each chosen entry is a chip
// with its own remove button and hidden input.

import { h, fill } from "./dom.js";
import { t, tn } from "./i18n.js";

const DEBOUNCE_MS = 250;
const PAGE = 20;

/**
 * @param {object} o
 * @param {string} o.id the text input's id (its label points at it; its error is ``<id>-error``)
 * @param {string} o.name the form name of the chosen value(s)
 * @param {string} o.label
 * @param {string} [o.hint]
 * @param {(params: {q: string, limit: number, cursor?: string}, signal: AbortSignal) => Promise<{data: object[], next_cursor: string|null, total: number}>} o.search
 * @param {(entry: object) => {value: string, label: string, meta?: string}} o.option
 * @param {{value: string, label: string}|null} [o.value] the chosen entry
 * @param {{value: string, label: string}[]} [o.values] the chosen entries, with ``multiple``
 * @param {boolean} [o.multiple]
 * @param {(chosen: object|object[]|null) => void} [o.onChange]
 * @param {string} [o.className] extra classes of the field
 */
export function combobox(o) {
  const { id, name, multiple = false } = o;
  let chosen = multiple ? [...(o.values ?? [])] : (o.value ?? null);
  let options = []; // [{value, label, meta}] of the pages loaded
  let cursor = null;
  let total = 0;
  let active = -1;
  let loadedFor = null; // the text the options were loaded for
  let loading = false;
  let inflight = Promise.resolve(); // settles when the load in flight ends (answered, aborted or failed)
  let controller = null;
  let timer = null;
  let sequence = 0;

  const input = h("input", {
    type: "text",
    id,
    role: "combobox",
    "aria-autocomplete": "list",
    "aria-expanded": "false",
    "aria-controls": `${id}-listbox`,
    autocomplete: "off",
    spellcheck: "false",
    placeholder: t("picker.placeholder"),
    "aria-describedby": [o.hint ? `${id}-hint` : null, `${id}-message`, `${id}-error`].filter(Boolean).join(" "),
    value: !multiple && chosen ? chosen.label : "",
  });
  const listbox = h("ul", { id: `${id}-listbox`, role: "listbox", class: "combo-list", "aria-labelledby": `${id}-label`, hidden: true });
  const message = h("p", { class: "combo-message hint", id: `${id}-message`, "aria-live": "polite" });
  const hidden = multiple ? null : h("input", { type: "hidden", name, id: `${id}-value`, value: chosen?.value ?? "" });
  const clearButton = multiple
    ? null
    : h(
        "button",
        {
          type: "button",
          class: "combo-clear icon-button",
          "aria-label": t("picker.clear", { label: o.label }),
          hidden: !chosen,
          onclick: () => {
            clear();
            input.focus();
          },
        },
        h("span", { "aria-hidden": "true" }, "×"),
      );
  const chips = multiple ? h("ul", { class: "chips combo-chosen", "aria-label": t("picker.chosen", { label: o.label }) }) : null;

  // -- the list ----------------------------------------------------------------------------------------------------
  function isOpen() {
    return input.getAttribute("aria-expanded") === "true";
  }

  function show(open) {
    input.setAttribute("aria-expanded", String(open && options.length > 0));
    listbox.hidden = !(open && options.length > 0);
    if (!open) setActive(-1);
  }

  function setActive(index) {
    active = index;
    for (const [i, li] of [...listbox.children].entries()) li.setAttribute("aria-selected", String(i === index));
    if (index >= 0) {
      const li = listbox.children[index];
      input.setAttribute("aria-activedescendant", li.id);
      li.scrollIntoView?.({ block: "nearest" });
    } else input.removeAttribute("aria-activedescendant");
  }

  function renderOptions() {
    const taken = new Set(multiple ? chosen.map((c) => c.value) : []);
    fill(
      listbox,
      options.map((option, i) =>
        h(
          "li",
          {
            id: `${id}-option-${i}`,
            role: "option",
            class: "combo-option",
            "aria-selected": String(i === active),
            "aria-disabled": taken.has(option.value) ? "true" : null,
            "data-value": option.value,
            onmousedown: (event) => event.preventDefault(), // keep the focus in the input
            onclick: () => choose(i),
          },
          h("span", { class: "combo-label" }, option.label),
          option.meta ? h("span", { class: "combo-meta" }, option.meta) : null,
        ),
      ),
    );
  }

  async function load({ more = false } = {}) {
    const text = input.value.trim();
    if (!more) {
      controller?.abort();
      cursor = null;
    } else if (!cursor || loading) return;
    controller = more ? controller : new AbortController();
    const mine = ++sequence;
    loading = true;
    let settle;
    inflight = new Promise((resolve) => (settle = resolve));
    message.textContent = t("picker.loading");
    try {
      const params = { q: text, limit: PAGE, ...(more ? { cursor } : {}) };
      const page = await o.search(params, controller.signal);
      if (mine !== sequence) return;
      const fresh = page.data.map(o.option);
      options = more ? [...options, ...fresh] : fresh;
      cursor = page.next_cursor ?? null;
      total = page.total ?? options.length;
      loadedFor = text;
      renderOptions();
      if (document.activeElement === input) show(true);
      message.textContent = options.length ? tn("picker.results", total) : t("picker.none", { text });
    } catch (error) {
      if (error.name === "AbortError" || mine !== sequence) return;
      options = [];
      renderOptions();
      show(false);
      message.textContent = t("picker.error");
    } finally {
      if (mine === sequence) loading = false;
      settle();
    }
  }

  async function move(step) {
    if (!isOpen()) {
      if (loadedFor !== input.value.trim()) await load();
      show(true);
      setActive(step > 0 ? 0 : options.length - 1);
      return;
    }
    let next = active + step;
    if (next >= options.length) {
      // past the last option while a page is on its way (the typed text's): that page first, then the next one
      while (loading) await inflight;
      next = active + step;
      if (next >= options.length && cursor) {
        await load({ more: true });
        next = Math.min(next, options.length - 1);
      }
    }
    setActive(Math.max(0, Math.min(next, options.length - 1)));
  }

  // -- choosing -------------------------------------------------------------------------------------------------------
  function choose(index) {
    const option = options[index];
    if (!option) return;
    if (multiple) {
      if (!chosen.some((c) => c.value === option.value)) chosen = [...chosen, { value: option.value, label: option.label }];
      input.value = "";
      renderChips();
      o.onChange?.(chosen);
      message.textContent = t("picker.added", { label: option.label });
    } else {
      chosen = { value: option.value, label: option.label };
      hidden.value = option.value;
      input.value = option.label;
      clearButton.hidden = false;
      o.onChange?.(chosen);
      message.textContent = t("picker.chose", { label: option.label });
    }
    loadedFor = null;
    show(false);
  }

  function clear() {
    if (multiple) return;
    chosen = null;
    hidden.value = "";
    input.value = "";
    clearButton.hidden = true;
    loadedFor = null;
    o.onChange?.(null);
  }

  function renderChips() {
    fill(
      chips,
      chosen.map((entry) =>
        h(
          "li",
          { class: "chip chosen", "data-value": entry.value },
          h("span", {}, entry.label),
          h("input", { type: "hidden", name, value: entry.value }),
          h(
            "button",
            {
              type: "button",
              class: "chip-remove",
              "aria-label": t("picker.remove", { label: entry.label }),
              onclick: () => {
                chosen = chosen.filter((c) => c.value !== entry.value);
                renderChips();
                o.onChange?.(chosen);
                message.textContent = t("picker.removed", { label: entry.label });
                input.focus();
              },
            },
            h("span", { "aria-hidden": "true" }, "×"),
          ),
        ),
      ),
    );
    chips.hidden = chosen.length === 0;
  }

  // -- events ---------------------------------------------------------------------------------------------------------
  input.addEventListener("input", () => {
    if (!multiple && chosen && input.value !== chosen.label) {
      chosen = null;
      hidden.value = "";
      clearButton.hidden = true;
      o.onChange?.(null);
    }
    clearTimeout(timer);
    timer = setTimeout(load, DEBOUNCE_MS);
  });
  input.addEventListener("keydown", (event) => {
    if (event.key === "ArrowDown" || event.key === "ArrowUp") {
      event.preventDefault();
      move(event.key === "ArrowDown" ? 1 : -1);
    } else if (event.key === "Enter" && isOpen() && active >= 0) {
      event.preventDefault(); // choose; do not submit the form
      choose(active);
    } else if (event.key === "Escape") {
      if (isOpen()) {
        event.preventDefault();
        event.stopPropagation();
        show(false);
      } else if (!multiple && chosen) {
        event.preventDefault();
        clear();
      }
    } else if (event.key === "Tab") show(false);
  });
  input.addEventListener("click", () => {
    if (isOpen()) return;
    if (loadedFor === input.value.trim() && options.length) show(true);
    else load();
  });
  input.addEventListener("blur", () => {
    clearTimeout(timer);
    show(false);
    if (!multiple) input.value = chosen ? chosen.label : ""; // nothing half-typed stays: only a choice counts
  });
  listbox.addEventListener("scroll", () => {
    if (listbox.scrollTop + listbox.clientHeight >= listbox.scrollHeight - 24) load({ more: true });
  });

  if (multiple) renderChips();
  const field = h(
    "div",
    { class: `field combo${o.className ? ` ${o.className}` : ""}`, "data-combo": name },
    h("label", { for: id, id: `${id}-label` }, o.label),
    o.hint ? h("p", { class: "hint", id: `${id}-hint` }, o.hint) : null,
    h("div", { class: "combo-box" }, input, clearButton, listbox),
    message,
    h("p", { class: "field-error", id: `${id}-error`, hidden: true }),
    hidden,
    chips,
  );
  field.picker = {
    get value() {
      return chosen;
    },
    /** Choose ``entry`` ({value, label}) from a script (an id given in the URL), without announcing it. */
    set(entry) {
      if (multiple) return;
      chosen = entry;
      hidden.value = entry?.value ?? "";
      input.value = entry?.label ?? "";
      clearButton.hidden = !entry;
    },
    input,
  };
  return field;
}
