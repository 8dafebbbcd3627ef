/* natter-store-search.c: full-text search over message bodies (FTS5)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-store.h"

#include <string.h>

#include "natter-store-private.h"

/* Whether the unicode61 tokenizer would find a token in @word: it keeps
 * letters, digits and marks, and treats everything else as a separator. */
static gboolean
has_token (const char *word)
{
  for (const char *p = word; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isalnum (c) || g_unichar_ismark (c))
        return TRUE;
    }
  return FALSE;
}

/**
 * natter_store_search_build_query:
 * @text: what the user typed
 *
 * Turns user input into an FTS5 query that cannot be a syntax error and
 * has no operators: every whitespace-separated word becomes a quoted
 * string (a `"` inside is doubled), so `AND`, `OR`, `NOT`, `NEAR(`, `*`,
 * `^`, `:`, `-` and parentheses are text.  The words must all occur; the
 * last one may be the start of a word, so results follow typing.  Words
 * without a letter or digit are dropped, as the tokenizer would drop them.
 *
 * Returns: (transfer full): the query, "" if nothing is left to search for
 */
char *
natter_store_search_build_query (const char *text)
{
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  g_autoptr(GString) query = g_string_new (NULL);
  g_auto(GStrv) words = NULL;

  /* g_strsplit_set() knows ASCII spaces only; fold the others first. */
  for (char *p = valid; *p != '\0'; p = g_utf8_next_char (p))
    {
      if (g_unichar_isspace (g_utf8_get_char (p)))
        memset (p, ' ', g_utf8_next_char (p) - p);
    }

  words = g_strsplit (valid, " ", -1);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (!has_token (words[i]))
        continue;
      if (query->len > 0)
        g_string_append_c (query, ' ');
      g_string_append_c (query, '"');
      for (const char *q = words[i]; *q != '\0'; q++)
        {
          if (*q == '"')
            g_string_append_c (query, '"');
          g_string_append_c (query, *q);
        }
      g_string_append_c (query, '"');
    }
  /* The prefix operator goes after the closing quote of the last string. */
  if (query->len > 0)
    g_string_append_c (query, '*');

  return g_string_free (g_steal_pointer (&query), FALSE);
}

/**
 * natter_store_db_search:
 * @db: a connection
 * @text: what the user typed
 * @account_id: an account to search in, or 0 for all
 * @conversation_id: a conversation to search in, or 0 for all
 * @limit: the most results
 * @error: return location for a #GError
 *
 * The body of natter_store_search() and its async variant.
 *
 * Returns: (transfer full) (element-type NatterStoreMessage): the results
 */
GPtrArray *
natter_store_db_search (NatterStoreDb  *db,
                        const char     *text,
                        gint64          account_id,
                        gint64          conversation_id,
                        guint           limit,
                        GError        **error)
{
  g_autofree char *query = natter_store_search_build_query (text);
  g_autoptr(NatterStoreStmt) stmt = NULL;
  g_autoptr(GPtrArray) messages = NULL;
  int rc;

  messages = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_message_unref);
  if (*query == '\0' || limit == 0)
    return g_steal_pointer (&messages);

  /* rank is bm25(): lower is better.  Among equal ranks, newer first. */
  stmt = natter_store_db_prepare (db,
                                  "SELECT " NATTER_STORE_MESSAGE_COLUMNS " "
                                  "FROM messages_fts JOIN messages m ON m.id = messages_fts.rowid "
                                  "WHERE messages_fts MATCH ?1 "
                                  "AND (?2 = 0 OR m.account_id = ?2) "
                                  "AND (?3 = 0 OR m.conversation_id = ?3) "
                                  "ORDER BY messages_fts.rank, m.timestamp DESC, m.id DESC "
                                  "LIMIT ?4",
                                  error);
  if (stmt == NULL)
    return NULL;
  natter_store_bind_text (stmt, 1, query);
  sqlite3_bind_int64 (stmt, 2, account_id);
  sqlite3_bind_int64 (stmt, 3, conversation_id);
  sqlite3_bind_int64 (stmt, 4, limit);
  while ((rc = natter_store_db_step (db, stmt, error)) == SQLITE_ROW)
    g_ptr_array_add (messages, natter_store_message_from_row (stmt));
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&messages);
}

/**
 * natter_store_search:
 * @self: a store
 * @text: what the user typed; any text is safe
 * @account_id: an account to search in, or 0 for all
 * @conversation_id: a conversation to search in, or 0 for all
 * @limit: the most results
 * @error: return location for a #GError
 *
 * Searches the visible text of messages (a corrected message by its latest
 * text).  Every word of @text must occur, the last as a prefix; case and
 * diacritics are ignored.  @text is never parsed as a query: quotes,
 * `AND`/`OR`/`NOT`, `NEAR(`, `*` and the like are searched for as words.
 * On the main thread prefer natter_store_search_async().
 *
 * Returns: (transfer full) (element-type NatterStoreMessage): the matching
 *   messages, best match first (each carries its conversation id), or %NULL
 *   on error
 */
GPtrArray *
natter_store_search (NatterStore  *self,
                     const char   *text,
                     gint64        account_id,
                     gint64        conversation_id,
                     guint         limit,
                     GError      **error)
{
  g_autoptr(GMutexLocker) locker = NULL;
  NatterStoreDb *db;

  NATTER_STORE_RETURN_IF_CLOSED (self, NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (account_id >= 0 && conversation_id >= 0, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  db = natter_store_lock_db (self, &locker);
  return natter_store_db_search (db, text, account_id, conversation_id, limit, error);
}

typedef struct
{
  char   *text;
  gint64  account_id;
  gint64  conversation_id;
  guint   limit;
} SearchData;

static void
search_data_free (gpointer data)
{
  SearchData *search = data;

  g_free (search->text);
  g_free (search);
}

static gpointer
search_job (NatterStoreDb  *db,
            gpointer        data,
            GError        **error)
{
  SearchData *search = data;

  return natter_store_db_search (db, search->text, search->account_id,
                                 search->conversation_id, search->limit, error);
}

/**
 * natter_store_search_async:
 * @self: a store
 * @text: what the user typed; any text is safe
 * @account_id: an account to search in, or 0 for all
 * @conversation_id: a conversation to search in, or 0 for all
 * @limit: the most results
 * @cancellable: (nullable): cancels the search if it has not started
 * @callback: called on the thread-default main context of this call
 * @user_data: for @callback
 *
 * Runs natter_store_search() on the store's worker thread.
 */
void
natter_store_search_async (NatterStore         *self,
                           const char          *text,
                           gint64               account_id,
                           gint64               conversation_id,
                           guint                limit,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  SearchData *search;

  NATTER_STORE_RETURN_IF_CLOSED_VOID (self);
  g_return_if_fail (text != NULL);
  g_return_if_fail (account_id >= 0 && conversation_id >= 0);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  search = g_new0 (SearchData, 1);
  search->text = g_strdup (text);
  search->account_id = account_id;
  search->conversation_id = conversation_id;
  search->limit = limit;
  natter_store_run_job (self, natter_store_search_async, search_job,
                        search, search_data_free, (GDestroyNotify) g_ptr_array_unref,
                        cancellable, callback, user_data);
}

/**
 * natter_store_search_finish:
 * @self: a store
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (element-type NatterStoreMessage): the matching
 *   messages, best match first, or %NULL on error
 */
GPtrArray *
natter_store_search_finish (NatterStore   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (NATTER_IS_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == natter_store_search_async,
                        NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
