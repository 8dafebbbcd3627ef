/* natter-test-server-main.c: run the test Prosody by hand
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 *   natter-test-server [--account USER:PASSWORD]…
 *
 * Starts the same private Prosody the tests use, creates the accounts,
 * prints shell assignments describing it (ports, CA file, certificate
 * fingerprint) and keeps it running until SIGINT or SIGTERM.
 */
#include "config.h"

#include <glib-unix.h>
#include <stdio.h>

#include "natter-test-server.h"

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
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(NatterTestServer) server = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) accounts = NULL;
  const GOptionEntry entries[] = {
    { "account", 'a', 0, G_OPTION_ARG_STRING_ARRAY, &accounts,
      "Create an account (repeatable)", "USER:PASSWORD" },
    { NULL }
  };

  context = g_option_context_new ("- run a private Prosody for Natter");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("%s\n", error->message);
      return 2;
    }

  server = natter_test_server_start (NULL, &error);
  if (server == NULL)
    {
      g_printerr ("Could not start Prosody: %s\n", error->message);
      return 1;
    }

  for (guint i = 0; accounts != NULL && accounts[i] != NULL; i++)
    {
      g_auto(GStrv) parts = g_strsplit (accounts[i], ":", 2);

      if (g_strv_length (parts) != 2 ||
          !natter_test_server_add_account (server, parts[0], parts[1], &error))
        {
          g_printerr ("Could not create account %s: %s\n", accounts[i],
                      error != NULL ? error->message : "expected USER:PASSWORD");
          return 1;
        }
    }

  g_print ("NATTER_SERVER_DOMAIN=%s\n", natter_test_server_get_domain (server));
  g_print ("NATTER_SERVER_PORT=%u\n", natter_test_server_get_port (server));
  g_print ("NATTER_SERVER_DIRECT_TLS_PORT=%u\n", natter_test_server_get_direct_tls_port (server));
  g_print ("NATTER_SERVER_CA_FILE=%s\n", natter_test_server_get_ca_file (server));
  g_print ("NATTER_SERVER_FINGERPRINT=%s\n", natter_test_server_get_fingerprint (server));
  g_print ("NATTER_SERVER_DIRECTORY=%s\n", natter_test_server_get_directory (server));
  g_print ("NATTER_SERVER_READY=1\n");
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, quit_cb, loop);
  g_unix_signal_add (SIGTERM, quit_cb, loop);
  g_main_loop_run (loop);

  return 0;
}
