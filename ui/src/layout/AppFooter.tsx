// Bottom bar: which engine this is (version, data dir, listen address) and how the UI reaches it.
import type { BackendKind } from "../backend/Backend";
import { useEngineInfo } from "../engine/useEngineInfo";
import "./layout.css";

type AppFooterProps = {
  backendKind: BackendKind;
  /** Health's word on the listener ("http://127.0.0.1:3857"): when it changes, the facts are asked again. */
  listenerDetail?: string | null;
};

export function AppFooter({ backendKind, listenerDetail = null }: AppFooterProps) {
  const { info, error } = useEngineInfo(listenerDetail);
  return (
    <footer className="app-footer">
      {info !== null && (
        <dl className="engine-info">
          <div className="engine-info__item">
            <dt>Version</dt>
            <dd data-testid="engine-version">{info.version}</dd>
          </div>
          <div className="engine-info__item">
            <dt>Data</dt>
            <dd data-testid="engine-data-dir">{info.data_dir}</dd>
          </div>
          <div className="engine-info__item">
            <dt>Listening on</dt>
            <dd data-testid="engine-listen">{info.listen}</dd>
          </div>
        </dl>
      )}
      {error !== null && (
        <p className="engine-info__error" data-testid="engine-info-error">
          {error}
        </p>
      )}
      <p className="app-footer__transport">
        via <span data-testid="backend-kind">{backendKind}</span>
      </p>
    </footer>
  );
}
