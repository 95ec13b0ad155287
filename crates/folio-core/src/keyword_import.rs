//! Parsing keyword-tool exports (being written).
