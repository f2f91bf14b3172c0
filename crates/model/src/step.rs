//! The daily schedule: one simulated day, its phases in order. Each phase is a rule named in
//! MODEL.md; the order follows the causal chain of the texts: the India front and domestic
//! politics move, militants (TTP and the rival group) grow and plan, Kabul acts or not,
//! attacks happen (spoilers among them while an accord holds), Pakistan attributes and
//! accuses, the border flares and Kabul answers earlier strikes on the posts or opens fire
//! on its own, outrage reaches the state, the state responds, mediators step in, and the
//! costs and memories settle before the ladder reads the day.

use super::measures::Levers;
use super::mechanisms::{
    attacks::{fighting_season, launch_attacks},
    attribution::attribute_attacks,
    clashes::{clash_at_posts, ease_tension, reopen_local_crossings},
    costs::count_trade_losses,
    crackdown::crack_down,
    ladder::climb_ladder,
    legitimacy::weigh_legitimacy,
    mediation::mediate,
    militancy::{recruit_militants, split_and_dissolve_cells},
    operations::conduct_operations,
    outrage::spread_outrage,
    politics::{schedule_first_shocks, shake_politics, watch_india_front},
    refugees::manage_refugees,
    resentment::fade_memories,
    response::decide_response,
    retaliation::{open_fire_unprompted, retaliate_on_posts},
    rival::{grow_rival, launch_rival_attacks},
    spoilers::launch_spoiler_attacks,
    trust::build_confidence,
};
use super::outcomes::DayRecord;
use super::params::Params;
use super::world::World;

/// Advances the world by one day and returns the day's record.
pub fn step(world: &mut World, params: &Params) -> DayRecord {
    begin_day(world, params);
    watch_india_front(world, params);
    shake_politics(world, params);
    recruit_militants(world, params);
    grow_rival(world, params);
    split_and_dissolve_cells(world, params);
    crack_down(world, params);
    launch_attacks(world, params);
    launch_rival_attacks(world, params);
    launch_spoiler_attacks(world, params);
    conduct_operations(world, params);
    attribute_attacks(world, params);
    clash_at_posts(world, params);
    retaliate_on_posts(world, params);
    open_fire_unprompted(world, params);
    spread_outrage(world, params);
    decide_response(world, params);
    mediate(world, params);
    build_confidence(world, params);
    weigh_legitimacy(world, params);
    ease_tension(world, params);
    reopen_local_crossings(world);
    count_trade_losses(world, params);
    manage_refugees(world, params);
    fade_memories(world, params);
    let record = climb_ladder(world, params);
    world.day += 1;
    record
}

/// Clears today's events and reads which measures are in force.
fn begin_day(world: &mut World, params: &Params) {
    world.today.attacks.clear();
    world.today.outrage = 0.0;
    world.today.clash_outrage = 0.0;
    world.today.trigger = false;
    world.today.clash = false;
    world.today.war_began = false;
    world.today.season = fighting_season(world, params);
    if world.day == 0 {
        schedule_first_shocks(world, params);
    }
    if world.day >= world.levers_until {
        world.levers = Levers::on_day(&params.measures, world.day);
        world.levers_until = Levers::next_change(&params.measures, world.day);
    }
}
