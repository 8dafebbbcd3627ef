/* natter-test-xmpp.c: bring engine clients online against the test Prosody
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-test-xmpp.h"

/**
 * natter_test_wait_for:
 * @flag: set by a callback
 * @what: what is awaited, for the failure message
 *
 * Runs the main loop until *@flag is set; fails the test after
 * %NATTER_TEST_WAIT_S seconds.
 */
void
natter_test_wait_for (gboolean   *flag,
                      const char *what)
{
  gint64 deadline = g_get_monotonic_time () + NATTER_TEST_WAIT_S * G_USEC_PER_SEC;

  while (!*flag && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, FALSE);
  if (!*flag)
    g_error ("timed out waiting for %s", what);
}

/**
 * natter_test_spin:
 * @milliseconds: how long
 *
 * Runs the main loop for a while, e.g. to show that something does not happen.
 */
void
natter_test_spin (guint milliseconds)
{
  gint64 end = g_get_monotonic_time () + milliseconds * 1000;

  while (g_get_monotonic_time () < end)
    g_main_context_iteration (NULL, FALSE);
}

/**
 * natter_test_client_new:
 * @server: the test server
 * @jid: the account, with the resource to bind
 * @password: its password
 *
 * Returns: (transfer full): a client set up for @server over direct TLS,
 *   trusting the server's private CA
 */
XmppClient *
natter_test_client_new (NatterTestServer *server,
                        const char       *jid,
                        const char       *password)
{
  g_autoptr(XmppJid) parsed = xmpp_jid_new (jid, NULL);
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  XmppClient *client;

  g_assert_nonnull (parsed);
  database = natter_test_server_dup_tls_database (server, &error);
  g_assert_no_error (error);

  client = xmpp_client_new (parsed);
  xmpp_client_set_host (client, "127.0.0.1", natter_test_server_get_direct_tls_port (server), TRUE);
  xmpp_client_set_tls_database (client, database);
  xmpp_client_set_password (client, password);
  return client;
}

static void
online_cb (XmppClient *client,
           gboolean    resumed,
           gpointer    user_data)
{
  *(gboolean *) user_data = TRUE;
}

/**
 * natter_test_client_go_online:
 * @client: a disconnected client
 *
 * Connects and waits for #XmppClient::online.
 */
void
natter_test_client_go_online (XmppClient *client)
{
  gboolean online = FALSE;
  gulong handler = g_signal_connect (client, "online", G_CALLBACK (online_cb), &online);

  xmpp_client_connect (client);
  natter_test_wait_for (&online, "online");
  g_signal_handler_disconnect (client, handler);
}

/**
 * natter_test_client_finish:
 * @client: (transfer full): a client
 *
 * Disconnects cleanly and checks that nothing else holds the client.
 */
void
natter_test_client_finish (XmppClient *client)
{
  xmpp_client_disconnect (client);
  natter_test_spin (50);
  g_assert_finalize_object (client);
}
