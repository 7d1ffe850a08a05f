// @ts-check
// The chatkit-rs playground: a small ChatKit-protocol client UI.
//
// Stable DOM contract (the browser tests rely on it):
//   document.documentElement.dataset.theme   "light" | "dark"
//   document.body.dataset.busy               "true" while any request or stream is in flight
//                                            (starts "true" until the first load is done)
//   document.body.dataset.route              "chat" | "preview" | "signin"
//   #theme-toggle                            switches the theme (persisted in localStorage "ck.theme")
//   #nav-preview / #nav-chat                 links to "#/preview" and "#/"
//   #threads > li[data-thread-id]            one per thread; `.active` on the open one;
//                                            inside: .thread-title, [data-action=open|rename|delete];
//                                            rename shows input.thread-rename-input (Enter commits, Esc cancels)
//   #threads-more                            "Load more" (visible when threads.list has_more)
//   #new-thread                              starts a new chat
//   #thread-title                            title of the open thread
//   #messages [data-item-id][data-item-type] thread items; `data-streaming="true"` while in flight;
//                                            assistant messages: [data-action=feedback][data-kind=positive|negative]
//                                            (`data-selected` once sent), [data-action=copy]
//   [data-ck-error]                          errors in the thread; [data-action=retry] when allow_retry
//   [data-ck-notice][data-level]             notices
//   #progress                                transient progress_update line
//   #load-earlier                            older history (items.list paging)
//   #composer-input, #send, #stop            composer; #stop shows while a cancellable stream runs
//   #attach, #file-input, #composer-attachments .attachment-chip[data-attachment-id][data-state=uploading|ready|error]
//   #signin, #signin-input, #signin-submit, #signin-error   sign-in prompt (jwt / dev_header modes)
//   #signout                                 forgets the credential
//   Widgets: see widgets.js; preview page: see preview.js.
// The open thread is in the hash (`#/thread/<id>`) and in localStorage
// ("ck.thread.<user>"), so a reload reopens it.

import { ApiError, ChatKitClient, fetchAsset, isAbort } from "./api.js";
import { icon } from "./icons.js";
import { initPreview } from "./preview.js";
import { attachmentChip, ThreadView } from "./thread.js";
import { ClientRegistry } from "./tools.js";

/** @typedef {import("./api.js").PlaygroundConfig} PlaygroundConfig */
/** @typedef {import("./api.js").StreamEvent} StreamEvent */
/** @typedef {import("./thread.js").Item} Item */
/** @typedef {import("./widgets.js").ActionConfig} ActionConfig */
/** @typedef {{ id: string, title?: string | null, created_at?: string, status?: { type: string, reason?: string } }} ThreadMeta */
/** @typedef {{ file: File, chip: HTMLElement, id: string | null, state: "uploading" | "ready" | "error", localUrl: string | null }} PendingAttachment */

/**
 * @template {HTMLElement} T
 * @param {string} id
 * @returns {T}
 */
function byId(id) {
  const el = document.getElementById(id);
  if (!el) throw new Error(`missing #${id}`);
  return /** @type {T} */ (el);
}

const ui = {
  title: byId("app-title"),
  threadTitle: byId("thread-title"),
  fatal: byId("fatal"),
  chatView: byId("chat-view"),
  previewView: byId("preview-view"),
  threads: byId("threads"),
  threadsEmpty: byId("threads-empty"),
  threadsMore: /** @type {HTMLButtonElement} */ (byId("threads-more")),
  newThread: /** @type {HTMLButtonElement} */ (byId("new-thread")),
  messages: byId("messages"),
  emptyState: byId("empty-state"),
  loadEarlier: /** @type {HTMLButtonElement} */ (byId("load-earlier")),
  composer: /** @type {HTMLFormElement} */ (byId("composer")),
  input: /** @type {HTMLTextAreaElement} */ (byId("composer-input")),
  send: /** @type {HTMLButtonElement} */ (byId("send")),
  stop: /** @type {HTMLButtonElement} */ (byId("stop")),
  attach: /** @type {HTMLButtonElement} */ (byId("attach")),
  fileInput: /** @type {HTMLInputElement} */ (byId("file-input")),
  chips: byId("composer-attachments"),
  locked: byId("composer-locked"),
  themeToggle: /** @type {HTMLButtonElement} */ (byId("theme-toggle")),
  sidebarToggle: /** @type {HTMLButtonElement} */ (byId("sidebar-toggle")),
  userBadge: byId("user-badge"),
  signout: /** @type {HTMLButtonElement} */ (byId("signout")),
  signin: byId("signin"),
  signinForm: /** @type {HTMLFormElement} */ (byId("signin-form")),
  signinTitle: byId("signin-title"),
  signinHelp: byId("signin-help"),
  signinInput: /** @type {HTMLInputElement} */ (byId("signin-input")),
  signinError: byId("signin-error"),
};

const state = {
  /** @type {PlaygroundConfig | null} */
  config: null,
  /** @type {ChatKitClient | null} */
  client: null,
  /** @type {string | null} */
  threadId: null,
  /** @type {ThreadMeta | null} */
  thread: null,
  /** @type {ThreadMeta[]} */
  threads: [],
  /** @type {string | null} */
  threadsAfter: null,
  /** @type {string | null} */
  itemsAfter: null,
  /** The in-flight stream, if any. @type {AbortController | null} */
  stream: null,
  /** @type {PendingAttachment[]} */
  attachments: [],
  busy: 0,
  /** Bumped on every thread switch, so late answers for an old thread are dropped. */
  epoch: 0,
  started: false,
};

const registry = new ClientRegistry();
/** Attachment previews already fetched (url -> object URL). @type {Map<string, Promise<string>>} */
const imageCache = new Map();

const view = new ThreadView(ui.messages, {
  onWidgetAction: (item, action, source) => widgetAction(item, action, source),
  onFeedback: (item, kind) => feedback(item, kind),
  onRetry: () => retry(),
  onStructuredInput: (item, submission) => {
    if (!state.threadId) return;
    void runStream("threads.add_structured_input", { thread_id: state.threadId, item_id: item.id, input: submission });
  },
  resolveImage: (url) => {
    let p = imageCache.get(url);
    if (!p) {
      p = state.client ? state.client.authedUrl(url) : Promise.resolve(url);
      imageCache.set(url, p);
    }
    return p;
  },
});

// ------------------------------------------------------------------ busy

/**
 * Runs `fn` with `body[data-busy]` set; several may overlap.
 * @template T
 * @param {() => Promise<T>} fn
 * @returns {Promise<T>}
 */
async function busy(fn) {
  state.busy++;
  document.body.dataset.busy = "true";
  try {
    return await fn();
  } finally {
    state.busy--;
    if (state.busy === 0) document.body.dataset.busy = "false";
    updateComposer();
  }
}

// ------------------------------------------------------------------ theme

/** @returns {"light" | "dark"} */
function currentTheme() {
  return document.documentElement.dataset.theme === "dark" ? "dark" : "light";
}

/** @param {"light" | "dark"} theme */
function setTheme(theme) {
  document.documentElement.dataset.theme = theme;
  try {
    localStorage.setItem("ck.theme", theme);
  } catch {
    /* storage may be disabled */
  }
  ui.themeToggle.replaceChildren(icon(theme === "dark" ? "sun" : "moon"));
  ui.themeToggle.title = theme === "dark" ? "Switch to light theme" : "Switch to dark theme";
}

// ------------------------------------------------------------------ auth

function userKey() {
  return state.config && state.config.auth.mode === "jwt" ? "ck.token" : "ck.user";
}

/** @returns {string | null} */
function credential() {
  try {
    return localStorage.getItem(userKey());
  } catch {
    return null;
  }
}

/** @param {string | null} value */
function setCredential(value) {
  try {
    if (value) localStorage.setItem(userKey(), value);
    else localStorage.removeItem(userKey());
  } catch {
    /* storage may be disabled */
  }
  updateUserBadge();
}

function updateUserBadge() {
  const mode = state.config?.auth.mode ?? "anonymous";
  const cred = credential();
  ui.userBadge.hidden = mode !== "dev_header" || !cred;
  ui.userBadge.textContent = mode === "dev_header" && cred ? cred : "";
  ui.signout.hidden = mode === "anonymous" || !cred;
}

/** @param {string} [message] */
function showSignIn(message) {
  const mode = state.config?.auth.mode ?? "anonymous";
  ui.signin.hidden = false;
  document.body.dataset.route = "signin";
  ui.signinTitle.textContent = mode === "jwt" ? "Sign in with a token" : "Who are you?";
  ui.signinHelp.textContent =
    mode === "jwt"
      ? "Paste a bearer token (JWT). It is kept in this browser and sent as Authorization: Bearer …"
      : `Pick a user id. It is sent in the ${state.config?.auth.header ?? "x-user-id"} header.`;
  ui.signinInput.type = mode === "jwt" ? "password" : "text";
  ui.signinInput.placeholder = mode === "jwt" ? "eyJhbGciOi…" : "alice";
  ui.signinInput.value = mode === "jwt" ? "" : credential() ?? "";
  ui.signinError.hidden = !message;
  ui.signinError.textContent = message ?? "";
  ui.signinInput.focus();
}

ui.signinForm.addEventListener("submit", (e) => {
  e.preventDefault();
  const value = ui.signinInput.value.trim();
  if (!value) {
    ui.signinError.hidden = false;
    ui.signinError.textContent = "Enter a value to continue.";
    return;
  }
  setCredential(value);
  ui.signin.hidden = true;
  state.started = false;
  void start();
});

ui.signout.addEventListener("click", () => {
  state.stream?.abort();
  setCredential(null);
  state.threadId = null;
  view.clear();
  ui.threads.replaceChildren();
  showSignIn();
});

/**
 * Reports an error: a 401 asks for the credential again, anything else
 * shows in the thread.
 * @param {unknown} err
 * @param {string} what
 */
function report(err, what) {
  if (isAbort(err)) return;
  console.warn(`chatkit playground: ${what} failed`, err);
  if (err instanceof ApiError && err.status === 401 && state.config && state.config.auth.mode !== "anonymous") {
    showSignIn(err.message);
    return;
  }
  const message = err instanceof Error ? err.message : String(err);
  view.showError({ message: `${what}: ${message}`, code: err instanceof ApiError ? err.code || `http.${err.status}` : "client", allowRetry: false });
  updateEmptyState();
}

// ------------------------------------------------------------------ threads sidebar

/** @param {ThreadMeta} t */
function threadLabel(t) {
  return t.title && t.title.trim() ? t.title : "New chat";
}

function renderThreads() {
  ui.threads.replaceChildren();
  for (const t of state.threads) ui.threads.appendChild(threadEntry(t));
  ui.threadsEmpty.hidden = state.threads.length > 0;
  ui.threadsMore.hidden = !state.threadsAfter;
}

/** @param {ThreadMeta} t */
function threadEntry(t) {
  const li = document.createElement("li");
  li.className = "thread-entry";
  li.dataset.threadId = t.id;
  if (t.id === state.threadId) li.classList.add("active");
  const open = document.createElement("a");
  open.className = "thread-open";
  open.dataset.action = "open";
  open.href = `#/thread/${encodeURIComponent(t.id)}`;
  const title = document.createElement("span");
  title.className = "thread-title";
  title.textContent = threadLabel(t);
  open.appendChild(title);
  li.appendChild(open);
  const rename = document.createElement("button");
  rename.type = "button";
  rename.className = "icon-btn thread-btn";
  rename.dataset.action = "rename";
  rename.title = "Rename";
  rename.appendChild(icon("pencil"));
  rename.addEventListener("click", () => startRename(li, t));
  const del = document.createElement("button");
  del.type = "button";
  del.className = "icon-btn thread-btn";
  del.dataset.action = "delete";
  del.title = "Delete";
  del.appendChild(icon("trash"));
  del.addEventListener("click", () => void deleteThread(t));
  li.append(rename, del);
  return li;
}

/**
 * @param {HTMLElement} li
 * @param {ThreadMeta} t
 */
function startRename(li, t) {
  const open = /** @type {HTMLElement} */ (li.querySelector(".thread-open"));
  const input = document.createElement("input");
  input.className = "thread-rename-input";
  input.value = t.title ?? "";
  input.setAttribute("aria-label", "Thread title");
  open.hidden = true;
  li.insertBefore(input, open);
  input.focus();
  input.select();
  let finished = false;
  /** @param {boolean} commit */
  const finish = (commit) => {
    if (finished) return;
    finished = true;
    const title = input.value.trim();
    input.remove();
    open.hidden = false;
    if (commit && title && title !== t.title) void renameThread(t, title);
  };
  input.addEventListener("keydown", (e) => {
    if (e.key === "Enter") finish(true);
    else if (e.key === "Escape") finish(false);
  });
  input.addEventListener("blur", () => finish(true));
}

/**
 * @param {ThreadMeta} t
 * @param {string} title
 */
async function renameThread(t, title) {
  const client = state.client;
  if (!client) return;
  await busy(async () => {
    try {
      const updated = await client.request("threads.update", { thread_id: t.id, title });
      upsertThreadMeta({ ...t, ...(updated && typeof updated === "object" ? updated : {}), title });
    } catch (err) {
      report(err, "Rename");
    }
  });
}

/** @param {ThreadMeta} t */
async function deleteThread(t) {
  const client = state.client;
  if (!client) return;
  await busy(async () => {
    try {
      if (t.id === state.threadId) state.stream?.abort();
      await client.request("threads.delete", { thread_id: t.id });
      state.threads = state.threads.filter((x) => x.id !== t.id);
      renderThreads();
      if (t.id === state.threadId) newChat();
    } catch (err) {
      report(err, "Delete");
    }
  });
}

/**
 * Adds or updates a thread in the sidebar (new ones go on top).
 * @param {ThreadMeta} t
 */
function upsertThreadMeta(t) {
  const i = state.threads.findIndex((x) => x.id === t.id);
  const meta = { id: t.id, title: t.title ?? null, created_at: t.created_at, status: t.status };
  if (i >= 0) state.threads[i] = { ...state.threads[i], ...meta };
  else state.threads.unshift(meta);
  if (t.id === state.threadId) {
    state.thread = { ...(state.thread ?? {}), ...meta };
    ui.threadTitle.textContent = threadLabel(meta);
    updateComposer();
  }
  renderThreads();
}

/** @param {boolean} reset */
async function loadThreads(reset) {
  const client = state.client;
  if (!client) return;
  await busy(async () => {
    try {
      /** @type {Record<string, unknown>} */
      const params = { limit: 20, order: "desc" };
      if (!reset && state.threadsAfter) params.after = state.threadsAfter;
      const page = await client.request("threads.list", params);
      const data = Array.isArray(page?.data) ? page.data.filter((/** @type {any} */ t) => t && typeof t.id === "string") : [];
      if (reset) state.threads = [];
      for (const t of data) if (!state.threads.some((x) => x.id === t.id)) state.threads.push(t);
      state.threadsAfter = page?.has_more ? page.after ?? data[data.length - 1]?.id ?? null : null;
      renderThreads();
    } catch (err) {
      report(err, "Loading threads");
    }
  });
}

ui.threadsMore.addEventListener("click", () => void loadThreads(false));
ui.newThread.append(icon("write-alt2"), document.createTextNode("New chat"));
ui.newThread.addEventListener("click", () => {
  newChat();
  ui.input.focus();
});

// ------------------------------------------------------------------ open thread

/** @returns {string} */
function threadStorageKey() {
  return `ck.thread.${credential() ?? "anonymous"}`;
}

/** @param {string | null} id */
function rememberThread(id) {
  try {
    if (id) localStorage.setItem(threadStorageKey(), id);
    else localStorage.removeItem(threadStorageKey());
  } catch {
    /* storage may be disabled */
  }
}

function newChat() {
  state.stream?.abort();
  state.epoch++;
  state.threadId = null;
  state.thread = null;
  state.itemsAfter = null;
  rememberThread(null);
  if (location.hash && location.hash !== "#/") history.pushState(null, "", "#/");
  view.clear();
  ui.threadTitle.textContent = "";
  ui.loadEarlier.hidden = true;
  renderThreads();
  updateComposer();
  updateEmptyState();
}

/** @param {string} id */
async function openThread(id) {
  const client = state.client;
  if (!client) return;
  if (id === state.threadId && view.items.size) return;
  state.stream?.abort();
  const epoch = ++state.epoch;
  state.threadId = id;
  state.thread = state.threads.find((t) => t.id === id) ?? { id };
  rememberThread(id);
  view.clear();
  ui.threadTitle.textContent = threadLabel(state.thread);
  ui.loadEarlier.hidden = true;
  renderThreads();
  updateEmptyState();
  await busy(async () => {
    try {
      const thread = await client.request("threads.get_by_id", { thread_id: id });
      if (epoch !== state.epoch) return;
      if (thread && typeof thread.id === "string") upsertThreadMeta(thread);
      // The newest page of items (get_by_id gives the oldest ones).
      const page = await client.request("items.list", { thread_id: id, limit: 50, order: "desc" });
      if (epoch !== state.epoch) return;
      const items = Array.isArray(page?.data) ? [...page.data].reverse() : [];
      view.showHistory(items);
      state.itemsAfter = page?.has_more ? page.after ?? null : null;
      ui.loadEarlier.hidden = !state.itemsAfter;
      const scroller = ui.messages.closest(".messages-scroll");
      if (scroller) scroller.scrollTop = scroller.scrollHeight;
    } catch (err) {
      if (epoch !== state.epoch) return;
      if (err instanceof ApiError && (err.status === 404 || err.status === 400)) rememberThread(null);
      report(err, "Opening the thread");
    }
    updateEmptyState();
  });
}

ui.loadEarlier.addEventListener("click", () => {
  const client = state.client;
  const id = state.threadId;
  if (!client || !id || !state.itemsAfter) return;
  const epoch = state.epoch;
  void busy(async () => {
    try {
      const page = await client.request("items.list", { thread_id: id, limit: 50, order: "desc", after: state.itemsAfter });
      if (epoch !== state.epoch) return;
      const items = Array.isArray(page?.data) ? [...page.data].reverse() : [];
      view.showHistory(items.filter((i) => !view.items.has(i.id)), "prepend");
      state.itemsAfter = page?.has_more ? page.after ?? null : null;
      ui.loadEarlier.hidden = !state.itemsAfter;
    } catch (err) {
      report(err, "Loading earlier messages");
    }
  });
});

function updateEmptyState() {
  ui.emptyState.hidden = !(state.threadId === null && view.isEmpty() && !state.stream);
}

// ------------------------------------------------------------------ streaming

/**
 * Runs one streaming request and renders its events. When the stream ends
 * with a pending client tool call, runs the tool and continues with
 * `threads.add_client_tool_output` (inside the same busy period).
 * @param {string} type
 * @param {Record<string, unknown>} params
 */
async function runStream(type, params) {
  const client = state.client;
  if (!client) return;
  if (state.stream) {
    console.info("chatkit playground: a response is already streaming; ignored", type);
    return;
  }
  await busy(async () => {
    /** @type {string | null} */
    let next = type;
    /** @type {Record<string, unknown>} */
    let nextParams = params;
    // Guard against a server that keeps asking for client tools forever.
    for (let round = 0; next && round < 8; round++) {
      const ctl = new AbortController();
      state.stream = ctl;
      const epoch = state.epoch;
      /** @type {Item | null} */
      let lastDone = null;
      ui.emptyState.hidden = true;
      updateComposer();
      try {
        await client.stream(next, nextParams, (ev) => {
          if (epoch !== state.epoch) return;
          if (ev.type === "thread.item.done" && ev.item && typeof ev.item === "object") lastDone = ev.item;
          else if (ev.type === "thread.item.added") lastDone = null;
          handleEvent(ev);
        }, ctl.signal);
      } catch (err) {
        if (!isAbort(err) && epoch === state.epoch) report(err, "The response");
      } finally {
        state.stream = null;
        ui.stop.hidden = true;
        if (epoch === state.epoch) finishStreaming();
      }
      next = null;
      const call = /** @type {Item | null} */ (lastDone);
      if (!ctl.signal.aborted && epoch === state.epoch && call && call.type === "client_tool_call" && call.status === "pending" && state.threadId) {
        const result = await registry.runTool(String(call.name ?? ""), call.arguments);
        // The server stores the completed call but does not send it back; show it done.
        view.upsert({ ...call, status: "completed", output: result }, true);
        next = "threads.add_client_tool_output";
        nextParams = { thread_id: state.threadId, result };
      }
    }
  });
  updateEmptyState();
}

/** Marks whatever is still streaming as finished (stop, or a stream that ended early). */
function finishStreaming() {
  view.setProgress(null);
  for (const entry of view.items.values()) {
    if (!entry.done) {
      entry.done = true;
      view.rerender(entry);
    }
  }
}

/** @param {StreamEvent} ev */
function handleEvent(ev) {
  switch (ev.type) {
    case "thread.created": {
      const t = ev.thread;
      if (!t || typeof t.id !== "string") return view.showError({ message: "Malformed thread.created event", allowRetry: false });
      state.threadId = t.id;
      state.thread = t;
      rememberThread(t.id);
      history.replaceState(null, "", `#/thread/${encodeURIComponent(t.id)}`);
      upsertThreadMeta(t);
      return;
    }
    case "thread.updated":
      if (ev.thread && typeof ev.thread.id === "string") upsertThreadMeta(ev.thread);
      return;
    case "stream_options":
      ui.stop.hidden = !(ev.stream_options && ev.stream_options.allow_cancel === true);
      return;
    case "client_effect":
      registry.runEffect(String(ev.name ?? ""), ev.data);
      return;
    default:
      if (!view.apply(ev)) {
        console.warn("chatkit playground: unknown event", ev);
        view.showError({ message: `Unknown event type: ${String(ev.type).slice(0, 80)}`, code: "client.unknown_event", allowRetry: false });
      }
  }
}

ui.stop.addEventListener("click", () => state.stream?.abort());

/**
 * A widget action: client handler, sync action, or a streamed custom action.
 * The returned promise drives the widget's loading state.
 * @param {Item} item
 * @param {ActionConfig} action
 * @param {HTMLElement} source
 */
async function widgetAction(item, action, source) {
  void source;
  if (action.handler === "client") {
    await registry.runAction(action, item.id);
    return;
  }
  const client = state.client;
  const threadId = state.threadId;
  if (!client || !threadId) return;
  // Only type and payload go on the wire; handler/loadingBehavior/streaming are ours.
  /** @type {{ type: string, payload?: unknown }} */
  const wire = { type: action.type };
  if (action.payload !== undefined) wire.payload = action.payload;
  if (action.streaming === false) {
    await busy(async () => {
      try {
        const res = await client.request("threads.sync_custom_action", { thread_id: threadId, item_id: item.id, action: wire });
        if (res && res.updated_item && typeof res.updated_item.id === "string") view.upsert(res.updated_item, true);
      } catch (err) {
        report(err, "The action");
      }
    });
    return;
  }
  await runStream("threads.custom_action", { thread_id: threadId, item_id: item.id, action: wire });
}

/**
 * @param {Item} item
 * @param {"positive" | "negative"} kind
 */
function feedback(item, kind) {
  const client = state.client;
  if (!client || !state.threadId) return;
  const threadId = state.threadId;
  void busy(async () => {
    try {
      await client.request("items.feedback", { thread_id: threadId, item_ids: [item.id], kind });
    } catch (err) {
      report(err, "Feedback");
    }
  });
}

function retry() {
  const id = view.lastUserMessageId();
  if (!id || !state.threadId) return;
  view.clearErrors();
  view.truncateAfter(id);
  void runStream("threads.retry_after_item", { thread_id: state.threadId, item_id: id });
}

// ------------------------------------------------------------------ composer

function updateComposer() {
  const status = state.thread?.status;
  const locked = !!status && (status.type === "locked" || status.type === "closed");
  ui.locked.hidden = !locked;
  ui.locked.textContent = locked ? status?.reason || (status?.type === "closed" ? "This conversation is closed." : "This conversation is locked.") : "";
  const uploading = state.attachments.some((a) => a.state === "uploading");
  const empty = !ui.input.value.trim() && !state.attachments.some((a) => a.state === "ready");
  ui.input.disabled = locked;
  ui.send.disabled = locked || !!state.stream || uploading || empty;
  ui.send.hidden = !!state.stream && !ui.stop.hidden;
  autoGrow();
}

function autoGrow() {
  ui.input.style.height = "auto";
  ui.input.style.height = `${Math.min(ui.input.scrollHeight, 200)}px`;
}

ui.input.addEventListener("input", updateComposer);
ui.input.addEventListener("keydown", (e) => {
  if (e.key === "Enter" && !e.shiftKey && !e.isComposing) {
    e.preventDefault();
    ui.composer.requestSubmit();
  }
});

ui.composer.addEventListener("submit", (e) => {
  e.preventDefault();
  void send();
});

async function send() {
  const text = ui.input.value.trim();
  const ready = state.attachments.filter((a) => a.state === "ready" && a.id);
  if ((!text && !ready.length) || state.stream || state.attachments.some((a) => a.state === "uploading")) return;
  const input = {
    content: text ? [{ type: "input_text", text }] : [],
    attachments: ready.map((a) => a.id),
    inference_options: {},
  };
  ui.input.value = "";
  clearAttachments();
  updateComposer();
  if (state.threadId) await runStream("threads.add_user_message", { thread_id: state.threadId, input });
  else await runStream("threads.create", { input });
}

// Attachments: two-phase upload as soon as a file is picked.
ui.attach.replaceChildren(icon("paperclip"));
ui.attach.addEventListener("click", () => ui.fileInput.click());
ui.fileInput.addEventListener("change", () => {
  for (const file of ui.fileInput.files ?? []) void addAttachment(file);
  ui.fileInput.value = "";
});

/** @param {File} file */
async function addAttachment(file) {
  const client = state.client;
  if (!client) return;
  const localUrl = file.type.startsWith("image/") ? URL.createObjectURL(file) : null;
  const chip = attachmentChip({ name: file.name, type: localUrl ? "image" : "file", local_url: localUrl });
  /** @type {PendingAttachment} */
  const pending = { file, chip, id: null, state: "uploading", localUrl };
  chip.dataset.state = "uploading";
  const remove = document.createElement("button");
  remove.type = "button";
  remove.className = "icon-btn chip-remove";
  remove.title = "Remove";
  remove.dataset.action = "remove-attachment";
  remove.appendChild(icon("x"));
  remove.addEventListener("click", () => {
    state.attachments = state.attachments.filter((a) => a !== pending);
    chip.remove();
    if (localUrl) URL.revokeObjectURL(localUrl);
    if (pending.id) void client.request("attachments.delete", { attachment_id: pending.id }).catch(() => {});
    ui.chips.hidden = !state.attachments.length;
    updateComposer();
  });
  chip.appendChild(remove);
  state.attachments.push(pending);
  ui.chips.appendChild(chip);
  ui.chips.hidden = false;
  updateComposer();
  await busy(async () => {
    try {
      const att = await client.upload(file);
      pending.id = String(att.id);
      pending.state = "ready";
      chip.dataset.attachmentId = pending.id;
      chip.dataset.state = "ready";
    } catch (err) {
      pending.state = "error";
      chip.dataset.state = "error";
      chip.title = err instanceof Error ? err.message : String(err);
      if (err instanceof ApiError && err.status === 401) report(err, "Upload");
    }
  });
}

function clearAttachments() {
  // The previews of sent images now come from the server (preview_url).
  for (const a of state.attachments) if (a.localUrl) setTimeout(() => URL.revokeObjectURL(/** @type {string} */ (a.localUrl)), 60_000);
  state.attachments = [];
  ui.chips.replaceChildren();
  ui.chips.hidden = true;
}

// ------------------------------------------------------------------ routing

async function route() {
  const hash = location.hash;
  if (hash.startsWith("#/preview")) {
    document.body.dataset.route = "preview";
    ui.chatView.hidden = true;
    ui.previewView.hidden = false;
    if (state.config) initPreview(state.config);
    return;
  }
  document.body.dataset.route = ui.signin.hidden ? "chat" : "signin";
  ui.chatView.hidden = false;
  ui.previewView.hidden = true;
  const m = /^#\/thread\/(.+)$/.exec(hash);
  let id = m ? decodeURIComponent(m[1]) : null;
  if (!m && !hash.replace(/^#\/?/, "")) {
    // No thread in the URL: reopen the last one, as a reload should.
    try {
      id = localStorage.getItem(threadStorageKey());
    } catch {
      id = null;
    }
    if (id) history.replaceState(null, "", `#/thread/${encodeURIComponent(id)}`);
  }
  if (id) await openThread(id);
  else if (state.threadId) newChat();
  updateEmptyState();
}

window.addEventListener("hashchange", () => void route());
window.addEventListener("popstate", () => void route());

// ------------------------------------------------------------------ client tools and effects

registry.tools.set("switch_theme", (args) => {
  const theme = args.theme === "dark" || args.theme === "light" ? args.theme : currentTheme() === "dark" ? "light" : "dark";
  setTheme(theme);
  return { success: true, theme };
});
registry.tools.set("get_theme", () => ({ theme: currentTheme() }));
registry.effects.set("switch_theme", (data) => {
  if (data.theme === "dark" || data.theme === "light") setTheme(data.theme);
});
registry.actions.set("playground.toggle_theme", () => setTheme(currentTheme() === "dark" ? "light" : "dark"));

// Handy in the console and for tests: window.chatkitPlayground.registry.log
Object.assign(window, { chatkitPlayground: { registry, state } });

// ------------------------------------------------------------------ boot

async function start() {
  if (state.started) return;
  state.started = true;
  document.body.dataset.route = "chat";
  await busy(async () => {
    await loadThreads(true);
    await route();
  });
}

async function boot() {
  setTheme(currentTheme());
  ui.themeToggle.addEventListener("click", () => setTheme(currentTheme() === "dark" ? "light" : "dark"));
  ui.sidebarToggle.replaceChildren(icon("menu"));
  ui.sidebarToggle.addEventListener("click", () => document.body.classList.toggle("sidebar-open"));
  ui.stop.replaceChildren(icon("stop"));
  ui.send.replaceChildren(icon("send"));
  await busy(async () => {
    let config;
    try {
      config = await fetchAsset("config.json");
    } catch (err) {
      ui.fatal.hidden = false;
      ui.fatal.dataset.ckError = "config";
      ui.fatal.textContent = `Cannot start the playground: ${err instanceof Error ? err.message : String(err)}`;
      return;
    }
    /** @type {PlaygroundConfig} */
    const cfg = {
      title: typeof config?.title === "string" ? config.title : "chatkit playground",
      chatkit_url: typeof config?.chatkit_url === "string" ? config.chatkit_url : "/chatkit",
      auth: config?.auth && typeof config.auth === "object" ? config.auth : { mode: "anonymous" },
      attachments: config?.attachments === true,
      gallery: config?.gallery === true,
    };
    state.config = cfg;
    state.client = new ChatKitClient(cfg, credential);
    document.title = cfg.title;
    ui.title.textContent = cfg.title;
    ui.attach.hidden = !cfg.attachments;
    // ?user=NAME picks the dev user (used by the tests).
    const user = new URLSearchParams(location.search).get("user");
    if (user && cfg.auth.mode === "dev_header") setCredential(user);
    updateUserBadge();
    updateComposer();
    if (location.hash.startsWith("#/preview")) {
      // The preview page needs no credential.
      await route();
    }
    if (cfg.auth.mode !== "anonymous" && !credential()) {
      showSignIn();
      if (location.hash.startsWith("#/preview")) ui.signin.hidden = true;
      return;
    }
    await start();
  });
}

window.addEventListener("unhandledrejection", (e) => {
  // Last line of defence: show it rather than fail silently.
  console.warn("chatkit playground: unhandled", e.reason);
  view.showError({ message: `Unexpected error: ${e.reason instanceof Error ? e.reason.message : String(e.reason)}`, allowRetry: false });
  e.preventDefault();
});

void boot();
