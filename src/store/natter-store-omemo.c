/* natter-store-omemo.c: OMEMO state in the database: own keys, sessions, identities, device lists
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Plain rows of opaque records; src/omemo turns them into libsignal's
 * store callbacks.  Each function is one statement, or one transaction
 * where it writes several rows, on the main connection: libsignal calls
 * its stores synchronously.
 */
#include "config.h"

#include "natter-store-omemo.h"

#include <glib/gi18n-lib.h>

#include "natter-store-error.h"
#include "natter-store-private.h"

#define DEVICE_ID_MAX 0x7fffffffu

/**
 * natter_store_omemo_own_free:
 * @own: (transfer full) (nullable): an own identity
 *
 * Frees @own; the private key bytes are released with it.
 */
void
natter_store_omemo_own_free (NatterStoreOmemoOwn *own)
{
  if (own == NULL)
    return;
  g_clear_pointer (&own->identity_public, g_bytes_unref);
  g_clear_pointer (&own->identity_private, g_bytes_unref);
  g_free (own);
}

/**
 * natter_store_omemo_identity_free:
 * @identity: (transfer full) (nullable): an identity record
 */
void
natter_store_omemo_identity_free (NatterStoreOmemoIdentity *identity)
{
  if (identity == NULL)
    return;
  g_free (identity->jid);
  g_clear_pointer (&identity->identity_key, g_bytes_unref);
  g_free (identity);
}

static void
bind_bytes (NatterStoreStmt *stmt,
            int              index,
            GBytes          *bytes)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  /* A NULL pointer would bind SQL NULL, not an empty blob. */
  sqlite3_bind_blob64 (stmt, index, data != NULL ? (const void *) data : "", length,
                       SQLITE_TRANSIENT);
}

static GBytes *
column_bytes (NatterStoreStmt *stmt,
              int              column)
{
  const void *data = sqlite3_column_blob (stmt, column);
  int length = sqlite3_column_bytes (stmt, column);

  return g_bytes_new (data, (gsize) length);
}

static void
bind_scope (NatterStoreStmt         *stmt,
            gint64                   account_id,
            NatterStoreOmemoVersion  version)
{
  sqlite3_bind_int64 (stmt, 1, account_id);
  sqlite3_bind_int (stmt, 2, (int) version);
}

#define RETURN_IF_BAD_SCOPE(self, account_id, version, val) \
  G_STMT_START { \
    NATTER_STORE_RETURN_IF_CLOSED (self, val); \
    g_return_val_if_fail ((account_id) > 0, val); \
    g_return_val_if_fail ((version) == NATTER_STORE_OMEMO_VERSION_LEGACY, val); \
    g_return_val_if_fail (error == NULL || *error == NULL, val); \
  } G_STMT_END

/* Runs @sql bound to (account, version, @id) and returns column 0 as
 * bytes, or NULL with no error when there is no row. */
static GBytes *
load_blob_by_id (NatterStore              *self,
                 const char               *sql,
                 gint64                    account_id,
                 NatterStoreOmemoVersion   version,
                 const char               *jid,
                 guint32                   id,
                 GError                  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;
  int rc;

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  bind_scope (stmt, account_id, version);
  sqlite3_bind_int64 (stmt, 3, id);
  if (jid != NULL)
    natter_store_bind_text (stmt, 4, jid);
  rc = natter_store_db_step (db, stmt, error);
  if (rc != SQLITE_ROW)
    return NULL;
  return column_bytes (stmt, 0);
}

/* Runs a statement that changes rows; @changes receives how many. */
static gboolean
run_change (NatterStore              *self,
            const char               *sql,
            gint64                    account_id,
            NatterStoreOmemoVersion   version,
            const char               *jid,
            gint64                    id,
            gint                     *changes,
            GError                  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;
  bind_scope (stmt, account_id, version);
  if (id >= 0)
    sqlite3_bind_int64 (stmt, 3, id);
  if (jid != NULL)
    natter_store_bind_text (stmt, 4, jid);
  if (!natter_store_db_step_done (db, stmt, error))
    return FALSE;
  if (changes != NULL)
    *changes = sqlite3_changes (db->handle);
  return TRUE;
}

/* Collects column 0 of every row as guint32. */
static GArray *
list_ids (NatterStore              *self,
          const char               *sql,
          gint64                    account_id,
          NatterStoreOmemoVersion   version,
          const char               *jid,
          GError                  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  NatterStoreDb *db;
  int rc;

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  bind_scope (stmt, account_id, version);
  if (jid != NULL)
    natter_store_bind_text (stmt, 3, jid);
  while ((rc = natter_store_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      guint32 id = (guint32) sqlite3_column_int64 (stmt, 0);

      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&ids);
}

/* Own identity */

/**
 * natter_store_omemo_get_own:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): this device's identity for the
 *   account, or %NULL with @error unset if it has none yet
 */
NatterStoreOmemoOwn *
natter_store_omemo_get_own (NatterStore              *self,
                            gint64                    account_id,
                            NatterStoreOmemoVersion   version,
                            GError                  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreOmemoOwn *own;
  NatterStoreDb *db;

  RETURN_IF_BAD_SCOPE (self, account_id, version, NULL);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "SELECT device_id, registration_id, identity_public, "
                                  "identity_private, created FROM omemo_own "
                                  "WHERE account_id = ?1 AND version = ?2",
                                  error);
  if (stmt == NULL)
    return NULL;
  bind_scope (stmt, account_id, version);
  if (natter_store_db_step (db, stmt, error) != SQLITE_ROW)
    return NULL;

  own = g_new0 (NatterStoreOmemoOwn, 1);
  own->device_id = (guint32) sqlite3_column_int64 (stmt, 0);
  own->registration_id = (guint32) sqlite3_column_int64 (stmt, 1);
  own->identity_public = column_bytes (stmt, 2);
  own->identity_private = column_bytes (stmt, 3);
  own->created = sqlite3_column_int64 (stmt, 4);
  return own;
}

/**
 * natter_store_omemo_set_own:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @own: the identity; @created 0 means now
 * @error: return location for a #GError
 *
 * Stores this device's identity for the account.  Replacing an identity
 * drops every pre-key, signed pre-key and session made with the old one,
 * in the same transaction; remote identities and device lists stay.
 *
 * Returns: %TRUE if the identity was stored
 */
gboolean
natter_store_omemo_set_own (NatterStore                *self,
                            gint64                      account_id,
                            NatterStoreOmemoVersion     version,
                            const NatterStoreOmemoOwn  *own,
                            GError                    **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  NatterStoreDb *db;
  gboolean ok;

  RETURN_IF_BAD_SCOPE (self, account_id, version, FALSE);
  g_return_val_if_fail (own != NULL, FALSE);
  g_return_val_if_fail (own->device_id >= 1 && own->device_id <= DEVICE_ID_MAX, FALSE);
  g_return_val_if_fail (own->identity_public != NULL && own->identity_private != NULL, FALSE);

  db = natter_store_lock_db (self, &locker);
  ok = natter_store_db_begin (db, error);
  if (ok)
    {
      g_autoptr(NatterStoreStmt) remove = NULL;

      /* A delete, not REPLACE, so that the cascade runs. */
      remove = natter_store_db_prepare (db,
                                        "DELETE FROM omemo_own "
                                        "WHERE account_id = ?1 AND version = ?2",
                                        error);
      ok = remove != NULL;
      if (ok)
        {
          bind_scope (remove, account_id, version);
          ok = natter_store_db_step_done (db, remove, error);
        }
    }
  if (ok)
    {
      g_autoptr(NatterStoreStmt) insert = NULL;

      insert = natter_store_db_prepare (db,
                                        "INSERT INTO omemo_own (account_id, version, device_id, "
                                        "registration_id, identity_public, identity_private, "
                                        "created) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                                        error);
      ok = insert != NULL;
      if (ok)
        {
          bind_scope (insert, account_id, version);
          sqlite3_bind_int64 (insert, 3, own->device_id);
          sqlite3_bind_int64 (insert, 4, own->registration_id);
          bind_bytes (insert, 5, own->identity_public);
          bind_bytes (insert, 6, own->identity_private);
          sqlite3_bind_int64 (insert, 7, own->created != 0 ? own->created : g_get_real_time ());
          ok = natter_store_db_step_done (db, insert, error);
        }
    }
  return natter_store_db_end (db, ok, error);
}

/**
 * natter_store_omemo_remove_own:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @error: return location for a #GError
 *
 * Forgets this device's identity, with its pre-keys, signed pre-keys and
 * sessions.  Nothing to remove is no error.
 *
 * Returns: %TRUE on success
 */
gboolean
natter_store_omemo_remove_own (NatterStore              *self,
                               gint64                    account_id,
                               NatterStoreOmemoVersion   version,
                               GError                  **error)
{
  RETURN_IF_BAD_SCOPE (self, account_id, version, FALSE);

  return run_change (self, "DELETE FROM omemo_own WHERE account_id = ?1 AND version = ?2",
                     account_id, version, NULL, -1, NULL, error);
}

/* One-time pre-keys */

/**
 * natter_store_omemo_save_pre_keys:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @ids: (array length=n_keys): the pre-key ids
 * @records: (array length=n_keys): their serialised records
 * @n_keys: how many
 * @error: return location for a #GError
 *
 * Stores pre-keys, replacing any with the same id, in one transaction.
 * The account must have an own identity (%NATTER_STORE_ERROR_NOT_FOUND
 * otherwise).
 *
 * Returns: %TRUE if all were stored
 */
gboolean
natter_store_omemo_save_pre_keys (NatterStore              *self,
                                  gint64                    account_id,
                                  NatterStoreOmemoVersion   version,
                                  const guint32            *ids,
                                  GBytes * const           *records,
                                  guint                     n_keys,
                                  GError                  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  NatterStoreDb *db;
  gboolean ok;

  RETURN_IF_BAD_SCOPE (self, account_id, version, FALSE);
  g_return_val_if_fail (n_keys == 0 || (ids != NULL && records != NULL), FALSE);

  db = natter_store_lock_db (self, &locker);
  ok = natter_store_db_begin (db, error);
  for (guint i = 0; ok && i < n_keys; i++)
    {
      g_autoptr(NatterStoreStmt) stmt = NULL;

      stmt = natter_store_db_prepare (db,
                                      "INSERT OR REPLACE INTO omemo_pre_keys "
                                      "(account_id, version, id, record) VALUES (?1, ?2, ?3, ?4)",
                                      error);
      ok = stmt != NULL;
      if (ok)
        {
          bind_scope (stmt, account_id, version);
          sqlite3_bind_int64 (stmt, 3, ids[i]);
          bind_bytes (stmt, 4, records[i]);
          ok = natter_store_db_step_done (db, stmt, error);
        }
    }
  return natter_store_db_end (db, ok, error);
}

/**
 * natter_store_omemo_load_pre_key:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @id: the pre-key id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the record, or %NULL with @error
 *   unset if there is no such pre-key
 */
GBytes *
natter_store_omemo_load_pre_key (NatterStore              *self,
                                 gint64                    account_id,
                                 NatterStoreOmemoVersion   version,
                                 guint32                   id,
                                 GError                  **error)
{
  RETURN_IF_BAD_SCOPE (self, account_id, version, NULL);

  return load_blob_by_id (self,
                          "SELECT record FROM omemo_pre_keys "
                          "WHERE account_id = ?1 AND version = ?2 AND id = ?3",
                          account_id, version, NULL, id, error);
}

/**
 * natter_store_omemo_remove_pre_key:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @id: the pre-key id
 * @removed: (out) (optional): whether there was such a pre-key
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success, whether or not the key existed
 */
gboolean
natter_store_omemo_remove_pre_key (NatterStore              *self,
                                   gint64                    account_id,
                                   NatterStoreOmemoVersion   version,
                                   guint32                   id,
                                   gboolean                 *removed,
                                   GError                  **error)
{
  gint changes = 0;

  RETURN_IF_BAD_SCOPE (self, account_id, version, FALSE);

  if (!run_change (self,
                   "DELETE FROM omemo_pre_keys WHERE account_id = ?1 AND version = ?2 AND id = ?3",
                   account_id, version, NULL, id, &changes, error))
    return FALSE;
  if (removed != NULL)
    *removed = changes > 0;
  return TRUE;
}

/**
 * natter_store_omemo_list_pre_key_ids:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type guint32): the ids of the
 *   account's pre-keys, in increasing order, or %NULL on error
 */
GArray *
natter_store_omemo_list_pre_key_ids (NatterStore              *self,
                                     gint64                    account_id,
                                     NatterStoreOmemoVersion   version,
                                     GError                  **error)
{
  RETURN_IF_BAD_SCOPE (self, account_id, version, NULL);

  return list_ids (self,
                   "SELECT id FROM omemo_pre_keys WHERE account_id = ?1 AND version = ?2 "
                   "ORDER BY id",
                   account_id, version, NULL, error);
}

/* Signed pre-keys */

/**
 * natter_store_omemo_save_signed_pre_key:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @id: the signed pre-key id
 * @record: its serialised record
 * @created: when it was made, µs since the epoch
 * @error: return location for a #GError
 *
 * Stores a signed pre-key, replacing one with the same id.
 *
 * Returns: %TRUE if it was stored
 */
gboolean
natter_store_omemo_save_signed_pre_key (NatterStore              *self,
                                        gint64                    account_id,
                                        NatterStoreOmemoVersion   version,
                                        guint32                   id,
                                        GBytes                   *record,
                                        gint64                    created,
                                        GError                  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;

  RETURN_IF_BAD_SCOPE (self, account_id, version, FALSE);
  g_return_val_if_fail (record != NULL, FALSE);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "INSERT OR REPLACE INTO omemo_signed_pre_keys "
                                  "(account_id, version, id, record, created) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5)",
                                  error);
  if (stmt == NULL)
    return FALSE;
  bind_scope (stmt, account_id, version);
  sqlite3_bind_int64 (stmt, 3, id);
  bind_bytes (stmt, 4, record);
  sqlite3_bind_int64 (stmt, 5, created);
  return natter_store_db_step_done (db, stmt, error);
}

/**
 * natter_store_omemo_load_signed_pre_key:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @id: the signed pre-key id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the record, or %NULL with @error
 *   unset if there is none
 */
GBytes *
natter_store_omemo_load_signed_pre_key (NatterStore              *self,
                                        gint64                    account_id,
                                        NatterStoreOmemoVersion   version,
                                        guint32                   id,
                                        GError                  **error)
{
  RETURN_IF_BAD_SCOPE (self, account_id, version, NULL);

  return load_blob_by_id (self,
                          "SELECT record FROM omemo_signed_pre_keys "
                          "WHERE account_id = ?1 AND version = ?2 AND id = ?3",
                          account_id, version, NULL, id, error);
}

/**
 * natter_store_omemo_remove_signed_pre_key:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @id: the signed pre-key id
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success, whether or not the key existed
 */
gboolean
natter_store_omemo_remove_signed_pre_key (NatterStore              *self,
                                          gint64                    account_id,
                                          NatterStoreOmemoVersion   version,
                                          guint32                   id,
                                          GError                  **error)
{
  RETURN_IF_BAD_SCOPE (self, account_id, version, FALSE);

  return run_change (self,
                     "DELETE FROM omemo_signed_pre_keys "
                     "WHERE account_id = ?1 AND version = ?2 AND id = ?3",
                     account_id, version, NULL, id, NULL, error);
}

/**
 * natter_store_omemo_list_signed_pre_keys:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type NatterStoreOmemoSignedPreKey):
 *   the signed pre-keys, newest first, or %NULL on error
 */
GArray *
natter_store_omemo_list_signed_pre_keys (NatterStore              *self,
                                         gint64                    account_id,
                                         NatterStoreOmemoVersion   version,
                                         GError                  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  g_autoptr(GArray) keys = g_array_new (FALSE, FALSE, sizeof (NatterStoreOmemoSignedPreKey));
  NatterStoreDb *db;
  int rc;

  RETURN_IF_BAD_SCOPE (self, account_id, version, NULL);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "SELECT id, created FROM omemo_signed_pre_keys "
                                  "WHERE account_id = ?1 AND version = ?2 "
                                  "ORDER BY created DESC, id DESC",
                                  error);
  if (stmt == NULL)
    return NULL;
  bind_scope (stmt, account_id, version);
  while ((rc = natter_store_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      NatterStoreOmemoSignedPreKey key = {
        (guint32) sqlite3_column_int64 (stmt, 0),
        sqlite3_column_int64 (stmt, 1),
      };

      g_array_append_val (keys, key);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&keys);
}

/* Sessions */

/**
 * natter_store_omemo_save_session:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @jid: the remote device's owner, a normalised bare JID
 * @device_id: the remote device
 * @record: the serialised session record
 * @error: return location for a #GError
 *
 * Stores the session with one remote device, replacing the previous one.
 *
 * Returns: %TRUE if it was stored
 */
gboolean
natter_store_omemo_save_session (NatterStore              *self,
                                 gint64                    account_id,
                                 NatterStoreOmemoVersion   version,
                                 const char               *jid,
                                 guint32                   device_id,
                                 GBytes                   *record,
                                 GError                  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;

  RETURN_IF_BAD_SCOPE (self, account_id, version, FALSE);
  g_return_val_if_fail (jid != NULL && record != NULL, FALSE);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "INSERT INTO omemo_sessions "
                                  "(account_id, version, device_id, jid, record, updated) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                  "ON CONFLICT DO UPDATE SET record = excluded.record, "
                                  "updated = excluded.updated",
                                  error);
  if (stmt == NULL)
    return FALSE;
  bind_scope (stmt, account_id, version);
  sqlite3_bind_int64 (stmt, 3, device_id);
  natter_store_bind_text (stmt, 4, jid);
  bind_bytes (stmt, 5, record);
  sqlite3_bind_int64 (stmt, 6, g_get_real_time ());
  return natter_store_db_step_done (db, stmt, error);
}

/**
 * natter_store_omemo_load_session:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @jid: the remote device's owner
 * @device_id: the remote device
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the session record, or %NULL with
 *   @error unset if there is none
 */
GBytes *
natter_store_omemo_load_session (NatterStore              *self,
                                 gint64                    account_id,
                                 NatterStoreOmemoVersion   version,
                                 const char               *jid,
                                 guint32                   device_id,
                                 GError                  **error)
{
  RETURN_IF_BAD_SCOPE (self, account_id, version, NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  return load_blob_by_id (self,
                          "SELECT record FROM omemo_sessions WHERE account_id = ?1 "
                          "AND version = ?2 AND device_id = ?3 AND jid = ?4",
                          account_id, version, jid, device_id, error);
}

/**
 * natter_store_omemo_remove_session:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @jid: the remote device's owner
 * @device_id: the remote device
 * @removed: (out) (optional): whether there was such a session
 * @error: return location for a #GError
 *
 * Returns: %TRUE on success
 */
gboolean
natter_store_omemo_remove_session (NatterStore              *self,
                                   gint64                    account_id,
                                   NatterStoreOmemoVersion   version,
                                   const char               *jid,
                                   guint32                   device_id,
                                   gboolean                 *removed,
                                   GError                  **error)
{
  gint changes = 0;

  RETURN_IF_BAD_SCOPE (self, account_id, version, FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);

  if (!run_change (self,
                   "DELETE FROM omemo_sessions WHERE account_id = ?1 AND version = ?2 "
                   "AND device_id = ?3 AND jid = ?4",
                   account_id, version, jid, device_id, &changes, error))
    return FALSE;
  if (removed != NULL)
    *removed = changes > 0;
  return TRUE;
}

/**
 * natter_store_omemo_remove_sessions:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @jid: the remote owner
 * @error: return location for a #GError
 *
 * Removes the sessions with every device of @jid.
 *
 * Returns: how many were removed, or -1 on error
 */
gint
natter_store_omemo_remove_sessions (NatterStore              *self,
                                    gint64                    account_id,
                                    NatterStoreOmemoVersion   version,
                                    const char               *jid,
                                    GError                  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;

  RETURN_IF_BAD_SCOPE (self, account_id, version, -1);
  g_return_val_if_fail (jid != NULL, -1);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "DELETE FROM omemo_sessions WHERE account_id = ?1 "
                                  "AND version = ?2 AND jid = ?3",
                                  error);
  if (stmt == NULL)
    return -1;
  bind_scope (stmt, account_id, version);
  natter_store_bind_text (stmt, 3, jid);
  if (!natter_store_db_step_done (db, stmt, error))
    return -1;
  return sqlite3_changes (db->handle);
}

/**
 * natter_store_omemo_list_session_devices:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @jid: the remote owner
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type guint32): the devices of @jid
 *   this account has a session with, in increasing order, or %NULL on error
 */
GArray *
natter_store_omemo_list_session_devices (NatterStore              *self,
                                         gint64                    account_id,
                                         NatterStoreOmemoVersion   version,
                                         const char               *jid,
                                         GError                  **error)
{
  RETURN_IF_BAD_SCOPE (self, account_id, version, NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  return list_ids (self,
                   "SELECT device_id FROM omemo_sessions WHERE account_id = ?1 "
                   "AND version = ?2 AND jid = ?3 ORDER BY device_id",
                   account_id, version, jid, error);
}

/* Remote identities */

/**
 * natter_store_omemo_record_identity:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @jid: the device's owner, a normalised bare JID
 * @device_id: the device
 * @identity_key: the identity key it showed
 * @trust_if_new: the trust a key never seen before gets
 * @trust: (out) (optional): the key's trust after the call
 * @error: return location for a #GError
 *
 * Notes that @device_id of @jid showed @identity_key now: a new key is
 * added with @trust_if_new, a known one keeps its trust and has its
 * last-seen time moved.
 *
 * Returns: %TRUE on success
 */
gboolean
natter_store_omemo_record_identity (NatterStore               *self,
                                    gint64                     account_id,
                                    NatterStoreOmemoVersion    version,
                                    const char                *jid,
                                    guint32                    device_id,
                                    GBytes                    *identity_key,
                                    NatterStoreOmemoTrust      trust_if_new,
                                    NatterStoreOmemoTrust     *trust,
                                    GError                   **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;
  gint64 now = g_get_real_time ();

  RETURN_IF_BAD_SCOPE (self, account_id, version, FALSE);
  g_return_val_if_fail (jid != NULL && identity_key != NULL, FALSE);
  g_return_val_if_fail (trust_if_new <= NATTER_STORE_OMEMO_TRUST_DISTRUSTED, FALSE);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "INSERT INTO omemo_identities (account_id, version, device_id, "
                                  "jid, identity_key, trust, first_seen, last_seen) "
                                  "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7) "
                                  "ON CONFLICT DO UPDATE SET last_seen = excluded.last_seen "
                                  "RETURNING trust",
                                  error);
  if (stmt == NULL)
    return FALSE;
  bind_scope (stmt, account_id, version);
  sqlite3_bind_int64 (stmt, 3, device_id);
  natter_store_bind_text (stmt, 4, jid);
  bind_bytes (stmt, 5, identity_key);
  sqlite3_bind_int (stmt, 6, (int) trust_if_new);
  sqlite3_bind_int64 (stmt, 7, now);
  if (natter_store_db_step (db, stmt, error) != SQLITE_ROW)
    return FALSE;
  if (trust != NULL)
    *trust = (NatterStoreOmemoTrust) sqlite3_column_int (stmt, 0);
  return natter_store_db_step_done (db, stmt, error);
}

#define IDENTITY_COLUMNS \
  "i.jid, i.device_id, i.identity_key, i.trust, i.first_seen, i.last_seen, " \
  "coalesce (d.active, 0)"
#define IDENTITY_JOIN \
  "FROM omemo_identities i LEFT JOIN omemo_devices d ON d.account_id = i.account_id " \
  "AND d.version = i.version AND d.jid = i.jid AND d.device_id = i.device_id "

static NatterStoreOmemoIdentity *
identity_from_row (NatterStoreStmt *stmt)
{
  NatterStoreOmemoIdentity *identity = g_new0 (NatterStoreOmemoIdentity, 1);

  identity->jid = natter_store_column_dup (stmt, 0);
  identity->device_id = (guint32) sqlite3_column_int64 (stmt, 1);
  identity->identity_key = column_bytes (stmt, 2);
  identity->trust = (NatterStoreOmemoTrust) sqlite3_column_int (stmt, 3);
  identity->first_seen = sqlite3_column_int64 (stmt, 4);
  identity->last_seen = sqlite3_column_int64 (stmt, 5);
  identity->active = sqlite3_column_int (stmt, 6) != 0;
  return identity;
}

/**
 * natter_store_omemo_get_identity:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @jid: the device's owner
 * @device_id: the device
 * @identity_key: (nullable): the key; %NULL for the key the device showed last
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the identity, or %NULL with @error
 *   unset if it is not known
 */
NatterStoreOmemoIdentity *
natter_store_omemo_get_identity (NatterStore               *self,
                                 gint64                     account_id,
                                 NatterStoreOmemoVersion    version,
                                 const char                *jid,
                                 guint32                    device_id,
                                 GBytes                    *identity_key,
                                 GError                   **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;

  RETURN_IF_BAD_SCOPE (self, account_id, version, NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "SELECT " IDENTITY_COLUMNS " " IDENTITY_JOIN
                                  "WHERE i.account_id = ?1 AND i.version = ?2 "
                                  "AND i.device_id = ?3 AND i.jid = ?4 "
                                  "AND (?5 IS NULL OR i.identity_key = ?5) "
                                  "ORDER BY i.last_seen DESC LIMIT 1",
                                  error);
  if (stmt == NULL)
    return NULL;
  bind_scope (stmt, account_id, version);
  sqlite3_bind_int64 (stmt, 3, device_id);
  natter_store_bind_text (stmt, 4, jid);
  if (identity_key != NULL)
    bind_bytes (stmt, 5, identity_key);
  if (natter_store_db_step (db, stmt, error) != SQLITE_ROW)
    return NULL;
  return identity_from_row (stmt);
}

/**
 * natter_store_omemo_list_identities:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @jid: the owner
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type NatterStoreOmemoIdentity): every
 *   key every device of @jid showed, by device and then newest first, or
 *   %NULL on error
 */
GPtrArray *
natter_store_omemo_list_identities (NatterStore               *self,
                                    gint64                     account_id,
                                    NatterStoreOmemoVersion    version,
                                    const char                *jid,
                                    GError                   **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) identities = NULL;
  NatterStoreDb *db;
  int rc;

  RETURN_IF_BAD_SCOPE (self, account_id, version, NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  identities = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_omemo_identity_free);
  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "SELECT " IDENTITY_COLUMNS " " IDENTITY_JOIN
                                  "WHERE i.account_id = ?1 AND i.version = ?2 AND i.jid = ?3 "
                                  "ORDER BY i.device_id, i.last_seen DESC",
                                  error);
  if (stmt == NULL)
    return NULL;
  bind_scope (stmt, account_id, version);
  natter_store_bind_text (stmt, 3, jid);
  while ((rc = natter_store_db_step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (identities, identity_from_row (stmt));
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&identities);
}

/**
 * natter_store_omemo_set_trust:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @jid: the device's owner
 * @device_id: the device
 * @identity_key: the key
 * @trust: its new trust
 * @error: return location for a #GError
 *
 * Sets the trust of a known key; an unknown one fails with
 * %NATTER_STORE_ERROR_NOT_FOUND.
 *
 * Returns: %TRUE on success
 */
gboolean
natter_store_omemo_set_trust (NatterStore               *self,
                              gint64                     account_id,
                              NatterStoreOmemoVersion    version,
                              const char                *jid,
                              guint32                    device_id,
                              GBytes                    *identity_key,
                              NatterStoreOmemoTrust      trust,
                              GError                   **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;

  RETURN_IF_BAD_SCOPE (self, account_id, version, FALSE);
  g_return_val_if_fail (jid != NULL && identity_key != NULL, FALSE);
  g_return_val_if_fail (trust <= NATTER_STORE_OMEMO_TRUST_DISTRUSTED, FALSE);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "UPDATE omemo_identities SET trust = ?6 WHERE account_id = ?1 "
                                  "AND version = ?2 AND device_id = ?3 AND jid = ?4 "
                                  "AND identity_key = ?5",
                                  error);
  if (stmt == NULL)
    return FALSE;
  bind_scope (stmt, account_id, version);
  sqlite3_bind_int64 (stmt, 3, device_id);
  natter_store_bind_text (stmt, 4, jid);
  bind_bytes (stmt, 5, identity_key);
  sqlite3_bind_int (stmt, 6, (int) trust);
  if (!natter_store_db_step_done (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (db->handle) == 0)
    {
      g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND,
                   _("Device %u of %s has never shown this identity key"), device_id, jid);
      return FALSE;
    }
  return TRUE;
}

/* Device lists */

/**
 * natter_store_omemo_set_device_list:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @jid: the owner of the list, a normalised bare JID (the account's own
 *   for its own list)
 * @device_ids: (array length=n_devices): the devices of the latest list,
 *   each 1 to 2³¹ − 1
 * @n_devices: how many
 * @error: return location for a #GError
 *
 * Records the latest device list of @jid: the listed devices are active
 * (and added if new), every other known device of @jid is inactive but
 * remembered.  One transaction.
 *
 * Returns: %TRUE on success
 */
gboolean
natter_store_omemo_set_device_list (NatterStore              *self,
                                    gint64                    account_id,
                                    NatterStoreOmemoVersion   version,
                                    const char               *jid,
                                    const guint32            *device_ids,
                                    guint                     n_devices,
                                    GError                  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  NatterStoreDb *db;
  gint64 now = g_get_real_time ();
  gboolean ok;

  RETURN_IF_BAD_SCOPE (self, account_id, version, FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);
  g_return_val_if_fail (n_devices == 0 || device_ids != NULL, FALSE);
  for (guint i = 0; i < n_devices; i++)
    g_return_val_if_fail (device_ids[i] >= 1 && device_ids[i] <= DEVICE_ID_MAX, FALSE);

  db = natter_store_lock_db (self, &locker);
  ok = natter_store_db_begin (db, error);
  if (ok)
    {
      g_autoptr(NatterStoreStmt) clear = NULL;

      clear = natter_store_db_prepare (db,
                                       "UPDATE omemo_devices SET active = 0 WHERE account_id = ?1 "
                                       "AND version = ?2 AND jid = ?3",
                                       error);
      ok = clear != NULL;
      if (ok)
        {
          bind_scope (clear, account_id, version);
          natter_store_bind_text (clear, 3, jid);
          ok = natter_store_db_step_done (db, clear, error);
        }
    }
  for (guint i = 0; ok && i < n_devices; i++)
    {
      g_autoptr(NatterStoreStmt) upsert = NULL;

      upsert = natter_store_db_prepare (db,
                                        "INSERT INTO omemo_devices (account_id, version, "
                                        "device_id, jid, active, first_seen, last_seen) "
                                        "VALUES (?1, ?2, ?3, ?4, 1, ?5, ?5) "
                                        "ON CONFLICT DO UPDATE SET active = 1, "
                                        "last_seen = excluded.last_seen",
                                        error);
      ok = upsert != NULL;
      if (ok)
        {
          bind_scope (upsert, account_id, version);
          sqlite3_bind_int64 (upsert, 3, device_ids[i]);
          natter_store_bind_text (upsert, 4, jid);
          sqlite3_bind_int64 (upsert, 5, now);
          ok = natter_store_db_step_done (db, upsert, error);
        }
    }
  return natter_store_db_end (db, ok, error);
}

/**
 * natter_store_omemo_list_devices:
 * @self: a store
 * @account_id: the account
 * @version: the OMEMO version
 * @jid: the owner
 * @active_only: only the devices of the latest list
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type NatterStoreOmemoDevice): the
 *   known devices of @jid in increasing id order, or %NULL on error
 */
GArray *
natter_store_omemo_list_devices (NatterStore              *self,
                                 gint64                    account_id,
                                 NatterStoreOmemoVersion   version,
                                 const char               *jid,
                                 gboolean                  active_only,
                                 GError                  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  g_autoptr(GArray) devices = g_array_new (FALSE, FALSE, sizeof (NatterStoreOmemoDevice));
  NatterStoreDb *db;
  int rc;

  RETURN_IF_BAD_SCOPE (self, account_id, version, NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "SELECT device_id, active, first_seen, last_seen "
                                  "FROM omemo_devices WHERE account_id = ?1 AND version = ?2 "
                                  "AND jid = ?3 AND (active OR NOT ?4) ORDER BY device_id",
                                  error);
  if (stmt == NULL)
    return NULL;
  bind_scope (stmt, account_id, version);
  natter_store_bind_text (stmt, 3, jid);
  sqlite3_bind_int (stmt, 4, active_only ? 1 : 0);
  while ((rc = natter_store_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      NatterStoreOmemoDevice device = {
        (guint32) sqlite3_column_int64 (stmt, 0),
        sqlite3_column_int (stmt, 1) != 0,
        sqlite3_column_int64 (stmt, 2),
        sqlite3_column_int64 (stmt, 3),
      };

      g_array_append_val (devices, device);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&devices);
}
