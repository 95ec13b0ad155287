//! Rate limits for the routes that check or set a password (login, register, password reset,
//! invite acceptance): each runs a 19 MiB argon2 hash, and login is where passwords are guessed.
//! Every action has its own budget per client address and, where the request names one, per
//! email address — so one address cannot flood the server, and a botnet still cannot guess one
//! person's password quickly. Past the budget the answer is `429 Too Many Requests` with
//! `Retry-After` (seconds until the next attempt would pass).
//!
//! The limits are GCRA (governor): a budget of N per minute allows a burst of N, then one more
//! every 60/N seconds. IPv6 clients are counted per /64, the block one subscriber usually has.
//! Behind a reverse proxy every request comes from the proxy: see `ServerConfig::trust_proxy`.

use crate::ServerError;
use governor::clock::{Clock, DefaultClock};
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use std::net::{IpAddr, Ipv6Addr};
use std::num::NonZeroU32;

/// What is being attempted; each has its own budgets.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Action {
    Login,
    Register,
    PasswordReset,
    AcceptInvite,
}

/// Attempts allowed per minute.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RateLimits {
    /// From one client address (an IPv6 /64), per action.
    pub per_address_per_minute: u32,
    /// Naming one email address, per action (login, password reset).
    pub per_email_per_minute: u32,
}

impl Default for RateLimits {
    fn default() -> Self {
        Self {
            per_address_per_minute: 10,
            per_email_per_minute: 6,
        }
    }
}

type Keyed<K> = RateLimiter<K, DefaultKeyedStateStore<K>, DefaultClock>;

pub struct Limiter {
    by_address: Keyed<(Action, IpAddr)>,
    by_email: Keyed<(Action, String)>,
    clock: DefaultClock,
}

fn per_minute(n: u32) -> Quota {
    Quota::per_minute(NonZeroU32::new(n).unwrap_or(NonZeroU32::MIN))
}

/// The key an address is counted under: IPv4 as is, IPv6 by its /64.
fn bucket(addr: IpAddr) -> IpAddr {
    match addr {
        IpAddr::V4(_) => addr,
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => IpAddr::V4(v4),
            None => {
                let s = v6.segments();
                IpAddr::V6(Ipv6Addr::new(s[0], s[1], s[2], s[3], 0, 0, 0, 0))
            }
        },
    }
}

impl Limiter {
    pub fn new(limits: RateLimits) -> Self {
        Self {
            by_address: RateLimiter::keyed(per_minute(limits.per_address_per_minute)),
            by_email: RateLimiter::keyed(per_minute(limits.per_email_per_minute)),
            clock: DefaultClock::default(),
        }
    }

    /// Spend one attempt of `action` from `addr` (and naming `email`), or say when to retry.
    pub fn check(
        &self,
        action: Action,
        addr: IpAddr,
        email: Option<&str>,
    ) -> Result<(), ServerError> {
        if let Err(not_until) = self.by_address.check_key(&(action, bucket(addr))) {
            return Err(limited(not_until.wait_time_from(self.clock.now())));
        }
        if let Some(email) = email {
            let key = (action, email.trim().to_lowercase());
            if let Err(not_until) = self.by_email.check_key(&key) {
                return Err(limited(not_until.wait_time_from(self.clock.now())));
            }
        }
        Ok(())
    }

    /// Drop the state of keys whose budget is full again (called now and then, so a scan of
    /// many addresses does not keep memory forever).
    pub fn forget_idle(&self) {
        self.by_address.retain_recent();
        self.by_address.shrink_to_fit();
        self.by_email.retain_recent();
        self.by_email.shrink_to_fit();
    }
}

fn limited(wait: std::time::Duration) -> ServerError {
    // Whole seconds, rounded up, and at least one: "Retry-After: 0" invites a busy loop.
    let secs = wait.as_secs() + u64::from(wait.subsec_nanos() > 0);
    ServerError::RateLimited {
        retry_after_secs: secs.max(1),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eleventh_attempt_in_a_minute_waits() {
        let limiter = Limiter::new(RateLimits::default());
        let addr: IpAddr = "203.0.113.7".parse().unwrap();
        for _ in 0..10 {
            limiter.check(Action::Login, addr, None).unwrap();
        }
        match limiter.check(Action::Login, addr, None) {
            Err(ServerError::RateLimited { retry_after_secs }) => {
                assert!((1..=60).contains(&retry_after_secs))
            }
            other => panic!("{other:?}"),
        }
        // Other actions and other addresses have their own budgets.
        limiter.check(Action::Register, addr, None).unwrap();
        limiter
            .check(Action::Login, "203.0.113.8".parse().unwrap(), None)
            .unwrap();
    }

    #[test]
    fn one_email_is_limited_across_addresses_and_ipv6_counts_per_64() {
        let limiter = Limiter::new(RateLimits::default());
        for i in 0..6 {
            let addr: IpAddr = format!("198.51.100.{i}").parse().unwrap();
            limiter
                .check(Action::Login, addr, Some("Ann@Example.com"))
                .unwrap();
        }
        assert!(limiter
            .check(
                Action::Login,
                "198.51.100.99".parse().unwrap(),
                Some("ann@example.com")
            )
            .is_err());
        assert_eq!(
            bucket("2001:db8:1:2:aaaa::1".parse().unwrap()),
            bucket("2001:db8:1:2:bbbb::2".parse().unwrap())
        );
        assert_ne!(
            bucket("2001:db8:1:2::1".parse().unwrap()),
            bucket("2001:db8:1:3::1".parse().unwrap())
        );
    }
}
