//! Random streams: one ChaCha8 stream per mechanism, keyed by the trial seed, declared in one
//! list (`streams!` below), each with the mechanism that draws from it. A mechanism
//! draws only from its own stream, so switching one measure on does not shift the draws of
//! the others (common random numbers across compared scenarios).

use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;

/// Number of streams: one per [`Stream`].
pub const STREAM_COUNT: usize = Stream::ALL.len();

/// Declares the named random streams: the enum (its discriminant is the ChaCha8 stream
/// number, so the order is part of the results) and the list of all of them.
macro_rules! streams {
    ( $( $(#[doc = $doc:literal])* $name:ident, )* ) => {
        /// The named streams, one per mechanism that draws random numbers.
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        #[repr(u64)]
        pub enum Stream {
            $( $(#[doc = $doc])* $name, )*
        }

        impl Stream {
            /// Every stream, in stream-number order.
            pub const ALL: &'static [Stream] = &[$(Stream::$name),*];
        }
    };
}

// The random stream of each mechanism that draws. A new mechanism that draws adds its
// stream at the end: the order numbers the streams, and renumbering changes every result.
streams! {
    /// Initial placement and strength of cells (`World::reset`).
    Setup,
    /// Cell splits ([`militancy`](crate::mechanisms::militancy)).
    Recruitment,
    /// Kabul's crackdown and factional splits ([`crackdown`](crate::mechanisms::crackdown)).
    Crackdown,
    /// Attack planning, infiltration, interdiction, targets and deaths ([`attacks`](crate::mechanisms::attacks)).
    Attacks,
    /// Pakistan's counter-terrorism operations ([`operations`](crate::mechanisms::operations)).
    Operations,
    /// Attribution, shared facts and denial ([`attribution`](crate::mechanisms::attribution)).
    Attribution,
    /// Accusations and strikes handled by the standing channel ([`attribution`](crate::mechanisms::attribution), [`response`](crate::mechanisms::response)).
    Channel,
    /// Pakistan's coercion, strike and open-war decisions and strike outcomes ([`response`](crate::mechanisms::response)).
    Response,
    /// Kabul's armed response on border posts ([`retaliation`](crate::mechanisms::retaliation)).
    Retaliation,
    /// Local clashes and open-war fighting ([`clashes`](crate::mechanisms::clashes)).
    Clashes,
    /// Ceasefires, agreements and monitoring ([`mediation`](crate::mechanisms::mediation)).
    Mediation,
    /// How long each action keeps its rung ([`ladder`](crate::mechanisms::ladder)).
    Ladder,
    /// The rival group's cells, attacks and splinter cells ([`rival`](crate::mechanisms::rival)).
    Rival,
    /// TTP spoiler attacks on ceasefires and agreements ([`spoilers`](crate::mechanisms::spoilers)).
    Spoilers,
    /// Kabul's unprompted fire on border posts ([`retaliation`](crate::mechanisms::retaliation)).
    Initiative,
    /// Crises on the India front ([`politics`](crate::mechanisms::politics)).
    IndiaFront,
    /// Political shocks in Pakistan ([`politics`](crate::mechanisms::politics)).
    PoliticalShocks,
}

/// A trial's 256-bit seed.
pub type TrialSeed = [u8; 32];

/// All streams of one trial.
#[derive(Debug, Clone)]
pub struct Streams {
    rngs: [ChaCha8Rng; STREAM_COUNT],
}

impl Streams {
    pub fn new(seed: TrialSeed) -> Self {
        Streams {
            rngs: std::array::from_fn(|i| {
                let mut rng = ChaCha8Rng::from_seed(seed);
                rng.set_stream(i as u64);
                rng
            }),
        }
    }

    /// The stream of one mechanism.
    #[inline]
    pub fn get(&mut self, stream: Stream) -> &mut ChaCha8Rng {
        &mut self.rngs[stream as usize]
    }
}

/// SplitMix64 finaliser: a bijective mix used to derive seeds from small integers.
pub fn mix64(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// The seed of trial `trial` under master seed `master`; `arm` is 0 for common random
/// numbers (every arm shares trial k's seed) or arm index + 1 for independent seeds.
pub fn trial_seed(master: u64, trial: u64, arm: u64) -> TrialSeed {
    let mut seed = [0u8; 32];
    let mut state = mix64(master)
        ^ mix64(trial.wrapping_mul(0xD1B5_4A32_D192_ED03))
        ^ mix64(arm.wrapping_add(0x5851_F42D));
    for chunk in seed.chunks_exact_mut(8) {
        state = mix64(state);
        chunk.copy_from_slice(&state.to_le_bytes());
    }
    seed
}

/// A short printable form of a trial seed (its first 8 bytes), for trials.csv.
pub fn seed_id(seed: &TrialSeed) -> u64 {
    u64::from_le_bytes(seed[..8].try_into().expect("8 bytes"))
}
