// @ts-check
// The Chart widget as inline SVG: bar (grouped and stacked), line and area
// series over a categorical x axis, an optional y axis, a legend and native
// tooltips (<title>). Curves are drawn straight, or as steps for the step
// curve types.
//
// `Chart` exists in the Python SDK and in our catalogue but not in the
// @openai/chatkit 1.9.0 types, so its type is declared here after the
// catalogue (chatkit-macros/src/catalog/components.rs).

import { cssColor, CHART_COLORS } from "./tokens.js";

/** @typedef {import("./tokens.js").ThemeColor} ThemeColor */
/**
 * @typedef {{ type: "bar", label?: string | null, dataKey: string, stack?: string | null, color?: string | ThemeColor | null }} BarSeries
 * @typedef {{ type: "area", label?: string | null, dataKey: string, stack?: string | null, color?: string | ThemeColor | null, curveType?: string | null }} AreaSeries
 * @typedef {{ type: "line", label?: string | null, dataKey: string, color?: string | ThemeColor | null, curveType?: string | null }} LineSeries
 * @typedef {BarSeries | AreaSeries | LineSeries} Series
 * @typedef {{ dataKey: string, hide?: boolean, labels?: Record<string, string> }} XAxisConfig
 * @typedef {{
 *   type: "Chart", key?: string, id?: string,
 *   data: Array<Record<string, string | number>>, series: Series[], xAxis: string | XAxisConfig,
 *   showYAxis?: boolean, showLegend?: boolean, showTooltip?: boolean, barGap?: number, barCategoryGap?: number,
 *   flex?: number | string, height?: number | string, width?: number | string, size?: number | string,
 *   minHeight?: number | string, minWidth?: number | string, minSize?: number | string,
 *   maxHeight?: number | string, maxWidth?: number | string, maxSize?: number | string, aspectRatio?: number | string
 * }} Chart
 */

const SVG_NS = "http://www.w3.org/2000/svg";
const W = 600;

/**
 * @param {string} tag
 * @param {Record<string, string | number>} attrs
 * @param {Element} [parent]
 */
function svg(tag, attrs, parent) {
  const e = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, String(v));
  if (parent) parent.appendChild(e);
  return e;
}

/**
 * A "nice" upper bound for an axis (1, 2, 2.5 or 5 times a power of ten).
 * @param {number} v
 */
function niceCeil(v) {
  if (v <= 0) return 0;
  const p = Math.pow(10, Math.floor(Math.log10(v)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

/** @param {number} v */
function fmt(v) {
  if (Math.abs(v) >= 1e6) return `${+(v / 1e6).toFixed(1)}M`;
  if (Math.abs(v) >= 1e4) return `${+(v / 1e3).toFixed(1)}k`;
  return String(+v.toFixed(2));
}

/**
 * @param {Chart} chart
 * @returns {HTMLElement}
 */
export function renderChart(chart) {
  const root = document.createElement("div");
  root.className = "ck-chart";
  const data = Array.isArray(chart.data) ? chart.data.filter((r) => r && typeof r === "object") : [];
  const series = Array.isArray(chart.series)
    ? chart.series.filter((s) => s && typeof s === "object" && typeof s.dataKey === "string")
    : [];
  const axis = typeof chart.xAxis === "string" ? { dataKey: chart.xAxis } : chart.xAxis && typeof chart.xAxis === "object" ? chart.xAxis : { dataKey: "" };
  const labels = /** @type {Record<string, string>} */ (/** @type {XAxisConfig} */ (axis).labels ?? {});
  const hideX = /** @type {XAxisConfig} */ (axis).hide === true;
  const showY = chart.showYAxis === true;
  const tooltips = chart.showTooltip !== false;
  const H = typeof chart.height === "number" ? Math.max(80, chart.height) : 220;

  const colorOf = (/** @type {Series} */ s, /** @type {number} */ i) =>
    cssColor(s.color ?? CHART_COLORS[i % CHART_COLORS.length], "border") ?? "currentColor";
  /** @param {Record<string, string | number>} row @param {string} key */
  const num = (row, key) => {
    const v = Number(row[key]);
    return Number.isFinite(v) ? v : 0;
  };

  // Stacked totals decide the y range: bars/areas with the same `stack`
  // pile up, everything else stands alone.
  let max = 0;
  let min = 0;
  data.forEach((row) => {
    /** @type {Map<string, [number, number]>} */
    const stacks = new Map();
    series.forEach((s, i) => {
      const v = num(row, s.dataKey);
      const key = s.type !== "line" && s.stack ? `${s.type}:${s.stack}` : `solo:${i}`;
      const [pos, neg] = stacks.get(key) ?? [0, 0];
      stacks.set(key, v >= 0 ? [pos + v, neg] : [pos, neg + v]);
    });
    for (const [pos, neg] of stacks.values()) {
      max = Math.max(max, pos);
      min = Math.min(min, neg);
    }
  });
  max = niceCeil(max) || 1;
  min = min < 0 ? -niceCeil(-min) : 0;

  const left = showY ? 44 : 8;
  const right = 8;
  const top = 10;
  const bottom = hideX ? 8 : 26;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const n = Math.max(1, data.length);
  const band = plotW / n;
  const y = (/** @type {number} */ v) => top + plotH - ((v - min) / (max - min)) * plotH;
  const cx = (/** @type {number} */ i) => left + band * (i + 0.5);

  const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img", class: "ck-chart-svg" });
  s.setAttribute("aria-label", series.map((x) => x.label ?? x.dataKey).join(", ") || "chart");
  root.appendChild(s);

  // Grid and y axis.
  const ticks = 4;
  for (let t = 0; t <= ticks; t++) {
    const v = min + ((max - min) * t) / ticks;
    const yy = y(v);
    svg("line", { x1: left, x2: W - right, y1: yy, y2: yy, class: t === 0 || v === 0 ? "ck-chart-axis" : "ck-chart-grid" }, s);
    if (showY) {
      const label = svg("text", { x: left - 6, y: yy + 4, "text-anchor": "end", class: "ck-chart-label" }, s);
      label.textContent = fmt(v);
    }
  }

  // Bars: one slot per stack group within each category.
  const bars = series.map((x, i) => ({ s: /** @type {BarSeries} */ (x), i })).filter(({ s: x }) => x.type === "bar");
  /** @type {string[]} */
  const groups = [];
  bars.forEach(({ s: x, i }) => {
    const g = x.stack ? `stack:${x.stack}` : `solo:${i}`;
    if (!groups.includes(g)) groups.push(g);
  });
  const catGap = typeof chart.barCategoryGap === "number" ? chart.barCategoryGap : band * 0.2;
  const barGap = typeof chart.barGap === "number" ? chart.barGap : 4;
  const slotW = Math.max(1, (band - catGap - barGap * Math.max(0, groups.length - 1)) / Math.max(1, groups.length));
  data.forEach((row, ri) => {
    /** @type {Map<string, [number, number]>} */
    const base = new Map();
    bars.forEach(({ s: x, i }) => {
      const g = x.stack ? `stack:${x.stack}` : `solo:${i}`;
      const gi = groups.indexOf(g);
      const v = num(row, x.dataKey);
      const [pos, neg] = base.get(g) ?? [0, 0];
      const from = v >= 0 ? pos : neg;
      const to = from + v;
      base.set(g, v >= 0 ? [to, neg] : [pos, to]);
      const x0 = left + band * ri + catGap / 2 + gi * (slotW + barGap);
      const rect = svg("rect", {
        x: x0, y: Math.min(y(from), y(to)), width: slotW, height: Math.abs(y(from) - y(to)),
        rx: Math.min(4, slotW / 4), fill: colorOf(x, i), class: "ck-chart-bar",
      }, s);
      rect.setAttribute("data-series", x.dataKey);
      if (tooltips) svg("title", {}, rect).textContent = `${xLabel(row, ri)} · ${x.label ?? x.dataKey}: ${fmt(v)}`;
    });
  });

  /** @param {Record<string, string | number>} row @param {number} ri */
  function xLabel(row, ri) {
    const raw = row[/** @type {XAxisConfig} */ (axis).dataKey];
    const key = raw === undefined ? String(ri + 1) : String(raw);
    return labels[key] ?? key;
  }

  // Areas (stacked by `stack`) then lines on top.
  /** @type {Map<string, number[]>} */
  const areaBase = new Map();
  series.forEach((x, i) => {
    if (x.type !== "area" && x.type !== "line") return;
    const key = x.type === "area" && x.stack ? x.stack : `solo:${i}`;
    const lower = x.type === "area" ? areaBase.get(key) ?? data.map(() => 0) : data.map(() => 0);
    const upper = data.map((row, ri) => lower[ri] + num(row, x.dataKey));
    if (x.type === "area") areaBase.set(key, upper);
    const step = typeof x.curveType === "string" && x.curveType.startsWith("step");
    const pts = upper.map((v, ri) => [cx(ri), y(v)]);
    const line = pathThrough(pts, step);
    const color = colorOf(x, i);
    if (x.type === "area" && pts.length) {
      const back = lower.map((v, ri) => [cx(ri), y(v)]).reverse();
      const area = `${line} L ${back.map(([a, b]) => `${a} ${b}`).join(" L ")} Z`;
      svg("path", { d: area, fill: color, "fill-opacity": 0.22, stroke: "none", class: "ck-chart-area" }, s).setAttribute("data-series", x.dataKey);
    }
    svg("path", { d: line, fill: "none", stroke: color, "stroke-width": 2.2, "stroke-linejoin": "round", class: `ck-chart-${x.type}` }, s).setAttribute("data-series", x.dataKey);
    pts.forEach(([a, b], ri) => {
      const dot = svg("circle", { cx: a, cy: b, r: 3, fill: color, class: "ck-chart-dot" }, s);
      if (tooltips) svg("title", {}, dot).textContent = `${xLabel(data[ri], ri)} · ${x.label ?? x.dataKey}: ${fmt(num(data[ri], x.dataKey))}`;
    });
  });

  // X axis labels, thinned out when they would collide.
  if (!hideX) {
    const every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(plotW / 56))));
    data.forEach((row, ri) => {
      if (ri % every) return;
      const t = svg("text", { x: cx(ri), y: H - 8, "text-anchor": "middle", class: "ck-chart-label" }, s);
      t.textContent = xLabel(row, ri);
    });
  }

  if (chart.showLegend !== false && series.length) {
    const legend = document.createElement("div");
    legend.className = "ck-chart-legend";
    series.forEach((x, i) => {
      const item = document.createElement("span");
      item.className = "ck-chart-legend-item";
      item.dataset.series = x.dataKey;
      const sw = document.createElement("span");
      sw.className = "ck-chart-swatch";
      sw.style.background = colorOf(x, i);
      item.append(sw, document.createTextNode(x.label ?? x.dataKey));
      legend.appendChild(item);
    });
    root.appendChild(legend);
  }
  if (!data.length) {
    const empty = document.createElement("div");
    empty.className = "ck-chart-empty";
    empty.textContent = "No data";
    root.appendChild(empty);
  }
  return root;
}

/**
 * @param {number[][]} pts
 * @param {boolean} step
 */
function pathThrough(pts, step) {
  if (!pts.length) return "";
  let d = `M ${pts[0][0]} ${pts[0][1]}`;
  for (let k = 1; k < pts.length; k++) {
    d += step ? ` H ${pts[k][0]} V ${pts[k][1]}` : ` L ${pts[k][0]} ${pts[k][1]}`;
  }
  return d;
}
