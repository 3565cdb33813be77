// A dead letter's kind (rejected, permanent, exhausted) as a tag, its meaning on hover.
import { dlqKindMeaning, dlqKindName } from "../media/labels";
import "./dlq.css";

export function DlqKindBadge({ kind }: { kind: string }) {
  return (
    <span className="tag dlq-kind" data-kind={kind} title={dlqKindMeaning(kind)}>
      {dlqKindName(kind)}
    </span>
  );
}
