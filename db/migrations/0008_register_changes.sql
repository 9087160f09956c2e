-- Announces every change the verifier's caches depend on (NOTIFY register_changed, payload: the
-- table). On PGlite the verifier keeps what it read about an extract, its diploma, holder and
-- status lists until the next announcement (src/verifier/register-cache.ts); on either database a
-- signing key changed from outside counts at the announcement. Statement
-- level: one announcement per statement, and PostgreSQL folds repeats within a transaction.
-- Inserts of extracts, diplomas and holders are not announced: nothing is cached about a row that
-- did not exist yet. Handing out a status entry (status_lists.allocated) changes no list.
CREATE FUNCTION announce_register_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  PERFORM pg_notify('register_changed', TG_TABLE_NAME);
  RETURN NULL;
END;
$$;
--> statement-breakpoint
CREATE TRIGGER status_lists_announce AFTER UPDATE OF purpose, bits, version, updated_at OR DELETE ON status_lists
  FOR EACH STATEMENT EXECUTE FUNCTION announce_register_change();
--> statement-breakpoint
CREATE TRIGGER status_lists_announce_truncate AFTER TRUNCATE ON status_lists
  FOR EACH STATEMENT EXECUTE FUNCTION announce_register_change();
--> statement-breakpoint
CREATE TRIGGER extracts_announce AFTER UPDATE OR DELETE ON extracts
  FOR EACH STATEMENT EXECUTE FUNCTION announce_register_change();
--> statement-breakpoint
CREATE TRIGGER extracts_announce_truncate AFTER TRUNCATE ON extracts
  FOR EACH STATEMENT EXECUTE FUNCTION announce_register_change();
--> statement-breakpoint
CREATE TRIGGER diplomas_announce AFTER UPDATE OR DELETE ON diplomas
  FOR EACH STATEMENT EXECUTE FUNCTION announce_register_change();
--> statement-breakpoint
CREATE TRIGGER diplomas_announce_truncate AFTER TRUNCATE ON diplomas
  FOR EACH STATEMENT EXECUTE FUNCTION announce_register_change();
--> statement-breakpoint
CREATE TRIGGER holders_announce AFTER UPDATE OR DELETE ON holders
  FOR EACH STATEMENT EXECUTE FUNCTION announce_register_change();
--> statement-breakpoint
CREATE TRIGGER holders_announce_truncate AFTER TRUNCATE ON holders
  FOR EACH STATEMENT EXECUTE FUNCTION announce_register_change();
--> statement-breakpoint
CREATE TRIGGER signing_keys_announce AFTER INSERT OR UPDATE OR DELETE ON signing_keys
  FOR EACH STATEMENT EXECUTE FUNCTION announce_register_change();
--> statement-breakpoint
CREATE TRIGGER signing_keys_announce_truncate AFTER TRUNCATE ON signing_keys
  FOR EACH STATEMENT EXECUTE FUNCTION announce_register_change();
