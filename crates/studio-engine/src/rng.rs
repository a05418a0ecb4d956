//! One seeded generator per (seed, stream): the streams a computation draws from are fixed by
//! what it is, never by which thread runs it.

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// The named streams of a population build.
#[derive(Debug, Clone, Copy)]
#[repr(u64)]
pub(crate) enum Stream {
    Integerise = 1,
    Shuffle = 2,
    Archetypes = 3,
    Network = 4,
    Sample = 5,
}

pub(crate) fn generator(seed: u64, stream: Stream) -> ChaCha8Rng {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    rng.set_stream(stream as u64);
    rng
}
