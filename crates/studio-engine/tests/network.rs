//! The Watts–Strogatz network: a simple undirected graph with k ties per agent on average,
//! the small-world numbers theory predicts, homophily that shows, and a drawable ego network.

use studio_engine::network::{NetworkSpec, build_network, summarise};

fn groups(n: usize) -> Vec<u8> {
    (0..n).map(|i| (i * 7 % 5) as u8).collect()
}

fn spec(rewiring: f64, homophily: f64) -> NetworkSpec {
    NetworkSpec { degree: 10, rewiring, homophily }
}

#[test]
fn the_graph_is_simple_symmetric_and_keeps_every_tie() {
    let n = 20_000;
    let g = build_network(&groups(n), &spec(0.1, 0.0), 4).unwrap();
    assert_eq!(g.nodes(), n);
    assert_eq!(g.edges(), n * 5, "rewiring moves ties, never loses them");
    for u in 0..n {
        let near = g.neighbours(u);
        assert!(near.windows(2).all(|w| w[0] < w[1]), "sorted, no duplicate ties at {u}");
        assert!(!near.contains(&(u as u32)), "no self-tie at {u}");
        for v in near {
            assert!(g.has_edge(*v as usize, u as u32), "tie {u}-{v} seen from both ends");
        }
    }
}

#[test]
fn small_world_numbers_match_theory() {
    let n = 20_000;
    let lattice = build_network(&groups(n), &spec(0.0, 0.0), 1).unwrap();
    let s = summarise(&lattice, &groups(n), 1, None);
    // A ring lattice's clustering is 3(k−2) / 4(k−1) = 2/3 for k = 10.
    assert!((s.clustering_coefficient - 2.0 / 3.0).abs() < 1e-9, "{}", s.clustering_coefficient);
    assert_eq!(s.degree_distribution, vec![(10, n as u64)]);

    let small = build_network(&groups(n), &spec(0.1, 0.0), 1).unwrap();
    let s = summarise(&small, &groups(n), 1, None);
    // Rewired with p: C ≈ C(0)·(1−p)³ ≈ 0.486; the path length falls far below the lattice's n/2k.
    assert!((s.clustering_coefficient - 0.486).abs() < 0.03, "{}", s.clustering_coefficient);
    assert!(s.mean_path_length > 3.0 && s.mean_path_length < 9.0, "{}", s.mean_path_length);
    assert!((s.mean_degree - 10.0).abs() < 1e-9);
}

#[test]
fn homophily_raises_same_archetype_ties() {
    let n = 20_000;
    let g = groups(n);
    let plain = summarise(&build_network(&g, &spec(0.5, 0.0), 2).unwrap(), &g, 2, None);
    let biased = summarise(&build_network(&g, &spec(0.5, 0.9), 2).unwrap(), &g, 2, None);
    assert!(
        biased.same_archetype_ties > plain.same_archetype_ties + 0.2,
        "{} vs {}",
        biased.same_archetype_ties,
        plain.same_archetype_ties
    );
}

#[test]
fn the_ego_network_is_the_centre_its_ties_and_theirs() {
    let n = 5_000;
    let g = build_network(&groups(n), &spec(0.1, 0.0), 3).unwrap();
    let s = summarise(&g, &groups(n), 3, Some(17));
    assert_eq!(s.ego.centre, 17);
    assert_eq!(s.ego.nodes[0].ring, 0);
    let first: Vec<u32> = s.ego.nodes.iter().filter(|x| x.ring == 1).map(|x| x.id).collect();
    assert_eq!(first, g.neighbours(17));
    assert!(s.ego.nodes.len() <= 40 && s.ego.nodes.iter().any(|x| x.ring == 2));
    for (a, b) in &s.ego.edges {
        assert!(g.has_edge(*a as usize, *b));
    }
}

#[test]
fn impossible_networks_are_refused() {
    let e = build_network(&groups(8), &spec(0.1, 0.0), 1).unwrap_err().to_string();
    assert!(e.contains("too few"), "{e}");
    let e = build_network(&groups(100), &NetworkSpec { degree: 7, ..spec(0.1, 0.0) }, 1).unwrap_err().to_string();
    assert!(e.contains("even number"), "{e}");
    let e = build_network(&groups(100), &spec(1.5, 0.0), 1).unwrap_err().to_string();
    assert!(e.contains("rewiring"), "{e}");
}
