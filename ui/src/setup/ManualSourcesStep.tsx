// Step 4, Jellyfin and Emby: no API to automate, so the exact URL to paste (with a Copy button)
// and the settings to choose, step by step; then a wait for each one's test or first event.
import type { SourceSetup } from "../backend/Backend";
import { CopyField } from "./CopyField";
import { EventWait } from "./EventWait";
import "./setup.css";

type ManualSource = { setup: SourceSetup; webhookUrl: string };

type ManualSourcesStepProps = { jellyfin: ManualSource; emby: ManualSource };

export function ManualSourcesStep({ jellyfin, emby }: ManualSourcesStepProps) {
  return (
    <div className="setup-step__body">
      <p>
        Jellyfin and Emby cannot be set up from here: add this app's URL in their webhook settings, as below. The URLs
        carry this app's webhook token, so keep them to yourself.
      </p>
      <div className="manual-sources">
        <section className="manual-source" aria-labelledby="setup-jellyfin-title" data-testid="setup-jellyfin">
          <h4 className="manual-source__title" id="setup-jellyfin-title">
            Jellyfin
          </h4>
          <CopyField label="Webhook URL for Jellyfin" value={jellyfin.webhookUrl} testId="setup-jellyfin-url" />
          <ol className="manual-source__steps">
            <li>In Jellyfin: Dashboard → Plugins → Catalog, install the “Webhook” plugin, then restart Jellyfin.</li>
            <li>Dashboard → Plugins → Webhook → “Add Generic Destination”.</li>
            <li>Webhook URL: paste the URL above.</li>
            <li>Notification types: tick Playback Start, Playback Stop and Playback Progress.</li>
            <li>Tick “Send All Properties (ignores template)”, then Save.</li>
            <li>Play something (the released plugin has no test button; a test sent with no test data also counts).</li>
          </ol>
          <EventWait
            name="Jellyfin"
            lastEventAt={jellyfin.setup.last_event_at}
            lastTestAt={jellyfin.setup.last_test_at}
            testId="jellyfin-event-wait"
          />
        </section>
        <section className="manual-source" aria-labelledby="setup-emby-title" data-testid="setup-emby">
          <h4 className="manual-source__title" id="setup-emby-title">
            Emby
          </h4>
          <CopyField label="Webhook URL for Emby" value={emby.webhookUrl} testId="setup-emby-url" />
          <ol className="manual-source__steps">
            <li>In Emby: Settings → Webhooks → “Add Webhook”.</li>
            <li>URL: paste the URL above. Request content type: application/json where offered.</li>
            <li>Events: under Playback, tick Start, Pause, Unpause and Stop (playback.*).</li>
            <li>Save, then press “Send Test Notification” (or play something).</li>
          </ol>
          <EventWait name="Emby" lastEventAt={emby.setup.last_event_at} lastTestAt={emby.setup.last_test_at} testId="emby-event-wait" />
        </section>
      </div>
    </div>
  );
}
