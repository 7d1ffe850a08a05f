//! Per-user limits on streamed responses: a token bucket for how often one
//! starts, and a count of those open at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use super::config::RateLimit;

/// Prune idle users from the tables at most this often.
const PRUNE_EVERY: Duration = Duration::from_secs(60);

/// Why a stream may not start.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Refusal {
    /// Too many started recently: retry after this many seconds.
    Rate { retry_after: u64 },
    /// Too many open at once.
    Concurrency,
}

#[derive(Debug)]
struct Bucket {
    tokens: f64,
    updated: Instant,
}

#[derive(Debug)]
struct Buckets {
    users: HashMap<String, Bucket>,
    pruned: Instant,
}

#[derive(Debug)]
pub(crate) struct StreamLimits {
    rate: Option<RateLimit>,
    buckets: Mutex<Buckets>,
    max_open: Option<usize>,
    open: Arc<Mutex<HashMap<String, usize>>>,
}

/// One open stream of a user, until dropped.
#[derive(Debug)]
pub(crate) struct StreamPermit {
    user: String,
    open: Arc<Mutex<HashMap<String, usize>>>,
}

impl Drop for StreamPermit {
    fn drop(&mut self) {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(count) = open.get_mut(&self.user) {
            *count -= 1;
            if *count == 0 {
                open.remove(&self.user);
            }
        }
    }
}

impl StreamLimits {
    pub(crate) fn new(rate: Option<RateLimit>, max_open: Option<usize>) -> Self {
        Self {
            rate,
            buckets: Mutex::new(Buckets {
                users: HashMap::new(),
                pruned: Instant::now(),
            }),
            max_open,
            open: Arc::default(),
        }
    }

    /// Lets `user` start a stream, or says why not. The concurrency cap is
    /// checked first, so a refused stream does not spend a token.
    pub(crate) fn admit(&self, user: &str) -> Result<StreamPermit, Refusal> {
        self.admit_at(user, Instant::now())
    }

    fn admit_at(&self, user: &str, now: Instant) -> Result<StreamPermit, Refusal> {
        let mut open = self.open.lock().unwrap_or_else(PoisonError::into_inner);
        let count = open.get(user).copied().unwrap_or(0);
        if self.max_open.is_some_and(|max| count >= max) {
            return Err(Refusal::Concurrency);
        }
        self.take_token(user, now)?;
        open.insert(user.to_owned(), count + 1);
        Ok(StreamPermit {
            user: user.to_owned(),
            open: Arc::clone(&self.open),
        })
    }

    fn take_token(&self, user: &str, now: Instant) -> Result<(), Refusal> {
        let Some(rate) = self.rate else {
            return Ok(());
        };
        let per_second = rate.rate() / 60.0;
        let burst = f64::from(rate.burst_size());
        let mut buckets = self.buckets.lock().unwrap_or_else(PoisonError::into_inner);
        if now.saturating_duration_since(buckets.pruned) >= PRUNE_EVERY {
            // A bucket that has refilled is the same as no bucket.
            buckets.users.retain(|_, bucket| {
                bucket.tokens
                    + now.saturating_duration_since(bucket.updated).as_secs_f64() * per_second
                    < burst
            });
            buckets.pruned = now;
        }
        let bucket = buckets.users.entry(user.to_owned()).or_insert(Bucket {
            tokens: burst,
            updated: now,
        });
        let refilled = now.saturating_duration_since(bucket.updated).as_secs_f64() * per_second;
        bucket.tokens = (bucket.tokens + refilled).min(burst);
        bucket.updated = now;
        if bucket.tokens >= 1.0 {
            bucket.tokens -= 1.0;
            Ok(())
        } else {
            let wait = (1.0 - bucket.tokens) / per_second;
            // Whole seconds, rounded up, at least 1.
            let retry_after = (wait.ceil() as u64).max(1);
            Err(Refusal::Rate { retry_after })
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bucket_refills_at_its_rate() {
        let limits = StreamLimits::new(Some(RateLimit::per_minute(6).burst(2)), None);
        let start = Instant::now();
        let at = |secs| start + Duration::from_secs(secs);
        let _a = limits.admit_at("u", at(0)).unwrap();
        let _b = limits.admit_at("u", at(0)).unwrap();
        assert_eq!(
            limits.admit_at("u", at(0)).unwrap_err(),
            Refusal::Rate { retry_after: 10 }
        );
        // Another user has a bucket of their own.
        let _c = limits.admit_at("v", at(0)).unwrap();
        assert_eq!(
            limits.admit_at("u", at(4)).unwrap_err(),
            Refusal::Rate { retry_after: 6 }
        );
        let _d = limits.admit_at("u", at(10)).unwrap();
        // Idle users are forgotten once their bucket is full again.
        let _e = limits.admit_at("w", at(100)).unwrap();
        let users = &limits.buckets.lock().unwrap().users;
        assert!(!users.contains_key("v") && users.contains_key("w"));
    }

    #[test]
    fn open_streams_are_capped_per_user_and_released_on_drop() {
        let limits = StreamLimits::new(None, Some(2));
        let a = limits.admit("u").unwrap();
        let _b = limits.admit("u").unwrap();
        assert_eq!(limits.admit("u").unwrap_err(), Refusal::Concurrency);
        let _c = limits.admit("v").unwrap();
        drop(a);
        let _d = limits.admit("u").unwrap();
        drop(limits.admit("w").unwrap());
        assert!(!limits.open.lock().unwrap().contains_key("w"));
    }
}
