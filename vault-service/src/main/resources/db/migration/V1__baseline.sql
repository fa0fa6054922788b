-- Baseline of the vault-service database. Each feature adds its own migration after this one.
COMMENT ON SCHEMA public IS 'Civis vault-service';
