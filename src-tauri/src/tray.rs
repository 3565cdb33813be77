//! The tray icon: the overall status as a coloured dot on the app icon (green ok, amber
//! degraded, red down), how many playbacks run now, and open / pause ingestion / keep in
//! tray / quit. Actions are plain functions of the app, so tests drive them without a tray.

use cartographus_engine::health::PartStatus;
use cartographus_engine::live::LiveSession;
use cartographus_engine::session::SessionState;
use cartographus_engine::{Health, OverallStatus};
use tauri::image::Image;
use tauri::menu::{CheckMenuItem, Menu, MenuItem, PredefinedMenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{App, AppHandle, Manager, Runtime};

use crate::prefs;
use crate::state::DesktopState;
use crate::window::show_main_window;

const TRAY_ID: &str = "status";

/// What a tray menu entry does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TrayAction {
    Open,
    TogglePause,
    ToggleKeepInTray,
    Quit,
}

impl TrayAction {
    pub fn id(self) -> &'static str {
        match self {
            TrayAction::Open => "open",
            TrayAction::TogglePause => "pause",
            TrayAction::ToggleKeepInTray => "keep_in_tray",
            TrayAction::Quit => "quit",
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        [
            TrayAction::Open,
            TrayAction::TogglePause,
            TrayAction::ToggleKeepInTray,
            TrayAction::Quit,
        ]
        .into_iter()
        .find(|action| action.id() == id)
    }
}

/// The menu and the entries whose text follows the engine.
pub struct TrayMenu<R: Runtime> {
    pub menu: Menu<R>,
    pub status: MenuItem<R>,
    pub playing: MenuItem<R>,
    pub pause: MenuItem<R>,
    pub keep_in_tray: CheckMenuItem<R>,
}

pub fn build_menu<R: Runtime, M: Manager<R>>(app: &M) -> tauri::Result<TrayMenu<R>> {
    let status = MenuItem::with_id(app, "status", "Status: starting", false, None::<&str>)?;
    let playing = MenuItem::with_id(app, "playing", playing_text(0), false, None::<&str>)?;
    let open = MenuItem::with_id(
        app,
        TrayAction::Open.id(),
        "Open Cartographus",
        true,
        None::<&str>,
    )?;
    let pause = MenuItem::with_id(
        app,
        TrayAction::TogglePause.id(),
        "Pause ingestion",
        true,
        None::<&str>,
    )?;
    let keep_in_tray = CheckMenuItem::with_id(
        app,
        TrayAction::ToggleKeepInTray.id(),
        "Keep running when the window is closed",
        true,
        false,
        None::<&str>,
    )?;
    let quit = MenuItem::with_id(
        app,
        TrayAction::Quit.id(),
        "Quit Cartographus",
        true,
        None::<&str>,
    )?;
    let menu = Menu::with_items(
        app,
        &[
            &status,
            &playing,
            &PredefinedMenuItem::separator(app)?,
            &open,
            &pause,
            &keep_in_tray,
            &PredefinedMenuItem::separator(app)?,
            &quit,
        ],
    )?;
    Ok(TrayMenu {
        menu,
        status,
        playing,
        pause,
        keep_in_tray,
    })
}

pub fn create(app: &App) -> tauri::Result<()> {
    let menu = build_menu(app)?;
    let mut tray = TrayIconBuilder::with_id(TRAY_ID)
        .tooltip("Cartographus: starting")
        .menu(&menu.menu)
        .on_menu_event(|app, event| on_menu_action(app, event.id().as_ref()));
    if let Some(icon) = app.default_window_icon() {
        tray = tray.icon(icon.clone());
    }
    tray.build(app)?;
    app.manage(menu);
    Ok(())
}

pub fn on_menu_action<R: Runtime>(app: &AppHandle<R>, id: &str) {
    match TrayAction::from_id(id) {
        Some(TrayAction::Open) => show_main_window(app),
        Some(TrayAction::TogglePause) => toggle_pause(app),
        Some(TrayAction::ToggleKeepInTray) => {
            let keep = !prefs::keep_in_tray(app);
            let app = app.clone();
            tauri::async_runtime::spawn(async move {
                prefs::set(&app, "keep_in_tray", keep.into()).await;
            });
        }
        Some(TrayAction::Quit) => app.exit(0),
        None => {}
    }
}

fn toggle_pause<R: Runtime>(app: &AppHandle<R>) {
    let engine = match app.state::<DesktopState>().engine_handle() {
        Ok(engine) => engine,
        Err(e) => {
            tracing::warn!("cannot pause ingestion: {}", e.message);
            return;
        }
    };
    // The menu text follows from the health change this causes.
    if engine.ingestion().paused {
        engine.resume_ingestion();
    } else {
        engine.pause_ingestion();
    }
}

/// Status text, tooltip, icon colour and the pause entry, from the engine's health.
pub fn show_status<R: Runtime>(app: &AppHandle<R>, health: &Health) {
    let paused = health
        .parts
        .get(cartographus_engine::handle::ingestion::PART)
        .is_some_and(|p| p.status == PartStatus::Disabled);
    let word = match health.status {
        OverallStatus::Ok => "all parts healthy",
        OverallStatus::Degraded => "degraded",
        OverallStatus::Down => "down",
    };
    let text = match paused {
        true => format!("{word}, ingestion paused"),
        false => word.to_string(),
    };
    if let Some(tray) = app.tray_by_id(TRAY_ID) {
        let _ = tray.set_tooltip(Some(format!("Cartographus: {text}")));
        if let Some(base) = app.default_window_icon() {
            let _ = tray.set_icon(Some(status_icon(base, health.status)));
        }
    }
    if let Some(menu) = app.try_state::<TrayMenu<R>>() {
        let _ = menu.status.set_text(format!("Status: {text}"));
        let _ = menu.pause.set_text(match paused {
            true => "Resume ingestion",
            false => "Pause ingestion",
        });
    }
}

pub fn show_playing<R: Runtime>(app: &AppHandle<R>, sessions: &[LiveSession]) {
    if let Some(menu) = app.try_state::<TrayMenu<R>>() {
        let _ = menu.playing.set_text(playing_text(playing_now(sessions)));
    }
}

pub fn show_keep_in_tray<R: Runtime>(app: &AppHandle<R>, keep: bool) {
    if let Some(menu) = app.try_state::<TrayMenu<R>>() {
        let _ = menu.keep_in_tray.set_checked(keep);
    }
}

/// Playing or buffering; a paused playback is not "playing now".
pub fn playing_now(sessions: &[LiveSession]) -> usize {
    sessions
        .iter()
        .filter(|s| {
            matches!(
                s.session.state,
                SessionState::Playing | SessionState::Buffering
            )
        })
        .count()
}

pub fn playing_text(count: usize) -> String {
    match count {
        0 => "Nothing playing".to_string(),
        n => format!("{n} playing now"),
    }
}

/// The app icon with a status dot in its lower right corner, ringed for contrast.
pub fn status_icon(base: &Image<'_>, status: OverallStatus) -> Image<'static> {
    let (width, height) = (base.width(), base.height());
    let colour: [u8; 3] = match status {
        OverallStatus::Ok => [0x34, 0xd3, 0x99],
        OverallStatus::Degraded => [0xfb, 0xbf, 0x24],
        OverallStatus::Down => [0xf8, 0x71, 0x71],
    };
    let size = width.min(height) as f32;
    let radius = size * 0.22;
    let ring = (size * 0.05).max(1.0);
    let centre = (width as f32 - radius - ring, height as f32 - radius - ring);
    let mut rgba = base.rgba().to_vec();
    for y in 0..height {
        for x in 0..width {
            let dx = x as f32 + 0.5 - centre.0;
            let dy = y as f32 + 0.5 - centre.1;
            let distance = (dx * dx + dy * dy).sqrt();
            let pixel = match distance {
                d if d <= radius => [colour[0], colour[1], colour[2], 0xff],
                d if d <= radius + ring => [0x0a, 0x10, 0x20, 0xff],
                _ => continue,
            };
            let at = ((y * width + x) * 4) as usize;
            if let Some(slot) = rgba.get_mut(at..at + 4) {
                slot.copy_from_slice(&pixel);
            }
        }
    }
    Image::new_owned(rgba, width, height)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_dot_takes_the_status_colour_and_leaves_the_rest() {
        let base = Image::new_owned(vec![0x11; 32 * 32 * 4], 32, 32);
        for (status, red) in [
            (OverallStatus::Ok, 0x34),
            (OverallStatus::Degraded, 0xfb),
            (OverallStatus::Down, 0xf8),
        ] {
            let icon = status_icon(&base, status);
            let centre = ((24 * 32 + 24) * 4) as usize;
            assert_eq!(icon.rgba()[centre], red, "{status:?}");
            assert_eq!(icon.rgba()[3], 0x11, "the top left corner is untouched");
        }
    }

    #[test]
    fn menu_ids_round_trip() {
        for action in [
            TrayAction::Open,
            TrayAction::TogglePause,
            TrayAction::ToggleKeepInTray,
            TrayAction::Quit,
        ] {
            assert_eq!(TrayAction::from_id(action.id()), Some(action));
        }
        assert_eq!(TrayAction::from_id("status"), None);
        assert_eq!(playing_text(1), "1 playing now");
    }
}
