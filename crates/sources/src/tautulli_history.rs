//! Tautulli's history (`get_history`, one row per playback segment) mapped to the playback
//! events each row stands for: a start at `started` and a stop at `stopped` carrying what the
//! row measured over the whole segment (paused time, percent complete, position).
//!
//! Rows are read leniently, as Tautulli writes them: numbers as numbers or numeric strings,
//! `""` or `null` for a missing value, unix seconds for times, `paused_counter` in seconds.
//! A row without an id or a sane start and stop cannot be mapped and says why.

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use crate::event::{EventType, Location, MediaEvent, Origin, Source};
use crate::event_id::{correlation_key, EventIdBuilder};
use crate::shared;

/// What one history row became.
// A playback is the common case and is unpacked at once by the caller (as `Parsed`).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum HistoryRow {
    /// The row's start and stop, in that order.
    Playback { start: MediaEvent, stop: MediaEvent },
    /// A playback still running (`state` set: Tautulli mixes current activity into
    /// history when asked to); it is not history yet, the next import takes it.
    StillPlaying,
}

/// Why a row cannot be mapped: the field and what is wrong with it.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct Unmappable {
    pub field: &'static str,
    pub reason: String,
}

fn unmappable(field: &'static str, reason: impl Into<String>) -> Unmappable {
    Unmappable {
        field,
        reason: reason.into(),
    }
}

/// Maps one row of `get_history`'s `data`. `received_at` is when the import read it.
pub fn map_row(row: &Value, received_at: DateTime<Utc>) -> Result<HistoryRow, Unmappable> {
    let Value::Object(fields) = row else {
        return Err(unmappable("row", "is not a JSON object"));
    };
    let row = Row(fields);
    if row.text("state").is_some() {
        return Ok(HistoryRow::StillPlaying);
    }
    let row_id = row
        .text("row_id")
        .or_else(|| row.text("id"))
        .ok_or_else(|| unmappable("row_id", "is missing"))?;
    let started = row.time("started")?.ok_or_else(|| {
        unmappable(
            "started",
            "is missing or zero; a playback needs its start time",
        )
    })?;
    let stopped = row
        .time("stopped")?
        .ok_or_else(|| unmappable("stopped", "is missing or zero; the playback never ended"))?;
    if stopped < started {
        return Err(unmappable(
            "stopped",
            format!("{stopped} is before the start {started}"),
        ));
    }
    let paused_ms = match row.number("paused_counter")? {
        None => None,
        Some(seconds) if seconds < 0.0 => {
            return Err(unmappable(
                "paused_counter",
                format!("{seconds} is negative"),
            ))
        }
        Some(seconds) => Some(seconds_to_millis(seconds)),
    };
    let percent_complete = row.number("percent_complete")?.map(|p| p.clamp(0.0, 100.0));
    let view_offset_ms = row.number("view_offset")?.map(millis);

    let machine_id = row.text("machine_id");
    let rating_key = row.text("rating_key");
    let media_type = shared::media_type(row.text("media_type").as_deref());
    let identity = format!("history/{row_id}");
    let event = |event_type: EventType, at: DateTime<Utc>| MediaEvent {
        event_id: EventIdBuilder::new(Source::Tautulli)
            .part("origin", Some(Origin::Import.as_str()))
            .part("row_id", Some(&row_id))
            .part("rating_key", rating_key.as_deref())
            .part("machine_id", machine_id.as_deref())
            .part("action", Some(event_type.as_str()))
            .time("time", Some(at))
            .finish(),
        event_type,
        source: Source::Tautulli,
        origin: Origin::Import,
        server_id: None,
        server_name: None,
        session_key: None,
        correlation_key: correlation_key(
            Source::Tautulli,
            machine_id.as_deref(),
            rating_key.as_deref(),
            event_type,
            &identity,
        ),
        occurred_at: at,
        received_at,
        user_id: row.text("user_id"),
        username: row.text("user").or_else(|| row.text("friendly_name")),
        media_type,
        title: row.text("title"),
        parent_title: row.text("parent_title"),
        grandparent_title: row.text("grandparent_title"),
        rating_key: rating_key.clone(),
        year: row.year(),
        duration_ms: None,
        view_offset_ms: None,
        player: row.text("player"),
        platform: row.text("platform"),
        product: row.text("product"),
        device: None,
        machine_id: machine_id.clone(),
        ip_address: row.text("ip_address"),
        location: match row.text("location").as_deref() {
            Some("lan") => Some(Location::Lan),
            Some("wan") => Some(Location::Wan),
            _ => None,
        },
        transcode_decision: row.text("transcode_decision"),
        video_resolution: None,
        paused_ms: None,
        percent_complete: None,
        // The whole row travels once, with the stop; the start names it.
        raw: Value::Null,
    };
    let mut start = event(EventType::Start, started);
    start.raw = serde_json::json!({
        "row_id": row_id,
        "reference_id": fields.get("reference_id").cloned().unwrap_or(Value::Null),
    });
    let mut stop = event(EventType::Stop, stopped);
    stop.paused_ms = paused_ms;
    stop.percent_complete = percent_complete;
    stop.view_offset_ms = view_offset_ms;
    stop.raw = Value::Object(fields.clone());
    Ok(HistoryRow::Playback { start, stop })
}

fn seconds_to_millis(seconds: f64) -> u32 {
    millis(seconds * 1000.0)
}

/// A count of milliseconds as the event holds it (saturating: 49 days is the most).
fn millis(ms: f64) -> u32 {
    if ms.is_nan() || ms <= 0.0 {
        0
    } else if ms >= f64::from(u32::MAX) {
        u32::MAX
    } else {
        ms.round() as u32
    }
}

struct Row<'a>(&'a Map<String, Value>);

impl Row<'_> {
    /// Text, a number written as text, or None for absent, `null` and blank.
    fn text(&self, key: &str) -> Option<String> {
        match self.0.get(key)? {
            Value::String(s) if !s.trim().is_empty() => Some(s.trim().to_string()),
            Value::Number(n) => Some(n.to_string()),
            _ => None,
        }
    }

    /// A number or a numeric string; absent, `null` and blank are None, anything else is
    /// an error (a mapping that guessed would store wrong figures).
    fn number(&self, key: &'static str) -> Result<Option<f64>, Unmappable> {
        match self.0.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(Value::String(s)) if s.trim().is_empty() => Ok(None),
            Some(Value::String(s)) => s
                .trim()
                .parse::<f64>()
                .ok()
                .filter(|n| n.is_finite())
                .map(Some)
                .ok_or_else(|| unmappable(key, format!("{s:?} is not a number"))),
            Some(other) => Err(unmappable(key, format!("{other} is not a number"))),
        }
    }

    /// Unix seconds; 0 (Tautulli's "not yet") is None.
    fn time(&self, key: &'static str) -> Result<Option<DateTime<Utc>>, Unmappable> {
        let Some(seconds) = self.number(key)? else {
            return Ok(None);
        };
        if seconds == 0.0 {
            return Ok(None);
        }
        if !(0.0..=32_503_680_000.0).contains(&seconds) {
            return Err(unmappable(key, format!("{seconds} is not a unix time")));
        }
        DateTime::from_timestamp(seconds as i64, 0)
            .map(Some)
            .ok_or_else(|| unmappable(key, format!("{seconds} is not a unix time")))
    }

    /// A plausible year; anything else (`""`, `0`, text) is unknown rather than an error.
    fn year(&self) -> Option<i32> {
        let year = self.number("year").ok()??;
        (1800.0..=3000.0).contains(&year).then_some(year as i32)
    }
}

#[cfg(test)]
#[path = "tautulli_history_tests.rs"]
mod tests;
