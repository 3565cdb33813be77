// Build and unit-test configuration for the UI shared by the Tauri window and the headless server.
import { defineConfig } from "vitest/config";

export default defineConfig({
  // Relative asset URLs so the same dist/ works from tauri:// and from any server path.
  base: "./",
  // React's automatic JSX runtime through Vite's built-in transformer: no extra plugin needed.
  oxc: { jsx: { runtime: "automatic" } },
  build: {
    outDir: "dist",
    emptyOutDir: true,
    target: "es2022",
  },
  server: {
    // Tauri's dev URL expects a fixed port.
    port: 5173,
    strictPort: true,
  },
  test: {
    environment: "jsdom",
    include: ["src/**/*.test.{ts,tsx}"],
    setupFiles: ["src/test/setup.ts"],
    restoreMocks: true,
    // Times are shown in the user's zone; tests pin it so their expectations hold anywhere.
    env: { TZ: "UTC" },
  },
});
