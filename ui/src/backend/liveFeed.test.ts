// The live fan-out shared by both hosts: one connection, a mirror for late subscribers, and
// connecting / disconnecting with the first and last subscriber.
import { describe, expect, it, vi } from "vitest";
import type { LiveBatch } from "./Backend";
import { createLiveFeed, type LiveFeedHooks } from "./liveFeed";
import { jetstreamStats, liveSession, mediaEvent } from "../test/fixtures";

const snapshot: LiveBatch = { kind: "snapshot", snapshot: { sessions: [liveSession()], recent_events: [mediaEvent()] } };
const started: LiveBatch = {
  kind: "messages",
  messages: [
    { type: "event", data: mediaEvent({ event_id: "ev-2" }) },
    { type: "session", data: liveSession({ session_id: "s-ev-2" }, { as_of: "2026-11-27T13:44:00Z" }) },
  ],
};

function hostFeed(keepConnected = false) {
  let hooks: LiveFeedHooks | null = null;
  const disconnect = vi.fn();
  const connect = vi.fn((given: LiveFeedHooks) => {
    hooks = given;
    return disconnect;
  });
  let clock = 1_000;
  const feed = createLiveFeed({ connect, keepConnected, now: () => clock });
  return {
    feed,
    connect,
    disconnect,
    deliver: (batch: LiveBatch) => hooks?.deliver(batch),
    fail: (error: Error) => hooks?.fail(error),
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe("createLiveFeed", () => {
  it("connects with the first subscriber and hands every subscriber the host's batches in order", () => {
    const host = hostFeed();
    const first = vi.fn();
    const second = vi.fn();
    host.feed.subscribe(first);
    host.feed.subscribe(second);

    expect(host.connect).toHaveBeenCalledOnce();
    host.deliver(snapshot);
    host.deliver(started);

    expect(first.mock.calls.map(([batch]) => batch)).toEqual([snapshot, started]);
    expect(second.mock.calls.map(([batch]) => batch)).toEqual([snapshot, started]);
  });

  it("gives a late subscriber the state so far as a snapshot, positions brought forward, then the figures", async () => {
    const host = hostFeed();
    host.feed.subscribe(() => {});
    host.deliver(snapshot);
    host.deliver(started);
    host.deliver({ kind: "messages", messages: [{ type: "stats", data: jetstreamStats }] });
    host.advance(4_000);

    const late = vi.fn();
    host.feed.subscribe(late);
    expect(late).not.toHaveBeenCalled();
    await Promise.resolve();

    expect(host.connect).toHaveBeenCalledOnce();
    const [catchUp] = late.mock.calls[0] ?? [];
    expect(catchUp.kind).toBe("snapshot");
    expect(catchUp.snapshot.sessions.map((live: { session: { session_id: string }; position_ms: number }) => [live.session.session_id, live.position_ms])).toEqual([
      ["s-ev-1", 604_000],
      ["s-ev-2", 604_000],
    ]);
    expect(catchUp.snapshot.recent_events.map((event: { event_id: string }) => event.event_id)).toEqual(["ev-2", "ev-1"]);
    expect(late.mock.calls[1]?.[0]).toEqual({ kind: "messages", messages: [{ type: "stats", data: jetstreamStats }] });
  });

  it("gives a late subscriber the snapshot instead of a batch that beats its catch-up", () => {
    const host = hostFeed();
    host.feed.subscribe(() => {});
    host.deliver(snapshot);
    const late = vi.fn();
    host.feed.subscribe(late);

    host.deliver(started);

    expect(late).toHaveBeenCalledOnce();
    const [batch] = late.mock.calls[0] ?? [];
    expect(batch.kind).toBe("snapshot");
    expect(batch.snapshot.sessions).toHaveLength(2);
  });

  it("lets a subscriber who joins before the first snapshot wait for it", async () => {
    const host = hostFeed();
    host.feed.subscribe(() => {});
    const early = vi.fn();
    host.feed.subscribe(early);
    await Promise.resolve();
    expect(early).not.toHaveBeenCalled();

    host.deliver(snapshot);
    expect(early).toHaveBeenCalledExactlyOnceWith(snapshot);
  });

  it("reports interruptions, also to subscribers who join before the next snapshot", async () => {
    const host = hostFeed();
    const onError = vi.fn();
    host.feed.subscribe(() => {}, onError);
    host.deliver(snapshot);
    host.fail(new Error("Live updates were interrupted; reconnecting…"));
    expect(onError).toHaveBeenCalledOnce();

    const lateError = vi.fn();
    host.feed.subscribe(() => {}, lateError);
    await Promise.resolve();
    expect(lateError.mock.calls[0]?.[0].message).toBe("Live updates were interrupted; reconnecting…");

    host.deliver(snapshot);
    const afterRecovery = vi.fn();
    host.feed.subscribe(() => {}, afterRecovery);
    await Promise.resolve();
    expect(afterRecovery).not.toHaveBeenCalled();
  });

  it("disconnects with the last subscriber and starts over with the next", () => {
    const host = hostFeed();
    const unsubscribeFirst = host.feed.subscribe(() => {});
    const unsubscribeSecond = host.feed.subscribe(() => {});
    host.deliver(snapshot);

    unsubscribeFirst();
    expect(host.disconnect).not.toHaveBeenCalled();
    unsubscribeSecond();
    unsubscribeSecond();
    expect(host.disconnect).toHaveBeenCalledOnce();

    const next = vi.fn();
    host.feed.subscribe(next);
    expect(host.connect).toHaveBeenCalledTimes(2);
    host.deliver(snapshot);
    expect(next).toHaveBeenCalledExactlyOnceWith(snapshot);
  });

  it("with keepConnected, stays connected and mirroring with no one listening", async () => {
    const host = hostFeed(true);
    host.feed.subscribe(() => {})();
    host.deliver(snapshot);
    host.deliver(started);
    expect(host.disconnect).not.toHaveBeenCalled();

    const next = vi.fn();
    host.feed.subscribe(next);
    await Promise.resolve();

    expect(host.connect).toHaveBeenCalledOnce();
    expect(next.mock.calls[0]?.[0].snapshot.sessions).toHaveLength(2);
  });
});
