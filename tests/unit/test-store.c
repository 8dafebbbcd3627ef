/* test-store.c: the database keeps everything once, in order, and refuses what it cannot read
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include "store/store.h"
#include "store/natter-store-private.h"

#define T0 G_GINT64_CONSTANT (1767225600000000)   /* 2026-01-01, in µs */
#define SECOND G_GINT64_CONSTANT (1000000)

/* Helpers */

static char *
test_path (const char *name)
{
  g_autofree char *dir = g_build_filename (g_get_user_data_dir (), "store-tests", NULL);

  g_assert_no_errno (g_mkdir_with_parents (dir, 0700));
  return g_build_filename (dir, name, NULL);
}

static NatterStore *
open_store (const char *path)
{
  g_autoptr(GError) error = NULL;
  NatterStore *store = natter_store_open (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

static void
close_store (NatterStore *store)
{
  natter_store_close (store);
  g_assert_finalize_object (store);
}

static gint64
raw_int (sqlite3    *db,
         const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  gint64 value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return value;
}

static char *
raw_text (sqlite3    *db,
          const char *sql)
{
  sqlite3_stmt *stmt = NULL;
  char *value;

  g_assert_cmpint (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  value = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return value;
}

static int
raw_exec (sqlite3    *db,
          const char *sql)
{
  return sqlite3_exec (db, sql, NULL, NULL, NULL);
}

/* A second, independent connection, for checks that do not trust the store. */
static sqlite3 *
raw_open (const char *path)
{
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL), ==, SQLITE_OK);
  sqlite3_extended_result_codes (db, 1);
  sqlite3_busy_timeout (db, 5000);
  return db;
}

/* The full-text index holds exactly the visible text of visible messages. */
static void
assert_fts_consistent (NatterStore *store)
{
  sqlite3 *db = natter_store_get_sqlite (store);

  g_assert_cmpint (raw_exec (db, "INSERT INTO messages_fts (messages_fts, rank) "
                                 "VALUES ('integrity-check', 1)"), ==, SQLITE_OK);
}

static GBytes *
read_bytes (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize length = 0;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, length);
}

static gint64
add_account (NatterStore *store,
             const char  *jid)
{
  g_autoptr(NatterStoreAccount) account = natter_store_account_new ();
  g_autoptr(GError) error = NULL;

  account->jid = g_strdup (jid);
  account->resource = g_strdup ("natter.test");
  g_assert_true (natter_store_add_account (store, account, &error));
  g_assert_no_error (error);
  g_assert_cmpint (account->id, >, 0);
  return account->id;
}

static gint64
add_conversation (NatterStore                 *store,
                  gint64                       account_id,
                  const char                  *peer,
                  NatterStoreConversationKind  kind)
{
  g_autoptr(NatterStoreConversation) conversation = NULL;
  g_autoptr(GError) error = NULL;

  conversation = natter_store_ensure_conversation (store, account_id, peer, kind, &error);
  g_assert_no_error (error);
  g_assert_nonnull (conversation);
  return conversation->id;
}

static NatterStoreMessage *
new_message (gint64                conversation_id,
             NatterStoreDirection  direction,
             const char           *body,
             gint64                timestamp)
{
  NatterStoreMessage *message = natter_store_message_new ();

  message->conversation_id = conversation_id;
  message->direction = direction;
  message->body = g_strdup (body);
  message->timestamp = timestamp;
  message->received = timestamp;
  message->state = direction == NATTER_STORE_DIRECTION_OUT
                   ? NATTER_STORE_MESSAGE_STATE_SENT
                   : NATTER_STORE_MESSAGE_STATE_RECEIVED;
  return message;
}

static NatterStoreInsertResult
insert (NatterStore        *store,
        NatterStoreMessage *message)
{
  g_autoptr(GError) error = NULL;
  NatterStoreInsertResult result = -1;

  g_assert_true (natter_store_insert_message (store, message, &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (message->id, >, 0);
  return result;
}

static gint64
insert_text (NatterStore          *store,
             gint64                conversation_id,
             NatterStoreDirection  direction,
             const char           *body,
             gint64                timestamp)
{
  g_autoptr(NatterStoreMessage) message = new_message (conversation_id, direction, body,
                                                       timestamp);

  g_assert_cmpint (insert (store, message), ==, NATTER_STORE_INSERT_ADDED);
  return message->id;
}

static GPtrArray *
search (NatterStore *store,
        const char  *text)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *results = natter_store_search (store, text, 0, 0, 100, &error);

  g_assert_no_error (error);
  g_assert_nonnull (results);
  return results;
}

static gint64
count_visible (NatterStore *store,
               gint64       conversation_id)
{
  g_autoptr(GError) error = NULL;
  gint64 count = natter_store_count_messages (store, conversation_id, &error);

  g_assert_no_error (error);
  return count;
}

static void
async_result_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GAsyncResult **out = user_data;

  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  *out = g_object_ref (result);
}

static GAsyncResult *
wait_for (GAsyncResult **slot)
{
  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  return *slot;
}

/* Opening */

static void
test_open_creates_file (void)
{
  g_autofree char *expected = g_build_filename (g_get_user_data_dir (), "natter", "natter.db",
                                                NULL);
  g_autofree char *default_path = natter_store_dup_default_path ();
  g_autofree char *mode = NULL;
  NatterStore *store;
  sqlite3 *db;

  g_assert_cmpstr (default_path, ==, expected);
  g_assert_false (g_file_test (expected, G_FILE_TEST_EXISTS));

  store = open_store (NULL);
  g_assert_cmpstr (natter_store_get_path (store), ==, expected);
  g_assert_true (g_file_test (expected, G_FILE_TEST_IS_REGULAR));

  db = natter_store_get_sqlite (store);
  mode = raw_text (db, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (raw_int (db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (raw_int (db, "PRAGMA secure_delete"), ==, 1);
  g_assert_cmpint (raw_int (db, "PRAGMA synchronous"), ==, 1);   /* NORMAL */
  g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, natter_store_schema_get_version ());
  g_assert_cmpint (raw_int (db, "PRAGMA application_id"), ==, NATTER_STORE_APPLICATION_ID);
  close_store (store);
}

static void
test_open_reopen_keeps_data (void)
{
  g_autofree char *path = test_path ("reopen.db");
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  NatterStore *store = open_store (path);

  add_account (store, "me@example.org");
  close_store (store);

  store = open_store (path);
  accounts = natter_store_list_accounts (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (accounts->len, ==, 1);
  g_assert_cmpstr (((NatterStoreAccount *) accounts->pdata[0])->jid, ==, "me@example.org");
  close_store (store);
}

static void
test_open_cannot_open (void)
{
  g_autofree char *blocker = test_path ("a-file");
  g_autofree char *path = g_build_filename (blocker, "natter.db", NULL);
  g_autoptr(GError) error = NULL;
  NatterStore *store;

  g_assert_true (g_file_set_contents (blocker, "x", 1, NULL));
  store = natter_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_CANNOT_OPEN);
}

/* Migrations */

/* Every schema object but FTS5's own tables, to compare two databases. */
static char *
dump_schema (sqlite3 *db)
{
  g_autoptr(GString) dump = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  g_assert_cmpint (sqlite3_prepare_v2 (db,
                                       "SELECT type, name, tbl_name, sql FROM sqlite_schema "
                                       "ORDER BY type, name", -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (dump, "%s %s %s\n%s\n\n",
                            sqlite3_column_text (stmt, 0), sqlite3_column_text (stmt, 1),
                            sqlite3_column_text (stmt, 2), sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  return g_string_free (g_steal_pointer (&dump), FALSE);
}

static void
test_migrate_from_empty_file (void)
{
  g_autofree char *path = test_path ("empty.db");
  NatterStore *store;

  g_assert_true (g_file_set_contents (path, "", 0, NULL));
  store = open_store (path);
  g_assert_cmpint (raw_int (natter_store_get_sqlite (store), "PRAGMA user_version"), ==,
                   natter_store_schema_get_version ());
  close_store (store);
}

static void assert_fixture_omemo (NatterStore *store);
static void assert_omemo_tables_usable (NatterStore *store);

/* Loads tests/unit/store-fixtures/schema-vN.sql, a frozen database of
 * schema version N with data, and upgrades it.  Every version this build
 * knows must have its fixture: a new schema version adds one file and
 * nothing else here. */
static void
test_migrate_from_every_version (void)
{
  g_autofree char *fresh_path = test_path ("fresh.db");
  g_autofree char *fresh_schema = NULL;
  NatterStore *fresh = open_store (fresh_path);

  fresh_schema = dump_schema (natter_store_get_sqlite (fresh));
  close_store (fresh);

  for (guint version = 1; version <= natter_store_schema_get_version (); version++)
    {
      g_autofree char *name = g_strdup_printf ("schema-v%u.sql", version);
      g_autofree char *fixture = g_test_build_filename (G_TEST_DIST, "unit", "store-fixtures",
                                                        name, NULL);
      g_autofree char *db_name = g_strdup_printf ("from-v%u.db", version);
      g_autofree char *path = test_path (db_name);
      g_autofree char *sql = NULL;
      g_autofree char *schema = NULL;
      g_autofree char *setting = NULL;
      g_autofree char *roster_version = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) messages = NULL;
      g_autoptr(GPtrArray) outbox = NULL;
      g_autoptr(GPtrArray) roster = NULL;
      g_autoptr(GPtrArray) hits = NULL;
      g_autoptr(GPtrArray) ranges = NULL;
      g_autoptr(NatterStoreAccount) account = NULL;
      g_autoptr(NatterStoreConversation) conversation = NULL;
      NatterStoreMessage *first;
      NatterStore *store;
      sqlite3 *db;

      g_test_message ("upgrading %s", fixture);
      g_file_get_contents (fixture, &sql, NULL, &error);
      g_assert_no_error (error);
      db = raw_open (path);
      g_assert_cmpint (raw_exec (db, sql), ==, SQLITE_OK);
      g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==, version);
      sqlite3_close (db);

      store = open_store (path);
      db = natter_store_get_sqlite (store);
      g_assert_cmpint (raw_int (db, "PRAGMA user_version"), ==,
                       natter_store_schema_get_version ());
      schema = dump_schema (db);
      g_assert_cmpstr (schema, ==, fresh_schema);
      assert_fts_consistent (store);
      g_assert_cmpint (raw_int (db, "SELECT count(*) FROM pragma_foreign_key_check"), ==, 0);

      /* Everything a version 1 database held is still there. */
      account = natter_store_get_account (store, 1, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (account->jid, ==, "fixture@example.org");
      g_assert_cmpstr (account->sasl_mechanism, ==, "SCRAM-SHA-256");
      g_assert_cmpuint (g_strv_length (account->pinned_certificates), ==, 1);
      setting = natter_store_dup_account_setting (store, 1, "mam-limit", &error);
      g_assert_cmpstr (setting, ==, "month");
      roster = natter_store_load_roster (store, 1, &roster_version, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (roster_version, ==, "ver-7");
      g_assert_cmpuint (roster->len, ==, 1);
      g_assert_cmpstr (((NatterStoreContact *) roster->pdata[0])->groups[0], ==, "Friends");
      conversation = natter_store_get_conversation (store, 1, &error);
      g_assert_cmpstr (conversation->draft, ==, "half-typed draft");

      messages = natter_store_list_latest_messages (store, 1, 50, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (messages->len, ==, 2);
      first = messages->pdata[0];
      g_assert_cmpstr (first->body, ==, "fixture hello from alice, corrected");
      g_assert_cmpstr (first->original_body, ==, "fixture hello from alice");
      outbox = natter_store_list_outbox (store, 0, &error);
      g_assert_cmpuint (outbox->len, ==, 1);
      g_assert_cmpstr (((NatterStoreMessage *) outbox->pdata[0])->origin_id, ==, "oid-2");
      hits = search (store, "corrected");
      g_assert_cmpuint (hits->len, ==, 1);
      g_assert_cmpint (((NatterStoreMessage *) hits->pdata[0])->id, ==, 1);
      ranges = natter_store_list_mam_ranges (store, 1, "fixture@example.org", &error);
      g_assert_cmpuint (ranges->len, ==, 1);
      g_assert_true (((NatterStoreMamRange *) ranges->pdata[0])->complete);

      /* OMEMO (version 2): what a version 2 database held is still there;
       * an older one has the tables, empty and usable. */
      if (version >= 2)
        assert_fixture_omemo (store);
      else
        assert_omemo_tables_usable (store);

      /* And it takes new data, deduplicated against the old. */
      {
        g_autoptr(NatterStoreMessage) again = new_message (1, NATTER_STORE_DIRECTION_IN,
                                                           "fixture hello", T0);

        again->stanza_id = g_strdup ("sid-1");
        again->archive = g_strdup ("fixture@example.org");
        g_assert_cmpint (insert (store, again), ==, NATTER_STORE_INSERT_DUPLICATE);
        g_assert_cmpint (again->id, ==, 1);
      }
      close_store (store);
    }
}

static void
test_migrate_refuses_newer (void)
{
  const char *modes[] = { "DELETE", "WAL" };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autofree char *name = g_strdup_printf ("newer-%s.db", modes[i]);
      g_autofree char *path = test_path (name);
      g_autofree char *wal = g_strconcat (path, "-wal", NULL);
      g_autofree char *sql = NULL;
      g_autoptr(GBytes) before = NULL;
      g_autoptr(GBytes) after = NULL;
      g_autoptr(GError) error = NULL;
      NatterStore *store;
      sqlite3 *db;

      db = raw_open (path);
      sql = g_strdup_printf ("PRAGMA journal_mode = %s;"
                             "PRAGMA application_id = %d;"
                             "CREATE TABLE future (x TEXT);"
                             "INSERT INTO future VALUES ('from a later Natter');"
                             "PRAGMA user_version = %u;",
                             modes[i], NATTER_STORE_APPLICATION_ID,
                             natter_store_schema_get_version () + 1);
      g_assert_cmpint (raw_exec (db, sql), ==, SQLITE_OK);
      sqlite3_close (db);
      g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
      before = read_bytes (path);

      store = natter_store_open (path, &error);
      g_assert_null (store);
      g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_TOO_NEW);
      g_test_message ("%s", error->message);

      after = read_bytes (path);
      g_assert_true (g_bytes_equal (before, after));
      g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
    }
}

/* A newer Natter crashed: its version bump is committed in the WAL only. */
static void
test_migrate_refuses_newer_in_wal (void)
{
  g_autofree char *path = test_path ("newer-in-wal.db");
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *sql = NULL;
  g_autoptr(GBytes) db_before = NULL;
  g_autoptr(GBytes) wal_before = NULL;
  g_autoptr(GBytes) db_after = NULL;
  g_autoptr(GBytes) wal_after = NULL;
  g_autoptr(GError) error = NULL;
  NatterStore *store;
  sqlite3 *writer;

  writer = raw_open (path);
  sql = g_strdup_printf ("PRAGMA journal_mode = WAL;"
                         "PRAGMA wal_autocheckpoint = 0;"
                         "PRAGMA application_id = %d;"
                         "CREATE TABLE future (x TEXT);",
                         NATTER_STORE_APPLICATION_ID);
  g_assert_cmpint (raw_exec (writer, sql), ==, SQLITE_OK);
  g_assert_cmpint (raw_exec (writer, "PRAGMA wal_checkpoint(TRUNCATE)"), ==, SQLITE_OK);
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("PRAGMA user_version = %u", natter_store_schema_get_version () + 1);
  g_assert_cmpint (raw_exec (writer, sql), ==, SQLITE_OK);
  g_assert_cmpint (raw_int (writer, "PRAGMA user_version"), ==,
                   natter_store_schema_get_version () + 1);
  db_before = read_bytes (path);
  wal_before = read_bytes (wal);
  g_assert_cmpuint (g_bytes_get_size (wal_before), >, 0);

  store = natter_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_TOO_NEW);

  db_after = read_bytes (path);
  wal_after = read_bytes (wal);
  g_assert_true (g_bytes_equal (db_before, db_after));
  g_assert_true (g_bytes_equal (wal_before, wal_after));
  sqlite3_close (writer);
}

static void
test_migrate_refuses_garbage (void)
{
  g_autofree char *path = test_path ("garbage.db");
  g_autoptr(GString) garbage = g_string_new (NULL);
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  NatterStore *store;

  for (guint i = 0; i < 200; i++)
    g_string_append (garbage, "This is not a database, it is a letter to my aunt.\n");
  g_assert_true (g_file_set_contents (path, garbage->str, garbage->len, NULL));

  store = natter_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_CORRUPT);
  after = read_bytes (path);
  g_assert_cmpmem (g_bytes_get_data (after, NULL), g_bytes_get_size (after),
                   garbage->str, garbage->len);
}

static void
test_migrate_refuses_foreign_database (void)
{
  g_autofree char *path = test_path ("foreign.db");
  g_autoptr(GBytes) before = NULL;
  g_autoptr(GBytes) after = NULL;
  g_autoptr(GError) error = NULL;
  NatterStore *store;
  sqlite3 *db;

  db = raw_open (path);
  g_assert_cmpint (raw_exec (db, "CREATE TABLE recipes (name TEXT)"), ==, SQLITE_OK);
  sqlite3_close (db);
  before = read_bytes (path);

  store = natter_store_open (path, &error);
  g_assert_null (store);
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_CORRUPT);
  after = read_bytes (path);
  g_assert_true (g_bytes_equal (before, after));
}

/* Accounts and roster */

static void
test_accounts_crud (void)
{
  g_autofree char *path = test_path ("accounts.db");
  g_autoptr(NatterStoreAccount) account = natter_store_account_new ();
  g_autoptr(NatterStoreAccount) again = natter_store_account_new ();
  g_autoptr(NatterStoreAccount) loaded = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(GError) error = NULL;
  const char *pins[] = { "AA:BB", "CC:DD", NULL };
  char *value;
  NatterStore *store = open_store (path);

  account->jid = g_strdup ("me@example.org");
  account->resource = g_strdup ("natter.x1y2");
  account->display_name = g_strdup ("Me");
  account->host = g_strdup ("xmpp.example.org");
  account->port = 5223;
  account->direct_tls = TRUE;
  account->pinned_certificates = g_strdupv ((char **) pins);
  g_assert_true (natter_store_add_account (store, account, &error));
  g_assert_no_error (error);
  g_assert_cmpint (account->created, >, 0);

  again->jid = g_strdup ("me@example.org");
  g_assert_false (natter_store_add_account (store, again, &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_EXISTS);
  g_assert_cmpint (again->id, ==, 0);
  g_clear_error (&error);

  loaded = natter_store_get_account (store, account->id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (loaded->jid, ==, "me@example.org");
  g_assert_cmpstr (loaded->resource, ==, "natter.x1y2");
  g_assert_cmpstr (loaded->display_name, ==, "Me");
  g_assert_cmpstr (loaded->host, ==, "xmpp.example.org");
  g_assert_cmpuint (loaded->port, ==, 5223);
  g_assert_true (loaded->direct_tls);
  g_assert_true (loaded->enabled);
  g_assert_cmpstrv (loaded->pinned_certificates, pins);
  g_clear_pointer (&loaded, natter_store_account_unref);

  account->enabled = FALSE;
  account->sasl_mechanism = g_strdup ("SCRAM-SHA-256-PLUS");
  g_clear_pointer (&account->pinned_certificates, g_strfreev);
  g_assert_true (natter_store_update_account (store, account, &error));
  g_assert_no_error (error);
  loaded = natter_store_get_account (store, account->id, &error);
  g_assert_false (loaded->enabled);
  g_assert_cmpstr (loaded->sasl_mechanism, ==, "SCRAM-SHA-256-PLUS");
  g_assert_cmpuint (g_strv_length (loaded->pinned_certificates), ==, 0);
  g_clear_pointer (&loaded, natter_store_account_unref);

  g_assert_null (natter_store_get_account (store, 9999, &error));
  g_assert_no_error (error);
  again->id = 9999;
  g_assert_false (natter_store_update_account (store, again, &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (natter_store_set_account_setting (store, account->id, "k", "v1", &error));
  g_assert_true (natter_store_set_account_setting (store, account->id, "k", "v2", &error));
  value = natter_store_dup_account_setting (store, account->id, "k", &error);
  g_assert_cmpstr (value, ==, "v2");
  g_free (value);
  g_assert_true (natter_store_set_account_setting (store, account->id, "k", NULL, &error));
  g_assert_null (natter_store_dup_account_setting (store, account->id, "k", &error));
  g_assert_no_error (error);
  g_assert_false (natter_store_set_account_setting (store, 9999, "k", "v", &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  add_account (store, "other@example.org");
  accounts = natter_store_list_accounts (store, &error);
  g_assert_cmpuint (accounts->len, ==, 2);
  g_assert_cmpstr (((NatterStoreAccount *) accounts->pdata[0])->jid, ==, "me@example.org");
  close_store (store);
}

static NatterStoreContact *
new_contact (const char              *jid,
             const char              *name,
             NatterStoreSubscription  subscription,
             const char * const      *groups)
{
  NatterStoreContact *contact = natter_store_contact_new ();

  contact->jid = g_strdup (jid);
  contact->name = g_strdup (name);
  contact->subscription = subscription;
  contact->groups = g_strdupv ((char **) groups);
  return contact;
}

static void
test_roster (void)
{
  g_autofree char *path = test_path ("roster.db");
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_contact_unref);
  g_autoptr(GPtrArray) loaded = NULL;
  g_autoptr(NatterStoreContact) push = NULL;
  g_autoptr(GError) error = NULL;
  const char *friends[] = { "Friends", "Work", "Friends", NULL };
  const char *friends_work[] = { "Friends", "Work", NULL };
  const char *family[] = { "Family", NULL };
  char *version = NULL;
  NatterStore *store = open_store (path);
  gint64 account = add_account (store, "me@example.org");
  NatterStoreContact *bob;

  loaded = natter_store_load_roster (store, account, &version, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (loaded->len, ==, 0);
  g_assert_null (version);
  g_clear_pointer (&loaded, g_ptr_array_unref);

  g_ptr_array_add (contacts, new_contact ("bob@example.org", "Bob",
                                          NATTER_STORE_SUBSCRIPTION_BOTH, friends));
  g_ptr_array_add (contacts, new_contact ("alice@example.org", NULL,
                                          NATTER_STORE_SUBSCRIPTION_TO, NULL));
  g_assert_true (natter_store_replace_roster (store, account, "v1", contacts, &error));
  g_assert_no_error (error);

  loaded = natter_store_load_roster (store, account, &version, &error);
  g_assert_cmpstr (version, ==, "v1");
  g_clear_pointer (&version, g_free);
  g_assert_cmpuint (loaded->len, ==, 2);
  g_assert_cmpstr (((NatterStoreContact *) loaded->pdata[0])->jid, ==, "alice@example.org");
  g_assert_null (((NatterStoreContact *) loaded->pdata[0])->groups);
  bob = loaded->pdata[1];
  g_assert_cmpstr (bob->name, ==, "Bob");
  g_assert_cmpint (bob->subscription, ==, NATTER_STORE_SUBSCRIPTION_BOTH);
  g_assert_cmpstrv (bob->groups, friends_work);
  g_clear_pointer (&loaded, g_ptr_array_unref);

  /* A push changes one item and the version. */
  push = new_contact ("bob@example.org", "Robert", NATTER_STORE_SUBSCRIPTION_FROM, family);
  push->ask = TRUE;
  g_assert_true (natter_store_update_roster_item (store, account, "v2", push, &error));
  g_assert_true (natter_store_remove_roster_item (store, account, "v3", "alice@example.org",
                                                  &error));
  g_assert_true (natter_store_remove_roster_item (store, account, NULL, "nobody@example.org",
                                                  &error));
  g_assert_no_error (error);
  loaded = natter_store_load_roster (store, account, &version, &error);
  g_assert_cmpstr (version, ==, "v3");
  g_clear_pointer (&version, g_free);
  g_assert_cmpuint (loaded->len, ==, 1);
  bob = loaded->pdata[0];
  g_assert_cmpstr (bob->name, ==, "Robert");
  g_assert_true (bob->ask);
  g_assert_cmpstrv (bob->groups, family);
  g_clear_pointer (&loaded, g_ptr_array_unref);

  /* Replacing empties what the new roster lacks, groups included. */
  g_ptr_array_set_size (contacts, 0);
  g_assert_true (natter_store_replace_roster (store, account, NULL, contacts, &error));
  loaded = natter_store_load_roster (store, account, &version, &error);
  g_assert_cmpuint (loaded->len, ==, 0);
  g_assert_null (version);
  g_assert_cmpint (raw_int (natter_store_get_sqlite (store),
                            "SELECT count(*) FROM roster_groups"), ==, 0);

  g_assert_null (natter_store_load_roster (store, 9999, NULL, &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (natter_store_replace_roster (store, 9999, "v", contacts, &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND);
  close_store (store);
}

/* Fills an account with one row in every table that belongs to it. */
static void
fill_account (NatterStore *store,
              gint64       account,
              const char  *word)
{
  g_autoptr(GPtrArray) contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_contact_unref);
  g_autoptr(NatterStoreAccount) record = NULL;
  g_autoptr(NatterStoreMamRange) range = natter_store_mam_range_new ();
  g_autoptr(NatterStoreMessage) pending = NULL;
  g_autoptr(NatterStoreMessage) correction = NULL;
  g_autoptr(GError) error = NULL;
  const char *groups[] = { "G", NULL };
  g_autofree char *text = g_strdup_printf ("%s says hello", word);
  gint64 conversation = add_conversation (store, account, "peer@example.org",
                                          NATTER_STORE_CONVERSATION_CHAT);
  gint64 first;

  record = natter_store_get_account (store, account, &error);
  g_strfreev (record->pinned_certificates);
  record->pinned_certificates = g_strsplit ("AA BB", " ", -1);
  g_assert_true (natter_store_update_account (store, record, &error));
  g_assert_true (natter_store_set_account_setting (store, account, "k", "v", &error));
  g_ptr_array_add (contacts, new_contact ("peer@example.org", NULL,
                                          NATTER_STORE_SUBSCRIPTION_BOTH, groups));
  g_assert_true (natter_store_replace_roster (store, account, "v1", contacts, &error));

  first = insert_text (store, conversation, NATTER_STORE_DIRECTION_IN, text, T0);
  pending = new_message (conversation, NATTER_STORE_DIRECTION_OUT, text, T0 + SECOND);
  pending->state = NATTER_STORE_MESSAGE_STATE_PENDING;
  pending->origin_id = g_strdup_printf ("%s-pending", word);
  insert (store, pending);
  correction = new_message (conversation, NATTER_STORE_DIRECTION_IN, "corrected", T0 + 2);
  correction->replaces_ref = g_strdup ("m1");
  insert (store, correction);
  g_assert_cmpint (first, >, 0);

  range->account_id = account;
  range->archive = g_strdup ("me@example.org");
  range->to_id = g_strdup ("x");
  g_assert_true (natter_store_save_mam_range (store, range, &error));
  g_assert_no_error (error);
}

static const char * const account_tables[] = {
  "SELECT count(*) FROM account_certificates WHERE account_id = ?1",
  "SELECT count(*) FROM account_settings WHERE account_id = ?1",
  "SELECT count(*) FROM roster WHERE account_id = ?1",
  "SELECT count(*) FROM roster_groups WHERE account_id = ?1",
  "SELECT count(*) FROM conversations WHERE account_id = ?1",
  "SELECT count(*) FROM messages WHERE account_id = ?1",
  "SELECT count(*) FROM outbox o JOIN messages m ON m.id = o.message_id WHERE m.account_id = ?1",
  "SELECT count(*) FROM mam_ranges WHERE account_id = ?1",
};

static void
assert_account_rows (sqlite3  *db,
                     gint64    account,
                     gboolean  present)
{
  for (guint i = 0; i < G_N_ELEMENTS (account_tables); i++)
    {
      sqlite3_stmt *stmt = NULL;
      gint64 count;

      g_assert_cmpint (sqlite3_prepare_v2 (db, account_tables[i], -1, &stmt, NULL), ==,
                       SQLITE_OK);
      sqlite3_bind_int64 (stmt, 1, account);
      g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
      count = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
      if (present)
        g_assert_cmpint (count, >, 0);
      else
        g_assert_cmpint (count, ==, 0);
    }
}

static void
test_accounts_remove_cascades (void)
{
  g_autofree char *path = test_path ("cascade.db");
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  NatterStore *store = open_store (path);
  gint64 doomed = add_account (store, "doomed@example.org");
  gint64 kept = add_account (store, "kept@example.org");
  sqlite3 *raw;

  fill_account (store, doomed, "zanzibar");
  fill_account (store, kept, "quokka");
  raw = raw_open (path);
  assert_account_rows (raw, doomed, TRUE);
  assert_account_rows (raw, kept, TRUE);

  g_assert_true (natter_store_remove_account (store, doomed, &error));
  g_assert_no_error (error);
  assert_account_rows (raw, doomed, FALSE);
  assert_account_rows (raw, kept, TRUE);
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM accounts"), ==, 1);
  hits = search (store, "zanzibar");
  g_assert_cmpuint (hits->len, ==, 0);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = search (store, "quokka");
  g_assert_cmpuint (hits->len, ==, 2);   /* one received, one pending */
  g_clear_pointer (&hits, g_ptr_array_unref);
  assert_fts_consistent (store);
  /* After the merge no FTS segment holds the removed account's words. */
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM messages_fts_data "
                                 "WHERE instr (block, 'zanzibar') > 0"), ==, 0);

  g_assert_false (natter_store_remove_account (store, doomed, &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* The same off the main thread. */
  natter_store_remove_account_async (store, kept, NULL, async_result_cb, &result);
  g_assert_true (natter_store_remove_account_finish (store, wait_for (&result), &error));
  g_assert_no_error (error);
  assert_account_rows (raw, kept, FALSE);
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM messages"), ==, 0);
  g_assert_cmpint (raw_int (raw, "SELECT count(*) FROM messages_fts"), ==, 0);
  sqlite3_close (raw);
  g_clear_object (&result);
  close_store (store);
}

/* Conversations */

static void
test_conversations (void)
{
  g_autofree char *path = test_path ("conversations.db");
  g_autoptr(GPtrArray) list = NULL;
  g_autoptr(NatterStoreConversation) conversation = NULL;
  g_autoptr(GError) error = NULL;
  NatterStore *store = open_store (path);
  gint64 a1 = add_account (store, "one@example.org");
  gint64 a2 = add_account (store, "two@example.org");
  gint64 c1 = add_conversation (store, a1, "alice@example.org", NATTER_STORE_CONVERSATION_CHAT);
  gint64 c2 = add_conversation (store, a2, "room@muc.example.org",
                                NATTER_STORE_CONVERSATION_GROUPCHAT);
  gint64 c3 = add_conversation (store, a1, "bob@example.org", NATTER_STORE_CONVERSATION_CHAT);

  g_assert_cmpint (add_conversation (store, a1, "alice@example.org",
                                     NATTER_STORE_CONVERSATION_GROUPCHAT), ==, c1);
  g_assert_cmpint (add_conversation (store, a2, "alice@example.org",
                                     NATTER_STORE_CONVERSATION_CHAT), !=, c1);

  insert_text (store, c1, NATTER_STORE_DIRECTION_IN, "old", T0);
  insert_text (store, c2, NATTER_STORE_DIRECTION_IN, "newest", T0 + 10 * SECOND);
  insert_text (store, c3, NATTER_STORE_DIRECTION_IN, "middle", T0 + 5 * SECOND);
  /* An old message from an archive does not move a conversation back. */
  insert_text (store, c2, NATTER_STORE_DIRECTION_IN, "ancient", T0 - 100 * SECOND);

  list = natter_store_list_conversations (store, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 4);
  g_assert_cmpint (((NatterStoreConversation *) list->pdata[0])->id, ==, c2);
  g_assert_cmpint (((NatterStoreConversation *) list->pdata[1])->id, ==, c3);
  g_assert_cmpint (((NatterStoreConversation *) list->pdata[2])->id, ==, c1);
  g_assert_cmpint (((NatterStoreConversation *) list->pdata[0])->last_activity, ==,
                   T0 + 10 * SECOND);
  g_clear_pointer (&list, g_ptr_array_unref);

  g_assert_true (natter_store_touch_conversation (store, c1, T0 + 20 * SECOND, &error));
  g_assert_true (natter_store_touch_conversation (store, c1, T0, &error));
  g_assert_true (natter_store_set_conversation_unread (store, c1, 3, &error));
  g_assert_true (natter_store_set_conversation_draft (store, c1, "typing…", &error));
  g_assert_true (natter_store_set_conversation_encryption (store, c1,
                                                           NATTER_STORE_ENCRYPTION_OMEMO, &error));
  g_assert_no_error (error);
  conversation = natter_store_get_conversation (store, c1, &error);
  g_assert_cmpint (conversation->last_activity, ==, T0 + 20 * SECOND);
  g_assert_cmpuint (conversation->unread, ==, 3);
  g_assert_cmpstr (conversation->draft, ==, "typing…");
  g_assert_cmpint (conversation->encryption, ==, NATTER_STORE_ENCRYPTION_OMEMO);
  g_assert_cmpint (conversation->kind, ==, NATTER_STORE_CONVERSATION_CHAT);
  g_clear_pointer (&conversation, natter_store_conversation_unref);
  g_assert_true (natter_store_set_conversation_draft (store, c1, NULL, &error));
  conversation = natter_store_get_conversation (store, c1, &error);
  g_assert_null (conversation->draft);
  g_clear_pointer (&conversation, natter_store_conversation_unref);

  conversation = natter_store_get_conversation (store, c2, &error);
  g_assert_cmpint (conversation->kind, ==, NATTER_STORE_CONVERSATION_GROUPCHAT);
  g_clear_pointer (&conversation, natter_store_conversation_unref);

  g_assert_false (natter_store_set_conversation_unread (store, 9999, 1, &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_null (natter_store_ensure_conversation (store, 9999, "x@example.org",
                                                   NATTER_STORE_CONVERSATION_CHAT, &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (natter_store_remove_conversation (store, c2, &error));
  g_assert_null (natter_store_get_conversation (store, c2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (natter_store_get_sqlite (store),
                            "SELECT count(*) FROM messages"), ==, 2);
  assert_fts_consistent (store);
  close_store (store);
}

/* Deduplication */

static void
test_dedup_stanza_id (void)
{
  g_autofree char *path = test_path ("dedup-stanza.db");
  NatterStore *store = open_store (path);
  gint64 a1 = add_account (store, "one@example.org");
  gint64 a2 = add_account (store, "two@example.org");
  gint64 c1 = add_conversation (store, a1, "room@muc.example.org",
                                NATTER_STORE_CONVERSATION_GROUPCHAT);
  gint64 c2 = add_conversation (store, a2, "room@muc.example.org",
                                NATTER_STORE_CONVERSATION_GROUPCHAT);
  g_autoptr(NatterStoreMessage) first = new_message (c1, NATTER_STORE_DIRECTION_IN, "hi", T0);
  g_autoptr(NatterStoreMessage) copy = new_message (c1, NATTER_STORE_DIRECTION_IN, "hi!", T0 + 1);
  g_autoptr(NatterStoreMessage) other_archive = new_message (c1, NATTER_STORE_DIRECTION_IN,
                                                             "hi", T0);
  g_autoptr(NatterStoreMessage) other_account = new_message (c2, NATTER_STORE_DIRECTION_IN,
                                                             "hi", T0);
  sqlite3 *db = natter_store_get_sqlite (store);
  g_autofree char *sql = NULL;

  first->stanza_id = g_strdup ("abc");
  first->archive = g_strdup ("room@muc.example.org");
  g_assert_cmpint (insert (store, first), ==, NATTER_STORE_INSERT_ADDED);

  copy->stanza_id = g_strdup ("abc");
  copy->archive = g_strdup ("room@muc.example.org");
  copy->flags = NATTER_STORE_MESSAGE_FLAG_MAM;
  g_assert_cmpint (insert (store, copy), ==, NATTER_STORE_INSERT_DUPLICATE);
  g_assert_cmpint (copy->id, ==, first->id);

  /* The same id in another archive, or the same room seen by another
   * account, is another message. */
  other_archive->stanza_id = g_strdup ("abc");
  other_archive->archive = g_strdup ("one@example.org");
  g_assert_cmpint (insert (store, other_archive), ==, NATTER_STORE_INSERT_ADDED);
  other_account->stanza_id = g_strdup ("abc");
  other_account->archive = g_strdup ("room@muc.example.org");
  g_assert_cmpint (insert (store, other_account), ==, NATTER_STORE_INSERT_ADDED);

  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM messages WHERE stanza_id = 'abc'"), ==, 3);
  g_assert_cmpint (count_visible (store, c1), ==, 2);

  /* The database itself refuses a second row, whatever the C code does. */
  sql = g_strdup_printf ("INSERT INTO messages (conversation_id, account_id, direction, "
                         "timestamp, received, state, stanza_id, archive) VALUES "
                         "(%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", 0, 1, 1, 5, "
                         "'abc', 'room@muc.example.org')", c1, a1);
  g_assert_cmpint (raw_exec (db, sql), ==, SQLITE_CONSTRAINT_UNIQUE);
  /* A stanza-id without its archive is refused too: it could not dedup. */
  g_clear_pointer (&sql, g_free);
  sql = g_strdup_printf ("INSERT INTO messages (conversation_id, account_id, direction, "
                         "timestamp, received, state, stanza_id) VALUES "
                         "(%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", 0, 1, 1, 5, 'zzz')",
                         c1, a1);
  g_assert_cmpint (raw_exec (db, sql), ==, SQLITE_CONSTRAINT_CHECK);
  close_store (store);
}

static void
test_dedup_origin_id (void)
{
  g_autofree char *path = test_path ("dedup-origin.db");
  NatterStore *store = open_store (path);
  gint64 account = add_account (store, "me@example.org");
  gint64 c1 = add_conversation (store, account, "alice@example.org",
                                NATTER_STORE_CONVERSATION_CHAT);
  gint64 c2 = add_conversation (store, account, "bob@example.org",
                                NATTER_STORE_CONVERSATION_CHAT);
  g_autoptr(NatterStoreMessage) live = new_message (c1, NATTER_STORE_DIRECTION_IN, "yo", T0);
  g_autoptr(NatterStoreMessage) carbon = new_message (c1, NATTER_STORE_DIRECTION_IN, "yo", T0);
  g_autoptr(NatterStoreMessage) outgoing = new_message (c1, NATTER_STORE_DIRECTION_OUT, "yo",
                                                        T0);
  g_autoptr(NatterStoreMessage) elsewhere = new_message (c2, NATTER_STORE_DIRECTION_IN, "yo",
                                                         T0);
  sqlite3 *db = natter_store_get_sqlite (store);
  g_autofree char *sql = NULL;

  live->origin_id = g_strdup ("6f1c-uuid");
  g_assert_cmpint (insert (store, live), ==, NATTER_STORE_INSERT_ADDED);
  carbon->origin_id = g_strdup ("6f1c-uuid");
  carbon->flags = NATTER_STORE_MESSAGE_FLAG_CARBON;
  g_assert_cmpint (insert (store, carbon), ==, NATTER_STORE_INSERT_DUPLICATE);
  g_assert_cmpint (carbon->id, ==, live->id);

  outgoing->origin_id = g_strdup ("6f1c-uuid");
  g_assert_cmpint (insert (store, outgoing), ==, NATTER_STORE_INSERT_ADDED);
  elsewhere->origin_id = g_strdup ("6f1c-uuid");
  g_assert_cmpint (insert (store, elsewhere), ==, NATTER_STORE_INSERT_ADDED);
  g_assert_cmpint (raw_int (db, "SELECT count(*) FROM messages WHERE origin_id = '6f1c-uuid'"),
                   ==, 3);

  sql = g_strdup_printf ("INSERT INTO messages (conversation_id, account_id, direction, "
                         "timestamp, received, state, origin_id) VALUES "
                         "(%" G_GINT64_FORMAT ", %" G_GINT64_FORMAT ", 0, 1, 1, 5, '6f1c-uuid')",
                         c1, account);
  g_assert_cmpint (raw_exec (db, sql), ==, SQLITE_CONSTRAINT_UNIQUE);
  close_store (store);
}

static void
test_dedup_reflection_attaches_stanza_id (void)
{
  g_autofree char *path = test_path ("reflection.db");
  NatterStore *store = open_store (path);
  gint64 account = add_account (store, "me@example.org");
  gint64 conversation = add_conversation (store, account, "alice@example.org",
                                          NATTER_STORE_CONVERSATION_CHAT);
  g_autoptr(NatterStoreMessage) pending = new_message (conversation, NATTER_STORE_DIRECTION_OUT,
                                                       "on my way", T0);
  g_autoptr(NatterStoreMessage) reflection = new_message (conversation,
                                                          NATTER_STORE_DIRECTION_OUT,
                                                          "on my way", T0 + 1);
  g_autoptr(NatterStoreMessage) mam_copy = new_message (conversation,
                                                        NATTER_STORE_DIRECTION_OUT,
                                                        "on my way", T0 + 2);
  g_autoptr(NatterStoreMessage) stored = NULL;
  g_autoptr(NatterStoreMessage) found = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  gint64 other;

  pending->state = NATTER_STORE_MESSAGE_STATE_PENDING;
  pending->origin_id = g_strdup ("uuid-1");
  pending->message_id = g_strdup ("uuid-1");
  g_assert_cmpint (insert (store, pending), ==, NATTER_STORE_INSERT_ADDED);

  /* Our own message comes back from the server's archive (or as a sent
   * carbon) with its stanza-id: no second row, the id is attached. */
  reflection->origin_id = g_strdup ("uuid-1");
  reflection->stanza_id = g_strdup ("srv-77");
  reflection->archive = g_strdup ("me@example.org");
  reflection->flags = NATTER_STORE_MESSAGE_FLAG_MAM;
  g_assert_cmpint (insert (store, reflection), ==, NATTER_STORE_INSERT_ATTACHED);
  g_assert_cmpint (reflection->id, ==, pending->id);
  g_assert_cmpint (raw_int (natter_store_get_sqlite (store), "SELECT count(*) FROM messages"),
                   ==, 1);

  stored = natter_store_get_message (store, pending->id, &error);
  g_assert_cmpstr (stored->stanza_id, ==, "srv-77");
  g_assert_cmpstr (stored->archive, ==, "me@example.org");
  g_assert_cmpint (stored->state, ==, NATTER_STORE_MESSAGE_STATE_PENDING);
  g_assert_cmpstr (stored->body, ==, "on my way");
  outbox = natter_store_list_outbox (store, account, &error);
  g_assert_cmpuint (outbox->len, ==, 1);

  /* The next copy is a plain duplicate, found by either id. */
  mam_copy->origin_id = g_strdup ("uuid-1");
  mam_copy->stanza_id = g_strdup ("srv-77");
  mam_copy->archive = g_strdup ("me@example.org");
  g_assert_cmpint (insert (store, mam_copy), ==, NATTER_STORE_INSERT_DUPLICATE);
  g_assert_cmpint (mam_copy->id, ==, pending->id);
  found = natter_store_find_message_by_stanza_id (store, account, "me@example.org", "srv-77",
                                                  &error);
  g_assert_cmpint (found->id, ==, pending->id);
  g_clear_pointer (&found, natter_store_message_unref);
  found = natter_store_find_message_by_origin_id (store, conversation,
                                                  NATTER_STORE_DIRECTION_OUT, "uuid-1", &error);
  g_assert_cmpint (found->id, ==, pending->id);
  g_clear_pointer (&found, natter_store_message_unref);
  g_assert_null (natter_store_find_message_by_origin_id (store, conversation,
                                                         NATTER_STORE_DIRECTION_IN, "uuid-1",
                                                         &error));
  g_assert_no_error (error);

  /* The explicit form. */
  g_assert_true (natter_store_attach_stanza_id (store, pending->id, "me@example.org", "srv-77",
                                                &error));
  g_assert_no_error (error);
  g_assert_false (natter_store_attach_stanza_id (store, pending->id, "me@example.org", "srv-78",
                                                 &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  other = insert_text (store, conversation, NATTER_STORE_DIRECTION_IN, "later", T0 + 5);
  g_assert_false (natter_store_attach_stanza_id (store, other, "me@example.org", "srv-77",
                                                 &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_true (natter_store_attach_stanza_id (store, other, "me@example.org", "srv-79",
                                                &error));
  g_assert_false (natter_store_attach_stanza_id (store, 9999, "me@example.org", "srv-80",
                                                 &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND);
  close_store (store);
}

/* Batches */

static guint commits;

static int
count_commit_cb (void *data)
{
  commits++;
  return 0;
}

static GPtrArray *
make_batch (gint64      conversation,
            guint       n,
            const char *prefix,
            gint64      start)
{
  GPtrArray *batch = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_message_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *body = g_strdup_printf ("%s message number %u", prefix, i);
      NatterStoreMessage *message = new_message (conversation, NATTER_STORE_DIRECTION_IN, body,
                                                 start + i * SECOND);

      message->stanza_id = g_strdup_printf ("%s-%u", prefix, i);
      message->archive = g_strdup ("me@example.org");
      message->flags = NATTER_STORE_MESSAGE_FLAG_MAM;
      g_ptr_array_add (batch, message);
    }
  return batch;
}

static void
test_batch_one_transaction (void)
{
  g_autofree char *path = test_path ("batch.db");
  NatterStore *store = open_store (path);
  gint64 account = add_account (store, "me@example.org");
  gint64 conversation = add_conversation (store, account, "alice@example.org",
                                          NATTER_STORE_CONVERSATION_CHAT);
  g_autoptr(GPtrArray) batch = make_batch (conversation, 1000, "page", T0);
  g_autoptr(GPtrArray) overlap = make_batch (conversation, 20, "page", T0);
  g_autoptr(GPtrArray) broken = make_batch (conversation, 10, "broken", T0);
  g_autoptr(GArray) results = NULL;
  g_autoptr(GError) error = NULL;
  sqlite3 *db = natter_store_get_sqlite (store);

  commits = 0;
  sqlite3_commit_hook (db, count_commit_cb, NULL);
  results = natter_store_insert_messages (store, batch, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (commits, ==, 1);
  g_assert_cmpuint (results->len, ==, 1000);
  for (guint i = 0; i < results->len; i++)
    {
      g_assert_cmpint (g_array_index (results, NatterStoreInsertResult, i), ==,
                       NATTER_STORE_INSERT_ADDED);
      g_assert_cmpint (((NatterStoreMessage *) batch->pdata[i])->id, >, 0);
    }
  g_assert_cmpint (count_visible (store, conversation), ==, 1000);
  g_clear_pointer (&results, g_array_unref);

  /* An overlapping page: the known messages are duplicates, a message
   * repeated inside the page lands once. */
  for (guint i = 0; i < 2; i++)
    {
      NatterStoreMessage *message = new_message (conversation, NATTER_STORE_DIRECTION_IN,
                                                 "new", T0 + 5000 * SECOND);

      message->stanza_id = g_strdup ("new-one");
      message->archive = g_strdup ("me@example.org");
      g_ptr_array_add (overlap, message);
    }
  commits = 0;
  results = natter_store_insert_messages (store, overlap, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (commits, ==, 1);
  for (guint i = 0; i < 20; i++)
    {
      g_assert_cmpint (g_array_index (results, NatterStoreInsertResult, i), ==,
                       NATTER_STORE_INSERT_DUPLICATE);
      g_assert_cmpint (((NatterStoreMessage *) overlap->pdata[i])->id, ==,
                       ((NatterStoreMessage *) batch->pdata[i])->id);
    }
  g_assert_cmpint (g_array_index (results, NatterStoreInsertResult, 20), ==,
                   NATTER_STORE_INSERT_ADDED);
  g_assert_cmpint (g_array_index (results, NatterStoreInsertResult, 21), ==,
                   NATTER_STORE_INSERT_DUPLICATE);
  g_assert_cmpint (((NatterStoreMessage *) overlap->pdata[21])->id, ==,
                   ((NatterStoreMessage *) overlap->pdata[20])->id);
  g_assert_cmpint (count_visible (store, conversation), ==, 1001);

  /* A batch that fails half-way writes nothing and hands out no ids. */
  ((NatterStoreMessage *) broken->pdata[5])->conversation_id = 9999;
  commits = 0;
  g_assert_null (natter_store_insert_messages (store, broken, NULL, &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND);
  g_assert_cmpuint (commits, ==, 0);
  g_assert_cmpint (count_visible (store, conversation), ==, 1001);
  for (guint i = 0; i < broken->len; i++)
    g_assert_cmpint (((NatterStoreMessage *) broken->pdata[i])->id, ==, 0);
  sqlite3_commit_hook (db, NULL, NULL);
  assert_fts_consistent (store);
  close_store (store);
}

static void
test_batch_async_with_range (void)
{
  g_autofree char *path = test_path ("batch-async.db");
  NatterStore *store = open_store (path);
  gint64 account = add_account (store, "me@example.org");
  gint64 conversation = add_conversation (store, account, "alice@example.org",
                                          NATTER_STORE_CONVERSATION_CHAT);
  g_autoptr(GPtrArray) page = make_batch (conversation, 100, "async", T0);
  g_autoptr(GPtrArray) cancelled_page = make_batch (conversation, 10, "never", T0);
  g_autoptr(GPtrArray) ranges = NULL;
  g_autoptr(NatterStoreMamRange) range = natter_store_mam_range_new ();
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GAsyncResult) cancelled = NULL;
  g_autoptr(GArray) results = NULL;
  g_autoptr(GError) error = NULL;

  range->account_id = account;
  range->archive = g_strdup ("me@example.org");
  range->from_id = g_strdup ("async-0");
  range->from_time = T0;
  range->to_id = g_strdup ("async-99");
  range->to_time = T0 + 99 * SECOND;

  natter_store_insert_messages_async (store, page, range, NULL, async_result_cb, &result);
  g_cancellable_cancel (cancellable);
  natter_store_insert_messages_async (store, cancelled_page, NULL, cancellable,
                                      async_result_cb, &cancelled);

  results = natter_store_insert_messages_finish (store, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (results->len, ==, 100);
  g_assert_cmpint (range->id, >, 0);
  g_assert_null (natter_store_insert_messages_finish (store, wait_for (&cancelled), &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);

  g_assert_cmpint (count_visible (store, conversation), ==, 100);
  ranges = natter_store_list_mam_ranges (store, account, "me@example.org", &error);
  g_assert_cmpuint (ranges->len, ==, 1);
  g_assert_cmpstr (((NatterStoreMamRange *) ranges->pdata[0])->to_id, ==, "async-99");
  g_clear_object (&result);
  g_clear_object (&cancelled);
  close_store (store);
}

/* Pages */

typedef struct
{
  GPtrArray *sql;       /* SQL of each page statement run */
  gboolean   scanned;   /* any of them did a full scan or a sort */
} PlanCheck;

static int
profile_cb (unsigned  type,
            void     *data,
            void     *p,
            void     *x)
{
  PlanCheck *check = data;
  sqlite3_stmt *stmt = p;
  const char *sql = sqlite3_sql (stmt);
  int fullscan, sort, autoindex, steps;

  if (strstr (sql, "FROM messages m WHERE m.conversation_id") == NULL)
    return 0;
  fullscan = sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_FULLSCAN_STEP, 1);
  sort = sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_SORT, 1);
  autoindex = sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_AUTOINDEX, 1);
  steps = sqlite3_stmt_status (stmt, SQLITE_STMTSTATUS_VM_STEP, 1);

  g_ptr_array_add (check->sql, g_strdup (sql));
  /* A page of 20 reads about 20 index entries and rows, never the whole
   * history, and sorts nothing. */
  if (fullscan > 0 || sort > 0 || autoindex > 0 || steps > 2000)
    {
      g_test_message ("scan %d sort %d autoindex %d steps %d: %s",
                      fullscan, sort, autoindex, steps, sql);
      check->scanned = TRUE;
    }
  return 0;
}

static void
assert_page_order (GPtrArray *page)
{
  for (guint i = 1; i < page->len; i++)
    {
      NatterStoreMessage *a = page->pdata[i - 1];
      NatterStoreMessage *b = page->pdata[i];

      g_assert_true (a->timestamp < b->timestamp ||
                     (a->timestamp == b->timestamp && a->id < b->id));
    }
}

static void
test_pages_stable_with_equal_timestamps (void)
{
  g_autofree char *path = test_path ("pages.db");
  NatterStore *store = open_store (path);
  gint64 account = add_account (store, "me@example.org");
  gint64 conversation = add_conversation (store, account, "alice@example.org",
                                          NATTER_STORE_CONVERSATION_CHAT);
  gint64 other = add_conversation (store, account, "bob@example.org",
                                   NATTER_STORE_CONVERSATION_CHAT);
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_message_unref);
  g_autoptr(GArray) expected = NULL;
  g_autoptr(GArray) backwards = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) forwards = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (4);
  g_autoptr(NatterStoreMessage) latest = NULL;
  PlanCheck check = { g_ptr_array_new_with_free_func (g_free), FALSE };
  gint64 timestamp = G_MAXINT64;
  gint64 id = G_MAXINT64;
  const guint total = 2003;

  /* Five distinct times only, in random order: most messages tie. */
  for (guint i = 0; i < total; i++)
    {
      g_autofree char *body = g_strdup_printf ("m%u", i);

      g_ptr_array_add (batch, new_message (conversation, NATTER_STORE_DIRECTION_IN, body,
                                           T0 + g_rand_int_range (rand, 0, 5) * SECOND));
    }
  results = natter_store_insert_messages (store, batch, NULL, &error);
  g_assert_no_error (error);
  insert_text (store, other, NATTER_STORE_DIRECTION_IN, "elsewhere", T0 + 2 * SECOND);

  /* The order, by SQL on a connection of its own. */
  {
    sqlite3 *raw = raw_open (path);
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_prepare_v2 (raw,
                                         "SELECT id FROM messages WHERE conversation_id = ?1 "
                                         "ORDER BY timestamp, id", -1, &stmt, NULL), ==,
                     SQLITE_OK);
    sqlite3_bind_int64 (stmt, 1, conversation);
    expected = g_array_new (FALSE, FALSE, sizeof (gint64));
    while (sqlite3_step (stmt) == SQLITE_ROW)
      {
        gint64 row = sqlite3_column_int64 (stmt, 0);

        g_array_append_val (expected, row);
      }
    sqlite3_finalize (stmt);
    sqlite3_close (raw);
  }
  g_assert_cmpuint (expected->len, ==, total);

  sqlite3_trace_v2 (natter_store_get_sqlite (store), SQLITE_TRACE_PROFILE, profile_cb, &check);

  /* Scrolling up from the newest, 20 at a time, sees every message once. */
  for (;;)
    {
      g_autoptr(GPtrArray) page = natter_store_list_messages_before (store, conversation,
                                                                     timestamp, id, 20, &error);
      NatterStoreMessage *oldest;

      g_assert_no_error (error);
      if (page->len == 0)
        break;
      assert_page_order (page);
      for (guint i = page->len; i > 0; i--)
        g_array_prepend_val (backwards, ((NatterStoreMessage *) page->pdata[i - 1])->id);
      oldest = page->pdata[0];
      timestamp = oldest->timestamp;
      id = oldest->id;
    }
  g_assert_cmpuint (backwards->len, ==, total);
  for (guint i = 0; i < total; i++)
    g_assert_cmpint (g_array_index (backwards, gint64, i), ==,
                     g_array_index (expected, gint64, i));

  /* And down from the oldest. */
  timestamp = G_MININT64;
  id = 0;
  for (;;)
    {
      g_autoptr(GPtrArray) page = natter_store_list_messages_after (store, conversation,
                                                                    timestamp, id, 20, &error);
      NatterStoreMessage *newest;

      g_assert_no_error (error);
      if (page->len == 0)
        break;
      for (guint i = 0; i < page->len; i++)
        g_array_append_val (forwards, ((NatterStoreMessage *) page->pdata[i])->id);
      newest = page->pdata[page->len - 1];
      timestamp = newest->timestamp;
      id = newest->id;
    }
  g_assert_cmpuint (forwards->len, ==, total);
  for (guint i = 0; i < total; i++)
    g_assert_cmpint (g_array_index (forwards, gint64, i), ==,
                     g_array_index (expected, gint64, i));

  sqlite3_trace_v2 (natter_store_get_sqlite (store), 0, NULL, NULL);
  g_assert_cmpuint (check.sql->len, >, 100);
  g_assert_false (check.scanned);
  g_ptr_array_unref (check.sql);

  latest = natter_store_get_latest_message (store, conversation, &error);
  g_assert_cmpint (latest->id, ==, g_array_index (expected, gint64, total - 1));
  g_assert_cmpint (count_visible (store, conversation), ==, total);
  g_assert_cmpint (count_visible (store, other), ==, 1);
  close_store (store);
}

/* Corrections */

static NatterStoreMessage *
correction_of (gint64                conversation,
               NatterStoreDirection  direction,
               const char           *ref,
               const char           *body,
               gint64                timestamp)
{
  NatterStoreMessage *message = new_message (conversation, direction, body, timestamp);

  message->replaces_ref = g_strdup (ref);
  return message;
}

static char *
body_of (NatterStore *store,
         gint64       id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterStoreMessage) message = natter_store_get_message (store, id, &error);

  g_assert_no_error (error);
  return g_strdup (message->body);
}

static void
assert_search_hits (NatterStore *store,
                    const char  *text,
                    gint64       id)
{
  g_autoptr(GPtrArray) hits = search (store, text);

  if (id == 0)
    g_assert_cmpuint (hits->len, ==, 0);
  else
    {
      g_assert_cmpuint (hits->len, ==, 1);
      g_assert_cmpint (((NatterStoreMessage *) hits->pdata[0])->id, ==, id);
    }
}

static void
test_corrections (void)
{
  g_autofree char *path = test_path ("corrections.db");
  NatterStore *store = open_store (path);
  gint64 account = add_account (store, "me@example.org");
  gint64 chat = add_conversation (store, account, "alice@example.org",
                                  NATTER_STORE_CONVERSATION_CHAT);
  gint64 room = add_conversation (store, account, "room@muc.example.org",
                                  NATTER_STORE_CONVERSATION_GROUPCHAT);
  g_autoptr(NatterStoreMessage) original = new_message (chat, NATTER_STORE_DIRECTION_IN,
                                                        "see you tomorow", T0);
  g_autoptr(NatterStoreMessage) fix1 = correction_of (chat, NATTER_STORE_DIRECTION_IN, "m-1",
                                                      "see you tomorrow", T0 + 10);
  g_autoptr(NatterStoreMessage) fix2 = correction_of (chat, NATTER_STORE_DIRECTION_IN, "m-2",
                                                      "see you tomorrow at noon", T0 + 20);
  g_autoptr(NatterStoreMessage) stored = NULL;
  g_autoptr(GError) error = NULL;
  char *text;

  original->message_id = g_strdup ("m-1");
  insert (store, original);
  fix1->message_id = g_strdup ("m-2");
  g_assert_cmpint (insert (store, fix1), ==, NATTER_STORE_INSERT_ADDED);
  g_assert_cmpint (fix1->replaces, ==, original->id);

  stored = natter_store_get_message (store, original->id, &error);
  g_assert_cmpstr (stored->body, ==, "see you tomorrow");
  g_assert_cmpstr (stored->original_body, ==, "see you tomorow");
  g_clear_pointer (&stored, natter_store_message_unref);
  g_assert_cmpint (count_visible (store, chat), ==, 1);
  assert_search_hits (store, "tomorow", 0);
  assert_search_hits (store, "tomorrow", original->id);
  assert_fts_consistent (store);

  /* A correction naming the previous correction applies to the original. */
  g_assert_cmpint (insert (store, fix2), ==, NATTER_STORE_INSERT_ADDED);
  g_assert_cmpint (fix2->replaces, ==, original->id);
  text = body_of (store, original->id);
  g_assert_cmpstr (text, ==, "see you tomorrow at noon");
  g_free (text);
  assert_search_hits (store, "noon", original->id);
  assert_fts_consistent (store);

  /* Deleting the latest correction shows the one before. */
  g_assert_true (natter_store_delete_message (store, fix2->id, &error));
  text = body_of (store, original->id);
  g_assert_cmpstr (text, ==, "see you tomorrow");
  g_free (text);
  assert_search_hits (store, "noon", 0);
  assert_fts_consistent (store);

  /* An archive paged newest first: the corrections come before the
   * original, are shown as they are until it arrives, then fold into it. */
  {
    g_autoptr(NatterStoreMessage) late_fix2 = correction_of (chat, NATTER_STORE_DIRECTION_IN,
                                                             "b-2", "bananas and kiwis",
                                                             T0 + 120);
    g_autoptr(NatterStoreMessage) late_fix = correction_of (chat, NATTER_STORE_DIRECTION_IN,
                                                            "b-1", "bananas", T0 + 110);
    g_autoptr(NatterStoreMessage) late_original = new_message (chat, NATTER_STORE_DIRECTION_IN,
                                                               "banannas", T0 + 100);

    late_fix2->message_id = g_strdup ("b-3");
    insert (store, late_fix2);
    g_assert_cmpint (late_fix2->replaces, ==, 0);
    g_assert_cmpint (count_visible (store, chat), ==, 2);
    assert_search_hits (store, "kiwis", late_fix2->id);

    late_fix->message_id = g_strdup ("b-2");
    insert (store, late_fix);
    g_assert_cmpint (count_visible (store, chat), ==, 2);
    assert_fts_consistent (store);

    late_original->message_id = g_strdup ("b-1");
    insert (store, late_original);
    g_assert_cmpint (count_visible (store, chat), ==, 2);
    text = body_of (store, late_original->id);
    g_assert_cmpstr (text, ==, "bananas and kiwis");
    g_free (text);
    assert_search_hits (store, "kiwis", late_original->id);
    assert_search_hits (store, "banannas", 0);
    assert_fts_consistent (store);
  }

  /* In a room only the same occupant corrects; a message cannot correct itself. */
  {
    g_autoptr(NatterStoreMessage) said = new_message (room, NATTER_STORE_DIRECTION_IN,
                                                      "the meeting is at 3", T0);
    g_autoptr(NatterStoreMessage) forged = correction_of (room, NATTER_STORE_DIRECTION_IN,
                                                          "r-1", "the meeting is cancelled",
                                                          T0 + 1);
    g_autoptr(NatterStoreMessage) loop = correction_of (room, NATTER_STORE_DIRECTION_IN,
                                                        "r-9", "me, myself", T0 + 2);

    said->sender = g_strdup ("room@muc.example.org/alice");
    said->message_id = g_strdup ("r-1");
    insert (store, said);
    forged->sender = g_strdup ("room@muc.example.org/mallory");
    insert (store, forged);
    g_assert_cmpint (forged->replaces, ==, 0);
    text = body_of (store, said->id);
    g_assert_cmpstr (text, ==, "the meeting is at 3");
    g_free (text);

    loop->sender = g_strdup ("room@muc.example.org/mallory");
    loop->message_id = g_strdup ("r-9");
    insert (store, loop);
    g_assert_cmpint (loop->replaces, ==, 0);
    g_assert_cmpint (count_visible (store, room), ==, 3);
  }

  /* Deleting the original takes its corrections along. */
  g_assert_true (natter_store_delete_message (store, original->id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (natter_store_get_sqlite (store),
                            "SELECT count(*) FROM messages WHERE replaces_ref IN ('m-1', 'm-2')"),
                   ==, 0);
  assert_fts_consistent (store);
  close_store (store);
}

/* States and the outbox */

static void
test_states_and_outbox (void)
{
  g_autofree char *path = test_path ("states.db");
  NatterStore *store = open_store (path);
  gint64 account = add_account (store, "me@example.org");
  gint64 conversation = add_conversation (store, account, "alice@example.org",
                                          NATTER_STORE_CONVERSATION_CHAT);
  g_autoptr(NatterStoreMessage) a = new_message (conversation, NATTER_STORE_DIRECTION_OUT, "a", T0);
  g_autoptr(NatterStoreMessage) b = new_message (conversation, NATTER_STORE_DIRECTION_OUT, "b", T0);
  g_autoptr(NatterStoreMessage) stored = NULL;
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = 0;
  gint64 incoming;
  guint attempts = 0;

  a->state = b->state = NATTER_STORE_MESSAGE_STATE_PENDING;
  a->origin_id = g_strdup ("a-uuid");
  b->origin_id = g_strdup ("b-uuid");
  insert (store, a);
  insert (store, b);
  outbox = natter_store_list_outbox (store, 0, &error);
  g_assert_cmpuint (outbox->len, ==, 2);
  g_clear_pointer (&outbox, g_ptr_array_unref);

  g_assert_true (natter_store_record_send_attempt (store, a->id, &attempts, &error));
  g_assert_true (natter_store_record_send_attempt (store, a->id, &attempts, &error));
  g_assert_cmpuint (attempts, ==, 2);

  /* Acked, then a receipt, then a marker; a late receipt changes nothing. */
  g_assert_true (natter_store_advance_message_state (store, conversation, "a-uuid",
                                                     NATTER_STORE_MESSAGE_STATE_SENT, &id,
                                                     &error));
  g_assert_cmpint (id, ==, a->id);
  outbox = natter_store_list_outbox (store, account, &error);
  g_assert_cmpuint (outbox->len, ==, 1);
  g_assert_cmpint (((NatterStoreMessage *) outbox->pdata[0])->id, ==, b->id);
  g_clear_pointer (&outbox, g_ptr_array_unref);
  g_assert_false (natter_store_record_send_attempt (store, a->id, NULL, &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (natter_store_advance_message_state (store, conversation, "a-uuid",
                                                     NATTER_STORE_MESSAGE_STATE_READ, NULL,
                                                     &error));
  g_assert_true (natter_store_advance_message_state (store, conversation, "a-uuid",
                                                     NATTER_STORE_MESSAGE_STATE_DELIVERED, NULL,
                                                     &error));
  stored = natter_store_get_message (store, a->id, &error);
  g_assert_cmpint (stored->state, ==, NATTER_STORE_MESSAGE_STATE_READ);
  g_clear_pointer (&stored, natter_store_message_unref);
  g_assert_false (natter_store_advance_message_state (store, conversation, "nope",
                                                      NATTER_STORE_MESSAGE_STATE_DELIVERED,
                                                      NULL, &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Failing takes b out of the outbox with a reason; a retry puts it back. */
  g_assert_true (natter_store_set_message_state (store, b->id, NATTER_STORE_MESSAGE_STATE_FAILED,
                                                 "Could not encrypt", &error));
  stored = natter_store_get_message (store, b->id, &error);
  g_assert_cmpstr (stored->error, ==, "Could not encrypt");
  g_clear_pointer (&stored, natter_store_message_unref);
  outbox = natter_store_list_outbox (store, 0, &error);
  g_assert_cmpuint (outbox->len, ==, 0);
  g_clear_pointer (&outbox, g_ptr_array_unref);
  g_assert_true (natter_store_set_message_state (store, b->id,
                                                 NATTER_STORE_MESSAGE_STATE_PENDING, NULL,
                                                 &error));
  outbox = natter_store_list_outbox (store, 0, &error);
  g_assert_cmpuint (outbox->len, ==, 1);
  g_clear_pointer (&outbox, g_ptr_array_unref);
  /* A receipt for a failed message means it got through after all. */
  g_assert_true (natter_store_set_message_state (store, b->id, NATTER_STORE_MESSAGE_STATE_FAILED,
                                                 "timeout", &error));
  g_assert_true (natter_store_advance_message_state (store, conversation, "b-uuid",
                                                     NATTER_STORE_MESSAGE_STATE_DELIVERED, NULL,
                                                     &error));
  stored = natter_store_get_message (store, b->id, &error);
  g_assert_cmpint (stored->state, ==, NATTER_STORE_MESSAGE_STATE_DELIVERED);
  g_assert_null (stored->error);
  g_clear_pointer (&stored, natter_store_message_unref);

  /* The database refuses an outgoing state on an incoming message. */
  incoming = insert_text (store, conversation, NATTER_STORE_DIRECTION_IN, "in", T0);
  g_assert_false (natter_store_set_message_state (store, incoming,
                                                  NATTER_STORE_MESSAGE_STATE_PENDING, NULL,
                                                  &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (natter_store_set_message_state (store, 9999, NATTER_STORE_MESSAGE_STATE_SENT,
                                                  NULL, &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND);
  close_store (store);
}

/* The child writes pending messages and dies without closing anything,
 * in the middle of a transaction. */
static void
crash_child (void)
{
  const char *path = g_getenv ("NATTER_TEST_CRASH_DB");
  g_autoptr(GError) error = NULL;
  NatterStore *store;
  gint64 account, c1, c2;
  sqlite3 *raw;

  if (!g_test_subprocess ())
    return;

  store = open_store (path);
  account = add_account (store, "me@example.org");
  c1 = add_conversation (store, account, "alice@example.org", NATTER_STORE_CONVERSATION_CHAT);
  c2 = add_conversation (store, account, "bob@example.org", NATTER_STORE_CONVERSATION_CHAT);

  for (guint i = 0; i < 6; i++)
    {
      g_autoptr(NatterStoreMessage) message = NULL;
      g_autofree char *body = g_strdup_printf ("pending %u", i);

      /* Later messages get earlier timestamps: send order is not time order. */
      message = new_message (i % 2 == 0 ? c1 : c2, NATTER_STORE_DIRECTION_OUT, body,
                             T0 - i * SECOND);
      message->state = NATTER_STORE_MESSAGE_STATE_PENDING;
      message->origin_id = g_strdup_printf ("crash-%u", i);
      insert (store, message);
      if (i == 2)
        g_assert_true (natter_store_set_message_state (store, message->id,
                                                       NATTER_STORE_MESSAGE_STATE_SENT, NULL,
                                                       &error));
    }

  raw = raw_open (path);
  g_assert_cmpint (raw_exec (raw, "BEGIN IMMEDIATE;"
                                  "DELETE FROM outbox;"
                                  "UPDATE messages SET body = 'half-written';"), ==, SQLITE_OK);
  _exit (0);
}

static void
test_outbox_survives_crash (void)
{
  g_autofree char *path = test_path ("crash.db");
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GError) error = NULL;
  const guint expected[] = { 0, 1, 3, 4, 5 };
  NatterStore *store;

  g_setenv ("NATTER_TEST_CRASH_DB", path, TRUE);
  g_test_trap_subprocess ("/natter/store/outbox/crash-child", 0, G_TEST_SUBPROCESS_DEFAULT);
  g_test_trap_assert_passed ();
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));

  store = open_store (path);
  outbox = natter_store_list_outbox (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < outbox->len; i++)
    {
      NatterStoreMessage *message = outbox->pdata[i];
      g_autofree char *origin_id = g_strdup_printf ("crash-%u", expected[i]);
      g_autofree char *body = g_strdup_printf ("pending %u", expected[i]);

      g_assert_cmpstr (message->origin_id, ==, origin_id);
      g_assert_cmpstr (message->body, ==, body);
      g_assert_cmpint (message->state, ==, NATTER_STORE_MESSAGE_STATE_PENDING);
    }
  assert_fts_consistent (store);
  close_store (store);
}

/* Archive ranges */

static void
test_mam_ranges (void)
{
  g_autofree char *path = test_path ("mam.db");
  NatterStore *store = open_store (path);
  gint64 account = add_account (store, "me@example.org");
  gint64 conversation = add_conversation (store, account, "alice@example.org",
                                          NATTER_STORE_CONVERSATION_CHAT);
  g_autoptr(NatterStoreMamRange) newest = natter_store_mam_range_new ();
  g_autoptr(NatterStoreMamRange) older = natter_store_mam_range_new ();
  g_autoptr(GPtrArray) ranges = NULL;
  g_autoptr(GPtrArray) page = make_batch (conversation, 5, "p", T0);
  g_autoptr(GArray) results = NULL;
  g_autoptr(GError) error = NULL;

  newest->account_id = older->account_id = account;
  newest->archive = g_strdup ("me@example.org");
  older->archive = g_strdup ("me@example.org");
  newest->to_id = g_strdup ("s-100");
  newest->to_time = T0 + 100;
  older->to_id = g_strdup ("s-10");
  older->to_time = T0 + 10;
  older->complete = TRUE;
  g_assert_true (natter_store_save_mam_range (store, older, &error));
  g_assert_true (natter_store_save_mam_range (store, newest, &error));
  g_assert_no_error (error);

  ranges = natter_store_list_mam_ranges (store, account, "me@example.org", &error);
  g_assert_cmpuint (ranges->len, ==, 2);
  g_assert_cmpint (((NatterStoreMamRange *) ranges->pdata[0])->id, ==, newest->id);
  g_assert_true (((NatterStoreMamRange *) ranges->pdata[1])->complete);
  g_clear_pointer (&ranges, g_ptr_array_unref);
  ranges = natter_store_list_mam_ranges (store, account, "room@muc.example.org", &error);
  g_assert_cmpuint (ranges->len, ==, 0);
  g_clear_pointer (&ranges, g_ptr_array_unref);

  /* A page extends the newest range in its own transaction. */
  g_free (newest->to_id);
  newest->to_id = g_strdup ("p-4");
  results = natter_store_insert_messages (store, page, newest, &error);
  g_assert_no_error (error);

  /* A failing page leaves the range as it was. */
  {
    g_autoptr(GPtrArray) bad = make_batch (conversation, 3, "q", T0);

    ((NatterStoreMessage *) bad->pdata[2])->conversation_id = 9999;
    g_free (newest->to_id);
    newest->to_id = g_strdup ("q-2");
    g_assert_null (natter_store_insert_messages (store, bad, newest, &error));
    g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND);
    g_clear_error (&error);
  }
  ranges = natter_store_list_mam_ranges (store, account, "me@example.org", &error);
  g_assert_cmpstr (((NatterStoreMamRange *) ranges->pdata[0])->to_id, ==, "p-4");
  g_clear_pointer (&ranges, g_ptr_array_unref);

  g_assert_true (natter_store_remove_mam_range (store, older->id, &error));
  g_assert_false (natter_store_remove_mam_range (store, older->id, &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  ranges = natter_store_list_mam_ranges (store, account, "me@example.org", &error);
  g_assert_cmpuint (ranges->len, ==, 1);
  close_store (store);
}

/* Search */

static void
test_search_query_builder (void)
{
  const struct { const char *input; const char *query; } cases[] = {
    { "hello", "\"hello\"*" },
    { "  hello   world ", "\"hello\" \"world\"*" },
    { "say \"hi\"", "\"say\" \"\"\"hi\"\"\"*" },
    { "\"", "" },
    { "AND OR", "\"AND\" \"OR\"*" },
    { "*", "" },
    { "NEAR(a b", "\"NEAR(a\" \"b\"*" },
    { "caf\u00E9\u3000na\u00EFve", "\"caf\u00E9\" \"na\u00EFve\"*" },
    { "", "" },
    { "- ^ : ( )", "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *query = natter_store_search_build_query (cases[i].input);

      g_assert_cmpstr (query, ==, cases[i].query);
    }
}

static void
test_search_hostile_input (void)
{
  g_autofree char *path = test_path ("search.db");
  NatterStore *store = open_store (path);
  gint64 account = add_account (store, "me@example.org");
  gint64 other_account = add_account (store, "other@example.org");
  gint64 c1 = add_conversation (store, account, "alice@example.org",
                                NATTER_STORE_CONVERSATION_CHAT);
  gint64 c2 = add_conversation (store, other_account, "bob@example.org",
                                NATTER_STORE_CONVERSATION_CHAT);
  const char *hostile[] = {
    "\"", "\"\"", "\"unterminated", "AND", "OR", "NOT", "AND OR", "a AND", "OR b",
    "*", "**", "a*", "*a", "NEAR(", "NEAR(a b", "NEAR(a b, 2)", "(", ")", "()", "a:b",
    "body:x", "-x", "^x", "+", "{body}: x", "'; DROP TABLE messages; --", "\\", "%", "_",
    "\U0001F600", "\u202Eevil", "\xEF\xBF\xBF", "\xff\xfe invalid", "\t\n", "     ",
  };
  g_autoptr(GPtrArray) hits = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  gint64 salt, cafe, emoji, only_other;

  salt = insert_text (store, c1, NATTER_STORE_DIRECTION_IN, "salt and pepper or sugar", T0);
  insert_text (store, c1, NATTER_STORE_DIRECTION_OUT, "NEAR(the bakery) \"quoted\" * stars",
               T0 + 1);
  cafe = insert_text (store, c1, NATTER_STORE_DIRECTION_IN, "Meet at the Café Müller", T0 + 2);
  emoji = insert_text (store, c1, NATTER_STORE_DIRECTION_IN, "party \U0001F600 time", T0 + 3);
  only_other = insert_text (store, c2, NATTER_STORE_DIRECTION_IN, "pepperoni pizza", T0 + 4);

  for (guint i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      g_autoptr(GPtrArray) any = natter_store_search (store, hostile[i], 0, 0, 10, &error);

      g_assert_no_error (error);
      g_assert_nonnull (any);
    }

  /* Operators are words. */
  hits = search (store, "and or");
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (((NatterStoreMessage *) hits->pdata[0])->id, ==, salt);
  g_assert_cmpint (((NatterStoreMessage *) hits->pdata[0])->conversation_id, ==, c1);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = search (store, "NEAR(the");
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* Case and diacritics do not matter; the last word is a prefix. */
  hits = search (store, "cafe muller");
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (((NatterStoreMessage *) hits->pdata[0])->id, ==, cafe);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = search (store, "CAFÉ MÜL");
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = search (store, "party");
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (((NatterStoreMessage *) hits->pdata[0])->id, ==, emoji);
  g_clear_pointer (&hits, g_ptr_array_unref);

  /* "pepper" as a prefix finds both, the exact word first. */
  hits = search (store, "pepper");
  g_assert_cmpuint (hits->len, ==, 2);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = natter_store_search (store, "pepper", account, 0, 10, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (((NatterStoreMessage *) hits->pdata[0])->id, ==, salt);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = natter_store_search (store, "pepper", 0, c2, 10, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (((NatterStoreMessage *) hits->pdata[0])->id, ==, only_other);
  g_clear_pointer (&hits, g_ptr_array_unref);
  hits = natter_store_search (store, "pepper", 0, 0, 1, &error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_clear_pointer (&hits, g_ptr_array_unref);

  natter_store_search_async (store, "sugar", 0, 0, 10, NULL, async_result_cb, &result);
  hits = natter_store_search_finish (store, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (hits->len, ==, 1);
  g_assert_cmpint (((NatterStoreMessage *) hits->pdata[0])->id, ==, salt);
  g_clear_object (&result);
  close_store (store);
}

/* A full disk */

static void
test_disk_full (void)
{
  g_autofree char *path = test_path ("full.db");
  NatterStore *store = open_store (path);
  gint64 account = add_account (store, "me@example.org");
  gint64 conversation = add_conversation (store, account, "alice@example.org",
                                          NATTER_STORE_CONVERSATION_CHAT);
  g_autoptr(NatterStoreMessage) pending = new_message (conversation, NATTER_STORE_DIRECTION_OUT,
                                                       "keep me", T0);
  g_autoptr(NatterStoreMessage) one_more = NULL;
  g_autoptr(GPtrArray) big = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_message_unref);
  g_autoptr(GPtrArray) outbox = NULL;
  g_autoptr(GArray) results = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *sql = NULL;
  g_autofree char *filler = g_strnfill (2000, 'x');
  g_autofree char *huge = NULL;
  sqlite3 *db = natter_store_get_sqlite (store);
  gint64 before;

  pending->state = NATTER_STORE_MESSAGE_STATE_PENDING;
  pending->origin_id = g_strdup ("keep-uuid");
  insert (store, pending);
  insert_text (store, conversation, NATTER_STORE_DIRECTION_IN, "older history", T0 - 1);
  before = count_visible (store, conversation);

  /* The disk is full: the file may not grow by a single page. */
  sql = g_strdup_printf ("PRAGMA max_page_count = %" G_GINT64_FORMAT,
                         raw_int (db, "PRAGMA page_count"));
  g_assert_cmpint (raw_exec (db, sql), ==, SQLITE_OK);

  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *body = g_strdup_printf ("%u %s", i, filler);

      g_ptr_array_add (big, new_message (conversation, NATTER_STORE_DIRECTION_IN, body,
                                         T0 + i));
    }
  g_assert_null (natter_store_insert_messages (store, big, NULL, &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_FULL);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  /* Big enough to need new pages whatever free space the rollback left. */
  huge = g_strnfill (200000, 'y');
  one_more = new_message (conversation, NATTER_STORE_DIRECTION_OUT, huge, T0 + 1000);
  one_more->state = NATTER_STORE_MESSAGE_STATE_PENDING;
  g_assert_false (natter_store_insert_message (store, one_more, NULL, &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_FULL);
  g_assert_cmpint (one_more->id, ==, 0);
  g_clear_error (&error);

  /* Nothing half-written; the pending message is still pending. */
  g_assert_cmpint (count_visible (store, conversation), ==, before);
  outbox = natter_store_list_outbox (store, 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (outbox->len, ==, 1);
  g_assert_cmpint (((NatterStoreMessage *) outbox->pdata[0])->id, ==, pending->id);
  g_assert_cmpint (((NatterStoreMessage *) outbox->pdata[0])->state, ==,
                   NATTER_STORE_MESSAGE_STATE_PENDING);
  g_assert_true (sqlite3_get_autocommit (db));
  assert_fts_consistent (store);

  /* Space again: the store carries on. */
  g_assert_cmpint (raw_exec (db, "PRAGMA max_page_count = 1073741823"), ==, SQLITE_OK);
  for (guint i = 0; i < big->len; i++)
    ((NatterStoreMessage *) big->pdata[i])->id = 0;
  results = natter_store_insert_messages (store, big, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (count_visible (store, conversation), ==, before + 500);
  {
    g_autofree char *integrity = raw_text (db, "PRAGMA integrity_check");

    g_assert_cmpstr (integrity, ==, "ok");
  }
  close_store (store);
}

/* Threads */

typedef struct
{
  NatterStore *store;
  gint64       conversation;
  guint        index;
} WriterData;

static gpointer
writer_thread (gpointer data)
{
  WriterData *writer = data;

  for (guint i = 0; i < 200; i++)
    {
      g_autofree char *body = g_strdup_printf ("thread %u line %u", writer->index, i);
      g_autoptr(NatterStoreMessage) message = new_message (writer->conversation,
                                                           NATTER_STORE_DIRECTION_IN, body,
                                                           T0 + i);

      message->origin_id = g_strdup_printf ("t%u-%u", writer->index, i % 150);
      insert (writer->store, message);
    }
  return NULL;
}

static void
test_threads_sync_api_is_serialised (void)
{
  g_autofree char *path = test_path ("threads.db");
  NatterStore *store = open_store (path);
  gint64 account = add_account (store, "me@example.org");
  gint64 conversation = add_conversation (store, account, "alice@example.org",
                                          NATTER_STORE_CONVERSATION_CHAT);
  WriterData writers[4];
  GThread *threads[4];

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      writers[i] = (WriterData) { store, conversation, i };
      threads[i] = g_thread_new ("writer", writer_thread, &writers[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  /* 50 of each thread's 200 repeated an origin-id. */
  g_assert_cmpint (count_visible (store, conversation), ==, 4 * 150);
  close_store (store);
}

static void
test_threads_worker_and_main_overlap (void)
{
  g_autofree char *path = test_path ("overlap.db");
  NatterStore *store = open_store (path);
  gint64 account = add_account (store, "me@example.org");
  gint64 conversation = add_conversation (store, account, "alice@example.org",
                                          NATTER_STORE_CONVERSATION_CHAT);
  GAsyncResult *results[10] = { NULL, };
  GPtrArray *pages[10];
  g_autoptr(GError) error = NULL;
  guint done = 0;
  guint reads = 0;

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("w%u", i);

      pages[i] = make_batch (conversation, 500, prefix, T0 + i * 1000 * SECOND);
      natter_store_insert_messages_async (store, pages[i], NULL, NULL, async_result_cb,
                                          &results[i]);
    }

  /* The main thread keeps reading and writing while the worker commits. */
  while (done < G_N_ELEMENTS (results))
    {
      g_autoptr(GPtrArray) page = natter_store_list_latest_messages (store, conversation, 50,
                                                                     &error);
      g_autofree char *body = g_strdup_printf ("live %u", reads);

      g_assert_no_error (error);
      g_assert_nonnull (page);
      if (reads < 100)
        insert_text (store, conversation, NATTER_STORE_DIRECTION_IN, body, T0 - reads);
      reads++;
      g_main_context_iteration (NULL, FALSE);

      done = 0;
      for (guint i = 0; i < G_N_ELEMENTS (results); i++)
        done += results[i] != NULL;
    }

  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(GArray) inserted = natter_store_insert_messages_finish (store, results[i],
                                                                        &error);

      g_assert_no_error (error);
      g_assert_cmpuint (inserted->len, ==, 500);
      g_object_unref (results[i]);
      g_ptr_array_unref (pages[i]);
    }
  g_test_message ("%u page reads while the worker wrote", reads);
  g_assert_cmpint (count_visible (store, conversation), ==, 5000 + MIN (reads, 100));
  close_store (store);
}

/* A user's message goes in between archive pages, not after all of them. */
static void
test_threads_main_write_not_starved (void)
{
  g_autofree char *path = test_path ("starve.db");
  NatterStore *store = open_store (path);
  gint64 account = add_account (store, "me@example.org");
  gint64 conversation = add_conversation (store, account, "alice@example.org",
                                          NATTER_STORE_CONVERSATION_CHAT);
  GAsyncResult *results[20] = { NULL, };
  GPtrArray *pages[20];
  g_autoptr(NatterStoreMessage) urgent = new_message (conversation, NATTER_STORE_DIRECTION_OUT,
                                                      "sent during the catch-up", T0);
  sqlite3 *raw = raw_open (path);
  gint64 archived;
  guint done = 0;

  for (guint i = 0; i < G_N_ELEMENTS (pages); i++)
    {
      g_autofree char *prefix = g_strdup_printf ("b%u", i);

      pages[i] = make_batch (conversation, 1000, prefix, T0 + i * 10000 * SECOND);
      natter_store_insert_messages_async (store, pages[i], NULL, NULL, async_result_cb,
                                          &results[i]);
    }
  /* Wait until the worker is inside the queue. */
  while (raw_int (raw, "SELECT count(*) FROM messages") == 0)
    g_usleep (1000);

  urgent->state = NATTER_STORE_MESSAGE_STATE_PENDING;
  insert (store, urgent);
  archived = raw_int (raw, "SELECT count(*) FROM messages WHERE flags = 2");
  g_test_message ("%" G_GINT64_FORMAT " of 20000 archived messages were in before it", archived);
  g_assert_cmpint (archived, <=, 5 * 1000);

  while (done < G_N_ELEMENTS (results))
    {
      g_main_context_iteration (NULL, TRUE);
      done = 0;
      for (guint i = 0; i < G_N_ELEMENTS (results); i++)
        done += results[i] != NULL;
    }
  for (guint i = 0; i < G_N_ELEMENTS (results); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) inserted = natter_store_insert_messages_finish (store, results[i],
                                                                        &error);

      g_assert_no_error (error);
      g_object_unref (results[i]);
      g_ptr_array_unref (pages[i]);
    }
  g_assert_cmpint (count_visible (store, conversation), ==, 20001);
  sqlite3_close (raw);
  close_store (store);
}

static void
test_close_finishes_queued_work (void)
{
  g_autofree char *path = test_path ("close.db");
  NatterStore *store = open_store (path);
  gint64 account = add_account (store, "me@example.org");
  gint64 conversation = add_conversation (store, account, "alice@example.org",
                                          NATTER_STORE_CONVERSATION_CHAT);
  g_autoptr(GPtrArray) page = make_batch (conversation, 300, "late", T0);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GArray) inserted = NULL;
  g_autoptr(GError) error = NULL;

  natter_store_insert_messages_async (store, page, NULL, NULL, async_result_cb, &result);
  natter_store_close (store);
  g_assert_null (result);
  inserted = natter_store_insert_messages_finish (store, wait_for (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (inserted->len, ==, 300);
  g_clear_object (&result);
  g_assert_finalize_object (store);

  store = open_store (path);
  g_assert_cmpint (count_visible (store, conversation), ==, 300);
  close_store (store);
}

/* OMEMO state (schema version 2) */

static GBytes *
bytes_of (const char *text)
{
  return g_bytes_new (text, strlen (text));
}

static void
assert_fixture_omemo (NatterStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterStoreOmemoOwn) own = NULL;
  g_autoptr(GBytes) pre_key = NULL;
  g_autoptr(GBytes) session = NULL;
  g_autoptr(GArray) signed_keys = NULL;
  g_autoptr(GArray) devices = NULL;
  g_autoptr(GPtrArray) identities = NULL;
  NatterStoreOmemoIdentity *identity;

  own = natter_store_omemo_get_own (store, 1, NATTER_STORE_OMEMO_VERSION_LEGACY, &error);
  g_assert_no_error (error);
  g_assert_nonnull (own);
  g_assert_cmpuint (own->device_id, ==, 424242);
  g_assert_cmpuint (own->registration_id, ==, 4711);
  g_assert_cmpuint (g_bytes_get_size (own->identity_public), ==, 33);
  g_assert_cmpuint (g_bytes_get_size (own->identity_private), ==, 32);
  pre_key = natter_store_omemo_load_pre_key (store, 1, NATTER_STORE_OMEMO_VERSION_LEGACY, 7,
                                             &error);
  g_assert_cmpmem (g_bytes_get_data (pre_key, NULL), g_bytes_get_size (pre_key), "\x07\x01", 2);
  signed_keys = natter_store_omemo_list_signed_pre_keys (store, 1,
                                                         NATTER_STORE_OMEMO_VERSION_LEGACY,
                                                         &error);
  g_assert_cmpuint (signed_keys->len, ==, 1);
  g_assert_cmpuint (g_array_index (signed_keys, NatterStoreOmemoSignedPreKey, 0).id, ==, 3);
  session = natter_store_omemo_load_session (store, 1, NATTER_STORE_OMEMO_VERSION_LEGACY,
                                             "alice@example.org", 1001, &error);
  g_assert_cmpmem (g_bytes_get_data (session, NULL), g_bytes_get_size (session), "\x5e\x55", 2);
  identities = natter_store_omemo_list_identities (store, 1, NATTER_STORE_OMEMO_VERSION_LEGACY,
                                                   "alice@example.org", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (identities->len, ==, 3);
  identity = identities->pdata[0];
  g_assert_cmpuint (identity->device_id, ==, 1001);
  g_assert_cmpint (identity->trust, ==, NATTER_STORE_OMEMO_TRUST_VERIFIED);
  g_assert_true (identity->active);
  identity = identities->pdata[1];   /* 1002's newest key first */
  g_assert_cmpint (identity->trust, ==, NATTER_STORE_OMEMO_TRUST_UNDECIDED);
  g_assert_false (identity->active);
  identity = identities->pdata[2];
  g_assert_cmpint (identity->trust, ==, NATTER_STORE_OMEMO_TRUST_DISTRUSTED);
  devices = natter_store_omemo_list_devices (store, 1, NATTER_STORE_OMEMO_VERSION_LEGACY,
                                             "fixture@example.org", TRUE, &error);
  g_assert_cmpuint (devices->len, ==, 1);
  g_assert_cmpuint (g_array_index (devices, NatterStoreOmemoDevice, 0).device_id, ==, 424242);
}

static void
assert_omemo_tables_usable (NatterStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterStoreOmemoOwn) none = NULL;
  g_autoptr(NatterStoreOmemoOwn) back = NULL;
  g_autoptr(GBytes) pub = bytes_of ("\x05public-key-bytes-of-33-bytes-long");
  g_autoptr(GBytes) priv = bytes_of ("private");
  NatterStoreOmemoOwn own = { 77, 12, pub, priv, 0 };

  none = natter_store_omemo_get_own (store, 1, NATTER_STORE_OMEMO_VERSION_LEGACY, &error);
  g_assert_no_error (error);
  g_assert_null (none);
  g_assert_true (natter_store_omemo_set_own (store, 1, NATTER_STORE_OMEMO_VERSION_LEGACY, &own,
                                             &error));
  g_assert_no_error (error);
  back = natter_store_omemo_get_own (store, 1, NATTER_STORE_OMEMO_VERSION_LEGACY, &error);
  g_assert_nonnull (back);
  g_assert_cmpuint (back->device_id, ==, 77);
}

static void
test_omemo_own_and_keys (void)
{
  g_autofree char *path = test_path ("omemo-keys.db");
  NatterStore *store = open_store (path);
  NatterStoreOmemoVersion v = NATTER_STORE_OMEMO_VERSION_LEGACY;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pub = bytes_of ("\x05" "0123456789abcdef0123456789abcdef");
  g_autoptr(GBytes) priv = bytes_of ("secret-secret-secret-secret-0000");
  g_autoptr(GBytes) record = bytes_of ("pre-key record");
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  NatterStoreOmemoOwn own = { 1234567, 99, pub, priv, T0 };
  gint64 account = add_account (store, "me@example.org");
  gint64 other = add_account (store, "other@example.org");
  guint32 ids[3] = { 1, 2, 16777215 };
  GBytes *records[3] = { record, record, empty };
  gboolean removed = FALSE;

  /* Keys need the own identity first. */
  g_assert_false (natter_store_omemo_save_pre_keys (store, account, v, ids, records, 3, &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (natter_store_omemo_set_own (store, account, v, &own, &error));
  g_assert_no_error (error);
  {
    g_autoptr(NatterStoreOmemoOwn) back = natter_store_omemo_get_own (store, account, v, &error);
    g_autoptr(NatterStoreOmemoOwn) none = natter_store_omemo_get_own (store, other, v, &error);

    g_assert_no_error (error);
    g_assert_null (none);
    g_assert_cmpuint (back->device_id, ==, 1234567);
    g_assert_cmpuint (back->registration_id, ==, 99);
    g_assert_cmpint (back->created, ==, T0);
    g_assert_true (g_bytes_equal (back->identity_public, pub));
    g_assert_true (g_bytes_equal (back->identity_private, priv));
  }

  g_assert_true (natter_store_omemo_save_pre_keys (store, account, v, ids, records, 3, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GArray) list = natter_store_omemo_list_pre_key_ids (store, account, v, &error);
    g_autoptr(GBytes) loaded = natter_store_omemo_load_pre_key (store, account, v, 2, &error);
    g_autoptr(GBytes) loaded_empty = natter_store_omemo_load_pre_key (store, account, v,
                                                                      16777215, &error);
    g_autoptr(GBytes) missing = natter_store_omemo_load_pre_key (store, account, v, 3, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (list->len, ==, 3);
    g_assert_cmpuint (g_array_index (list, guint32, 2), ==, 16777215);
    g_assert_true (g_bytes_equal (loaded, record));
    g_assert_nonnull (loaded_empty);
    g_assert_cmpuint (g_bytes_get_size (loaded_empty), ==, 0);
    g_assert_null (missing);
  }
  g_assert_true (natter_store_omemo_remove_pre_key (store, account, v, 1, &removed, &error));
  g_assert_true (removed);
  g_assert_true (natter_store_omemo_remove_pre_key (store, account, v, 1, &removed, &error));
  g_assert_false (removed);

  /* Signed pre-keys, newest first. */
  g_assert_true (natter_store_omemo_save_signed_pre_key (store, account, v, 1, record, T0, &error));
  g_assert_true (natter_store_omemo_save_signed_pre_key (store, account, v, 2, record,
                                                         T0 + 7 * 86400 * SECOND, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GArray) list = natter_store_omemo_list_signed_pre_keys (store, account, v, &error);

    g_assert_cmpuint (list->len, ==, 2);
    g_assert_cmpuint (g_array_index (list, NatterStoreOmemoSignedPreKey, 0).id, ==, 2);
    g_assert_cmpint (g_array_index (list, NatterStoreOmemoSignedPreKey, 1).created, ==, T0);
  }
  g_assert_true (natter_store_omemo_remove_signed_pre_key (store, account, v, 1, &error));
  {
    g_autoptr(GBytes) gone = natter_store_omemo_load_signed_pre_key (store, account, v, 1, &error);
    g_autoptr(GBytes) kept = natter_store_omemo_load_signed_pre_key (store, account, v, 2, &error);

    g_assert_no_error (error);
    g_assert_null (gone);
    g_assert_true (g_bytes_equal (kept, record));
  }

  /* Sessions, per device. */
  g_assert_true (natter_store_omemo_save_session (store, account, v, "alice@example.org", 11,
                                                  record, &error));
  g_assert_true (natter_store_omemo_save_session (store, account, v, "alice@example.org", 12,
                                                  pub, &error));
  g_assert_true (natter_store_omemo_save_session (store, account, v, "bob@example.org", 11,
                                                  priv, &error));
  g_assert_true (natter_store_omemo_save_session (store, account, v, "alice@example.org", 11,
                                                  priv, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GBytes) loaded = natter_store_omemo_load_session (store, account, v,
                                                                "alice@example.org", 11, &error);
    g_autoptr(GBytes) none = natter_store_omemo_load_session (store, account, v,
                                                              "alice@example.org", 13, &error);
    g_autoptr(GArray) devices = natter_store_omemo_list_session_devices (store, account, v,
                                                                         "alice@example.org",
                                                                         &error);

    g_assert_true (g_bytes_equal (loaded, priv));
    g_assert_null (none);
    g_assert_cmpuint (devices->len, ==, 2);
    g_assert_cmpuint (g_array_index (devices, guint32, 0), ==, 11);
    g_assert_cmpuint (g_array_index (devices, guint32, 1), ==, 12);
  }
  g_assert_true (natter_store_omemo_remove_session (store, account, v, "alice@example.org", 12,
                                                    &removed, &error));
  g_assert_true (removed);
  g_assert_cmpint (natter_store_omemo_remove_sessions (store, account, v, "alice@example.org",
                                                       &error), ==, 1);
  g_assert_cmpint (natter_store_omemo_remove_sessions (store, account, v, "alice@example.org",
                                                       &error), ==, 0);

  /* A new own identity drops what the old one made. */
  own.device_id = 7654321;
  g_assert_true (natter_store_omemo_set_own (store, account, v, &own, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GArray) pre_keys = natter_store_omemo_list_pre_key_ids (store, account, v, &error);
    g_autoptr(GArray) signed_keys = natter_store_omemo_list_signed_pre_keys (store, account, v,
                                                                             &error);
    g_autoptr(GArray) sessions = natter_store_omemo_list_session_devices (store, account, v,
                                                                          "bob@example.org",
                                                                          &error);

    g_assert_cmpuint (pre_keys->len, ==, 0);
    g_assert_cmpuint (signed_keys->len, ==, 0);
    g_assert_cmpuint (sessions->len, ==, 0);
  }

  /* Device ids beyond 31 bits are refused by the schema too. */
  g_assert_cmpint (raw_exec (natter_store_get_sqlite (store),
                             "UPDATE omemo_own SET device_id = 2147483648"), ==,
                   SQLITE_CONSTRAINT_CHECK);

  /* Removing the account removes its OMEMO state. */
  g_assert_true (natter_store_remove_account (store, account, &error));
  g_assert_no_error (error);
  g_assert_cmpint (raw_int (natter_store_get_sqlite (store), "SELECT count(*) FROM omemo_own"),
                   ==, 0);
  close_store (store);
}

static void
test_omemo_identities_and_devices (void)
{
  g_autofree char *path = test_path ("omemo-trust.db");
  NatterStore *store = open_store (path);
  NatterStoreOmemoVersion v = NATTER_STORE_OMEMO_VERSION_LEGACY;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) key1 = bytes_of ("\x05key-one");
  g_autoptr(GBytes) key2 = bytes_of ("\x05key-two");
  gint64 account = add_account (store, "me@example.org");
  NatterStoreOmemoTrust trust = NATTER_STORE_OMEMO_TRUST_VERIFIED;
  guint32 first_list[] = { 5, 6 };
  guint32 second_list[] = { 6, 2147483647 };

  /* A new key gets the trust asked for; a known key keeps its own. */
  g_assert_true (natter_store_omemo_record_identity (store, account, v, "alice@example.org", 5,
                                                     key1, NATTER_STORE_OMEMO_TRUST_TRUSTED,
                                                     &trust, &error));
  g_assert_no_error (error);
  g_assert_cmpint (trust, ==, NATTER_STORE_OMEMO_TRUST_TRUSTED);
  g_assert_true (natter_store_omemo_set_trust (store, account, v, "alice@example.org", 5, key1,
                                               NATTER_STORE_OMEMO_TRUST_DISTRUSTED, &error));
  g_assert_true (natter_store_omemo_record_identity (store, account, v, "alice@example.org", 5,
                                                     key1, NATTER_STORE_OMEMO_TRUST_TRUSTED,
                                                     &trust, &error));
  g_assert_cmpint (trust, ==, NATTER_STORE_OMEMO_TRUST_DISTRUSTED);

  /* The same device shows another key: both are kept, each with its trust. */
  g_usleep (2000);
  g_assert_true (natter_store_omemo_record_identity (store, account, v, "alice@example.org", 5,
                                                     key2, NATTER_STORE_OMEMO_TRUST_UNDECIDED,
                                                     &trust, &error));
  g_assert_cmpint (trust, ==, NATTER_STORE_OMEMO_TRUST_UNDECIDED);
  {
    g_autoptr(NatterStoreOmemoIdentity) latest = NULL;
    g_autoptr(NatterStoreOmemoIdentity) old = NULL;
    g_autoptr(NatterStoreOmemoIdentity) unknown = NULL;
    g_autoptr(GPtrArray) all = NULL;

    latest = natter_store_omemo_get_identity (store, account, v, "alice@example.org", 5, NULL,
                                              &error);
    old = natter_store_omemo_get_identity (store, account, v, "alice@example.org", 5, key1,
                                           &error);
    unknown = natter_store_omemo_get_identity (store, account, v, "alice@example.org", 6, NULL,
                                               &error);
    all = natter_store_omemo_list_identities (store, account, v, "alice@example.org", &error);
    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (latest->identity_key, key2));
    g_assert_cmpstr (latest->jid, ==, "alice@example.org");
    g_assert_cmpint (old->trust, ==, NATTER_STORE_OMEMO_TRUST_DISTRUSTED);
    g_assert_cmpint (old->first_seen, <=, old->last_seen);
    g_assert_false (old->active);
    g_assert_null (unknown);
    g_assert_cmpuint (all->len, ==, 2);
  }

  /* Trust of an unknown key cannot be set. */
  g_assert_false (natter_store_omemo_set_trust (store, account, v, "alice@example.org", 6, key1,
                                                NATTER_STORE_OMEMO_TRUST_VERIFIED, &error));
  g_assert_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Device lists: the latest list is active, older devices are remembered. */
  g_assert_true (natter_store_omemo_set_device_list (store, account, v, "alice@example.org",
                                                     first_list, 2, &error));
  g_assert_true (natter_store_omemo_set_device_list (store, account, v, "alice@example.org",
                                                     second_list, 2, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GArray) active = natter_store_omemo_list_devices (store, account, v,
                                                                "alice@example.org", TRUE,
                                                                &error);
    g_autoptr(GArray) known = natter_store_omemo_list_devices (store, account, v,
                                                               "alice@example.org", FALSE,
                                                               &error);
    g_autoptr(NatterStoreOmemoIdentity) five = NULL;

    g_assert_cmpuint (active->len, ==, 2);
    g_assert_cmpuint (g_array_index (active, NatterStoreOmemoDevice, 0).device_id, ==, 6);
    g_assert_cmpuint (g_array_index (active, NatterStoreOmemoDevice, 1).device_id, ==,
                      2147483647);
    g_assert_cmpuint (known->len, ==, 3);
    g_assert_false (g_array_index (known, NatterStoreOmemoDevice, 0).active);
    five = natter_store_omemo_get_identity (store, account, v, "alice@example.org", 5, NULL,
                                            &error);
    g_assert_false (five->active);
  }
  /* An empty list deactivates every device. */
  g_assert_true (natter_store_omemo_set_device_list (store, account, v, "alice@example.org",
                                                     NULL, 0, &error));
  {
    g_autoptr(GArray) active = natter_store_omemo_list_devices (store, account, v,
                                                                "alice@example.org", TRUE,
                                                                &error);

    g_assert_cmpuint (active->len, ==, 0);
  }
  close_store (store);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/natter/store/open/creates-file", test_open_creates_file);
  g_test_add_func ("/natter/store/open/reopen-keeps-data", test_open_reopen_keeps_data);
  g_test_add_func ("/natter/store/open/cannot-open", test_open_cannot_open);
  g_test_add_func ("/natter/store/migrate/from-empty-file", test_migrate_from_empty_file);
  g_test_add_func ("/natter/store/migrate/from-every-version", test_migrate_from_every_version);
  g_test_add_func ("/natter/store/migrate/refuses-newer", test_migrate_refuses_newer);
  g_test_add_func ("/natter/store/migrate/refuses-newer-in-wal",
                   test_migrate_refuses_newer_in_wal);
  g_test_add_func ("/natter/store/migrate/refuses-garbage", test_migrate_refuses_garbage);
  g_test_add_func ("/natter/store/migrate/refuses-foreign-database",
                   test_migrate_refuses_foreign_database);
  g_test_add_func ("/natter/store/accounts/crud", test_accounts_crud);
  g_test_add_func ("/natter/store/accounts/remove-cascades", test_accounts_remove_cascades);
  g_test_add_func ("/natter/store/roster/replace-update-remove", test_roster);
  g_test_add_func ("/natter/store/conversations/list-and-state", test_conversations);
  g_test_add_func ("/natter/store/dedup/stanza-id", test_dedup_stanza_id);
  g_test_add_func ("/natter/store/dedup/origin-id", test_dedup_origin_id);
  g_test_add_func ("/natter/store/dedup/reflection-attaches-stanza-id",
                   test_dedup_reflection_attaches_stanza_id);
  g_test_add_func ("/natter/store/batch/one-transaction", test_batch_one_transaction);
  g_test_add_func ("/natter/store/batch/async-with-range", test_batch_async_with_range);
  g_test_add_func ("/natter/store/pages/stable-with-equal-timestamps",
                   test_pages_stable_with_equal_timestamps);
  g_test_add_func ("/natter/store/corrections/fold-and-index", test_corrections);
  g_test_add_func ("/natter/store/outbox/states", test_states_and_outbox);
  g_test_add_func ("/natter/store/outbox/crash-child", crash_child);
  g_test_add_func ("/natter/store/outbox/survives-crash", test_outbox_survives_crash);
  g_test_add_func ("/natter/store/mam/ranges", test_mam_ranges);
  g_test_add_func ("/natter/store/search/query-builder", test_search_query_builder);
  g_test_add_func ("/natter/store/search/hostile-input", test_search_hostile_input);
  g_test_add_func ("/natter/store/full/nothing-half-written", test_disk_full);
  g_test_add_func ("/natter/store/threads/sync-api-serialised",
                   test_threads_sync_api_is_serialised);
  g_test_add_func ("/natter/store/threads/worker-and-main-overlap",
                   test_threads_worker_and_main_overlap);
  g_test_add_func ("/natter/store/threads/main-write-not-starved",
                   test_threads_main_write_not_starved);
  g_test_add_func ("/natter/store/close/finishes-queued-work", test_close_finishes_queued_work);
  g_test_add_func ("/natter/store/omemo/own-and-keys", test_omemo_own_and_keys);
  g_test_add_func ("/natter/store/omemo/identities-and-devices",
                   test_omemo_identities_and_devices);

  return g_test_run ();
}
