// @ts-check
// A small, safe Markdown renderer. It builds DOM nodes directly (never
// innerHTML), so any HTML in the source shows up as text. Supported:
// paragraphs (single newlines are line breaks, as in chat UIs), ATX
// headings, fenced and indented code blocks, block quotes, bullet and
// numbered lists (one level of nesting by indentation), horizontal rules,
// pipe tables, and inline code, bold, italic, strikethrough, links and bare
// URLs. Links are limited to http(s), mailto and relative URLs.
//
// Citation markers: callers may insert `\uE000<n>\uE001` into the text (at
// an annotation's character index); they render as a superscript `[n]`.

const MARK_OPEN = "\uE000";
const MARK_CLOSE = "\uE001";

/**
 * Builds the citation marker the inline renderer turns into a superscript.
 * @param {number} n
 */
export function citationMarker(n) {
  return `${MARK_OPEN}${n}${MARK_CLOSE}`;
}

/**
 * Whether a URL is safe to link to.
 * @param {string} url
 */
export function safeUrl(url) {
  const u = url.trim();
  if (/^(https?:|mailto:)/i.test(u)) return true;
  // Relative URLs have no scheme at all (a colon before any / ? #).
  return !/^[^/?#]*:/.test(u);
}

/**
 * Renders Markdown into a fragment.
 * @param {string} source
 * @returns {DocumentFragment}
 */
export function renderMarkdown(source) {
  const frag = document.createDocumentFragment();
  const lines = String(source ?? "").replace(/\r\n?/g, "\n").split("\n");
  renderBlocks(lines, frag);
  return frag;
}

/**
 * @param {string} tag
 * @param {string} [cls]
 */
function el(tag, cls) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  return e;
}

const LIST_RE = /^(\s*)([-*+]|\d{1,9}[.)])\s+(.*)$/;
const FENCE_RE = /^\s{0,3}(```+|~~~+)\s*([\w+-]*)\s*$/;

/**
 * @param {string[]} lines
 * @param {Node} out
 */
function renderBlocks(lines, out) {
  let i = 0;
  /** @type {string[]} */
  let para = [];
  const flush = () => {
    if (para.length) {
      const p = el("p");
      para.forEach((l, k) => {
        if (k) p.appendChild(document.createElement("br"));
        renderInline(l, p);
      });
      out.appendChild(p);
      para = [];
    }
  };
  while (i < lines.length) {
    const line = lines[i];
    let m;
    if (!line.trim()) {
      flush();
      i++;
    } else if ((m = FENCE_RE.exec(line))) {
      flush();
      const fence = m[1];
      const lang = m[2];
      const body = [];
      i++;
      while (i < lines.length && !lines[i].trim().startsWith(fence)) body.push(lines[i++]);
      i++; // closing fence (or end of input while streaming)
      const pre = el("pre", "ck-md-pre");
      const code = el("code");
      if (lang) code.dataset.lang = lang;
      code.textContent = body.join("\n");
      pre.appendChild(code);
      out.appendChild(pre);
    } else if ((m = /^\s{0,3}(#{1,6})\s+(.*?)\s*#*\s*$/.exec(line))) {
      flush();
      const h = el(`h${m[1].length}`);
      renderInline(m[2], h);
      out.appendChild(h);
      i++;
    } else if (/^\s{0,3}([-*_])(\s*\1){2,}\s*$/.test(line)) {
      flush();
      out.appendChild(el("hr"));
      i++;
    } else if (/^\s{0,3}>/.test(line)) {
      flush();
      const quoted = [];
      while (i < lines.length && /^\s{0,3}>/.test(lines[i])) quoted.push(lines[i++].replace(/^\s{0,3}>\s?/, ""));
      const bq = el("blockquote");
      renderBlocks(quoted, bq);
      out.appendChild(bq);
    } else if (LIST_RE.test(line) && (para.length === 0 || !/^\s/.test(line))) {
      flush();
      i = renderList(lines, i, out);
    } else if (/^ {4,}\S/.test(line) && para.length === 0) {
      const body = [];
      while (i < lines.length && (/^ {4}/.test(lines[i]) || !lines[i].trim())) body.push(lines[i++].slice(4));
      while (body.length && !body[body.length - 1].trim()) body.pop();
      const pre = el("pre", "ck-md-pre");
      const code = el("code");
      code.textContent = body.join("\n");
      pre.appendChild(code);
      out.appendChild(pre);
    } else if (line.includes("|") && i + 1 < lines.length && /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/.test(lines[i + 1])) {
      flush();
      i = renderTable(lines, i, out);
    } else {
      para.push(line.trim());
      i++;
    }
  }
  flush();
}

/**
 * @param {string[]} lines
 * @param {number} start
 * @param {Node} out
 * @returns {number} index of the first line after the list
 */
function renderList(lines, start, out) {
  const first = /** @type {RegExpExecArray} */ (LIST_RE.exec(lines[start]));
  const indent = first[1].length;
  const ordered = /\d/.test(first[2]);
  const list = el(ordered ? "ol" : "ul");
  if (ordered) {
    const n = parseInt(first[2], 10);
    if (n !== 1) list.setAttribute("start", String(n));
  }
  let i = start;
  /** @type {HTMLElement | null} */
  let li = null;
  /** @type {string[]} */
  let nested = [];
  const flushNested = () => {
    if (li && nested.length) renderBlocks(nested, li);
    nested = [];
  };
  while (i < lines.length) {
    const line = lines[i];
    const m = LIST_RE.exec(line);
    if (m && m[1].length <= indent + 1 && /\d/.test(m[2]) === ordered) {
      flushNested();
      li = el("li");
      renderInline(m[3], li);
      list.appendChild(li);
      i++;
    } else if (line.trim() && (/^\s/.test(line) || (m && m[1].length > indent))) {
      nested.push(line.replace(/^\s{1,4}/, ""));
      i++;
    } else if (!line.trim() && i + 1 < lines.length && LIST_RE.test(lines[i + 1])) {
      i++;
    } else {
      break;
    }
  }
  flushNested();
  out.appendChild(list);
  return i;
}

/**
 * @param {string} line
 * @returns {string[]}
 */
function tableCells(line) {
  return line.trim().replace(/^\|/, "").replace(/\|$/, "").split("|").map((c) => c.trim());
}

/**
 * @param {string[]} lines
 * @param {number} start
 * @param {Node} out
 */
function renderTable(lines, start, out) {
  const table = el("table", "ck-md-table");
  const head = el("thead");
  const tr = el("tr");
  for (const c of tableCells(lines[start])) {
    const th = el("th");
    renderInline(c, th);
    tr.appendChild(th);
  }
  head.appendChild(tr);
  table.appendChild(head);
  const body = el("tbody");
  let i = start + 2;
  while (i < lines.length && lines[i].includes("|") && lines[i].trim()) {
    const row = el("tr");
    for (const c of tableCells(lines[i])) {
      const td = el("td");
      renderInline(c, td);
      row.appendChild(td);
    }
    body.appendChild(row);
    i++;
  }
  table.appendChild(body);
  const wrap = el("div", "ck-md-table-wrap");
  wrap.appendChild(table);
  out.appendChild(wrap);
  return i;
}

// Inline rules, tried at each position in this order. Each match builds a
// node; text between matches is plain text.
/** @type {Array<{ re: RegExp, build: (m: RegExpExecArray) => Node }>} */
const INLINE = [
  {
    re: /`([^`]+)`/y,
    build: (m) => {
      const c = el("code");
      c.textContent = m[1];
      return c;
    },
  },
  {
    re: new RegExp(`${MARK_OPEN}(\\d+)${MARK_CLOSE}`, "y"),
    build: (m) => {
      const s = el("sup", "ck-cite-ref");
      s.dataset.cite = m[1];
      s.textContent = `[${m[1]}]`;
      return s;
    },
  },
  {
    re: /\\([\\`*_{}[\]()#+\-.!~|>])/y,
    build: (m) => document.createTextNode(m[1]),
  },
  {
    re: /\[([^\]]+)\]\(\s*([^)\s]+)(?:\s+"[^"]*")?\s*\)/y,
    build: (m) => link(m[2], m[1]),
  },
  {
    re: /<((?:https?:|mailto:)[^>\s]+)>/y,
    build: (m) => link(m[1], m[1], true),
  },
  {
    re: /https?:\/\/[^\s<>()]*[^\s<>().,;:!?'"\]]/y,
    build: (m) => link(m[0], m[0], true),
  },
  { re: /(\*\*|__)(?=\S)([\s\S]*?\S)\1/y, build: (m) => wrap("strong", m[2]) },
  { re: /~~(?=\S)([\s\S]*?\S)~~/y, build: (m) => wrap("del", m[1]) },
  { re: /\*(?=[^\s*])([\s\S]*?[^\s*])\*/y, build: (m) => wrap("em", m[1]) },
  { re: /\b_(?=\S)([\s\S]*?\S)_\b/y, build: (m) => wrap("em", m[1]) },
];

/**
 * @param {string} tag
 * @param {string} text
 */
function wrap(tag, text) {
  const e = el(tag);
  renderInline(text, e);
  return e;
}

/**
 * @param {string} href
 * @param {string} text
 * @param {boolean} [plain] the text is literal (not Markdown)
 */
function link(href, text, plain = false) {
  if (!safeUrl(href)) return document.createTextNode(text);
  const a = /** @type {HTMLAnchorElement} */ (el("a"));
  a.href = href;
  a.target = "_blank";
  a.rel = "noopener noreferrer";
  if (plain) a.textContent = text;
  else renderInline(text, a);
  return a;
}

// Characters where an inline rule may start; used to skip plain text fast.
const SPECIAL = /[`\\[<h*_~\uE000]/g;

/**
 * @param {string} text
 * @param {Node} out
 */
function renderInline(text, out) {
  let plainStart = 0;
  let pos = 0;
  while (pos < text.length) {
    SPECIAL.lastIndex = pos;
    const hit = SPECIAL.exec(text);
    if (!hit) break;
    pos = hit.index;
    let matched = false;
    for (const rule of INLINE) {
      rule.re.lastIndex = pos;
      const m = rule.re.exec(text);
      if (m) {
        if (pos > plainStart) out.appendChild(document.createTextNode(text.slice(plainStart, pos)));
        out.appendChild(rule.build(m));
        pos += m[0].length;
        plainStart = pos;
        matched = true;
        break;
      }
    }
    if (!matched) pos++;
  }
  if (plainStart < text.length) out.appendChild(document.createTextNode(text.slice(plainStart)));
}
