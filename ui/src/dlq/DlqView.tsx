// The Dead letters section: what the engine could not store, grouped into issues and listed,
// filtered and paged, with an entry's detail to fix its payload and retry it, delete it, or
// retry or delete everything an issue or the filter covers.
import { useMemo, useState } from "react";
import type { DlqEntry, DlqFilter, DlqGroup, JobStatus } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { engineErrorCode } from "../backend/errors";
import { formatCount } from "../format/humanize";
import { DlqDetail } from "./DlqDetail";
import { DlqFilters } from "./DlqFilters";
import { DlqGroups, groupFilter } from "./DlqGroups";
import { PurgeMatching } from "./PurgeMatching";
import { DlqNotice } from "./DlqNotice";
import { DlqTable } from "./DlqTable";
import { EMPTY_FILTER, isFiltered, toDlqFilter, type DlqFilterForm } from "./dlqFilter";
import { JobProgress } from "./JobProgress";
import { failureNotice, jobNotice, retriedNotice, type Notice } from "./outcome";
import { useDlqActions } from "./useDlqActions";
import { useDlqGroups } from "./useDlqGroups";
import { useDlqList } from "./useDlqList";
import { useJob } from "./useJob";
import "./dlq.css";

export function DlqView() {
  const backend = useBackend();
  const [applied, setApplied] = useState<DlqFilterForm>(EMPTY_FILTER);
  const filter = useMemo(() => toDlqFilter(applied), [applied]);
  const list = useDlqList(filter);
  const groups = useDlqGroups(filter);
  const actions = useDlqActions();
  const [selectedId, setSelectedId] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<Notice | null>(null);
  const [startedJob, setStartedJob] = useState<JobStatus | null>(null);
  const { remove, replace } = list;
  const reloadGroups = groups.reload;

  function reload() {
    list.reload();
    reloadGroups();
  }

  /** A bulk retry that ended: say how it went and show what is left (and the new count). */
  function jobFinished(finished: JobStatus) {
    setNotice(jobNotice(finished));
    setStartedJob(null);
    // The list starts over from its first page; groups and figures follow the invalidation.
    list.reload();
    actions.invalidateRetried();
  }

  const { job, error: jobError } = useJob(startedJob, jobFinished);
  const selected = list.entries.find((entry) => entry.id === selectedId) ?? null;
  const jobRunning = job !== null && job.state === "running";

  function applyFilter(next: DlqFilterForm) {
    setApplied(next);
    setSelectedId(null);
  }

  /** After a failed action: show the entry as the engine now has it (a retry adds an attempt). */
  async function refreshEntry(id: string) {
    try {
      replace(await backend.getDlqEntry(id));
    } catch (failure) {
      if (engineErrorCode(failure) === "not_found") {
        remove(id);
        setSelectedId(null);
      }
    }
  }

  async function retry(entry: DlqEntry, payload: string | null) {
    setBusy(true);
    setNotice(null);
    try {
      const retried = await actions.retry.mutateAsync({ id: entry.id, payload });
      remove(entry.id);
      setSelectedId(null);
      setNotice(retriedNotice(retried));
    } catch (failure) {
      setNotice(failureNotice(payload === null ? "Retry" : "Save & retry", failure));
      await refreshEntry(entry.id);
    } finally {
      setBusy(false);
    }
  }

  async function deleteEntry(entry: DlqEntry) {
    setBusy(true);
    setNotice(null);
    try {
      await actions.remove.mutateAsync(entry.id);
      remove(entry.id);
      setSelectedId(null);
      setNotice({ tone: "success", outcome: "deleted", text: "Deleted the dead letter." });
    } catch (failure) {
      setNotice(failureNotice("Delete", failure));
      await refreshEntry(entry.id);
    } finally {
      setBusy(false);
    }
  }

  async function retryAll(covered: DlqFilter = filter) {
    setNotice(null);
    try {
      const started = await actions.retryMany.mutateAsync({ filter: covered });
      if (started.state === "running") setStartedJob(started);
      else jobFinished(started);
    } catch (failure) {
      setNotice(failureNotice("Retry all", failure));
    }
  }

  /** Stops a bulk retry between entries; its next poll reports it cancelled. */
  async function cancelRetry(id: string) {
    try {
      await backend.cancelJob(id);
    } catch (failure) {
      setNotice(failureNotice("Cancel", failure));
    }
  }

  async function purge(covered: DlqFilter) {
    setBusy(true);
    setNotice(null);
    try {
      const { deleted } = await actions.purge.mutateAsync(covered);
      setSelectedId(null);
      setNotice({
        tone: "success",
        outcome: "purged",
        text: `Deleted ${formatCount(deleted)} dead ${deleted === 1 ? "letter" : "letters"}.`,
      });
    } catch (failure) {
      setNotice(failureNotice("Delete all", failure));
    } finally {
      // The list starts over from its first page; the mutation invalidated groups and figures.
      setBusy(false);
      list.reload();
    }
  }

  function showGroup(group: DlqGroup) {
    applyFilter({ ...applied, source: (group.source ?? "") as DlqFilterForm["source"], kind: group.kind, code: group.code ?? "" });
  }

  /** What the filter covers, as the groups count it (they cover the same entries). */
  const matching = groups.groups?.reduce((sum, group) => sum + group.count, 0) ?? null;

  const filtered = isFiltered(applied);
  const shown = list.entries.length;

  return (
    <div className="dlq-view" data-testid="dlq-view">
      <DlqFilters applied={applied} onApply={applyFilter} />

      <div className="dlq-toolbar">
        <p className="dlq-toolbar__count" data-testid="dlq-count">
          {list.loaded
            ? `${formatCount(shown)}${list.nextCursor !== null ? "+" : ""} ${shown === 1 ? "entry" : "entries"}${filtered ? " match" : ""}`
            : ""}
        </p>
        <button
          type="button"
          className="button"
          data-testid="dlq-retry-all"
          disabled={!list.loaded || shown === 0 || jobRunning}
          onClick={() => void retryAll()}
        >
          {filtered ? "Retry all matching" : "Retry all"}
        </button>
        <PurgeMatching count={matching} filtered={filtered} busy={busy || jobRunning} onConfirm={() => void purge(filter)} />
      </div>

      {job !== null && job.state === "running" && (
        <JobProgress job={job} error={jobError} onCancel={() => void cancelRetry(job.id)} />
      )}
      <DlqGroups
        groups={groups.groups}
        loading={groups.loading}
        error={groups.error}
        busy={busy || jobRunning}
        onShow={showGroup}
        onRetry={(group) => void retryAll(groupFilter(group, filter))}
        onDelete={(group) => void purge(groupFilter(group, filter))}
        onReload={reloadGroups}
      />
      {notice !== null && <DlqNotice notice={notice} onDismiss={() => setNotice(null)} />}
      {list.error !== null && (
        <div className="notice notice--error" role="alert" data-testid="dlq-error">
          <p className="notice__text">Could not load the dead letters: {list.error}</p>
          <button type="button" className="button" onClick={reload}>
            Try again
          </button>
        </div>
      )}

      <div className={selected !== null ? "dlq-layout dlq-layout--split" : "dlq-layout"}>
        <div className="dlq-layout__list">
          {!list.loaded && list.loading && (
            <p className="dlq-empty" role="status">
              Loading dead letters…
            </p>
          )}
          {list.loaded && shown === 0 && (
            <p className="dlq-empty" data-testid="dlq-empty">
              {filtered ? "No dead letters match this filter." : "No dead letters: everything received was stored."}
            </p>
          )}
          {shown > 0 && (
            <DlqTable
              entries={list.entries}
              selectedId={selectedId}
              onSelect={setSelectedId}
              canLoadMore={list.nextCursor !== null && !list.loading && list.error === null}
              onNearEnd={list.loadMore}
            />
          )}
          {list.nextCursor !== null && (
            <button
              type="button"
              className="button dlq-load-more"
              data-testid="dlq-load-more"
              disabled={list.loading}
              onClick={list.loadMore}
            >
              {list.loading ? "Loading…" : "Load more"}
            </button>
          )}
        </div>
        {selected !== null && (
          <DlqDetail
            entry={selected}
            busy={busy}
            onRetry={(payload) => void retry(selected, payload)}
            onDelete={() => void deleteEntry(selected)}
            onClose={() => setSelectedId(null)}
          />
        )}
      </div>
    </div>
  );
}
