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
pub mod refugees;
pub mod resentment;
pub mod response;
pub mod retaliation;
pub mod trust;
pub mod vulnerability;

// The random stream of each mechanism that draws. A new mechanism that draws adds its
// stream at the end: the order numbers the streams, and renumbering changes every result.
crate::rng::streams! {
    /// Initial placement and strength of cells (`World::reset`).
    Setup,
    /// Cell splits ([`militancy`]).
    Recruitment,
    /// Kabul's crackdown and factional splits ([`crackdown`]).
    Crackdown,
    /// Attack planning, infiltration, interdiction, targets and deaths ([`attacks`]).
    Attacks,
    /// Pakistan's counter-terrorism operations ([`operations`]).
    Operations,
    /// Attribution, shared facts and denial ([`attribution`]).
    Attribution,
    /// Incident handling by the standing channel, reaction speed ([`outrage`]).
    Outrage,
    /// Pakistan's coercion, strike and open-war decisions and strike outcomes ([`response`]).
    Response,
    /// Kabul's armed response on border posts ([`retaliation`]).
    Retaliation,
    /// Local clashes and open-war fighting ([`clashes`]).
    Clashes,
    /// Ceasefires, agreements and monitoring ([`mediation`]).
    Mediation,
}
