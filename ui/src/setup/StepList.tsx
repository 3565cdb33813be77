// The wizard's steps down the side: where the user is, each step's state, and a way to jump to
// any of them.
import { STEPS, type StepId, type StepStatus } from "./steps";
import "./setup.css";

type StepListProps = {
  current: StepId;
  statuses: Record<StepId, StepStatus>;
  onSelect: (step: StepId) => void;
};

export function StepList({ current, statuses, onSelect }: StepListProps) {
  return (
    <nav className="step-list" aria-label="Setup steps">
      <ol className="step-list__items">
        {STEPS.map((step, index) => {
          const status = statuses[step.id];
          const showState = step.id !== "done";
          return (
            <li key={step.id}>
              <button
                type="button"
                className="step-list__step"
                aria-current={step.id === current ? "step" : undefined}
                data-testid={`setup-step-${step.id}`}
                data-state={status.state}
                title={status.reason ?? undefined}
                onClick={() => onSelect(step.id)}
              >
                <span className="step-list__number" aria-hidden="true">
                  {index + 1}
                </span>
                <span className="step-list__text">
                  <span className="step-list__title">{step.title}</span>
                  {showState && (
                    <span className="step-list__state" data-testid={`setup-step-${step.id}-state`}>
                      <span className="visually-hidden">: </span>
                      {status.label}
                    </span>
                  )}
                </span>
              </button>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}
