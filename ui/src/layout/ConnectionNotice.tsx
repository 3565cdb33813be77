// Shown in a browser opened without the API token: health still updates (polled),
// but live updates and engine details need the link the server printed.
import "./layout.css";

export function ConnectionNotice() {
  return (
    <p className="connection-notice" role="note" data-testid="connection-notice">
      Open the link printed by cartographus-server to connect live updates.
    </p>
  );
}
