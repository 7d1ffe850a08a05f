// @ts-check
// The message list of the open thread: renders thread items (from history
// or from a stream) and applies stream events to them.
//
// DOM contract: every visible item is `[data-item-id][data-item-type]`
// (plus `data-status` for client tool calls, structured input and
// workflows' tasks, `data-streaming="true"` while an item is in flight).
// Hidden items (`hidden_context_item`, `sdk_hidden_context`, `end_of_turn`)
// get no element. Errors are `[data-ck-error]` (with `[data-action="retry"]`
// when allowed), notices `[data-ck-notice][data-level]`, the progress line
// `#progress`.

import { icon } from "./icons.js";
import { citationMarker, renderMarkdown, safeUrl } from "./markdown.js";
import { applyWidgetUpdate, patchComponent, patchText, renderWidget } from "./widgets.js";

/** @typedef {import("./api.js").StreamEvent} StreamEvent */
/** @typedef {import("./widgets.js").ActionConfig} ActionConfig */
/** A thread item as it comes off the wire. @typedef {{ id: string, type: string, [key: string]: any }} Item */

/**
 * What the view asks of the app.
 * @typedef {object} ThreadHooks
 * @property {(item: Item, action: ActionConfig, source: HTMLElement) => (void | Promise<unknown>)} onWidgetAction
 * @property {(item: Item, kind: "positive" | "negative") => void} onFeedback
 * @property {() => void} onRetry
 * @property {(item: Item, submission: { status: "answered" | "skipped", answers: Record<string, { values: string[], skipped?: boolean }> }) => void} onStructuredInput
 * @property {(url: string) => Promise<string>} [resolveImage] a loadable URL for an attachment
 *   preview (our server wants the credential, which an <img> cannot send)
 */

const HIDDEN_TYPES = new Set(["hidden_context_item", "sdk_hidden_context", "end_of_turn"]);

/**
 * @param {string} tag
 * @param {string} [cls]
 * @param {string} [text]
 */
function h(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** @param {unknown} v */
function isObj(v) {
  return !!v && typeof v === "object" && !Array.isArray(v);
}

export class ThreadView {
  /**
   * @param {HTMLElement} list the message list element
   * @param {ThreadHooks} hooks
   */
  constructor(list, hooks) {
    this.list = list;
    this.hooks = hooks;
    /** @type {Map<string, { item: Item, el: HTMLElement | null, done: boolean }>} */
    this.items = new Map();
    this.progress = /** @type {HTMLElement} */ (document.getElementById("progress"));
  }

  clear() {
    this.items.clear();
    this.list.replaceChildren();
    this.setProgress(null);
  }

  /** Whether nothing is shown (for the empty state). */
  isEmpty() {
    return !this.list.querySelector("[data-item-id], [data-ck-error], [data-ck-notice]");
  }

  /**
   * Shows history items, oldest first.
   * @param {Item[]} items
   * @param {"append" | "prepend"} [where]
   */
  showHistory(items, where = "append") {
    const first = this.list.firstElementChild;
    for (const item of items) {
      if (!isObj(item) || typeof item.id !== "string") continue;
      const el = this.upsert(item, true);
      if (where === "prepend" && el) this.list.insertBefore(el, first);
    }
  }

  /**
   * Adds or replaces an item; returns its element (null for hidden items).
   * @param {Item} item
   * @param {boolean} done
   */
  upsert(item, done) {
    const prev = this.items.get(item.id);
    const el = HIDDEN_TYPES.has(item.type) ? null : this.renderItem(item, done);
    if (prev && prev.el) {
      if (el) prev.el.replaceWith(el);
      else prev.el.remove();
    } else if (el) {
      this.list.appendChild(el);
    }
    this.items.set(item.id, { item, el, done });
    return el;
  }

  /** @param {string} id */
  remove(id) {
    const entry = this.items.get(id);
    if (entry && entry.el) entry.el.remove();
    this.items.delete(id);
  }

  /** The id of the last user message shown, for retries. */
  lastUserMessageId() {
    let last = null;
    for (const [id, { item }] of this.items) if (item.type === "user_message") last = id;
    return last;
  }

  /**
   * Drops everything after an item (a retry regenerates it; the server
   * deletes those items without sending `thread.item.removed`).
   * @param {string} id
   */
  truncateAfter(id) {
    let after = false;
    for (const [key, entry] of [...this.items]) {
      if (after) this.remove(key);
      if (key === id) after = true;
    }
    const anchor = this.items.get(id)?.el;
    if (anchor) while (anchor.nextElementSibling) anchor.nextElementSibling.remove();
  }

  /**
   * Applies one stream event. Returns false for events it does not handle
   * (the app handles the thread-level ones).
   * @param {StreamEvent} ev
   * @returns {boolean}
   */
  apply(ev) {
    switch (ev.type) {
      case "thread.item.added":
      case "thread.item.done":
      case "thread.item.replaced": {
        if (!isObj(ev.item) || typeof ev.item.id !== "string" || typeof ev.item.type !== "string") {
          this.showError({ message: `Malformed ${ev.type} event`, allowRetry: false });
          return true;
        }
        this.setProgress(null);
        this.upsert(ev.item, ev.type !== "thread.item.added");
        // The user's own message always brings the bottom into view.
        this.scroll(ev.item.type === "user_message");
        return true;
      }
      case "thread.item.removed":
        if (typeof ev.item_id === "string") this.remove(ev.item_id);
        return true;
      case "thread.item.updated":
        this.update(String(ev.item_id), isObj(ev.update) ? ev.update : {});
        this.scroll();
        return true;
      case "progress_update":
        this.setProgress({ text: String(ev.text ?? ""), icon: typeof ev.icon === "string" ? ev.icon : null });
        return true;
      case "notice":
        this.showNotice(String(ev.level ?? "info"), typeof ev.title === "string" ? ev.title : null, String(ev.message ?? ""));
        return true;
      case "error":
        this.setProgress(null);
        this.showError({
          message: typeof ev.message === "string" && ev.message ? ev.message : errorText(String(ev.code ?? "")),
          code: String(ev.code ?? "custom"),
          allowRetry: ev.allow_retry === true,
        });
        return true;
      default:
        return false;
    }
  }

  /**
   * @param {string} id
   * @param {Record<string, any>} update
   */
  update(id, update) {
    const entry = this.items.get(id);
    if (!entry) {
      console.warn(`chatkit playground: update for unknown item ${id}`, update);
      return;
    }
    const item = entry.item;
    const t = String(update.type ?? "");
    if (t.startsWith("assistant_message.")) {
      if (!Array.isArray(item.content)) item.content = [];
      const i = Number(update.content_index) || 0;
      while (item.content.length <= i) item.content.push({ type: "output_text", text: "", annotations: [] });
      const part = item.content[i];
      if (t.endsWith(".content_part.added") || t.endsWith(".content_part.done")) {
        if (isObj(update.content)) item.content[i] = update.content;
      } else if (t.endsWith(".text_delta")) {
        part.text = String(part.text ?? "") + String(update.delta ?? "");
      } else if (t.endsWith(".annotation_added")) {
        if (!Array.isArray(part.annotations)) part.annotations = [];
        const at = Number(update.annotation_index);
        if (Number.isInteger(at) && at <= part.annotations.length) part.annotations.splice(at, 0, update.annotation);
        else part.annotations.push(update.annotation);
      }
      this.rerender(entry);
    } else if (t.startsWith("widget.")) {
      const change = applyWidgetUpdate(item, /** @type {any} */ (update));
      const box = entry.el?.querySelector(".ck-widget-host");
      const host = box instanceof HTMLElement ? box : null;
      const opts = this.widgetOptions(item);
      if (change && host && change.kind === "text" && patchText(host, change.id, change.node)) return;
      if (change && host && change.kind === "component" && patchComponent(host, change.id, change.node, opts)) return;
      this.rerender(entry);
    } else if (t === "workflow.task.added" || t === "workflow.task.updated") {
      if (!isObj(item.workflow)) item.workflow = { type: "custom", tasks: [], expanded: false };
      const tasks = Array.isArray(item.workflow.tasks) ? item.workflow.tasks : (item.workflow.tasks = []);
      const i = Number(update.task_index);
      if (t === "workflow.task.updated" && Number.isInteger(i) && i < tasks.length) tasks[i] = update.task;
      else tasks.push(update.task);
      this.rerender(entry);
    } else if (t === "generated_image.updated") {
      item.image = update.image;
      item.progress = update.progress;
      this.rerender(entry);
    } else {
      console.warn(`chatkit playground: unknown update type ${t}`);
    }
  }

  /** @param {{ item: Item, el: HTMLElement | null, done: boolean }} entry */
  rerender(entry) {
    // Keep a workflow's open/closed state across re-renders.
    const open = entry.el?.querySelector("details")?.open;
    const el = this.renderItem(entry.item, entry.done);
    if (open !== undefined) el.querySelector("details")?.toggleAttribute("open", open);
    if (entry.el) entry.el.replaceWith(el);
    else this.list.appendChild(el);
    entry.el = el;
  }

  /**
   * @param {{ text: string, icon: string | null } | null} p
   */
  setProgress(p) {
    if (!this.progress) return;
    this.progress.replaceChildren();
    this.progress.hidden = !p;
    if (!p) return;
    if (p.icon) this.progress.appendChild(icon(p.icon));
    else this.progress.appendChild(h("span", "spinner"));
    this.progress.appendChild(h("span", "progress-text", p.text));
  }

  /**
   * @param {string} level
   * @param {string | null} title
   * @param {string} message markdown
   */
  showNotice(level, title, message) {
    const el = h("div", `notice notice-${["info", "warning", "danger"].includes(level) ? level : "info"}`);
    el.dataset.ckNotice = "";
    el.dataset.level = level;
    el.appendChild(icon(level === "info" ? "info" : "warning"));
    const body = h("div", "notice-body");
    if (title) body.appendChild(h("div", "notice-title", title));
    const md = h("div", "ck-md");
    md.appendChild(renderMarkdown(message));
    body.appendChild(md);
    el.appendChild(body);
    const close = /** @type {HTMLButtonElement} */ (h("button", "icon-btn"));
    close.type = "button";
    close.title = "Dismiss";
    close.dataset.action = "dismiss";
    close.appendChild(icon("x"));
    close.addEventListener("click", () => el.remove());
    el.appendChild(close);
    this.list.appendChild(el);
    this.scroll();
  }

  /**
   * @param {{ message: string, code?: string, allowRetry: boolean }} err
   */
  showError(err) {
    const el = h("div", "thread-error");
    el.dataset.ckError = err.code ?? "client";
    el.setAttribute("role", "alert");
    el.appendChild(icon("warning"));
    el.appendChild(h("span", "thread-error-text", err.message));
    if (err.allowRetry && this.lastUserMessageId()) {
      const retry = /** @type {HTMLButtonElement} */ (h("button", "btn btn-small", "Retry"));
      retry.type = "button";
      retry.dataset.action = "retry";
      retry.addEventListener("click", () => this.hooks.onRetry());
      el.appendChild(retry);
    }
    this.list.appendChild(el);
    this.scroll();
  }

  /** Removes error banners (before a retry). */
  clearErrors() {
    this.list.querySelectorAll("[data-ck-error]").forEach((e) => e.remove());
  }

  /** @param {boolean} [force] */
  scroll(force = false) {
    const scroller = this.list.closest(".messages-scroll");
    if (!scroller) return;
    // Follow the stream only when the reader is already near the bottom.
    if (force || scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight < 320) scroller.scrollTop = scroller.scrollHeight;
  }

  /** @param {Item} item */
  widgetOptions(item) {
    return { onAction: (/** @type {ActionConfig} */ a, /** @type {HTMLElement} */ src) => this.hooks.onWidgetAction(item, a, src) };
  }

  // ---------------------------------------------------------------- items

  /**
   * @param {Item} item
   * @param {boolean} done
   * @returns {HTMLElement}
   */
  renderItem(item, done) {
    const el = h("div", `item item-${item.type.replace(/[^\w-]/g, "")}`);
    el.dataset.itemId = item.id;
    el.dataset.itemType = item.type;
    if (!done) el.dataset.streaming = "true";
    try {
      switch (item.type) {
        case "user_message": this.userMessage(el, item); break;
        case "assistant_message": this.assistantMessage(el, item, done); break;
        case "widget": this.widget(el, item); break;
        case "workflow": this.workflow(el, item, done); break;
        case "task": el.appendChild(taskRow(item.task)); break;
        case "client_tool_call": this.clientToolCall(el, item); break;
        case "generated_image": this.generatedImage(el, item); break;
        case "structured_input": this.structuredInput(el, item); break;
        default:
          console.warn(`chatkit playground: unknown item type ${item.type}`);
          el.appendChild(h("div", "unknown-item", `Unsupported item type: ${item.type}`));
          el.dataset.ckUnknown = item.type;
      }
    } catch (err) {
      console.warn("chatkit playground: cannot render item", item, err);
      el.replaceChildren(h("div", "unknown-item", `Cannot show this ${item.type} item`));
    }
    return el;
  }

  /**
   * @param {HTMLElement} el
   * @param {Item} item
   */
  userMessage(el, item) {
    const bubble = h("div", "bubble");
    if (typeof item.quoted_text === "string" && item.quoted_text) bubble.appendChild(h("blockquote", "quoted", item.quoted_text));
    for (const part of Array.isArray(item.content) ? item.content : []) {
      if (!isObj(part)) continue;
      if (part.type === "input_text") bubble.appendChild(h("div", "user-text", String(part.text ?? "")));
      else if (part.type === "input_tag") bubble.appendChild(h("span", "tag-chip", `@${part.text ?? part.id}`));
    }
    const atts = Array.isArray(item.attachments) ? item.attachments : [];
    if (atts.length) {
      const row = h("div", "attachments");
      for (const a of atts) if (isObj(a)) row.appendChild(attachmentChip(a, this.hooks.resolveImage));
      el.appendChild(row);
    }
    el.appendChild(bubble);
  }

  /**
   * @param {HTMLElement} el
   * @param {Item} item
   * @param {boolean} done
   */
  assistantMessage(el, item, done) {
    const body = h("div", "assistant-body");
    /** @type {Array<Record<string, any>>} */
    const sources = [];
    for (const part of Array.isArray(item.content) ? item.content : []) {
      if (!isObj(part)) continue;
      let textValue = String(part.text ?? "");
      const anns = Array.isArray(part.annotations) ? part.annotations.filter(isObj) : [];
      // Footnote markers go in at their character index, last first so the
      // earlier indices stay valid.
      const marks = anns.map((/** @type {Record<string, any>} */ a) => {
        sources.push(a.source ?? {});
        return { n: sources.length, index: typeof a.index === "number" ? a.index : null };
      });
      for (const m of [...marks].filter((m) => m.index !== null).sort((a, b) => Number(b.index) - Number(a.index))) {
        const at = Math.min(textValue.length, Number(m.index));
        textValue = textValue.slice(0, at) + citationMarker(m.n) + textValue.slice(at);
      }
      const md = h("div", "ck-md");
      md.appendChild(renderMarkdown(textValue));
      body.appendChild(md);
    }
    if (!done) body.appendChild(h("span", "caret"));
    el.appendChild(body);
    if (sources.length) el.appendChild(sourceList(sources));
    if (done) el.appendChild(this.messageActions(item));
  }

  /** @param {Item} item */
  messageActions(item) {
    const bar = h("div", "item-actions");
    const copy = /** @type {HTMLButtonElement} */ (h("button", "icon-btn"));
    copy.type = "button";
    copy.title = "Copy";
    copy.dataset.action = "copy";
    copy.appendChild(icon("copy"));
    copy.addEventListener("click", () => {
      const text = (item.content ?? []).map((/** @type {any} */ p) => p?.text ?? "").join("\n\n");
      navigator.clipboard?.writeText(text).catch(() => {});
    });
    bar.appendChild(copy);
    for (const kind of /** @type {const} */ (["positive", "negative"])) {
      const b = /** @type {HTMLButtonElement} */ (h("button", "icon-btn"));
      b.type = "button";
      b.title = kind === "positive" ? "Good response" : "Bad response";
      b.dataset.action = "feedback";
      b.dataset.kind = kind;
      b.appendChild(icon(kind === "positive" ? "thumb-up" : "thumb-down"));
      b.addEventListener("click", () => {
        bar.querySelectorAll("[data-action=feedback]").forEach((x) => x.removeAttribute("data-selected"));
        b.dataset.selected = "true";
        this.hooks.onFeedback(item, kind);
      });
      bar.appendChild(b);
    }
    return bar;
  }

  /**
   * @param {HTMLElement} el
   * @param {Item} item
   */
  widget(el, item) {
    const host = h("div", "ck-widget-host");
    host.appendChild(renderWidget(item.widget, this.widgetOptions(item)));
    el.appendChild(host);
    if (typeof item.copy_text === "string" && item.copy_text) {
      const bar = h("div", "item-actions");
      const copy = /** @type {HTMLButtonElement} */ (h("button", "icon-btn"));
      copy.type = "button";
      copy.title = "Copy";
      copy.dataset.action = "copy";
      copy.appendChild(icon("copy"));
      copy.addEventListener("click", () => navigator.clipboard?.writeText(item.copy_text).catch(() => {}));
      bar.appendChild(copy);
      el.appendChild(bar);
    }
  }

  /**
   * A workflow: a collapsed summary line that expands to its tasks.
   * @param {HTMLElement} el
   * @param {Item} item
   * @param {boolean} done
   */
  workflow(el, item, done) {
    const wf = isObj(item.workflow) ? item.workflow : { tasks: [] };
    const tasks = Array.isArray(wf.tasks) ? wf.tasks.filter(isObj) : [];
    const details = /** @type {HTMLDetailsElement} */ (h("details", "workflow"));
    details.open = wf.expanded === true;
    const summary = h("summary", "workflow-summary");
    const s = wf.summary;
    let label;
    if (isObj(s) && typeof s.title === "string") {
      if (typeof s.icon === "string") summary.appendChild(icon(s.icon));
      label = s.title;
    } else if (isObj(s) && typeof s.duration === "number") {
      summary.appendChild(icon(wf.type === "reasoning" ? "lightbulb" : "check-circle"));
      label = `${wf.type === "reasoning" ? "Thought" : "Worked"} for ${formatDuration(s.duration)}`;
    } else if (!done) {
      summary.appendChild(h("span", "spinner"));
      const last = tasks[tasks.length - 1];
      label = (last && (last.title || (last.type === "thought" ? "Thinking…" : null))) || (wf.type === "reasoning" ? "Thinking…" : "Working…");
    } else {
      summary.appendChild(icon("check-circle"));
      label = `${tasks.length} step${tasks.length === 1 ? "" : "s"}`;
    }
    summary.appendChild(h("span", "workflow-label", String(label)));
    summary.appendChild(icon("chevron-down"));
    details.appendChild(summary);
    const list = h("div", "workflow-tasks");
    for (const t of tasks) list.appendChild(taskRow(t));
    details.appendChild(list);
    el.dataset.workflowType = String(wf.type ?? "custom");
    el.appendChild(details);
  }

  /**
   * @param {HTMLElement} el
   * @param {Item} item
   */
  clientToolCall(el, item) {
    el.dataset.status = String(item.status ?? "pending");
    const row = h("div", "tool-call");
    row.appendChild(icon(item.status === "completed" ? "check-circle" : "bolt"));
    row.appendChild(h("span", "tool-name", String(item.name ?? "tool")));
    row.appendChild(h("code", "tool-args", JSON.stringify(item.arguments ?? {})));
    if (item.output !== undefined && item.output !== null) row.appendChild(h("code", "tool-output", `→ ${JSON.stringify(item.output)}`));
    el.appendChild(row);
  }

  /**
   * @param {HTMLElement} el
   * @param {Item} item
   */
  generatedImage(el, item) {
    const url = isObj(item.image) && typeof item.image.url === "string" ? item.image.url : null;
    const frame = h("div", "generated-image");
    if (url && (url.startsWith("data:image/") || safeUrl(url))) {
      const img = /** @type {HTMLImageElement} */ (h("img"));
      img.src = url;
      img.alt = "Generated image";
      frame.appendChild(img);
    } else {
      frame.appendChild(h("div", "image-placeholder", "Generating image…"));
    }
    if (typeof item.progress === "number" && item.progress < 1) {
      const bar = h("div", "progress-bar");
      const fill = h("div");
      fill.style.width = `${Math.round(item.progress * 100)}%`;
      bar.appendChild(fill);
      frame.appendChild(bar);
    }
    el.appendChild(frame);
  }

  /**
   * Questions for the user; answering sends threads.add_structured_input.
   * @param {HTMLElement} el
   * @param {Item} item
   */
  structuredInput(el, item) {
    const status = String(item.status ?? "pending");
    el.dataset.status = status;
    const box = h("div", "structured-input");
    /** @type {Array<() => [string, string[]]>} */
    const readers = [];
    for (const q of Array.isArray(item.inputs) ? item.inputs.filter(isObj) : []) {
      const field = h("fieldset", "si-question");
      field.dataset.questionId = String(q.id);
      field.appendChild(h("legend", "", String(q.question ?? "")));
      if (typeof q.description === "string") field.appendChild(h("div", "si-desc", q.description));
      const answered = isObj(q.answer) ? q.answer : null;
      if (q.type === "multiple_choice") {
        const group = `si-${item.id}-${q.id}`;
        for (const o of Array.isArray(q.options) ? q.options : []) {
          const lab = h("label", "si-option");
          const inp = /** @type {HTMLInputElement} */ (h("input"));
          inp.type = q.multiple ? "checkbox" : "radio";
          inp.name = group;
          inp.value = String(o?.value ?? "");
          inp.checked = !!answered && Array.isArray(answered.values) && answered.values.includes(inp.value);
          inp.disabled = status !== "pending";
          lab.append(inp, document.createTextNode(inp.value));
          field.appendChild(lab);
        }
        readers.push(() => [String(q.id), [...field.querySelectorAll("input:checked")].map((i) => /** @type {HTMLInputElement} */ (i).value)]);
      } else {
        const ta = /** @type {HTMLTextAreaElement} */ (h("textarea", "si-text"));
        ta.rows = 2;
        ta.value = answered && Array.isArray(answered.values) ? answered.values.join("\n") : "";
        ta.disabled = status !== "pending";
        field.appendChild(ta);
        readers.push(() => [String(q.id), ta.value.trim() ? [ta.value.trim()] : []]);
      }
      box.appendChild(field);
    }
    if (status === "pending") {
      const actions = h("div", "si-actions");
      const skip = /** @type {HTMLButtonElement} */ (h("button", "btn btn-ghost", "Skip"));
      skip.type = "button";
      skip.dataset.action = "skip";
      skip.addEventListener("click", () => this.hooks.onStructuredInput(item, { status: "skipped", answers: {} }));
      const send = /** @type {HTMLButtonElement} */ (h("button", "btn btn-primary", "Submit"));
      send.type = "button";
      send.dataset.action = "submit";
      send.addEventListener("click", () => {
        /** @type {Record<string, { values: string[] }>} */
        const answers = {};
        for (const r of readers) {
          const [id, values] = r();
          answers[id] = { values };
        }
        this.hooks.onStructuredInput(item, { status: "answered", answers });
      });
      actions.append(skip, send);
      box.appendChild(actions);
    } else {
      box.appendChild(h("div", "si-status", status === "skipped" ? "Skipped" : "Answered"));
    }
    el.appendChild(box);
  }
}

/** @param {number} s seconds */
function formatDuration(s) {
  if (s < 60) return `${Math.max(1, Math.round(s))}s`;
  return `${Math.floor(s / 60)}m ${Math.round(s % 60)}s`;
}

/** @param {string} code */
function errorText(code) {
  if (code === "stream.error") return "An error occurred when generating a response.";
  return code ? `Error: ${code}` : "Something went wrong.";
}

/**
 * One workflow task (or a standalone task item).
 * @param {unknown} raw
 */
function taskRow(raw) {
  const t = isObj(raw) ? /** @type {Record<string, any>} */ (raw) : {};
  const row = h("div", "task");
  row.dataset.taskType = String(t.type ?? "custom");
  row.dataset.status = String(t.status_indicator ?? "none");
  const lead = h("span", "task-icon");
  if (t.status_indicator === "loading") lead.appendChild(h("span", "spinner"));
  else if (t.status_indicator === "complete") lead.appendChild(icon("check-circle"));
  else lead.appendChild(icon(typeof t.icon === "string" ? t.icon : { thought: "lightbulb", web_search: "search", file: "document", image: "square-image" }[String(t.type)] ?? "dot"));
  row.appendChild(lead);
  const body = h("div", "task-body");
  const heading = t.type === "web_search" && t.title_query ? `${t.title ?? "Searched"} “${t.title_query}”` : t.title;
  if (heading) body.appendChild(h("div", "task-title", String(heading)));
  if ((t.type === "thought" || t.type === "custom") && typeof t.content === "string" && t.content) {
    const md = h("div", "ck-md task-content");
    md.appendChild(renderMarkdown(t.content));
    body.appendChild(md);
  }
  if (t.type === "web_search" && Array.isArray(t.queries) && t.queries.length) {
    const qs = h("div", "task-queries");
    for (const q of t.queries) qs.appendChild(h("span", "query-chip", String(q)));
    body.appendChild(qs);
  }
  if ((t.type === "web_search" || t.type === "file") && Array.isArray(t.sources) && t.sources.length) {
    body.appendChild(sourceList(t.sources.filter(isObj), false));
  }
  row.appendChild(body);
  return row;
}

/**
 * Citations / sources: URL sources link out, files and entities show a name.
 * @param {Array<Record<string, any>>} sources
 * @param {boolean} [numbered]
 */
function sourceList(sources, numbered = true) {
  const list = h("ol", `sources${numbered ? "" : " sources-plain"}`);
  sources.forEach((src, i) => {
    const li = h("li", "source");
    li.dataset.sourceType = String(src.type ?? "");
    if (numbered) li.appendChild(h("span", "source-n", String(i + 1)));
    const label = String(src.title ?? src.filename ?? src.url ?? "source");
    if (src.type === "url" && typeof src.url === "string" && safeUrl(src.url)) {
      const a = /** @type {HTMLAnchorElement} */ (h("a", "", label));
      a.href = src.url;
      a.target = "_blank";
      a.rel = "noopener noreferrer";
      li.appendChild(a);
      const host = (() => {
        try {
          return src.attribution ?? new URL(src.url).hostname;
        } catch {
          return "";
        }
      })();
      if (host) li.appendChild(h("span", "source-host", String(host)));
    } else {
      li.appendChild(icon(src.type === "file" ? "document" : typeof src.icon === "string" ? src.icon : "dot"));
      li.appendChild(h("span", "", label));
    }
    list.appendChild(li);
  });
  return list;
}

/**
 * An attachment chip (with a thumbnail for images).
 * @param {Record<string, any>} a
 * @param {(url: string) => Promise<string>} [resolve]
 */
export function attachmentChip(a, resolve) {
  const chip = h("div", "attachment-chip");
  chip.dataset.attachmentId = String(a.id ?? "");
  const preview = typeof a.preview_url === "string" ? a.preview_url : typeof a.local_url === "string" ? a.local_url : null;
  if (a.type === "image" && preview && (safeUrl(preview) || preview.startsWith("blob:"))) {
    const img = /** @type {HTMLImageElement} */ (h("img", "attachment-thumb"));
    img.src = preview;
    img.alt = String(a.name ?? "");
    if (resolve && !preview.startsWith("blob:")) {
      img.removeAttribute("src");
      resolve(preview).then((url) => (img.src = url), () => img.remove());
    }
    chip.appendChild(img);
  } else {
    chip.appendChild(icon("document"));
  }
  chip.appendChild(h("span", "attachment-name", String(a.name ?? "file")));
  return chip;
}
