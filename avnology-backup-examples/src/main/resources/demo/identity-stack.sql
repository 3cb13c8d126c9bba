-- A small identity stack, shaped like the real one: organizations, identities, sessions,
-- relation tuples (Keto-like), OAuth2 clients (Hydra-like). Written for the demo.
CREATE TYPE identity_state AS ENUM ('active', 'inactive', 'locked');
CREATE DOMAIN email AS text CHECK (VALUE ~ '^[^@]+@[^@]+$');

CREATE TABLE organizations (
  id uuid PRIMARY KEY,
  slug text NOT NULL UNIQUE,
  name text NOT NULL,
  logo bytea,
  created_at timestamptz NOT NULL DEFAULT now()
);
COMMENT ON TABLE organizations IS 'Tenants; every other row belongs to one';

CREATE TABLE identities (
  id uuid PRIMARY KEY,
  organization_id uuid NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
  email email NOT NULL,
  state identity_state NOT NULL DEFAULT 'active',
  traits jsonb NOT NULL DEFAULT '{}',
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (organization_id, email)
);
CREATE INDEX identities_traits_idx ON identities USING gin (traits);

CREATE TABLE sessions (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  identity_id uuid NOT NULL REFERENCES identities (id) ON DELETE CASCADE,
  token text NOT NULL,
  authenticated_at timestamptz NOT NULL,
  expires_at timestamptz NOT NULL,
  devices text[] NOT NULL DEFAULT '{}',
  CHECK (expires_at > authenticated_at)
);
CREATE UNIQUE INDEX sessions_token_idx ON sessions (token);
CREATE INDEX sessions_active_idx ON sessions (identity_id, expires_at DESC)
  WHERE expires_at > '2026-01-01';

CREATE TABLE relation_tuples (
  shard_id uuid NOT NULL,
  namespace text NOT NULL,
  object text NOT NULL,
  relation text NOT NULL,
  subject_id uuid,
  subject_set_namespace text,
  subject_set_object text,
  subject_set_relation text,
  commit_time timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (shard_id),
  CHECK ((subject_id IS NULL) <> (subject_set_namespace IS NULL))
);
CREATE INDEX relation_tuples_lookup_idx ON relation_tuples (namespace, object, relation)
  INCLUDE (subject_id);

CREATE TABLE oauth2_clients (
  id text PRIMARY KEY,
  organization_id uuid REFERENCES organizations (id) ON DELETE SET NULL DEFERRABLE,
  client_name text NOT NULL DEFAULT '',
  redirect_uris text[] NOT NULL,
  grant_types text[] NOT NULL DEFAULT '{authorization_code}',
  secret_hash bytea,
  metadata jsonb
);

CREATE VIEW active_sessions AS
  SELECT s.id, i.email, s.expires_at FROM sessions s JOIN identities i ON i.id = s.identity_id
  WHERE s.expires_at > now();

CREATE FUNCTION touch_created() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.created_at := coalesce(NEW.created_at, now());
  RETURN NEW;
END $$;
CREATE TRIGGER identities_touch BEFORE INSERT ON identities
  FOR EACH ROW EXECUTE FUNCTION touch_created();
