// Tiny DOM helpers: elements are built with textContent, never innerHTML, so no data can inject markup.

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key === "class") el.className = value;
    else if (key.startsWith("on") && typeof value === "function") el.addEventListener(key.slice(2).toLowerCase(), value);
    else if (key === "value") el.value = value;
    else if (value === true) el.setAttribute(key, "");
    else el.setAttribute(key, String(value));
  }
  append(el, children);
  return el;
}

/** Replace ``el``'s children, skipping null/false (unlike ``replaceChildren``, which would print "null"). */
export function fill(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

let counter = 0;

/** A fresh id for label/aria wiring. */
export function uid(prefix = "id") {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A <select> with its options; ``options`` is a list of [value, label]. */
export function select(attrs, options, selected = "") {
  return h(
    "select",
    attrs,
    options.map(([value, label]) => h("option", { value, selected: String(value) === String(selected) }, label)),
  );
}

/** Label + control + optional hint and error, wired with for/aria-describedby. */
export function field({ label, control, hint, error, className = "field" }) {
  const id = control.id || uid("f");
  control.id = id;
  const hintEl = hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null;
  const errorEl = h("p", { class: "field-error", id: `${id}-error`, hidden: !error }, error ?? "");
  control.setAttribute("aria-describedby", [hintEl?.id, errorEl.id].filter(Boolean).join(" "));
  return h("div", { class: className }, h("label", { for: id }, label), hintEl, control, errorEl);
}

/** Show or clear a field's error, keeping aria-invalid in step. */
export function setFieldError(control, message) {
  const errorEl = document.getElementById(`${control.id}-error`);
  if (message) control.setAttribute("aria-invalid", "true");
  else control.removeAttribute("aria-invalid");
  if (errorEl) {
    errorEl.textContent = message ?? "";
    errorEl.hidden = !message;
  }
}
