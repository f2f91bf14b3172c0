//! Analyses built on runs: the real-world targets and the calibration against them, the
//! calibration ensemble (history matching), Morris sensitivity screening, and robustness and
//! scenario discovery over design points.

pub mod calibration;
pub mod ensemble;
pub mod robustness;
pub mod sensitivity;
pub mod targets;
