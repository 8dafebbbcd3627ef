/* test-server-smoke.c: the Prosody fixture serves real, authenticated XMPP
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Talks raw XMPP over blocking GIO sockets, without the engine, so that
 * a fault here is the fixture's and not the code under test.
 */
#include "config.h"

#include <errno.h>
#include <gio/gio.h>
#include <signal.h>
#include <string.h>

#include "natter-test-server.h"

#define STREAM_HEADER \
  "<?xml version='1.0'?><stream:stream to='" NATTER_TEST_DOMAIN "' version='1.0' " \
  "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"

typedef struct
{
  NatterTestServer *server;
} Fixture;

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->server = natter_test_server_start (NULL, &error);
  g_assert_no_error (error);
  natter_test_server_add_account (fixture->server, "alice", "wonderland", &error);
  g_assert_no_error (error);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->server, natter_test_server_free);
}

static GIOStream *
connect_tcp (guint16 port)
{
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GError) error = NULL;
  GSocketConnection *connection;

  g_socket_client_set_timeout (client, 10);
  connection = g_socket_client_connect_to_host (client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  return G_IO_STREAM (connection);
}

/* A TLS client for natter.test; trusting the fixture's CA if @database is set. */
static GIOStream *
tls_handshake (GIOStream     *base,
               GTlsDatabase  *database,
               GError       **error)
{
  g_autoptr(GSocketConnectable) identity = g_network_address_new (NATTER_TEST_DOMAIN, 0);
  g_autoptr(GIOStream) tls = NULL;

  tls = g_tls_client_connection_new (base, identity, error);
  if (tls == NULL)
    return NULL;
  if (database != NULL)
    g_tls_connection_set_database (G_TLS_CONNECTION (tls), database);
  if (!g_tls_connection_handshake (G_TLS_CONNECTION (tls), NULL, error))
    return NULL;
  return g_steal_pointer (&tls);
}

static void
send_text (GIOStream  *stream,
           const char *text)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (stream), text, strlen (text),
                             NULL, NULL, &error);
  g_assert_no_error (error);
}

/* Reads until @marker has arrived; returns everything read. */
static char *
read_until (GIOStream  *stream,
            const char *marker)
{
  GString *received = g_string_new (NULL);

  while (strstr (received->str, marker) == NULL)
    {
      g_autoptr(GError) error = NULL;
      char buffer[4096];
      gssize n;

      n = g_input_stream_read (g_io_stream_get_input_stream (stream), buffer, sizeof buffer,
                               NULL, &error);
      g_assert_no_error (error);
      if (n == 0)
        g_error ("stream closed before '%s'; received: %s", marker, received->str);
      g_string_append_len (received, buffer, n);
    }

  return g_string_free (received, FALSE);
}

static char *
plain_auth (const char *user,
            const char *password)
{
  g_autofree char *raw = g_strdup_printf ("%c%s%c%s", 0, user, 0, password);
  g_autofree char *encoded = g_base64_encode ((const guchar *) raw, 2 + strlen (user) + strlen (password));

  return g_strdup_printf ("<auth xmlns='urn:ietf:params:xml:ns:xmpp-sasl' mechanism='PLAIN'>%s</auth>",
                          encoded);
}

static GIOStream *
open_direct_tls (Fixture *fixture)
{
  g_autoptr(GIOStream) tcp = connect_tcp (natter_test_server_get_direct_tls_port (fixture->server));
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GError) error = NULL;
  GIOStream *tls;

  database = natter_test_server_dup_tls_database (fixture->server, &error);
  g_assert_no_error (error);
  tls = tls_handshake (tcp, database, &error);
  g_assert_no_error (error);
  return tls;
}

static void
test_direct_tls_login (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GIOStream) tls = open_direct_tls (fixture);
  g_autofree char *features = NULL;
  g_autofree char *auth = plain_auth ("alice", "wonderland");
  g_autofree char *result = NULL;
  g_autofree char *bound_features = NULL;

  send_text (tls, STREAM_HEADER);
  features = read_until (tls, "</stream:features>");
  g_assert_nonnull (strstr (features, "from='" NATTER_TEST_DOMAIN "'"));
  g_assert_nonnull (strstr (features, "<mechanism>SCRAM-SHA-1</mechanism>"));
  g_assert_nonnull (strstr (features, "<mechanism>PLAIN</mechanism>"));

  send_text (tls, auth);
  result = read_until (tls, "/>");
  g_assert_nonnull (strstr (result, "<success"));

  /* After SASL the stream restarts and offers binding and stream management. */
  send_text (tls, STREAM_HEADER);
  bound_features = read_until (tls, "</stream:features>");
  g_assert_nonnull (strstr (bound_features, "urn:ietf:params:xml:ns:xmpp-bind"));
  g_assert_nonnull (strstr (bound_features, "urn:xmpp:sm:3"));
}

static void
test_wrong_password_rejected (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GIOStream) tls = open_direct_tls (fixture);
  g_autofree char *features = NULL;
  g_autofree char *auth = plain_auth ("alice", "looking-glass");
  g_autofree char *result = NULL;

  send_text (tls, STREAM_HEADER);
  features = read_until (tls, "</stream:features>");
  send_text (tls, auth);
  result = read_until (tls, "</failure>");
  g_assert_nonnull (strstr (result, "<not-authorized/>"));
  g_assert_null (strstr (result, "<success"));
}

static void
test_starttls_offered_and_required (Fixture       *fixture,
                                    gconstpointer  data)
{
  g_autoptr(GIOStream) tcp = connect_tcp (natter_test_server_get_port (fixture->server));
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *features = NULL;
  g_autofree char *proceed = NULL;
  g_autofree char *tls_features = NULL;

  send_text (tcp, STREAM_HEADER);
  features = read_until (tcp, "</stream:features>");
  g_assert_nonnull (strstr (features, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/>"));
  /* c2s_require_encryption: no mechanisms before TLS. */
  g_assert_null (strstr (features, "<mechanism>"));

  send_text (tcp, "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>");
  proceed = read_until (tcp, "/>");
  g_assert_nonnull (strstr (proceed, "<proceed"));

  database = natter_test_server_dup_tls_database (fixture->server, &error);
  g_assert_no_error (error);
  tls = tls_handshake (tcp, database, &error);
  g_assert_no_error (error);
  send_text (tls, STREAM_HEADER);
  tls_features = read_until (tls, "</stream:features>");
  g_assert_nonnull (strstr (tls_features, "<mechanism>SCRAM-SHA-1</mechanism>"));
}

static gboolean
accept_pinned_cb (GTlsConnection       *connection,
                  GTlsCertificate      *peer,
                  GTlsCertificateFlags  errors,
                  gpointer              user_data)
{
  const char *pinned = user_data;
  g_autoptr(GByteArray) der = NULL;
  g_autofree char *fingerprint = NULL;

  g_object_get (peer, "certificate", &der, NULL);
  fingerprint = g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
  return g_strcmp0 (fingerprint, pinned) == 0;
}

static void
test_certificate_untrusted_unless_pinned (Fixture       *fixture,
                                          gconstpointer  data)
{
  guint16 port = natter_test_server_get_direct_tls_port (fixture->server);
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) tcp = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GIOStream) pinned_tcp = NULL;
  g_autoptr(GIOStream) pinned = NULL;
  g_autoptr(GSocketConnectable) identity = g_network_address_new (NATTER_TEST_DOMAIN, 0);
  const char *fingerprint = natter_test_server_get_fingerprint (fixture->server);

  g_assert_cmpuint (strlen (fingerprint), ==, 64);

  /* The system store does not know the fixture's private CA. */
  tcp = connect_tcp (port);
  tls = tls_handshake (tcp, NULL, &error);
  g_assert_error (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
  g_assert_null (tls);
  g_clear_error (&error);

  pinned_tcp = connect_tcp (port);
  pinned = g_tls_client_connection_new (pinned_tcp, identity, &error);
  g_assert_no_error (error);
  g_signal_connect (pinned, "accept-certificate", G_CALLBACK (accept_pinned_cb), (gpointer) fingerprint);
  g_assert_true (g_tls_connection_handshake (G_TLS_CONNECTION (pinned), NULL, &error));
  g_assert_no_error (error);
}

static void
test_restart_and_kill (Fixture       *fixture,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autofree char *features = NULL;

  natter_test_server_kill (fixture->server);
  g_assert_false (natter_test_server_is_running (fixture->server));

  g_assert_true (natter_test_server_restart (fixture->server, &error));
  g_assert_no_error (error);
  g_assert_true (natter_test_server_is_running (fixture->server));

  /* Accounts survive the restart: they are in the server's database. */
  tls = open_direct_tls (fixture);
  send_text (tls, STREAM_HEADER);
  features = read_until (tls, "</stream:features>");
  g_assert_nonnull (strstr (features, "<mechanism>PLAIN</mechanism>"));
}

static void
test_no_process_left_behind (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pid_file = NULL;
  g_autofree char *pid_text = NULL;
  g_autofree char *directory = NULL;
  NatterTestServer *server;
  GPid pid;

  server = natter_test_server_start (NULL, &error);
  g_assert_no_error (error);
  directory = g_strdup (natter_test_server_get_directory (server));
  pid_file = g_build_filename (directory, "prosody.pid", NULL);
  g_file_get_contents (pid_file, &pid_text, NULL, &error);
  g_assert_no_error (error);
  pid = (GPid) g_ascii_strtoll (pid_text, NULL, 10);
  g_assert_cmpint (pid, >, 1);
  g_assert_cmpint (kill (pid, 0), ==, 0);

  natter_test_server_free (server);

  g_assert_cmpint (kill (pid, 0), ==, -1);
  g_assert_cmpint (errno, ==, ESRCH);
  if (g_getenv ("NATTER_TEST_KEEP_SERVER") == NULL)
    g_assert_false (g_file_test (directory, G_FILE_TEST_EXISTS));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/natter/fixture/prosody/direct-tls-login", Fixture, NULL,
              fixture_set_up, test_direct_tls_login, fixture_tear_down);
  g_test_add ("/natter/fixture/prosody/wrong-password-rejected", Fixture, NULL,
              fixture_set_up, test_wrong_password_rejected, fixture_tear_down);
  g_test_add ("/natter/fixture/prosody/starttls-offered-and-required", Fixture, NULL,
              fixture_set_up, test_starttls_offered_and_required, fixture_tear_down);
  g_test_add ("/natter/fixture/prosody/certificate-untrusted-unless-pinned", Fixture, NULL,
              fixture_set_up, test_certificate_untrusted_unless_pinned, fixture_tear_down);
  g_test_add ("/natter/fixture/prosody/restart-and-kill", Fixture, NULL,
              fixture_set_up, test_restart_and_kill, fixture_tear_down);
  g_test_add_func ("/natter/fixture/prosody/no-process-left-behind", test_no_process_left_behind);

  return g_test_run ();
}
