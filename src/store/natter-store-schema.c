/* natter-store-schema.c: the schema, its versions and forward migrations
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <glib/gi18n-lib.h>

#include "natter-store-error.h"
#include "natter-store-private.h"

/*
 * PRAGMA user_version holds the schema version.  migrations[i] turns
 * version i into version i + 1; each runs in its own transaction together
 * with the user_version bump, so a database is always at exactly one
 * version.  Steps are never edited once released: a change to the schema is
 * a new step, a frozen copy of the database it starts from goes to
 * tests/unit/store-fixtures/schema-vN.sql, and the migration test picks it
 * up by itself.
 *
 * Conventions: times are microseconds since the epoch (UTC); enumerations
 * are the integers of natter-store-records.h; JIDs are normalised strings;
 * every table is STRICT.
 */

static const char schema_v1[] =
  "PRAGMA application_id = 1312904276;\n"   /* NATTER_STORE_APPLICATION_ID, 'NATT' */
  "\n"
  "CREATE TABLE accounts (\n"
  "  id             INTEGER PRIMARY KEY,\n"
  "  jid            TEXT NOT NULL UNIQUE,\n"
  "  resource       TEXT NOT NULL DEFAULT '',\n"
  "  display_name   TEXT,\n"
  "  enabled        INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),\n"
  "  host           TEXT,\n"
  "  port           INTEGER NOT NULL DEFAULT 0 CHECK (port BETWEEN 0 AND 65535),\n"
  "  direct_tls     INTEGER NOT NULL DEFAULT 0 CHECK (direct_tls IN (0, 1)),\n"
  "  sasl_mechanism TEXT,\n"
  "  roster_version TEXT,\n"
  "  created        INTEGER NOT NULL\n"
  ") STRICT;\n"
  "\n"
  "CREATE TABLE account_certificates (\n"
  "  account_id  INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
  "  fingerprint TEXT NOT NULL,\n"
  "  PRIMARY KEY (account_id, fingerprint)\n"
  ") STRICT, WITHOUT ROWID;\n"
  "\n"
  "CREATE TABLE account_settings (\n"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
  "  key        TEXT NOT NULL,\n"
  "  value      TEXT NOT NULL,\n"
  "  PRIMARY KEY (account_id, key)\n"
  ") STRICT, WITHOUT ROWID;\n"
  "\n"
  "CREATE TABLE roster (\n"
  "  account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
  "  jid          TEXT NOT NULL,\n"
  "  name         TEXT,\n"
  "  subscription INTEGER NOT NULL DEFAULT 0 CHECK (subscription BETWEEN 0 AND 3),\n"
  "  ask          INTEGER NOT NULL DEFAULT 0 CHECK (ask IN (0, 1)),\n"
  "  approved     INTEGER NOT NULL DEFAULT 0 CHECK (approved IN (0, 1)),\n"
  "  PRIMARY KEY (account_id, jid)\n"
  ") STRICT, WITHOUT ROWID;\n"
  "\n"
  "CREATE TABLE roster_groups (\n"
  "  account_id INTEGER NOT NULL,\n"
  "  jid        TEXT NOT NULL,\n"
  "  name       TEXT NOT NULL,\n"
  "  PRIMARY KEY (account_id, jid, name),\n"
  "  FOREIGN KEY (account_id, jid) REFERENCES roster (account_id, jid) ON DELETE CASCADE\n"
  ") STRICT, WITHOUT ROWID;\n"
  "\n"
  "CREATE TABLE conversations (\n"
  "  id            INTEGER PRIMARY KEY,\n"
  "  account_id    INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
  "  peer          TEXT NOT NULL,\n"
  "  kind          INTEGER NOT NULL DEFAULT 0 CHECK (kind IN (0, 1)),\n"
  "  last_activity INTEGER NOT NULL DEFAULT 0,\n"
  "  unread        INTEGER NOT NULL DEFAULT 0 CHECK (unread >= 0),\n"
  "  encryption    INTEGER NOT NULL DEFAULT 0 CHECK (encryption IN (0, 1)),\n"
  "  draft         TEXT,\n"
  "  UNIQUE (account_id, peer),\n"
  /* The target of messages' (conversation_id, account_id) foreign key. */
  "  UNIQUE (id, account_id)\n"
  ") STRICT;\n"
  "CREATE INDEX conversations_by_activity ON conversations (last_activity DESC, id DESC);\n"
  "\n"
  /* account_id repeats the conversation's account (the foreign key keeps
   * them equal) so that stanza-ids can be unique per account and archive:
   * two accounts in one room see the same room stanza-ids. */
  "CREATE TABLE messages (\n"
  "  id              INTEGER PRIMARY KEY,\n"
  "  conversation_id INTEGER NOT NULL,\n"
  "  account_id      INTEGER NOT NULL,\n"
  "  direction       INTEGER NOT NULL CHECK (direction IN (0, 1)),\n"
  "  sender          TEXT,\n"
  "  body            TEXT,\n"
  "  original_body   TEXT,\n"
  "  stanza_id       TEXT,\n"
  "  archive         TEXT,\n"
  "  origin_id       TEXT,\n"
  "  message_id      TEXT,\n"
  "  timestamp       INTEGER NOT NULL,\n"
  "  delay           INTEGER,\n"
  "  received        INTEGER NOT NULL,\n"
  "  state           INTEGER NOT NULL CHECK (state BETWEEN 0 AND 6),\n"
  "  error           TEXT,\n"
  "  replaces_ref    TEXT,\n"
  "  replaces_id     INTEGER REFERENCES messages (id) ON DELETE CASCADE,\n"
  "  encryption      INTEGER NOT NULL DEFAULT 0 CHECK (encryption IN (0, 1)),\n"
  "  sender_device   INTEGER,\n"
  "  sender_trust    INTEGER NOT NULL DEFAULT 0,\n"
  "  flags           INTEGER NOT NULL DEFAULT 0,\n"
  "  CHECK ((stanza_id IS NULL) = (archive IS NULL)),\n"
  "  CHECK (replaces_id IS NULL OR replaces_ref IS NOT NULL),\n"
  /* Pending, sent, delivered, read and failed are states of outgoing
   * messages only; received and undecryptable of incoming ones. */
  "  CHECK ((direction = 1) = (state BETWEEN 0 AND 4)),\n"
  "  FOREIGN KEY (conversation_id, account_id)\n"
  "    REFERENCES conversations (id, account_id) ON DELETE CASCADE\n"
  ") STRICT;\n"
  /* Pages, counts and the foreign key: visible rows are replaces_id IS NULL,
   * ordered by (timestamp, id). */
  "CREATE INDEX messages_by_time ON messages (conversation_id, replaces_id, timestamp, id);\n"
  /* Deduplication (SECURITY.md I2): a trusted stanza-id once per account and
   * archive, an origin-id once per conversation and direction. */
  "CREATE UNIQUE INDEX messages_stanza_id ON messages (account_id, archive, stanza_id)\n"
  "  WHERE stanza_id IS NOT NULL;\n"
  "CREATE UNIQUE INDEX messages_origin_id ON messages (conversation_id, direction, origin_id)\n"
  "  WHERE origin_id IS NOT NULL;\n"
  "CREATE INDEX messages_message_id ON messages (conversation_id, message_id)\n"
  "  WHERE message_id IS NOT NULL;\n"
  "CREATE INDEX messages_replaces_ref ON messages (conversation_id, replaces_ref)\n"
  "  WHERE replaces_ref IS NOT NULL;\n"
  "CREATE INDEX messages_replaces_id ON messages (replaces_id)\n"
  "  WHERE replaces_id IS NOT NULL;\n"
  "\n"
  "CREATE TRIGGER messages_touch_conversation AFTER INSERT ON messages\n"
  "BEGIN\n"
  "  UPDATE conversations SET last_activity = new.timestamp\n"
  "    WHERE id = new.conversation_id AND last_activity < new.timestamp;\n"
  "END;\n"
  "\n"
  /* The outbox holds exactly the outgoing messages that are pending, in the
   * order they became pending (SECURITY.md O1): the triggers keep it so. */
  "CREATE TABLE outbox (\n"
  "  seq          INTEGER PRIMARY KEY,\n"
  "  message_id   INTEGER NOT NULL UNIQUE REFERENCES messages (id) ON DELETE CASCADE,\n"
  "  attempts     INTEGER NOT NULL DEFAULT 0,\n"
  "  last_attempt INTEGER\n"
  ") STRICT;\n"
  "CREATE TRIGGER outbox_add AFTER INSERT ON messages\n"
  "  WHEN new.direction = 1 AND new.state = 0\n"
  "BEGIN\n"
  "  INSERT INTO outbox (message_id) VALUES (new.id);\n"
  "END;\n"
  "CREATE TRIGGER outbox_leave AFTER UPDATE OF state ON messages\n"
  "  WHEN old.state = 0 AND new.state <> 0\n"
  "BEGIN\n"
  "  DELETE FROM outbox WHERE message_id = new.id;\n"
  "END;\n"
  "CREATE TRIGGER outbox_return AFTER UPDATE OF state ON messages\n"
  "  WHEN new.direction = 1 AND old.state <> 0 AND new.state = 0\n"
  "BEGIN\n"
  "  INSERT INTO outbox (message_id) VALUES (new.id);\n"
  "END;\n"
  "\n"
  /* Full-text search over the visible text of visible messages.  The index
   * reads its text from a view, so snippet() works and 'integrity-check'
   * compares the index with exactly what was meant to be indexed; the
   * triggers use the same condition as the view. */
  "CREATE VIEW messages_fts_content AS\n"
  "  SELECT id, body FROM messages WHERE replaces_id IS NULL;\n"
  "CREATE VIRTUAL TABLE messages_fts USING fts5 (\n"
  "  body,\n"
  "  content = 'messages_fts_content',\n"
  "  content_rowid = 'id',\n"
  "  tokenize = 'unicode61 remove_diacritics 2'\n"
  ");\n"
  "CREATE TRIGGER messages_fts_insert AFTER INSERT ON messages\n"
  "  WHEN new.body IS NOT NULL AND new.replaces_id IS NULL\n"
  "BEGIN\n"
  "  INSERT INTO messages_fts (rowid, body) VALUES (new.id, new.body);\n"
  "END;\n"
  "CREATE TRIGGER messages_fts_delete AFTER DELETE ON messages\n"
  "  WHEN old.body IS NOT NULL AND old.replaces_id IS NULL\n"
  "BEGIN\n"
  "  INSERT INTO messages_fts (messages_fts, rowid, body) VALUES ('delete', old.id, old.body);\n"
  "END;\n"
  "CREATE TRIGGER messages_fts_update AFTER UPDATE OF body, replaces_id ON messages\n"
  "  WHEN old.body IS NOT new.body OR old.replaces_id IS NOT new.replaces_id\n"
  "BEGIN\n"
  "  INSERT INTO messages_fts (messages_fts, rowid, body)\n"
  "    SELECT 'delete', old.id, old.body WHERE old.body IS NOT NULL AND old.replaces_id IS NULL;\n"
  "  INSERT INTO messages_fts (rowid, body)\n"
  "    SELECT new.id, new.body WHERE new.body IS NOT NULL AND new.replaces_id IS NULL;\n"
  "END;\n"
  "\n"
  /* Archive coverage per account and archive (SECURITY.md I6). */
  "CREATE TABLE mam_ranges (\n"
  "  id         INTEGER PRIMARY KEY,\n"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
  "  archive    TEXT NOT NULL,\n"
  "  from_id    TEXT,\n"
  "  from_time  INTEGER,\n"
  "  to_id      TEXT,\n"
  "  to_time    INTEGER,\n"
  "  complete   INTEGER NOT NULL DEFAULT 0 CHECK (complete IN (0, 1))\n"
  ") STRICT;\n"
  "CREATE INDEX mam_ranges_by_archive ON mam_ranges (account_id, archive);\n";

/* Version 2: OMEMO state (natter-store-omemo.c).  Every table is keyed by
 * account and OMEMO version (NatterStoreOmemoVersion) so that a later
 * OMEMO can be added beside the legacy one.  Keys, signed pre-keys and
 * sessions hang off the own identity: replacing it drops them.  Remote
 * identities and device lists belong to the account and survive that. */
static const char schema_v2[] =
  "CREATE TABLE omemo_own (\n"
  "  account_id       INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
  "  version          INTEGER NOT NULL CHECK (version >= 1),\n"
  "  device_id        INTEGER NOT NULL CHECK (device_id BETWEEN 1 AND 2147483647),\n"
  "  registration_id  INTEGER NOT NULL CHECK (registration_id BETWEEN 0 AND 4294967295),\n"
  "  identity_public  BLOB NOT NULL,\n"
  "  identity_private BLOB NOT NULL,\n"
  "  created          INTEGER NOT NULL,\n"
  "  PRIMARY KEY (account_id, version)\n"
  ") STRICT, WITHOUT ROWID;\n"
  "\n"
  "CREATE TABLE omemo_pre_keys (\n"
  "  account_id INTEGER NOT NULL,\n"
  "  version    INTEGER NOT NULL,\n"
  "  id         INTEGER NOT NULL CHECK (id BETWEEN 0 AND 4294967295),\n"
  "  record     BLOB NOT NULL,\n"
  "  PRIMARY KEY (account_id, version, id),\n"
  "  FOREIGN KEY (account_id, version) REFERENCES omemo_own (account_id, version)\n"
  "    ON DELETE CASCADE\n"
  ") STRICT, WITHOUT ROWID;\n"
  "\n"
  "CREATE TABLE omemo_signed_pre_keys (\n"
  "  account_id INTEGER NOT NULL,\n"
  "  version    INTEGER NOT NULL,\n"
  "  id         INTEGER NOT NULL CHECK (id BETWEEN 0 AND 4294967295),\n"
  "  record     BLOB NOT NULL,\n"
  "  created    INTEGER NOT NULL,\n"
  "  PRIMARY KEY (account_id, version, id),\n"
  "  FOREIGN KEY (account_id, version) REFERENCES omemo_own (account_id, version)\n"
  "    ON DELETE CASCADE\n"
  ") STRICT, WITHOUT ROWID;\n"
  "\n"
  "CREATE TABLE omemo_sessions (\n"
  "  account_id INTEGER NOT NULL,\n"
  "  version    INTEGER NOT NULL,\n"
  "  jid        TEXT NOT NULL,\n"
  "  device_id  INTEGER NOT NULL CHECK (device_id BETWEEN 0 AND 4294967295),\n"
  "  record     BLOB NOT NULL,\n"
  "  updated    INTEGER NOT NULL,\n"
  "  PRIMARY KEY (account_id, version, jid, device_id),\n"
  "  FOREIGN KEY (account_id, version) REFERENCES omemo_own (account_id, version)\n"
  "    ON DELETE CASCADE\n"
  ") STRICT, WITHOUT ROWID;\n"
  "\n"
  /* Every identity key a remote device ever showed, each with its trust
   * (SECURITY.md #45: keep the history of all device keys). */
  "CREATE TABLE omemo_identities (\n"
  "  account_id   INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
  "  version      INTEGER NOT NULL CHECK (version >= 1),\n"
  "  jid          TEXT NOT NULL,\n"
  "  device_id    INTEGER NOT NULL CHECK (device_id BETWEEN 0 AND 4294967295),\n"
  "  identity_key BLOB NOT NULL,\n"
  "  trust        INTEGER NOT NULL DEFAULT 0 CHECK (trust BETWEEN 0 AND 3),\n"
  "  first_seen   INTEGER NOT NULL,\n"
  "  last_seen    INTEGER NOT NULL,\n"
  "  PRIMARY KEY (account_id, version, jid, device_id, identity_key)\n"
  ") STRICT, WITHOUT ROWID;\n"
  "\n"
  /* The device lists we know, our own account's included; active is
   * membership of the latest list. */
  "CREATE TABLE omemo_devices (\n"
  "  account_id INTEGER NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,\n"
  "  version    INTEGER NOT NULL CHECK (version >= 1),\n"
  "  jid        TEXT NOT NULL,\n"
  "  device_id  INTEGER NOT NULL CHECK (device_id BETWEEN 1 AND 2147483647),\n"
  "  active     INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),\n"
  "  first_seen INTEGER NOT NULL,\n"
  "  last_seen  INTEGER NOT NULL,\n"
  "  PRIMARY KEY (account_id, version, jid, device_id)\n"
  ") STRICT, WITHOUT ROWID;\n";

/* Version 3: notices in the timeline (NATTER_STORE_MESSAGE_FLAG_DEVICE_NOTICE
 * = 4) do not move their conversation up the list. */
static const char schema_v3[] =
  "DROP TRIGGER messages_touch_conversation;\n"
  "CREATE TRIGGER messages_touch_conversation AFTER INSERT ON messages\n"
  "  WHEN (new.flags & 4) = 0\n"
  "BEGIN\n"
  "  UPDATE conversations SET last_activity = new.timestamp\n"
  "    WHERE id = new.conversation_id AND last_activity < new.timestamp;\n"
  "END;\n";

typedef struct
{
  guint       version;   /* the version this step produces */
  const char *sql;
} Migration;

static const Migration migrations[] = {
  { 1, schema_v1 },
  { 2, schema_v2 },
  { 3, schema_v3 },
};

/**
 * natter_store_schema_get_version:
 *
 * Returns: the schema version this build writes
 */
guint
natter_store_schema_get_version (void)
{
  return migrations[G_N_ELEMENTS (migrations) - 1].version;
}

static gboolean
read_pragma_int (sqlite3     *handle,
                 const char  *sql,
                 gint64      *value,
                 GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    {
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          *value = sqlite3_column_int64 (stmt, 0);
          rc = SQLITE_OK;
        }
    }
  if (rc != SQLITE_OK)
    natter_store_set_sqlite_error (rc, sqlite3_errmsg (handle), error);
  sqlite3_finalize (stmt);
  return rc == SQLITE_OK;
}

/* Refuses a database that is not ours or is newer than this build. */
static gboolean
check_header (sqlite3     *handle,
              const char  *path,
              GError     **error)
{
  gint64 version = 0;
  gint64 application_id = 0;
  gint64 objects = 0;

  /* Reading sqlite_schema makes SQLite read page 1: a file that is not a
   * database fails here with SQLITE_NOTADB. */
  if (!read_pragma_int (handle, "SELECT count(*) FROM sqlite_schema", &objects, error) ||
      !read_pragma_int (handle, "PRAGMA user_version", &version, error) ||
      !read_pragma_int (handle, "PRAGMA application_id", &application_id, error))
    {
      g_prefix_error (error, _("Could not read “%s”: "), path);
      return FALSE;
    }

  if (application_id != NATTER_STORE_APPLICATION_ID &&
      (application_id != 0 || version != 0 || objects != 0))
    {
      g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_CORRUPT,
                   _("“%s” is a database of another program; Natter leaves it untouched"),
                   path);
      return FALSE;
    }

  if (version > natter_store_schema_get_version ())
    {
      g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_TOO_NEW,
                   _("The message database “%s” was written by a newer version of Natter "
                     "(schema %" G_GINT64_FORMAT ", this version knows %u); "
                     "it is left untouched"),
                   path, version, natter_store_schema_get_version ());
      return FALSE;
    }

  return TRUE;
}

/* How to open @path for looking only.  With no WAL and no rollback journal
 * beside it the file alone is the database, and SQLite's immutable mode
 * reads it without creating, locking or recovering anything.  Otherwise the
 * WAL or journal may hold committed data, so open read-only, which reads
 * them but never checkpoints or rolls back. */
static char *
probe_filename (const char *path,
                int        *flags)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *journal = g_strconcat (path, "-journal", NULL);
  g_autofree char *escaped = NULL;

  *flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
  if (g_file_test (wal, G_FILE_TEST_EXISTS) || g_file_test (journal, G_FILE_TEST_EXISTS))
    return g_strdup (path);

  *flags |= SQLITE_OPEN_URI;
  escaped = g_uri_escape_string (path, "/", FALSE);
  return g_strconcat ("file:", escaped, "?immutable=1", NULL);
}

/**
 * natter_store_schema_probe:
 * @path: a database file that may not exist
 * @error: return location for a #GError
 *
 * Checks, without writing anything, that @path is absent, empty, or a
 * Natter database this build can read and upgrade.  Neither a newer
 * version's database nor a foreign file is modified, not even by WAL
 * recovery or a checkpoint.
 *
 * Returns: %TRUE if @path may be opened for writing
 */
gboolean
natter_store_schema_probe (const char  *path,
                           GError     **error)
{
  g_autofree char *filename = NULL;
  sqlite3 *handle = NULL;
  gboolean ok;
  int flags;
  int rc;

  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    return TRUE;

  filename = probe_filename (path, &flags);
  rc = sqlite3_open_v2 (filename, &handle, flags, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_CANNOT_OPEN,
                   _("Could not open the message database “%s”: %s"), path,
                   handle != NULL ? sqlite3_errmsg (handle) : sqlite3_errstr (rc));
      sqlite3_close (handle);
      return FALSE;
    }
  sqlite3_extended_result_codes (handle, 1);
  sqlite3_busy_timeout (handle, 5000);
  sqlite3_db_config (handle, SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE, 1, NULL);

  ok = check_header (handle, path, error);
  sqlite3_close (handle);
  return ok;
}

static gboolean
apply (NatterStoreDb    *db,
       const Migration  *step,
       GError          **error)
{
  g_autofree char *bump = NULL;
  g_autoptr(NatterStoreStmt) check = NULL;
  int rc;

  if (!natter_store_db_exec (db, step->sql, error))
    return FALSE;

  /* user_version cannot be a parameter; it is our own integer. */
  bump = g_strdup_printf ("PRAGMA user_version = %u", step->version);
  if (!natter_store_db_exec (db, bump, error))
    return FALSE;

  /* Foreign keys are off while migrating, so that a step may rebuild a
   * table; the step must still leave every reference valid. */
  check = natter_store_db_prepare (db, "PRAGMA foreign_key_check", error);
  if (check == NULL)
    return FALSE;
  rc = natter_store_db_step (db, check, error);
  if (rc == SQLITE_ROW)
    {
      g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_CORRUPT,
                   _("Upgrading to schema %u left a dangling reference in table “%s”"),
                   step->version, (const char *) sqlite3_column_text (check, 0));
      return FALSE;
    }
  return rc == SQLITE_DONE;
}

/**
 * natter_store_schema_migrate:
 * @db: a connection opened with natter_store_db_open()
 * @path: the file, for messages
 * @error: return location for a #GError
 *
 * Brings the schema up to natter_store_schema_get_version(), one
 * transaction per step.  A database newer than this build is refused
 * before anything is written.
 *
 * Returns: %TRUE if the schema is current
 */
gboolean
natter_store_schema_migrate (NatterStoreDb  *db,
                             const char     *path,
                             GError        **error)
{
  gint64 version = 0;
  gboolean ok = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (migrations); i++)
    g_assert (migrations[i].version == i + 1);

  if (!natter_store_db_exec (db, "PRAGMA foreign_keys = OFF", error))
    return FALSE;

  for (guint i = 0; ok && i < G_N_ELEMENTS (migrations); i++)
    {
      /* Read the version inside the write transaction: another instance
       * may have migrated since we last looked. */
      ok = natter_store_db_begin (db, error) &&
           check_header (db->handle, path, error) &&
           read_pragma_int (db->handle, "PRAGMA user_version", &version, error);
      if (ok && version < migrations[i].version)
        ok = apply (db, &migrations[i], error);
      if (ok)
        ok = natter_store_db_commit (db, error);
      if (!ok)
        {
          natter_store_db_rollback (db);
          g_prefix_error (error, _("Could not upgrade the message database to schema %u: "),
                          migrations[i].version);
        }
    }

  if (!natter_store_db_exec (db, "PRAGMA foreign_keys = ON", ok ? error : NULL))
    return FALSE;
  return ok;
}
