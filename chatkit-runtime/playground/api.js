// @ts-check
// The ChatKit protocol client: one POST endpoint, JSON requests
// `{type, params}`, JSON answers for plain requests and server-sent events for
// streaming ones. Also the playground's own config endpoints and the
// two-phase attachment upload.

/**
 * @typedef {object} PlaygroundConfig
 * @property {string} title
 * @property {string} chatkit_url
 * @property {{ mode: "anonymous" | "dev_header" | "jwt", header?: string }} auth
 * @property {boolean} attachments
 * @property {boolean} gallery
 */

/**
 * Stream events are open JSON objects with a `type`; thread.js narrows them.
 * @typedef {{ type: string, [key: string]: any }} StreamEvent
 */

/** The request types answered with an event stream (protocol §3.1). */
export const STREAMING_TYPES = new Set([
  "threads.create",
  "threads.add_user_message",
  "threads.add_client_tool_output",
  "threads.add_structured_input",
  "threads.retry_after_item",
  "threads.custom_action",
]);

/** An HTTP or protocol failure, with the status (0 for network errors). */
export class ApiError extends Error {
  /**
   * @param {string} message
   * @param {number} status
   * @param {string} [code]
   */
  constructor(message, status, code) {
    super(message);
    this.name = "ApiError";
    this.status = status;
    this.code = code ?? "";
  }
}

/**
 * Turns a non-2xx response into an ApiError, reading the server's
 * `{"error": {"code", "message"}}` body when there is one.
 * @param {Response} res
 * @returns {Promise<ApiError>}
 */
async function errorFrom(res) {
  let text = "";
  try {
    text = await res.text();
  } catch {
    /* the body is optional */
  }
  try {
    const body = JSON.parse(text);
    const err = body && typeof body === "object" ? body.error : null;
    if (err && typeof err === "object") {
      return new ApiError(String(err.message ?? err.code ?? `HTTP ${res.status}`), res.status, String(err.code ?? ""));
    }
  } catch {
    /* not JSON: fall through */
  }
  const snippet = text.trim().slice(0, 200);
  return new ApiError(`HTTP ${res.status} ${res.statusText}${snippet ? `: ${snippet}` : ""}`, res.status);
}

/**
 * Incremental parser for `text/event-stream`: feed it decoded text chunks,
 * it returns the complete `data` payloads. Comments (`: keep-alive`), `event:`,
 * `id:` and `retry:` lines are ignored.
 */
export class SSEParser {
  constructor() {
    this.buffer = "";
    /** @type {string[]} */
    this.data = [];
  }

  /**
   * @param {string} chunk
   * @returns {string[]} the data of every event completed by this chunk
   */
  push(chunk) {
    this.buffer += chunk;
    /** @type {string[]} */
    const out = [];
    let nl;
    while ((nl = this.buffer.search(/\r\n|\r|\n/)) >= 0) {
      const line = this.buffer.slice(0, nl);
      const sep = this.buffer.startsWith("\r\n", nl) ? 2 : 1;
      // A lone "\r" at the end of the buffer may be half of "\r\n".
      if (sep === 1 && this.buffer[nl] === "\r" && nl === this.buffer.length - 1) break;
      this.buffer = this.buffer.slice(nl + sep);
      this.line(line, out);
    }
    return out;
  }

  /** @returns {string[]} a final event not followed by a blank line */
  end() {
    /** @type {string[]} */
    const out = [];
    if (this.buffer) this.line(this.buffer, out);
    this.buffer = "";
    this.line("", out);
    return out;
  }

  /**
   * @param {string} line
   * @param {string[]} out
   */
  line(line, out) {
    if (line === "") {
      if (this.data.length) out.push(this.data.join("\n"));
      this.data = [];
    } else if (line.startsWith("data:")) {
      this.data.push(line.slice(line.startsWith("data: ") ? 6 : 5));
    }
  }
}

/**
 * Parses one SSE payload into an event. Garbage becomes a client-side error
 * event, so it shows in the thread instead of breaking the stream.
 * @param {string} data
 * @returns {StreamEvent}
 */
export function parseEvent(data) {
  try {
    const ev = JSON.parse(data);
    if (ev && typeof ev === "object" && !Array.isArray(ev) && typeof ev.type === "string") return ev;
    return { type: "error", code: "client.bad_event", message: `Malformed event: ${data.slice(0, 120)}`, allow_retry: false };
  } catch {
    return { type: "error", code: "client.bad_event", message: `Unreadable event: ${data.slice(0, 120)}`, allow_retry: false };
  }
}

export class ChatKitClient {
  /**
   * @param {PlaygroundConfig} config
   * @param {() => string | null} credential the bearer token or user id, read per request
   */
  constructor(config, credential) {
    this.config = config;
    this.credential = credential;
  }

  /** Auth headers for the configured mode. */
  authHeaders() {
    /** @type {Record<string, string>} */
    const h = {};
    const cred = this.credential();
    const { mode, header } = this.config.auth;
    if (cred && mode === "jwt") h["Authorization"] = `Bearer ${cred}`;
    if (cred && mode === "dev_header") h[header || "x-user-id"] = cred;
    return h;
  }

  /**
   * @param {string} type
   * @param {object} params
   * @param {AbortSignal} [signal]
   */
  async post(type, params, signal) {
    try {
      return await fetch(this.config.chatkit_url, {
        method: "POST",
        headers: { "content-type": "application/json", accept: STREAMING_TYPES.has(type) ? "text/event-stream" : "application/json", ...this.authHeaders() },
        body: JSON.stringify({ type, params }),
        signal,
      });
    } catch (err) {
      if (isAbort(err)) throw err;
      throw new ApiError(`Network error: ${err instanceof Error ? err.message : String(err)}`, 0);
    }
  }

  /**
   * A non-streaming request; resolves to the JSON answer.
   * @param {string} type
   * @param {object} params
   * @returns {Promise<any>}
   */
  async request(type, params) {
    const res = await this.post(type, params);
    if (!res.ok) throw await errorFrom(res);
    const text = await res.text();
    try {
      return text ? JSON.parse(text) : {};
    } catch {
      throw new ApiError(`The server answered ${type} with something that is not JSON: ${text.slice(0, 120)}`, res.status);
    }
  }

  /**
   * A streaming request: calls `onEvent` for every event until the stream
   * closes. Rejects with an ApiError when the request fails before the stream
   * starts, or with an AbortError when `signal` aborts.
   * @param {string} type
   * @param {object} params
   * @param {(ev: StreamEvent) => void} onEvent
   * @param {AbortSignal} [signal]
   */
  async stream(type, params, onEvent, signal) {
    const res = await this.post(type, params, signal);
    if (!res.ok) throw await errorFrom(res);
    const ctype = res.headers.get("content-type") || "";
    if (!ctype.includes("text/event-stream")) {
      // Some servers answer an error as JSON with 200; show what came back.
      const text = await res.text();
      let message = `Expected an event stream for ${type}, got ${ctype || "no content type"}`;
      try {
        const body = JSON.parse(text);
        if (body && body.error) message = String(body.error.message ?? body.error.code ?? message);
      } catch {
        /* keep the generic message */
      }
      throw new ApiError(message, res.status);
    }
    if (!res.body) throw new ApiError("The event stream has no body", res.status);
    const reader = res.body.getReader();
    const decoder = new TextDecoder();
    const parser = new SSEParser();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const data of parser.push(decoder.decode(value, { stream: true }))) onEvent(parseEvent(data));
      }
      for (const data of parser.push(decoder.decode())) onEvent(parseEvent(data));
      for (const data of parser.end()) onEvent(parseEvent(data));
    } catch (err) {
      if (isAbort(err) || signal?.aborted) throw err;
      throw new ApiError(`The event stream broke off: ${err instanceof Error ? err.message : String(err)}`, 0);
    } finally {
      reader.releaseLock();
    }
  }

  /**
   * An object URL for a same-origin resource that needs the credential
   * (attachment previews); other URLs are returned as they are.
   * @param {string} url
   * @returns {Promise<string>}
   */
  async authedUrl(url) {
    const target = new URL(url, location.href);
    if (this.config.auth.mode === "anonymous" || target.origin !== location.origin) return url;
    const res = await fetch(target, { headers: this.authHeaders() });
    if (!res.ok) throw await errorFrom(res);
    return URL.createObjectURL(await res.blob());
  }

  /**
   * Two-phase upload (protocol §7.10): `attachments.create`, then the bytes to
   * the upload descriptor as a multipart form with a `file` field.
   * @param {File} file
   * @returns {Promise<any>} the attachment
   */
  async upload(file) {
    const attachment = await this.request("attachments.create", {
      name: file.name,
      size: file.size,
      mime_type: file.type || "application/octet-stream",
    });
    const desc = attachment && attachment.upload_descriptor;
    if (desc && typeof desc.url === "string") {
      const url = new URL(desc.url, location.href);
      const form = new FormData();
      form.append("file", file, file.name);
      /** @type {Record<string, string>} */
      const headers = { ...(desc.headers || {}) };
      // Our own server authenticates uploads like every other request;
      // never leak the credential to a foreign upload host.
      if (url.origin === location.origin) Object.assign(headers, this.authHeaders());
      let res;
      try {
        res = await fetch(url, { method: desc.method === "PUT" ? "PUT" : "POST", headers, body: form });
      } catch (err) {
        throw new ApiError(`Upload failed: ${err instanceof Error ? err.message : String(err)}`, 0);
      }
      if (!res.ok) throw await errorFrom(res);
      try {
        const uploaded = await res.json();
        if (uploaded && typeof uploaded === "object" && uploaded.id === attachment.id) return uploaded;
      } catch {
        /* an empty answer is fine */
      }
    }
    return attachment;
  }
}

/**
 * @param {unknown} err
 * @returns {boolean}
 */
export function isAbort(err) {
  return err instanceof DOMException && err.name === "AbortError";
}

/**
 * Fetches a JSON file next to the page (`playground/NAME`).
 * @param {string} name
 * @returns {Promise<any>}
 */
export async function fetchAsset(name) {
  let res;
  try {
    res = await fetch(`playground/${name}`, { headers: { accept: "application/json" } });
  } catch (err) {
    throw new ApiError(`Cannot load ${name}: ${err instanceof Error ? err.message : String(err)}`, 0);
  }
  if (!res.ok) throw await errorFrom(res);
  try {
    return await res.json();
  } catch {
    throw new ApiError(`${name} is not JSON`, res.status);
  }
}
