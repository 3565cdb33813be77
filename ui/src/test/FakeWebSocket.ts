// An in-memory WebSocket for httpBackend tests: records every instance so a test can open,
// message and close it by hand.
import type { WebSocketLike } from "../backend/liveSocket";

export class FakeWebSocket implements WebSocketLike {
  static instances: FakeWebSocket[] = [];

  onopen: ((event: Event) => void) | null = null;
  onmessage: ((event: MessageEvent) => void) | null = null;
  onclose: ((event: CloseEvent) => void) | null = null;
  onerror: ((event: Event) => void) | null = null;
  closedByClient = false;

  constructor(readonly url: string) {
    FakeWebSocket.instances.push(this);
  }

  static reset(): void {
    FakeWebSocket.instances = [];
  }

  static latest(): FakeWebSocket {
    const socket = FakeWebSocket.instances.at(-1);
    if (socket === undefined) throw new Error("no WebSocket was opened");
    return socket;
  }

  close(): void {
    this.closedByClient = true;
  }

  simulateOpen(): void {
    this.onopen?.(new Event("open"));
  }

  simulateMessage(message: unknown): void {
    const data = typeof message === "string" ? message : JSON.stringify(message);
    this.onmessage?.(new MessageEvent("message", { data }));
  }

  simulateClose(code = 1006, reason = ""): void {
    this.onclose?.(new CloseEvent("close", { code, reason }));
  }
}
