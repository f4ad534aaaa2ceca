// A partner's card in a modal <dialog>: Escape closes it, focus is trapped inside and returns to the opener.

import { api } from "./api.js";
import { errorState, kindLabel, loadingState, metaLine, sdgChips } from "./components.js";
import { fill, h } from "./dom.js";
import { countryName, languageName, t } from "./i18n.js";

function dialogElement() {
  return document.getElementById("partner-dialog");
}

function closeButton(dialog) {
  return h(
    "button",
    { type: "button", class: "icon-button dialog-close", "aria-label": t("card.close"), onclick: () => dialog.close() },
    h("span", { "aria-hidden": "true" }, "×"),
  );
}

function section(title, ...content) {
  return h("section", { class: "card-section" }, h("h3", {}, title), ...content);
}

function safeWebsite(url) {
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" || parsed.protocol === "http:" ? parsed.href : null;
  } catch {
    return null;
  }
}

function renderCard(dialog, partner, ctx) {
  const website = partner.website ? safeWebsite(partner.website) : null;
  const place = [partner.city, countryName(partner.country)].filter(Boolean).join(", ");
  fill(dialog,
    h(
      "div",
      { class: "dialog-body" },
      h(
        "header",
        { class: "dialog-head" },
        h("div", {}, h("h2", { id: "card-title", tabindex: "-1" }, partner.name), metaLine(kindLabel(partner.type, ctx.summary), place)),
        closeButton(dialog),
      ),
      sdgChips(partner.sdgs, ctx.summary, { long: true }),
      section(t("card.about"), h("p", { class: "description" }, partner.description)),
      h(
        "dl",
        { class: "facts" },
        partner.languages?.length
          ? [h("dt", {}, t("card.languages")), h("dd", {}, partner.languages.map(languageName).join(", "))]
          : null,
        website
          ? [h("dt", {}, t("card.website")), h("dd", {}, h("a", { href: website, rel: "noopener noreferrer", target: "_blank" }, website))]
          : null,
      ),
      section(
        t("card.projects"),
        partner.projects?.length
          ? h(
              "ul",
              { class: "plain-list" },
              partner.projects.map((p) =>
                h("li", {}, h("span", {}, p.title), " ", h("span", { class: "tag" }, t(`role.${p.role}`))),
              ),
            )
          : h("p", { class: "hint" }, t("card.noProjects")),
      ),
      section(
        t("card.groups"),
        partner.action_groups?.length
          ? h("ul", { class: "plain-list" }, partner.action_groups.map((g) => h("li", {}, g.name)))
          : h("p", { class: "hint" }, t("card.noGroups")),
      ),
      h(
        "p",
        { class: "dialog-actions" },
        h(
          "a",
          {
            class: "button secondary",
            href: `#/groups?partner=${encodeURIComponent(partner.id)}`,
            onclick: () => dialog.close(),
          },
          t("card.groupsToJoin"),
        ),
      ),
    ),
  );
  dialog.querySelector("#card-title").focus();
}

/** Open the card of ``partnerId``; ``opener`` gets the focus back when it closes. */
export async function openPartnerCard(partnerId, opener, ctx) {
  const dialog = dialogElement();
  const load = async () => {
    fill(dialog,
      h("div", { class: "dialog-body" }, h("header", { class: "dialog-head" }, h("h2", { id: "card-title" }, "…"), closeButton(dialog)), loadingState(t("card.loading"))),
    );
    try {
      renderCard(dialog, await api.partner(partnerId), ctx);
    } catch (error) {
      dialog.querySelector(".state")?.replaceWith(errorState(error, load));
    }
  };
  dialog.addEventListener(
    "close",
    () => {
      if (opener?.isConnected) opener.focus();
    },
    { once: true },
  );
  if (!dialog.open) dialog.showModal();
  await load();
}

/** Close on a click on the backdrop (outside the card's box). */
export function setUpDialog() {
  const dialog = dialogElement();
  dialog.addEventListener("click", (event) => {
    if (event.target === dialog) dialog.close();
  });
}
