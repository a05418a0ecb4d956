// The transport of `studio serve`: each request posted in the core's envelope to the generic
// route (same-origin; the token travels in the cookie the server set when the page was opened
// with ?token=), and a WebSocket per open project.
import { StudioClient, backendError, type Transport } from "./client";
import type { StudioEvent } from "./types";

export class HttpTransport implements Transport {
  constructor(private base = "") {}

  async send(envelope: object): Promise<unknown> {
    const res = await fetch(`${this.base}/api/v1/studio/requests`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(envelope),
      credentials: "same-origin",
    });
    const text = await res.text();
    const json = text ? JSON.parse(text) : null;
    if (!res.ok) throw backendError(json, res.statusText, res.status);
    return json;
  }

  watch(id: string, onEvent: (event: StudioEvent) => void): () => void {
    const url = new URL(`${this.base || window.location.origin}/ws/v1/studio/projects/${id}`);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    let socket: WebSocket | null = new WebSocket(url);
    socket.onmessage = (msg) => onEvent(JSON.parse(String(msg.data)) as StudioEvent);
    return () => {
      socket?.close();
      socket = null;
    };
  }
}

/** The client in the browser. */
export class HttpBackend extends StudioClient {
  constructor(base = "") {
    super(new HttpTransport(base));
  }
}
