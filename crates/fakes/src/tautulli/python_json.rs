//! JSON text the way Tautulli's webhook agent puts it on the wire: it parses the template
//! with Python's `json.loads` and sends it again through `requests`' `json=`, i.e.
//! `json.dumps` — keys in their order, `", "` and `": "` between items, non-ASCII escaped
//! as `\uXXXX`. Escapes and number forms in the input are kept as written.

/// Re-serialises valid JSON `text` (check it first) as Python's `json.dumps` would.
pub fn dumps(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    let mut in_string = false;
    let mut escaped = false;
    for c in text.chars() {
        if in_string {
            if escaped {
                escaped = false;
                out.push(c);
            } else if c == '\\' {
                escaped = true;
                out.push(c);
            } else if c == '"' {
                in_string = false;
                out.push(c);
            } else if c.is_ascii() {
                out.push(c);
            } else {
                let mut units = [0u16; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            ',' => out.push_str(", "),
            ':' => out.push_str(": "),
            c if c.is_whitespace() => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::dumps;

    #[test]
    fn separators_order_and_escapes_follow_python() {
        let text = "{\"b\":1,\n \"a\" : [true,null], \"t\":\"x, y: \\\"z\\\" é 😀\"}";
        assert_eq!(
            dumps(text),
            "{\"b\": 1, \"a\": [true, null], \"t\": \"x, y: \\\"z\\\" \\u00e9 \\ud83d\\ude00\"}"
        );
        let parsed: serde_json::Value = serde_json::from_str(&dumps(text)).unwrap();
        assert_eq!(parsed["t"], "x, y: \"z\" é 😀");
    }
}
