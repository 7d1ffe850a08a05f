// @ts-check
// Design tokens of the widget props: colors (names, palette shades, alpha
// tints, `{light, dark}` pairs), spacing units, lengths, radii and borders,
// each turned into a CSS value.
//
// Light/dark pairs use CSS `light-dark()`, which follows the `color-scheme`
// of the element, so a root widget's `theme` prop (which sets
// `data-theme` and with it `color-scheme` on the root) flips them locally.

/** @typedef {import("@openai/chatkit").Widgets.WidgetComponent} WidgetComponent */
/** @typedef {{ light: string, dark: string }} ThemeColor */
/** @typedef {{ top?: number | string, right?: number | string, bottom?: number | string, left?: number | string, x?: number | string, y?: number | string }} Spacing */
/** @typedef {{ size: number, color?: string | ThemeColor, style?: string }} Border */
/** @typedef {{ top?: number | Border, right?: number | Border, bottom?: number | Border, left?: number | Border, x?: number | Border, y?: number | Border }} Borders */

/** One spacing unit (gap, padding, margin numbers), as in ChatKit. */
export const SPACING_UNIT_PX = 4;

// Semantic color names: text colors first, then surfaces. Each maps to a
// CSS variable defined (for both themes) in style.css.
const TEXT_TOKENS = new Set(["primary", "secondary", "tertiary", "emphasis", "disabled", "inverse"]);
const STATUS_TOKENS = new Set(["success", "danger", "warning", "caution", "info", "discovery"]);
const SURFACE_TOKENS = new Set([
  "surface",
  "surface-secondary",
  "surface-tertiary",
  "surface-elevated",
  "surface-elevated-secondary",
]);

// Our own palette: a hue and saturation per family; the shade picks the
// lightness. Good enough to tell "blue-500" from "blue-100" at a glance.
/** @type {Record<string, [number, number]>} */
const HUES = {
  red: [0, 78], orange: [24, 90], amber: [38, 92], yellow: [48, 90], lime: [84, 70],
  green: [142, 60], emerald: [158, 64], teal: [173, 70], cyan: [189, 80], sky: [199, 85],
  blue: [217, 88], indigo: [236, 72], violet: [258, 80], purple: [272, 72], fuchsia: [292, 76],
  pink: [330, 78], rose: [350, 84], gray: [220, 9], slate: [215, 18], zinc: [240, 5],
  neutral: [0, 0], stone: [25, 6],
};
/** @type {Record<string, number>} */
const SHADES = { 25: 98, 50: 97, 75: 95, 100: 93, 150: 90, 200: 86, 250: 82, 300: 77, 350: 72, 400: 65, 450: 60, 500: 54, 550: 50, 600: 45, 650: 41, 700: 37, 750: 33, 800: 29, 850: 25, 900: 22, 950: 14, 1000: 8 };

/**
 * A CSS color for a widget color prop, or null when it is not one.
 * @param {unknown} value a name ("secondary", "blue-500", "alpha-10"), a CSS color, or `{light, dark}`
 * @param {"text" | "bg" | "border"} [role] which variable family a bare status name uses
 * @returns {string | null}
 */
export function cssColor(value, role = "text") {
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const pair = /** @type {Partial<ThemeColor>} */ (value);
    const light = cssColor(pair.light, role);
    const dark = cssColor(pair.dark, role);
    if (light && dark) return `light-dark(${light}, ${dark})`;
    return light || dark;
  }
  if (typeof value !== "string" || !value.trim()) return null;
  const v = value.trim();
  if (TEXT_TOKENS.has(v)) return `var(--ck-text-${v})`;
  if (STATUS_TOKENS.has(v)) return role === "bg" ? `var(--ck-${v}-soft)` : `var(--ck-${v})`;
  if (SURFACE_TOKENS.has(v)) return `var(--ck-${v})`;
  if (v === "border" || v === "border-default") return "var(--ck-border)";
  let m = /^alpha-(\d{1,3})$/.exec(v);
  if (m) {
    const a = Math.min(100, Number(m[1])) / 100;
    return `light-dark(rgba(0, 0, 0, ${a}), rgba(255, 255, 255, ${a}))`;
  }
  m = /^([a-z]+)-(\d{2,4})$/.exec(v);
  if (m && HUES[m[1]] && SHADES[m[2]] !== undefined) {
    const [h, s] = HUES[m[1]];
    return `hsl(${h} ${s}% ${SHADES[m[2]]}%)`;
  }
  if (typeof CSS !== "undefined" && CSS.supports("color", v)) return v;
  return null;
}

/**
 * A length: numbers are pixels, numeric strings too, other strings are CSS.
 * @param {unknown} value
 * @returns {string | null}
 */
export function cssLength(value) {
  if (typeof value === "number" && Number.isFinite(value)) return `${value}px`;
  if (typeof value === "string" && value.trim()) return /^-?\d+(\.\d+)?$/.test(value.trim()) ? `${value.trim()}px` : value.trim();
  return null;
}

/**
 * A spacing amount: numbers count spacing units (4px), strings are CSS.
 * @param {unknown} value
 * @returns {string | null}
 */
export function cssSpace(value) {
  if (typeof value === "number" && Number.isFinite(value)) return `${value * SPACING_UNIT_PX}px`;
  if (typeof value === "string" && value.trim()) return /^-?\d+(\.\d+)?$/.test(value.trim()) ? `${Number(value) * SPACING_UNIT_PX}px` : value.trim();
  return null;
}

/**
 * Per-side spacing from a number, a string or a `Spacing` object.
 * @param {unknown} value
 * @returns {{ top: string | null, right: string | null, bottom: string | null, left: string | null } | null}
 */
export function cssSpacing(value) {
  if (value === undefined || value === null) return null;
  if (typeof value === "object" && !Array.isArray(value)) {
    const s = /** @type {Spacing} */ (value);
    const y = cssSpace(s.y);
    const x = cssSpace(s.x);
    return {
      top: cssSpace(s.top) ?? y,
      bottom: cssSpace(s.bottom) ?? y,
      left: cssSpace(s.left) ?? x,
      right: cssSpace(s.right) ?? x,
    };
  }
  const all = cssSpace(value);
  return all === null ? null : { top: all, right: all, bottom: all, left: all };
}

/**
 * Applies `padding` or `margin` to an element.
 * @param {HTMLElement} el
 * @param {"padding" | "margin"} prop
 * @param {unknown} value
 */
export function applySpacing(el, prop, value) {
  const s = cssSpacing(value);
  if (!s) return;
  if (s.top !== null) el.style.setProperty(`${prop}-top`, s.top);
  if (s.right !== null) el.style.setProperty(`${prop}-right`, s.right);
  if (s.bottom !== null) el.style.setProperty(`${prop}-bottom`, s.bottom);
  if (s.left !== null) el.style.setProperty(`${prop}-left`, s.left);
}

/** @type {Record<string, string>} */
const RADII = {
  "2xs": "2px", xs: "4px", sm: "6px", md: "8px", lg: "12px", xl: "16px", "2xl": "20px",
  "3xl": "24px", "4xl": "32px", full: "9999px", "100%": "100%", none: "0",
};

/**
 * @param {unknown} value a `RadiusValue`
 * @returns {string | null}
 */
export function cssRadius(value) {
  return typeof value === "string" && RADII[value] ? RADII[value] : null;
}

/**
 * A border: a width in pixels, a `Border`, or per-side `Borders`.
 * @param {HTMLElement} el
 * @param {unknown} value
 */
export function applyBorder(el, value) {
  /** @param {unknown} b */
  const one = (b) => {
    if (typeof b === "number") return `${b}px solid var(--ck-border)`;
    if (b && typeof b === "object" && typeof (/** @type {Border} */ (b).size) === "number") {
      const border = /** @type {Border} */ (b);
      const style = typeof border.style === "string" ? border.style : "solid";
      return `${border.size}px ${style} ${cssColor(border.color, "border") ?? "var(--ck-border)"}`;
    }
    return null;
  };
  if (value === undefined || value === null) return;
  const whole = one(value);
  if (whole) {
    el.style.border = whole;
    return;
  }
  if (typeof value !== "object") return;
  const sides = /** @type {Borders} */ (value);
  const pick = (/** @type {unknown} */ side, /** @type {unknown} */ axis) => one(side ?? axis);
  const top = pick(sides.top, sides.y);
  const bottom = pick(sides.bottom, sides.y);
  const left = pick(sides.left, sides.x);
  const right = pick(sides.right, sides.x);
  if (top) el.style.borderTop = top;
  if (bottom) el.style.borderBottom = bottom;
  if (left) el.style.borderLeft = left;
  if (right) el.style.borderRight = right;
}

/** @type {Record<string, string>} */
const ALIGN = { start: "flex-start", center: "center", end: "flex-end", baseline: "baseline", stretch: "stretch" };
/** @type {Record<string, string>} */
const JUSTIFY = {
  start: "flex-start", center: "center", end: "flex-end", between: "space-between",
  around: "space-around", evenly: "space-evenly", stretch: "stretch",
};

/** @param {unknown} v */
export function cssAlign(v) {
  return typeof v === "string" ? ALIGN[v] ?? null : null;
}

/** @param {unknown} v */
export function cssJustify(v) {
  return typeof v === "string" ? JUSTIFY[v] ?? null : null;
}

/** @type {Record<string, string>} */
const WEIGHTS = { normal: "400", medium: "500", semibold: "600", bold: "700" };

/** @param {unknown} v */
export function cssWeight(v) {
  return typeof v === "string" ? WEIGHTS[v] ?? null : null;
}

/** Default series colors for charts (palette names resolved by cssColor). */
export const CHART_COLORS = ["blue-500", "emerald-500", "amber-500", "violet-500", "rose-500", "cyan-500", "orange-500", "slate-500"];
