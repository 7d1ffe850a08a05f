// @ts-check
// The widget renderer: ChatKit widget JSON (a root — Card, ListView, Basic —
// or any single component) to DOM.
//
// DOM contract (tests rely on it):
// - every component element has `data-ck="<type>"` (e.g. "Button",
//   "Table.Cell"); an `id` prop becomes `data-ck-id`, a `key` `data-ck-key`;
// - enum props become classes `ck-<prop>-<value>` (e.g. `ck-size-lg`,
//   `ck-variant-outline`, `ck-color-success`, `ck-weight-bold`), booleans
//   `ck-<prop>` (e.g. `ck-pill`, `ck-block`, `ck-truncate`);
// - colors, spacing and sizes are inline styles (so `getComputedStyle` shows
//   them); Text/Title/Caption/Label/Badge/Button show their text;
//   Image has `src`; Icon has `data-icon`; controls carry `name` and
//   `data-ck-field` (their field name, used to collect form values);
// - roots carry `data-ck-root` and `data-theme` when they force a theme;
// - an unknown component renders `[data-ck-unknown="<type>"]`; an unknown
//   prop adds a `[data-ck-unknown="prop"]` marker next to the component and
//   `data-ck-unknown-props` on it. Each logs one console.warn.
//
// Actions: a control with an action calls `options.onAction(action, el)`;
// form values are merged into the payload first (dotted names nest). The
// promise it returns drives the loading state (`loadingBehavior`).

import { icon } from "./icons.js";
import { renderMarkdown } from "./markdown.js";
import { renderChart } from "./charts.js";
import {
  applyBorder, applySpacing, cssAlign, cssColor, cssJustify, cssLength, cssRadius, cssSpace, cssWeight,
} from "./tokens.js";

/** @typedef {import("@openai/chatkit").Widgets.WidgetRoot} WidgetRoot */
/** @typedef {import("@openai/chatkit").Widgets.WidgetComponent} WidgetComponent */
/** @typedef {import("@openai/chatkit").Widgets.Card} Card */
/** @typedef {import("@openai/chatkit").Widgets.ListView} ListView */
/** @typedef {import("@openai/chatkit").Widgets.ListViewItem} ListViewItem */
/** @typedef {import("@openai/chatkit").Widgets.BasicRoot} BasicRoot */
/** @typedef {import("@openai/chatkit").Widgets.Box} Box */
/** @typedef {import("@openai/chatkit").Widgets.Row} Row */
/** @typedef {import("@openai/chatkit").Widgets.Col} Col */
/** @typedef {import("@openai/chatkit").Widgets.Form} Form */
/** @typedef {import("@openai/chatkit").Widgets.TextComponent} TextComponent */
/** @typedef {import("@openai/chatkit").Widgets.Title} Title */
/** @typedef {import("@openai/chatkit").Widgets.Caption} Caption */
/** @typedef {import("@openai/chatkit").Widgets.Markdown} Markdown */
/** @typedef {import("@openai/chatkit").Widgets.Badge} Badge */
/** @typedef {import("@openai/chatkit").Widgets.Button} Button */
/** @typedef {import("@openai/chatkit").Widgets.Image} Image */
/** @typedef {import("@openai/chatkit").Widgets.Icon} Icon */
/** @typedef {import("@openai/chatkit").Widgets.Divider} Divider */
/** @typedef {import("@openai/chatkit").Widgets.Spacer} Spacer */
/** @typedef {import("@openai/chatkit").Widgets.Select} Select */
/** @typedef {import("@openai/chatkit").Widgets.DatePicker} DatePicker */
/** @typedef {import("@openai/chatkit").Widgets.Checkbox} Checkbox */
/** @typedef {import("@openai/chatkit").Widgets.Input} Input */
/** @typedef {import("@openai/chatkit").Widgets.Textarea} Textarea */
/** @typedef {import("@openai/chatkit").Widgets.Label} Label */
/** @typedef {import("@openai/chatkit").Widgets.RadioGroup} RadioGroup */
/** @typedef {import("@openai/chatkit").Widgets.Transition} Transition */
/** @typedef {import("@openai/chatkit").Widgets.Table} Table */
/** @typedef {import("@openai/chatkit").Widgets.TableRow} TableRow */
/** @typedef {import("@openai/chatkit").Widgets.TableCell} TableCell */
/** @typedef {import("@openai/chatkit").Widgets.WidgetStatus} WidgetStatus */
/** @typedef {import("@openai/chatkit").Widgets.CardAction} CardAction */
/** @typedef {import("./charts.js").Chart} Chart */
/**
 * ChatKit's ActionConfig plus the client-side keys of the Python SDK
 * (protocol §6.5) that the 1.9.0 types lack.
 * @typedef {import("@openai/chatkit").Widgets.ActionConfig & {
 *   handler?: "client" | "server", loadingBehavior?: "auto" | "none" | "self" | "container", streaming?: boolean
 * }} ActionConfig
 */
/** Anything the renderer accepts. @typedef {WidgetRoot | WidgetComponent | ListViewItem | Chart} WidgetNode */
/**
 * @typedef {object} RenderOptions
 * @property {(action: ActionConfig, source: HTMLElement) => (void | Promise<unknown>)} [onAction]
 */

const COMMON = ["type", "key", "id"];
const BLOCK = ["height", "width", "size", "minHeight", "minWidth", "minSize", "maxHeight", "maxWidth", "maxSize", "aspectRatio", "radius", "margin"];
const BOX = ["children", "align", "justify", "wrap", "flex", "gap", "padding", "border", "background", ...BLOCK];
const TEXT = ["value", "color", "weight", "textAlign", "truncate", "maxLines"];
const CONTROL = ["name", "variant", "size", "pill", "disabled"];

/** Every prop of every component, after the catalogue and the TS types. @type {Record<string, string[]>} */
const PROPS = {
  Card: ["children", "asForm", "background", "border", "size", "padding", "status", "collapsed", "confirm", "cancel", "theme"],
  ListView: ["children", "limit", "status", "theme"],
  Basic: ["children", "theme", "direction", "gap", "padding", "align", "justify"],
  ListViewItem: ["children", "onClickAction", "gap", "align"],
  Box: ["direction", ...BOX],
  Row: BOX,
  Col: BOX,
  Form: ["onSubmitAction", "direction", ...BOX],
  Spacer: ["minSize"],
  Divider: ["color", "size", "spacing", "flush"],
  Transition: ["children"],
  Title: ["size", ...TEXT],
  Caption: ["size", ...TEXT],
  Text: ["streaming", "italic", "lineThrough", "width", "size", "minLines", "editable", ...TEXT],
  Markdown: ["value", "streaming"],
  Badge: ["label", "color", "variant", "size", "pill"],
  Icon: ["name", "color", "size"],
  Image: ["src", "alt", "frame", "fit", "position", "flush", "background", "flex", ...BLOCK],
  Button: ["submit", "label", "onClickAction", "iconStart", "iconEnd", "style", "iconSize", "color", "variant", "size", "pill", "uniform", "block", "disabled"],
  Table: ["children"],
  "Table.Row": ["children", "header"],
  "Table.Cell": ["children", "width", "padding", "colSpan", "rowSpan", "align", "vAlign", "colSize"],
  Input: [...CONTROL, "inputType", "defaultValue", "required", "pattern", "placeholder", "allowAutofillExtensions", "autoSelect", "autoFocus", "gutterSize"],
  Textarea: [...CONTROL, "defaultValue", "required", "pattern", "placeholder", "autoSelect", "autoFocus", "gutterSize", "rows", "autoResize", "maxRows", "allowAutofillExtensions"],
  Select: [...CONTROL, "options", "onChangeAction", "placeholder", "defaultValue", "block", "clearable", "searchable"],
  DatePicker: [...CONTROL, "onChangeAction", "placeholder", "defaultValue", "min", "max", "side", "align", "block", "clearable"],
  Checkbox: ["name", "label", "defaultChecked", "onChangeAction", "disabled", "required"],
  RadioGroup: ["name", "options", "ariaLabel", "onChangeAction", "defaultValue", "direction", "disabled", "required"],
  Label: ["value", "fieldName", "size", "weight", "textAlign", "color"],
  Chart: ["data", "series", "xAxis", "showYAxis", "showLegend", "showTooltip", "barGap", "barCategoryGap", "flex",
    "height", "width", "size", "minHeight", "minWidth", "minSize", "maxHeight", "maxWidth", "maxSize", "aspectRatio"],
};
/** @type {Record<string, Set<string>>} */
const KNOWN = Object.fromEntries(Object.entries(PROPS).map(([k, v]) => [k, new Set([...COMMON, ...v])]));

/** The component types the renderer draws. */
export const COMPONENT_TYPES = Object.keys(PROPS);

let uid = 0;

/**
 * Renders a widget root or component. Never throws: broken input renders a
 * visible placeholder instead.
 * @param {unknown} node widget JSON (typed loosely because it comes off the wire)
 * @param {RenderOptions} [options]
 * @returns {HTMLElement}
 */
export function renderWidget(node, options = {}) {
  const el = renderNode(node, options);
  linkLabels(el);
  return el;
}

/**
 * @param {unknown} raw
 * @param {RenderOptions} opts
 * @returns {HTMLElement}
 */
function renderNode(raw, opts) {
  if (!raw || typeof raw !== "object" || Array.isArray(raw) || typeof (/** @type {{type?: unknown}} */ (raw).type) !== "string") {
    return unknown(raw === null || typeof raw !== "object" ? typeof raw : "(no type)", "not a component");
  }
  const node = /** @type {WidgetNode} */ (raw);
  const type = /** @type {string} */ (node.type);
  if (!KNOWN[type]) return unknown(type, "unknown component");
  let el;
  try {
    el = build(node, opts);
  } catch (err) {
    console.warn(`chatkit playground: cannot render ${type}`, err);
    return unknown(type, `render error: ${err instanceof Error ? err.message : String(err)}`);
  }
  el.dataset.ck = type;
  if (typeof node.id === "string") el.dataset.ckId = node.id;
  if (typeof node.key === "string") el.dataset.ckKey = node.key;
  const extra = Object.keys(node).filter((k) => !KNOWN[type].has(k));
  if (!extra.length) return el;
  console.warn(`chatkit playground: ${type} has unknown prop(s): ${extra.join(", ")}`);
  el.dataset.ckUnknownProps = extra.join(",");
  // A display:contents wrapper keeps the component's place in the layout.
  const wrap = document.createElement("span");
  wrap.className = "ck-unknown-wrap";
  const mark = document.createElement("span");
  mark.className = "ck-unknown-prop";
  mark.dataset.ckUnknown = "prop";
  mark.title = `Unknown prop(s) of ${type}: ${extra.join(", ")}`;
  mark.textContent = `⚠ ${extra.join(", ")}`;
  wrap.append(el, mark);
  return wrap;
}

/**
 * @param {string} type
 * @param {string} why
 */
function unknown(type, why) {
  console.warn(`chatkit playground: ${why}: ${type}`);
  const el = document.createElement("div");
  el.className = "ck-unknown";
  el.dataset.ckUnknown = type;
  el.textContent = `${why}: ${type}`;
  return el;
}

/**
 * @param {WidgetNode} node
 * @param {RenderOptions} opts
 * @returns {HTMLElement}
 */
function build(node, opts) {
  switch (node.type) {
    case "Card": return card(node, opts);
    case "ListView": return listView(node, opts);
    case "Basic": return basic(node, opts);
    case "ListViewItem": return listViewItem(node, opts);
    case "Box": return box(node, opts, node.direction === "row" ? "row" : "col");
    case "Row": return box(node, opts, "row");
    case "Col": return box(node, opts, "col");
    case "Form": return form(node, opts);
    case "Text": return text(node);
    case "Title": return title(node);
    case "Caption": return caption(node);
    case "Markdown": return markdown(node);
    case "Badge": return badge(node);
    case "Button": return button(node, opts);
    case "Image": return image(node);
    case "Icon": return iconComponent(node);
    case "Divider": return divider(node);
    case "Spacer": return spacer(node);
    case "Select": return select(node, opts);
    case "DatePicker": return datePicker(node, opts);
    case "Checkbox": return checkbox(node, opts);
    case "Input": return input(node);
    case "Textarea": return textarea(node);
    case "Label": return label(node);
    case "RadioGroup": return radioGroup(node, opts);
    case "Transition": return transition(node, opts);
    case "Table": return table(node, opts);
    case "Table.Row": return tableRow(node, opts, false);
    case "Table.Cell": return tableCell(node, opts, false);
    case "Chart": return chart(node);
    default: return unknown(String(/** @type {{type: unknown}} */ (node).type), "unknown component");
  }
}

// ------------------------------------------------------------------ helpers

/**
 * @param {string} tag
 * @param {string} [cls]
 */
function h(tag, cls) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  return e;
}

/**
 * Adds `ck-<prop>-<value>` for string props and `ck-<prop>` for true booleans.
 * @param {HTMLElement} el
 * @param {Record<string, unknown>} props
 */
function classes(el, props) {
  for (const [k, v] of Object.entries(props)) {
    const name = k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
    if (typeof v === "string" && /^[\w%.-]+$/.test(v)) el.classList.add(`ck-${name}-${v.replace("%", "pct")}`);
    else if (v === true) el.classList.add(`ck-${name}`);
  }
}

/**
 * @param {HTMLElement} el
 * @param {string} prop
 * @param {string | null} value
 */
function style(el, prop, value) {
  if (value !== null && value !== undefined) el.style.setProperty(prop, value);
}

/**
 * Size props (BlockProps minus radius/margin).
 * @param {HTMLElement} el
 * @param {Partial<Record<"height" | "width" | "size" | "minHeight" | "minWidth" | "minSize" | "maxHeight" | "maxWidth" | "maxSize" | "aspectRatio" | "flex", unknown>>} p
 */
function sizes(el, p) {
  style(el, "width", cssLength(p.width ?? p.size));
  style(el, "height", cssLength(p.height ?? p.size));
  style(el, "min-width", cssLength(p.minWidth ?? p.minSize));
  style(el, "min-height", cssLength(p.minHeight ?? p.minSize));
  style(el, "max-width", cssLength(p.maxWidth ?? p.maxSize));
  style(el, "max-height", cssLength(p.maxHeight ?? p.maxSize));
  if (typeof p.aspectRatio === "number" || typeof p.aspectRatio === "string") style(el, "aspect-ratio", String(p.aspectRatio));
  if (typeof p.flex === "number") style(el, "flex", `${p.flex} ${p.flex} 0%`);
  else if (typeof p.flex === "string") style(el, "flex", p.flex);
}

/**
 * @param {HTMLElement} el
 * @param {unknown} children
 * @param {RenderOptions} opts
 */
function appendChildren(el, children, opts) {
  if (Array.isArray(children)) for (const c of children) el.appendChild(renderNode(c, opts));
  else if (children && typeof children === "object") el.appendChild(renderNode(children, opts));
}

/**
 * Theme forcing: `data-theme` sets `color-scheme` and the CSS variables for
 * the subtree (see style.css).
 * @param {HTMLElement} el
 * @param {unknown} theme
 */
function forceTheme(el, theme) {
  if (theme === "light" || theme === "dark") el.dataset.theme = theme;
}

/**
 * Text props shared by Text, Title, Caption and Label.
 * @param {HTMLElement} el
 * @param {{ color?: unknown, weight?: unknown, textAlign?: unknown, truncate?: unknown, maxLines?: unknown }} p
 */
function textProps(el, p) {
  style(el, "color", cssColor(p.color));
  style(el, "font-weight", cssWeight(p.weight));
  if (typeof p.textAlign === "string") style(el, "text-align", p.textAlign);
  classes(el, { weight: p.weight, textAlign: p.textAlign, truncate: p.truncate === true });
  if (typeof p.maxLines === "number" && p.maxLines > 0) {
    el.classList.add("ck-clamp");
    el.style.setProperty("-webkit-line-clamp", String(p.maxLines));
    el.dataset.maxLines = String(p.maxLines);
  }
}

/**
 * Status header of Card and ListView: an icon or favicon and a text.
 * @param {WidgetStatus} status
 */
function statusHeader(status) {
  const row = h("div", "ck-status");
  if ("icon" in status && typeof status.icon === "string") row.appendChild(icon(status.icon));
  if ("favicon" in status && typeof status.favicon === "string" && safeSrc(status.favicon)) {
    const img = /** @type {HTMLImageElement} */ (h("img", "ck-status-favicon"));
    img.src = status.favicon;
    img.alt = "";
    if (status.frame) img.classList.add("ck-frame");
    row.appendChild(img);
  }
  const t = h("span", "ck-status-text");
  t.textContent = String(status.text ?? "");
  row.appendChild(t);
  return row;
}

/** @param {string} src */
function safeSrc(src) {
  return /^(https?:|data:image\/|blob:)/i.test(src) || !/^[^/?#]*:/.test(src);
}

// ------------------------------------------------------------------ actions

/**
 * Sets `obj[a][b]... = value` for the dotted name "a.b...", as ChatKit nests
 * form field names.
 * @param {Record<string, any>} obj
 * @param {string} name
 * @param {unknown} value
 */
function setPath(obj, name, value) {
  const parts = name.split(".").filter(Boolean);
  if (!parts.length) return;
  let cur = obj;
  for (const p of parts.slice(0, -1)) {
    if (!cur[p] || typeof cur[p] !== "object") cur[p] = {};
    cur = cur[p];
  }
  cur[parts[parts.length - 1]] = value;
}

/**
 * The value of one control, typed as ChatKit sends it: booleans for
 * checkboxes, strings otherwise (null for an empty radio group/select).
 * @param {HTMLElement} el an element with `data-ck-field`
 */
function controlValue(el) {
  if (el instanceof HTMLInputElement && el.type === "checkbox") return el.checked;
  if (el.dataset.ck === "RadioGroup") {
    const on = /** @type {HTMLInputElement | null} */ (el.querySelector("input:checked"));
    return on ? on.value : null;
  }
  if (el instanceof HTMLSelectElement) return el.value === "" ? null : el.value;
  if (el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement) return el.value;
  return null;
}

/**
 * All field values inside a form-like container, nested by dotted names.
 * @param {HTMLElement} container
 */
export function collectValues(container) {
  /** @type {Record<string, any>} */
  const out = {};
  container.querySelectorAll("[data-ck-field]").forEach((node) => {
    const el = /** @type {HTMLElement} */ (node);
    // Fields of a nested form belong to that form only.
    if (el.closest("[data-ck-form]") !== container) return;
    setPath(out, /** @type {string} */ (el.dataset.ckField), controlValue(el));
  });
  return out;
}

/**
 * Checks required fields; shows the browser's message on the first bad one.
 * @param {HTMLElement} container
 */
function validate(container) {
  for (const node of container.querySelectorAll("input, textarea, select")) {
    const el = /** @type {HTMLInputElement} */ (node);
    if (el.closest("[data-ck-form]") === container && !el.checkValidity()) {
      el.reportValidity();
      return false;
    }
  }
  return true;
}

/**
 * Runs an action: merges `values` into the payload, shows the loading state
 * chosen by `loadingBehavior`, and calls `options.onAction`.
 * @param {RenderOptions} opts
 * @param {unknown} config the action config from the widget JSON
 * @param {HTMLElement} source
 * @param {Record<string, unknown>} [values]
 */
function fire(opts, config, source, values) {
  if (!config || typeof config !== "object" || typeof (/** @type {ActionConfig} */ (config).type) !== "string") return;
  const action = /** @type {ActionConfig} */ (config);
  const base = action.payload && typeof action.payload === "object" && !Array.isArray(action.payload) ? action.payload : {};
  const payload = values ? { ...base, ...values } : action.payload;
  /** @type {ActionConfig} */
  const merged = { ...action };
  if (payload !== undefined) merged.payload = payload;
  const behavior = action.loadingBehavior ?? "auto";
  const root = /** @type {HTMLElement | null} */ (source.closest("[data-ck-root]"));
  /** @type {HTMLElement | null} */
  let target = null;
  if (behavior === "self") target = source;
  else if (behavior === "container") target = root ?? source;
  else if (behavior === "auto") target = source.matches("button, [data-ck=ListViewItem]") ? source : root ?? source;
  if (target) target.dataset.loading = "true";
  /** @type {unknown} */
  let result;
  try {
    result = opts.onAction ? opts.onAction(merged, source) : console.info("widget action", merged);
  } catch (err) {
    console.warn("chatkit playground: action handler failed", err);
  }
  const done = () => {
    if (target) delete target.dataset.loading;
  };
  if (result instanceof Promise) result.then(done, done);
  else done();
}

/**
 * The form container of an element (Form or Card asForm), if any.
 * @param {HTMLElement} el
 */
function formOf(el) {
  return /** @type {HTMLElement | null} */ (el.closest("[data-ck-form]"));
}

/**
 * Submits a form container: validates, collects values, fires its action.
 * @param {RenderOptions} opts
 * @param {HTMLElement} formEl
 * @param {unknown} action
 * @param {HTMLElement} source
 */
function submit(opts, formEl, action, source) {
  if (!validate(formEl)) return;
  fire(opts, action, source, collectValues(formEl));
}

// ------------------------------------------------------------------ roots

/**
 * @param {Card} n
 * @param {RenderOptions} opts
 */
function card(n, opts) {
  const el = h("div", "ck-card");
  el.dataset.ckRoot = "";
  forceTheme(el, n.theme);
  classes(el, { size: n.size ?? "md", collapsed: n.collapsed === true });
  style(el, "background", cssColor(n.background, "bg"));
  applyBorder(el, n.border);
  if (n.status && typeof n.status === "object") el.appendChild(statusHeader(n.status));
  const body = h("div", "ck-card-body");
  applySpacing(body, "padding", n.padding);
  appendChildren(body, n.children, opts);
  if (n.asForm) {
    body.dataset.ckForm = "card";
    enterSubmits(body, opts, () => n.confirm?.action);
  }
  el.appendChild(body);
  if (n.confirm || n.cancel) {
    const foot = h("div", "ck-card-actions");
    for (const [which, cfg] of /** @type {Array<[string, CardAction | undefined]>} */ ([["cancel", n.cancel], ["confirm", n.confirm]])) {
      if (!cfg || typeof cfg !== "object") continue;
      const b = /** @type {HTMLButtonElement} */ (h("button", `ck-btn ck-size-md ${which === "confirm" ? "ck-color-primary ck-variant-solid" : "ck-color-secondary ck-variant-outline"}`));
      b.type = "button";
      b.dataset.ckCardAction = which;
      b.textContent = String(cfg.label ?? which);
      b.addEventListener("click", () => {
        if (which === "confirm" && n.asForm) submit(opts, body, cfg.action, b);
        else fire(opts, cfg.action, b);
      });
      foot.appendChild(b);
    }
    el.appendChild(foot);
  }
  if (n.collapsed) {
    body.hidden = true;
    el.querySelector(".ck-card-actions")?.setAttribute("hidden", "");
    const toggle = /** @type {HTMLButtonElement} */ (h("button", "ck-card-toggle"));
    toggle.type = "button";
    toggle.dataset.action = "expand";
    toggle.append(icon("chevron-down"), document.createTextNode("Show"));
    toggle.addEventListener("click", () => {
      const open = body.hidden;
      body.hidden = !open;
      el.querySelector(".ck-card-actions")?.toggleAttribute("hidden", !open);
      el.classList.toggle("ck-expanded", open);
      toggle.lastChild && (toggle.lastChild.textContent = open ? "Hide" : "Show");
    });
    el.insertBefore(toggle, body);
  }
  return el;
}

/**
 * @param {ListView} n
 * @param {RenderOptions} opts
 */
function listView(n, opts) {
  const el = h("div", "ck-listview");
  el.dataset.ckRoot = "";
  forceTheme(el, n.theme);
  if (n.status && typeof n.status === "object") el.appendChild(statusHeader(n.status));
  const list = h("div", "ck-listview-items");
  const items = Array.isArray(n.children) ? n.children : [];
  // "auto" lets the list size itself; we show everything.
  const limit = typeof n.limit === "number" && n.limit >= 0 ? n.limit : Infinity;
  items.forEach((c, i) => {
    const child = renderNode(c, opts);
    if (i >= limit) child.hidden = true;
    list.appendChild(child);
  });
  el.appendChild(list);
  if (items.length > limit) {
    const more = /** @type {HTMLButtonElement} */ (h("button", "ck-show-more"));
    more.type = "button";
    more.dataset.action = "show-more";
    more.textContent = `Show ${items.length - limit} more`;
    more.addEventListener("click", () => {
      list.querySelectorAll(":scope > [hidden]").forEach((c) => c.removeAttribute("hidden"));
      more.remove();
    });
    el.appendChild(more);
  }
  return el;
}

/**
 * @param {BasicRoot} n
 * @param {RenderOptions} opts
 */
function basic(n, opts) {
  const el = h("div", "ck-basic ck-flex");
  el.dataset.ckRoot = "";
  forceTheme(el, n.theme);
  el.classList.add(n.direction === "row" ? "ck-dir-row" : "ck-dir-col");
  style(el, "gap", cssSpace(n.gap));
  applySpacing(el, "padding", n.padding);
  style(el, "align-items", cssAlign(n.align));
  style(el, "justify-content", cssJustify(n.justify));
  appendChildren(el, n.children, opts);
  return el;
}

/**
 * @param {ListViewItem} n
 * @param {RenderOptions} opts
 */
function listViewItem(n, opts) {
  const el = h("div", "ck-lvi ck-flex ck-dir-row");
  style(el, "gap", cssSpace(n.gap));
  style(el, "align-items", cssAlign(n.align) ?? "center");
  appendChildren(el, n.children, opts);
  if (n.onClickAction) {
    el.classList.add("ck-clickable");
    el.tabIndex = 0;
    el.setAttribute("role", "button");
    const go = (/** @type {Event} */ e) => {
      // Controls inside the item handle their own clicks.
      const t = /** @type {HTMLElement} */ (e.target);
      if (t !== el && t.closest("button, input, select, textarea, a, label")) return;
      fire(opts, n.onClickAction, el);
    };
    el.addEventListener("click", go);
    el.addEventListener("keydown", (e) => {
      if (e.key === "Enter" || e.key === " ") {
        e.preventDefault();
        go(e);
      }
    });
  }
  return el;
}

// ------------------------------------------------------------------ layout

/**
 * @param {Box | Row | Col | Form} n
 * @param {RenderOptions} opts
 * @param {"row" | "col"} dir
 * @param {HTMLElement} [el]
 */
function box(n, opts, dir, el = h("div")) {
  el.classList.add("ck-box", "ck-flex", dir === "row" ? "ck-dir-row" : "ck-dir-col");
  style(el, "align-items", cssAlign(n.align));
  style(el, "justify-content", cssJustify(n.justify));
  if (typeof n.wrap === "string") style(el, "flex-wrap", n.wrap);
  style(el, "gap", cssSpace(n.gap));
  applySpacing(el, "padding", n.padding);
  applySpacing(el, "margin", n.margin);
  applyBorder(el, n.border);
  style(el, "border-radius", cssRadius(n.radius));
  style(el, "background", cssColor(n.background, "bg"));
  sizes(el, n);
  classes(el, { align: n.align, justify: n.justify, radius: n.radius });
  appendChildren(el, n.children, opts);
  return el;
}

/**
 * A Form is a div (forms cannot nest, and a Card asForm may hold one);
 * submit buttons and Enter in an input submit it.
 * @param {Form} n
 * @param {RenderOptions} opts
 */
function form(n, opts) {
  const el = h("div", "ck-form");
  el.setAttribute("role", "form");
  el.dataset.ckForm = "form";
  box(n, opts, n.direction === "row" ? "row" : "col", el);
  enterSubmits(el, opts, () => n.onSubmitAction);
  return el;
}

/**
 * @param {HTMLElement} formEl
 * @param {RenderOptions} opts
 * @param {() => unknown} action
 */
function enterSubmits(formEl, opts, action) {
  formEl.addEventListener("keydown", (e) => {
    const t = /** @type {HTMLElement} */ (e.target);
    if (e.key === "Enter" && t instanceof HTMLInputElement && t.type !== "checkbox" && t.type !== "radio" && formOf(t) === formEl) {
      e.preventDefault();
      submit(opts, formEl, action(), t);
    }
  });
  formEl.addEventListener("ck-submit", (e) => {
    e.stopPropagation();
    submit(opts, formEl, action(), /** @type {HTMLElement} */ (e.target));
  });
}

/**
 * @param {Transition} n
 * @param {RenderOptions} opts
 */
function transition(n, opts) {
  const el = h("div", "ck-transition");
  appendChildren(el, n.children, opts);
  return el;
}

/** @param {Spacer} n */
function spacer(n) {
  const el = h("div", "ck-spacer");
  const min = cssLength(n.minSize);
  if (min) {
    el.style.minWidth = min;
    el.style.minHeight = min;
  }
  return el;
}

/** @param {Divider} n */
function divider(n) {
  const el = h("div", "ck-divider");
  style(el, "border-top-color", cssColor(n.color, "border"));
  style(el, "border-top-width", cssLength(n.size));
  const sp = cssSpace(n.spacing);
  if (sp) el.style.margin = `${sp} 0`;
  classes(el, { flush: n.flush === true });
  return el;
}

// ------------------------------------------------------------------ text

/** @param {TextComponent} n */
function text(n) {
  const editable = n.editable && typeof n.editable === "object" ? n.editable : null;
  /** @type {HTMLElement} */
  let el;
  if (editable) {
    const inp = /** @type {HTMLInputElement} */ (h("input", "ck-text ck-text-editable"));
    inp.value = String(n.value ?? "");
    inp.name = editable.name;
    inp.dataset.ckField = editable.name;
    if (editable.placeholder) inp.placeholder = editable.placeholder;
    if (editable.required) inp.required = true;
    if (editable.pattern) inp.pattern = editable.pattern;
    if (editable.autoFocus) inp.autofocus = true;
    if (editable.autoComplete) inp.autocomplete = /** @type {AutoFill} */ (editable.autoComplete);
    el = inp;
  } else {
    el = h("div", "ck-text");
    el.textContent = String(n.value ?? "");
  }
  classes(el, { size: n.size ?? "md", italic: n.italic === true, lineThrough: n.lineThrough === true, streaming: n.streaming === true });
  if (n.italic) el.style.fontStyle = "italic";
  if (n.lineThrough) el.style.textDecoration = "line-through";
  style(el, "width", cssLength(n.width));
  if (typeof n.minLines === "number") el.style.minHeight = `calc(${n.minLines} * 1lh)`;
  textProps(el, n);
  return el;
}

/** @param {Title} n */
function title(n) {
  const el = h("div", "ck-title");
  el.setAttribute("role", "heading");
  el.textContent = String(n.value ?? "");
  classes(el, { size: n.size ?? "md" });
  textProps(el, n);
  return el;
}

/** @param {Caption} n */
function caption(n) {
  const el = h("div", "ck-caption");
  el.textContent = String(n.value ?? "");
  classes(el, { size: n.size ?? "md" });
  textProps(el, n);
  return el;
}

/** @param {Label} n */
function label(n) {
  const el = /** @type {HTMLLabelElement} */ (h("label", "ck-label"));
  el.textContent = String(n.value ?? "");
  if (typeof n.fieldName === "string") el.dataset.fieldName = n.fieldName;
  classes(el, { size: n.size ?? "sm" });
  textProps(el, n);
  return el;
}

/**
 * Points every Label at the control it names (ids are generated, because
 * field names repeat across widgets on one page).
 * @param {HTMLElement} root
 */
function linkLabels(root) {
  root.querySelectorAll("label[data-field-name]").forEach((node) => {
    const lab = /** @type {HTMLLabelElement} */ (node);
    const name = lab.dataset.fieldName ?? "";
    const scope = lab.closest("[data-ck-root]") ?? root;
    const target = /** @type {HTMLElement | null} */ (scope.querySelector(`[data-ck-field="${CSS.escape(name)}"]`));
    if (!target) return;
    const focusable = /** @type {HTMLElement} */ (target.matches("input, select, textarea") ? target : target.querySelector("input") ?? target);
    if (!focusable.id) focusable.id = `ck-field-${++uid}`;
    lab.htmlFor = focusable.id;
  });
}

/** @param {Markdown} n */
function markdown(n) {
  const el = h("div", "ck-markdown ck-md");
  el.appendChild(renderMarkdown(String(n.value ?? "")));
  classes(el, { streaming: n.streaming === true });
  return el;
}

/** @param {Badge} n */
function badge(n) {
  const el = h("span", "ck-badge");
  el.textContent = String(n.label ?? "");
  classes(el, { color: n.color ?? "secondary", variant: n.variant ?? "soft", size: n.size ?? "sm", pill: n.pill === true });
  return el;
}

/** @param {Icon} n */
function iconComponent(n) {
  const el = h("span", "ck-icon");
  el.dataset.icon = String(n.name);
  el.appendChild(icon(String(n.name)));
  classes(el, { size: n.size ?? "md" });
  style(el, "color", cssColor(n.color));
  return el;
}

/** @param {Image} n */
function image(n) {
  const src = String(n.src ?? "");
  const el = /** @type {HTMLImageElement} */ (h("img", "ck-image"));
  if (safeSrc(src)) el.src = src;
  else el.dataset.blockedSrc = src;
  el.alt = typeof n.alt === "string" ? n.alt : "";
  el.loading = "lazy";
  if (typeof n.fit === "string") el.style.objectFit = n.fit;
  if (typeof n.position === "string") el.style.objectPosition = n.position;
  style(el, "border-radius", cssRadius(n.radius));
  applySpacing(el, "margin", n.margin);
  style(el, "background", cssColor(/** @type {{background?: unknown}} */ (n).background, "bg"));
  sizes(el, n);
  classes(el, { frame: n.frame === true, flush: n.flush === true, fit: n.fit, radius: n.radius });
  return el;
}

/** @param {Chart} n */
function chart(n) {
  const el = renderChart(n);
  sizes(el, { ...n, height: undefined });
  return el;
}

// ------------------------------------------------------------------ controls

/**
 * @param {Button} n
 * @param {RenderOptions} opts
 */
function button(n, opts) {
  const el = /** @type {HTMLButtonElement} */ (h("button", "ck-btn"));
  el.type = "button";
  const color = n.color ?? (n.style === "secondary" ? "secondary" : "primary");
  classes(el, {
    color, variant: n.variant ?? "solid", size: n.size ?? "md", style: n.style, iconSize: n.iconSize,
    pill: n.pill === true, uniform: n.uniform === true, block: n.block === true, submit: n.submit === true,
  });
  const iconSize = { sm: "14px", md: "16px", lg: "18px", xl: "20px", "2xl": "24px" }[n.iconSize ?? "md"] ?? "16px";
  if (n.iconStart) el.appendChild(icon(n.iconStart, { size: iconSize }));
  if (typeof n.label === "string" && n.label) {
    const span = h("span", "ck-btn-label");
    span.textContent = n.label;
    el.appendChild(span);
  }
  if (n.iconEnd) el.appendChild(icon(n.iconEnd, { size: iconSize }));
  if (n.disabled) el.disabled = true;
  if (n.submit) el.dataset.submit = "true";
  el.addEventListener("click", () => {
    if (el.dataset.loading) return;
    const f = formOf(el);
    if (n.submit && f) {
      if (n.onClickAction) submit(opts, f, n.onClickAction, el);
      else el.dispatchEvent(new CustomEvent("ck-submit", { bubbles: true }));
    } else if (n.onClickAction) {
      // Inside a form, an action still carries the form's values.
      fire(opts, n.onClickAction, el, f ? collectValues(f) : undefined);
    }
  });
  return el;
}

/**
 * Wires `onChangeAction`: the payload gets the control's new value under its
 * field name.
 * @param {HTMLElement} el
 * @param {string} name
 * @param {unknown} action
 * @param {RenderOptions} opts
 */
function onChange(el, name, action, opts) {
  if (!action) return;
  el.addEventListener("change", () => {
    /** @type {Record<string, any>} */
    const values = {};
    setPath(values, name, controlValue(el));
    fire(opts, action, el, values);
  });
}

/**
 * @param {HTMLElement} el
 * @param {{ variant?: string, size?: string, pill?: boolean, block?: boolean, disabled?: boolean, gutterSize?: string }} p
 */
function controlClasses(el, p) {
  classes(el, { variant: p.variant ?? "outline", size: p.size ?? "md", pill: p.pill === true, block: p.block === true, gutter: p.gutterSize });
  el.classList.add("ck-control");
}

/**
 * @param {Input} n
 */
function input(n) {
  const el = /** @type {HTMLInputElement} */ (h("input", "ck-input"));
  el.type = n.inputType ?? "text";
  el.name = n.name;
  el.dataset.ckField = n.name;
  if (n.defaultValue !== undefined) el.value = String(n.defaultValue);
  if (n.placeholder) el.placeholder = n.placeholder;
  if (n.required) el.required = true;
  if (n.pattern) el.pattern = n.pattern;
  if (n.disabled) el.disabled = true;
  if (n.autoFocus) el.autofocus = true;
  if (n.autoSelect) el.addEventListener("focus", () => el.select(), { once: true });
  if (n.allowAutofillExtensions !== true) el.autocomplete = "off";
  controlClasses(el, n);
  return el;
}

/** @param {Textarea} n */
function textarea(n) {
  const el = /** @type {HTMLTextAreaElement} */ (h("textarea", "ck-textarea"));
  el.name = n.name;
  el.dataset.ckField = n.name;
  if (n.defaultValue !== undefined) el.value = String(n.defaultValue);
  if (n.placeholder) el.placeholder = n.placeholder;
  if (n.required) el.required = true;
  if (n.disabled) el.disabled = true;
  if (n.autoFocus) el.autofocus = true;
  if (n.autoSelect) el.addEventListener("focus", () => el.select(), { once: true });
  el.rows = typeof n.rows === "number" && n.rows > 0 ? n.rows : 3;
  if (n.autoResize) {
    const maxRows = typeof n.maxRows === "number" ? n.maxRows : 12;
    const fit = () => {
      el.style.height = "auto";
      const line = parseFloat(getComputedStyle(el).lineHeight) || 20;
      el.style.height = `${Math.min(el.scrollHeight, line * maxRows + 16)}px`;
    };
    el.addEventListener("input", fit);
    requestAnimationFrame(fit);
  }
  controlClasses(el, n);
  return el;
}

/**
 * @param {Select} n
 * @param {RenderOptions} opts
 */
function select(n, opts) {
  const el = /** @type {HTMLSelectElement} */ (h("select", "ck-select"));
  el.name = n.name;
  el.dataset.ckField = n.name;
  const ph = /** @type {HTMLOptionElement} */ (h("option"));
  ph.value = "";
  ph.textContent = n.placeholder ?? "Select…";
  // The empty choice stays pickable only when the select is clearable.
  const clearable = /** @type {{clearable?: boolean}} */ (n).clearable === true;
  ph.disabled = !clearable;
  el.appendChild(ph);
  for (const o of Array.isArray(n.options) ? n.options : []) {
    if (!o || typeof o !== "object") continue;
    const opt = /** @type {HTMLOptionElement} */ (h("option"));
    opt.value = String(o.value);
    opt.textContent = String(o.label ?? o.value);
    const extra = /** @type {{ disabled?: boolean, description?: string }} */ (o);
    if (extra.disabled) opt.disabled = true;
    if (extra.description) opt.title = extra.description;
    el.appendChild(opt);
  }
  el.value = n.defaultValue !== undefined ? String(n.defaultValue) : "";
  if (el.selectedIndex < 0) el.value = "";
  if (n.disabled) el.disabled = true;
  controlClasses(el, n);
  onChange(el, n.name, n.onChangeAction, opts);
  return el;
}

/**
 * DatePicker as a native date input; ISO datetimes are cut to their date.
 * @param {DatePicker} n
 * @param {RenderOptions} opts
 */
function datePicker(n, opts) {
  const el = /** @type {HTMLInputElement} */ (h("input", "ck-datepicker"));
  el.type = "date";
  el.name = n.name;
  el.dataset.ckField = n.name;
  const day = (/** @type {unknown} */ v) => (typeof v === "string" ? v.slice(0, 10) : "");
  if (n.defaultValue) el.value = day(n.defaultValue);
  if (n.min) el.min = day(n.min);
  if (n.max) el.max = day(n.max);
  if (n.placeholder) el.placeholder = n.placeholder;
  if (n.disabled) el.disabled = true;
  controlClasses(el, n);
  onChange(el, n.name, n.onChangeAction, opts);
  return el;
}

/**
 * @param {Checkbox} n
 * @param {RenderOptions} opts
 */
function checkbox(n, opts) {
  const el = /** @type {HTMLLabelElement} */ (h("label", "ck-checkbox"));
  const box = /** @type {HTMLInputElement} */ (h("input"));
  box.type = "checkbox";
  box.name = n.name;
  box.dataset.ckField = n.name;
  box.checked = n.defaultChecked === true;
  if (n.disabled) box.disabled = true;
  if (n.required) box.required = true;
  el.appendChild(box);
  if (n.label) {
    const t = h("span");
    t.textContent = n.label;
    el.appendChild(t);
  }
  onChange(box, n.name, n.onChangeAction, opts);
  return el;
}

/**
 * Radio inputs get a unique group name (several widgets may use the same
 * field name); the field name is on the group's `data-ck-field`.
 * @param {RadioGroup} n
 * @param {RenderOptions} opts
 */
function radioGroup(n, opts) {
  const el = h("div", "ck-radiogroup ck-flex");
  el.setAttribute("role", "radiogroup");
  el.dataset.ckField = n.name;
  el.classList.add(n.direction === "row" ? "ck-dir-row" : "ck-dir-col");
  if (n.ariaLabel) el.setAttribute("aria-label", n.ariaLabel);
  const group = `${n.name}__ck${++uid}`;
  for (const o of Array.isArray(n.options) ? n.options : []) {
    if (!o || typeof o !== "object") continue;
    const lab = h("label", "ck-radio");
    const r = /** @type {HTMLInputElement} */ (h("input"));
    r.type = "radio";
    r.name = group;
    r.value = String(o.value);
    r.checked = n.defaultValue === o.value;
    if (n.disabled || o.disabled) r.disabled = true;
    if (n.required) r.required = true;
    const t = h("span");
    t.textContent = String(o.label ?? o.value);
    lab.append(r, t);
    el.appendChild(lab);
  }
  onChange(el, n.name, n.onChangeAction, opts);
  return el;
}

// ------------------------------------------------------------------ tables

/**
 * @param {Table} n
 * @param {RenderOptions} opts
 */
function table(n, opts) {
  const wrap = h("div", "ck-table-wrap");
  const el = h("table", "ck-table");
  const body = h("tbody");
  for (const r of Array.isArray(n.children) ? n.children : []) {
    if (r && typeof r === "object" && r.type === "Table.Row") {
      const row = tableRow(r, opts, true);
      row.dataset.ck = "Table.Row";
      if (typeof r.id === "string") row.dataset.ckId = r.id;
      body.appendChild(row);
    } else {
      const tr = h("tr");
      const td = /** @type {HTMLTableCellElement} */ (h("td"));
      td.appendChild(renderNode(r, opts));
      tr.appendChild(td);
      body.appendChild(tr);
    }
  }
  el.appendChild(body);
  wrap.appendChild(el);
  return wrap;
}

/**
 * @param {TableRow} n
 * @param {RenderOptions} opts
 * @param {boolean} inTable
 */
function tableRow(n, opts, inTable) {
  const el = h("tr", "ck-table-row");
  if (n.header) el.classList.add("ck-header");
  for (const c of Array.isArray(n.children) ? n.children : []) {
    if (c && typeof c === "object" && c.type === "Table.Cell") {
      const cell = tableCell(c, opts, n.header === true);
      cell.dataset.ck = "Table.Cell";
      if (typeof c.id === "string") cell.dataset.ckId = c.id;
      el.appendChild(cell);
    } else {
      const td = h("td");
      td.appendChild(renderNode(c, opts));
      el.appendChild(td);
    }
  }
  // A row outside a table still needs a table around it to lay out.
  if (inTable) return el;
  const t = h("table", "ck-table");
  const tb = h("tbody");
  tb.appendChild(el);
  t.appendChild(tb);
  el.dataset.ck = "Table.Row";
  return t;
}

/**
 * @param {TableCell} n
 * @param {RenderOptions} opts
 * @param {boolean} header
 */
function tableCell(n, opts, header) {
  const el = /** @type {HTMLTableCellElement} */ (h(header ? "th" : "td", "ck-table-cell"));
  if (typeof n.colSpan === "number") el.colSpan = n.colSpan;
  if (typeof n.rowSpan === "number") el.rowSpan = n.rowSpan;
  if (typeof n.align === "string") el.style.textAlign = n.align;
  if (typeof n.vAlign === "string") el.style.verticalAlign = { start: "top", center: "middle", end: "bottom" }[n.vAlign] ?? "";
  style(el, "width", cssLength(n.width));
  applySpacing(el, "padding", n.padding);
  classes(el, { colSize: n.colSize });
  appendChildren(el, n.children, opts);
  return el;
}

// ------------------------------------------------------------------ updates

/**
 * Calls `fn` on every component of a widget tree (children lists and the
 * single child of Transition).
 * @param {unknown} node
 * @param {(n: Record<string, any>, parent: Record<string, any> | null, index: number | null) => boolean | void} fn return true to stop
 * @param {Record<string, any> | null} [parent]
 * @param {number | null} [index]
 * @returns {boolean} whether `fn` stopped the walk
 */
export function walk(node, fn, parent = null, index = null) {
  if (!node || typeof node !== "object") return false;
  const n = /** @type {Record<string, any>} */ (node);
  if (fn(n, parent, index)) return true;
  const kids = n.children;
  if (Array.isArray(kids)) {
    for (let i = 0; i < kids.length; i++) if (walk(kids[i], fn, n, i)) return true;
  } else if (kids && typeof kids === "object") {
    return walk(kids, fn, n, null);
  }
  return false;
}

/**
 * Applies a widget update of a `thread.item.updated` to a widget root (in
 * place) and returns what the DOM must do about it.
 * @param {Record<string, any>} item the widget item (its `widget` may be replaced)
 * @param {{ type: string, component_id?: string, delta?: string, component?: unknown, widget?: unknown }} update
 * @returns {{ kind: "text", id: string, node: Record<string, any> } | { kind: "component", id: string, node: unknown } | { kind: "root" } | null}
 */
export function applyWidgetUpdate(item, update) {
  if (update.type === "widget.root.updated") {
    item.widget = update.widget;
    return { kind: "root" };
  }
  const id = update.component_id;
  if (typeof id !== "string") return null;
  if (update.type === "widget.streaming_text.value_delta") {
    /** @type {Record<string, any> | null} */
    let found = null;
    walk(item.widget, (n) => {
      if (n.id === id) found = n;
      return found !== null;
    });
    if (!found) return null;
    const target = /** @type {Record<string, any>} */ (found);
    target.value = String(target.value ?? "") + String(update.delta ?? "");
    return { kind: "text", id, node: target };
  }
  if (update.type === "widget.component.updated") {
    let replaced = false;
    walk(item.widget, (n, parent, index) => {
      if (n.id !== id || !parent) return false;
      if (index === null) parent.children = update.component;
      else parent.children[index] = update.component;
      replaced = true;
      return true;
    });
    if (!replaced && item.widget && item.widget.id === id) item.widget = update.component;
    return { kind: "component", id, node: update.component };
  }
  return null;
}

/**
 * Updates the rendered text of a streaming Text/Markdown in place, so other
 * controls of the widget keep their state.
 * @param {HTMLElement} container
 * @param {string} id
 * @param {Record<string, any>} node
 * @returns {boolean} false when the element was not found (re-render instead)
 */
export function patchText(container, id, node) {
  const el = /** @type {HTMLElement | null} */ (container.querySelector(`[data-ck-id="${CSS.escape(id)}"]`));
  if (!el) return false;
  if (el.dataset.ck === "Markdown") el.replaceChildren(renderMarkdown(String(node.value ?? "")));
  else if (el instanceof HTMLInputElement) el.value = String(node.value ?? "");
  else el.textContent = String(node.value ?? "");
  return true;
}

/**
 * Replaces the rendered component with this id.
 * @param {HTMLElement} container
 * @param {string} id
 * @param {unknown} node
 * @param {RenderOptions} opts
 * @returns {boolean} false when the element was not found (re-render instead)
 */
export function patchComponent(container, id, node, opts) {
  const el = container.querySelector(`[data-ck-id="${CSS.escape(id)}"]`);
  if (!el) return false;
  const old = el.parentElement?.classList.contains("ck-unknown-wrap") ? el.parentElement : el;
  const fresh = renderWidget(node, opts);
  old.replaceWith(fresh);
  return true;
}
