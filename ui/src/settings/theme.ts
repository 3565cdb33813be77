// The theme setting (system / light / dark) as the page's `data-theme`: "system" follows the
// operating system's preference, and keeps following it while the page is open.
import { useEffect } from "react";

export type ThemeChoice = "system" | "light" | "dark";

export function isThemeChoice(value: unknown): value is ThemeChoice {
  return value === "system" || value === "light" || value === "dark";
}

const DARK_QUERY = "(prefers-color-scheme: dark)";

function systemTheme(): "light" | "dark" {
  // jsdom and very old engines have no matchMedia: the dark palette is the default.
  if (typeof window.matchMedia !== "function") return "dark";
  return window.matchMedia(DARK_QUERY).matches ? "dark" : "light";
}

export function applyTheme(choice: ThemeChoice, root: HTMLElement = document.documentElement): void {
  root.dataset.theme = choice === "system" ? systemTheme() : choice;
  root.dataset.themeChoice = choice;
}

/** Applies `choice` now and, for "system", again whenever the OS switches. */
export function useTheme(choice: ThemeChoice): void {
  useEffect(() => {
    applyTheme(choice);
    if (choice !== "system" || typeof window.matchMedia !== "function") return;
    const query = window.matchMedia(DARK_QUERY);
    const follow = () => applyTheme("system");
    query.addEventListener("change", follow);
    return () => query.removeEventListener("change", follow);
  }, [choice]);
}
