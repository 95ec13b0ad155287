-- Storage quotas per plan: how many documents an account may register, and how many bytes of
-- document contents the server stores for it (checked before a sync message is applied).
ALTER TABLE plans ADD COLUMN max_docs BIGINT NOT NULL DEFAULT 500 CHECK (max_docs >= 0);
ALTER TABLE plans ADD COLUMN max_storage_bytes BIGINT NOT NULL DEFAULT 268435456 CHECK (max_storage_bytes >= 0);

UPDATE plans SET max_docs = 500,    max_storage_bytes = 268435456   WHERE id = 'free';    -- 256 MiB
UPDATE plans SET max_docs = 2000,   max_storage_bytes = 1073741824  WHERE id = 'starter'; -- 1 GiB
UPDATE plans SET max_docs = 10000,  max_storage_bytes = 4294967296  WHERE id = 'growth';  -- 4 GiB
UPDATE plans SET max_docs = 100000, max_storage_bytes = 21474836480 WHERE id = 'scale';   -- 20 GiB
