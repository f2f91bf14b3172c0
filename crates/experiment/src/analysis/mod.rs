//! Analyses built on runs: calibration against the real-world figures and Morris sensitivity
//! screening.

pub mod calibration;
pub mod sensitivity;
