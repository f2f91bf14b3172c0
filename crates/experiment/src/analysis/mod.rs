//! Analyses built on runs: calibration against the real-world figures, Morris sensitivity
//! screening, and robustness and scenario discovery over design points.

pub mod calibration;
pub mod ensemble;
pub mod robustness;
pub mod sensitivity;
