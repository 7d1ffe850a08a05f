// @ts-check
// The widget preview page (`#/preview`): paste widget JSON, see it rendered
// live; plus the gallery from `playground/gallery.json`. Widget actions here
// go to a log instead of the server.
//
// DOM: `#preview-input` (textarea), `#preview-output` (rendered widget),
// `#preview-error` (JSON errors, visible when not `hidden`), `#preview-log`
// (`[data-preview-action]` entries), `#gallery` with one
// `[data-gallery-entry="<name>"]` per entry (`.gallery-render` and
// `.gallery-json` inside).

import { fetchAsset } from "./api.js";
import { renderWidget } from "./widgets.js";

/** @typedef {import("./widgets.js").ActionConfig} ActionConfig */

const SAMPLE = {
  type: "Card",
  size: "md",
  status: { text: "Preview", icon: "sparkle" },
  children: [
    { type: "Title", value: "Hello, widgets", size: "lg" },
    { type: "Text", value: "Edit the JSON on the left; the card re-renders as you type.", color: "secondary" },
    {
      type: "Row",
      gap: 2,
      children: [
        { type: "Badge", label: "new", color: "success" },
        { type: "Spacer" },
        { type: "Button", label: "Click me", iconStart: "bolt", onClickAction: { type: "demo.click", payload: { n: 1 } } },
      ],
    },
  ],
};

let started = false;

/**
 * Sets the preview page up (once).
 * @param {{ gallery: boolean }} config
 */
export function initPreview(config) {
  if (started) return;
  started = true;
  const input = /** @type {HTMLTextAreaElement} */ (document.getElementById("preview-input"));
  const output = /** @type {HTMLElement} */ (document.getElementById("preview-output"));
  const error = /** @type {HTMLElement} */ (document.getElementById("preview-error"));
  const log = /** @type {HTMLElement} */ (document.getElementById("preview-log"));

  /**
   * @param {ActionConfig} action
   * @param {HTMLElement} source
   */
  const onAction = (action, source) => {
    const li = document.createElement("li");
    li.dataset.previewAction = action.type;
    const code = document.createElement("code");
    code.textContent = `${action.type} ${JSON.stringify(action.payload ?? null)}${action.handler === "client" ? " (client)" : ""}`;
    li.appendChild(code);
    log.prepend(li);
    while (log.children.length > 20) log.lastElementChild?.remove();
    void source;
  };

  const render = () => {
    const text = input.value;
    if (!text.trim()) {
      output.replaceChildren();
      error.hidden = true;
      return;
    }
    let value;
    try {
      value = JSON.parse(text);
    } catch (err) {
      error.textContent = `JSON error: ${err instanceof Error ? err.message : String(err)}`;
      error.hidden = false;
      return; // keep the last good render on screen while typing
    }
    error.hidden = true;
    output.replaceChildren(renderWidget(value, { onAction }));
  };

  input.value = JSON.stringify(SAMPLE, null, 2);
  let timer = 0;
  input.addEventListener("input", () => {
    clearTimeout(timer);
    timer = window.setTimeout(render, 120);
  });
  render();

  if (config.gallery) loadGallery(input, render, onAction);
}

/**
 * @param {HTMLTextAreaElement} input
 * @param {() => void} render
 * @param {(action: ActionConfig, source: HTMLElement) => void} onAction
 */
async function loadGallery(input, render, onAction) {
  const section = /** @type {HTMLElement} */ (document.getElementById("gallery-section"));
  const gallery = /** @type {HTMLElement} */ (document.getElementById("gallery"));
  section.hidden = false;
  document.body.dataset.galleryLoaded = "false";
  try {
    const entries = await fetchAsset("gallery.json");
    if (!Array.isArray(entries)) throw new Error("gallery.json is not a list");
    for (const entry of entries) {
      if (!entry || typeof entry !== "object") continue;
      const name = String(entry.name ?? "untitled");
      const card = document.createElement("article");
      card.className = "gallery-entry";
      card.dataset.galleryEntry = name;
      const head = document.createElement("div");
      head.className = "gallery-head";
      const title = document.createElement("h3");
      title.textContent = name;
      const edit = document.createElement("button");
      edit.type = "button";
      edit.className = "btn btn-ghost btn-small";
      edit.dataset.action = "edit";
      edit.textContent = "Open in editor";
      edit.addEventListener("click", () => {
        input.value = JSON.stringify(entry.widget, null, 2);
        render();
        window.scrollTo({ top: 0, behavior: "smooth" });
      });
      head.append(title, edit);
      const body = document.createElement("div");
      body.className = "gallery-body";
      const rendered = document.createElement("div");
      rendered.className = "gallery-render";
      rendered.appendChild(renderWidget(entry.widget, { onAction }));
      const json = document.createElement("pre");
      json.className = "gallery-json";
      json.textContent = JSON.stringify(entry.widget, null, 2);
      body.append(rendered, json);
      card.append(head, body);
      gallery.appendChild(card);
    }
    if (!gallery.children.length) gallery.textContent = "The gallery is empty.";
  } catch (err) {
    const e = document.createElement("div");
    e.className = "preview-error";
    e.dataset.ckError = "gallery";
    e.textContent = `Cannot load the gallery: ${err instanceof Error ? err.message : String(err)}`;
    gallery.replaceChildren(e);
  } finally {
    document.body.dataset.galleryLoaded = "true";
  }
}
