// @ts-check
// A small inline SVG icon set drawn for the playground (24×24 grid, stroked
// with currentColor). It covers every `WidgetIcon` name of the widget
// catalogue plus the few icons the page chrome needs. These are our own
// simple shapes, not ChatKit's assets.

/** @typedef {import("@openai/chatkit").Widgets.WidgetIcon} WidgetIcon */

const SVG_NS = "http://www.w3.org/2000/svg";

/**
 * Each icon is a list of SVG child elements: `[tag, attributes]`. Paths are
 * stroked unless they carry their own `fill`.
 * @type {Record<string, Array<[string, Record<string, string>]>>}
 */
const ICONS = {
  agent: [["rect", { x: "5", y: "8", width: "14", height: "11", rx: "3" }], ["path", { d: "M12 8V4M9 13h.01M15 13h.01M9 16.5h6" }], ["circle", { cx: "12", cy: "3.5", r: "1" }]],
  analytics: [["path", { d: "M4 20V10M10 20V4M16 20v-7M22 20H2" }]],
  atom: [["circle", { cx: "12", cy: "12", r: "1.5" }], ["ellipse", { cx: "12", cy: "12", rx: "10", ry: "4" }], ["ellipse", { cx: "12", cy: "12", rx: "10", ry: "4", transform: "rotate(60 12 12)" }], ["ellipse", { cx: "12", cy: "12", rx: "10", ry: "4", transform: "rotate(120 12 12)" }]],
  batch: [["rect", { x: "3", y: "3", width: "8", height: "8", rx: "1.5" }], ["rect", { x: "13", y: "3", width: "8", height: "8", rx: "1.5" }], ["rect", { x: "3", y: "13", width: "8", height: "8", rx: "1.5" }], ["rect", { x: "13", y: "13", width: "8", height: "8", rx: "1.5" }]],
  bolt: [["path", { d: "M13 2 4 14h7l-1 8 9-12h-7l1-8z" }]],
  "book-open": [["path", { d: "M2 5h6a4 4 0 0 1 4 4v11a3 3 0 0 0-3-3H2zM22 5h-6a4 4 0 0 0-4 4v11a3 3 0 0 1 3-3h7z" }]],
  "book-closed": [["path", { d: "M5 4a2 2 0 0 1 2-2h12v17H7a2 2 0 0 0-2 2zM5 21a2 2 0 0 0 2 1h12v-3" }]],
  "book-clock": [["path", { d: "M5 4a2 2 0 0 1 2-2h12v9M5 4v16a2 2 0 0 0 2 2h5" }], ["circle", { cx: "17", cy: "17", r: "5" }], ["path", { d: "M17 15v2l1.5 1" }]],
  bug: [["rect", { x: "7", y: "7", width: "10", height: "13", rx: "5" }], ["path", { d: "M9 7a3 3 0 0 1 6 0M3 13h4M17 13h4M4 7l3 3M20 7l-3 3M4 20l3-3M20 20l-3-3M12 11v9" }]],
  calendar: [["rect", { x: "3", y: "5", width: "18", height: "16", rx: "2" }], ["path", { d: "M3 10h18M8 3v4M16 3v4" }]],
  chart: [["path", { d: "M3 3v18h18M7 15l4-4 3 3 5-6" }]],
  check: [["path", { d: "M4 12.5 9.5 18 20 6" }]],
  "check-circle": [["circle", { cx: "12", cy: "12", r: "9" }], ["path", { d: "m8 12.5 3 3 5-6" }]],
  "check-circle-filled": [["circle", { cx: "12", cy: "12", r: "10", fill: "currentColor", stroke: "none" }], ["path", { d: "m7.5 12.5 3 3 6-6.5", stroke: "var(--ck-icon-on-fill, #fff)" }]],
  "chevron-left": [["path", { d: "M15 5l-7 7 7 7" }]],
  "chevron-right": [["path", { d: "M9 5l7 7-7 7" }]],
  "circle-question": [["circle", { cx: "12", cy: "12", r: "9" }], ["path", { d: "M9.5 9.5a2.5 2.5 0 1 1 3.5 2.3c-.7.3-1 .9-1 1.7M12 17h.01" }]],
  clock: [["circle", { cx: "12", cy: "12", r: "9" }], ["path", { d: "M12 7v5l3 2" }]],
  compass: [["circle", { cx: "12", cy: "12", r: "9" }], ["path", { d: "m15.5 8.5-2 5-5 2 2-5z" }]],
  confetti: [["path", { d: "M4 20 8 8l8 8zM13 3v2M19 9h2M17 4l-2 2M20 14l-1.5-.5M10 4.5l.5 1.5" }]],
  cube: [["path", { d: "M12 2 3 7v10l9 5 9-5V7zM3 7l9 5 9-5M12 12v10" }]],
  desktop: [["rect", { x: "2", y: "4", width: "20", height: "13", rx: "2" }], ["path", { d: "M8 21h8M12 17v4" }]],
  document: [["path", { d: "M6 2h8l5 5v15H6zM14 2v5h5M9 13h7M9 17h7" }]],
  dot: [["circle", { cx: "12", cy: "12", r: "3", fill: "currentColor" }]],
  "dots-horizontal": [["circle", { cx: "5", cy: "12", r: "1.5", fill: "currentColor" }], ["circle", { cx: "12", cy: "12", r: "1.5", fill: "currentColor" }], ["circle", { cx: "19", cy: "12", r: "1.5", fill: "currentColor" }]],
  "dots-vertical": [["circle", { cx: "12", cy: "5", r: "1.5", fill: "currentColor" }], ["circle", { cx: "12", cy: "12", r: "1.5", fill: "currentColor" }], ["circle", { cx: "12", cy: "19", r: "1.5", fill: "currentColor" }]],
  "empty-circle": [["circle", { cx: "12", cy: "12", r: "9" }]],
  "external-link": [["path", { d: "M14 4h6v6M20 4l-9 9M18 14v6H4V6h6" }]],
  globe: [["circle", { cx: "12", cy: "12", r: "9" }], ["path", { d: "M3 12h18M12 3c3 3.5 3 14.5 0 18M12 3c-3 3.5-3 14.5 0 18" }]],
  keys: [["circle", { cx: "8", cy: "15", r: "4" }], ["path", { d: "m11 12 9-9M17 6l3 3M15 8l2 2" }]],
  lab: [["path", { d: "M9 3h6M10 3v6l-6 10a2 2 0 0 0 2 3h12a2 2 0 0 0 2-3L14 9V3M7 15h10" }]],
  images: [["rect", { x: "3", y: "5", width: "15", height: "13", rx: "2" }], ["path", { d: "M21 8v12H7M3 15l4-4 4 4 3-3 4 4" }], ["circle", { cx: "13", cy: "9", r: "1.2" }]],
  info: [["circle", { cx: "12", cy: "12", r: "9" }], ["path", { d: "M12 11v6M12 7.5h.01" }]],
  lifesaver: [["circle", { cx: "12", cy: "12", r: "9" }], ["circle", { cx: "12", cy: "12", r: "4" }], ["path", { d: "m5.6 5.6 3.6 3.6M14.8 14.8l3.6 3.6M18.4 5.6l-3.6 3.6M9.2 14.8l-3.6 3.6" }]],
  lightbulb: [["path", { d: "M9 18h6M10 21h4M12 3a6 6 0 0 0-4 10.5c.7.7 1 1.5 1 2.5h6c0-1 .3-1.8 1-2.5A6 6 0 0 0 12 3z" }]],
  mail: [["rect", { x: "3", y: "5", width: "18", height: "14", rx: "2" }], ["path", { d: "m3 7 9 6 9-6" }]],
  "map-pin": [["path", { d: "M12 21s-7-6.2-7-11a7 7 0 0 1 14 0c0 4.8-7 11-7 11z" }], ["circle", { cx: "12", cy: "10", r: "2.5" }]],
  maps: [["path", { d: "M9 4 3 6v14l6-2 6 2 6-2V4l-6 2zM9 4v14M15 6v14" }]],
  mobile: [["rect", { x: "6", y: "2", width: "12", height: "20", rx: "2.5" }], ["path", { d: "M11 18h2" }]],
  name: [["rect", { x: "3", y: "5", width: "18", height: "14", rx: "2" }], ["circle", { cx: "9", cy: "11", r: "2" }], ["path", { d: "M6 16c.5-1.5 1.6-2 3-2s2.5.5 3 2M14 10h4M14 14h3" }]],
  notebook: [["rect", { x: "5", y: "3", width: "14", height: "18", rx: "2" }], ["path", { d: "M9 3v18M3 7h4M3 12h4M3 17h4" }]],
  "notebook-pencil": [["path", { d: "M15 3H7a2 2 0 0 0-2 2v14a2 2 0 0 0 2 2h10a2 2 0 0 0 2-2v-6M9 3v18M20 4l-6 6-1 3 3-1 6-6z" }]],
  "page-blank": [["path", { d: "M6 2h8l5 5v15H6zM14 2v5h5" }]],
  phone: [["path", { d: "M5 3h4l2 5-2.5 1.5a11 11 0 0 0 6 6L16 13l5 2v4a2 2 0 0 1-2 2A16 16 0 0 1 3 5a2 2 0 0 1 2-2z" }]],
  play: [["path", { d: "M7 4v16l13-8z" }]],
  plus: [["path", { d: "M12 5v14M5 12h14" }]],
  profile: [["circle", { cx: "12", cy: "12", r: "9" }], ["circle", { cx: "12", cy: "10", r: "3" }], ["path", { d: "M6.5 18.5c1.2-2 3-3 5.5-3s4.3 1 5.5 3" }]],
  "profile-card": [["rect", { x: "3", y: "4", width: "18", height: "16", rx: "2" }], ["circle", { cx: "12", cy: "10", r: "2.5" }], ["path", { d: "M7.5 17c1-1.8 2.5-2.5 4.5-2.5s3.5.7 4.5 2.5" }]],
  reload: [["path", { d: "M20 11a8 8 0 1 0-2.3 5.7M20 4v7h-7" }]],
  star: [["path", { d: "m12 3 2.8 5.7 6.2.9-4.5 4.4 1 6.2L12 17.3 6.5 20.2l1-6.2L3 9.6l6.2-.9z" }]],
  "star-filled": [["path", { d: "m12 3 2.8 5.7 6.2.9-4.5 4.4 1 6.2L12 17.3 6.5 20.2l1-6.2L3 9.6l6.2-.9z", fill: "currentColor" }]],
  search: [["circle", { cx: "11", cy: "11", r: "7" }], ["path", { d: "m20 20-4-4" }]],
  sparkle: [["path", { d: "M12 3c.8 4.5 3.5 7.2 8 8-4.5.8-7.2 3.5-8 8-.8-4.5-3.5-7.2-8-8 4.5-.8 7.2-3.5 8-8z" }]],
  "sparkle-double": [["path", { d: "M10 4c.6 3.6 2.6 5.6 6 6-3.4.4-5.4 2.4-6 6-.6-3.6-2.6-5.6-6-6 3.4-.4 5.4-2.4 6-6zM18 14c.3 1.8 1.2 2.7 3 3-1.8.3-2.7 1.2-3 3-.3-1.8-1.2-2.7-3-3 1.8-.3 2.7-1.2 3-3z" }]],
  "square-code": [["rect", { x: "3", y: "3", width: "18", height: "18", rx: "3" }], ["path", { d: "m10 9-3 3 3 3M14 9l3 3-3 3" }]],
  "square-image": [["rect", { x: "3", y: "3", width: "18", height: "18", rx: "3" }], ["circle", { cx: "9", cy: "9", r: "1.5" }], ["path", { d: "m3 16 5-5 5 5 3-3 5 5" }]],
  "square-text": [["rect", { x: "3", y: "3", width: "18", height: "18", rx: "3" }], ["path", { d: "M7 8h10M7 12h10M7 16h6" }]],
  suitcase: [["rect", { x: "3", y: "7", width: "18", height: "13", rx: "2" }], ["path", { d: "M9 7V5a2 2 0 0 1 2-2h2a2 2 0 0 1 2 2v2M3 12h18" }]],
  "settings-slider": [["path", { d: "M4 6h10M18 6h2M4 12h4M12 12h8M4 18h12M20 18h0" }], ["circle", { cx: "16", cy: "6", r: "2" }], ["circle", { cx: "10", cy: "12", r: "2" }], ["circle", { cx: "18", cy: "18", r: "2" }]],
  user: [["circle", { cx: "12", cy: "8", r: "4" }], ["path", { d: "M4 21c1.5-4 4.5-6 8-6s6.5 2 8 6" }]],
  wreath: [["path", { d: "M8 20c-4-2-5.5-7-3.5-12M16 20c4-2 5.5-7 3.5-12M5 12l-2-1M5.5 16l-2 .5M19 12l2-1M18.5 16l2 .5M9 21h6" }]],
  write: [["path", { d: "M4 20h4L19 9l-4-4L4 16zM13.5 6.5l4 4" }]],
  "write-alt": [["path", { d: "M12 20h8M4 20v-4L15 5l4 4L8 20z" }]],
  "write-alt2": [["path", { d: "M11 4H5a2 2 0 0 0-2 2v13a2 2 0 0 0 2 2h13a2 2 0 0 0 2-2v-6M18 3l3 3-9 9H9v-3z" }]],
  // Page chrome.
  send: [["path", { d: "M12 19V5M6 11l6-6 6 6" }]],
  stop: [["rect", { x: "7", y: "7", width: "10", height: "10", rx: "1.5", fill: "currentColor" }]],
  paperclip: [["path", { d: "m20 11-8.5 8.5a5 5 0 0 1-7-7L13 4a3.5 3.5 0 0 1 5 5l-8.5 8.5a2 2 0 0 1-3-3L14 7" }]],
  sun: [["circle", { cx: "12", cy: "12", r: "4" }], ["path", { d: "M12 2v2M12 20v2M4.9 4.9l1.4 1.4M17.7 17.7l1.4 1.4M2 12h2M20 12h2M4.9 19.1l1.4-1.4M17.7 6.3l1.4-1.4" }]],
  moon: [["path", { d: "M20 14.5A8 8 0 0 1 9.5 4a8 8 0 1 0 10.5 10.5z" }]],
  trash: [["path", { d: "M4 7h16M10 11v6M14 11v6M6 7l1 13h10l1-13M9 7V4h6v3" }]],
  pencil: [["path", { d: "M4 20h4L19 9l-4-4L4 16z" }]],
  copy: [["rect", { x: "8", y: "8", width: "12", height: "12", rx: "2" }], ["path", { d: "M16 8V5a1 1 0 0 0-1-1H5a1 1 0 0 0-1 1v10a1 1 0 0 0 1 1h3" }]],
  "thumb-up": [["path", { d: "M7 11v9H4v-9zM7 11l4-8c1.5 0 2.5 1 2.5 2.5V9h5a2 2 0 0 1 2 2.3l-1.2 7A2 2 0 0 1 17.3 20H7" }]],
  "thumb-down": [["path", { d: "M7 13V4H4v9zM7 13l4 8c1.5 0 2.5-1 2.5-2.5V15h5a2 2 0 0 0 2-2.3l-1.2-7A2 2 0 0 0 17.3 4H7" }]],
  "chevron-down": [["path", { d: "m5 9 7 7 7-7" }]],
  x: [["path", { d: "M6 6l12 12M18 6 6 18" }]],
  // A few common `lucide:*` names (drawn here, not Lucide's artwork).
  cloud: [["path", { d: "M7 18a4.5 4.5 0 0 1-.6-9A6 6 0 0 1 18 9.5a4.3 4.3 0 0 1-.5 8.5z" }]],
  "cloud-sun": [["path", { d: "M8 4v1.5M3.5 8H5M4.8 4.8l1 1M12.5 6.5a4 4 0 0 0-7 3" }], ["path", { d: "M9 20a4 4 0 0 1-.4-8A5 5 0 0 1 18 12.5a3.8 3.8 0 0 1-.5 7.5z" }]],
  "cloud-rain": [["path", { d: "M7 15a4.5 4.5 0 0 1-.6-9A6 6 0 0 1 18 6.5a4.3 4.3 0 0 1-.5 8.5zM8 18l-1 3M12 18l-1 3M16 18l-1 3" }]],
  "cloud-lightning": [["path", { d: "M7 15a4.5 4.5 0 0 1-.6-9A6 6 0 0 1 18 6.5a4.3 4.3 0 0 1 0 8.5M13 11l-3 5h4l-2 5" }]],
  snowflake: [["path", { d: "M12 2v20M4 7l16 10M20 7 4 17M9 4l3 2 3-2M9 20l3-2 3 2" }]],
  wind: [["path", { d: "M3 8h11a3 3 0 1 0-3-3M3 12h16a3 3 0 1 1-3 3M3 16h7" }]],
  heart: [["path", { d: "M12 20s-8-4.7-8-10.5A4.5 4.5 0 0 1 12 7a4.5 4.5 0 0 1 8 2.5C20 15.3 12 20 12 20z" }]],
  warning: [["path", { d: "M12 3 2 20h20zM12 10v4M12 17h.01" }]],
  menu: [["path", { d: "M4 6h16M4 12h16M4 18h16" }]],
};

/** Names of the icons the widget catalogue allows (without `vendor:`/`lucide:` prefixes). */
export const WIDGET_ICON_NAMES = Object.keys(ICONS).slice(0, Object.keys(ICONS).indexOf("send"));

/**
 * Whether a name draws a real icon (otherwise `icon()` draws a placeholder).
 * @param {string} name
 */
export function hasIcon(name) {
  return Object.prototype.hasOwnProperty.call(ICONS, resolveName(name));
}

/**
 * `lucide:sun` draws our `sun` when we have one; other prefixes stay as is.
 * @param {string} name
 */
function resolveName(name) {
  return name.startsWith("lucide:") ? name.slice("lucide:".length) : name;
}

/**
 * An inline SVG icon. Unknown names (including `lucide:*`/`vendor:*`, which
 * we cannot draw offline) get a dotted-circle placeholder so layout holds.
 * @param {WidgetIcon | string} name
 * @param {{ size?: string, label?: string }} [opts] size: a CSS length (default 1em)
 * @returns {SVGSVGElement}
 */
export function icon(name, opts = {}) {
  const svg = document.createElementNS(SVG_NS, "svg");
  svg.setAttribute("viewBox", "0 0 24 24");
  svg.setAttribute("fill", "none");
  svg.setAttribute("stroke", "currentColor");
  svg.setAttribute("stroke-width", "1.9");
  svg.setAttribute("stroke-linecap", "round");
  svg.setAttribute("stroke-linejoin", "round");
  svg.setAttribute("class", "ck-svg-icon");
  svg.dataset.icon = String(name);
  const size = opts.size || "1em";
  svg.setAttribute("width", size);
  svg.setAttribute("height", size);
  if (opts.label) {
    svg.setAttribute("role", "img");
    svg.setAttribute("aria-label", opts.label);
  } else {
    svg.setAttribute("aria-hidden", "true");
  }
  /** @type {Array<[string, Record<string, string>]>} */
  const placeholder = [["circle", { cx: "12", cy: "12", r: "8", "stroke-dasharray": "2 3" }]];
  const parts = hasIcon(String(name)) ? ICONS[resolveName(String(name))] : placeholder;
  for (const [tag, attrs] of parts) {
    const el = document.createElementNS(SVG_NS, tag);
    for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
    svg.appendChild(el);
  }
  return svg;
}
