-- One index answers "which clock alerts next": its unfired warning, else its
-- unfired breach (store.alertAt, written the same way). It replaces one index
-- per alert kind, so moving a due time, which every recompute does, updates
-- one index fewer. A warning still unfired once the breach fired is moot.
DROP INDEX sla_clocks_breach_due;
DROP INDEX sla_clocks_warn_due;
CREATE INDEX sla_clocks_alert ON sla_clocks ((CASE WHEN warn_fired_at IS NULL AND warn_at IS NOT NULL THEN warn_at ELSE due_at END))
    WHERE stopped_at IS NULL AND breach_fired_at IS NULL AND due_at IS NOT NULL;
