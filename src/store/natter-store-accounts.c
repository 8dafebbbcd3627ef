/* natter-store-accounts.c: accounts, their settings and roster caches
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-store.h"

#include <glib/gi18n-lib.h>

#include "natter-store-error.h"
#include "natter-store-private.h"

#define ACCOUNT_COLUMNS \
  "id, jid, resource, display_name, enabled, host, port, direct_tls, " \
  "sasl_mechanism, roster_version, created"

static void
set_not_found (GError     **error,
               const char  *what,
               gint64       id)
{
  g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND,
               /* Translators: the first %s is "account", "conversation" or "message". */
               _("There is no %s with id %" G_GINT64_FORMAT), what, id);
}

static gboolean
save_certificates (NatterStoreDb       *db,
                   NatterStoreAccount  *account,
                   GError             **error)
{
  g_autoptr(NatterStoreStmt) clear = NULL;

  clear = natter_store_db_prepare (db,
                                   "DELETE FROM account_certificates WHERE account_id = ?1",
                                   error);
  if (clear == NULL)
    return FALSE;
  sqlite3_bind_int64 (clear, 1, account->id);
  if (!natter_store_db_step_done (db, clear, error))
    return FALSE;

  for (guint i = 0;
       account->pinned_certificates != NULL && account->pinned_certificates[i] != NULL;
       i++)
    {
      g_autoptr(NatterStoreStmt) insert = NULL;

      insert = natter_store_db_prepare (db,
                                        "INSERT INTO account_certificates (account_id, fingerprint) "
                                        "VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                                        error);
      if (insert == NULL)
        return FALSE;
      sqlite3_bind_int64 (insert, 1, account->id);
      natter_store_bind_text (insert, 2, account->pinned_certificates[i]);
      if (!natter_store_db_step_done (db, insert, error))
        return FALSE;
    }
  return TRUE;
}

static void
bind_account (NatterStoreStmt    *stmt,
              NatterStoreAccount *account)
{
  natter_store_bind_text (stmt, 1, account->jid);
  natter_store_bind_text (stmt, 2, account->resource != NULL ? account->resource : "");
  natter_store_bind_text (stmt, 3, account->display_name);
  sqlite3_bind_int (stmt, 4, account->enabled ? 1 : 0);
  natter_store_bind_text (stmt, 5, account->host);
  sqlite3_bind_int (stmt, 6, (int) account->port);
  sqlite3_bind_int (stmt, 7, account->direct_tls ? 1 : 0);
  natter_store_bind_text (stmt, 8, account->sasl_mechanism);
}

static gboolean
account_exists_error (GError      **error,
                      GError       *local_error,
                      const char   *jid)
{
  if (g_error_matches (local_error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_EXISTS))
    g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_EXISTS,
                 _("The account %s exists already"), jid);
  else
    g_propagate_error (error, g_error_copy (local_error));
  return FALSE;
}

/**
 * natter_store_add_account:
 * @self: a store
 * @account: the account; its @id must be 0
 * @error: return location for a #GError
 *
 * Stores a new account with its pinned certificates, and sets its @id and
 * @created.  A second account with the same JID fails with
 * %NATTER_STORE_ERROR_EXISTS.  The roster version is not written.
 *
 * Returns: %TRUE if the account was added
 */
gboolean
natter_store_add_account (NatterStore         *self,
                          NatterStoreAccount  *account,
                          GError             **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GError) local_error = NULL;
  NatterStoreDb *db;
  gint64 created = g_get_real_time ();
  gint64 id = 0;
  gboolean ok;

  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (account != NULL, FALSE);
  g_return_val_if_fail (account->id == 0, FALSE);
  g_return_val_if_fail (account->jid != NULL && *account->jid != '\0', FALSE);
  g_return_val_if_fail (account->port <= 65535, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  db = natter_store_lock_db (self, &locker);
  ok = natter_store_db_begin (db, &local_error);
  if (ok)
    {
      g_autoptr(NatterStoreStmt) stmt = NULL;

      stmt = natter_store_db_prepare (db,
                                      "INSERT INTO accounts (jid, resource, display_name, enabled, "
                                      "host, port, direct_tls, sasl_mechanism, created) "
                                      "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9) RETURNING id",
                                      &local_error);
      ok = stmt != NULL;
      if (ok)
        {
          bind_account (stmt, account);
          sqlite3_bind_int64 (stmt, 9, created);
          ok = natter_store_db_step (db, stmt, &local_error) == SQLITE_ROW;
          if (ok)
            id = sqlite3_column_int64 (stmt, 0);
        }
    }
  if (ok)
    {
      account->id = id;
      ok = save_certificates (db, account, &local_error);
    }
  if (!natter_store_db_end (db, ok, &local_error))
    {
      account->id = 0;
      return account_exists_error (error, local_error, account->jid);
    }

  account->created = created;
  return TRUE;
}

/**
 * natter_store_update_account:
 * @self: a store
 * @account: an account added before
 * @error: return location for a #GError
 *
 * Writes every field of @account but @created and @roster_version (which
 * belongs to the roster functions), and replaces its pinned certificates.
 *
 * Returns: %TRUE if the account was updated
 */
gboolean
natter_store_update_account (NatterStore         *self,
                             NatterStoreAccount  *account,
                             GError             **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GError) local_error = NULL;
  NatterStoreDb *db;
  gboolean ok;

  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (account != NULL, FALSE);
  g_return_val_if_fail (account->id > 0, FALSE);
  g_return_val_if_fail (account->jid != NULL && *account->jid != '\0', FALSE);
  g_return_val_if_fail (account->port <= 65535, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  db = natter_store_lock_db (self, &locker);
  ok = natter_store_db_begin (db, &local_error);
  if (ok)
    {
      g_autoptr(NatterStoreStmt) stmt = NULL;

      stmt = natter_store_db_prepare (db,
                                      "UPDATE accounts SET jid = ?1, resource = ?2, "
                                      "display_name = ?3, enabled = ?4, host = ?5, port = ?6, "
                                      "direct_tls = ?7, sasl_mechanism = ?8 WHERE id = ?9",
                                      &local_error);
      ok = stmt != NULL;
      if (ok)
        {
          bind_account (stmt, account);
          sqlite3_bind_int64 (stmt, 9, account->id);
          ok = natter_store_db_step_done (db, stmt, &local_error);
        }
      if (ok && sqlite3_changes (db->handle) == 0)
        {
          set_not_found (&local_error, "account", account->id);
          ok = FALSE;
        }
    }
  if (ok)
    ok = save_certificates (db, account, &local_error);
  if (!natter_store_db_end (db, ok, &local_error))
    return account_exists_error (error, local_error, account->jid);
  return TRUE;
}

/**
 * natter_store_db_remove_account:
 * @db: a connection
 * @account_id: the account
 * @error: return location for a #GError
 *
 * The body of natter_store_remove_account() and its async variant.
 *
 * Returns: %TRUE if the account is gone
 */
gboolean
natter_store_db_remove_account (NatterStoreDb  *db,
                                gint64          account_id,
                                GError        **error)
{
  g_autoptr(NatterStoreStmt) count = NULL;
  g_autoptr(NatterStoreStmt) remove = NULL;
  gint64 messages = 0;
  gboolean ok;

  if (!natter_store_db_begin (db, error))
    return FALSE;

  count = natter_store_db_prepare (db,
                                   "SELECT count(*) FROM messages WHERE account_id = ?1",
                                   error);
  ok = count != NULL;
  if (ok)
    {
      sqlite3_bind_int64 (count, 1, account_id);
      ok = natter_store_db_step (db, count, error) == SQLITE_ROW;
      if (ok)
        messages = sqlite3_column_int64 (count, 0);
    }

  if (ok)
    {
      /* Everything else goes by ON DELETE CASCADE, the full-text entries
       * by the messages' delete trigger. */
      remove = natter_store_db_prepare (db, "DELETE FROM accounts WHERE id = ?1", error);
      ok = remove != NULL;
    }
  if (ok)
    {
      sqlite3_bind_int64 (remove, 1, account_id);
      ok = natter_store_db_step_done (db, remove, error);
    }
  if (ok && sqlite3_changes (db->handle) == 0)
    {
      set_not_found (error, "account", account_id);
      ok = FALSE;
    }

  /* Deleting from an FTS5 index only adds tombstones; the old segments,
   * with the deleted words, stay until merged.  Merge everything now so no
   * text of the account remains (SECURITY.md N5); secure_delete then
   * zeroes the freed pages. */
  if (ok && messages > 0)
    ok = natter_store_db_exec (db,
                               "INSERT INTO messages_fts (messages_fts) VALUES ('optimize')",
                               error);

  return natter_store_db_end (db, ok, error);
}

/**
 * natter_store_remove_account:
 * @self: a store
 * @account_id: the account
 * @error: return location for a #GError
 *
 * Deletes the account and everything of it: certificates, settings, roster,
 * conversations, messages, outbox entries, archive ranges and its
 * full-text entries, in one transaction.  With much history this takes a
 * while: prefer natter_store_remove_account_async() on the main thread.
 *
 * Returns: %TRUE if the account existed and is gone
 */
gboolean
natter_store_remove_account (NatterStore  *self,
                             gint64        account_id,
                             GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (account_id > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  db = natter_store_lock_db (self, &locker);
  return natter_store_db_remove_account (db, account_id, error);
}

static gpointer
remove_account_job (NatterStoreDb  *db,
                    gpointer        data,
                    GError        **error)
{
  natter_store_db_remove_account (db, *(gint64 *) data, error);
  return NULL;
}

/**
 * natter_store_remove_account_async:
 * @self: a store
 * @account_id: the account
 * @cancellable: (nullable): cancels the removal if it has not started
 * @callback: called when done
 * @user_data: for @callback
 *
 * Runs natter_store_remove_account() on the store's worker thread.
 */
void
natter_store_remove_account_async (NatterStore         *self,
                                   gint64               account_id,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  NATTER_STORE_RETURN_IF_CLOSED_VOID (self);
  g_return_if_fail (account_id > 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  natter_store_run_job (self, natter_store_remove_account_async, remove_account_job,
                        g_memdup2 (&account_id, sizeof account_id), g_free, NULL,
                        cancellable, callback, user_data);
}

/**
 * natter_store_remove_account_finish:
 * @self: a store
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the account existed and is gone
 */
gboolean
natter_store_remove_account_finish (NatterStore   *self,
                                    GAsyncResult  *result,
                                    GError       **error)
{
  g_return_val_if_fail (NATTER_IS_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        natter_store_remove_account_async, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static GStrv
load_certificates (NatterStoreDb  *db,
                   gint64          account_id,
                   GError        **error)
{
  g_autoptr(NatterStoreStmt) stmt = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  int rc;

  stmt = natter_store_db_prepare (db,
                                  "SELECT fingerprint FROM account_certificates "
                                  "WHERE account_id = ?1 ORDER BY fingerprint",
                                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  while ((rc = natter_store_db_step (db, stmt, error)) == SQLITE_ROW)
    g_strv_builder_add (builder, (const char *) sqlite3_column_text (stmt, 0));
  if (rc != SQLITE_DONE)
    return NULL;
  return g_strv_builder_end (builder);
}

static NatterStoreAccount *
account_from_row (NatterStoreStmt *stmt)
{
  NatterStoreAccount *account = natter_store_account_new ();

  account->id = sqlite3_column_int64 (stmt, 0);
  account->jid = natter_store_column_dup (stmt, 1);
  account->resource = natter_store_column_dup (stmt, 2);
  account->display_name = natter_store_column_dup (stmt, 3);
  account->enabled = sqlite3_column_int (stmt, 4) != 0;
  account->host = natter_store_column_dup (stmt, 5);
  account->port = (guint) sqlite3_column_int (stmt, 6);
  account->direct_tls = sqlite3_column_int (stmt, 7) != 0;
  account->sasl_mechanism = natter_store_column_dup (stmt, 8);
  account->roster_version = natter_store_column_dup (stmt, 9);
  account->created = sqlite3_column_int64 (stmt, 10);
  return account;
}

static GPtrArray *
load_accounts (NatterStoreDb  *db,
               gint64          account_id,
               GError        **error)
{
  g_autoptr(GPtrArray) accounts = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  int rc;

  accounts = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_account_unref);
  stmt = natter_store_db_prepare (db,
                                  "SELECT " ACCOUNT_COLUMNS " FROM accounts "
                                  "WHERE ?1 = 0 OR id = ?1 ORDER BY id",
                                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  while ((rc = natter_store_db_step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (accounts, account_from_row (stmt));
  if (rc != SQLITE_DONE)
    return NULL;

  for (guint i = 0; i < accounts->len; i++)
    {
      NatterStoreAccount *account = g_ptr_array_index (accounts, i);
      g_autoptr(GError) local_error = NULL;

      account->pinned_certificates = load_certificates (db, account->id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
    }
  return g_steal_pointer (&accounts);
}

/**
 * natter_store_get_account:
 * @self: a store
 * @account_id: the account
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the account, or %NULL with no error
 *   set if there is none with that id
 */
NatterStoreAccount *
natter_store_get_account (NatterStore  *self,
                          gint64        account_id,
                          GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GPtrArray) accounts = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, NULL);
  g_return_val_if_fail (account_id > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = natter_store_lock_db (self, &locker);
  accounts = load_accounts (db, account_id, error);
  if (accounts == NULL || accounts->len == 0)
    return NULL;
  return natter_store_account_ref (g_ptr_array_index (accounts, 0));
}

/**
 * natter_store_list_accounts:
 * @self: a store
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type NatterStoreAccount): every
 *   account, in the order they were added, or %NULL on error
 */
GPtrArray *
natter_store_list_accounts (NatterStore  *self,
                            GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = natter_store_lock_db (self, &locker);
  return load_accounts (db, 0, error);
}

/**
 * natter_store_dup_account_setting:
 * @self: a store
 * @account_id: the account
 * @key: the setting's name
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the value, or %NULL with no error
 *   set if the setting is not stored
 */
char *
natter_store_dup_account_setting (NatterStore  *self,
                                  gint64        account_id,
                                  const char   *key,
                                  GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, NULL);
  g_return_val_if_fail (account_id > 0, NULL);
  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "SELECT value FROM account_settings "
                                  "WHERE account_id = ?1 AND key = ?2",
                                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  natter_store_bind_text (stmt, 2, key);
  if (natter_store_db_step (db, stmt, error) != SQLITE_ROW)
    return NULL;
  return natter_store_column_dup (stmt, 0);
}

/**
 * natter_store_set_account_setting:
 * @self: a store
 * @account_id: the account
 * @key: the setting's name
 * @value: (nullable): its value, or %NULL to remove it
 * @error: return location for a #GError
 *
 * Stores a per-account setting.  Settings go with the account when it is
 * removed.
 *
 * Returns: %TRUE if the setting was written
 */
gboolean
natter_store_set_account_setting (NatterStore  *self,
                                  gint64        account_id,
                                  const char   *key,
                                  const char   *value,
                                  GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (account_id > 0, FALSE);
  g_return_val_if_fail (key != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  db = natter_store_lock_db (self, &locker);
  if (value == NULL)
    stmt = natter_store_db_prepare (db,
                                    "DELETE FROM account_settings "
                                    "WHERE account_id = ?1 AND key = ?2",
                                    error);
  else
    stmt = natter_store_db_prepare (db,
                                    "INSERT INTO account_settings (account_id, key, value) "
                                    "VALUES (?1, ?2, ?3) "
                                    "ON CONFLICT (account_id, key) DO UPDATE SET value = excluded.value",
                                    error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  natter_store_bind_text (stmt, 2, key);
  if (value != NULL)
    natter_store_bind_text (stmt, 3, value);
  return natter_store_db_step_done (db, stmt, error);
}

/* Roster */

static gboolean
set_roster_version (NatterStoreDb  *db,
                    gint64          account_id,
                    gboolean        replace,
                    const char     *version,
                    GError        **error)
{
  g_autoptr(NatterStoreStmt) stmt = NULL;

  /* Always touch the row, so a missing account is noticed. */
  stmt = natter_store_db_prepare (db,
                                  "UPDATE accounts SET roster_version = "
                                  "CASE WHEN ?3 THEN ?2 ELSE roster_version END WHERE id = ?1",
                                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, account_id);
  natter_store_bind_text (stmt, 2, version);
  sqlite3_bind_int (stmt, 3, replace || version != NULL);
  if (!natter_store_db_step_done (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (db->handle) == 0)
    {
      set_not_found (error, "account", account_id);
      return FALSE;
    }
  return TRUE;
}

static gboolean
write_contact (NatterStoreDb       *db,
               gint64               account_id,
               NatterStoreContact  *contact,
               GError             **error)
{
  g_autoptr(NatterStoreStmt) upsert = NULL;
  g_autoptr(NatterStoreStmt) clear = NULL;

  upsert = natter_store_db_prepare (db,
                                    "INSERT INTO roster (account_id, jid, name, subscription, "
                                    "ask, approved) VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                                    "ON CONFLICT (account_id, jid) DO UPDATE SET "
                                    "name = excluded.name, subscription = excluded.subscription, "
                                    "ask = excluded.ask, approved = excluded.approved",
                                    error);
  if (upsert == NULL)
    return FALSE;
  sqlite3_bind_int64 (upsert, 1, account_id);
  natter_store_bind_text (upsert, 2, contact->jid);
  natter_store_bind_text (upsert, 3, contact->name);
  sqlite3_bind_int (upsert, 4, (int) contact->subscription);
  sqlite3_bind_int (upsert, 5, contact->ask ? 1 : 0);
  sqlite3_bind_int (upsert, 6, contact->approved ? 1 : 0);
  if (!natter_store_db_step_done (db, upsert, error))
    return FALSE;

  clear = natter_store_db_prepare (db,
                                   "DELETE FROM roster_groups WHERE account_id = ?1 AND jid = ?2",
                                   error);
  if (clear == NULL)
    return FALSE;
  sqlite3_bind_int64 (clear, 1, account_id);
  natter_store_bind_text (clear, 2, contact->jid);
  if (!natter_store_db_step_done (db, clear, error))
    return FALSE;

  for (guint i = 0; contact->groups != NULL && contact->groups[i] != NULL; i++)
    {
      g_autoptr(NatterStoreStmt) group = NULL;

      group = natter_store_db_prepare (db,
                                       "INSERT INTO roster_groups (account_id, jid, name) "
                                       "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                                       error);
      if (group == NULL)
        return FALSE;
      sqlite3_bind_int64 (group, 1, account_id);
      natter_store_bind_text (group, 2, contact->jid);
      natter_store_bind_text (group, 3, contact->groups[i]);
      if (!natter_store_db_step_done (db, group, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
contact_is_valid (NatterStoreContact *contact)
{
  return contact != NULL && contact->jid != NULL && *contact->jid != '\0' &&
         (guint) contact->subscription <= NATTER_STORE_SUBSCRIPTION_BOTH;
}

/**
 * natter_store_load_roster:
 * @self: a store
 * @account_id: the account
 * @version: (out) (optional) (nullable) (transfer full): the stored roster
 *   version, %NULL if none
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type NatterStoreContact): the cached
 *   roster ordered by JID, or %NULL on error (%NATTER_STORE_ERROR_NOT_FOUND
 *   if there is no such account)
 */
GPtrArray *
natter_store_load_roster (NatterStore  *self,
                          gint64        account_id,
                          char        **version,
                          GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) account = NULL;
  g_autoptr(NatterStoreStmt) items = NULL;
  g_autoptr(NatterStoreStmt) groups = NULL;
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GHashTable) by_jid = NULL;
  g_autoptr(GHashTable) group_lists = NULL;
  g_autofree char *stored_version = NULL;
  NatterStoreDb *db;
  GHashTableIter iter;
  gpointer key, value;
  int rc;

  NATTER_STORE_RETURN_IF_CLOSED (self, NULL);
  g_return_val_if_fail (account_id > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = natter_store_lock_db (self, &locker);

  /* One read transaction, so the version matches the items. */
  if (!natter_store_db_exec (db, "BEGIN", error))
    return NULL;

  account = natter_store_db_prepare (db, "SELECT roster_version FROM accounts WHERE id = ?1",
                                     error);
  if (account == NULL)
    goto fail;
  sqlite3_bind_int64 (account, 1, account_id);
  rc = natter_store_db_step (db, account, error);
  if (rc == SQLITE_DONE)
    set_not_found (error, "account", account_id);
  if (rc != SQLITE_ROW)
    goto fail;
  stored_version = natter_store_column_dup (account, 0);

  contacts = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_contact_unref);
  by_jid = g_hash_table_new (g_str_hash, g_str_equal);
  items = natter_store_db_prepare (db,
                                   "SELECT jid, name, subscription, ask, approved FROM roster "
                                   "WHERE account_id = ?1 ORDER BY jid",
                                   error);
  if (items == NULL)
    goto fail;
  sqlite3_bind_int64 (items, 1, account_id);
  while ((rc = natter_store_db_step (db, items, error)) == SQLITE_ROW)
    {
      NatterStoreContact *contact = natter_store_contact_new ();

      contact->jid = natter_store_column_dup (items, 0);
      contact->name = natter_store_column_dup (items, 1);
      contact->subscription = sqlite3_column_int (items, 2);
      contact->ask = sqlite3_column_int (items, 3) != 0;
      contact->approved = sqlite3_column_int (items, 4) != 0;
      g_ptr_array_add (contacts, contact);
      g_hash_table_insert (by_jid, contact->jid, contact);
    }
  if (rc != SQLITE_DONE)
    goto fail;

  group_lists = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_strv_builder_unref);
  groups = natter_store_db_prepare (db,
                                    "SELECT jid, name FROM roster_groups WHERE account_id = ?1 "
                                    "ORDER BY jid, name",
                                    error);
  if (groups == NULL)
    goto fail;
  sqlite3_bind_int64 (groups, 1, account_id);
  while ((rc = natter_store_db_step (db, groups, error)) == SQLITE_ROW)
    {
      NatterStoreContact *contact;
      GStrvBuilder *builder;

      contact = g_hash_table_lookup (by_jid, sqlite3_column_text (groups, 0));
      g_assert (contact != NULL);   /* the foreign key guarantees it */
      builder = g_hash_table_lookup (group_lists, contact);
      if (builder == NULL)
        {
          builder = g_strv_builder_new ();
          g_hash_table_insert (group_lists, contact, builder);
        }
      g_strv_builder_add (builder, (const char *) sqlite3_column_text (groups, 1));
    }
  if (rc != SQLITE_DONE)
    goto fail;

  g_hash_table_iter_init (&iter, group_lists);
  while (g_hash_table_iter_next (&iter, &key, &value))
    ((NatterStoreContact *) key)->groups = g_strv_builder_end (value);

  natter_store_db_rollback (db);
  if (version != NULL)
    *version = g_steal_pointer (&stored_version);
  return g_steal_pointer (&contacts);

fail:
  natter_store_db_rollback (db);
  return NULL;
}

/**
 * natter_store_replace_roster:
 * @self: a store
 * @account_id: the account
 * @version: (nullable): the version of this roster, %NULL if the server does
 *   not version rosters
 * @contacts: (element-type NatterStoreContact): the whole roster
 * @error: return location for a #GError
 *
 * Replaces the cached roster and its version in one transaction.
 *
 * Returns: %TRUE if the roster was replaced
 */
gboolean
natter_store_replace_roster (NatterStore  *self,
                             gint64        account_id,
                             const char   *version,
                             GPtrArray    *contacts,
                             GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) clear = NULL;
  NatterStoreDb *db;
  gboolean ok;

  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (account_id > 0, FALSE);
  g_return_val_if_fail (contacts != NULL, FALSE);
  for (guint i = 0; i < contacts->len; i++)
    g_return_val_if_fail (contact_is_valid (g_ptr_array_index (contacts, i)), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  db = natter_store_lock_db (self, &locker);
  ok = natter_store_db_begin (db, error) &&
       set_roster_version (db, account_id, TRUE, version, error);
  if (ok)
    {
      clear = natter_store_db_prepare (db, "DELETE FROM roster WHERE account_id = ?1", error);
      ok = clear != NULL;
    }
  if (ok)
    {
      sqlite3_bind_int64 (clear, 1, account_id);
      ok = natter_store_db_step_done (db, clear, error);
    }
  for (guint i = 0; ok && i < contacts->len; i++)
    ok = write_contact (db, account_id, g_ptr_array_index (contacts, i), error);
  return natter_store_db_end (db, ok, error);
}

/**
 * natter_store_update_roster_item:
 * @self: a store
 * @account_id: the account
 * @version: (nullable): the version a roster push carried; %NULL keeps the
 *   stored one
 * @contact: the new state of the item
 * @error: return location for a #GError
 *
 * Adds or replaces one cached roster item, with its groups.
 *
 * Returns: %TRUE if the item was written
 */
gboolean
natter_store_update_roster_item (NatterStore         *self,
                                 gint64               account_id,
                                 const char          *version,
                                 NatterStoreContact  *contact,
                                 GError             **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  NatterStoreDb *db;
  gboolean ok;

  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (account_id > 0, FALSE);
  g_return_val_if_fail (contact_is_valid (contact), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  db = natter_store_lock_db (self, &locker);
  ok = natter_store_db_begin (db, error) &&
       set_roster_version (db, account_id, FALSE, version, error) &&
       write_contact (db, account_id, contact, error);
  return natter_store_db_end (db, ok, error);
}

/**
 * natter_store_remove_roster_item:
 * @self: a store
 * @account_id: the account
 * @version: (nullable): the version a roster push carried; %NULL keeps the
 *   stored one
 * @jid: the contact's bare JID
 * @error: return location for a #GError
 *
 * Removes one cached roster item; removing an absent one succeeds.
 *
 * Returns: %TRUE if the item is not in the cache any more
 */
gboolean
natter_store_remove_roster_item (NatterStore  *self,
                                 gint64        account_id,
                                 const char   *version,
                                 const char   *jid,
                                 GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;
  gboolean ok;

  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (account_id > 0, FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  db = natter_store_lock_db (self, &locker);
  ok = natter_store_db_begin (db, error) &&
       set_roster_version (db, account_id, FALSE, version, error);
  if (ok)
    {
      stmt = natter_store_db_prepare (db, "DELETE FROM roster WHERE account_id = ?1 AND jid = ?2",
                                      error);
      ok = stmt != NULL;
    }
  if (ok)
    {
      sqlite3_bind_int64 (stmt, 1, account_id);
      natter_store_bind_text (stmt, 2, jid);
      ok = natter_store_db_step_done (db, stmt, error);
    }
  return natter_store_db_end (db, ok, error);
}
