-- Baseline of the consent-service database. Each feature adds its own migration after this one.
COMMENT ON SCHEMA public IS 'Civis consent-service';
