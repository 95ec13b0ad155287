-- AI providers on this device (docs/ai-providers.md). Device-local on purpose: a base URL such as
-- http://127.0.0.1:11434/v1 names a server on this machine, so it is not synced. API keys are
-- never stored here; they live in the OS keychain, one entry per (account, provider).
--
-- Built-in providers (OpenAI, Anthropic, Runware, OpenRouter, Ollama, LM Studio, llama.cpp) are
-- compiled into core; a row for one of them only overrides its base URL or remembered
-- structured-output mode. Rows with is_builtin = 0 are OpenAI-compatible servers a person added.
CREATE TABLE ai_providers (
    name             TEXT PRIMARY KEY NOT NULL,     -- lowercase slug: openai, ollama, my-vllm
    kind             TEXT NOT NULL
                     CHECK (kind IN ('openai', 'anthropic', 'runware', 'openai_compatible')),
    display_name     TEXT NOT NULL,
    base_url         TEXT,                          -- NULL: the built-in default
    needs_key        INTEGER NOT NULL DEFAULT 1,
    -- the structured-output mode that last worked with this server (json_schema, json_object,
    -- prompt_only); NULL until a call has told
    structured_mode  TEXT,
    is_builtin       INTEGER NOT NULL DEFAULT 0,
    updated_at       TEXT NOT NULL
);
