//! Mechanism 1, second half: attribution, accusation and denial (000 "Islamabad accuses Kabul
//! of providing safe havens ... Kabul, however, rejects these allegations"; "a dispute over
//! facts"; "Without credible verification mechanisms, accusations and denials will continue").
//! Pakistan attributes TTP attacks (and some others) to Afghan soil; when pressure is high or
//! the attack is a trigger, it accuses Kabul officially; Kabul denies unless the facts were
//! established jointly (joint border monitoring) or trust in Islamabad makes denial less
//! likely; an accusation raised first through a standing channel costs half the trust and
//! draws no public denial. Accusations and denials erode trust;
//! attributed attacks while Kabul does little cost it legitimacy ([`super::legitimacy`]).

use super::ladder::{Action, remember};
use super::legitimacy::charge_legitimacy;
use super::trust::{Side, gain_trust, lose_trust};
use super::{channel_handling, handled_factor};
use crate::draw::chance;
use crate::params::Params;
use crate::rng::Stream;
use crate::world::World;

/// Trust gained by both sides when the facts of an incident are established jointly.
const SHARED_FACTS_TRUST_GAIN: f64 = 0.002;

pub fn attribute_attacks(world: &mut World, params: &Params) {
    let shared_facts =
        world.levers.joint_monitoring * params.measures.joint_monitoring.shared_facts;
    for k in 0..world.today.attacks.len() {
        let attack = world.today.attacks[k];
        let rng = world.streams.get(Stream::Attribution);
        let attribution = if attack.by_ttp {
            params.militants.ttp_attribution
        } else {
            params.militants.other_group_attribution
        };
        let attributed = chance(rng, attribution);
        let facts_shared = chance(rng, shared_facts);
        let denial = params.afghanistan.denial_propensity
            * (1.0 - params.afghanistan.denial_trust_effect * world.af.trust_in_pk);
        let denied = chance(rng, denial);
        // Without branches up to the rare official accusation: whether an attack is
        // attributed follows no pattern the processor could predict.
        charge_legitimacy(world, params, attributed);
        let notable = attack.deaths >= params.ladder.accusation_deaths;
        let official = attributed
            & (attack.trigger
                | (notable & (world.pk.pressure >= params.ladder.accusation_threshold)));
        if !official {
            continue;
        }
        world.tally.accusations += 1;
        remember(world, params, Action::Accusation);
        // Raised through a standing channel first, an accusation costs half the trust and
        // draws no public denial.
        let handling = channel_handling(world, params);
        let handled = chance(world.streams.get(Stream::Channel), handling);
        let handled_factor = handled_factor(handled);
        if facts_shared {
            // Jointly established facts leave nothing to deny and build some trust.
            gain_trust(world, Side::Both, SHARED_FACTS_TRUST_GAIN);
        } else {
            lose_trust(
                world,
                params,
                Side::Afghanistan,
                params.ladder.accusation_trust_loss * handled_factor,
            );
            if denied && !handled {
                lose_trust(
                    world,
                    params,
                    Side::Pakistan,
                    params.ladder.denial_trust_loss,
                );
            }
        }
    }
}
