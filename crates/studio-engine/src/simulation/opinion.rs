//! The opinion model's two steps: drawing the initial opinions, and one synchronous tick of
//! bounded-confidence averaging with drift and noise (every agent reads the opinions at the
//! start of the tick). Noise is uniform with the given standard deviation, one draw per agent
//! per tick in index order — none when the model has no noise, so a noiseless run draws only
//! its initial opinions.

use crate::fastrng::Xoshiro;
use crate::simulation::model::OpinionModel;
use crate::simulation::prepared::Prepared;
use crate::simulation::run::Simulation;

/// Uniform on [−√3·sd, √3·sd]: mean 0, standard deviation `sd`.
#[inline]
fn noise(rng: &mut Xoshiro, sd: f64) -> f32 {
    if sd == 0.0 { 0.0 } else { ((2.0 * rng.next_f64() - 1.0) * 3f64.sqrt() * sd) as f32 }
}

/// Every agent's opinion at tick 0: the `initial` term (its global and personal parts) plus
/// noise of sd `spread`, within [0, 1].
pub(crate) fn initial(sim: &Simulation<'_>, model: &OpinionModel, prep: &Prepared, rng: &mut Xoshiro) -> Vec<f32> {
    let global = model.initial.global(&sim.variables.at(0)) as f32;
    let personal = prep.personal[0].as_deref();
    (0..sim.network.nodes())
        .map(|i| (global + personal.map_or(0.0, |p| p[i]) + noise(rng, model.spread)).clamp(0.0, 1.0))
        .collect()
}

/// One tick: `next[i]` from `now` — toward the mean of the neighbours within `confidence`, by
/// the drift (`drift` global plus the agent's part) and by noise of sd `noise`.
pub(crate) fn step(
    sim: &Simulation<'_>,
    model: &OpinionModel,
    prep: &Prepared,
    drift: f64,
    now: &[f32],
    next: &mut [f32],
    rng: &mut Xoshiro,
) {
    let (mu, eps, drift) = (model.convergence as f32, model.confidence as f32, drift as f32);
    let personal = prep.personal[1].as_deref();
    for (i, out) in next.iter_mut().enumerate() {
        let x = now[i];
        let (mut sum, mut k) = (0f32, 0u32);
        for &j in sim.network.neighbours(i) {
            let y = now[j as usize];
            if (y - x).abs() <= eps {
                sum += y;
                k += 1;
            }
        }
        let pull = if k == 0 { 0.0 } else { sum / k as f32 - x };
        let push = drift + personal.map_or(0.0, |p| p[i]);
        *out = (x + mu * pull + push + noise(rng, model.noise)).clamp(0.0, 1.0);
    }
}
