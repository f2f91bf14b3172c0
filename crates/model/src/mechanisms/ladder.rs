//! Mechanism 2, the ladder itself, and mechanism 11, recurring cycles (001 "Every few months,
//! Pakistan and Afghanistan find themselves caught up in the same crisis: cross-border
//! terrorism, accusations, and denials"). The rung is read off what the agents did recently:
//! 5 open war; 4 a strike within the memory window; 3 a clash; 2 coercive measures in force;
//! 1 an official accusation; else 0 (calm). Crisis episodes are runs of days at or above the
//! crisis rung.

use crate::outcomes::DayRecord;
use crate::params::Params;
use crate::world::World;

fn within(day: u32, last: Option<u32>, memory: u32) -> bool {
    last.is_some_and(|d| day - d < memory)
}

/// The rung implied by today's state.
pub fn current_rung(world: &World, params: &Params) -> u8 {
    let day = world.day;
    let memory = params.ladder.memory_days;
    let l = &world.ladder;
    if world.pk.open_war || world.today.war_began {
        5
    } else if within(day, l.last_strike, memory) {
        4
    } else if within(day, l.last_clash, memory) {
        3
    } else if world.pk.crossings_closed || world.pk.deportation_drive {
        2
    } else if within(day, l.last_accusation, memory) {
        1
    } else {
        0
    }
}

/// Sets today's rung and records the day.
pub fn climb_ladder(world: &mut World, params: &Params) -> DayRecord {
    let rung = current_rung(world, params);
    let l = &mut world.ladder;
    l.rung = rung;
    l.clash_days = (l.clash_days << 1) | u32::from(world.today.clash);
    let t = &mut world.tally;
    t.days_on_rung[rung as usize] += 1;
    t.max_rung = t.max_rung.max(rung);
    let crisis = u32::from(rung) >= params.ladder.crisis_rung;
    if crisis && !l.in_crisis {
        t.crisis_episodes += 1;
        t.first_crisis_day.get_or_insert(world.day);
        t.last_crisis_day = Some(world.day);
    }
    l.in_crisis = crisis;
    DayRecord {
        rung,
        cumulative_attacks: t.attacks,
        cumulative_fatalities: t.fatalities(),
    }
}
