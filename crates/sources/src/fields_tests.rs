//! Tests of the lenient field access: absent values, numbers as strings, ticks, flags,
//! times and the paths named in errors.

use super::*;
use serde_json::json;

fn with<T>(value: Value, read: impl FnOnce(&Obj) -> T) -> T {
    let Value::Object(map) = value else {
        panic!("test value must be an object")
    };
    read(&Obj::root(&map))
}

#[test]
fn blanks_and_placeholders_are_absent() {
    let value = json!({"a": "", "b": "  ", "c": "{title}", "d": null, "e": "{not a placeholder}"});
    with(value, |obj| {
        for key in ["a", "b", "c", "d", "missing"] {
            assert_eq!(obj.text(key).expect("lenient"), None, "{key}");
            assert_eq!(obj.integer(key).expect("lenient"), None, "{key}");
        }
        assert_eq!(
            obj.text("e").expect("text").as_deref(),
            Some("{not a placeholder}")
        );
    });
}

#[test]
fn integers_come_as_numbers_or_strings() {
    let value = json!({"n": 123, "s": "123", "f": 12.9, "fs": " 7.5 ", "neg": "-4",
                       "bad": "soon", "bool": true, "huge": "1e300"});
    with(value, |obj| {
        assert_eq!(obj.integer("n").expect("n"), Some(123));
        assert_eq!(obj.integer("s").expect("s"), Some(123));
        assert_eq!(obj.integer("f").expect("f"), Some(12));
        assert_eq!(obj.integer("fs").expect("fs"), Some(7));
        assert_eq!(obj.integer("neg").expect("neg"), Some(-4));
        let bad = obj.integer("bad").expect_err("bad");
        assert_eq!(bad.code(), "wrong_type");
        assert_eq!(bad.field(), Some("bad"));
        assert!(bad.to_string().contains("\"soon\""), "{bad}");
        assert_eq!(obj.integer("bool").expect_err("bool").code(), "wrong_type");
        assert_eq!(
            obj.integer("huge").expect_err("huge").code(),
            "out_of_range"
        );
        assert_eq!(
            obj.millis("neg").expect_err("negative ms").code(),
            "out_of_range"
        );
    });
}

#[test]
fn ticks_and_seconds_become_milliseconds() {
    with(
        json!({"t": 27120000000_i64, "s": "1500", "big": 99999999999999_i64}),
        |obj| {
            assert_eq!(obj.ticks_as_millis("t").expect("ticks"), Some(2_712_000));
            assert_eq!(
                obj.seconds_as_millis("s").expect("seconds"),
                Some(1_500_000)
            );
            assert_eq!(
                obj.millis("big").expect_err("too big").code(),
                "out_of_range"
            );
        },
    );
}

#[test]
fn nested_paths_are_named() {
    with(
        json!({"Metadata": {"viewOffset": "later", "list": [1]}}),
        |obj| {
            let metadata = obj.object("Metadata").expect("object").expect("present");
            let error = metadata.integer("viewOffset").expect_err("wrong");
            assert_eq!(error.field(), Some("Metadata.viewOffset"));
            let error = metadata.object("list").expect_err("array");
            assert_eq!(error.field(), Some("Metadata.list"));
            assert!(error.to_string().contains("an array"), "{error}");
        },
    );
}

#[test]
fn flags_accept_tautulli_strings() {
    with(
        json!({"a": "1", "b": "0", "c": true, "d": 0, "e": "maybe"}),
        |obj| {
            assert_eq!(obj.flag("a").expect("a"), Some(true));
            assert_eq!(obj.flag("b").expect("b"), Some(false));
            assert_eq!(obj.flag("c").expect("c"), Some(true));
            assert_eq!(obj.flag("d").expect("d"), Some(false));
            assert_eq!(obj.flag("e").expect_err("e").code(), "wrong_type");
        },
    );
}

#[test]
fn times_parse_in_all_the_shapes_sources_send() {
    let expected = Utc.with_ymd_and_hms(2025, 11, 27, 13, 43, 30).single();
    assert_eq!(parse_time("2025-11-27T13:43:30"), expected);
    assert_eq!(parse_time("2025-11-27 13:43:30"), expected);
    assert_eq!(parse_time("2025-11-27T14:43:30+01:00"), expected);
    assert_eq!(
        parse_time("2025-11-27T13:43:30.0000000Z").map(|t| t.timestamp()),
        Some(1_764_251_010)
    );
    assert_eq!(parse_time("yesterday"), None);
    with(json!({"u": "1764251010", "when": "soon"}), |obj| {
        assert_eq!(obj.unix_seconds("u").expect("unix"), expected);
        assert_eq!(
            obj.time("when").expect_err("bad time").field(),
            Some("when")
        );
    });
}

#[test]
fn strings_are_strict_where_asked() {
    with(json!({"event": 42, "id": 7}), |obj| {
        let error = obj.string("event").expect_err("number");
        assert_eq!(error.code(), "wrong_type");
        assert_eq!(error.field(), Some("event"));
        assert_eq!(obj.text("id").expect("id").as_deref(), Some("7"));
    });
}
