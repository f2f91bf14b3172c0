//! experiment (to be written).
