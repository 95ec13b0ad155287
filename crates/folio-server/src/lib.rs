//! Folio's sync server (being written).
