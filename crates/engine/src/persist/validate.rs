//! What a parsed event must satisfy before it is stored. An event that fails here is a
//! permanent error: retrying it unchanged cannot help, so it goes to the DLQ at once.

use chrono::{DateTime, Duration, TimeZone, Utc};

use crate::event::MediaEvent;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct Invalid {
    pub field: &'static str,
    pub reason: String,
}

fn invalid(field: &'static str, reason: impl Into<String>) -> Invalid {
    Invalid {
        field,
        reason: reason.into(),
    }
}

/// Checks the fields storage and dedup rely on.
pub fn validate(event: &MediaEvent, now: DateTime<Utc>) -> Result<(), Invalid> {
    if event.event_id.trim().is_empty() {
        return Err(invalid("event_id", "is empty"));
    }
    if event.event_id.len() > 128 {
        return Err(invalid("event_id", "is longer than 128 characters"));
    }
    if event.correlation_key.trim().is_empty() {
        return Err(invalid("correlation_key", "is empty"));
    }
    let earliest = Utc
        .with_ymd_and_hms(2000, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or_default();
    if event.occurred_at < earliest {
        return Err(invalid(
            "occurred_at",
            format!(
                "{} is before 2000; the source clock or mapping is wrong",
                event.occurred_at
            ),
        ));
    }
    if event.occurred_at > now + Duration::days(1) {
        return Err(invalid(
            "occurred_at",
            format!("{} is more than a day in the future", event.occurred_at),
        ));
    }
    if let (Some(offset), Some(duration)) = (event.view_offset_ms, event.duration_ms) {
        // Sources overshoot a little at the end; ten times the length is a mapping bug.
        if duration > 0 && u64::from(offset) > u64::from(duration) * 10 {
            return Err(invalid(
                "view_offset_ms",
                format!("{offset} is far beyond the duration {duration}"),
            ));
        }
    }
    Ok(())
}
