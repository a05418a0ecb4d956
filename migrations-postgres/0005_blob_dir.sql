-- An artifact's bytes may live in a directory the instances share (`blob_dir`), named by their
-- SHA-256, instead of in the row: its content is then NULL here.
ALTER TABLE studio_artifacts ALTER COLUMN content DROP NOT NULL;
