/* conversation-open.c: opening a 100,000-message conversation as a NatterMessageList
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: conversation-open [MESSAGES]
 *
 * Fills one conversation with archive-sized batches (one transaction
 * each), closes and reopens the store, then times the creation of a
 * NatterMessageList until its first page (NATTER_MESSAGE_LIST_PAGE, a
 * screenful) is in the model; target under 10 ms.  Prints the resident
 * memory from /proc/self/statm before opening, after the first page and
 * after loading ten more pages: the growth must follow what is loaded,
 * not the size of the history.  Reference, in the same run: the store's
 * own query for the same page (natter_store_list_latest_messages) without
 * building the model.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "core/core.h"
#include "core/natter-conversation-private.h"
#include "store/store.h"

#define BATCH 250
#define MORE_PAGES 10

static double
ms_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* Resident memory in KiB. */
static gint64
resident_kib (void)
{
  long size = 0, resident = 0;
  FILE *file = fopen ("/proc/self/statm", "r");

  if (file == NULL)
    return -1;
  if (fscanf (file, "%ld %ld", &size, &resident) != 2)
    resident = -1;
  fclose (file);
  return resident < 0 ? -1 : resident * (sysconf (_SC_PAGESIZE) / 1024);
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

int
main (int   argc,
      char *argv[])
{
  guint total = argc > 1 ? (guint) atoi (argv[1]) : 100000;
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterStoreAccount) account = natter_store_account_new ();
  g_autoptr(NatterStoreConversation) conversation = NULL;
  g_autoptr(NatterMessageList) list = NULL;
  g_autoptr(GPtrArray) reference = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  NatterStore *store;
  gint64 timestamp = G_GINT64_CONSTANT (1700000000000000);
  gint64 start, rss_before, rss_first, rss_more;
  double fill_s, open_ms, reference_ms, more_ms;
  guint first_items, more_items;

  dir = g_dir_make_tmp ("natter-open-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "natter.db", NULL);

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

      for (guint i = 0; i < BATCH && done < total; i++, done++)
        {
          NatterStoreMessage *message = natter_store_message_new ();
          gboolean out = done % 3 == 0;

          timestamp += (done % 7) * G_GINT64_CONSTANT (1000000);
          message->conversation_id = conversation->id;
          message->direction = out ? NATTER_STORE_DIRECTION_OUT : NATTER_STORE_DIRECTION_IN;
          message->state = out ? NATTER_STORE_MESSAGE_STATE_READ
                               : NATTER_STORE_MESSAGE_STATE_RECEIVED;
          message->sender = g_strdup (out ? "me@example.org/natter.bench"
                                          : "alice@example.org/phone");
          message->body = g_strdup_printf ("message %u: see you at the station at %u, "
                                           "the train is late again", done, done % 24);
          message->stanza_id = g_strdup_printf ("stanza-%u", done);
          message->archive = g_strdup ("me@example.org");
          message->origin_id = g_strdup_printf ("origin-%u", done);
          message->message_id = g_strdup (message->origin_id);
          message->timestamp = timestamp;
          message->delay = timestamp;
          message->received = timestamp + 1000;
          message->flags = NATTER_STORE_MESSAGE_FLAG_MAM;
          g_ptr_array_add (batch, message);
        }
      results = natter_store_insert_messages (store, batch, NULL, &error);
      if (results == NULL)
        g_error ("%s", error->message);
    }
  fill_s = ms_since (start) / 1000.0;
  natter_store_close (store);
  g_object_unref (store);

  /* A fresh connection, as after starting Natter. */
  store = open_or_die (path);
  if (natter_store_count_messages (store, conversation->id, NULL) != total)
    g_error ("the store does not hold %u messages", total);

  /* Reference first, so the model is timed with the same warm file cache
   * and the statements already prepared once. */
  start = g_get_monotonic_time ();
  reference = natter_store_list_latest_messages (store, conversation->id,
                                                 NATTER_MESSAGE_LIST_PAGE, &error);
  reference_ms = ms_since (start);
  g_assert_no_error (error);
  g_clear_pointer (&reference, g_ptr_array_unref);

  rss_before = resident_kib ();
  start = g_get_monotonic_time ();
  list = natter_message_list_new (store, conversation->id, &error);
  if (list == NULL)
    g_error ("%s", error->message);
  first_items = g_list_model_get_n_items (G_LIST_MODEL (list));
  open_ms = ms_since (start);
  rss_first = resident_kib ();
  if (first_items < NATTER_MESSAGE_LIST_PAGE)
    g_error ("the list opened with %u items", first_items);

  start = g_get_monotonic_time ();
  for (guint i = 0; i < MORE_PAGES; i++)
    {
      if (natter_message_list_load_older (list, NATTER_MESSAGE_LIST_PAGE, &error) == 0 &&
          error != NULL)
        g_error ("%s", error->message);
    }
  more_ms = ms_since (start);
  more_items = g_list_model_get_n_items (G_LIST_MODEL (list));
  rss_more = resident_kib ();

  g_print ("conversation-open: %u messages stored in %.1f s (%.0f messages/s)\n",
           total, fill_s, total / fill_s);
  g_print ("  open, first %u items in the model: %.2f ms (target < 10 ms)\n",
           first_items, open_ms);
  g_print ("  reference, store query for the same page: %.2f ms; ratio %.2f\n",
           reference_ms, reference_ms > 0 ? open_ms / reference_ms : 0.0);
  g_print ("  %u more pages (%u items in the model): %.2f ms, %.3f ms a page\n",
           MORE_PAGES, more_items, more_ms, more_ms / MORE_PAGES);
  g_print ("  resident memory: before %" G_GINT64_FORMAT " KiB, after the first page %"
           G_GINT64_FORMAT " KiB (+%" G_GINT64_FORMAT "), after %u items %" G_GINT64_FORMAT
           " KiB (+%" G_GINT64_FORMAT ")\n",
           rss_before, rss_first, rss_first - rss_before, more_items, rss_more,
           rss_more - rss_before);

  g_clear_object (&list);
  natter_store_close (store);
  g_object_unref (store);
  g_unlink (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);

    g_unlink (wal);
    g_unlink (shm);
  }
  g_rmdir (dir);
  return 0;
}
