// Opens a URL in the system browser through tauri-plugin-opener's own command (the window's
// capability grants `opener:allow-open-url` for plex.tv only).
import { invoke } from "@tauri-apps/api/core";

export const openUrl = (url: string) => invoke<void>("plugin:opener|open_url", { url });
