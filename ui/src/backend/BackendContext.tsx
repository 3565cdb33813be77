// Hands the Backend to components through React context, so views never know the transport
// and tests can render them against a fake Backend.
import { createContext, useContext, type ReactNode } from "react";
import type { Backend } from "./Backend";

const BackendContext = createContext<Backend | null>(null);

export function BackendProvider({ backend, children }: { backend: Backend; children: ReactNode }) {
  return <BackendContext value={backend}>{children}</BackendContext>;
}

export function useBackend(): Backend {
  const backend = useContext(BackendContext);
  if (backend === null) throw new Error("useBackend() needs a <BackendProvider> above it.");
  return backend;
}
