// What a view rendered by itself in a test needs around it, as the App gives it: the Backend
// and a query cache of its own (created once per render, so tests never share cached data).
import { QueryClientProvider } from "@tanstack/react-query";
import { useState, type ReactNode } from "react";
import type { Backend } from "../backend/Backend";
import { BackendProvider } from "../backend/BackendContext";
import { createQueryClient } from "../data/queryClient";

export function TestProviders({ backend, children }: { backend: Backend; children: ReactNode }) {
  const [client] = useState(createQueryClient);
  return (
    <BackendProvider backend={backend}>
      <QueryClientProvider client={client}>{children}</QueryClientProvider>
    </BackendProvider>
  );
}
