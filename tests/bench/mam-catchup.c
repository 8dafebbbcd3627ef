/* mam-catchup.c: a fresh profile's catch-up of 10,000 archived messages into the store
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Usage: build-aux/test-session _build/tests/bench/mam-catchup [MESSAGES]
 *
 * Starts the fixture's Prosody, seeds the archive of dan with MESSAGES
 * messages to eve from an engine client (sent back to back, then one
 * acked message), then times a fresh profile's catch-up through
 * NatterMessaging: from the account being online until the store holds
 * every message and the catch-up reports complete.  Reference, in the same
 * run: the same archive fetched page by page with xmpp_mam_query_async on
 * the engine client, one page in flight, without storing anything.  Needs
 * a Secret Service (build-aux/test-session) for the account's password.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <stdlib.h>

#include "core/core.h"
#include "core/natter-account-list-private.h"
#include "core/natter-account-private.h"
#include "store/store.h"
#include "xmpp/xmpp.h"

#include "natter-test-server.h"
#include "natter-test-xmpp.h"

#define HOST NATTER_TEST_DOMAIN
#define DAN "dan@" HOST
#define EVE "eve@" HOST
#define WAIT_S 300

static double
s_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;
}

static gboolean
tick_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

typedef struct
{
  gboolean      done;
  GAsyncResult *result;
} Waiter;

static void
waiter_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  Waiter *waiter = user_data;

  waiter->result = g_object_ref (result);
  waiter->done = TRUE;
}

static void
wait_for (Waiter     *waiter,
          const char *what)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;

  while (!waiter->done && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  if (!waiter->done)
    g_error ("timed out waiting for %s", what);
}

/* Back to back in chunks, each ended by an acked message, so the
 * client's unacked queue stays bounded. */
static void
seed (XmppClient *client,
      guint       total)
{
  g_autoptr(XmppJid) to = xmpp_jid_new (EVE, NULL);

  for (guint i = 0; i < total;)
    {
      g_autoptr(GError) error = NULL;
      Waiter waiter = { 0, };

      for (guint j = 0; j < 500 && i < total; j++, i++)
        {
          g_autofree char *id = g_uuid_string_random ();
          g_autofree char *body = g_strdup_printf ("archived message %u: see you at the station", i);
          g_autoptr(XmppNode) stanza = xmpp_message_build_chat (to, id, body);

          if (j + 1 < 500 && i + 1 < total)
            xmpp_client_send (client, stanza);
          else
            xmpp_client_send_async (client, stanza, NULL, waiter_cb, &waiter);
          if (j % 32 == 0)
            g_main_context_iteration (NULL, FALSE);
        }
      wait_for (&waiter, "a message to be acked");
      if (!xmpp_client_send_finish (client, waiter.result, &error))
        g_error ("seeding: %s", error->message);
      g_object_unref (waiter.result);
    }
}

/* The reference: every page, one in flight, nothing stored. */
static guint
fetch_all (XmppMam *mam,
           XmppJid *archive,
           guint   *pages)
{
  g_autofree char *after = NULL;
  guint n = 0;

  *pages = 0;
  for (;;)
    {
      g_autoptr(XmppMamPage) page = NULL;
      g_autoptr(GError) error = NULL;
      XmppMamQuery query = { .after_id = after, .max = XMPP_MAM_MAX_PAGE };
      Waiter waiter = { 0, };

      xmpp_mam_query_async (mam, archive, &query, NULL, waiter_cb, &waiter);
      wait_for (&waiter, "an archive page");
      page = xmpp_mam_query_finish (mam, waiter.result, &error);
      g_object_unref (waiter.result);
      if (page == NULL)
        g_error ("reference query: %s", error->message);
      (*pages)++;
      n += xmpp_mam_page_get_messages (page)->len;
      if (xmpp_mam_page_get_complete (page) || xmpp_mam_page_get_last (page) == NULL)
        break;
      g_free (after);
      after = g_strdup (xmpp_mam_page_get_last (page));
    }
  return n;
}

static gint64
stored (NatterStore            *store,
        NatterConversationList *conversations,
        NatterAccount          *account)
{
  NatterConversation *conversation;

  conversation = natter_conversation_list_lookup (conversations, account, EVE);
  if (conversation == NULL)
    return 0;
  return natter_store_count_messages (store, natter_conversation_get_id (conversation), NULL);
}

int
main (int   argc,
      char *argv[])
{
  guint total = argc > 1 ? (guint) atoi (argv[1]) : 10000;
  NatterTestServerOptions server_options = { .archive_page_max = 1000, };
  NatterAccountOptions options = { NULL, };
  g_autoptr(GError) error = NULL;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(XmppDisco) disco = NULL;
  g_autoptr(XmppMessages) messages = NULL;
  g_autoptr(XmppMam) mam = NULL;
  g_autoptr(XmppJid) archive = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  NatterTestServer *server;
  XmppClient *client;
  NatterStore *store;
  NatterAccountList *accounts;
  NatterConversationList *conversations;
  NatterMessaging *messaging;
  NatterAccount *account;
  Waiter waiter = { 0, };
  gint64 start, deadline, online_at;
  double seed_s, reference_s, reference2_s, catchup_s, login_s;
  guint reference_n, reference2_n, pages;
  gint64 n_stored;

  g_setenv ("GIO_USE_PROXY_RESOLVER", "dummy", TRUE);
  g_timeout_add (50, tick_cb, NULL);

  server = natter_test_server_start (&server_options, &error);
  if (server == NULL)
    g_error ("%s", error->message);
  if (!natter_test_server_add_account (server, "dan", "secret", &error) ||
      !natter_test_server_add_account (server, "eve", "secret", &error))
    g_error ("%s", error->message);
  database = natter_test_server_dup_tls_database (server, &error);
  g_assert_no_error (error);

  /* Seed. */
  client = natter_test_client_new (server, DAN "/seed", "secret");
  natter_test_client_go_online (client);
  disco = xmpp_disco_new (client);
  messages = xmpp_messages_new (client, disco);
  mam = xmpp_mam_new (messages);
  archive = xmpp_jid_new (DAN, NULL);
  start = g_get_monotonic_time ();
  seed (client, total);
  seed_s = s_since (start);

  /* Reference. */
  start = g_get_monotonic_time ();
  reference_n = fetch_all (mam, archive, &pages);
  reference_s = s_since (start);
  if (reference_n < total)
    g_error ("the archive holds %u messages, not %u", reference_n, total);

  /* A fresh profile. */
  dir = g_dir_make_tmp ("natter-mam-bench-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (dir, "natter.db", NULL);
  store = natter_store_open (path, &error);
  g_assert_no_error (error);
  accounts = natter_account_list_new (store, &error);
  g_assert_no_error (error);
  natter_account_list_set_tls_database (accounts, database);
  conversations = natter_conversation_list_new (accounts, &error);
  g_assert_no_error (error);
  options.resource = "bench";
  options.host = "127.0.0.1";
  options.port = natter_test_server_get_direct_tls_port (server);
  options.direct_tls = TRUE;

  start = g_get_monotonic_time ();
  natter_account_list_add_async (accounts, DAN, "secret", &options, NULL, waiter_cb, &waiter);
  wait_for (&waiter, "the account to be added");
  account = natter_account_list_add_finish (accounts, waiter.result, &error);
  if (account == NULL)
    g_error ("%s", error->message);
  g_object_unref (waiter.result);
  g_object_unref (account);
  messaging = natter_messaging_new (account, conversations);

  deadline = g_get_monotonic_time () + WAIT_S * G_USEC_PER_SEC;
  while (natter_account_get_state (account) != NATTER_ACCOUNT_STATE_ONLINE &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  online_at = g_get_monotonic_time ();
  login_s = s_since (start);
  while ((natter_messaging_get_syncing (messaging) ||
          (n_stored = stored (store, conversations, account)) < total) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  catchup_s = s_since (online_at);
  n_stored = stored (store, conversations, account);

  /* The reference again, now that the server's caches are as warm. */
  start = g_get_monotonic_time ();
  reference2_n = fetch_all (mam, archive, &pages);
  reference2_s = s_since (start);

  g_print ("mam-catchup: %u messages seeded in %.1f s\n", total, seed_s);
  g_print ("  catch-up through NatterMessaging: %" G_GINT64_FORMAT " stored in %.2f s "
           "(%.0f messages/s; target < 2 s), syncing %s; login took %.2f s\n",
           n_stored, catchup_s, n_stored / catchup_s,
           natter_messaging_get_syncing (messaging) ? "still on" : "done", login_s);
  g_print ("  reference, xmpp_mam_query_async without storing, one page in flight: "
           "%u messages in %u pages, %.2f s before (%.0f messages/s), %.2f s after "
           "(%u messages)\n",
           reference_n, pages, reference_s, reference_n / reference_s, reference2_s,
           reference2_n);
  g_print ("  ratio catch-up / reference: %.2f (before), %.2f (after)\n",
           catchup_s / reference_s, catchup_s / reference2_s);
  if (n_stored != total)
    g_printerr ("mam-catchup: the store holds %" G_GINT64_FORMAT " messages, not %u\n",
                n_stored, total);

  natter_account_list_disconnect_all (accounts);
  g_object_unref (messaging);
  g_object_unref (conversations);
  g_object_unref (accounts);
  natter_store_close (store);
  g_object_unref (store);
  g_clear_object (&mam);
  g_clear_object (&messages);
  g_clear_object (&disco);
  xmpp_client_disconnect (client);
  natter_test_spin (50);
  g_object_unref (client);
  natter_test_server_free (server);
  return n_stored == total ? 0 : 1;
}
