//! Durations as people write them — `250ms`, `5s`, `2m`, `6h`, `1d` or a bare number of
//! seconds — with one parser for the environment, the settings file and the settings API,
//! and the shortest exact spelling back.

use std::time::Duration;

const UNITS: &str = "ms, s, m, h or d";

/// Parses `250ms`, `5s`, `2m`, `6h`, `1d` or a bare number of seconds; the error says what
/// would have been accepted.
pub fn parse(text: &str) -> Result<Duration, String> {
    let value = text.trim();
    let split = value
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(value.len());
    let (digits, unit) = value.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("{text:?} is not a duration such as 250ms, 5s, 2m, 6h or 1d"))?;
    let millis = match unit {
        "ms" => Some(n),
        "" | "s" => n.checked_mul(1000),
        "m" => n.checked_mul(60_000),
        "h" => n.checked_mul(3_600_000),
        "d" => n.checked_mul(86_400_000),
        _ => return Err(format!("{text:?}: the unit must be {UNITS}")),
    };
    millis
        .map(Duration::from_millis)
        .ok_or_else(|| format!("{text:?} is too long"))
}

/// The shortest exact spelling: `1d`, `6h`, `2m`, `5s`, `250ms`.
pub fn format(duration: Duration) -> String {
    let ms = duration.as_millis();
    match ms {
        0 => "0s".to_string(),
        _ if ms.is_multiple_of(86_400_000) => format!("{}d", ms / 86_400_000),
        _ if ms.is_multiple_of(3_600_000) => format!("{}h", ms / 3_600_000),
        _ if ms.is_multiple_of(60_000) => format!("{}m", ms / 60_000),
        _ if ms.is_multiple_of(1000) => format!("{}s", ms / 1000),
        _ => format!("{ms}ms"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_unit_up_to_days_is_read() {
        let cases = [
            ("250ms", Duration::from_millis(250)),
            ("5s", Duration::from_secs(5)),
            ("90", Duration::from_secs(90)),
            ("2m", Duration::from_secs(120)),
            ("6h", Duration::from_secs(6 * 3600)),
            ("1d", Duration::from_secs(86_400)),
            (" 7d ", Duration::from_secs(7 * 86_400)),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text), Ok(expected), "{text}");
        }
    }

    #[test]
    fn anything_else_is_refused_saying_what_is_read() {
        for text in ["5 days", "6x", "h", "", "-5s", "99999999999999999999d"] {
            let error = parse(text).unwrap_err();
            assert!(error.contains(&format!("{text:?}")), "{text}: {error}");
        }
        assert!(parse("6x").unwrap_err().contains("ms, s, m, h or d"));
    }

    #[test]
    fn durations_round_trip_in_their_shortest_spelling() {
        for text in ["250ms", "5s", "2m", "6h", "1d"] {
            assert_eq!(parse(text).map(format).as_deref(), Ok(text));
        }
        assert_eq!(format(Duration::from_secs(36 * 3600)), "36h");
    }
}
