//! Tolerant JSON extraction from model replies.
