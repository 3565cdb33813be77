// The one fetching and caching layer of the views built on it (History, Analytics): TanStack
// Query, with retries left to the user (a view shows the error and a Retry button) and data
// kept fresh for half a minute, since history only grows and charts are read, not watched.
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
