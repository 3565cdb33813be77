// The app's section navigation. Only Health exists today; Live, History and DLQ join
// SECTIONS when their views are built (no placeholder screens until then).
import "./layout.css";

export type SectionId = "health";

const SECTIONS: ReadonlyArray<{ id: SectionId; label: string }> = [{ id: "health", label: "Health" }];

export function SectionTabs({ active }: { active: SectionId }) {
  return (
    <nav className="section-tabs" aria-label="Sections">
      <ul className="section-tabs__list" role="tablist">
        {SECTIONS.map((section) => (
          <li key={section.id} role="presentation">
            <button
              type="button"
              role="tab"
              id={`tab-${section.id}`}
              aria-controls={`section-${section.id}`}
              aria-selected={section.id === active}
              className="section-tabs__tab"
            >
              {section.label}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
