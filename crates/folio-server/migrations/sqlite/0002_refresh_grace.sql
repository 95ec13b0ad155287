-- The refresh grace window: the pair a spent refresh token was rotated into, sealed under the
-- spent token itself (see src/sealed.rs), so a retried refresh gets the same pair back.
ALTER TABLE refresh_tokens ADD COLUMN successor_sealed TEXT;
