/* natter-demo-server.c: a private Prosody with two accounts that know each other
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   natter-demo-server
 *
 * For `build-aux/run --demo`: starts the test Prosody on 127.0.0.1, creates
 * alice@natter.test and bob@natter.test (passwords "alice" and "bob"),
 * makes them each other's contacts through a real subscription handshake,
 * leaves a short conversation in their archives, prints shell assignments
 * describing the server and runs until SIGINT or SIGTERM.
 */
#include "config.h"

#include <glib-unix.h>
#include <stdio.h>

#include "natter-test-xmpp.h"

static const char * const history[][2] = {
  { "alice", "Hi Bob! This is Natter, running against a private server." },
  { "bob", "Hi Alice. Everything here lives in a throwaway profile." },
  { "alice", "Try typing a reply, or add a second account." },
  { "bob", "Messages are kept in the server's archive, so both sides see the history." },
};

typedef struct
{
  XmppClient *client;
  XmppRoster *roster;
  XmppPresence *presence;
} Side;

static void
request_cb (XmppPresence *presence,
            XmppJid      *from,
            const char   *nick,
            const char   *status,
            gpointer      user_data)
{
  xmpp_presence_approve (presence, from);
}

static gboolean
is_mutual (Side       *side,
           const char *peer)
{
  g_autoptr(XmppJid) jid = xmpp_jid_new (peer, NULL);
  XmppRosterItem *item = xmpp_roster_lookup (side->roster, jid);

  return item != NULL && xmpp_roster_item_get_subscription (item) == XMPP_ROSTER_SUBSCRIPTION_BOTH;
}

static void
side_init (Side             *side,
           NatterTestServer *server,
           const char       *jid,
           const char       *password)
{
  side->client = natter_test_client_new (server, jid, password);
  side->roster = xmpp_roster_new (side->client);
  side->presence = xmpp_presence_new (side->client);
  g_signal_connect (side->presence, "subscription-request", G_CALLBACK (request_cb), NULL);
  natter_test_client_go_online (side->client);
  xmpp_presence_send_own (side->presence);
}

static void
side_clear (Side *side)
{
  xmpp_client_disconnect (side->client);
  g_clear_object (&side->presence);
  g_clear_object (&side->roster);
  g_clear_object (&side->client);
}

static void
sent_cb (GObject      *object,
         GAsyncResult *result,
         gpointer      user_data)
{
  guint *acked = user_data;

  if (xmpp_client_send_finish (XMPP_CLIENT (object), result, NULL))
    (*acked)++;
}

static gboolean
seed (NatterTestServer  *server,
      GError           **error)
{
  Side alice = { 0, }, bob = { 0, };
  g_autoptr(XmppJid) alice_jid = xmpp_jid_new ("alice@natter.test", NULL);
  g_autoptr(XmppJid) bob_jid = xmpp_jid_new ("bob@natter.test", NULL);
  gint64 deadline;
  guint acked = 0;

  side_init (&alice, server, "alice@natter.test/demo-seed", "alice");
  side_init (&bob, server, "bob@natter.test/demo-seed", "bob");

  /* Each asks for the other's presence; each approves what it is asked. */
  xmpp_roster_set_item_async (alice.roster, bob_jid, "Bob", NULL, NULL, NULL, NULL);
  xmpp_roster_set_item_async (bob.roster, alice_jid, "Alice", NULL, NULL, NULL, NULL);
  xmpp_presence_subscribe (alice.presence, bob_jid, NULL, NULL);
  xmpp_presence_subscribe (bob.presence, alice_jid, NULL, NULL);

  deadline = g_get_monotonic_time () + NATTER_TEST_WAIT_S * G_USEC_PER_SEC;
  while ((!is_mutual (&alice, "bob@natter.test") || !is_mutual (&bob, "alice@natter.test")) &&
         g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  if (!is_mutual (&alice, "bob@natter.test") || !is_mutual (&bob, "alice@natter.test"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "the demo accounts did not become contacts");
      side_clear (&alice);
      side_clear (&bob);
      return FALSE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (history); i++)
    {
      gboolean from_alice = g_str_equal (history[i][0], "alice");
      g_autoptr(XmppNode) message = xmpp_node_build ("message", XMPP_NS_CLIENT,
                                                     "to", from_alice ? "bob@natter.test" : "alice@natter.test",
                                                     "type", "chat", NULL);
      g_autofree char *id = g_uuid_string_random ();

      xmpp_node_set_attribute (message, "id", id);
      xmpp_node_add_text_child (message, "body", XMPP_NS_CLIENT, history[i][1]);
      xmpp_node_add_child_with_attributes (message, "origin-id", "urn:xmpp:sid:0", "id", id, NULL);
      xmpp_client_send_async (from_alice ? alice.client : bob.client, message, NULL, sent_cb, &acked);
      /* Distinct archive timestamps keep the order readable. */
      natter_test_spin (1100);
    }
  deadline = g_get_monotonic_time () + NATTER_TEST_WAIT_S * G_USEC_PER_SEC;
  while (acked < G_N_ELEMENTS (history) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);

  side_clear (&alice);
  side_clear (&bob);
  natter_test_spin (200);
  return TRUE;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(NatterTestServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;

  server = natter_test_server_start (NULL, &error);
  if (server == NULL)
    {
      g_printerr ("Could not start Prosody: %s\n", error->message);
      return 1;
    }
  if (!natter_test_server_add_account (server, "alice", "alice", &error) ||
      !natter_test_server_add_account (server, "bob", "bob", &error) ||
      !seed (server, &error))
    {
      g_printerr ("Could not prepare the demo accounts: %s\n", error->message);
      return 1;
    }

  g_print ("NATTER_SERVER_PORT=%u\n", natter_test_server_get_port (server));
  g_print ("NATTER_SERVER_DIRECT_TLS_PORT=%u\n", natter_test_server_get_direct_tls_port (server));
  g_print ("NATTER_SERVER_FINGERPRINT=%s\n", natter_test_server_get_fingerprint (server));
  g_print ("NATTER_SERVER_READY=1\n");
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);

  return 0;
}
