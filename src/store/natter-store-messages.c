/* natter-store-messages.c: messages, corrections, the outbox and archive ranges
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-store.h"

#include <glib/gi18n-lib.h>

#include "natter-store-error.h"
#include "natter-store-private.h"

/*
 * Deduplication (SECURITY.md I2) is the database's: the unique indexes
 * messages_stanza_id and messages_origin_id make a second copy of a message
 * an INSERT that does nothing.  The store then finds the row that holds the
 * message and, for a reflection of our own message that still lacked its
 * stanza-id, attaches it (O6).
 *
 * Corrections (XEP-0308) are rows of their own, so that their ids dedup
 * like any message's.  A correction names the id of the message it
 * corrects; once that message is stored, the correction's replaces_id
 * points at it, the correction is hidden, and the original's body becomes
 * the latest correction's text (its first text stays in original_body).
 * The original may arrive after its correction (an archive paged newest
 * first), so linking happens from both sides: when a correction is stored
 * and when a message that corrections name is stored.  Invariant: a row
 * that corrections point at is not itself a correction, so chains of
 * corrections are flattened and can form no cycle.
 */

typedef struct
{
  gint64                       account_id;
  NatterStoreConversationKind  kind;
} ConversationInfo;

/**
 * natter_store_message_from_row:
 * @stmt: a statement on a row that starts with %NATTER_STORE_MESSAGE_COLUMNS
 *
 * Returns: (transfer full): the message of the row
 */
NatterStoreMessage *
natter_store_message_from_row (NatterStoreStmt *stmt)
{
  NatterStoreMessage *message = natter_store_message_new ();

  message->id = sqlite3_column_int64 (stmt, 0);
  message->conversation_id = sqlite3_column_int64 (stmt, 1);
  message->account_id = sqlite3_column_int64 (stmt, 2);
  message->direction = sqlite3_column_int (stmt, 3);
  message->sender = natter_store_column_dup (stmt, 4);
  message->body = natter_store_column_dup (stmt, 5);
  message->original_body = natter_store_column_dup (stmt, 6);
  message->stanza_id = natter_store_column_dup (stmt, 7);
  message->archive = natter_store_column_dup (stmt, 8);
  message->origin_id = natter_store_column_dup (stmt, 9);
  message->message_id = natter_store_column_dup (stmt, 10);
  message->timestamp = sqlite3_column_int64 (stmt, 11);
  message->delay = sqlite3_column_int64 (stmt, 12);
  message->received = sqlite3_column_int64 (stmt, 13);
  message->state = sqlite3_column_int (stmt, 14);
  message->error = natter_store_column_dup (stmt, 15);
  message->replaces_ref = natter_store_column_dup (stmt, 16);
  message->replaces = sqlite3_column_int64 (stmt, 17);
  message->encryption = sqlite3_column_int (stmt, 18);
  message->sender_device = (guint32) sqlite3_column_int64 (stmt, 19);
  message->sender_trust = sqlite3_column_int (stmt, 20);
  message->flags = sqlite3_column_int (stmt, 21);
  return message;
}

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
message_is_valid (NatterStoreMessage *message)
{
  gboolean outgoing_state;

  if (message == NULL || message->id != 0 || message->conversation_id <= 0)
    return FALSE;
  if (message->direction != NATTER_STORE_DIRECTION_IN &&
      message->direction != NATTER_STORE_DIRECTION_OUT)
    return FALSE;
  if ((guint) message->state > NATTER_STORE_MESSAGE_STATE_UNDECRYPTABLE)
    return FALSE;
  outgoing_state = message->state <= NATTER_STORE_MESSAGE_STATE_FAILED;
  if (outgoing_state != (message->direction == NATTER_STORE_DIRECTION_OUT))
    return FALSE;
  if ((message->stanza_id == NULL) != (message->archive == NULL))
    return FALSE;
  if (message->encryption != NATTER_STORE_ENCRYPTION_NONE &&
      message->encryption != NATTER_STORE_ENCRYPTION_OMEMO)
    return FALSE;
  return TRUE;
}

static gboolean
lookup_conversation (NatterStoreDb     *db,
                     GHashTable        *cache,
                     gint64             conversation_id,
                     ConversationInfo  *info,
                     GError           **error)
{
  g_autoptr(NatterStoreStmt) stmt = NULL;
  ConversationInfo *cached;
  int rc;

  cached = g_hash_table_lookup (cache, &conversation_id);
  if (cached != NULL)
    {
      *info = *cached;
      return TRUE;
    }

  stmt = natter_store_db_prepare (db, "SELECT account_id, kind FROM conversations WHERE id = ?1",
                                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  rc = natter_store_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    set_not_found (error, "conversation", conversation_id);
  if (rc != SQLITE_ROW)
    return FALSE;

  info->account_id = sqlite3_column_int64 (stmt, 0);
  info->kind = sqlite3_column_int (stmt, 1);
  cached = g_new (ConversationInfo, 1);
  *cached = *info;
  g_hash_table_insert (cache, g_memdup2 (&conversation_id, sizeof conversation_id), cached);
  return TRUE;
}

/* Whether a correction by @b may apply to a message by @a: in a room, only
 * the same occupant's (SECURITY.md #14); a 1:1 conversation has one peer,
 * and our own messages are ours from any device. */
static gboolean
same_author (const ConversationInfo *info,
             NatterStoreDirection    direction,
             const char             *a,
             const char             *b)
{
  if (info->kind == NATTER_STORE_CONVERSATION_GROUPCHAT &&
      direction == NATTER_STORE_DIRECTION_IN)
    return a != NULL && g_strcmp0 (a, b) == 0;
  return TRUE;
}

/* Makes the body of @root the text of its latest correction, keeping its
 * own text in original_body, or restores its own text if no correction
 * with a text is left. */
static gboolean
refresh_corrected (NatterStoreDb  *db,
                   gint64          root,
                   GError        **error)
{
  g_autoptr(NatterStoreStmt) latest = NULL;
  g_autoptr(NatterStoreStmt) update = NULL;
  int rc;

  latest = natter_store_db_prepare (db,
                                    "SELECT body FROM messages "
                                    "WHERE replaces_id = ?1 AND body IS NOT NULL "
                                    "ORDER BY timestamp DESC, id DESC LIMIT 1",
                                    error);
  if (latest == NULL)
    return FALSE;
  sqlite3_bind_int64 (latest, 1, root);
  rc = natter_store_db_step (db, latest, error);
  if (rc == SQLITE_ROW)
    {
      update = natter_store_db_prepare (db,
                                        "UPDATE messages SET original_body = "
                                        "coalesce (original_body, body), body = ?2 WHERE id = ?1",
                                        error);
      if (update == NULL)
        return FALSE;
      sqlite3_bind_value (update, 2, sqlite3_column_value (latest, 0));
    }
  else if (rc == SQLITE_DONE)
    {
      update = natter_store_db_prepare (db,
                                        "UPDATE messages SET body = original_body, "
                                        "original_body = NULL "
                                        "WHERE id = ?1 AND original_body IS NOT NULL",
                                        error);
      if (update == NULL)
        return FALSE;
    }
  else
    return FALSE;

  sqlite3_bind_int64 (update, 1, root);
  return natter_store_db_step_done (db, update, error);
}

/* Makes @correction a correction of @root (a row that is no correction):
 * @correction's own corrections move to @root, and @correction gets its
 * own text back, which matters only for what it says about itself. */
static gboolean
link_correction (NatterStoreDb  *db,
                 gint64          correction,
                 gint64          root,
                 GError        **error)
{
  g_autoptr(NatterStoreStmt) link = NULL;
  g_autoptr(NatterStoreStmt) move = NULL;

  g_assert (correction != root);

  link = natter_store_db_prepare (db,
                                  "UPDATE messages SET replaces_id = ?2, "
                                  "body = coalesce (original_body, body), original_body = NULL "
                                  "WHERE id = ?1",
                                  error);
  if (link == NULL)
    return FALSE;
  sqlite3_bind_int64 (link, 1, correction);
  sqlite3_bind_int64 (link, 2, root);
  if (!natter_store_db_step_done (db, link, error))
    return FALSE;

  move = natter_store_db_prepare (db,
                                  "UPDATE messages SET replaces_id = ?2 WHERE replaces_id = ?1",
                                  error);
  if (move == NULL)
    return FALSE;
  sqlite3_bind_int64 (move, 1, correction);
  sqlite3_bind_int64 (move, 2, root);
  if (!natter_store_db_step_done (db, move, error))
    return FALSE;

  return refresh_corrected (db, root, error);
}

/* Links the new correction @message to the message it names, if stored. */
static gboolean
resolve_correction (NatterStoreDb           *db,
                    const ConversationInfo  *info,
                    NatterStoreMessage      *message,
                    GError                 **error)
{
  g_autoptr(NatterStoreStmt) stmt = NULL;
  gint64 root = 0;
  int rc;

  stmt = natter_store_db_prepare (db,
                                  "SELECT id, coalesce (replaces_id, id), sender FROM messages "
                                  "WHERE conversation_id = ?1 AND direction = ?2 AND id <> ?4 "
                                  "AND (message_id = ?3 OR origin_id = ?3) "
                                  "ORDER BY timestamp DESC, id DESC",
                                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message->conversation_id);
  sqlite3_bind_int (stmt, 2, message->direction);
  natter_store_bind_text (stmt, 3, message->replaces_ref);
  sqlite3_bind_int64 (stmt, 4, message->id);
  while ((rc = natter_store_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      if (same_author (info, message->direction,
                       (const char *) sqlite3_column_text (stmt, 2), message->sender) &&
          sqlite3_column_int64 (stmt, 1) != message->id)
        {
          root = sqlite3_column_int64 (stmt, 1);
          break;
        }
    }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return FALSE;
  natter_store_stmt_reset (stmt);

  if (root == 0)
    return TRUE;
  if (!link_correction (db, message->id, root, error))
    return FALSE;
  message->replaces = root;
  return TRUE;
}

/* Links the corrections stored before @message that name @ref, one of its ids. */
static gboolean
adopt_corrections (NatterStoreDb           *db,
                   const ConversationInfo  *info,
                   NatterStoreMessage      *message,
                   const char              *ref,
                   GError                 **error)
{
  g_autoptr(NatterStoreStmt) stmt = NULL;
  g_autoptr(GArray) found = g_array_new (FALSE, FALSE, sizeof (gint64));
  gint64 root = message->replaces != 0 ? message->replaces : message->id;
  int rc;

  stmt = natter_store_db_prepare (db,
                                  "SELECT id, sender FROM messages "
                                  "WHERE conversation_id = ?1 AND replaces_ref = ?2 "
                                  "AND replaces_id IS NULL AND direction = ?3 AND id <> ?4",
                                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message->conversation_id);
  natter_store_bind_text (stmt, 2, ref);
  sqlite3_bind_int (stmt, 3, message->direction);
  sqlite3_bind_int64 (stmt, 4, message->id);
  while ((rc = natter_store_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);

      if (id != root &&
          same_author (info, message->direction, message->sender,
                       (const char *) sqlite3_column_text (stmt, 1)))
        g_array_append_val (found, id);
    }
  if (rc != SQLITE_DONE)
    return FALSE;
  natter_store_stmt_reset (stmt);

  for (guint i = 0; i < found->len; i++)
    if (!link_correction (db, g_array_index (found, gint64, i), root, error))
      return FALSE;
  return TRUE;
}

static void
bind_message (NatterStoreStmt          *stmt,
              NatterStoreMessage       *message,
              const ConversationInfo   *info)
{
  sqlite3_bind_int64 (stmt, 1, message->conversation_id);
  sqlite3_bind_int64 (stmt, 2, info->account_id);
  sqlite3_bind_int (stmt, 3, message->direction);
  natter_store_bind_text (stmt, 4, message->sender);
  natter_store_bind_text (stmt, 5, message->body);
  natter_store_bind_text (stmt, 6, message->stanza_id);
  natter_store_bind_text (stmt, 7, message->archive);
  natter_store_bind_text (stmt, 8, message->origin_id);
  natter_store_bind_text (stmt, 9, message->message_id);
  sqlite3_bind_int64 (stmt, 10, message->timestamp);
  natter_store_bind_int64_or_null (stmt, 11, message->delay);
  sqlite3_bind_int64 (stmt, 12, message->received);
  sqlite3_bind_int (stmt, 13, message->state);
  natter_store_bind_text (stmt, 14, message->error);
  natter_store_bind_text (stmt, 15, message->replaces_ref);
  sqlite3_bind_int (stmt, 16, message->encryption);
  natter_store_bind_int64_or_null (stmt, 17, message->sender_device);
  sqlite3_bind_int (stmt, 18, message->sender_trust);
  sqlite3_bind_int (stmt, 19, message->flags);
}

/* Finds the row that made the insert of @message a no-op, and attaches
 * @message's stanza-id to it if it had none. */
static gboolean
handle_duplicate (NatterStoreDb            *db,
                  const ConversationInfo   *info,
                  NatterStoreMessage       *message,
                  NatterStoreInsertResult  *result,
                  GError                  **error)
{
  int rc;

  if (message->stanza_id != NULL)
    {
      g_autoptr(NatterStoreStmt) by_stanza_id = NULL;

      by_stanza_id = natter_store_db_prepare (db,
                                              "SELECT id FROM messages WHERE account_id = ?1 "
                                              "AND archive = ?2 AND stanza_id = ?3",
                                              error);
      if (by_stanza_id == NULL)
        return FALSE;
      sqlite3_bind_int64 (by_stanza_id, 1, info->account_id);
      natter_store_bind_text (by_stanza_id, 2, message->archive);
      natter_store_bind_text (by_stanza_id, 3, message->stanza_id);
      rc = natter_store_db_step (db, by_stanza_id, error);
      if (rc == SQLITE_ROW)
        {
          message->id = sqlite3_column_int64 (by_stanza_id, 0);
          *result = NATTER_STORE_INSERT_DUPLICATE;
          return TRUE;
        }
      if (rc != SQLITE_DONE)
        return FALSE;
    }

  if (message->origin_id != NULL)
    {
      g_autoptr(NatterStoreStmt) by_origin_id = NULL;
      g_autoptr(NatterStoreStmt) attach = NULL;
      gboolean has_stanza_id;

      by_origin_id = natter_store_db_prepare (db,
                                              "SELECT id, stanza_id IS NOT NULL FROM messages "
                                              "WHERE conversation_id = ?1 AND direction = ?2 "
                                              "AND origin_id = ?3",
                                              error);
      if (by_origin_id == NULL)
        return FALSE;
      sqlite3_bind_int64 (by_origin_id, 1, message->conversation_id);
      sqlite3_bind_int (by_origin_id, 2, message->direction);
      natter_store_bind_text (by_origin_id, 3, message->origin_id);
      rc = natter_store_db_step (db, by_origin_id, error);
      if (rc == SQLITE_ROW)
        {
          message->id = sqlite3_column_int64 (by_origin_id, 0);
          has_stanza_id = sqlite3_column_int (by_origin_id, 1) != 0;
          *result = NATTER_STORE_INSERT_DUPLICATE;
          if (has_stanza_id || message->stanza_id == NULL)
            return TRUE;

          /* No other row has this stanza-id: the lookup above found none. */
          attach = natter_store_db_prepare (db,
                                            "UPDATE messages SET stanza_id = ?2, archive = ?3 "
                                            "WHERE id = ?1 AND stanza_id IS NULL",
                                            error);
          if (attach == NULL)
            return FALSE;
          sqlite3_bind_int64 (attach, 1, message->id);
          natter_store_bind_text (attach, 2, message->stanza_id);
          natter_store_bind_text (attach, 3, message->archive);
          if (!natter_store_db_step_done (db, attach, error))
            return FALSE;
          *result = NATTER_STORE_INSERT_ATTACHED;
          return TRUE;
        }
      if (rc != SQLITE_DONE)
        return FALSE;
    }

  g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_FAILED,
               _("A message was refused as a duplicate of a message that cannot be found"));
  return FALSE;
}

/* Inserts one message inside the caller's transaction. */
static gboolean
insert_one (NatterStoreDb            *db,
            GHashTable               *conversations,
            NatterStoreMessage       *message,
            NatterStoreInsertResult  *result,
            GError                  **error)
{
  g_autoptr(NatterStoreStmt) insert = NULL;
  ConversationInfo info;
  int rc;

  if (!lookup_conversation (db, conversations, message->conversation_id, &info, error))
    return FALSE;

  if (message->received == 0)
    message->received = g_get_real_time ();
  if (message->timestamp == 0)
    message->timestamp = message->received;

  insert = natter_store_db_prepare (db,
                                    "INSERT INTO messages (conversation_id, account_id, direction, "
                                    "sender, body, stanza_id, archive, origin_id, message_id, "
                                    "timestamp, delay, received, state, error, replaces_ref, "
                                    "encryption, sender_device, sender_trust, flags) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, "
                                    "?13, ?14, ?15, ?16, ?17, ?18, ?19) "
                                    "ON CONFLICT DO NOTHING RETURNING id",
                                    error);
  if (insert == NULL)
    return FALSE;
  bind_message (insert, message, &info);
  rc = natter_store_db_step (db, insert, error);
  if (rc == SQLITE_DONE)
    return handle_duplicate (db, &info, message, result, error);
  if (rc != SQLITE_ROW)
    return FALSE;

  message->id = sqlite3_column_int64 (insert, 0);
  /* RETURNING rows are all computed before the first is returned, but the
   * statement must still run to its end before others use the table. */
  if (!natter_store_db_step_done (db, insert, error))
    return FALSE;
  natter_store_stmt_reset (insert);

  message->account_id = info.account_id;
  message->replaces = 0;
  *result = NATTER_STORE_INSERT_ADDED;

  if (message->replaces_ref != NULL && !resolve_correction (db, &info, message, error))
    return FALSE;
  if (message->message_id != NULL &&
      !adopt_corrections (db, &info, message, message->message_id, error))
    return FALSE;
  if (message->origin_id != NULL && g_strcmp0 (message->origin_id, message->message_id) != 0 &&
      !adopt_corrections (db, &info, message, message->origin_id, error))
    return FALSE;
  return TRUE;
}

/**
 * natter_store_db_save_mam_range:
 * @db: a connection, in a transaction or not
 * @range: the range; stored as new if its id is 0, which is then set
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the range was written
 */
gboolean
natter_store_db_save_mam_range (NatterStoreDb        *db,
                                NatterStoreMamRange  *range,
                                GError              **error)
{
  g_autoptr(NatterStoreStmt) stmt = NULL;
  int rc;

  if (range->id == 0)
    stmt = natter_store_db_prepare (db,
                                    "INSERT INTO mam_ranges (account_id, archive, from_id, "
                                    "from_time, to_id, to_time, complete) "
                                    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) RETURNING id",
                                    error);
  else
    stmt = natter_store_db_prepare (db,
                                    "UPDATE mam_ranges SET from_id = ?3, from_time = ?4, "
                                    "to_id = ?5, to_time = ?6, complete = ?7 "
                                    "WHERE id = ?8 AND account_id = ?1 AND archive = ?2 "
                                    "RETURNING id",
                                    error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, range->account_id);
  natter_store_bind_text (stmt, 2, range->archive);
  natter_store_bind_text (stmt, 3, range->from_id);
  natter_store_bind_int64_or_null (stmt, 4, range->from_time);
  natter_store_bind_text (stmt, 5, range->to_id);
  natter_store_bind_int64_or_null (stmt, 6, range->to_time);
  sqlite3_bind_int (stmt, 7, range->complete ? 1 : 0);
  if (range->id != 0)
    sqlite3_bind_int64 (stmt, 8, range->id);

  rc = natter_store_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND,
                   _("There is no archive range with id %" G_GINT64_FORMAT " for %s"),
                   range->id, range->archive);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return FALSE;
  range->id = sqlite3_column_int64 (stmt, 0);
  return natter_store_db_step_done (db, stmt, error);
}

/**
 * natter_store_db_insert_messages:
 * @db: a connection
 * @messages: (element-type NatterStoreMessage): the messages
 * @range: (nullable): archive coverage to save with them
 * @error: return location for a #GError
 *
 * The body of natter_store_insert_messages() and its async variant.
 *
 * Returns: (transfer full) (element-type NatterStoreInsertResult): one
 *   result per message, or %NULL
 */
GArray *
natter_store_db_insert_messages (NatterStoreDb        *db,
                                 GPtrArray            *messages,
                                 NatterStoreMamRange  *range,
                                 GError              **error)
{
  g_autoptr(GArray) results = NULL;
  g_autoptr(GHashTable) conversations = NULL;
  gint64 range_id = range != NULL ? range->id : 0;
  gboolean ok;

  results = g_array_sized_new (FALSE, TRUE, sizeof (NatterStoreInsertResult), messages->len);
  g_array_set_size (results, messages->len);
  conversations = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_free);

  ok = natter_store_db_begin (db, error);
  for (guint i = 0; ok && i < messages->len; i++)
    ok = insert_one (db, conversations, g_ptr_array_index (messages, i),
                     &g_array_index (results, NatterStoreInsertResult, i), error);
  if (ok && range != NULL)
    ok = natter_store_db_save_mam_range (db, range, error);

  if (!natter_store_db_end (db, ok, error))
    {
      /* Nothing was written: forget the row ids handed out. */
      for (guint i = 0; i < messages->len; i++)
        {
          NatterStoreMessage *message = g_ptr_array_index (messages, i);

          message->id = 0;
          message->account_id = 0;
          message->replaces = 0;
        }
      if (range != NULL)
        range->id = range_id;
      return NULL;
    }
  return g_steal_pointer (&results);
}

static gboolean
range_is_valid (NatterStoreMamRange *range)
{
  return range != NULL && range->account_id > 0 && range->archive != NULL;
}

/**
 * natter_store_insert_message:
 * @self: a store
 * @message: the message; its @id must be 0
 * @result: (out) (optional): whether it was added, a duplicate, or attached
 *   its stanza-id to the row it duplicates
 * @error: return location for a #GError
 *
 * Stores one message in its own transaction.  A @received of 0 means now, a
 * @timestamp of 0 means @received.  An outgoing message in state
 * %NATTER_STORE_MESSAGE_STATE_PENDING enters the outbox in the same
 * transaction (SECURITY.md O1).
 *
 * A message whose trusted stanza-id (per account and archive) or whose
 * origin-id (per conversation and direction) is already stored is not
 * stored again (I2); see #NatterStoreInsertResult.  Either way @message's
 * @id is set to the row holding it, and for an added message its
 * @account_id and, for a correction whose original is stored, @replaces.
 *
 * Returns: %TRUE unless an error occurred; nothing was written then
 */
gboolean
natter_store_insert_message (NatterStore              *self,
                             NatterStoreMessage       *message,
                             NatterStoreInsertResult  *result,
                             GError                  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  g_autoptr(GArray) results = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (message_is_valid (message), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  messages = g_ptr_array_new ();
  g_ptr_array_add (messages, message);
  db = natter_store_lock_db (self, &locker);
  results = natter_store_db_insert_messages (db, messages, NULL, error);
  if (results == NULL)
    return FALSE;
  if (result != NULL)
    *result = g_array_index (results, NatterStoreInsertResult, 0);
  return TRUE;
}

/**
 * natter_store_insert_messages:
 * @self: a store
 * @messages: (element-type NatterStoreMessage): the messages, each with @id 0
 * @range: (nullable): archive coverage to save in the same transaction
 * @error: return location for a #GError
 *
 * Stores many messages, as natter_store_insert_message() would, in ONE
 * transaction: all or none.  This is how an archive page is stored: its
 * messages and the range that says they are stored commit together, so a
 * crash or a full disk can leave a gap to fetch again but never a range
 * claiming messages that are not there (SECURITY.md I6).  @range is
 * inserted if its @id is 0 (and its @id set), else updated.
 *
 * On the main thread prefer natter_store_insert_messages_async().
 *
 * Returns: (transfer full) (element-type NatterStoreInsertResult): one
 *   result per message, in order, or %NULL with @error set and nothing
 *   written
 */
GArray *
natter_store_insert_messages (NatterStore          *self,
                              GPtrArray            *messages,
                              NatterStoreMamRange  *range,
                              GError              **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, NULL);
  g_return_val_if_fail (messages != NULL, NULL);
  for (guint i = 0; i < messages->len; i++)
    g_return_val_if_fail (message_is_valid (g_ptr_array_index (messages, i)), NULL);
  g_return_val_if_fail (range == NULL || range_is_valid (range), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = natter_store_lock_db (self, &locker);
  return natter_store_db_insert_messages (db, messages, range, error);
}

typedef struct
{
  GPtrArray           *messages;
  NatterStoreMamRange *range;
} InsertData;

static void
insert_data_free (gpointer data)
{
  InsertData *insert = data;

  g_ptr_array_unref (insert->messages);
  g_clear_pointer (&insert->range, natter_store_mam_range_unref);
  g_free (insert);
}

static gpointer
insert_messages_job (NatterStoreDb  *db,
                     gpointer        data,
                     GError        **error)
{
  InsertData *insert = data;

  return natter_store_db_insert_messages (db, insert->messages, insert->range, error);
}

/**
 * natter_store_insert_messages_async:
 * @self: a store
 * @messages: (element-type NatterStoreMessage): the messages, each with @id 0
 * @range: (nullable): archive coverage to save in the same transaction
 * @cancellable: (nullable): cancels the batch if it has not started
 * @callback: called on the thread-default main context of this call
 * @user_data: for @callback
 *
 * Runs natter_store_insert_messages() on the store's worker thread.  The
 * store holds references to @messages and @range, and sets their ids on
 * the worker thread: do not read or change them before @callback.
 */
void
natter_store_insert_messages_async (NatterStore          *self,
                                    GPtrArray            *messages,
                                    NatterStoreMamRange  *range,
                                    GCancellable         *cancellable,
                                    GAsyncReadyCallback   callback,
                                    gpointer              user_data)
{
  InsertData *insert;

  NATTER_STORE_RETURN_IF_CLOSED_VOID (self);
  g_return_if_fail (messages != NULL);
  for (guint i = 0; i < messages->len; i++)
    g_return_if_fail (message_is_valid (g_ptr_array_index (messages, i)));
  g_return_if_fail (range == NULL || range_is_valid (range));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  insert = g_new0 (InsertData, 1);
  insert->messages = g_ptr_array_new_full (messages->len,
                                           (GDestroyNotify) natter_store_message_unref);
  for (guint i = 0; i < messages->len; i++)
    g_ptr_array_add (insert->messages, natter_store_message_ref (g_ptr_array_index (messages, i)));
  insert->range = range != NULL ? natter_store_mam_range_ref (range) : NULL;

  natter_store_run_job (self, natter_store_insert_messages_async, insert_messages_job,
                        insert, insert_data_free, (GDestroyNotify) g_array_unref,
                        cancellable, callback, user_data);
}

/**
 * natter_store_insert_messages_finish:
 * @self: a store
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type NatterStoreInsertResult): one
 *   result per message, or %NULL with @error set and nothing written
 */
GArray *
natter_store_insert_messages_finish (NatterStore   *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (NATTER_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        natter_store_insert_messages_async, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * natter_store_attach_stanza_id:
 * @self: a store
 * @message_id: the message's row id
 * @archive: the `by` of the stanza-id
 * @stanza_id: the trusted stanza-id
 * @error: return location for a #GError
 *
 * Records the server's stanza-id of a stored message, for example of our
 * own message when the server's copy reports it (SECURITY.md O6).  A
 * message that already has this stanza-id is left alone.  It fails with
 * %NATTER_STORE_ERROR_EXISTS if the message has another stanza-id or
 * another message has this one.
 *
 * Returns: %TRUE if the message now has this stanza-id
 */
gboolean
natter_store_attach_stanza_id (NatterStore  *self,
                               gint64        message_id,
                               const char   *archive,
                               const char   *stanza_id,
                               GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) current = NULL;
  g_autoptr(NatterStoreStmt) attach = NULL;
  NatterStoreDb *db;
  gboolean ok;
  int rc;

  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (message_id > 0, FALSE);
  g_return_val_if_fail (archive != NULL, FALSE);
  g_return_val_if_fail (stanza_id != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  db = natter_store_lock_db (self, &locker);
  ok = natter_store_db_begin (db, error);
  if (ok)
    {
      current = natter_store_db_prepare (db,
                                         "SELECT archive IS ?2 AND stanza_id IS ?3, "
                                         "stanza_id IS NULL FROM messages WHERE id = ?1",
                                         error);
      ok = current != NULL;
    }
  if (ok)
    {
      sqlite3_bind_int64 (current, 1, message_id);
      natter_store_bind_text (current, 2, archive);
      natter_store_bind_text (current, 3, stanza_id);
      rc = natter_store_db_step (db, current, error);
      if (rc == SQLITE_DONE)
        set_not_found (error, "message", message_id);
      ok = rc == SQLITE_ROW;
    }
  if (ok && sqlite3_column_int (current, 0) == 0)
    {
      if (sqlite3_column_int (current, 1) == 0)
        {
          g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_EXISTS,
                       _("The message has another stanza-id already"));
          ok = FALSE;
        }
      else
        {
          attach = natter_store_db_prepare (db,
                                            "UPDATE messages SET archive = ?2, stanza_id = ?3 "
                                            "WHERE id = ?1",
                                            error);
          ok = attach != NULL;
          if (ok)
            {
              sqlite3_bind_int64 (attach, 1, message_id);
              natter_store_bind_text (attach, 2, archive);
              natter_store_bind_text (attach, 3, stanza_id);
              ok = natter_store_db_step_done (db, attach, error);
            }
        }
    }
  return natter_store_db_end (db, ok, error);
}

/**
 * natter_store_set_message_state:
 * @self: a store
 * @message_id: the message's row id
 * @state: the new state; outgoing states only for outgoing messages and
 *   incoming ones for incoming messages
 * @error_text: (nullable): why sending failed, with
 *   %NATTER_STORE_MESSAGE_STATE_FAILED
 * @error: return location for a #GError
 *
 * Sets the state unconditionally.  Leaving %NATTER_STORE_MESSAGE_STATE_PENDING
 * removes the message from the outbox (mark it sent when the server acks
 * it, failed when it cannot be sent); entering it again (a retry) puts it
 * at the end of the outbox.
 *
 * Returns: %TRUE if the state was set
 */
gboolean
natter_store_set_message_state (NatterStore              *self,
                                gint64                    message_id,
                                NatterStoreMessageState   state,
                                const char               *error_text,
                                GError                  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (message_id > 0, FALSE);
  g_return_val_if_fail ((guint) state <= NATTER_STORE_MESSAGE_STATE_UNDECRYPTABLE, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db, "UPDATE messages SET state = ?2, error = ?3 WHERE id = ?1",
                                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int (stmt, 2, state);
  natter_store_bind_text (stmt, 3, error_text);
  if (!natter_store_db_step_done (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (db->handle) == 0)
    {
      set_not_found (error, "message", message_id);
      return FALSE;
    }
  return TRUE;
}

/**
 * natter_store_advance_message_state:
 * @self: a store
 * @conversation_id: the conversation
 * @origin_id: the origin-id (which is also the `id`) of our message
 * @state: %NATTER_STORE_MESSAGE_STATE_SENT, %NATTER_STORE_MESSAGE_STATE_DELIVERED
 *   or %NATTER_STORE_MESSAGE_STATE_READ
 * @message_id: (out) (optional): the message's row id
 * @error: return location for a #GError
 *
 * Moves our message with @origin_id forward to @state, for an ack, a
 * delivery receipt or a displayed marker.  States only move forward
 * (pending or failed → sent → delivered → read): a late receipt after a
 * marker changes nothing.
 *
 * Returns: %TRUE if we sent a message with @origin_id in this conversation
 *   (whether or not its state moved), else %FALSE with
 *   %NATTER_STORE_ERROR_NOT_FOUND
 */
gboolean
natter_store_advance_message_state (NatterStore              *self,
                                    gint64                    conversation_id,
                                    const char               *origin_id,
                                    NatterStoreMessageState   state,
                                    gint64                   *message_id,
                                    GError                  **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) advance = NULL;
  g_autoptr(NatterStoreStmt) find = NULL;
  NatterStoreDb *db;
  int rc;

  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (conversation_id > 0, FALSE);
  g_return_val_if_fail (origin_id != NULL, FALSE);
  g_return_val_if_fail (state == NATTER_STORE_MESSAGE_STATE_SENT ||
                        state == NATTER_STORE_MESSAGE_STATE_DELIVERED ||
                        state == NATTER_STORE_MESSAGE_STATE_READ, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  db = natter_store_lock_db (self, &locker);
  /* Ranks: pending and failed 0; sent, delivered and read are their enum
   * values 1, 2 and 3.  The row moves only to a higher rank. */
  advance = natter_store_db_prepare (db,
                                     "UPDATE messages SET state = ?3, error = NULL "
                                     "WHERE conversation_id = ?1 AND direction = 1 "
                                     "AND origin_id = ?2 "
                                     "AND (CASE WHEN state IN (0, 4) THEN 0 ELSE state END) < ?3",
                                     error);
  if (advance == NULL)
    return FALSE;
  sqlite3_bind_int64 (advance, 1, conversation_id);
  natter_store_bind_text (advance, 2, origin_id);
  sqlite3_bind_int (advance, 3, state);
  if (!natter_store_db_step_done (db, advance, error))
    return FALSE;

  find = natter_store_db_prepare (db,
                                  "SELECT id FROM messages WHERE conversation_id = ?1 "
                                  "AND direction = 1 AND origin_id = ?2",
                                  error);
  if (find == NULL)
    return FALSE;
  sqlite3_bind_int64 (find, 1, conversation_id);
  natter_store_bind_text (find, 2, origin_id);
  rc = natter_store_db_step (db, find, error);
  if (rc == SQLITE_DONE)
    g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND,
                 _("No message of ours has the id “%s”"), origin_id);
  if (rc != SQLITE_ROW)
    return FALSE;
  if (message_id != NULL)
    *message_id = sqlite3_column_int64 (find, 0);
  return TRUE;
}

/**
 * natter_store_delete_message:
 * @self: a store
 * @message_id: the message's row id
 * @error: return location for a #GError
 *
 * Deletes a message with its corrections and outbox entry.  Deleting a
 * correction shows the previous text on the message it corrected.  The
 * message's words leave the full-text index's live data at once, and its
 * old segments at the index's next merge.
 *
 * Returns: %TRUE if the message existed and is gone
 */
gboolean
natter_store_delete_message (NatterStore  *self,
                             gint64        message_id,
                             GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) find = NULL;
  g_autoptr(NatterStoreStmt) remove = NULL;
  NatterStoreDb *db;
  gint64 root = 0;
  gboolean ok;
  int rc;

  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (message_id > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  db = natter_store_lock_db (self, &locker);
  ok = natter_store_db_begin (db, error);
  if (ok)
    {
      find = natter_store_db_prepare (db, "SELECT replaces_id FROM messages WHERE id = ?1", error);
      ok = find != NULL;
    }
  if (ok)
    {
      sqlite3_bind_int64 (find, 1, message_id);
      rc = natter_store_db_step (db, find, error);
      if (rc == SQLITE_DONE)
        set_not_found (error, "message", message_id);
      ok = rc == SQLITE_ROW;
      if (ok)
        root = sqlite3_column_int64 (find, 0);
      natter_store_stmt_reset (find);
    }
  if (ok)
    {
      remove = natter_store_db_prepare (db, "DELETE FROM messages WHERE id = ?1", error);
      ok = remove != NULL;
    }
  if (ok)
    {
      sqlite3_bind_int64 (remove, 1, message_id);
      ok = natter_store_db_step_done (db, remove, error);
    }
  if (ok && root != 0)
    ok = refresh_corrected (db, root, error);
  return natter_store_db_end (db, ok, error);
}

/* Runs @stmt, which the caller bound, and collects its messages. */
static GPtrArray *
collect_messages (NatterStoreDb    *db,
                  NatterStoreStmt  *stmt,
                  GError          **error)
{
  g_autoptr(GPtrArray) messages = NULL;
  int rc;

  messages = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_message_unref);
  while ((rc = natter_store_db_step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (messages, natter_store_message_from_row (stmt));
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&messages);
}

static NatterStoreMessage *
first_message (NatterStoreDb    *db,
               NatterStoreStmt  *stmt,
               GError          **error)
{
  if (natter_store_db_step (db, stmt, error) != SQLITE_ROW)
    return NULL;
  return natter_store_message_from_row (stmt);
}

/**
 * natter_store_get_message:
 * @self: a store
 * @message_id: the message's row id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the message, or %NULL with no error
 *   set if there is none with that id
 */
NatterStoreMessage *
natter_store_get_message (NatterStore  *self,
                          gint64        message_id,
                          GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, NULL);
  g_return_val_if_fail (message_id > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "SELECT " NATTER_STORE_MESSAGE_COLUMNS " FROM messages m "
                                  "WHERE m.id = ?1",
                                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, message_id);
  return first_message (db, stmt, error);
}

/**
 * natter_store_find_message_by_origin_id:
 * @self: a store
 * @conversation_id: the conversation
 * @direction: the direction
 * @origin_id: the origin-id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the message, or %NULL with no error
 *   set if there is none
 */
NatterStoreMessage *
natter_store_find_message_by_origin_id (NatterStore           *self,
                                        gint64                 conversation_id,
                                        NatterStoreDirection   direction,
                                        const char            *origin_id,
                                        GError               **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, NULL);
  g_return_val_if_fail (conversation_id > 0, NULL);
  g_return_val_if_fail (origin_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "SELECT " NATTER_STORE_MESSAGE_COLUMNS " FROM messages m "
                                  "WHERE m.conversation_id = ?1 AND m.direction = ?2 "
                                  "AND m.origin_id = ?3",
                                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  sqlite3_bind_int (stmt, 2, direction);
  natter_store_bind_text (stmt, 3, origin_id);
  return first_message (db, stmt, error);
}

/**
 * natter_store_find_message_by_stanza_id:
 * @self: a store
 * @account_id: the account
 * @archive: the archive (`by`) of the stanza-id
 * @stanza_id: the stanza-id
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the message, or %NULL with no error
 *   set if there is none
 */
NatterStoreMessage *
natter_store_find_message_by_stanza_id (NatterStore  *self,
                                        gint64        account_id,
                                        const char   *archive,
                                        const char   *stanza_id,
                                        GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, NULL);
  g_return_val_if_fail (account_id > 0, NULL);
  g_return_val_if_fail (archive != NULL, NULL);
  g_return_val_if_fail (stanza_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "SELECT " NATTER_STORE_MESSAGE_COLUMNS " FROM messages m "
                                  "WHERE m.account_id = ?1 AND m.archive = ?2 "
                                  "AND m.stanza_id = ?3",
                                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  natter_store_bind_text (stmt, 2, archive);
  natter_store_bind_text (stmt, 3, stanza_id);
  return first_message (db, stmt, error);
}

/**
 * natter_store_find_message_by_message_id:
 * @self: a store
 * @conversation_id: the conversation
 * @message_id: the `id` attribute
 * @error: return location for a #GError
 *
 * Finds the newest message in the conversation whose `id` attribute is
 * @message_id.  Such ids are not unique (clients reuse them), so check the
 * sender before acting on the result.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL with no error
 *   set if there is none
 */
NatterStoreMessage *
natter_store_find_message_by_message_id (NatterStore  *self,
                                         gint64        conversation_id,
                                         const char   *message_id,
                                         GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, NULL);
  g_return_val_if_fail (conversation_id > 0, NULL);
  g_return_val_if_fail (message_id != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "SELECT " NATTER_STORE_MESSAGE_COLUMNS " FROM messages m "
                                  "WHERE m.conversation_id = ?1 AND m.message_id = ?2 "
                                  "ORDER BY m.timestamp DESC, m.id DESC LIMIT 1",
                                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  natter_store_bind_text (stmt, 2, message_id);
  return first_message (db, stmt, error);
}

/*
 * A page is read with two index seeks, not with the row value
 * (timestamp, id) < (?, ?): SQLite seeks such a bound on timestamp only and
 * then filters, which walks every message sharing the anchor's timestamp
 * (archives stamp whole seconds, so there can be many).  First the rest of
 * the anchor's timestamp, by id; then, if the page is not full, the
 * timestamps beyond it.  Each statement reads its rows straight off
 * messages_by_time in page order, so nothing is sorted.
 */
static const char * const page_statements[2][2] = {
  {   /* before: newest first, reversed afterwards */
    "SELECT " NATTER_STORE_MESSAGE_COLUMNS " FROM messages m "
    "WHERE m.conversation_id = ?1 AND m.replaces_id IS NULL "
    "AND m.timestamp = ?2 AND m.id < ?3 "
    "ORDER BY m.timestamp DESC, m.id DESC LIMIT ?4",
    "SELECT " NATTER_STORE_MESSAGE_COLUMNS " FROM messages m "
    "WHERE m.conversation_id = ?1 AND m.replaces_id IS NULL "
    "AND m.timestamp < ?2 "
    "ORDER BY m.timestamp DESC, m.id DESC LIMIT ?4",
  },
  {   /* after: oldest first */
    "SELECT " NATTER_STORE_MESSAGE_COLUMNS " FROM messages m "
    "WHERE m.conversation_id = ?1 AND m.replaces_id IS NULL "
    "AND m.timestamp = ?2 AND m.id > ?3 "
    "ORDER BY m.timestamp ASC, m.id ASC LIMIT ?4",
    "SELECT " NATTER_STORE_MESSAGE_COLUMNS " FROM messages m "
    "WHERE m.conversation_id = ?1 AND m.replaces_id IS NULL "
    "AND m.timestamp > ?2 "
    "ORDER BY m.timestamp ASC, m.id ASC LIMIT ?4",
  },
};

static GPtrArray *
list_page (NatterStore  *self,
           gint64        conversation_id,
           gint64        timestamp,
           gint64        message_id,
           guint         limit,
           gboolean      after,
           GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  NatterStoreDb *db;

  messages = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_message_unref);
  db = natter_store_lock_db (self, &locker);

  /* One read transaction, so both halves see the same database. */
  if (!natter_store_db_exec (db, "BEGIN", error))
    return NULL;

  for (guint i = 0; i < 2 && messages->len < limit; i++)
    {
      g_autoptr(NatterStoreStmt) stmt = NULL;
      int rc;

      stmt = natter_store_db_prepare (db, page_statements[after][i], error);
      if (stmt == NULL)
        {
          natter_store_db_rollback (db);
          return NULL;
        }
      sqlite3_bind_int64 (stmt, 1, conversation_id);
      sqlite3_bind_int64 (stmt, 2, timestamp);
      sqlite3_bind_int64 (stmt, 3, message_id);
      sqlite3_bind_int64 (stmt, 4, limit - messages->len);
      while ((rc = natter_store_db_step (db, stmt, error)) == SQLITE_ROW)
        g_ptr_array_add (messages, natter_store_message_from_row (stmt));
      if (rc != SQLITE_DONE)
        {
          natter_store_stmt_reset (stmt);
          natter_store_db_rollback (db);
          return NULL;
        }
    }
  natter_store_db_rollback (db);

  if (!after)
    {
      for (guint i = 0, j = messages->len; i + 1 < j; i++, j--)
        {
          gpointer tmp = messages->pdata[i];

          messages->pdata[i] = messages->pdata[j - 1];
          messages->pdata[j - 1] = tmp;
        }
    }
  return g_steal_pointer (&messages);
}

/**
 * natter_store_list_messages_before:
 * @self: a store
 * @conversation_id: the conversation
 * @timestamp: the @timestamp of the position
 * @message_id: the row id of the position
 * @limit: the most messages to return
 * @error: return location for a #GError
 *
 * Lists up to @limit visible messages that come before the position
 * (@timestamp, @message_id) in the order (timestamp, id).  The position
 * need not be a stored message; (%G_MAXINT64, %G_MAXINT64) is after every
 * message.  The cost depends on @limit, not on the history's length.
 *
 * Returns: (transfer full) (element-type NatterStoreMessage): the messages
 *   immediately before the position, oldest first, or %NULL on error
 */
GPtrArray *
natter_store_list_messages_before (NatterStore  *self,
                                   gint64        conversation_id,
                                   gint64        timestamp,
                                   gint64        message_id,
                                   guint         limit,
                                   GError      **error)
{
  NATTER_STORE_RETURN_IF_CLOSED (self, NULL);
  g_return_val_if_fail (conversation_id > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return list_page (self, conversation_id, timestamp, message_id, limit, FALSE, error);
}

/**
 * natter_store_list_messages_after:
 * @self: a store
 * @conversation_id: the conversation
 * @timestamp: the @timestamp of the position
 * @message_id: the row id of the position
 * @limit: the most messages to return
 * @error: return location for a #GError
 *
 * Lists up to @limit visible messages that come after the position
 * (@timestamp, @message_id) in the order (timestamp, id).
 * (%G_MININT64, 0) is before every message.
 *
 * Returns: (transfer full) (element-type NatterStoreMessage): the messages
 *   immediately after the position, oldest first, or %NULL on error
 */
GPtrArray *
natter_store_list_messages_after (NatterStore  *self,
                                  gint64        conversation_id,
                                  gint64        timestamp,
                                  gint64        message_id,
                                  guint         limit,
                                  GError      **error)
{
  NATTER_STORE_RETURN_IF_CLOSED (self, NULL);
  g_return_val_if_fail (conversation_id > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return list_page (self, conversation_id, timestamp, message_id, limit, TRUE, error);
}

/**
 * natter_store_list_latest_messages:
 * @self: a store
 * @conversation_id: the conversation
 * @limit: the most messages to return
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type NatterStoreMessage): the newest
 *   @limit visible messages, oldest first, or %NULL on error
 */
GPtrArray *
natter_store_list_latest_messages (NatterStore  *self,
                                   gint64        conversation_id,
                                   guint         limit,
                                   GError      **error)
{
  return natter_store_list_messages_before (self, conversation_id, G_MAXINT64, G_MAXINT64,
                                            limit, error);
}

/**
 * natter_store_get_latest_message:
 * @self: a store
 * @conversation_id: the conversation
 * @error: return location for a #GError
 *
 * The newest visible message that is not a notice, for the conversation
 * list's preview.
 *
 * Returns: (transfer full) (nullable): the message, or %NULL with no error
 *   set if the conversation has none
 */
NatterStoreMessage *
natter_store_get_latest_message (NatterStore  *self,
                                 gint64        conversation_id,
                                 GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, NULL);
  g_return_val_if_fail (conversation_id > 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "SELECT " NATTER_STORE_MESSAGE_COLUMNS " FROM messages m "
                                  "WHERE m.conversation_id = ?1 AND m.replaces_id IS NULL "
                                  "AND (m.flags & ?2) = 0 "
                                  "ORDER BY m.timestamp DESC, m.id DESC LIMIT 1",
                                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  sqlite3_bind_int (stmt, 2, NATTER_STORE_MESSAGE_FLAG_DEVICE_NOTICE);
  if (natter_store_db_step (db, stmt, error) != SQLITE_ROW)
    return NULL;
  return natter_store_message_from_row (stmt);
}

/**
 * natter_store_count_messages:
 * @self: a store
 * @conversation_id: the conversation
 * @error: return location for a #GError
 *
 * Returns: the number of visible messages (corrections are part of the
 *   message they correct; notices are no messages), or -1 on error
 */
gint64
natter_store_count_messages (NatterStore  *self,
                             gint64        conversation_id,
                             GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, -1);
  g_return_val_if_fail (conversation_id > 0, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "SELECT count(*) FROM messages "
                                  "WHERE conversation_id = ?1 AND replaces_id IS NULL "
                                  "AND (flags & ?2) = 0",
                                  error);
  if (stmt == NULL)
    return -1;
  sqlite3_bind_int64 (stmt, 1, conversation_id);
  sqlite3_bind_int (stmt, 2, NATTER_STORE_MESSAGE_FLAG_DEVICE_NOTICE);
  if (natter_store_db_step (db, stmt, error) != SQLITE_ROW)
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

/**
 * natter_store_list_outbox:
 * @self: a store
 * @account_id: the account, or 0 for all
 * @error: return location for a #GError
 *
 * The outgoing messages still pending, in the order they are to be sent:
 * after a restart or a session that was not resumed, send these again
 * with their origin-ids (SECURITY.md O1, O3).
 *
 * Returns: (transfer full) (element-type NatterStoreMessage): the pending
 *   messages in send order, or %NULL on error
 */
GPtrArray *
natter_store_list_outbox (NatterStore  *self,
                          gint64        account_id,
                          GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, NULL);
  g_return_val_if_fail (account_id >= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "SELECT " NATTER_STORE_MESSAGE_COLUMNS " FROM outbox o "
                                  "JOIN messages m ON m.id = o.message_id "
                                  "WHERE ?1 = 0 OR m.account_id = ?1 ORDER BY o.seq",
                                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  return collect_messages (db, stmt, error);
}

/**
 * natter_store_record_send_attempt:
 * @self: a store
 * @message_id: a pending message
 * @attempts: (out) (optional): how often it has been tried, this time included
 * @error: return location for a #GError
 *
 * Counts an attempt to send a pending message.
 *
 * Returns: %TRUE if the message is in the outbox, else %FALSE with
 *   %NATTER_STORE_ERROR_NOT_FOUND
 */
gboolean
natter_store_record_send_attempt (NatterStore  *self,
                                  gint64        message_id,
                                  guint        *attempts,
                                  GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;
  int rc;

  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (message_id > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "UPDATE outbox SET attempts = attempts + 1, last_attempt = ?2 "
                                  "WHERE message_id = ?1 RETURNING attempts",
                                  error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, message_id);
  sqlite3_bind_int64 (stmt, 2, g_get_real_time ());
  rc = natter_store_db_step (db, stmt, error);
  if (rc == SQLITE_DONE)
    g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND,
                 _("The message with id %" G_GINT64_FORMAT " is not waiting to be sent"),
                 message_id);
  if (rc != SQLITE_ROW)
    return FALSE;
  if (attempts != NULL)
    *attempts = (guint) sqlite3_column_int64 (stmt, 0);
  return natter_store_db_step_done (db, stmt, error);
}

/**
 * natter_store_list_mam_ranges:
 * @self: a store
 * @account_id: the account
 * @archive: the archive's bare JID
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type NatterStoreMamRange): the stored
 *   ranges of the archive, the newest first, or %NULL on error
 */
GPtrArray *
natter_store_list_mam_ranges (NatterStore  *self,
                              gint64        account_id,
                              const char   *archive,
                              GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) ranges = NULL;
  NatterStoreDb *db;
  int rc;

  NATTER_STORE_RETURN_IF_CLOSED (self, NULL);
  g_return_val_if_fail (account_id > 0, NULL);
  g_return_val_if_fail (archive != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db,
                                  "SELECT id, account_id, archive, from_id, from_time, to_id, "
                                  "to_time, complete FROM mam_ranges "
                                  "WHERE account_id = ?1 AND archive = ?2 "
                                  "ORDER BY coalesce (to_time, 0) DESC, id DESC",
                                  error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, account_id);
  natter_store_bind_text (stmt, 2, archive);
  ranges = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_mam_range_unref);
  while ((rc = natter_store_db_step (db, stmt, error)) == SQLITE_ROW)
    {
      NatterStoreMamRange *range = natter_store_mam_range_new ();

      range->id = sqlite3_column_int64 (stmt, 0);
      range->account_id = sqlite3_column_int64 (stmt, 1);
      range->archive = natter_store_column_dup (stmt, 2);
      range->from_id = natter_store_column_dup (stmt, 3);
      range->from_time = sqlite3_column_int64 (stmt, 4);
      range->to_id = natter_store_column_dup (stmt, 5);
      range->to_time = sqlite3_column_int64 (stmt, 6);
      range->complete = sqlite3_column_int (stmt, 7) != 0;
      g_ptr_array_add (ranges, range);
    }
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&ranges);
}

/**
 * natter_store_save_mam_range:
 * @self: a store
 * @range: the range; inserted if its @id is 0 (and its @id set), else updated
 * @error: return location for a #GError
 *
 * Saves archive coverage on its own, for a page that held no message (an
 * empty catch-up).  A page with messages saves its range with
 * natter_store_insert_messages(), in the same transaction.
 *
 * Returns: %TRUE if the range was written
 */
gboolean
natter_store_save_mam_range (NatterStore          *self,
                             NatterStoreMamRange  *range,
                             GError              **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (range_is_valid (range), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  db = natter_store_lock_db (self, &locker);
  return natter_store_db_save_mam_range (db, range, error);
}

/**
 * natter_store_remove_mam_range:
 * @self: a store
 * @range_id: the range
 * @error: return location for a #GError
 *
 * Removes a range, typically after extending another one over it.  Extend
 * first, then remove: a crash in between leaves overlapping ranges, which
 * cost a few duplicate fetches, never a hole.
 *
 * Returns: %TRUE if the range existed and is gone
 */
gboolean
natter_store_remove_mam_range (NatterStore  *self,
                               gint64        range_id,
                               GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  g_autoptr(NatterStoreStmt) stmt = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, FALSE);
  g_return_val_if_fail (range_id > 0, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  db = natter_store_lock_db (self, &locker);
  stmt = natter_store_db_prepare (db, "DELETE FROM mam_ranges WHERE id = ?1", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, range_id);
  if (!natter_store_db_step_done (db, stmt, error))
    return FALSE;
  if (sqlite3_changes (db->handle) == 0)
    {
      g_set_error (error, NATTER_STORE_ERROR, NATTER_STORE_ERROR_NOT_FOUND,
                   _("There is no archive range with id %" G_GINT64_FORMAT), range_id);
      return FALSE;
    }
  return TRUE;
}
