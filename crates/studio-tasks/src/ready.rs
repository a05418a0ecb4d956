//! The tasks ready to run, grouped by the capabilities they require so that finding the best
//! task an agent can do looks at one candidate per group, not at every task.

use std::cmp::Reverse;
use std::collections::{BTreeSet, HashMap};

/// Order among ready tasks: higher priority, then the longer chain of dependents (the
/// critical path), then the older task.
pub(crate) type ReadyKey = (Reverse<i32>, Reverse<u32>, u64, usize);

#[derive(Debug, Default)]
pub(crate) struct ReadyQueue {
    groups: Vec<(BTreeSet<String>, BTreeSet<ReadyKey>)>,
    group_of: HashMap<BTreeSet<String>, usize>,
    len: usize,
}

impl ReadyQueue {
    pub fn group(&mut self, capabilities: &BTreeSet<String>) -> usize {
        if let Some(&g) = self.group_of.get(capabilities) {
            return g;
        }
        self.groups.push((capabilities.clone(), BTreeSet::new()));
        self.group_of.insert(capabilities.clone(), self.groups.len() - 1);
        self.groups.len() - 1
    }

    pub fn insert(&mut self, group: usize, key: ReadyKey) {
        if self.groups[group].1.insert(key) {
            self.len += 1;
        }
    }

    pub fn remove(&mut self, group: usize, key: &ReadyKey) {
        if self.groups[group].1.remove(key) {
            self.len -= 1;
        }
    }

    pub fn len(&self) -> usize {
        self.len
    }

    /// The best ready task among those whose required capabilities the agent has.
    pub fn best_for(&self, capabilities: &BTreeSet<String>) -> Option<usize> {
        self.groups
            .iter()
            .filter(|(required, keys)| !keys.is_empty() && required.is_subset(capabilities))
            .filter_map(|(_, keys)| keys.first())
            .min()
            .map(|key| key.3)
    }
}
