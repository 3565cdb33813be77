// Makes `navigator.language(s)` valid BCP 47 tags before any library reads them. WebKitGTK
// derives them from LC_CTYPE and turns the common `C.UTF-8` locale into "C", which
// `Intl.NumberFormat` rejects; uPlot builds one at module load, so no chart could draw.
// docs/adr/0026 has the details.

const FALLBACK = "en-US";

function isValidTag(tag: unknown): tag is string {
  if (typeof tag !== "string" || tag === "") return false;
  try {
    return Intl.getCanonicalLocales(tag).length === 1;
  } catch {
    return false;
  }
}

/**
 * Replaces invalid entries of `navigator.language` and `navigator.languages` on this page
 * (own properties shadowing the prototype's getters); a valid list is left exactly as it is.
 * Returns the language the page now reports.
 */
export function repairNavigatorLanguage(nav: Navigator = navigator): string {
  const reported = [nav.language, ...(nav.languages ?? [])];
  // A callback, not the guard itself: \`every\` with a type guard narrows the list to never below.
  if (reported.every((tag) => isValidTag(tag))) return nav.language;
  const valid = reported.filter(isValidTag);
  const languages = valid.length > 0 ? [...new Set(valid)] : [FALLBACK];
  const language = isValidTag(nav.language) ? nav.language : languages[0];
  Object.defineProperty(nav, "language", { configurable: true, get: () => language });
  Object.defineProperty(nav, "languages", { configurable: true, get: () => Object.freeze([...languages]) });
  return language;
}
