//! A small time-limited memo: answers that are costly to compute and may lag reality for a few
//! seconds (the library's total counts), kept in-process and dropped whole when this process
//! changes what they were computed from.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct TtlMemo<V> {
    ttl: Duration,
    capacity: usize,
    entries: Mutex<HashMap<String, (V, Instant)>>,
}

impl<V: Clone> TtlMemo<V> {
    pub fn new(ttl: Duration, capacity: usize) -> Self {
        TtlMemo {
            ttl,
            capacity,
            entries: Mutex::new(HashMap::new()),
        }
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

    pub fn clear(&self) {
        if let Ok(mut entries) = self.entries.lock() {
            entries.clear();
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
