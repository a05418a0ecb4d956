//! What an agent can do, with implication: `advanced_math` implies `basic_math`.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

/// Which capabilities imply which others; transitive (`a → b`, `b → c` gives `a → c`).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(transparent)]
pub struct CapabilityHierarchy {
    implies: BTreeMap<String, BTreeSet<String>>,
}

impl CapabilityHierarchy {
    pub fn new() -> Self {
        Self::default()
    }

    /// `capability` implies `implied`.
    pub fn imply(mut self, capability: &str, implied: &str) -> Self {
        self.implies.entry(capability.to_string()).or_default().insert(implied.to_string());
        self
    }

    /// The capabilities given and everything they imply.
    pub fn expand<'a>(&self, capabilities: impl IntoIterator<Item = &'a String>) -> BTreeSet<String> {
        let mut all = BTreeSet::new();
        let mut stack: Vec<String> = capabilities.into_iter().cloned().collect();
        while let Some(capability) = stack.pop() {
            if all.insert(capability.clone())
                && let Some(implied) = self.implies.get(&capability)
            {
                stack.extend(implied.iter().cloned());
            }
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(items: &[&str]) -> BTreeSet<String> {
        items.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn implication_is_transitive_and_survives_cycles() {
        let h = CapabilityHierarchy::new()
            .imply("advanced_math", "basic_math")
            .imply("basic_math", "arithmetic")
            .imply("arithmetic", "advanced_math");
        assert_eq!(h.expand(&set(&["basic_math"])), set(&["advanced_math", "arithmetic", "basic_math"]));
        assert_eq!(CapabilityHierarchy::new().imply("a", "b").expand(&set(&["b"])), set(&["b"]));
    }
}
