// The app's section navigation: Live (first, the default), History, Analytics, Health, Pipeline, Dead letters,
// Duplicates, Replay, Logs and Settings, as ARIA tabs (arrow keys, Home and End move between them). Each is a route
// (router/hashRoute.ts); the shell navigates on select.
import { useRef, type KeyboardEvent } from "react";
import { formatCount } from "../format/humanize";
import type { SectionId } from "../router/hashRoute";
import "./layout.css";

export type { SectionId };

export const SECTIONS: ReadonlyArray<{ id: SectionId; label: string }> = [
  { id: "live", label: "Live" },
  { id: "history", label: "History" },
  { id: "analytics", label: "Analytics" },
  { id: "health", label: "Health" },
  { id: "pipeline", label: "Pipeline" },
  { id: "dlq", label: "Dead letters" },
  { id: "duplicates", label: "Duplicates" },
  { id: "replay", label: "Replay" },
  { id: "logs", label: "Logs" },
  { id: "settings", label: "Settings" },
];

type SectionTabsProps = {
  active: SectionId;
  onSelect: (section: SectionId) => void;
  /** Dead letters waiting, shown on their tab when above zero. */
  dlqCount?: number | null;
};

export function SectionTabs({ active, onSelect, dlqCount = null }: SectionTabsProps) {
  const tabs = useRef(new Map<SectionId, HTMLButtonElement>());

  function onKeyDown(event: KeyboardEvent<HTMLButtonElement>, index: number) {
    const last = SECTIONS.length - 1;
    const target =
      event.key === "ArrowRight"
        ? (index + 1) % SECTIONS.length
        : event.key === "ArrowLeft"
          ? (index - 1 + SECTIONS.length) % SECTIONS.length
          : event.key === "Home"
            ? 0
            : event.key === "End"
              ? last
              : null;
    if (target === null) return;
    event.preventDefault();
    const section = SECTIONS[target]!.id;
    onSelect(section);
    tabs.current.get(section)?.focus();
  }

  return (
    <nav className="section-tabs" aria-label="Sections">
      <ul className="section-tabs__list" role="tablist">
        {SECTIONS.map((section, index) => {
          const selected = section.id === active;
          const count = section.id === "dlq" && dlqCount !== null && dlqCount > 0 ? dlqCount : null;
          return (
            <li key={section.id} role="presentation">
              <button
                type="button"
                role="tab"
                id={`tab-${section.id}`}
                aria-controls={`section-${section.id}`}
                aria-selected={selected}
                tabIndex={selected ? 0 : -1}
                className="section-tabs__tab"
                aria-label={count === null ? undefined : `${section.label}, ${formatCount(count)} waiting`}
                data-testid={`tab-${section.id}`}
                ref={(element) => {
                  if (element === null) tabs.current.delete(section.id);
                  else tabs.current.set(section.id, element);
                }}
                onClick={() => onSelect(section.id)}
                onKeyDown={(event) => onKeyDown(event, index)}
              >
                {section.label}
                {count !== null && (
                  <span className="section-tabs__count" data-testid="tab-dlq-count" aria-hidden="true">
                    {formatCount(count)}
                  </span>
                )}
              </button>
            </li>
          );
        })}
      </ul>
    </nav>
  );
}
