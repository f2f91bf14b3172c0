//! Mechanism 2, the ladder itself, and mechanism 11, recurring cycles (001 "Every few months,
//! Pakistan and Afghanistan find themselves caught up in the same crisis: cross-border
//! terrorism, accusations, and denials"). The rung is read off what the agents did recently:
//! 5 open war; 4 a strike still remembered; 3 a clash; 2 coercive measures in force; 1 an
//! official accusation; else 0 (calm). An action is remembered for a number of days drawn
//! when it happens (mean `ladder.memory_days`, exponential: its salience fades with a constant
//! daily hazard), so a rung fades rather than ending on a fixed day. Crisis episodes are runs
//! of days at or above the crisis rung.

use crate::draw::exponential;
use crate::outcomes::DayRecord;
use crate::params::Params;
use crate::rng::Stream;
use crate::world::World;

/// An action that holds a rung while it is remembered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Accusation,
    Clash,
    Strike,
}

/// Remembers an action taken today: it holds its rung for `ceil(Exp(memory_days))` days
/// (at least today), or longer if an earlier one of its kind is remembered longer.
pub fn remember(world: &mut World, params: &Params, action: Action) {
    let rng = world.streams.get(Stream::Ladder);
    let hold = exponential(rng, f64::from(params.ladder.memory_days))
        .ceil()
        .max(1.0);
    let until = world.day.saturating_add(hold.min(1.0e6) as u32);
    let l = &mut world.ladder;
    let slot = match action {
        Action::Accusation => &mut l.accusation_until,
        Action::Clash => &mut l.clash_until,
        Action::Strike => &mut l.strike_until,
    };
    *slot = (*slot).max(until);
}

/// The rung implied by today's state.
pub fn current_rung(world: &World) -> u8 {
    let day = world.day;
    let l = &world.ladder;
    if world.pk.open_war || world.today.war_began {
        5
    } else if day < l.strike_until {
        4
    } else if day < l.clash_until {
        3
    } else if world.pk.crossings_closed || world.pk.deportation_drive {
        2
    } else if day < l.accusation_until {
        1
    } else {
        0
    }
}

/// Sets today's rung and records the day.
pub fn climb_ladder(world: &mut World, params: &Params) -> DayRecord {
    let rung = current_rung(world);
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
