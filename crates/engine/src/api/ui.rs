//! Serves the built web UI (headless mode) with a strict Content-Security-Policy. Unknown
//! paths fall back to index.html so the UI's own routes survive a reload.

use std::path::PathBuf;

use axum::http::{header, HeaderValue};
use axum::response::Html;
use axum::routing::get;
use axum::Router;
use tower_http::services::{ServeDir, ServeFile};
use tower_http::set_header::SetResponseHeaderLayer;

use super::AppState;

const CSP: &str = "default-src 'self'; connect-src 'self'; img-src 'self' data:; \
                   style-src 'self'; script-src 'self'; object-src 'none'; base-uri 'none'; \
                   frame-ancestors 'none'";

pub fn routes(ui_dir: Option<PathBuf>) -> Router<AppState> {
    let router = match ui_dir {
        Some(dir) if dir.join("index.html").is_file() => {
            let index = ServeFile::new(dir.join("index.html"));
            Router::new().fallback_service(ServeDir::new(dir).fallback(index))
        }
        _ => Router::new().route("/", get(no_ui)),
    };
    router
        .layer(SetResponseHeaderLayer::overriding(
            header::CONTENT_SECURITY_POLICY,
            HeaderValue::from_static(CSP),
        ))
        .layer(SetResponseHeaderLayer::overriding(
            header::X_CONTENT_TYPE_OPTIONS,
            HeaderValue::from_static("nosniff"),
        ))
}

async fn no_ui() -> Html<&'static str> {
    Html(
        "<!doctype html><title>Cartographus</title><p>The Cartographus engine is running. \
         The web UI is not built: run <code>make ui</code> or set CARTOGRAPHUS_UI_DIR.</p>",
    )
}
