//! A site's publishing slots (DESIGN §5): the days and times of its `PublishingSettings`, read in
//! the site's IANA timezone and turned into UTC instants, within its daily, weekly and monthly
//! limits. Pure: the scheduler gives it the slots already taken and a starting instant.
//!
//! Wall-clock times that do not exist or exist twice are settled once, here:
//! - a slot in the hour skipped when clocks go forward (02:30 on a spring-forward night in New
//!   York) is published at the instant it would have been before the change — the same distance
//!   past the jump (03:30 new time), never dropped;
//! - a slot in the hour repeated when clocks go back (01:30 on a fall-back night) is published
//!   once, at its first occurrence.
//!
//! Days, weeks (ISO, Monday first) and months for the limits are the site's local ones.
//! Pinned by the unit tests below (New York and Berlin DST changes, limits, taken slots).

use crate::CoreError;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Utc, Weekday};
use chrono::{LocalResult, Offset, TimeZone};
use chrono_tz::Tz;
use folio_model::{PublishDay, PublishingSettings};
use std::collections::HashMap;

/// How far ahead slots are looked for: past this a site whose limits or days leave no slot
/// gets fewer than it asked for, rather than a search that never ends.
const HORIZON_DAYS: i64 = 3 * 366;

/// The rules slots are drawn from, parsed once.
#[derive(Clone, Debug)]
pub struct SlotRules {
    tz: Tz,
    days: Vec<Weekday>,
    times: Vec<NaiveTime>,
    daily: u32,
    weekly: u32,
    monthly: u32,
}

/// The timezone named by an IANA name, or a validation error that says what to write.
pub fn parse_timezone(name: &str) -> Result<Tz, CoreError> {
    name.trim().parse::<Tz>().map_err(|_| {
        CoreError::invalid(
            "timezone",
            format!(
                "\u{201c}{}\u{201d} is not an IANA timezone name; use one like UTC, Europe/Lisbon or America/New_York",
                name.trim()
            ),
        )
    })
}

fn weekday(day: PublishDay) -> Weekday {
    match day {
        PublishDay::Mon => Weekday::Mon,
        PublishDay::Tue => Weekday::Tue,
        PublishDay::Wed => Weekday::Wed,
        PublishDay::Thu => Weekday::Thu,
        PublishDay::Fri => Weekday::Fri,
        PublishDay::Sat => Weekday::Sat,
        PublishDay::Sun => Weekday::Sun,
    }
}

impl SlotRules {
    pub fn from_settings(s: &PublishingSettings) -> Result<Self, CoreError> {
        let mut times = Vec::with_capacity(s.publish_time_slots.len());
        for raw in &s.publish_time_slots {
            times.push(NaiveTime::parse_from_str(raw, "%H:%M").map_err(|_| {
                CoreError::invalid(
                    "publish_time_slots",
                    format!("\u{201c}{raw}\u{201d} is not a time; write slots as HH:MM"),
                )
            })?);
        }
        times.sort();
        times.dedup();
        Ok(Self {
            tz: parse_timezone(&s.timezone)?,
            days: s.publish_days.iter().copied().map(weekday).collect(),
            times,
            daily: s.daily_publish_limit,
            weekly: s.weekly_publish_limit,
            monthly: s.monthly_publish_limit,
        })
    }

    /// The UTC instant of a local wall-clock time (see the module docs for the skipped and
    /// repeated hours).
    pub fn instant(&self, local: NaiveDateTime) -> DateTime<Utc> {
        match self.tz.from_local_datetime(&local) {
            LocalResult::Single(t) => t.with_timezone(&Utc),
            LocalResult::Ambiguous(first, _) => first.with_timezone(&Utc),
            LocalResult::None => {
                // In the gap: read the wall time at the offset in force just before it.
                let before = local - Duration::hours(3);
                let offset = match self.tz.from_local_datetime(&before) {
                    LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => t.offset().fix(),
                    LocalResult::None => self.tz.offset_from_utc_datetime(&before).fix(),
                };
                DateTime::<Utc>::from_naive_utc_and_offset(local - offset, Utc)
            }
        }
    }

    fn local_date(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.tz).date_naive()
    }

    /// The next `n` free slots strictly after `after`, in order. `taken`: the slots already
    /// holding a post (they count against the limits and are not handed out again).
    pub fn next_free(
        &self,
        after: DateTime<Utc>,
        taken: &[DateTime<Utc>],
        n: usize,
    ) -> Vec<DateTime<Utc>> {
        let mut out = Vec::new();
        if n == 0 || self.days.is_empty() || self.times.is_empty() {
            return out;
        }
        let mut tally = Tally::default();
        for t in taken {
            tally.add(self.local_date(*t));
        }
        let start = self.local_date(after);
        for offset in 0..HORIZON_DAYS {
            let date = start + Duration::days(offset);
            if !self.days.contains(&date.weekday()) {
                continue;
            }
            for time in &self.times {
                let slot = self.instant(date.and_time(*time));
                if slot <= after || taken.contains(&slot) || out.contains(&slot) {
                    continue;
                }
                // The slot's own local day (a skipped-hour slot stays on its date).
                let day = self.local_date(slot);
                if tally.full(day, self) {
                    continue;
                }
                tally.add(day);
                out.push(slot);
                if out.len() == n {
                    return out;
                }
            }
        }
        out
    }

    /// Every slot in `[from, to)` that holds no post and that the limits still allow, given the
    /// posts in `taken` — each on its own: a day allowed one more post shows all its open times,
    /// since any one of them may be chosen (the calendar's free slots, a move's targets). Unlike
    /// [`Self::next_free`], nothing is handed out, so one slot does not close another.
    ///
    /// `taken` should hold every post of the local days, ISO weeks and months the span touches,
    /// not only those inside it, for the limits to be counted right.
    pub fn open_slots(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
        taken: &[DateTime<Utc>],
    ) -> Vec<DateTime<Utc>> {
        let mut out = Vec::new();
        if from >= to {
            return out;
        }
        let mut tally = Tally::default();
        for t in taken {
            tally.add(self.local_date(*t));
        }
        // A day either side: a slot's local date may differ from its UTC date.
        let mut date = self.local_date(from) - Duration::days(1);
        let last = self.local_date(to) + Duration::days(1);
        while date <= last {
            if self.days.contains(&date.weekday()) {
                for time in &self.times {
                    let slot = self.instant(date.and_time(*time));
                    if slot < from || slot >= to || taken.contains(&slot) || out.contains(&slot) {
                        continue;
                    }
                    if !tally.full(self.local_date(slot), self) {
                        out.push(slot);
                    }
                }
            }
            date += Duration::days(1);
        }
        out.sort();
        out
    }
}

/// Posts counted per local day, ISO week and month, against the limits.
#[derive(Default)]
struct Tally {
    per_day: HashMap<NaiveDate, u32>,
    per_week: HashMap<(i32, u32), u32>,
    per_month: HashMap<(i32, u32), u32>,
}

impl Tally {
    /// One more post on a local day, in its ISO week and its month.
    fn add(&mut self, date: NaiveDate) {
        let week = date.iso_week();
        *self.per_day.entry(date).or_default() += 1;
        *self.per_week.entry((week.year(), week.week())).or_default() += 1;
        *self
            .per_month
            .entry((date.year(), date.month()))
            .or_default() += 1;
    }

    /// Whether the day, its week or its month already holds as many posts as the rules allow.
    fn full(&self, day: NaiveDate, rules: &SlotRules) -> bool {
        let week = day.iso_week();
        self.per_day.get(&day).copied().unwrap_or(0) >= rules.daily
            || self
                .per_week
                .get(&(week.year(), week.week()))
                .copied()
                .unwrap_or(0)
                >= rules.weekly
            || self
                .per_month
                .get(&(day.year(), day.month()))
                .copied()
                .unwrap_or(0)
                >= rules.monthly
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(tz: &str, days: &[PublishDay], slots: &[&str], limits: (u32, u32, u32)) -> SlotRules {
        let mut s = PublishingSettings::seed_defaults(
            folio_model::SiteId(uuid::Uuid::now_v7()),
            Utc::now(),
        );
        s.timezone = tz.into();
        s.publish_days = days.to_vec();
        s.publish_time_slots = slots.iter().map(|s| s.to_string()).collect();
        (
            s.daily_publish_limit,
            s.weekly_publish_limit,
            s.monthly_publish_limit,
        ) = limits;
        SlotRules::from_settings(&s).unwrap()
    }

    fn utc(s: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(s).unwrap().with_timezone(&Utc)
    }

    const EVERY_DAY: &[PublishDay] = &[
        PublishDay::Mon,
        PublishDay::Tue,
        PublishDay::Wed,
        PublishDay::Thu,
        PublishDay::Fri,
        PublishDay::Sat,
        PublishDay::Sun,
    ];

    #[test]
    fn new_york_spring_forward_and_fall_back() {
        let r = rules(
            "America/New_York",
            EVERY_DAY,
            &["02:30", "09:00"],
            (9, 99, 999),
        );
        // 2026-03-08: clocks jump 02:00 EST → 03:00 EDT. 02:30 does not exist: it is published
        // at 07:30 UTC (03:30 EDT); 09:00 is EDT (13:00 UTC). The day before is still EST.
        let got = r.next_free(utc("2026-03-07T00:00:00Z"), &[], 4);
        assert_eq!(
            got,
            [
                utc("2026-03-07T07:30:00Z"),
                utc("2026-03-07T14:00:00Z"),
                utc("2026-03-08T07:30:00Z"),
                utc("2026-03-08T13:00:00Z"),
            ]
        );
        // 2026-11-01: clocks go back 02:00 EDT → 01:00 EST. 01:30 happens twice: once, first.
        let r = rules("America/New_York", EVERY_DAY, &["01:30"], (9, 99, 999));
        let got = r.next_free(utc("2026-10-31T12:00:00Z"), &[], 3);
        assert_eq!(
            got,
            [
                utc("2026-11-01T05:30:00Z"), // 01:30 EDT, the first of the two
                utc("2026-11-02T06:30:00Z"), // 01:30 EST
                utc("2026-11-03T06:30:00Z"),
            ]
        );
    }

    #[test]
    fn berlin_across_its_changes() {
        let r = rules(
            "Europe/Berlin",
            EVERY_DAY,
            &["02:15", "18:00"],
            (9, 99, 999),
        );
        // 2026-03-29: 02:00 CET → 03:00 CEST; 02:15 is published at 01:15 UTC (03:15 CEST).
        let got = r.next_free(utc("2026-03-28T12:00:00Z"), &[], 3);
        assert_eq!(
            got,
            [
                utc("2026-03-28T17:00:00Z"),
                utc("2026-03-29T01:15:00Z"),
                utc("2026-03-29T16:00:00Z"),
            ]
        );
        // 2026-10-25: 03:00 CEST → 02:00 CET; 02:15 once, at its first (CEST) occurrence.
        let got = r.next_free(utc("2026-10-24T20:00:00Z"), &[], 2);
        assert_eq!(
            got,
            [utc("2026-10-25T00:15:00Z"), utc("2026-10-25T17:00:00Z")]
        );
    }

    #[test]
    fn limits_days_and_taken_slots() {
        // Mon/Wed/Fri at 09:00, 14:00 and 18:00 UTC; two a day, three a week, five a month.
        let r = rules(
            "UTC",
            &[PublishDay::Mon, PublishDay::Wed, PublishDay::Fri],
            &["18:00", "09:00", "14:00"],
            (2, 3, 5),
        );
        // Monday 2026-12-07 08:00: Monday's 09:00 is taken already.
        let taken = [utc("2026-12-07T09:00:00Z")];
        let got = r.next_free(utc("2026-12-07T08:00:00Z"), &taken, 10);
        assert_eq!(
            got,
            [
                utc("2026-12-07T14:00:00Z"), // Monday: two with the taken one
                utc("2026-12-09T09:00:00Z"), // Wednesday: the week's third
                utc("2026-12-14T09:00:00Z"), // next week
                utc("2026-12-14T14:00:00Z"), // December's fifth (with the taken one)
                utc("2027-01-01T09:00:00Z"), // January (a Friday; its ISO week began in 2026)
                utc("2027-01-01T14:00:00Z"),
                utc("2027-01-04T09:00:00Z"),
                utc("2027-01-04T14:00:00Z"),
                utc("2027-01-06T09:00:00Z"), // January's fifth
                utc("2027-02-01T09:00:00Z"),
            ]
        );
        // A zero limit, or no days, gives nothing rather than searching for ever.
        assert!(rules("UTC", EVERY_DAY, &["09:00"], (0, 3, 5))
            .next_free(utc("2026-12-07T08:00:00Z"), &[], 1)
            .is_empty());
        assert!(rules("UTC", &[], &["09:00"], (2, 3, 5))
            .next_free(utc("2026-12-07T08:00:00Z"), &[], 1)
            .is_empty());
    }

    #[test]
    fn open_slots_are_each_allowed_on_their_own() {
        // Mon/Wed/Fri at 09:00, 14:00 and 18:00 UTC; two a day, three a week, five a month.
        let r = rules(
            "UTC",
            &[PublishDay::Mon, PublishDay::Wed, PublishDay::Fri],
            &["09:00", "14:00", "18:00"],
            (2, 3, 5),
        );
        let (mon, next_mon) = (utc("2026-12-07T00:00:00Z"), utc("2026-12-14T00:00:00Z"));
        // Monday 09:00 holds a post: Monday may take one more, at either open time; the rest of
        // the week is open (any one slot alone stays within three a week).
        let open = r.open_slots(mon, next_mon, &[utc("2026-12-07T09:00:00Z")]);
        assert_eq!(
            open,
            [
                utc("2026-12-07T14:00:00Z"),
                utc("2026-12-07T18:00:00Z"),
                utc("2026-12-09T09:00:00Z"),
                utc("2026-12-09T14:00:00Z"),
                utc("2026-12-09T18:00:00Z"),
                utc("2026-12-11T09:00:00Z"),
                utc("2026-12-11T14:00:00Z"),
                utc("2026-12-11T18:00:00Z"),
            ]
        );
        // Monday at its daily limit: none of its times is open.
        let open = r.open_slots(
            mon,
            next_mon,
            &[utc("2026-12-07T09:00:00Z"), utc("2026-12-07T18:00:00Z")],
        );
        assert_eq!(open.first(), Some(&utc("2026-12-09T09:00:00Z")));
        assert_eq!(open.len(), 6);
        // The week at its limit: nothing that week.
        let full_week = [
            utc("2026-12-07T09:00:00Z"),
            utc("2026-12-09T09:00:00Z"),
            utc("2026-12-11T09:00:00Z"),
        ];
        assert!(r.open_slots(mon, next_mon, &full_week).is_empty());
        // The span is half-open, and an empty or reversed one holds nothing.
        assert_eq!(
            r.open_slots(
                utc("2026-12-07T09:00:00Z"),
                utc("2026-12-07T14:00:00Z"),
                &[]
            ),
            [utc("2026-12-07T09:00:00Z")]
        );
        assert!(r.open_slots(next_mon, mon, &[]).is_empty());
    }

    #[test]
    fn open_slots_count_the_month_outside_the_span() {
        // One a month: a post on 1 December closes the rest of December, even in a span that
        // does not include the 1st; January is open again.
        let r = rules("UTC", EVERY_DAY, &["09:00"], (1, 7, 1));
        let taken = [utc("2026-12-01T09:00:00Z")];
        assert!(r
            .open_slots(
                utc("2026-12-20T00:00:00Z"),
                utc("2026-12-31T00:00:00Z"),
                &taken
            )
            .is_empty());
        assert_eq!(
            r.open_slots(
                utc("2026-12-31T00:00:00Z"),
                utc("2027-01-02T00:00:00Z"),
                &taken
            ),
            [utc("2027-01-01T09:00:00Z")]
        );
    }

    #[test]
    fn open_slots_in_the_site_timezone_across_dst() {
        let r = rules(
            "America/New_York",
            EVERY_DAY,
            &["02:30", "09:00"],
            (9, 99, 999),
        );
        // 2026-03-08, spring forward: 02:30 does not exist and is open at 07:30 UTC (as
        // next_free gives it); the 7th's 09:00 EST is 14:00 UTC, the 8th's 09:00 EDT 13:00 UTC.
        assert_eq!(
            r.open_slots(
                utc("2026-03-07T12:00:00Z"),
                utc("2026-03-08T14:00:00Z"),
                &[]
            ),
            [
                utc("2026-03-07T14:00:00Z"),
                utc("2026-03-08T07:30:00Z"),
                utc("2026-03-08T13:00:00Z"),
            ]
        );
        // Limits count local days: with one a day, a post at the 8th's 02:30 (New York) closes
        // the 8th's 09:00 and leaves the 7th open.
        let r = rules(
            "America/New_York",
            EVERY_DAY,
            &["02:30", "09:00"],
            (1, 99, 999),
        );
        assert_eq!(
            r.open_slots(
                utc("2026-03-07T12:00:00Z"),
                utc("2026-03-08T14:00:00Z"),
                &[utc("2026-03-08T07:30:00Z")]
            ),
            [utc("2026-03-07T14:00:00Z")]
        );
    }

    #[test]
    fn a_timezone_is_an_iana_name() {
        assert!(parse_timezone("Europe/Lisbon").is_ok());
        assert!(parse_timezone("UTC").is_ok());
        let err = parse_timezone("Mars/Olympus").unwrap_err();
        assert!(err.to_string().contains("IANA"), "{err}");
    }
}
