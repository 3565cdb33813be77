// The one fetching and caching layer of every view: TanStack Query, with retries left to the
// user (a view shows the error and a Retry button) and data kept fresh for half a minute unless
// a hook says otherwise (pushed figures, dead letters, polled jobs). Keys: data/queryKeys.ts.
import { QueryClient } from "@tanstack/react-query";

export function createQueryClient(): QueryClient {
  return new QueryClient({
    defaultOptions: {
      queries: {
        retry: false,
        staleTime: 30_000,
        refetchOnWindowFocus: false,
      },
    },
  });
}
