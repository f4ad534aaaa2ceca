// "Sign in": a partner signs in with its partner API key (checked with GET /v1/me, kept for this tab only), then asks
// for collaborators and teams as itself and records its accept/dismiss decisions; signing out forgets the key.

import { field, fill, h, setFieldError } from "../dom.js";
import { t } from "../i18n.js";
import { signIn, signOut, signedIn } from "../session.js";

/** Why a key was refused, in words. */
export function keyProblem(error) {
  if (error?.kind === "unauthorised") return t("signin.invalid");
  if (error?.kind === "network") return t("error.network");
  if (error?.kind === "notFound") return t("signin.unavailable");
  return t("error.service", { status: error?.status ?? "?" });
}

export function createSignInView(ctx) {
  let root = null;

  async function onSubmit(event) {
    event.preventDefault();
    const form = event.currentTarget;
    const input = form.elements.key;
    const key = input.value.trim();
    if (!key) {
      setFieldError(input, t("key.empty"));
      input.focus();
      return;
    }
    const button = form.querySelector("button[type='submit']");
    button.disabled = true;
    try {
      const me = await signIn(key);
      ctx.announce(me.scope === "partner" ? t("signin.done", { name: me.name ?? me.partner_id }) : t("signin.admin"));
      render();
      root.querySelector(".signed-in .state-title")?.focus();
    } catch (error) {
      button.disabled = false;
      setFieldError(input, keyProblem(error));
      ctx.announce(keyProblem(error));
      input.focus();
    }
  }

  function signedInPanel(me) {
    const name = me.name ?? me.partner_id;
    return h(
      "section",
      { class: "panel signed-in", "aria-labelledby": "signed-in-title" },
      h("h2", { id: "signed-in-title", class: "state-title", tabindex: "-1" }, me.scope === "partner" ? t("signin.as", { name }) : t("signin.admin")),
      h("p", {}, me.scope === "partner" ? t("signin.what", { name }) : t("signin.adminWhat")),
      h(
        "p",
        { class: "form-actions" },
        h("a", { class: "button secondary", href: "#/find" }, t("nav.find")),
        h(
          "button",
          {
            type: "button",
            class: "button",
            onclick: () => {
              signOut();
              ctx.announce(t("signin.out"));
              render();
              root.querySelector("#signin-key")?.focus();
            },
          },
          t("signin.signOut"),
        ),
      ),
    );
  }

  function form() {
    const input = h("input", { type: "password", name: "key", id: "signin-key", autocomplete: "off", spellcheck: "false" });
    return h(
      "form",
      { class: "panel query-form signin-form", novalidate: true, onsubmit: onSubmit, "aria-labelledby": "signin-title" },
      field({ label: t("signin.key.label"), control: input, hint: t("key.hint"), className: "field field-wide" }),
      h("div", { class: "form-actions" }, h("button", { type: "submit", class: "button" }, t("signin.submit"))),
    );
  }

  function render() {
    const me = signedIn();
    fill(
      root,
      h("div", { class: "view-head" }, h("h1", { id: "signin-title", tabindex: "-1" }, t("signin.title")), h("p", { class: "lead" }, t("signin.intro"))),
      me ? signedInPanel(me) : form(),
    );
  }

  return {
    titleKey: "signin.title",
    mount(container) {
      root = container;
      render();
    },
    relabel() {
      if (root?.isConnected) render();
    },
  };
}
