// How engine parts are listed and named: the core three in pipeline order, anything newer after them.
import type { Health, PartHealth } from "../backend/Backend";

/** Order of the parts a webhook flows through; keys the engine adds later follow alphabetically. */
const CORE_PART_ORDER = ["listener", "nats", "duckdb"] as const;

const PART_NAMES: Readonly<Record<string, string>> = {
  listener: "Listener",
  nats: "NATS JetStream",
  duckdb: "DuckDB",
};

export type NamedPart = { key: string; name: string; health: PartHealth };

export function orderedParts(parts: Health["parts"]): NamedPart[] {
  const present = Object.entries(parts).filter((entry): entry is [string, PartHealth] => entry[1] !== undefined);
  const rank = (key: string) => {
    const index = (CORE_PART_ORDER as readonly string[]).indexOf(key);
    return index === -1 ? CORE_PART_ORDER.length : index;
  };
  return present
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([key, health]) => ({ key, name: partDisplayName(key), health }));
}

/** Known parts get their product name; unknown keys are title-cased ("web_ui" → "Web Ui"). */
export function partDisplayName(key: string): string {
  const known = PART_NAMES[key];
  if (known !== undefined) return known;
  return key
    .split(/[\s_-]+/)
    .filter((word) => word.length > 0)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join(" ");
}
