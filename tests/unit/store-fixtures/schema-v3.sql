-- schema-v3.sql: a Natter database as schema version 3 wrote it, with data
-- Copyright 2026 The Natter developers
-- SPDX-License-Identifier: GPL-3.0-or-later
--
-- FROZEN: this file stands for databases already on users' disks.  Never
-- edit it; a new schema version adds schema-vN.sql next to it, and the
-- migration test upgrades every fixture to the current version.
-- The statements are the version 3 schema exactly as SQLite stored it:
-- version 1's, the OMEMO tables version 2 added, and version 3's trigger
-- that keeps notices from moving a conversation up the list.

PRAGMA application_id = 1312904276;
CREATE TABLE accounts (
  id             INTEGER PRIMARY KEY,
  jid            TEXT NOT NULL UNIQUE,
  resource       TEXT NOT NULL DEFAULT '',
  display_name   TEXT,
  enabled        INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
  host           TEXT,
  port           INTEGER NOT NULL DEFAULT 0 CHECK (port BETWEEN 0 AND 65535),
  direct_tls     INTEGER NOT NULL DEFAULT 0 CHECK (direct_tls IN (0, 1)),
  sasl_mechanism TEXT,
  roster_version TEXT,
  created        INTEGER NOT NULL
) STRICT;
CREATE TABLE account_certificates (
  account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  fingerprint TEXT NOT NULL,
  PRIMARY KEY (account_id, fingerprint)
) STRICT, WITHOUT ROWID;
CREATE TABLE account_settings (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  key        TEXT NOT NULL,
  value      TEXT NOT NULL,
  PRIMARY KEY (account_id, key)
) STRICT, WITHOUT ROWID;
CREATE TABLE roster (
  account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  jid          TEXT NOT NULL,
  name         TEXT,
  subscription INTEGER NOT NULL DEFAULT 0 CHECK (subscription BETWEEN 0 AND 3),
  ask          INTEGER NOT NULL DEFAULT 0 CHECK (ask IN (0, 1)),
  approved     INTEGER NOT NULL DEFAULT 0 CHECK (approved IN (0, 1)),
  PRIMARY KEY (account_id, jid)
) STRICT, WITHOUT ROWID;
CREATE TABLE roster_groups (
  account_id INTEGER NOT NULL,
  jid        TEXT NOT NULL,
  name       TEXT NOT NULL,
  PRIMARY KEY (account_id, jid, name),
  FOREIGN KEY (account_id, jid) REFERENCES roster (account_id, jid) ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE TABLE conversations (
  id            INTEGER PRIMARY KEY,
  account_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  peer          TEXT NOT NULL,
  kind          INTEGER NOT NULL DEFAULT 0 CHECK (kind IN (0, 1)),
  last_activity INTEGER NOT NULL DEFAULT 0,
  unread        INTEGER NOT NULL DEFAULT 0 CHECK (unread >= 0),
  encryption    INTEGER NOT NULL DEFAULT 0 CHECK (encryption IN (0, 1)),
  draft         TEXT,
  UNIQUE (account_id, peer),
  UNIQUE (id, account_id)
) STRICT;
CREATE INDEX conversations_by_activity ON conversations (last_activity DESC, id DESC);
CREATE TABLE messages (
  id              INTEGER PRIMARY KEY,
  conversation_id INTEGER NOT NULL,
  account_id      INTEGER NOT NULL,
  direction       INTEGER NOT NULL CHECK (direction IN (0, 1)),
  sender          TEXT,
  body            TEXT,
  original_body   TEXT,
  stanza_id       TEXT,
  archive         TEXT,
  origin_id       TEXT,
  message_id      TEXT,
  timestamp       INTEGER NOT NULL,
  delay           INTEGER,
  received        INTEGER NOT NULL,
  state           INTEGER NOT NULL CHECK (state BETWEEN 0 AND 6),
  error           TEXT,
  replaces_ref    TEXT,
  replaces_id     INTEGER REFERENCES messages (id) ON DELETE CASCADE,
  encryption      INTEGER NOT NULL DEFAULT 0 CHECK (encryption IN (0, 1)),
  sender_device   INTEGER,
  sender_trust    INTEGER NOT NULL DEFAULT 0,
  flags           INTEGER NOT NULL DEFAULT 0,
  CHECK ((stanza_id IS NULL) = (archive IS NULL)),
  CHECK (replaces_id IS NULL OR replaces_ref IS NOT NULL),
  CHECK ((direction = 1) = (state BETWEEN 0 AND 4)),
  FOREIGN KEY (conversation_id, account_id)
    REFERENCES conversations (id, account_id) ON DELETE CASCADE
) STRICT;
CREATE INDEX messages_by_time ON messages (conversation_id, replaces_id, timestamp, id);
CREATE UNIQUE INDEX messages_stanza_id ON messages (account_id, archive, stanza_id)
  WHERE stanza_id IS NOT NULL;
CREATE UNIQUE INDEX messages_origin_id ON messages (conversation_id, direction, origin_id)
  WHERE origin_id IS NOT NULL;
CREATE INDEX messages_message_id ON messages (conversation_id, message_id)
  WHERE message_id IS NOT NULL;
CREATE INDEX messages_replaces_ref ON messages (conversation_id, replaces_ref)
  WHERE replaces_ref IS NOT NULL;
CREATE INDEX messages_replaces_id ON messages (replaces_id)
  WHERE replaces_id IS NOT NULL;
CREATE TRIGGER messages_touch_conversation AFTER INSERT ON messages
  WHEN (new.flags & 4) = 0
BEGIN
  UPDATE conversations SET last_activity = new.timestamp
    WHERE id = new.conversation_id AND last_activity < new.timestamp;
END;
CREATE TABLE outbox (
  seq          INTEGER PRIMARY KEY,
  message_id   INTEGER NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,
  attempts     INTEGER NOT NULL DEFAULT 0,
  last_attempt INTEGER
) STRICT;
CREATE TRIGGER outbox_add AFTER INSERT ON messages
  WHEN new.direction = 1 AND new.state = 0
BEGIN
  INSERT INTO outbox (message_id) VALUES (new.id);
END;
CREATE TRIGGER outbox_leave AFTER UPDATE OF state ON messages
  WHEN old.state = 0 AND new.state <> 0
BEGIN
  DELETE FROM outbox WHERE message_id = new.id;
END;
CREATE TRIGGER outbox_return AFTER UPDATE OF state ON messages
  WHEN new.direction = 1 AND old.state <> 0 AND new.state = 0
BEGIN
  INSERT INTO outbox (message_id) VALUES (new.id);
END;
CREATE VIEW messages_fts_content AS
  SELECT id, body FROM messages WHERE replaces_id IS NULL;
CREATE VIRTUAL TABLE messages_fts USING fts5 (
  body,
  content = 'messages_fts_content',
  content_rowid = 'id',
  tokenize = 'unicode61 remove_diacritics 2'
);
CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages
  WHEN new.body IS NOT NULL AND new.replaces_id IS NULL
BEGIN
  INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);
END;
CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages
  WHEN old.body IS NOT NULL AND old.replaces_id IS NULL
BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);
END;
CREATE TRIGGER messages_fts_update AFTER UPDATE OF body, replaces_id ON messages
  WHEN old.body IS NOT new.body OR old.replaces_id IS NOT new.replaces_id
BEGIN
  INSERT INTO messages_fts (messages_fts, rowid, body)
    SELECT 'delete', old.id, old.body WHERE old.body IS NOT NULL AND old.replaces_id IS NULL;
  INSERT INTO messages_fts (rowid, body)
    SELECT new.id, new.body WHERE new.body IS NOT NULL AND new.replaces_id IS NULL;
END;
CREATE TABLE mam_ranges (
  id         INTEGER PRIMARY KEY,
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  archive    TEXT NOT NULL,
  from_id    TEXT,
  from_time  INTEGER,
  to_id      TEXT,
  to_time    INTEGER,
  complete   INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1))
) STRICT;
CREATE INDEX mam_ranges_by_archive ON mam_ranges (account_id, archive);
CREATE TABLE omemo_own (
  account_id       INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  version          INTEGER NOT NULL CHECK (version >= 1),
  device_id        INTEGER NOT NULL CHECK (device_id BETWEEN 1 AND 2147483647),
  registration_id  INTEGER NOT NULL CHECK (registration_id BETWEEN 0 AND 4294967295),
  identity_public  BLOB NOT NULL,
  identity_private BLOB NOT NULL,
  created          INTEGER NOT NULL,
  PRIMARY KEY (account_id, version)
) STRICT, WITHOUT ROWID;
CREATE TABLE omemo_pre_keys (
  account_id INTEGER NOT NULL,
  version    INTEGER NOT NULL,
  id         INTEGER NOT NULL CHECK (id BETWEEN 0 AND 4294967295),
  record     BLOB NOT NULL,
  PRIMARY KEY (account_id, version, id),
  FOREIGN KEY (account_id, version) REFERENCES omemo_own (account_id, version)
    ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE TABLE omemo_signed_pre_keys (
  account_id INTEGER NOT NULL,
  version    INTEGER NOT NULL,
  id         INTEGER NOT NULL CHECK (id BETWEEN 0 AND 4294967295),
  record     BLOB NOT NULL,
  created    INTEGER NOT NULL,
  PRIMARY KEY (account_id, version, id),
  FOREIGN KEY (account_id, version) REFERENCES omemo_own (account_id, version)
    ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE TABLE omemo_sessions (
  account_id INTEGER NOT NULL,
  version    INTEGER NOT NULL,
  jid        TEXT NOT NULL,
  device_id  INTEGER NOT NULL CHECK (device_id BETWEEN 0 AND 4294967295),
  record     BLOB NOT NULL,
  updated    INTEGER NOT NULL,
  PRIMARY KEY (account_id, version, jid, device_id),
  FOREIGN KEY (account_id, version) REFERENCES omemo_own (account_id, version)
    ON DELETE CASCADE
) STRICT, WITHOUT ROWID;
CREATE TABLE omemo_identities (
  account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  version      INTEGER NOT NULL CHECK (version >= 1),
  jid          TEXT NOT NULL,
  device_id    INTEGER NOT NULL CHECK (device_id BETWEEN 0 AND 4294967295),
  identity_key BLOB NOT NULL,
  trust        INTEGER NOT NULL DEFAULT 0 CHECK (trust BETWEEN 0 AND 3),
  first_seen   INTEGER NOT NULL,
  last_seen    INTEGER NOT NULL,
  PRIMARY KEY (account_id, version, jid, device_id, identity_key)
) STRICT, WITHOUT ROWID;
CREATE TABLE omemo_devices (
  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
  version    INTEGER NOT NULL CHECK (version >= 1),
  jid        TEXT NOT NULL,
  device_id  INTEGER NOT NULL CHECK (device_id BETWEEN 1 AND 2147483647),
  active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
  first_seen INTEGER NOT NULL,
  last_seen  INTEGER NOT NULL,
  PRIMARY KEY (account_id, version, jid, device_id)
) STRICT, WITHOUT ROWID;

-- One account with a pinned certificate, a setting and a roster item.
INSERT INTO accounts (id, jid, resource, display_name, enabled, host, port, direct_tls,
                      sasl_mechanism, roster_version, created)
  VALUES (1, 'fixture@example.org', 'natter.abc123', 'Fixture', 1, NULL, 0, 0,
          'SCRAM-SHA-256', 'ver-7', 1767225600000000);
INSERT INTO account_certificates (account_id, fingerprint)
  VALUES (1, 'AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89');
INSERT INTO account_settings (account_id, key, value) VALUES (1, 'mam-limit', 'month');
INSERT INTO roster (account_id, jid, name, subscription, ask, approved)
  VALUES (1, 'alice@example.org', 'Alice', 3, 0, 0);
INSERT INTO roster_groups (account_id, jid, name) VALUES (1, 'alice@example.org', 'Friends');

-- A conversation: a received message corrected by its sender, and a reply
-- still pending in the outbox.
INSERT INTO conversations (id, account_id, peer, kind, last_activity, unread, encryption, draft)
  VALUES (1, 1, 'alice@example.org', 0, 0, 2, 0, 'half-typed draft');
INSERT INTO messages (id, conversation_id, account_id, direction, sender, body, original_body,
                      stanza_id, archive, origin_id, message_id, timestamp, delay, received,
                      state, error, replaces_ref, replaces_id, encryption, sender_device,
                      sender_trust, flags)
  VALUES (1, 1, 1, 0, 'alice@example.org/phone', 'fixture hello from alice, corrected',
          'fixture hello from alice', 'sid-1', 'fixture@example.org', 'oid-1', 'mid-1',
          1767225600000000, NULL, 1767225600000000, 5, NULL, NULL, NULL, 0, NULL, 0, 2);
INSERT INTO messages (id, conversation_id, account_id, direction, sender, body, original_body,
                      stanza_id, archive, origin_id, message_id, timestamp, delay, received,
                      state, error, replaces_ref, replaces_id, encryption, sender_device,
                      sender_trust, flags)
  VALUES (2, 1, 1, 1, 'fixture@example.org/natter.abc123', 'fixture reply pending', NULL,
          NULL, NULL, 'oid-2', 'oid-2', 1767225601000000, NULL, 1767225601000000, 0, NULL,
          NULL, NULL, 0, NULL, 0, 0);
INSERT INTO messages (id, conversation_id, account_id, direction, sender, body, original_body,
                      stanza_id, archive, origin_id, message_id, timestamp, delay, received,
                      state, error, replaces_ref, replaces_id, encryption, sender_device,
                      sender_trust, flags)
  VALUES (3, 1, 1, 0, 'alice@example.org/phone', 'fixture hello from alice, corrected', NULL,
          'sid-3', 'fixture@example.org', 'oid-3', 'mid-3', 1767225602000000, NULL,
          1767225602000000, 5, NULL, 'mid-1', 1, 0, NULL, 0, 2);
INSERT INTO mam_ranges (id, account_id, archive, from_id, from_time, to_id, to_time, complete)
  VALUES (1, 1, 'fixture@example.org', 'sid-1', 1767225600000000, 'sid-3', 1767225602000000, 1);

-- OMEMO: the own identity with a pre-key, a signed pre-key and a session
-- with alice's device 1001; alice's devices 1001 (verified) and 1002 (gone
-- from her list, an older key distrusted); our own device list.
INSERT INTO omemo_own (account_id, version, device_id, registration_id, identity_public,
                       identity_private, created)
  VALUES (1, 1, 424242, 4711, X'05000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f',
          X'a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf', 1767225600000000);
INSERT INTO omemo_pre_keys (account_id, version, id, record) VALUES (1, 1, 7, X'0701');
INSERT INTO omemo_signed_pre_keys (account_id, version, id, record, created)
  VALUES (1, 1, 3, X'0301', 1767225600000000);
INSERT INTO omemo_sessions (account_id, version, jid, device_id, record, updated)
  VALUES (1, 1, 'alice@example.org', 1001, X'5e55', 1767225660000000);
INSERT INTO omemo_identities (account_id, version, jid, device_id, identity_key, trust,
                              first_seen, last_seen)
  VALUES (1, 1, 'alice@example.org', 1001, X'0511', 2, 1767225600000000, 1767225660000000),
         (1, 1, 'alice@example.org', 1002, X'0520', 3, 1767225600000000, 1767225600000000),
         (1, 1, 'alice@example.org', 1002, X'0522', 0, 1767225610000000, 1767225610000000);
INSERT INTO omemo_devices (account_id, version, jid, device_id, active, first_seen, last_seen)
  VALUES (1, 1, 'alice@example.org', 1001, 1, 1767225600000000, 1767225660000000),
         (1, 1, 'alice@example.org', 1002, 0, 1767225600000000, 1767225600000000),
         (1, 1, 'fixture@example.org', 424242, 1, 1767225600000000, 1767225600000000);

PRAGMA user_version = 3;
