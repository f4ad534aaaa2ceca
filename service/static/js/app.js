// Entry point: texts, catalogue and optional features load once; views are chosen by the URL hash (#/find, ...).

import { api, features } from "./api.js";
import { errorState } from "./components.js";
import { fill, h } from "./dom.js";
import { applyStatic, currentLanguage, formatNumber, initI18n, languages, setLanguage, t } from "./i18n.js";
import { openPartnerCard, setUpDialog } from "./partner-card.js";
import { actingPartner, onSessionChange, refreshSession, signOut, signedIn } from "./session.js";
import { normaliseThemes } from "./themes.js";
import { createAssignView } from "./views/assign.js";
import { createExploreView } from "./views/explore.js";
import { createFindView } from "./views/find.js";
import { createGroupsView } from "./views/groups.js";
import { createSignInView } from "./views/signin.js";
import { createTeamView } from "./views/team.js";

const ctx = {
  summary: null,
  catalogError: null,
  features: { feedback: null, themes: null, gapsPath: null },
  themes: null, // [{id, label, ...}] when the server has themes: the theme filter of "Find collaborators"
  announce(message) {
    const region = document.getElementById("announcer");
    region.textContent = "";
    // a separate task, so that repeating the same message is announced again
    setTimeout(() => (region.textContent = message), 50);
  },
  openPartner(partnerId, opener) {
    return openPartnerCard(partnerId, opener, ctx);
  },
  /** Why the pickers are empty, if they are: a key to ask for (401) or a plain notice. */
  catalogNotice() {
    if (!ctx.catalogError) return null;
    if (ctx.catalogError.kind === "unauthorised") return errorState(ctx.catalogError, reloadCatalog);
    return h("p", { class: "notice is-error", role: "alert" }, t("error.catalog"));
  },
};

async function loadCatalog() {
  try {
    ctx.summary = await api.summary();
    ctx.catalogError = null;
  } catch (error) {
    ctx.summary = null;
    ctx.catalogError = error;
  }
}

async function loadThemes() {
  if (ctx.features.themes === false) return;
  try {
    ctx.themes = normaliseThemes(await api.themes()).themes;
  } catch {
    ctx.themes = null; // none fitted, or no endpoint: the page works without
  }
}

async function reloadCatalog() {
  await loadCatalog();
  show({ focus: true });
}

const views = {
  find: createFindView(ctx),
  team: createTeamView(ctx),
  groups: createGroupsView(ctx),
  assign: createAssignView(ctx),
  explore: createExploreView(ctx),
  signin: createSignInView(ctx),
};
let currentView = null;

function parseHash() {
  const match = location.hash.match(/^#\/([\w-]+)(?:\?(.*))?$/);
  const name = match && match[1] in views ? match[1] : "find";
  return { name, params: new URLSearchParams(match?.[2] ?? "") };
}

function setTitle() {
  document.title = `${t(views[currentView].titleKey)} — ${t("app.title")}`;
}

function show({ focus }) {
  const { name, params } = parseHash();
  currentView = name;
  for (const link of document.querySelectorAll("[data-view]")) {
    if (link.dataset.view === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  const container = document.getElementById("view");
  views[name].mount(container, params);
  setTitle();
  renderAccount();
  if (focus) container.querySelector("h1")?.focus();
}

function renderFooter(health) {
  const footer = document.getElementById("footer-counts");
  footer.textContent = health
    ? t("footer.counts", {
        partners: formatNumber(health.partners),
        projects: formatNumber(health.projects),
        groups: formatNumber(health.action_groups),
      })
    : "";
}

function setUpLanguageSwitch(health) {
  const switcher = document.getElementById("lang-select");
  fill(switcher, ...Object.entries(languages()).map(([code, name]) => h("option", { value: code, lang: code }, name)));
  switcher.value = currentLanguage();
  switcher.addEventListener("change", async () => {
    await setLanguage(switcher.value);
    applyStatic();
    renderFooter(health);
    renderAccount();
    views[currentView].relabel();
    setTitle();
    ctx.announce(t("lang.changed", { name: languages()[currentLanguage()] }));
  });
}

/** The header says who is signed in (with a sign-out button), or offers to sign in. */
function renderAccount() {
  const holder = document.getElementById("account");
  const me = signedIn();
  if (!me) {
    fill(holder, h("a", { href: "#/signin", class: "account-link", "aria-current": currentView === "signin" ? "page" : null }, t("signin.link")));
    return;
  }
  const who = me.scope === "partner" ? t("account.partner", { name: me.name ?? me.partner_id }) : t("account.admin");
  fill(
    holder,
    h("span", { class: "account-who" }, who),
    h(
      "button",
      {
        type: "button",
        class: "account-out",
        onclick: () => {
          signOut();
          ctx.announce(t("signin.out"));
        },
      },
      t("signin.signOut"),
    ),
  );
}

function setUpSkipLink() {
  // the hash is the router's: move focus to <main> without changing it
  document.querySelector(".skip-link").addEventListener("click", (event) => {
    event.preventDefault();
    document.getElementById("main").focus();
  });
}

async function boot() {
  try {
    await initI18n();
  } catch {
    // the texts could not be loaded: keys stay readable enough to retry
  }
  applyStatic();
  setUpSkipLink();
  setUpDialog();
  const [, health, optional] = await Promise.allSettled([loadCatalog(), api.health(), features(), refreshSession()]);
  if (optional.status === "fulfilled") ctx.features = optional.value;
  await loadThemes();
  const healthValue = health.status === "fulfilled" ? health.value : null;
  renderFooter(healthValue);
  setUpLanguageSwitch(healthValue);
  if (!ctx.summary && !healthValue) {
    fill(document.getElementById("view"), errorState(ctx.catalogError, () => location.reload()));
    document.body.dataset.ready = "error";
    return;
  }
  window.addEventListener("hashchange", () => {
    if (location.hash.startsWith("#/")) show({ focus: true });
  });
  let acting = actingPartner()?.id;
  onSessionChange(() => {
    // the header says who is signed in; a view re-renders only when the partner it asks as changed (its requester)
    renderAccount();
    const now = actingPartner()?.id;
    if (currentView === "signin" || now !== acting) views[currentView].relabel();
    acting = now;
  });
  show({ focus: false });
  document.body.dataset.ready = "true";
}

boot();
