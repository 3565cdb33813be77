// Which source reported something (Tautulli, Plex, Jellyfin, Emby), as a small tag.
import { sourceName } from "./labels";
import "./media.css";

export function SourceBadge({ source }: { source: string }) {
  return (
    <span className="source-badge" data-source={source}>
      {sourceName(source)}
    </span>
  );
}
