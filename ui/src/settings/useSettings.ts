// The settings from the query cache: fetched when first shown, replaced by each saved change's
// answer (and by changes saved elsewhere), so the form and the theme read one entry.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useCallback } from "react";
import type { SettingsView } from "../backend/Backend";
import { useBackend } from "../backend/BackendContext";
import { describeFailure } from "../backend/errors";
import { queryKeys } from "../data/queryKeys";

export type SettingsState = {
  view: SettingsView | null;
  error: string | null;
  loading: boolean;
};

export function useSettings(): SettingsState & { reload: () => void; replace: (view: SettingsView) => void } {
  const backend = useBackend();
  const client = useQueryClient();
  const { data, error, isFetching, refetch } = useQuery({
    queryKey: queryKeys.settings,
    queryFn: () => backend.getSettings(),
  });
  const reload = useCallback(() => void refetch(), [refetch]);
  const replace = useCallback((view: SettingsView) => client.setQueryData(queryKeys.settings, view), [client]);
  return {
    view: data ?? null,
    error: error !== null && !isFetching ? describeFailure(error) : null,
    loading: isFetching,
    reload,
    replace,
  };
}
