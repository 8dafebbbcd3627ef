/* natter-store-conversations.c: conversations and their list state
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-store.h"

#include <glib/gi18n-lib.h>

#include "natter-store-error.h"
#include "natter-store-private.h"

#define CONVERSATION_COLUMNS \
  "id, account_id, peer, kind, last_activity, unread, encryption, draft"

static NatterStoreConversation *
conversation_from_row (NatterStoreStmt *stmt)
{
  NatterStoreConversation *conversation = natter_store_conversation_new ();

  conversation->id = sqlite3_column_int64 (stmt, 0);
  conversation->account_id = sqlite3_column_int64 (stmt, 1);
  conversation->peer = natter_store_column_dup (stmt, 2);
  conversation->kind = sqlite3_column_int (stmt, 3);
  conversation->last_activity = sqlite3_column_int64 (stmt, 4);
  conversation->unread = (guint) sqlite3_column_int64 (stmt, 5);
  conversation->encryption = sqlite3_column_int (stmt, 6);
  conversation->draft = natter_store_column_dup (stmt, 7);
  return conversation;
}

static NatterStoreConversation *
get_conversation (NatterStoreDb  *db,
                  gint64          conversation_id,
                  GError        **error)
{
  g_autoptr(NatterStoreStmt) stmt = NULL;

  stmt = natter_store_db_prepare (db,
                                  "SELECT " CONVERSATION_COLUMNS " FROM conversations "
                                  "WHERE id = ?1",
                                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  if (natter_store_db_step (db, stmt, error) != SQLITE_ROW)
    return NULL;
  return conversation_from_row (stmt);
}

/**
 * natter_store_ensure_conversation:
 * @self: a store
 * @account_id: the account
 * @peer: the normalised bare JID of the contact or room
 * @kind: the kind, used only if the conversation is created
 * @error: return location for a #GError
 *
 * Returns the conversation of @account_id with @peer, creating it if it
 * does not exist.  An existing conversation is returned unchanged.
 *
 * Returns: (transfer full): the conversation, or %NULL on error
 *   (%NATTER_STORE_ERROR_NOT_FOUND if there is no such account)
 */
NatterStoreConversation *
natter_store_ensure_conversation (NatterStore                  *self,
                                  gint64                        account_id,
                                  const char                   *peer,
                                  NatterStoreConversationKind   kind,
                                  GError                      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) insert = NULL;
  g_autoptr(NatterStoreStmt) select = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, NULL);
  g_return_val_if_fail (account_id > 0, NULL);
  g_return_val_if_fail (peer != NULL && *peer != '\0', NULL);
  g_return_val_if_fail (kind == NATTER_STORE_CONVERSATION_CHAT ||
                        kind == NATTER_STORE_CONVERSATION_GROUPCHAT, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = natter_store_lock_db (self, &locker);
  /* One statement is its own transaction; the select after it finds the
   * row whether this call or an earlier one created it. */
  insert = natter_store_db_prepare (db,
                                    "INSERT INTO conversations (account_id, peer, kind) "
                                    "VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
                                    error);
  if (insert == NULL)
    return NULL;
  sqlite3_bind_int64 (insert, 1, account_id);
  natter_store_bind_text (insert, 2, peer);
  sqlite3_bind_int (insert, 3, (int) kind);
  if (!natter_store_db_step_done (db, insert, error))
    return NULL;

  select = natter_store_db_prepare (db,
                                    "SELECT " CONVERSATION_COLUMNS " FROM conversations "
                                    "WHERE account_id = ?1 AND peer = ?2",
                                    error);
  if (select == NULL)
    return NULL;
  sqlite3_bind_int64 (select, 1, account_id);
  natter_store_bind_text (select, 2, peer);
  if (natter_store_db_step (db, select, error) != SQLITE_ROW)
    return NULL;
  return conversation_from_row (select);
}

/**
 * natter_store_get_conversation:
 * @self: a store
 * @conversation_id: the conversation
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the conversation, or %NULL with no
 *   error set if there is none with that id
 */
NatterStoreConversation *
natter_store_get_conversation (NatterStore  *self,
                               gint64        conversation_id,
                               GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, NULL);
  g_return_val_if_fail (conversation_id > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = natter_store_lock_db (self, &locker);
  return get_conversation (db, conversation_id, error);
}

/**
 * natter_store_list_conversations:
 * @self: a store
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type NatterStoreConversation): the
 *   conversations of all accounts, the most recently active first (ties
 *   broken by id, newest first), or %NULL on error
 */
GPtrArray *
natter_store_list_conversations (NatterStore  *self,
                                 GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) conversations = NULL;
  NatterStoreDb *db;
  int rc;

  NATTER_STORE_RETURN_IF_CLOSED (self, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "SELECT " CONVERSATION_COLUMNS " FROM conversations "
                                  "ORDER BY last_activity DESC, id DESC",
                                  error);
  if (stmt == NULL)
    return NULL;
  conversations = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_conversation_unref);
  while ((rc = natter_store_db_step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (conversations, conversation_from_row (stmt));
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&conversations);
}

/* Runs an UPDATE or DELETE of one conversation, ?1 being its id and ?2,
 * if the statement has it, the value. */
static gboolean
update_conversation (NatterStore  *self,
                     const char   *sql,
                     gint64        conversation_id,
                     const char   *text,
                     gint64        number,
                     GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  if (sqlite3_bind_parameter_count (stmt) >= 2)
    {
      if (text != NULL)
        natter_store_bind_text (stmt, 2, text);
      else
        sqlite3_bind_int64 (stmt, 2, number);
    }
  if (!natter_store_db_step_done (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (db->handle) == 0)
    {
      g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND,
                   _("There is no conversation with id %" G_GINT64_FORMAT), conversation_id);
      return FALSE;
    }
  return TRUE;
}

/**
 * natter_store_set_conversation_unread:
 * @self: a store
 * @conversation_id: the conversation
 * @unread: the number of unread messages
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the count was stored
 */
gboolean
natter_store_set_conversation_unread (NatterStore  *self,
                                      gint64        conversation_id,
                                      guint         unread,
                                      GError      **error)
{
  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (conversation_id > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return update_conversation (self, "UPDATE conversations SET unread = ?2 WHERE id = ?1",
                              conversation_id, NULL, unread, error);
}

/**
 * natter_store_set_conversation_draft:
 * @self: a store
 * @conversation_id: the conversation
 * @draft: (nullable): the composer's text, or %NULL for none
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the draft was stored
 */
gboolean
natter_store_set_conversation_draft (NatterStore  *self,
                                     gint64        conversation_id,
                                     const char   *draft,
                                     GError      **error)
{
  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (conversation_id > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (draft != NULL && *draft != '\0')
    return update_conversation (self, "UPDATE conversations SET draft = ?2 WHERE id = ?1",
                                conversation_id, draft, 0, error);
  return update_conversation (self, "UPDATE conversations SET draft = NULL WHERE id = ?1",
                              conversation_id, NULL, 0, error);
}

/**
 * natter_store_set_conversation_encryption:
 * @self: a store
 * @conversation_id: the conversation
 * @encryption: how new messages are to be encrypted
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the setting was stored
 */
gboolean
natter_store_set_conversation_encryption (NatterStore            *self,
                                          gint64                  conversation_id,
                                          NatterStoreEncryption   encryption,
                                          GError                **error)
{
  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (conversation_id > 0, FALSE);
  g_return_val_if_fail (encryption == NATTER_STORE_ENCRYPTION_NONE ||
                        encryption == NATTER_STORE_ENCRYPTION_OMEMO, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return update_conversation (self, "UPDATE conversations SET encryption = ?2 WHERE id = ?1",
                              conversation_id, NULL, encryption, error);
}

/**
 * natter_store_touch_conversation:
 * @self: a store
 * @conversation_id: the conversation
 * @timestamp: a time, in microseconds since the epoch
 * @error: return location for a #GError
 *
 * Moves the conversation's last activity forward to @timestamp (it never
 * moves back).  Inserting a message does this by itself.
 *
 * Returns: %TRUE if the conversation exists
 */
gboolean
natter_store_touch_conversation (NatterStore  *self,
                                 gint64        conversation_id,
                                 gint64        timestamp,
                                 GError      **error)
{
  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (conversation_id > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return update_conversation (self,
                              "UPDATE conversations SET last_activity = "
                              "max (last_activity, ?2) WHERE id = ?1",
                              conversation_id, NULL, timestamp, error);
}

/**
 * natter_store_remove_conversation:
 * @self: a store
 * @conversation_id: the conversation
 * @error: return location for a #GError
 *
 * Deletes the conversation with its messages and their outbox entries.
 *
 * Returns: %TRUE if the conversation existed and is gone
 */
gboolean
natter_store_remove_conversation (NatterStore  *self,
                                  gint64        conversation_id,
                                  GError      **error)
{
  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (conversation_id > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return update_conversation (self, "DELETE FROM conversations WHERE id = ?1",
                              conversation_id, NULL, 0, error);
}
