// @ts-check
// Client-side registries: client tools (the model calls them through a
// `client_tool_call` item; ChatKit's `onClientTool`), client widget actions
// (`handler: "client"`; ChatKit's `widgets.onAction`) and client effects
// (`client_effect` events). The app registers its handlers at startup.

/** @typedef {import("./widgets.js").ActionConfig} ActionConfig */
/** @typedef {(args: Record<string, unknown>) => unknown} ClientTool */
/** @typedef {(action: ActionConfig, itemId: string | null) => void | Promise<void>} ClientAction */
/** @typedef {(data: Record<string, unknown>) => void} ClientEffect */

export class ClientRegistry {
  constructor() {
    /** @type {Map<string, ClientTool>} */
    this.tools = new Map();
    /** @type {Map<string, ClientAction>} */
    this.actions = new Map();
    /** @type {Map<string, ClientEffect>} */
    this.effects = new Map();
    /** Everything client-side that happened, newest last (for debugging and tests). */
    /** @type {Array<{ kind: string, name: string, data: unknown }>} */
    this.log = [];
  }

  /**
   * Runs a client tool; never throws. Unknown tools and failures become an
   * `{error}` result, which goes back to the server like any result.
   * @param {string} name
   * @param {unknown} args
   * @returns {Promise<unknown>}
   */
  async runTool(name, args) {
    const tool = this.tools.get(name);
    this.log.push({ kind: "tool", name, data: args });
    if (!tool) return { error: `Unknown client tool: ${name}` };
    try {
      const result = await tool(args && typeof args === "object" ? /** @type {Record<string, unknown>} */ (args) : {});
      return result === undefined ? { success: true } : result;
    } catch (err) {
      return { error: err instanceof Error ? err.message : String(err) };
    }
  }

  /**
   * Runs a `handler: "client"` widget action. Unregistered types are logged.
   * @param {ActionConfig} action
   * @param {string | null} itemId
   */
  async runAction(action, itemId) {
    this.log.push({ kind: "action", name: action.type, data: action.payload });
    console.info("chatkit playground: client action", action.type, action.payload ?? null);
    const handler = this.actions.get(action.type);
    if (handler) await handler(action, itemId);
  }

  /**
   * @param {string} name
   * @param {unknown} data
   */
  runEffect(name, data) {
    this.log.push({ kind: "effect", name, data });
    console.info("chatkit playground: client effect", name, data);
    const handler = this.effects.get(name);
    if (handler) {
      try {
        handler(data && typeof data === "object" ? /** @type {Record<string, unknown>} */ (data) : {});
      } catch (err) {
        console.warn("chatkit playground: client effect failed", err);
      }
    }
  }
}
