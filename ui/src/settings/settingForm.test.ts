// The Settings form's pure logic: drafts from the engine's values, only real changes sent, and
// the engine's "<key>: reason" refusals mapped back to their field.
import { describe, expect, it } from "vitest";
import { settingsView } from "../test/settingsFixtures";
import { changesFrom, fieldOfError, formatDuration, isLoopbackAddress, toDraft } from "./settingForm";

const settings = settingsView.settings;

describe("settings form", () => {
  it("drafts every editable setting, durations spelled out and secrets blank", () => {
    const draft = toDraft(settings);
    expect(draft["writer_flush_interval"]).toBe("5s");
    expect(draft["session_timeout"]).toBe("6h");
    expect(draft["nats_token"]).toBe("");
    expect(draft["start_at_login"]).toBe(false);
    expect(draft["ws_port"]).toBe("");
    expect("api_token" in draft).toBe(false);
  });

  it("sends only what changed, numbers as numbers, blanks as null, and never a locked setting", () => {
    const saved = toDraft(settings);
    const draft = {
      ...saved,
      nats_retention_days: "3",
      writer_flush_interval: "250ms",
      ws_port: "",
      theme: "dark",
      keep_in_tray: true,
      writer_batch_size: "500",
      dlq_max_entries: "lots",
    };
    expect(changesFrom(settings, saved, draft)).toEqual({
      nats_retention_days: 3,
      writer_flush_interval: "250ms",
      theme: "dark",
      keep_in_tray: true,
      dlq_max_entries: "lots",
    });
    expect(changesFrom(settings, saved, { ...saved, listen: " " })).toEqual({ listen: null });
    expect(changesFrom(settings, saved, { ...saved, nats_token: "s3cret" })).toEqual({ nats_token: "s3cret" });
  });

  it("names durations as the engine does and knows a loopback address", () => {
    expect([250, 5000, 120000, 21600000, 0].map(formatDuration)).toEqual(["250ms", "5s", "2m", "6h", "0s"]);
    expect(isLoopbackAddress("127.0.0.1:3857")).toBe(true);
    expect(isLoopbackAddress("[::1]:3857")).toBe(true);
    expect(isLoopbackAddress("0.0.0.0:3857")).toBe(false);
    expect(isLoopbackAddress("192.168.1.20:3857")).toBe(false);
  });

  it("finds the field the engine named", () => {
    expect(fieldOfError("writer_batch_size: expected a whole number from 1 to 100000", ["writer_batch_size"])).toEqual([
      "writer_batch_size",
      "expected a whole number from 1 to 100000",
    ]);
    expect(fieldOfError("settings file: broken", ["theme"])).toBeNull();
  });
});
