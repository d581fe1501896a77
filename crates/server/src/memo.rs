//! A small time-limited memo: answers that are costly to compute and may lag reality for a few
//! seconds (the library's total counts), kept in-process and dropped whole when this process
//! changes what they were computed from.

use std::collections::HashMap;
use std::future::Future;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::OnceCell;

pub struct TtlMemo<V> {
    ttl: Duration,
    capacity: usize,
    entries: Mutex<HashMap<String, (V, Instant)>>,
    /// Computations under way, by key: callers asking for the same missing key meanwhile wait
    /// for that one instead of repeating it.
    in_flight: Mutex<HashMap<String, Arc<OnceCell<V>>>>,
}

impl<V: Clone> TtlMemo<V> {
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        TtlMemo {
            ttl,
            capacity,
            entries: Mutex::new(HashMap::new()),
            in_flight: Mutex::new(HashMap::new()),
        }
    }

    /// The remembered value, or `compute`'s, remembered. Concurrent callers of one missing key
    /// share one computation (if it fails or its caller goes away, a waiting caller computes).
    pub async fn get_or_compute<E, F, Fut>(&self, key: &str, compute: F) -> Result<V, E>
    where
        F: FnOnce() -> Fut,
        Fut: Future<Output = Result<V, E>>,
    {
        if let Some(v) = self.get(key) {
            return Ok(v);
        }
        let cell = match self.in_flight.lock() {
            Ok(mut m) => m.entry(key.to_string()).or_default().clone(),
            Err(_) => Arc::new(OnceCell::new()),
        };
        let value = cell.get_or_try_init(compute).await.cloned()?;
        if let Ok(mut m) = self.in_flight.lock() {
            if m.get(key).is_some_and(|c| Arc::ptr_eq(c, &cell)) {
                m.remove(key);
                self.put(key.to_string(), value.clone());
            }
        }
        Ok(value)
    }

    pub fn get(&self, key: &str) -> Option<V> {
        let entries = self.entries.lock().ok()?;
        entries
            .get(key)
            .filter(|(_, at)| at.elapsed() < self.ttl)
            .map(|(v, _)| v.clone())
    }

    pub fn put(&self, key: String, value: V) {
        if let Ok(mut entries) = self.entries.lock() {
            if entries.len() >= self.capacity {
                entries.retain(|_, (_, at)| at.elapsed() < self.ttl);
                if entries.len() >= self.capacity {
                    entries.clear();
                }
            }
            entries.insert(key, (value, Instant::now()));
        }
    }

    /// Forgets every value, and every computation under way (its result is not remembered).
    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
        }
        if let Ok(mut m) = self.in_flight.lock() {
            m.clear();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_expire_and_clear() {
        let memo = TtlMemo::new(Duration::from_millis(30), 2);
        memo.put("a".into(), 1);
        assert_eq!(memo.get("a"), Some(1));
        std::thread::sleep(Duration::from_millis(40));
        assert_eq!(memo.get("a"), None);
        memo.put("b".into(), 2);
        memo.clear();
        assert_eq!(memo.get("b"), None);
    }

    #[tokio::test]
    async fn concurrent_misses_of_one_key_compute_once() {
        let memo = Arc::new(TtlMemo::new(Duration::from_secs(60), 10));
        let runs = Arc::new(std::sync::atomic::AtomicUsize::new(0));
        let ask = |memo: Arc<TtlMemo<u64>>, runs: Arc<std::sync::atomic::AtomicUsize>| async move {
            memo.get_or_compute("k", || async {
                runs.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(20)).await;
                Ok::<u64, ()>(7)
            })
            .await
        };
        let (a, b, c) = tokio::join!(
            ask(memo.clone(), runs.clone()),
            ask(memo.clone(), runs.clone()),
            ask(memo.clone(), runs.clone())
        );
        assert_eq!((a, b, c), (Ok(7), Ok(7), Ok(7)));
        assert_eq!(runs.load(std::sync::atomic::Ordering::SeqCst), 1);
        assert_eq!(memo.get("k"), Some(7), "remembered afterwards");
    }

    #[tokio::test]
    async fn a_failed_computation_is_not_remembered() {
        let memo: TtlMemo<u64> = TtlMemo::new(Duration::from_secs(60), 10);
        let failed = memo
            .get_or_compute("k", || async { Err::<u64, &str>("down") })
            .await;
        assert_eq!(failed, Err("down"));
        assert_eq!(memo.get("k"), None);
        let ok = memo
            .get_or_compute("k", || async { Ok::<u64, &str>(3) })
            .await;
        assert_eq!(ok, Ok(3));
    }

    #[test]
    fn it_never_grows_past_its_capacity() {
        let memo = TtlMemo::new(Duration::from_secs(60), 2);
        for i in 0..10 {
            memo.put(format!("k{i}"), i);
        }
        assert_eq!(memo.get("k9"), Some(9));
        assert!(memo.entries.lock().unwrap().len() <= 2);
    }
}
