-- Model registry: versions (content-addressed; their files are objects in the artifact store),
-- the objects each version references, the append-only hash-chained promotion ledger, and the
-- aliases as of the ledger's last entry (a derived view, cross-checked against the ledger).

CREATE TABLE dg_model_versions (
  model         TEXT   NOT NULL,
  version_id    TEXT   NOT NULL,  -- sha256:<first 16 hex of content_hash>
  content_hash  TEXT   NOT NULL,  -- the manifest's content hash (64 hex)
  registered_ms BIGINT NOT NULL,
  metadata      TEXT   NOT NULL,  -- JSON object of strings
  manifest      TEXT   NOT NULL,  -- JSON {files: {path: sha256}, contentHash}
  manifest_key  TEXT   NOT NULL,  -- the manifest's object in the artifact store
  PRIMARY KEY (model, version_id)
);

CREATE TABLE dg_model_objects (
  model      TEXT NOT NULL,
  version_id TEXT NOT NULL,
  object_key TEXT NOT NULL,  -- key under the artifact store's root
  PRIMARY KEY (model, version_id, object_key),
  FOREIGN KEY (model, version_id) REFERENCES dg_model_versions (model, version_id)
);
CREATE INDEX dg_model_objects_key ON dg_model_objects (object_key);

CREATE TABLE dg_model_ledger (
  model        TEXT   NOT NULL,
  seq          BIGINT NOT NULL,  -- 1-based, gap-free per model
  time_ms      BIGINT NOT NULL,
  alias        TEXT   NOT NULL,
  action       TEXT   NOT NULL,  -- MOVE | ROLLBACK
  from_version TEXT,
  to_version   TEXT   NOT NULL,
  actor        TEXT   NOT NULL,
  line         TEXT   NOT NULL,  -- the entry's exact JSON; the hash chain covers it
  prev_hash    TEXT   NOT NULL,  -- sha256 of the previous entry's line
  hash         TEXT   NOT NULL,  -- sha256 of this line without its "hash" member
  PRIMARY KEY (model, seq),
  FOREIGN KEY (model, to_version) REFERENCES dg_model_versions (model, version_id)
);

CREATE TABLE dg_model_aliases (
  model      TEXT   NOT NULL,
  alias      TEXT   NOT NULL,
  version_id TEXT   NOT NULL,
  ledger_seq BIGINT NOT NULL,  -- the ledger entry that put it there
  PRIMARY KEY (model, alias),
  FOREIGN KEY (model, version_id) REFERENCES dg_model_versions (model, version_id)
);

-- Versions, their objects and the ledger are never changed or removed: a trigger refuses it
-- (for the owner too), and the privileges are not granted to anyone else.
CREATE FUNCTION dg_refuse_change() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
    USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER dg_model_ledger_append_only BEFORE UPDATE OR DELETE ON dg_model_ledger
  FOR EACH ROW EXECUTE FUNCTION dg_refuse_change();
CREATE TRIGGER dg_model_ledger_no_truncate BEFORE TRUNCATE ON dg_model_ledger
  FOR EACH STATEMENT EXECUTE FUNCTION dg_refuse_change();
CREATE TRIGGER dg_model_versions_immutable BEFORE UPDATE OR DELETE ON dg_model_versions
  FOR EACH ROW EXECUTE FUNCTION dg_refuse_change();
CREATE TRIGGER dg_model_versions_no_truncate BEFORE TRUNCATE ON dg_model_versions
  FOR EACH STATEMENT EXECUTE FUNCTION dg_refuse_change();
CREATE TRIGGER dg_model_objects_immutable BEFORE UPDATE OR DELETE ON dg_model_objects
  FOR EACH ROW EXECUTE FUNCTION dg_refuse_change();
CREATE TRIGGER dg_model_objects_no_truncate BEFORE TRUNCATE ON dg_model_objects
  FOR EACH STATEMENT EXECUTE FUNCTION dg_refuse_change();

REVOKE UPDATE, DELETE, TRUNCATE ON dg_model_ledger, dg_model_versions, dg_model_objects FROM PUBLIC;
