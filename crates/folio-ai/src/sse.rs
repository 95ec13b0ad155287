//! Server-sent events over a reqwest body.
