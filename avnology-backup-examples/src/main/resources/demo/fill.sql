INSERT INTO organizations (id, slug, name, logo)
  SELECT md5('org' || g)::uuid, 'org-' || g, 'Organization ' || g,
         decode(md5(g::text) || '00ff', 'hex')
  FROM generate_series(1, 20) g;
INSERT INTO identities (id, organization_id, email, state, traits)
  SELECT md5('id' || g)::uuid, md5('org' || (g % 20 + 1))::uuid, 'user' || g || '@example.com',
         (ARRAY['active', 'inactive', 'locked']::identity_state[])[g % 3 + 1],
         jsonb_build_object('name', 'User ' || g, 'tags', jsonb_build_array(g % 7, 'x\ty'),
                            'nested', jsonb_build_object('n', g))
  FROM generate_series(1, :identities) g;
INSERT INTO sessions (identity_id, token, authenticated_at, expires_at, devices)
  SELECT md5('id' || (g % :identities + 1))::uuid, md5('token' || g),
         timestamptz '2026-01-01' + g * interval '1 minute',
         timestamptz '2026-01-01' + g * interval '1 minute' + interval '30 days',
         ARRAY['browser ' || g % 5, NULL, E'tab\there']
  FROM generate_series(1, :sessions) g;
INSERT INTO relation_tuples (shard_id, namespace, object, relation, subject_id)
  SELECT md5('rt' || g)::uuid, 'files', 'file-' || g % 1000, 'viewer',
         md5('id' || (g % :identities + 1))::uuid
  FROM generate_series(1, :tuples) g;
INSERT INTO oauth2_clients (id, organization_id, client_name, redirect_uris, secret_hash, metadata)
  SELECT 'client-' || g, md5('org' || (g % 20 + 1))::uuid, E'Client \\ ' || g,
         ARRAY['https://app' || g || '.example.com/callback'], decode('00' || md5(g::text), 'hex'),
         CASE WHEN g % 2 = 0 THEN '{"a": [1, null, "ü"]}'::jsonb END
  FROM generate_series(1, 50) g;
