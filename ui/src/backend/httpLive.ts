// The live view over HTTP: a first view from GET /api/v1/sessions/live and /api/v1/events,
// then the shared WebSocket's messages, gathered into batches. Every (re)connection of the
// socket resynchronises: sessions that ended while it was down must not linger on screen.
import type { LiveMessage, LiveSnapshot } from "./Backend";
import { describeFailure } from "./errors";
import type { LiveFeedHooks } from "./liveFeed";
import { CLOSE_TOO_SLOW, type LiveSocket, type SocketMessage } from "./liveSocket";

export type HttpLiveOptions = {
  socket: LiveSocket;
  /** The first view: live sessions and the latest events. */
  fetchSnapshot: () => Promise<LiveSnapshot>;
  /** Messages are handed over together at most this long after the first of them arrived. */
  batchWindowMs: number;
  /** Wait before asking again for a first view that failed. */
  resyncRetryMs: number;
};

const LIVE_TYPES: ReadonlySet<string> = new Set(["event", "session", "stats", "health"]);

function isLiveMessage(message: SocketMessage): boolean {
  return LIVE_TYPES.has(message.type) && typeof message.data === "object" && message.data !== null;
}

export function connectHttpLive(options: HttpLiveOptions, hooks: LiveFeedHooks): () => void {
  const { socket } = options;
  let stopped = false;
  /** Messages waiting for the batch window to close. */
  let pending: LiveMessage[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;
  /** While a first view is on its way: messages that must follow it, not precede it. */
  let backlog: LiveMessage[] | null = null;
  let resyncDue = true;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  // Bumped by every resync and by a close: only the newest first view may be delivered.
  let generation = 0;

  function flush(): void {
    clearTimeout(flushTimer);
    flushTimer = undefined;
    if (pending.length === 0) return;
    const messages = pending;
    pending = [];
    hooks.deliver({ kind: "messages", messages });
  }

  function queue(message: LiveMessage): void {
    pending.push(message);
    flushTimer ??= setTimeout(flush, options.batchWindowMs);
  }

  function resync(): void {
    resyncDue = false;
    clearTimeout(retryTimer);
    generation += 1;
    const mine = generation;
    // From now on, messages wait for the first view: it may or may not include them, and the
    // reducer copes with both (events are kept once, the newer session report wins). A retry
    // keeps what waited since the failed attempt: on an open socket nothing is out of order.
    backlog ??= [];
    options.fetchSnapshot().then(
      (snapshot) => {
        if (stopped || mine !== generation) return;
        flush();
        hooks.deliver({ kind: "snapshot", snapshot });
        const after = backlog ?? [];
        backlog = null;
        if (after.length > 0) hooks.deliver({ kind: "messages", messages: after });
      },
      (failure: unknown) => {
        if (stopped || mine !== generation) return;
        hooks.fail(failure instanceof Error ? failure : new Error(describeFailure(failure)));
        retryTimer = setTimeout(() => {
          if (!stopped && mine === generation && socket.isFlowing()) resync();
          else resyncDue = true;
        }, options.resyncRetryMs);
      },
    );
  }

  const stopListening = socket.listen({
    onMessage(message) {
      // The engine subscribes this client before it sends its first message (health): ask for
      // the first view only then, so nothing published in between is missed.
      if (resyncDue) resync();
      if (!isLiveMessage(message)) return;
      const live = message as LiveMessage;
      if (backlog !== null) backlog.push(live);
      else queue(live);
    },
    onClose({ code, reason }) {
      flush();
      generation += 1;
      backlog = null;
      resyncDue = true;
      clearTimeout(retryTimer);
      const why =
        code === CLOSE_TOO_SLOW
          ? `Live updates fell behind${reason ? ` (${reason})` : ""}; reconnecting…`
          : "Live updates were interrupted; reconnecting…";
      hooks.fail(new Error(why));
    },
  });
  // The socket may be open and flowing already (live health shares it).
  if (socket.isFlowing()) resync();

  return () => {
    stopped = true;
    clearTimeout(flushTimer);
    clearTimeout(retryTimer);
    stopListening();
  };
}
