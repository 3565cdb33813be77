// The dead-letter groups of one filter as React state: fetched when the filter changes and on
// reload (after a retry or delete); an answer for an older filter is dropped.
import { useCallback, useEffect, useState } from "react";
import type { DlqFilter, DlqGroup } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";

export type DlqGroupsState = {
  /** Null until the first answer for this filter. */
  groups: DlqGroup[] | null;
  loading: boolean;
  error: string | null;
  reload(): void;
};

type Answer = { key: string; groups: DlqGroup[] | null; error: string | null };

export function useDlqGroups(filter: DlqFilter): DlqGroupsState {
  const backend = useBackend();
  const [reloads, setReloads] = useState(0);
  const filterKey = JSON.stringify(filter);
  const askedKey = `${filterKey}#${reloads}`;
  const [answer, setAnswer] = useState<Answer>({ key: "", groups: null, error: null });

  useEffect(() => {
    let active = true;
    backend.listDlqGroups(JSON.parse(filterKey) as DlqFilter).then(
      (groups) => {
        if (active) setAnswer({ key: askedKey, groups, error: null });
      },
      (failure: unknown) => {
        if (active) setAnswer({ key: askedKey, groups: null, error: describeFailure(failure) });
      },
    );
    return () => {
      active = false;
    };
  }, [backend, filterKey, askedKey]);

  const reload = useCallback(() => setReloads((n) => n + 1), []);
  const current = answer.key === askedKey;
  // While a reload is on its way the previous groups stay on screen.
  const sameFilter = answer.key.startsWith(`${filterKey}#`);
  return {
    groups: current || sameFilter ? answer.groups : null,
    loading: !current,
    error: current ? answer.error : null,
    reload,
  };
}
