// Texts live in /static/i18n/<code>.json; the languages offered are listed in /static/i18n/index.json.
// Adding a language = one JSON file + one line in index.json (and its code in "rtl" when it is written right to left).
// Country, region and language names, plurals, numbers and lists come from the browser (Intl), in the page's language.

const STORAGE_KEY = "matcher.lang";
const BASE = "/static/i18n/";

let manifest = { default: "en", rtl: [], languages: { en: "English" } };
let current = "en";
let messages = {};
let fallback = {};

async function fetchJson(path) {
  const response = await fetch(path);
  if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
  return response.json();
}

export function languages() {
  return manifest.languages;
}

export function currentLanguage() {
  return current;
}

/** The language to start in: ?lang=, then the saved choice, then the browser's, then the default. */
function initialLanguage() {
  const wanted = [new URLSearchParams(location.search).get("lang")];
  try {
    wanted.push(localStorage.getItem(STORAGE_KEY));
  } catch {
    /* storage may be disabled */
  }
  for (const tag of navigator.languages ?? [navigator.language]) wanted.push((tag ?? "").slice(0, 2));
  return wanted.find((code) => code && code in manifest.languages) ?? manifest.default;
}

export async function initI18n() {
  manifest = await fetchJson(`${BASE}index.json`);
  fallback = await fetchJson(`${BASE}${manifest.default}.json`);
  await setLanguage(initialLanguage(), { save: false });
}

export async function setLanguage(code, { save = true } = {}) {
  if (!(code in manifest.languages)) code = manifest.default;
  messages = code === manifest.default ? fallback : await fetchJson(`${BASE}${code}.json`);
  current = code;
  document.documentElement.lang = code;
  document.documentElement.dir = (manifest.rtl ?? []).includes(code) ? "rtl" : "ltr";
  if (save) {
    try {
      localStorage.setItem(STORAGE_KEY, code);
    } catch {
      /* storage may be disabled */
    }
  }
}

export function has(key) {
  return key in messages || key in fallback;
}

/** The text for ``key`` with ``{name}`` placeholders filled; the key itself when no language has it. */
export function t(key, params = {}) {
  const text = messages[key] ?? fallback[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (whole, name) => (name in params ? String(params[name]) : whole));
}

/** Plural-aware text: looks up ``key.one`` / ``key.other`` (Intl plural rules of the current language). */
export function tn(key, count, params = {}) {
  const rule = new Intl.PluralRules(current).select(count);
  const chosen = has(`${key}.${rule}`) ? `${key}.${rule}` : `${key}.other`;
  return t(chosen, { count: formatNumber(count), ...params });
}

export function formatNumber(value, digits = 0) {
  return new Intl.NumberFormat(current, { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(value);
}

export function countryName(code) {
  if (!code) return t("common.unknownCountry");
  try {
    return new Intl.DisplayNames([current], { type: "region" }).of(code.toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/**
 * A region's name from its UN M49 code ("011" → "Western Africa") or its English name. The names are in the message files
 * (``region.<code>``, from CLDR through Babel, 419 and 202 as M49 words them): Debian's Chromium has no
 * Intl.DisplayNames entry for most M49 codes (it answers "011"), so Intl is only the fallback.
 */
export function regionName(code) {
  if (!code) return "";
  if (has(`region.${code}`)) return t(`region.${code}`);
  if (!/^\d{3}$/.test(String(code))) {
    // an English name ("Southern Asia", as some answers give regions): the code whose English name it is
    const key = Object.keys(fallback).find((k) => k.startsWith("region.") && fallback[k] === code);
    return key ? t(key) : code;
  }
  try {
    return new Intl.DisplayNames([current], { type: "region" }).of(String(code).toUpperCase()) ?? code;
  } catch {
    return code;
  }
}

/** A language's name as it reads inside a sentence ("français" in French); ``languageName`` capitalises it. */
export function languageWord(code) {
  try {
    return new Intl.DisplayNames([current], { type: "language" }).of(code) ?? code;
  } catch {
    return code;
  }
}

export function languageName(code) {
  const name = languageWord(code);
  return name.charAt(0).toLocaleUpperCase(current) + name.slice(1);
}

/** "a, b and c" in the page's language. */
export function formatList(items) {
  try {
    return new Intl.ListFormat(current, { style: "long", type: "conjunction" }).format(items.map(String));
  } catch {
    return items.join(", ");
  }
}

/** Fill every ``data-i18n`` element's text and every ``data-i18n-attr="attr:key;attr:key"`` attribute. */
export function applyStatic(root = document) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-attr]")) {
    for (const pair of el.dataset.i18nAttr.split(";")) {
      const [attr, key] = pair.split(":");
      el.setAttribute(attr.trim(), t(key.trim()));
    }
  }
}
