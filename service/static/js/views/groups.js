// "Action groups": candidate members for a group (for group leads) and groups to join for a partner.

import { api } from "../api.js";
import { emptyState, errorState, groupCard, initialState, loadingState, matchCard, resultsHeading } from "../components.js";
import { field, fill, h, select, setFieldError } from "../dom.js";
import { t, tn } from "../i18n.js";
import { partnerLabel, partnerPicker } from "../pickers.js";

/** A <select> of a few choices (the action groups of the summary). */
function selectControl(options) {
  return (id, state, labelKey) =>
    field({
      label: t(labelKey),
      className: "field field-grow",
      control: select({ name: id, id: `${id}-select`, onchange: (event) => (state.value = event.target.value) }, [["", t("common.none")], ...options()], state.value),
    });
}

/** A search-as-you-type partner picker (never the whole list of partners). */
function partnerControl(id, state, labelKey) {
  return partnerPicker({
    id: `${id}-select`,
    name: id,
    label: t(labelKey),
    className: "field-grow",
    value: state.value ? { value: state.value, label: state.label || state.value } : null,
    onChange: (entry) => Object.assign(state, { value: entry?.value ?? "", label: entry?.label ?? "" }),
  });
}

/** One picker + its results: a small state machine shared by both panels. */
function panel({ id, titleKey, labelKey, submitKey, initialKey, countKey, emptyKey, control: makeControl, load, card }) {
  const state = { value: "", label: "", phase: "initial", items: [], error: null };
  let region = null;
  let root = null;

  function renderResults() {
    region.setAttribute("aria-busy", String(state.phase === "loading"));
    let content;
    if (state.phase === "initial") content = initialState(null, t(initialKey));
    else if (state.phase === "loading") content = loadingState(t("groups.loading"));
    else if (state.phase === "error") content = errorState(state.error, run);
    else if (!state.items.length) content = emptyState(t(emptyKey));
    else content = [resultsHeading(tn(countKey, state.items.length)), h("ol", { class: "cards" }, state.items.map(card))];
    if (content instanceof Node) content.setAttribute("tabindex", "-1");
    fill(region, ...[content].flat());
  }

  async function run({ focus = true, announce } = {}) {
    state.phase = "loading";
    renderResults();
    try {
      state.items = (await load(state.value)).data;
      state.phase = "done";
      announce?.(state.items.length ? tn(countKey, state.items.length) : t(emptyKey));
    } catch (error) {
      state.error = error;
      state.phase = "error";
      announce?.(t("error.title"));
    }
    renderResults();
    if (focus) region.querySelector(".results-heading, .state")?.focus();
  }

  function render(container, announce) {
    root = container;
    const controlField = makeControl(id, state, labelKey);
    const control = controlField.querySelector(`#${id}-select`);
    const form = h(
      "form",
      {
        class: "query-form",
        novalidate: true,
        onsubmit: (event) => {
          event.preventDefault();
          if (control.tagName === "SELECT") state.value = control.value;
          if (!state.value) {
            setFieldError(control, t("groups.error.choose"));
            control.focus();
            return;
          }
          setFieldError(control, null);
          run({ announce });
        },
      },
      h("div", { class: "form-actions" }, controlField, h("button", { type: "submit", class: "button" }, t(submitKey))),
    );
    region = h("div", { class: "results", id: `${id}-results` });
    fill(root, h("h2", { id: `${id}-title` }, t(titleKey)), form, region);
    root.setAttribute("aria-labelledby", `${id}-title`);
    renderResults();
  }

  return {
    render,
    /** Choose ``value`` from a script (an id in the URL); ``label`` names it in a picker. */
    select(value, announce, label = value) {
      Object.assign(state, { value, label });
      const holder = root?.querySelector(`#${id}-select`);
      if (holder?.tagName === "SELECT") holder.value = value;
      else holder?.closest("[data-combo]")?.picker?.set({ value, label });
      return run({ focus: false, announce });
    },
    /** Name the chosen value (once its label is known). */
    name(value, label) {
      if (state.value !== value) return;
      state.label = label;
      root?.querySelector(`#${id}-select`)?.closest("[data-combo]")?.picker?.set({ value, label });
    },
  };
}

export function createGroupsView(ctx) {
  let root = null;
  const candidates = panel({
    id: "group",
    titleKey: "groups.candidates.title",
    labelKey: "groups.group.label",
    submitKey: "groups.candidates.submit",
    initialKey: "groups.candidates.initial",
    countKey: "groups.candidates",
    emptyKey: "groups.candidates.empty",
    control: selectControl(() => (ctx.summary?.action_groups ?? []).map((g) => [g.id, g.name])),
    load: (groupId) => api.candidates(groupId, 10),
    card: (match) => matchCard(match, { summary: ctx.summary, openPartner: ctx.openPartner }),
  });
  const joinable = panel({
    id: "partner",
    titleKey: "groups.join.title",
    labelKey: "groups.partner.label",
    submitKey: "groups.join.submit",
    initialKey: "groups.join.initial",
    countKey: "groups.join",
    emptyKey: "groups.join.empty",
    control: partnerControl,
    load: (partnerId) => api.groupsFor(partnerId, 10),
    card: groupCard,
  });

  function render() {
    const left = h("section", { class: "panel" });
    const right = h("section", { class: "panel" });
    fill(root,
      h("div", { class: "view-head" }, h("h1", { tabindex: "-1" }, t("groups.title")), h("p", { class: "lead" }, t("groups.intro"))),
      ctx.catalogNotice(),
      h("div", { class: "columns" }, left, right),
    );
    candidates.render(left, ctx.announce);
    joinable.render(right, ctx.announce);
  }

  return {
    titleKey: "groups.title",
    mount(container, params) {
      root = container;
      render();
      if (params.get("group")) candidates.select(params.get("group"), ctx.announce);
      const partner = params.get("partner");
      if (partner) {
        joinable.select(partner, ctx.announce);
        partnerLabel(partner).then((entry) => joinable.name(partner, entry.label));
      }
    },
    relabel() {
      if (root?.isConnected) render();
    },
  };
}
