//! Whatever is typed, the parser answers: no panic, every part's place holds its words.

use proptest::prelude::*;
use studio_model::Day;

fn check(q: &str) {
    let task = studio_intent::parse(q, Day { year: 2026, month: 12, day: 6 });
    let chars: Vec<char> = q.chars().collect();
    for part in task.understood.iter().chain(&task.not_understood) {
        assert!(part.start <= part.end && part.end <= chars.len(), "{q:?}: {part:?}");
        assert_eq!(chars[part.start..part.end].iter().collect::<String>(), part.text);
    }
}

proptest! {
    #[test]
    fn any_text_parses(q in "\\PC{0,200}") {
        check(&q);
    }

    #[test]
    fn question_like_text_parses(words in proptest::collection::vec(prop_oneof![
        Just("will"), Just("pass"), Just("30%"), Just("by"), Just("2031"), Just("in"), Just("five"), Just("years"),
        Just("if"), Just("prices"), Just("fall"), Just("-"), Just("€"), Just("3,000"), Just("a"), Just("third"),
        Just("and"), Just("with"), Just("double"), Just("Q3"), Just("mid-"), Just("one"), Just("in"), Just("0"),
        Just("1e309"), Just("99999999999999999999999"), Just("?"), Just("ÄÖ"), Just("🙂"),
    ], 0..30)) {
        check(&words.join(" "));
    }
}

#[test]
fn extreme_numbers_and_long_questions_do_not_break_it() {
    check(&format!("Will adoption pass {}% by 2031?", "9".repeat(400)));
    check("Will adoption pass 30% in 99999999 years?");
    check("Will adoption pass 30% by 0?");
    check(&"Will adoption pass 30% by 2031 if prices fall 20% and ".repeat(2000));
}
