//! File names made from names the analyst typed (a project's, a scenario's). A name may be
//! 255 characters of anything; a file name must fit the file system (255 bytes on most, less
//! once a suffix and a date are added) and hold no separators or characters Windows refuses.

/// Longest part of a file name taken from a name, in bytes: room is left for what follows it
/// (a scenario's name, a date, an id, the extension).
const MAX_STEM_BYTES: usize = 60;

/// A short, lowercase, file-name-safe form of a name: `Heat pumps (2031)` → `heat-pumps-2031`.
pub(crate) fn slug(name: &str) -> String {
    let s: String = name.chars().map(|c| if c.is_alphanumeric() { c.to_ascii_lowercase() } else { '-' }).collect();
    let s = s.split('-').filter(|p| !p.is_empty()).collect::<Vec<_>>().join("-");
    let s = truncate(&s, MAX_STEM_BYTES).trim_end_matches('-').to_string();
    if s.is_empty() { "untitled".into() } else { s }
}

/// A readable file name stem for a name, as a save dialog suggests it: spaces and case kept,
/// separators and characters file systems refuse replaced, at most 100 bytes.
pub fn file_stem(name: &str) -> String {
    let s: String =
        name.chars()
            .map(|c| {
                if c.is_control() || matches!(c, '/' | '\\' | ':' | '*' | '?' | '"' | '<' | '>' | '|') {
                    '-'
                } else {
                    c
                }
            })
            .collect();
    // Leading dots would hide the file; trailing dots and spaces are dropped by Windows.
    let s = truncate(s.trim().trim_start_matches('.'), 100).trim_end_matches(['.', ' ']).to_string();
    if s.is_empty() { "untitled".into() } else { s }
}

/// At most `max` bytes of `s`, cut at a character boundary.
fn truncate(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_become_short_safe_file_names() {
        assert_eq!(slug("Heat pumps (2031)"), "heat-pumps-2031");
        assert_eq!(slug("///"), "untitled");
        let long = "é".repeat(255);
        assert!(slug(&long).len() <= MAX_STEM_BYTES, "255 two-byte characters fit");
        assert!(slug(&"a".repeat(255)).len() <= MAX_STEM_BYTES);
        assert_eq!(slug(&format!("{}-{}", "a".repeat(59), "b".repeat(10))), "a".repeat(59), "no dash left at the end");
        assert_eq!(file_stem("Q1/Q2: adoption?"), "Q1-Q2- adoption-");
        assert_eq!(file_stem("..hidden"), "hidden");
        assert_eq!(file_stem("  "), "untitled");
        assert!(file_stem(&"ü".repeat(255)).len() <= 100);
    }
}
