//! The fake's play history and `get_history` as Tautulli 2.17 answers it (plexpy/webserve.py
//! and datafactory.get_datatables_history): `start`/`length` paging (25 rows by default),
//! `order_column`/`order_dir` (`date` descending by default), `after` keeping days strictly
//! after the given one, `grouping` (default on) folding the rows of one `reference_id`, and
//! `recordsTotal` / `recordsFiltered` beside `data`.
//!
//! [`generate`] makes a deterministic history from a seed, with Tautulli's quirks: numbers
//! sometimes written as strings, `""` for missing text, `null` rating keys, unix-second
//! times, `paused_counter` in seconds, and playbacks resumed later as a second row sharing
//! the first's `reference_id`.

use std::collections::BTreeMap;

use serde_json::{json, Map, Value};

/// The first play of a generated history: 2024-01-01T00:00:00Z.
pub const FIRST_PLAY: i64 = 1_704_067_200;

/// splitmix64: a tiny, well-mixed generator, so the fake needs no dependency for it.
struct Seeded(u64);

impl Seeded {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

const USERS: [(&str, &str); 6] = [
    ("dana", "Dana"),
    ("sam", "Sam"),
    ("lee", ""),
    ("ari", "Ari"),
    ("jo", "Jo"),
    ("kim", "Kim"),
];
const PLAYERS: [(&str, &str, &str); 5] = [
    ("Living Room TV", "Android", "Plex for Android (TV)"),
    ("Castle-PC", "Windows", "Plex for Windows"),
    ("iPhone", "iOS", "Plex for iOS"),
    ("Chrome", "Chrome", "Plex Web"),
    ("Bedroom Roku", "Roku", "Plex for Roku"),
];
const DECISIONS: [&str; 3] = ["direct play", "copy", "transcode"];

/// `count` history rows, oldest first by row id, the same for the same seed: a play every ten
/// minutes or so from [`FIRST_PLAY`] (100,000 rows reach into early 2026). About one playback
/// in twenty was resumed later, hours after, and is two rows sharing a `reference_id`.
pub fn generate(seed: u64, count: usize) -> Vec<Value> {
    let mut rng = Seeded(seed);
    let mut rows = Vec::with_capacity(count);
    let mut at = FIRST_PLAY;
    let mut id: u64 = 1;
    while rows.len() < count {
        at += 60 + rng.below(1_140) as i64;
        let item = 10_000 + rng.below(4_000);
        let player = rng.below(PLAYERS.len() as u64) as usize;
        let user = rng.below(USERS.len() as u64) as usize;
        let length = 1_200 + rng.below(6_000) as i64;
        let resumed = rows.len() + 1 < count && rng.chance(5);
        let played = if resumed { length / 3 } else { length };
        let paused = if rng.chance(40) {
            rng.below(600) as i64
        } else {
            0
        };
        let reference = id;
        let first = Play {
            id,
            reference,
            started: at,
            stopped: at + played + paused,
            paused,
            item,
            player,
            user,
            percent: if resumed { 33 } else { 90 + rng.below(11) },
            decision: DECISIONS[rng.below(3) as usize],
        };
        rows.push(first.row(&mut rng));
        id += 1;
        if resumed {
            // Picked up again later on the same player: a second row of the same playback.
            let started = first.stopped + 3_600 + rng.below(7_200) as i64;
            let second = Play {
                id,
                reference,
                started,
                stopped: started + (length - played),
                paused: 0,
                percent: 100,
                ..first
            };
            rows.push(second.row(&mut rng));
            id += 1;
        }
    }
    rows.truncate(count);
    rows
}

#[derive(Clone, Copy)]
struct Play {
    id: u64,
    reference: u64,
    started: i64,
    stopped: i64,
    paused: i64,
    item: u64,
    player: usize,
    user: usize,
    percent: u64,
    decision: &'static str,
}

impl Play {
    fn row(&self, rng: &mut Seeded) -> Value {
        let (user, friendly) = USERS[self.user];
        let (player, platform, product) = PLAYERS[self.player];
        let episode = !self.item.is_multiple_of(3);
        // Tautulli's SQLite hands back whatever type was stored: some installs have text.
        let stringly = rng.chance(10);
        let number = |n: i64| {
            if stringly {
                json!(n.to_string())
            } else {
                json!(n)
            }
        };
        let blank_platform = rng.chance(3);
        let null_rating = rng.chance(1);
        let mut row = json!({
            "reference_id": self.reference,
            "row_id": number(self.id as i64),
            "id": self.id,
            "date": number(self.started),
            "started": number(self.started),
            "stopped": number(self.stopped),
            "duration": self.stopped - self.started - self.paused,
            "play_duration": self.stopped - self.started - self.paused,
            "paused_counter": number(self.paused),
            "user_id": number(9_000_000 + self.user as i64),
            "user": user,
            "friendly_name": if friendly.is_empty() { user } else { friendly },
            "user_thumb": "",
            "platform": if blank_platform { "" } else { platform },
            "product": product,
            "player": player,
            "ip_address": if self.player == 2 { String::new() } else { format!("192.168.1.{}", 40 + self.player) },
            "live": 0,
            "machine_id": format!("player-{}-machine", self.player),
            "location": if self.player == 2 { "wan" } else { "lan" },
        });
        let item = json!({
            "secure": 1,
            "relayed": 0,
            "media_type": if episode { "episode" } else { "movie" },
            "rating_key": if null_rating { Value::Null } else { number(self.item as i64) },
            "parent_rating_key": if episode { json!(self.item / 10) } else { json!("") },
            "grandparent_rating_key": if episode { json!(self.item / 100) } else { json!("") },
            "full_title": format!("Item {}", self.item),
            "title": format!("Item {}", self.item),
            "parent_title": if episode { format!("Season {}", self.item % 7) } else { String::new() },
            "grandparent_title": if episode { format!("Show {}", self.item / 100) } else { String::new() },
            "original_title": "",
            "year": if self.item.is_multiple_of(11) { json!("") } else { number(1990 + (self.item % 35) as i64) },
            "media_index": if episode { json!(self.item % 20) } else { json!("") },
            "parent_media_index": if episode { json!(self.item % 7) } else { json!("") },
            "thumb": format!("/library/metadata/{}/thumb/1700000000", self.item),
            "originally_available_at": "",
            "guid": format!("plex://item/{}", self.item),
            "transcode_decision": self.decision,
            "percent_complete": self.percent,
            "watched_status": if self.percent >= 90 { 1 } else { 0 },
            "group_count": 1,
            "group_ids": self.id.to_string(),
            "state": null,
            "session_key": null
        });
        // Two halves: one `json!` of every column exceeds the macro's recursion limit.
        if let (Some(row), Value::Object(rest)) = (row.as_object_mut(), item) {
            row.extend(rest);
        }
        row
    }
}

/// A whole number however the row writes it.
fn int(row: &Value, key: &str) -> i64 {
    match row.get(key) {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(0),
        Some(Value::String(s)) => s.trim().parse().unwrap_or(0),
        _ => 0,
    }
}

/// The `YYYY-MM-DD` (UTC: the fake's time zone) of a unix time.
fn day(unix: i64) -> String {
    let days = unix.div_euclid(86_400);
    // Civil from days (Howard Hinnant's algorithm), so the fake needs no date library.
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1_460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Rows of one `reference_id` folded as Tautulli's grouped query does: the first start, the
/// last stop, paused time summed, and the group's size and ids.
fn grouped(rows: &[Value]) -> Vec<Value> {
    let mut groups: BTreeMap<i64, Vec<&Value>> = BTreeMap::new();
    for row in rows {
        groups
            .entry(int(row, "reference_id"))
            .or_default()
            .push(row);
    }
    groups
        .into_values()
        .filter_map(|group| {
            let last = *group.last()?;
            let mut row: Map<String, Value> = last.as_object()?.clone();
            let started = group.iter().map(|r| int(r, "started")).min()?;
            let stopped = group.iter().map(|r| int(r, "stopped")).max()?;
            let paused: i64 = group.iter().map(|r| int(r, "paused_counter")).sum();
            row.insert("started".into(), json!(started));
            row.insert("date".into(), json!(started));
            row.insert("stopped".into(), json!(stopped));
            row.insert("paused_counter".into(), json!(paused));
            row.insert("group_count".into(), json!(group.len()));
            let ids: Vec<String> = group.iter().map(|r| int(r, "id").to_string()).collect();
            row.insert("group_ids".into(), json!(ids.join(",")));
            Some(Value::Object(row))
        })
        .collect()
}

/// `get_history`'s `data` for these parameters. Works on references and precomputed sort
/// keys: a large history is paged through a thousand rows at a time.
/// The order of the ungrouped rows for the last order asked for (column, direction,
/// `after`), kept until the history changes: an import asks for the same order page after
/// page, and sorting every row for each page made the fake, not the importer, the cost.
#[derive(Default)]
pub struct OrderCache {
    key: Option<(&'static str, bool, Option<String>)>,
    order: Vec<usize>,
}

impl OrderCache {
    /// Forgets the order (the history changed).
    pub fn clear(&mut self) {
        *self = Self::default();
    }
}

pub fn answer(
    history: &[Value],
    cache: &mut OrderCache,
    params: &BTreeMap<String, String>,
) -> Value {
    let number = |key: &str, default: usize| {
        params
            .get(key)
            .and_then(|v| v.trim().parse::<usize>().ok())
            .unwrap_or(default)
    };
    let grouping = params.get("grouping").map(|v| v.trim()) != Some("0");
    let folded;
    let source: &[Value] = if grouping {
        folded = grouped(history);
        &folded
    } else {
        history
    };
    let total = source.len();
    let column = match params.get("order_column").map(String::as_str) {
        Some("started") => "started",
        Some("stopped") => "stopped",
        Some("paused_counter") => "paused_counter",
        Some("duration") => "duration",
        _ => "date",
    };
    let after = params
        .get("after")
        .map(|a| a.trim().to_string())
        .filter(|a| !a.is_empty());
    let ascending = params.get("order_dir").map(String::as_str) == Some("asc");
    let key = (column, ascending, after.clone());
    let fresh;
    let order: &[usize] = if !grouping && cache.key.as_ref() == Some(&key) {
        &cache.order
    } else {
        fresh = sorted(source, column, ascending, after.as_deref());
        if grouping {
            &fresh
        } else {
            cache.key = Some(key);
            cache.order = fresh;
            &cache.order
        }
    };
    let filtered = order.len();
    let start = number("start", 0);
    let length = number("length", 25);
    let page: Vec<Value> = order
        .iter()
        .skip(start)
        .take(length)
        .map(|&index| source[index].clone())
        .collect();
    json!({
        "draw": 1,
        "recordsTotal": total,
        "recordsFiltered": filtered,
        "total_duration": "",
        "filter_duration": "",
        "data": page,
    })
}

/// Indexes of the rows played on a day after `after`, by `column` then id.
fn sorted(source: &[Value], column: &str, ascending: bool, after: Option<&str>) -> Vec<usize> {
    let mut rows: Vec<((i64, i64), usize)> = source
        .iter()
        .enumerate()
        .filter(|(_, row)| after.is_none_or(|after| day(int(row, "started")).as_str() > after))
        .map(|(index, row)| ((int(row, column), int(row, "id")), index))
        .collect();
    rows.sort_by_key(|(key, _)| *key);
    if !ascending {
        rows.reverse();
    }
    rows.into_iter().map(|(_, index)| index).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ask(history: &[Value], params: &BTreeMap<String, String>) -> Value {
        answer(history, &mut OrderCache::default(), params)
    }

    #[test]
    fn pages_read_with_the_kept_order_are_the_pages_of_a_fresh_sort() {
        let history = generate(3, 500);
        let mut cache = OrderCache::default();
        for start in ["0", "100", "400"] {
            let asked = params(&[
                ("grouping", "0"),
                ("order_column", "started"),
                ("order_dir", "asc"),
                ("start", start),
                ("length", "100"),
            ]);
            assert_eq!(answer(&history, &mut cache, &asked), ask(&history, &asked));
        }
        let other = params(&[("grouping", "0"), ("start", "100"), ("length", "100")]);
        assert_eq!(answer(&history, &mut cache, &other), ask(&history, &other));
    }

    fn params(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn a_seed_gives_the_same_history_with_its_quirks() {
        let a = generate(7, 3_000);
        assert_eq!(a, generate(7, 3_000));
        assert_ne!(a, generate(8, 3_000));
        assert_eq!(a.len(), 3_000);
        assert!(a.iter().any(|r| r["started"].is_string()));
        assert!(a.iter().any(|r| r["rating_key"].is_null()));
        assert!(a.iter().any(|r| r["platform"] == ""));
        let references: std::collections::HashSet<i64> =
            a.iter().map(|r| int(r, "reference_id")).collect();
        assert!(references.len() < a.len(), "some playbacks span two rows");
    }

    #[test]
    fn a_bench_sized_history_ends_in_the_past() {
        let rows = generate(1, 100_000);
        let last = rows.iter().map(|r| int(r, "stopped")).max().unwrap();
        // 2026-03-01: before any day this code runs on, so no row is "in the future".
        assert!(last < 1_772_323_200, "{}", day(last));
    }

    #[test]
    fn paging_order_after_and_grouping_answer_like_tautulli() {
        let history = generate(1, 500);
        let all = ask(&history, &params(&[("grouping", "0"), ("length", "1000")]));
        assert_eq!(all["recordsTotal"], 500);
        let rows = all["data"].as_array().unwrap();
        assert!(
            int(&rows[0], "started") >= int(&rows[1], "started"),
            "newest first"
        );

        let page = ask(
            &history,
            &params(&[
                ("grouping", "0"),
                ("order_column", "started"),
                ("order_dir", "asc"),
                ("start", "10"),
                ("length", "5"),
            ]),
        );
        let page = page["data"].as_array().unwrap();
        assert_eq!(page.len(), 5);
        assert_eq!(int(&page[0], "id"), int(&history[10], "id"));

        let cut = day(int(&history[250], "started"));
        let after = ask(&history, &params(&[("grouping", "0"), ("after", &cut)]));
        let filtered = after["recordsFiltered"].as_u64().unwrap();
        assert!(filtered < 250, "{filtered}");
        assert_eq!(after["recordsTotal"], 500);

        let grouped = ask(&history, &params(&[]));
        assert!(grouped["recordsTotal"].as_u64().unwrap() < 500);
        assert_eq!(grouped["data"].as_array().unwrap().len(), 25);
        assert_eq!(day(0), "1970-01-01");
        assert_eq!(day(FIRST_PLAY), "2024-01-01");
    }
}
