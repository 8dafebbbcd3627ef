/* store-page.c: filling a 100,000-message conversation, then opening it a page at a time
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: store-page [MESSAGES [PAGE-SIZE]]
 *
 * Fills one conversation in archive-sized batches (one transaction each,
 * with stanza-, origin- and message ids, as a MAM catch-up writes them),
 * then closes the store and opens it again, so every query below starts on
 * a fresh connection with an empty page cache (the operating system's file
 * cache stays warm).  Reference: a plain `SELECT … LIMIT 50` with no
 * ORDER BY and no WHERE on the same table, the cheapest way to read 50
 * rows, measured the same way in the same run.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "store/store.h"
#include "store/natter-store-private.h"

#define PAGE 50
#define REPEATS 50

static const char * const words[] = {
  "the", "a", "and", "to", "of", "in", "is", "you", "that", "it", "for", "on", "with", "are",
  "this", "be", "at", "have", "was", "not", "tomorrow", "meeting", "lunch", "coffee", "train",
  "late", "sorry", "thanks", "great", "see", "later", "home", "work", "call", "now", "ok",
  "weekend", "dinner", "photo", "link", "review", "patch", "build", "release", "server",
  "tonight", "morning", "running", "café", "naïve", "über", "日本", "😀", "https://example.org",
};

static char *
make_body (GRand *rand)
{
  GString *body = g_string_new (NULL);
  int n = g_rand_int_range (rand, 3, 25);

  for (int i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (body, ' ');
      g_string_append (body, words[g_rand_int_range (rand, 0, G_N_ELEMENTS (words))]);
    }
  return g_string_free (body, FALSE);
}

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

static int
compare_double (gconstpointer a,
                gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

static double
median (double *values,
        guint   n)
{
  qsort (values, n, sizeof (double), compare_double);
  return values[n / 2];
}

static NatterStore *
open_or_die (const char *path)
{
  g_autoptr(GError) error = NULL;
  NatterStore *store = natter_store_open (path, &error);

  if (store == NULL)
    g_error ("%s", error->message);
  return store;
}

static GPtrArray *
page_or_die (GPtrArray *page,
             GError    *error)
{
  if (page == NULL)
    g_error ("%s", error->message);
  if (page->len != PAGE)
    g_error ("a page held %u messages, not %d", page->len, PAGE);
  return page;
}

/* The reference: the cheapest 50 rows, read into the same records. */
static double
reference_query (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_message_unref);
  gint64 start;
  double elapsed;

  /* Like the store's cold page: the connection is open and has read the
   * schema, the statement is prepared for the first time, and no page of
   * the messages table is in its cache. */
  if (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_exec (db, "SELECT 1 FROM messages WHERE 0", NULL, NULL, NULL) != SQLITE_OK)
    g_error ("reference: %s", sqlite3_errmsg (db));
  start = g_get_monotonic_time ();
  if (sqlite3_prepare_v2 (db, "SELECT " NATTER_STORE_MESSAGE_COLUMNS " FROM messages m LIMIT 50",
                          -1, &stmt, NULL) != SQLITE_OK)
    g_error ("reference: %s", sqlite3_errmsg (db));
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (rows, natter_store_message_from_row (stmt));
  elapsed = ms_since (start);
  g_assert (rows->len == PAGE);
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return elapsed;
}

static double
reference_query_warm (sqlite3      *db,
                      sqlite3_stmt *stmt)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_message_unref);
  gint64 start = g_get_monotonic_time ();

  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (rows, natter_store_message_from_row (stmt));
  sqlite3_reset (stmt);
  return ms_since (start);
}

int
main (int   argc,
      char *argv[])
{
  guint total = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  guint batch_size = argc > 2 ? (guint) atoi (argv[2]) : 100;
  g_autoptr(GError) error = NULL;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  g_autoptr(NatterStoreAccount) account = natter_store_account_new ();
  g_autoptr(NatterStoreConversation) conversation = NULL;
  g_autoptr(NatterStoreMessage) middle = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  NatterStore *store;
  gint64 timestamp = G_GINT64_CONSTANT (1700000000000000);
  gint64 start, middle_id = 0, middle_time = 0;
  double fill_s, open_ms, newest_ms, middle_ms, count_ms, search_ms, reference_ms;
  double warm_newest[REPEATS], warm_middle[REPEATS], warm_reference[REPEATS];
  gint64 count;
  sqlite3 *ref_db = NULL;
  sqlite3_stmt *ref_stmt = NULL;

  dir = g_dir_make_tmp ("natter-store-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "natter.db", NULL);

  /* Fill. */
  store = open_or_die (path);
  account->jid = g_strdup ("me@example.org");
  if (!natter_store_add_account (store, account, &error))
    g_error ("%s", error->message);
  conversation = natter_store_ensure_conversation (store, account->id, "alice@example.org",
                                                   NATTER_STORE_CONVERSATION_CHAT, &error);
  g_assert_no_error (error);

  start = g_get_monotonic_time ();
  for (guint done = 0; done < total;)
    {
      g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_store_message_unref);
      g_autoptr(GArray) results = NULL;

      for (guint i = 0; i < batch_size && done < total; i++, done++)
        {
          NatterStoreMessage *message = natter_store_message_new ();
          gboolean out = g_rand_boolean (rand);

          /* Whole seconds, as archives stamp them: some messages tie. */
          timestamp += g_rand_int_range (rand, 0, 90) * G_GINT64_CONSTANT (1000000);
          message->conversation_id = conversation->id;
          message->direction = out ? NATTER_STORE_DIRECTION_OUT : NATTER_STORE_DIRECTION_IN;
          message->state = out ? NATTER_STORE_MESSAGE_STATE_READ
                               : NATTER_STORE_MESSAGE_STATE_RECEIVED;
          message->sender = g_strdup (out ? "me@example.org/natter.bench"
                                          : "alice@example.org/phone");
          message->body = make_body (rand);
          message->stanza_id = g_strdup_printf ("%08x-stanza-%u", g_rand_int (rand), done);
          message->archive = g_strdup ("me@example.org");
          message->origin_id = g_strdup_printf ("%08x-%04x-origin-%u", g_rand_int (rand),
                                                g_rand_int (rand) & 0xffff, done);
          message->message_id = g_strdup (message->origin_id);
          message->timestamp = timestamp;
          message->delay = timestamp;
          message->received = timestamp + 1000;
          message->flags = NATTER_STORE_MESSAGE_FLAG_MAM;
          g_ptr_array_add (batch, message);
          if (done == total / 2)
            {
              middle_time = timestamp;
              middle = natter_store_message_ref (message);
            }
        }
      results = natter_store_insert_messages (store, batch, NULL, &error);
      if (results == NULL)
        g_error ("%s", error->message);
    }
  fill_s = ms_since (start) / 1000.0;
  middle_id = middle->id;
  natter_store_close (store);
  g_object_unref (store);

  /* Cold: a new store, so new connections with empty caches. */
  start = g_get_monotonic_time ();
  store = open_or_die (path);
  open_ms = ms_since (start);

  start = g_get_monotonic_time ();
  {
    g_autoptr(GPtrArray) page = page_or_die (natter_store_list_latest_messages (store,
                                                                                conversation->id,
                                                                                PAGE, &error),
                                             error);
    newest_ms = ms_since (start);
  }
  start = g_get_monotonic_time ();
  {
    g_autoptr(GPtrArray) page = page_or_die (natter_store_list_messages_before (store,
                                                                                conversation->id,
                                                                                middle_time,
                                                                                middle_id, PAGE,
                                                                                &error),
                                             error);
    middle_ms = ms_since (start);
  }
  start = g_get_monotonic_time ();
  count = natter_store_count_messages (store, conversation->id, &error);
  count_ms = ms_since (start);
  g_assert (count == total);
  start = g_get_monotonic_time ();
  {
    g_autoptr(GPtrArray) hits = natter_store_search (store, "coffee tomorrow", 0, 0, 50, &error);

    g_assert_no_error (error);
    search_ms = ms_since (start);
  }
  reference_ms = reference_query (path);

  /* Warm: the same again, medians. */
  if (sqlite3_open_v2 (path, &ref_db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (ref_db, "SELECT " NATTER_STORE_MESSAGE_COLUMNS
                          " FROM messages m LIMIT 50", -1, &ref_stmt, NULL) != SQLITE_OK)
    g_error ("reference: %s", sqlite3_errmsg (ref_db));
  for (guint i = 0; i < REPEATS; i++)
    {
      g_autoptr(GPtrArray) newest = NULL;
      g_autoptr(GPtrArray) mid = NULL;

      start = g_get_monotonic_time ();
      newest = natter_store_list_latest_messages (store, conversation->id, PAGE, &error);
      warm_newest[i] = ms_since (start);
      start = g_get_monotonic_time ();
      mid = natter_store_list_messages_before (store, conversation->id, middle_time, middle_id,
                                               PAGE, &error);
      warm_middle[i] = ms_since (start);
      warm_reference[i] = reference_query_warm (ref_db, ref_stmt);
    }
  sqlite3_finalize (ref_stmt);
  sqlite3_close (ref_db);

  g_print ("store-page: %u messages in one conversation, batches of %u (one transaction each)\n",
           total, batch_size);
  g_print ("  fill                 %8.2f s     %8.0f messages/s\n", fill_s, total / fill_s);
  g_print ("  open store (cold)    %8.3f ms\n", open_ms);
  g_print ("                          cold ms    warm ms (median of %d)\n", REPEATS);
  g_print ("  newest %d           %8.3f   %8.3f\n", PAGE, newest_ms, median (warm_newest, REPEATS));
  g_print ("  middle %d           %8.3f   %8.3f\n", PAGE, middle_ms, median (warm_middle, REPEATS));
  g_print ("  reference LIMIT %d  %8.3f   %8.3f   (no WHERE, no ORDER BY)\n", PAGE, reference_ms,
           median (warm_reference, REPEATS));
  g_print ("  ratio newest/ref     %8.2f   %8.2f\n", newest_ms / reference_ms,
           median (warm_newest, REPEATS) / median (warm_reference, REPEATS));
  g_print ("  ratio middle/ref     %8.2f   %8.2f\n", middle_ms / reference_ms,
           median (warm_middle, REPEATS) / median (warm_reference, REPEATS));
  g_print ("  count                %8.3f ms\n", count_ms);
  g_print ("  search, 2 words      %8.3f ms\n", search_ms);

  natter_store_close (store);
  g_object_unref (store);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (path);
    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (dir);
  }
  return 0;
}
