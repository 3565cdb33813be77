// The browser host's one WebSocket to /api/v1/ws, shared by live health and the live view:
// open while anyone listens, reconnecting with exponential backoff when it closes.
// Messages are `{"type": …, "data": …}` JSON; anything else is dropped here.

/** The part of the browser WebSocket this module uses, so tests can inject a fake. */
export interface WebSocketLike {
  onopen: ((event: Event) => void) | null;
  onmessage: ((event: MessageEvent) => void) | null;
  onclose: ((event: CloseEvent) => void) | null;
  onerror: ((event: Event) => void) | null;
  close(): void;
}

export type WebSocketConstructorLike = new (url: string) => WebSocketLike;

/** One `{"type", "data"}` message as it came off the socket, not yet checked further. */
export type SocketMessage = { type: string; data: unknown };

/** Close code the engine uses for a client that stopped reading or fell behind. */
export const CLOSE_TOO_SLOW = 1008;

export type LiveSocketListener = {
  onOpen?(): void;
  onMessage?(message: SocketMessage): void;
  /** The socket closed (or failed to open); a reconnect is already scheduled. */
  onClose?(close: { code: number; reason: string }): void;
};

export type LiveSocketOptions = {
  url: string;
  WebSocket: WebSocketConstructorLike;
  reconnectInitialDelayMs: number;
  reconnectMaxDelayMs: number;
};

export type LiveSocket = {
  listen(listener: LiveSocketListener): () => void;
  /** Open right now. */
  isOpen(): boolean;
  /**
   * Open and already delivered a message on this connection: the engine has subscribed this
   * client to its live feed (it sends health first), so nothing published from now on is missed.
   */
  isFlowing(): boolean;
};

export function createLiveSocket(options: LiveSocketOptions): LiveSocket {
  const listeners = new Set<LiveSocketListener>();
  let socket: WebSocketLike | null = null;
  let open = false;
  let flowing = false;
  let reconnectDelayMs = options.reconnectInitialDelayMs;
  let reconnectTimer: ReturnType<typeof setTimeout> | undefined;

  function each(call: (listener: LiveSocketListener) => void): void {
    for (const listener of [...listeners]) call(listener);
  }

  function parse(data: unknown): SocketMessage | null {
    if (typeof data !== "string") return null;
    let message: unknown;
    try {
      message = JSON.parse(data);
    } catch {
      return null; // Not JSON: nothing this UI understands.
    }
    if (typeof message !== "object" || message === null) return null;
    const { type, data: payload } = message as { type?: unknown; data?: unknown };
    return typeof type === "string" ? { type, data: payload } : null;
  }

  function openSocket(): void {
    let opened: WebSocketLike;
    try {
      opened = new options.WebSocket(options.url);
    } catch {
      scheduleReconnect();
      return;
    }
    socket = opened;
    // Handlers check `socket === opened` so a socket we already gave up on cannot act.
    opened.onopen = () => {
      if (socket !== opened) return;
      open = true;
      reconnectDelayMs = options.reconnectInitialDelayMs;
      each((listener) => listener.onOpen?.());
    };
    opened.onmessage = (event) => {
      if (socket !== opened) return;
      const message = parse(event.data);
      if (message === null) return;
      flowing = true;
      each((listener) => listener.onMessage?.(message));
    };
    opened.onerror = () => {
      // Nothing to do: a failed socket always follows up with `close`.
    };
    opened.onclose = (event) => {
      if (socket !== opened) return;
      socket = null;
      open = false;
      flowing = false;
      scheduleReconnect();
      const close = { code: event?.code ?? 1006, reason: event?.reason ?? "" };
      each((listener) => listener.onClose?.(close));
    };
  }

  function scheduleReconnect(): void {
    if (listeners.size === 0) return;
    reconnectTimer = setTimeout(() => {
      reconnectTimer = undefined;
      if (listeners.size > 0) openSocket();
    }, reconnectDelayMs);
    reconnectDelayMs = Math.min(reconnectDelayMs * 2, options.reconnectMaxDelayMs);
  }

  function stop(): void {
    clearTimeout(reconnectTimer);
    reconnectTimer = undefined;
    reconnectDelayMs = options.reconnectInitialDelayMs;
    const closing = socket;
    socket = null;
    open = false;
    flowing = false;
    closing?.close();
  }

  return {
    listen(listener) {
      listeners.add(listener);
      if (listeners.size === 1) openSocket();
      return () => {
        if (!listeners.delete(listener)) return;
        if (listeners.size === 0) stop();
      };
    },
    isOpen: () => open,
    isFlowing: () => flowing,
  };
}
