//! Tolerant JSON extraction from model replies. Models wrap JSON in Markdown fences or
//! chat around it; we look for the JSON in the few places it is usually found and give up
//! otherwise (never guessing at partial data).

use serde::de::DeserializeOwned;

/// Parses the JSON value in `text` into `T`. Tries, in order: the whole reply, the
/// contents of a ```` ```json ```` (or bare ```` ``` ````) fence, and the first balanced
/// `{…}` / `[…]` span (string-aware, so braces inside strings do not count). The error
/// names the first failure worth quoting back to the model.
pub fn extract_json<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err("the reply was empty; expected a JSON value".to_owned());
    }
    let mut first_err: Option<String> = None;
    let mut candidates: Vec<&str> = vec![trimmed];
    if let Some(fenced) = fenced_block(trimmed) {
        candidates.push(fenced);
    }
    if let Some(span) = balanced_span(trimmed) {
        candidates.push(span);
    }
    for c in candidates {
        match serde_json::from_str::<T>(c) {
            Ok(v) => return Ok(v),
            Err(e) => {
                // A syntax error on the whole reply is expected when it has prose around it;
                // prefer reporting errors from a candidate that was at least JSON.
                let is_data_error = e.is_data();
                if first_err.is_none() || is_data_error {
                    first_err = Some(format!("{e}"));
                    if is_data_error {
                        return Err(format!("the JSON does not match the expected shape: {e}"));
                    }
                }
            }
        }
    }
    Err(match first_err {
        Some(e) if trimmed.contains(['{', '[']) => format!("the reply is not valid JSON: {e}"),
        _ => "no JSON object found in the reply".to_owned(),
    })
}

/// The body of the first ``` fence, with an optional language tag.
pub fn fenced_block(text: &str) -> Option<&str> {
    let start = text.find("```")?;
    let after = &text[start + 3..];
    // Skip the info string ("json", "JSON", …) up to the end of the line.
    let body_start = after.find('\n').map(|i| i + 1).unwrap_or(0);
    let body = &after[body_start..];
    let end = body.find("```").unwrap_or(body.len());
    let inner = body[..end].trim();
    (!inner.is_empty()).then_some(inner)
}

/// From the first `{` or `[` to its matching close, skipping brackets inside strings.
pub fn balanced_span(text: &str) -> Option<&str> {
    let start = text.find(['{', '['])?;
    let mut depth: Vec<u8> = Vec::new();
    let mut in_string = false;
    let mut escaped = false;
    for (i, b) in text.as_bytes().iter().enumerate().skip(start) {
        let b = *b;
        if in_string {
            if escaped {
                escaped = false;
            } else if b == b'\\' {
                escaped = true;
            } else if b == b'"' {
                in_string = false;
            }
            continue;
        }
        match b {
            b'"' => in_string = true,
            b'{' => depth.push(b'}'),
            b'[' => depth.push(b']'),
            b'}' | b']' => {
                if depth.pop() != Some(b) {
                    return None;
                }
                if depth.is_empty() {
                    return Some(&text[start..=i]);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;
    use serde_json::Value;

    #[derive(Debug, Deserialize, PartialEq)]
    struct T {
        a: u32,
    }

    #[test]
    fn plain_fenced_and_prose() {
        assert_eq!(extract_json::<T>(r#"{"a":1}"#), Ok(T { a: 1 }));
        assert_eq!(extract_json::<T>("```json\n{\"a\":2}\n```"), Ok(T { a: 2 }));
        assert_eq!(extract_json::<T>("```\n{\"a\":3}\n```"), Ok(T { a: 3 }));
        assert_eq!(
            extract_json::<T>("Sure! Here it is: {\"a\":4, \"s\":\"}{ ]\"} Hope that helps."),
            Ok(T { a: 4 })
        );
        assert_eq!(
            extract_json::<Vec<Vec<u8>>>("list: [[1],[2,3]] done"),
            Ok(vec![vec![1], vec![2, 3]])
        );
    }

    #[test]
    fn rejects_garbage_and_shape_errors() {
        assert!(extract_json::<Value>("no json here").is_err());
        assert!(extract_json::<Value>("{\"a\": 1").is_err());
        let e = extract_json::<T>(r#"{"a":"x"}"#).err().unwrap_or_default();
        assert!(e.contains("expected shape"), "{e}");
        assert!(extract_json::<Value>("").is_err());
    }

    #[test]
    fn span_is_string_aware() {
        assert_eq!(
            balanced_span(r#"x {"k":"a}b\"}"} y"#),
            Some(r#"{"k":"a}b\"}"}"#)
        );
        assert_eq!(balanced_span("{[}]"), None);
    }
}
