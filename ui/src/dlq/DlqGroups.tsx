// The dead letters as "issues": one row per source, kind and error code with its count, first and
// last failure and a sample error, so a thousand copies of one broken sender read as one problem.
// Each issue can be shown in the list, retried as a job or deleted, after a confirmation that
// says how many entries it affects.
import { useEffect, useRef, useState } from "react";
import type { DlqFilter, DlqGroup } from "../backend/Backend";
import { formatCount } from "../format/humanize";
import { formatDateTime } from "../format/time";
import { SourceBadge } from "../media/SourceBadge";
import { DlqKindBadge } from "./DlqKindBadge";
import "./dlq.css";

/** The filter that covers exactly `group` within the list's current filter. */
export function groupFilter(group: DlqGroup, within: DlqFilter): DlqFilter {
  const filter: DlqFilter = { ...within, kind: group.kind };
  if (group.source !== null) filter.source = group.source as DlqFilter["source"];
  if (group.code !== null) filter.code = group.code;
  return filter;
}

export function groupKey(group: DlqGroup): string {
  return `${group.source ?? "-"}/${group.kind}/${group.code ?? "-"}`;
}

type Confirming = { key: string; action: "retry" | "delete" };

type DlqGroupsProps = {
  groups: readonly DlqGroup[] | null;
  loading: boolean;
  error: string | null;
  /** A bulk action is running: the group actions wait for it. */
  busy: boolean;
  onShow: (group: DlqGroup) => void;
  onRetry: (group: DlqGroup) => void;
  onDelete: (group: DlqGroup) => void;
  onReload: () => void;
};

export function DlqGroups({ groups, loading, error, busy, onShow, onRetry, onDelete, onReload }: DlqGroupsProps) {
  const [confirming, setConfirming] = useState<Confirming | null>(null);
  const cancel = useRef<HTMLButtonElement>(null);

  // The confirmation takes the focus, on its harmless choice.
  useEffect(() => {
    if (confirming !== null) cancel.current?.focus();
  }, [confirming]);

  if (error !== null) {
    return (
      <div className="notice notice--error" role="alert" data-testid="dlq-groups-error">
        <p className="notice__text">Could not group the dead letters: {error}</p>
        <button type="button" className="button button--small" onClick={onReload}>
          Try again
        </button>
      </div>
    );
  }
  if (groups === null) {
    return loading ? (
      <p className="dlq-empty" role="status" data-testid="dlq-groups-loading">
        Grouping dead letters…
      </p>
    ) : null;
  }
  // No issues: the list below says why (nothing failed, or nothing matches).
  if (groups.length === 0) return null;

  return (
    <section className="dlq-groups" aria-labelledby="dlq-groups-title" data-testid="dlq-groups">
      <h3 className="dlq-groups__title" id="dlq-groups-title">
        {groups.length === 1 ? "1 issue" : `${formatCount(groups.length)} issues`}
      </h3>
      <ul className="dlq-groups__list">
        {groups.map((group) => {
          const key = groupKey(group);
          const count = formatCount(group.count);
          const asking = confirming?.key === key ? confirming.action : null;
          return (
            <li key={key} className="dlq-group" data-testid="dlq-group" data-group={key}>
              <div className="dlq-group__what">
                <DlqKindBadge kind={group.kind} />
                {group.source !== null && <SourceBadge source={group.source} />}
                <code className="dlq-group__code">{group.code ?? "no code"}</code>
                <span className="dlq-group__count" data-testid="dlq-group-count">
                  {count} {group.count === 1 ? "entry" : "entries"}
                </span>
              </div>
              <p className="dlq-group__sample" title={group.sample_error}>
                {group.sample_error}
              </p>
              <p className="dlq-group__when">
                First {formatDateTime(group.first_failed_at)} · last {formatDateTime(group.last_failed_at)}
              </p>
              {asking === null ? (
                <div className="dlq-group__actions">
                  <button type="button" className="button button--small" data-testid="dlq-group-show" onClick={() => onShow(group)}>
                    Show entries
                  </button>
                  <button
                    type="button"
                    className="button button--small"
                    data-testid="dlq-group-retry"
                    disabled={busy}
                    onClick={() => setConfirming({ key, action: "retry" })}
                  >
                    Retry all…
                  </button>
                  <button
                    type="button"
                    className="button button--small button--danger"
                    data-testid="dlq-group-delete"
                    disabled={busy}
                    onClick={() => setConfirming({ key, action: "delete" })}
                  >
                    Delete all…
                  </button>
                </div>
              ) : (
                <div className="dlq-group__confirm" role="alertdialog" aria-labelledby={`dlq-confirm-${key}`}>
                  <p id={`dlq-confirm-${key}`} data-testid="dlq-group-estimate">
                    {asking === "retry"
                      ? `Retry affects ${count} ${group.count === 1 ? "entry" : "entries"}: each is parsed and stored again; what still fails stays here.`
                      : `Delete affects ${count} ${group.count === 1 ? "entry" : "entries"}: they are gone for good.`}
                  </p>
                  <button
                    type="button"
                    className={asking === "delete" ? "button button--small button--danger" : "button button--small button--primary"}
                    data-testid="dlq-group-confirm"
                    onClick={() => {
                      setConfirming(null);
                      if (asking === "retry") onRetry(group);
                      else onDelete(group);
                    }}
                  >
                    {asking === "retry" ? `Retry ${count}` : `Delete ${count}`}
                  </button>
                  <button type="button" className="button button--small" ref={cancel} onClick={() => setConfirming(null)}>
                    Cancel
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
