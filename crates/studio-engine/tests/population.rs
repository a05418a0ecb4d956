//! Population synthesis: marginals met, microdata structure kept, seeded and thread-count
//! independent, archetypes and adjustments, the stored form, and errors in the analyst's words.

use std::collections::BTreeMap;

use proptest::prelude::*;
use studio_engine::population::{decode, encode, fit_population, header};
use studio_engine::{ArchetypeEdit, DistributionTarget, Marginal, Microdata, PopulationSpec, synthesise, with_threads};

fn region(size: u64, seed: u64) -> PopulationSpec {
    PopulationSpec::new(
        size,
        seed,
        vec![
            Marginal::new("age_band", &[("18-29", 21.0), ("30-44", 26.0), ("45-64", 32.0), ("65+", 21.0)]),
            Marginal::new("income_band", &[("<20k", 0.18), ("20k-40k", 0.31), ("40k-70k", 0.29), ("70k+", 0.22)]),
            Marginal::new("area", &[("urban", 0.64), ("rural", 0.36)]),
        ],
    )
}

fn quiet(spec: &PopulationSpec) -> studio_engine::Synthesis {
    synthesise(spec, &mut |_, _| {}).expect("synthesis")
}

#[test]
fn every_marginal_is_met_and_the_size_is_exact() {
    let s = quiet(&region(100_000, 7));
    let p = &s.population;
    assert_eq!(p.size(), 100_000);
    assert_eq!(p.fit.len(), 3);
    for fit in &p.fit {
        assert!(fit.max_share_error < 0.001, "{}: {}", fit.dimension, fit.max_share_error);
        assert!(fit.srmse < 0.01, "{}: srmse {}", fit.dimension, fit.srmse);
    }
    assert!((p.fit[0].synthetic[2] - 0.32).abs() < 0.001);
    assert!(p.convergence.converged);
    assert_eq!(p.cells, 4 * 4 * 2);
}

#[test]
fn the_same_seed_gives_the_same_digest_at_one_and_two_threads() {
    let spec = region(50_000, 11);
    let one = with_threads(1, || quiet(&spec));
    let two = with_threads(2, || quiet(&spec));
    assert_eq!(one.digest, two.digest);
    assert_eq!(one.population, two.population);
    assert_eq!(one.network, two.network);
    assert_eq!(one.summary, two.summary);
    let other = quiet(&region(50_000, 12));
    assert_ne!(one.digest, other.digest, "another seed, another population");
}

#[test]
fn a_microdata_sample_keeps_its_joint_structure() {
    let mut spec = region(20_000, 3);
    // Nobody young is rich in the sample: the fitted population must not invent them.
    let records = [
        ("18-29", "<20k"),
        ("18-29", "20k-40k"),
        ("30-44", "20k-40k"),
        ("30-44", "40k-70k"),
        ("45-64", "40k-70k"),
        ("45-64", "70k+"),
        ("65+", "<20k"),
        ("65+", "70k+"),
    ];
    spec.microdata = Some(Microdata {
        dimensions: vec!["age_band".into(), "income_band".into()],
        records: records.iter().map(|(a, i)| vec![a.to_string(), i.to_string()]).collect(),
        weights: vec![],
    });
    let p = fit_population(&spec).unwrap();
    for fit in &p.fit {
        assert!(fit.max_share_error < 0.002, "{}: {:?} vs {:?}", fit.dimension, fit.synthetic, fit.target);
    }
    let young_rich = (0..p.size()).filter(|i| p.attributes[0][*i] == 0 && p.attributes[1][*i] == 3).count();
    assert_eq!(young_rich, 0);
}

#[test]
fn a_sample_value_outside_the_marginal_is_named() {
    let mut spec = region(1_000, 3);
    spec.microdata =
        Some(Microdata { dimensions: vec!["age_band".into()], records: vec![vec!["12-17".into()]], weights: vec![] });
    let e = fit_population(&spec).unwrap_err().to_string();
    assert!(e.contains("record 1") && e.contains("12-17") && e.contains("18-29"), "{e}");
}

#[test]
fn adjustments_reshape_and_shift_the_targets() {
    let mut spec = region(10_000, 5);
    spec.adjustments.insert(
        "area".into(),
        DistributionTarget::Shares(BTreeMap::from([("urban".into(), 0.5), ("rural".into(), 0.5)])),
    );
    spec.adjustments.insert("income_band".into(), DistributionTarget::Shift(0.5));
    let p = fit_population(&spec).unwrap();
    assert!((p.fit[2].synthetic[0] - 0.5).abs() < 0.001);
    // Half of each income band moved one band up: the lowest keeps half its share.
    assert!((p.fit[1].target[0] - 0.09).abs() < 1e-9, "{:?}", p.fit[1].target);
    assert!((p.fit[1].target[3] - (0.22 + 0.145)).abs() < 1e-9);

    spec.adjustments.insert("area".into(), DistributionTarget::Shares(BTreeMap::from([("suburban".into(), 0.5)])));
    let e = fit_population(&spec).unwrap_err().to_string();
    assert!(e.contains("no category 'suburban'") && e.contains("urban, rural"), "{e}");
}

#[test]
fn archetypes_partition_the_population_and_can_be_edited() {
    let spec = region(30_000, 9);
    let p = fit_population(&spec).unwrap();
    assert_eq!(p.archetypes.len(), 6);
    let total: f64 = p.archetypes.iter().map(|a| a.share).sum();
    assert!((total - 1.0).abs() < 1e-9);
    assert!(p.archetypes.windows(2).all(|w| w[0].share >= w[1].share), "ids by decreasing share");
    for a in &p.archetypes {
        assert!(!a.label.is_empty());
        assert!(a.centre.contains_key("age_band") && a.centre.contains_key("income_band"));
        assert!(!a.centre.contains_key("area"), "area is nominal: no centre");
        let members = p
            .archetype
            .iter()
            .filter(|x| usize::from(**x) == a.archetype_id[1..].parse::<usize>().unwrap() - 1)
            .count();
        assert!((members as f64 / p.size() as f64 - a.share).abs() < 0.01, "{}", a.archetype_id);
    }

    let mut edited = spec.clone();
    edited.archetype_edits.insert(
        "A2".into(),
        ArchetypeEdit { share: Some(0.4), label: Some("early adopters".into()), ..Default::default() },
    );
    let q = fit_population(&edited).unwrap();
    let a2 = q.archetypes.iter().find(|a| a.archetype_id == "A2").unwrap();
    assert!((a2.share - 0.4).abs() < 1e-6 && a2.label == "early adopters" && a2.edited);
    let members = q.archetype.iter().filter(|x| **x == 1).count() as f64 / q.size() as f64;
    assert!((members - 0.4).abs() < 0.01, "{members}");

    edited.archetype_edits.insert("A9".into(), ArchetypeEdit::default());
    let e = fit_population(&edited).unwrap_err().to_string();
    assert!(e.contains("no archetype 'A9'"), "{e}");
}

#[test]
fn the_stored_form_reads_back_the_same() {
    let s = quiet(&region(5_000, 1));
    let bytes = encode(&s);
    let (h, p) = decode(&bytes).unwrap();
    assert_eq!(p, s.population);
    assert_eq!(h.digest, s.digest);
    assert_eq!(header(&bytes).unwrap().0, h);
    assert!(decode(b"not a population").unwrap_err().to_string().contains("not a stored population"));
    assert!(decode(&bytes[..bytes.len() - 10]).is_err());
}

#[test]
fn bad_inputs_are_named() {
    let check = |spec: PopulationSpec, expect: &str| {
        let e = fit_population(&spec).unwrap_err().to_string();
        assert!(e.contains(expect), "{e} should say {expect}");
    };
    check(region(0, 1), "between 1 and 5000000");
    check(region(6_000_000, 1), "between 1 and 5000000");
    check(PopulationSpec::new(10, 1, vec![]), "no marginals");
    check(PopulationSpec::new(10, 1, vec![Marginal::new("age", &[("a", -1.0)])]), "finite and ≥ 0");
    check(PopulationSpec::new(10, 1, vec![Marginal::new("age", &[("a", 0.0)])]), "add up to zero");
    let mut s = region(10, 1);
    s.archetypes = 0;
    check(s, "k must be between 1 and 20");
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(24))]

    /// Every category's synthetic share is within the integerisation bound of its target:
    /// at most one agent per cell of that category away from the fitted weights.
    #[test]
    fn synthesised_populations_meet_every_marginal(
        shares in prop::collection::vec(prop::collection::vec(0.01f64..10.0, 2..6), 1..4),
        size in 500u64..40_000,
        seed in 0u64..1_000,
    ) {
        let marginals: Vec<Marginal> = shares.iter().enumerate().map(|(d, s)| Marginal {
            dimension: format!("d{d}"),
            categories: (0..s.len()).map(|c| format!("c{c}")).collect(),
            targets: s.clone(),
        }).collect();
        let cells: usize = shares.iter().map(Vec::len).product();
        let mut spec = PopulationSpec::new(size, seed, marginals);
        spec.archetypes = 3;
        let p = fit_population(&spec).unwrap();
        prop_assert_eq!(p.size() as u64, size);
        for (fit, s) in p.fit.iter().zip(&shares) {
            let per_category = (cells / s.len()) as f64;
            let tolerance = per_category / size as f64 + 1e-9;
            prop_assert!(fit.max_share_error <= tolerance, "{} off by {} > {}", fit.dimension, fit.max_share_error, tolerance);
        }
    }
}
