//! Reading a wall-clock time in a timezone, through the webview's `Intl` (the UI carries no
//! timezone database).

use chrono::{DateTime, NaiveDateTime, Utc};
use wasm_bindgen::{JsCast, JsValue};

/// A wall-clock time in `timezone` (an IANA name) as UTC, through the webview's `Intl` (the UI
/// carries no timezone database). Without a timezone, or when the webview does not know it, the
/// computer's local time is used.
pub fn to_utc(naive: NaiveDateTime, timezone: Option<&str>) -> Option<DateTime<Utc>> {
    let Some(tz) = timezone else {
        return local_to_utc(naive);
    };
    // The zone's offset at a first guess, then again at the corrected instant (across a DST
    // change the two differ).
    let guess = naive.and_utc();
    let first = guess - zone_offset(guess, tz)?;
    let at = guess - zone_offset(first, tz)?;
    // A time skipped by a DST change reads back as another wall-clock time.
    (at + zone_offset(at, tz)? == guess).then_some(at)
}

/// How far `tz`'s wall clock is ahead of UTC at `at`.
fn zone_offset(at: DateTime<Utc>, tz: &str) -> Option<chrono::TimeDelta> {
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    let options = js_sys::Object::new();
    for (k, v) in [
        ("timeZone", tz),
        ("hourCycle", "h23"),
        ("year", "numeric"),
        ("month", "2-digit"),
        ("day", "2-digit"),
        ("hour", "2-digit"),
        ("minute", "2-digit"),
        ("second", "2-digit"),
    ] {
        js_sys::Reflect::set(&options, &k.into(), &v.into()).ok()?;
    }
    // Called through Reflect so an unknown timezone is an error here, not a thrown exception.
    let format = js_sys::Reflect::get(&date, &"toLocaleString".into())
        .ok()?
        .dyn_into::<js_sys::Function>()
        .ok()?;
    let text = format
        .call2(&date, &"en-US".into(), &options)
        .ok()?
        .as_string()?;
    let wall = NaiveDateTime::parse_from_str(&text, "%m/%d/%Y, %H:%M:%S").ok()?;
    Some(wall - at.naive_utc())
}

fn local_to_utc(naive: NaiveDateTime) -> Option<DateTime<Utc>> {
    use chrono::{Datelike, Timelike};
    let date = js_sys::Date::new_with_year_month_day_hr_min_sec(
        naive.year() as u32,
        naive.month0() as i32,
        naive.day() as i32,
        naive.hour() as i32,
        naive.minute() as i32,
        0,
    );
    DateTime::from_timestamp_millis(date.get_time() as i64)
}
