//! The mechanisms of MODEL.md, one module each. Each exposes functions named after its rule;
//! the daily schedule in `step.rs` calls them in order.

pub mod attacks;
pub mod attribution;
pub mod clashes;
pub mod costs;
pub mod crackdown;
pub mod ladder;
pub mod legitimacy;
pub mod mediation;
pub mod militancy;
pub mod operations;
pub mod outrage;
pub mod politics;
pub mod refugees;
pub mod resentment;
pub mod response;
pub mod retaliation;
pub mod rival;
pub mod spoilers;
pub mod ties;
pub mod trust;
pub mod vulnerability;
