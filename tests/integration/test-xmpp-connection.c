/* test-xmpp-connection.c: XmppConnection against Prosody, fake servers and fake DNS
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Most tests share one Prosody (they create no accounts and change
 * nothing on it); the test that kills the server has its own.  Socket
 * pairs stand in for servers where the test must control every byte.
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "xmpp/xmpp.h"

#include "natter-test-server.h"

#define STREAM_HEADER \
  "<?xml version='1.0'?><stream:stream to='" NATTER_TEST_DOMAIN "' version='1.0' " \
  "xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
#define STARTTLS "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
#define PROCEED "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
#define WAIT_SECONDS 20

/* Waiting on the main loop */

static gboolean
set_flag_cb (gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

#define WAIT_UNTIL(condition) \
  G_STMT_START { \
    gboolean timed_out_ = FALSE; \
    guint timeout_id_ = g_timeout_add_seconds (WAIT_SECONDS, set_flag_cb, &timed_out_); \
    while (!(condition) && !timed_out_) \
      g_main_context_iteration (NULL, TRUE); \
    if (timed_out_) \
      g_error ("timed out waiting for %s", #condition); \
    g_source_remove (timeout_id_); \
  } G_STMT_END

/* Runs the main loop for @ms milliseconds, to let late callbacks and
 * signals happen if they would. */
static void
spin (guint ms)
{
  gboolean done = FALSE;

  g_timeout_add (ms, set_flag_cb, &done);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* The shared server */

static NatterTestServer *shared_server;

static NatterTestServer *
get_server (void)
{
  if (shared_server == NULL)
    {
      g_autoptr(GError) error = NULL;

      shared_server = natter_test_server_start (NULL, &error);
      g_assert_no_error (error);
    }
  return shared_server;
}

static GTlsDatabase *
dup_database (NatterTestServer *server)
{
  g_autoptr(GError) error = NULL;
  GTlsDatabase *database = natter_test_server_dup_tls_database (server, &error);

  g_assert_no_error (error);
  return database;
}

/* What a connection emitted */

typedef struct
{
  GString  *received;
  guint     received_count;
  guint     closed_count;
  GError   *closed_error;
  guint     security_notifies;
} Sink;

static void
sink_received_cb (XmppConnection *connection,
                  const char     *data,
                  gsize           length,
                  gpointer        user_data)
{
  Sink *sink = user_data;

  g_assert_cmpuint (length, >, 0);
  g_assert_cmpuint (length, <=, 64 * 1024);
  g_string_append_len (sink->received, data, length);
  sink->received_count++;
}

static void
sink_closed_cb (XmppConnection *connection,
                const GError   *error,
                gpointer        user_data)
{
  Sink *sink = user_data;

  g_assert_false (xmpp_connection_is_open (connection));
  sink->closed_count++;
  g_clear_error (&sink->closed_error);
  if (error != NULL)
    sink->closed_error = g_error_copy (error);
}

static void
sink_security_cb (GObject    *object,
                  GParamSpec *pspec,
                  gpointer    user_data)
{
  Sink *sink = user_data;

  sink->security_notifies++;
}

static Sink *
sink_new (XmppConnection *connection)
{
  Sink *sink = g_new0 (Sink, 1);

  sink->received = g_string_new (NULL);
  g_signal_connect (connection, "received", G_CALLBACK (sink_received_cb), sink);
  g_signal_connect (connection, "closed", G_CALLBACK (sink_closed_cb), sink);
  g_signal_connect (connection, "notify::security", G_CALLBACK (sink_security_cb), sink);
  return sink;
}

static void
sink_free (Sink *sink)
{
  g_string_free (sink->received, TRUE);
  g_clear_error (&sink->closed_error);
  g_free (sink);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Sink, sink_free)

/* Async results */

typedef struct
{
  gboolean  done;
  gboolean  ok;
  GError   *error;
} Result;

static void
result_clear (Result *result)
{
  g_clear_error (&result->error);
  result->done = FALSE;
  result->ok = FALSE;
}

static void
connect_done_cb (GObject      *object,
                 GAsyncResult *res,
                 gpointer      user_data)
{
  Result *result = user_data;

  result->ok = xmpp_connection_connect_finish (XMPP_CONNECTION (object), res, &result->error);
  g_assert_true (result->ok == (result->error == NULL));
  result->done = TRUE;
}

static void
start_tls_done_cb (GObject      *object,
                   GAsyncResult *res,
                   gpointer      user_data)
{
  Result *result = user_data;

  result->ok = xmpp_connection_start_tls_finish (XMPP_CONNECTION (object), res, &result->error);
  g_assert_true (result->ok == (result->error == NULL));
  result->done = TRUE;
}

static gboolean
connect_and_wait (XmppConnection  *connection,
                  GError         **error)
{
  Result result = { 0, };

  xmpp_connection_connect_async (connection, NULL, connect_done_cb, &result);
  WAIT_UNTIL (result.done);
  if (result.error != NULL)
    g_propagate_error (error, result.error);
  return result.ok;
}

static XmppConnection *
new_direct_tls (NatterTestServer *server,
                const char       *domain,
                gboolean          trust_ca)
{
  XmppConnection *connection = xmpp_connection_new (domain);

  xmpp_connection_set_host (connection, "127.0.0.1",
                            natter_test_server_get_direct_tls_port (server), TRUE);
  if (trust_ca)
    {
      g_autoptr(GTlsDatabase) database = dup_database (server);

      xmpp_connection_set_tls_database (connection, database);
    }
  return connection;
}

/* Finalizes @connection, which must have no other reference, and lets
 * whatever it cancelled complete (where a use after free would show). */
static void
finalize_connection (XmppConnection *connection)
{
  g_assert_finalize_object (connection);
  spin (50);
}

/* A socket pair: one end for the connection, one for the test */

static void
socket_pair (GIOStream **client,
             GIOStream **server)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) a = NULL;
  g_autoptr(GSocket) b = NULL;
  int fds[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), ==, 0);
  a = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  b = g_socket_new_from_fd (fds[1], &error);
  g_assert_no_error (error);
  *client = G_IO_STREAM (g_socket_connection_factory_create_connection (a));
  *server = G_IO_STREAM (g_socket_connection_factory_create_connection (b));
}

/* Reads the test's end of a stream asynchronously, until EOF. */
typedef struct
{
  GIOStream *stream;
  GString   *data;
  gboolean   eof;
  char       buffer[8192];
} Peer;

static void peer_read_next (Peer *peer);

static void
peer_read_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  Peer *peer = user_data;
  g_autoptr(GError) error = NULL;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n <= 0)
    {
      peer->eof = TRUE;
      return;
    }
  g_string_append_len (peer->data, peer->buffer, n);
  peer_read_next (peer);
}

static void
peer_read_next (Peer *peer)
{
  g_input_stream_read_async (g_io_stream_get_input_stream (peer->stream),
                             peer->buffer, sizeof peer->buffer, G_PRIORITY_DEFAULT,
                             NULL, peer_read_cb, peer);
}

static Peer *
peer_new (GIOStream *stream)
{
  Peer *peer = g_new0 (Peer, 1);

  peer->stream = g_object_ref (stream);
  peer->data = g_string_new (NULL);
  peer_read_next (peer);
  return peer;
}

/* Only once the read loop has seen EOF: it holds a pointer to @peer. */
static void
peer_free (Peer *peer)
{
  g_assert_true (peer->eof);
  g_object_unref (peer->stream);
  g_string_free (peer->data, TRUE);
  g_free (peer);
}

static void
peer_write (GIOStream  *stream,
            const char *text)
{
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (g_io_stream_get_output_stream (stream), text, strlen (text),
                             NULL, NULL, &error);
  g_assert_no_error (error);
}

/* Direct TLS and STARTTLS against Prosody */

static void
test_direct_tls_stream_features (void)
{
  NatterTestServer *server = get_server ();
  XmppConnection *connection = new_direct_tls (server, NATTER_TEST_DOMAIN, TRUE);
  g_autoptr(Sink) sink = sink_new (connection);
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  GTlsProtocolVersion version;
  XmppConnection *weak = connection;

  g_assert_cmpstr (xmpp_connection_get_domain (connection), ==, NATTER_TEST_DOMAIN);
  g_assert_false (xmpp_connection_is_open (connection));

  g_assert_true (connect_and_wait (connection, &error));
  g_assert_no_error (error);
  g_assert_true (xmpp_connection_is_open (connection));
  g_assert_cmpint (xmpp_connection_get_security (connection), ==, XMPP_CONNECTION_DIRECT_TLS);
  g_assert_cmpuint (sink->security_notifies, ==, 1);
  version = xmpp_connection_get_tls_version (connection);
  g_assert_true (version == G_TLS_PROTOCOL_VERSION_TLS_1_2 ||
                 version == G_TLS_PROTOCOL_VERSION_TLS_1_3);
  g_assert_nonnull (xmpp_connection_get_peer_certificate (connection));
  g_assert_cmpuint (xmpp_connection_get_peer_certificate_errors (connection), ==, 0);
  fingerprint =
    xmpp_certificate_dup_fingerprint (xmpp_connection_get_peer_certificate (connection));
  g_assert_cmpstr (fingerprint, ==, natter_test_server_get_fingerprint (server));

  xmpp_connection_start_reading (connection);
  xmpp_connection_send (connection, STREAM_HEADER, -1);
  WAIT_UNTIL (strstr (sink->received->str, "</stream:features>") != NULL);
  g_assert_nonnull (strstr (sink->received->str, "<stream:features"));
  g_assert_nonnull (strstr (sink->received->str, "<mechanism>"));
  g_assert_cmpuint (xmpp_connection_get_queued_bytes (connection), ==, 0);

  /* A graceful close keeps the connection alive until it is done, and
   * emits nothing. */
  g_object_add_weak_pointer (G_OBJECT (connection), (gpointer *) &weak);
  xmpp_connection_send (connection, "</stream:stream>", -1);
  xmpp_connection_close (connection);
  g_assert_false (xmpp_connection_is_open (connection));
  g_object_unref (connection);
  WAIT_UNTIL (weak == NULL);
  g_assert_cmpuint (sink->closed_count, ==, 0);
}

typedef struct
{
  Sink     *sink;
  Result    result;
  gsize     proceed_at;
  gboolean  started;
  gboolean  from_idle;
} StartTls;

static gboolean
start_tls_idle_cb (gpointer user_data)
{
  XmppConnection *connection = user_data;
  StartTls *state = g_object_get_data (G_OBJECT (connection), "start-tls");

  xmpp_connection_start_tls_async (connection, NULL, start_tls_done_cb, &state->result);
  return G_SOURCE_REMOVE;
}

/* Connected after the sink: it sees the chunk with <proceed/> in full. */
static void
start_tls_on_proceed_cb (XmppConnection *connection,
                         const char     *data,
                         gsize           length,
                         gpointer        user_data)
{
  StartTls *state = user_data;
  const char *proceed;

  if (state->started)
    return;
  proceed = g_strstr_len (state->sink->received->str, -1, "<proceed");
  if (proceed == NULL)
    return;

  /* What follows <proceed/> in this chunk is not ours to read. */
  state->started = TRUE;
  state->proceed_at = state->sink->received->len;
  if (state->from_idle)
    g_idle_add (start_tls_idle_cb, connection);
  else
    xmpp_connection_start_tls_async (connection, NULL, start_tls_done_cb, &state->result);
}

static void
test_starttls_upgrade (void)
{
  NatterTestServer *server = get_server ();
  g_autoptr(GTlsDatabase) database = dup_database (server);
  g_autoptr(XmppConnection) connection = xmpp_connection_new (NATTER_TEST_DOMAIN);
  g_autoptr(Sink) sink = sink_new (connection);
  g_autoptr(GError) error = NULL;
  StartTls state = { sink, };
  GTlsProtocolVersion version;

  xmpp_connection_set_host (connection, "127.0.0.1", natter_test_server_get_port (server), FALSE);
  xmpp_connection_set_tls_database (connection, database);
  g_signal_connect (connection, "received", G_CALLBACK (start_tls_on_proceed_cb), &state);

  g_assert_true (connect_and_wait (connection, &error));
  g_assert_no_error (error);
  g_assert_cmpint (xmpp_connection_get_security (connection), ==, XMPP_CONNECTION_PLAIN);
  g_assert_cmpint (xmpp_connection_get_tls_version (connection), ==,
                   G_TLS_PROTOCOL_VERSION_UNKNOWN);
  g_assert_null (xmpp_connection_get_peer_certificate (connection));

  xmpp_connection_start_reading (connection);
  xmpp_connection_send (connection, STREAM_HEADER, -1);
  WAIT_UNTIL (strstr (sink->received->str, "</stream:features>") != NULL);
  g_assert_nonnull (strstr (sink->received->str, "<starttls"));
  g_assert_null (strstr (sink->received->str, "<mechanism>"));

  xmpp_connection_send (connection, STARTTLS, -1);
  WAIT_UNTIL (state.result.done);
  g_assert_no_error (state.result.error);
  g_assert_true (xmpp_connection_is_open (connection));
  g_assert_cmpint (xmpp_connection_get_security (connection), ==, XMPP_CONNECTION_STARTTLS);
  g_assert_cmpuint (sink->security_notifies, ==, 1);
  version = xmpp_connection_get_tls_version (connection);
  g_assert_true (version == G_TLS_PROTOCOL_VERSION_TLS_1_2 ||
                 version == G_TLS_PROTOCOL_VERSION_TLS_1_3);

  /* Reading resumed by itself; the new stream gets the TLS features. */
  xmpp_connection_send (connection, STREAM_HEADER, -1);
  WAIT_UNTIL (strstr (sink->received->str + state.proceed_at, "</stream:features>") != NULL);
  g_assert_nonnull (strstr (sink->received->str + state.proceed_at,
                    "<mechanism>SCRAM-SHA-1</mechanism>"));
  g_assert_cmpuint (sink->closed_count, ==, 0);

  xmpp_connection_abort (connection);
  g_signal_handlers_disconnect_by_data (connection, &state);
  finalize_connection (g_steal_pointer (&connection));
  g_assert_cmpuint (sink->closed_count, ==, 0);
}

/* Certificates */

static void
test_untrusted_certificate_exposed (void)
{
  NatterTestServer *server = get_server ();
  XmppConnection *connection = new_direct_tls (server, NATTER_TEST_DOMAIN, FALSE);
  g_autoptr(Sink) sink = sink_new (connection);
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  GTlsCertificate *certificate;

  g_assert_false (connect_and_wait (connection, &error));
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_CERTIFICATE);
  g_assert_false (xmpp_connection_is_open (connection));

  certificate = xmpp_connection_get_peer_certificate (connection);
  g_assert_nonnull (certificate);
  fingerprint = xmpp_certificate_dup_fingerprint (certificate);
  g_assert_cmpuint (strlen (fingerprint), ==, 64);
  g_assert_cmpstr (fingerprint, ==, natter_test_server_get_fingerprint (server));
  g_assert_true (xmpp_connection_get_peer_certificate_errors (connection) &
                     G_TLS_CERTIFICATE_UNKNOWN_CA);

  spin (50);
  g_assert_cmpuint (sink->closed_count, ==, 0);
  g_assert_cmpuint (sink->received_count, ==, 0);
  finalize_connection (connection);
}

static void
test_untrusted_certificate_starttls (void)
{
  NatterTestServer *server = get_server ();
  g_autoptr(XmppConnection) connection = xmpp_connection_new (NATTER_TEST_DOMAIN);
  g_autoptr(Sink) sink = sink_new (connection);
  g_autoptr(GError) error = NULL;
  g_autofree char *fingerprint = NULL;
  StartTls state = { sink, };

  xmpp_connection_set_host (connection, "127.0.0.1", natter_test_server_get_port (server), FALSE);
  g_signal_connect (connection, "received", G_CALLBACK (start_tls_on_proceed_cb), &state);
  g_assert_true (connect_and_wait (connection, &error));
  xmpp_connection_start_reading (connection);
  xmpp_connection_send (connection, STREAM_HEADER, -1);
  WAIT_UNTIL (strstr (sink->received->str, "</stream:features>") != NULL);
  xmpp_connection_send (connection, STARTTLS, -1);
  WAIT_UNTIL (state.result.done);

  g_assert_error (state.result.error, XMPP_ERROR, XMPP_ERROR_CERTIFICATE);
  g_assert_false (xmpp_connection_is_open (connection));
  fingerprint =
    xmpp_certificate_dup_fingerprint (xmpp_connection_get_peer_certificate (connection));
  g_assert_cmpstr (fingerprint, ==, natter_test_server_get_fingerprint (server));

  /* The operation reported the failure; ::closed does not repeat it. */
  spin (50);
  g_assert_cmpuint (sink->closed_count, ==, 0);
  result_clear (&state.result);
  g_signal_handlers_disconnect_by_data (connection, &state);
  finalize_connection (g_steal_pointer (&connection));
}

static char *
colon_upper (const char *hex)
{
  GString *out = g_string_new (NULL);

  for (gsize i = 0; hex[i] != '\0'; i++)
    {
      if (i > 0 && i % 2 == 0)
        g_string_append_c (out, ':');
      g_string_append_c (out, g_ascii_toupper (hex[i]));
    }
  return g_string_free (out, FALSE);
}

static void
test_pinned_certificate_accepted (void)
{
  NatterTestServer *server = get_server ();
  const char *fingerprint = natter_test_server_get_fingerprint (server);
  g_autofree char *formatted = colon_upper (fingerprint);
  const char *lower[] = { "not a fingerprint", fingerprint, NULL };
  const char *upper[] = { formatted, NULL };
  const char * const *variants[] = { lower, upper };

  g_assert_cmpuint (strlen (formatted), ==, 64 + 31);

  for (guint i = 0; i < G_N_ELEMENTS (variants); i++)
    {
      XmppConnection *connection = new_direct_tls (server, NATTER_TEST_DOMAIN, FALSE);
      g_autoptr(GError) error = NULL;

      xmpp_connection_set_pinned_fingerprints (connection, variants[i]);
      g_assert_true (connect_and_wait (connection, &error));
      g_assert_no_error (error);
      g_assert_cmpint (xmpp_connection_get_security (connection), ==, XMPP_CONNECTION_DIRECT_TLS);
      /* Accepted by the pin, not by validation. */
      g_assert_true (xmpp_connection_get_peer_certificate_errors (connection) &
                     G_TLS_CERTIFICATE_UNKNOWN_CA);
      xmpp_connection_abort (connection);
      finalize_connection (connection);
    }
}

static void
test_wrong_pin_rejected (void)
{
  NatterTestServer *server = get_server ();
  XmppConnection *connection = new_direct_tls (server, NATTER_TEST_DOMAIN, FALSE);
  g_autoptr(GError) error = NULL;
  g_autofree char *wrong = g_strnfill (64, 'a');
  const char *pins[] = { wrong, NULL };

  g_assert_cmpstr (wrong, !=, natter_test_server_get_fingerprint (server));
  xmpp_connection_set_pinned_fingerprints (connection, pins);
  g_assert_false (connect_and_wait (connection, &error));
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_CERTIFICATE);
  g_assert_nonnull (xmpp_connection_get_peer_certificate (connection));
  finalize_connection (connection);
}

/* Failures to connect */

static guint16
closed_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GError) error = NULL;
  guint16 port;

  port = g_socket_listener_add_any_inet_port (listener, NULL, &error);
  g_assert_no_error (error);
  g_socket_listener_close (listener);
  return port;
}

static void
test_connection_refused (void)
{
  XmppConnection *connection = xmpp_connection_new (NATTER_TEST_DOMAIN);
  g_autoptr(GError) error = NULL;

  xmpp_connection_set_host (connection, "127.0.0.1", closed_port (), FALSE);
  g_assert_false (connect_and_wait (connection, &error));
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_CONNECT);
  g_assert_nonnull (strstr (error->message, "refused"));
  g_assert_false (xmpp_connection_is_open (connection));
  finalize_connection (connection);
}

static void
test_host_not_found (void)
{
  XmppConnection *connection = xmpp_connection_new (NATTER_TEST_DOMAIN);
  g_autoptr(GError) error = NULL;

  /* RFC 6761: .invalid never resolves. */
  xmpp_connection_set_host (connection, "natter-nowhere.invalid", 5222, FALSE);
  g_assert_false (connect_and_wait (connection, &error));
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_CONNECT);
  g_assert_nonnull (strstr (error->message, "natter-nowhere.invalid"));
  g_assert_null (strstr (error->message, "refused"));
  finalize_connection (connection);
}

/* A listener on 127.0.0.1 that accepts and then says nothing. */
typedef struct
{
  GSocketListener *listener;
  guint16          port;
  GPtrArray       *accepted;
} Silent;

static void
silent_accept_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  Silent *silent = user_data;
  GSocketConnection *connection;

  connection = g_socket_listener_accept_finish (G_SOCKET_LISTENER (object), result, NULL, NULL);
  if (connection == NULL)
    return;
  g_ptr_array_add (silent->accepted, connection);
  g_socket_listener_accept_async (silent->listener, NULL, silent_accept_cb, silent);
}

static Silent *
silent_new (guint16 port)
{
  Silent *silent = g_new0 (Silent, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  silent->listener = g_socket_listener_new ();
  silent->accepted = g_ptr_array_new_with_free_func (g_object_unref);
  if (!g_socket_listener_add_address (silent->listener, address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error))
    {
      g_object_unref (silent->listener);
      g_ptr_array_unref (silent->accepted);
      g_free (silent);
      return NULL;
    }
  silent->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_socket_listener_accept_async (silent->listener, NULL, silent_accept_cb, silent);
  return silent;
}

static void
silent_free (Silent *silent)
{
  g_socket_listener_close (silent->listener);
  /* Let the pending accept see the close before the struct goes. */
  spin (20);
  g_object_unref (silent->listener);
  g_ptr_array_unref (silent->accepted);
  g_free (silent);
}

static void
test_handshake_timeout (void)
{
  Silent *silent = silent_new (0);
  XmppConnection *connection = xmpp_connection_new (NATTER_TEST_DOMAIN);
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  gint64 elapsed;

  xmpp_connection_set_host (connection, "127.0.0.1", silent->port, TRUE);
  xmpp_connection_set_timeout (connection, 1);
  g_assert_false (connect_and_wait (connection, &error));
  elapsed = g_get_monotonic_time () - start;
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_CONNECT);
  g_assert_nonnull (strstr (error->message, "timed out"));
  g_assert_cmpint (elapsed, >=, G_USEC_PER_SEC / 2);
  g_assert_cmpint (elapsed, <, 10 * G_USEC_PER_SEC);
  g_assert_cmpuint (silent->accepted->len, ==, 1);
  finalize_connection (connection);
  silent_free (silent);
}

static void
test_abort_while_connecting (void)
{
  Silent *silent = silent_new (0);
  XmppConnection *connection = xmpp_connection_new (NATTER_TEST_DOMAIN);
  g_autoptr(Sink) sink = sink_new (connection);
  Result result = { 0, };

  xmpp_connection_set_host (connection, "127.0.0.1", silent->port, TRUE);
  xmpp_connection_connect_async (connection, NULL, connect_done_cb, &result);
  WAIT_UNTIL (silent->accepted->len == 1);
  spin (50);
  g_assert_false (result.done);

  xmpp_connection_abort (connection);
  /* The callback still comes, from the main loop, with CANCELLED. */
  g_assert_false (result.done);
  WAIT_UNTIL (result.done);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_false (xmpp_connection_is_open (connection));
  g_assert_cmpuint (sink->closed_count, ==, 0);
  result_clear (&result);
  finalize_connection (connection);
  silent_free (silent);
}

/* The end of a connection */

static void
test_closed_once_when_server_killed (void)
{
  g_autoptr(NatterTestServer) server = NULL;
  g_autoptr(GError) error = NULL;
  XmppConnection *connection;
  g_autoptr(Sink) sink = NULL;

  server = natter_test_server_start (NULL, &error);
  g_assert_no_error (error);
  connection = new_direct_tls (server, NATTER_TEST_DOMAIN, TRUE);
  sink = sink_new (connection);

  g_assert_true (connect_and_wait (connection, &error));
  xmpp_connection_start_reading (connection);
  xmpp_connection_send (connection, STREAM_HEADER, -1);
  WAIT_UNTIL (strstr (sink->received->str, "</stream:features>") != NULL);

  natter_test_server_kill (server);
  WAIT_UNTIL (sink->closed_count > 0);
  g_assert_false (xmpp_connection_is_open (connection));
  /* A TLS stream that ends without close_notify ends in an error. */
  g_assert_nonnull (sink->closed_error);

  /* Nothing more, not even for bytes sent afterwards. */
  xmpp_connection_send (connection, "<presence/>", -1);
  xmpp_connection_start_reading (connection);
  spin (200);
  g_assert_cmpuint (sink->closed_count, ==, 1);
  finalize_connection (connection);
}

static void
test_closed_on_peer_eof (void)
{
  g_autoptr(GIOStream) ours = NULL;
  g_autoptr(GIOStream) theirs = NULL;
  XmppConnection *connection;
  g_autoptr(Sink) sink = NULL;
  g_autoptr(GError) error = NULL;

  socket_pair (&ours, &theirs);
  connection = xmpp_connection_new_for_stream (NATTER_TEST_DOMAIN, ours);
  sink = sink_new (connection);
  g_assert_true (xmpp_connection_is_open (connection));
  g_assert_cmpint (xmpp_connection_get_security (connection), ==, XMPP_CONNECTION_PLAIN);
  /* connect_async on an adopted stream just succeeds. */
  g_assert_true (connect_and_wait (connection, &error));
  g_assert_no_error (error);

  xmpp_connection_start_reading (connection);
  xmpp_connection_start_reading (connection);
  peer_write (theirs, "<hello/>");
  WAIT_UNTIL (sink->received->len == strlen ("<hello/>"));
  g_assert_cmpstr (sink->received->str, ==, "<hello/>");

  g_io_stream_close (theirs, NULL, &error);
  g_assert_no_error (error);
  WAIT_UNTIL (sink->closed_count > 0);
  g_assert_null (sink->closed_error);
  spin (100);
  g_assert_cmpuint (sink->closed_count, ==, 1);
  finalize_connection (connection);
}

static void
test_abort_emits_nothing (void)
{
  g_autoptr(GIOStream) ours = NULL;
  g_autoptr(GIOStream) theirs = NULL;
  XmppConnection *connection;
  g_autoptr(Sink) sink = NULL;
  Peer *peer;

  socket_pair (&ours, &theirs);
  connection = xmpp_connection_new_for_stream (NATTER_TEST_DOMAIN, ours);
  sink = sink_new (connection);
  peer = peer_new (theirs);
  xmpp_connection_start_reading (connection);
  xmpp_connection_abort (connection);
  g_assert_false (xmpp_connection_is_open (connection));
  xmpp_connection_send (connection, "<dropped/>", -1);
  g_assert_cmpuint (xmpp_connection_get_queued_bytes (connection), ==, 0);

  /* The server end sees the end; nothing reaches the client any more. */
  g_output_stream_write_all (g_io_stream_get_output_stream (theirs), "<late/>", 7, NULL, NULL,
                             NULL);
  WAIT_UNTIL (peer->eof);
  spin (100);
  g_assert_cmpuint (sink->received_count, ==, 0);
  g_assert_cmpuint (sink->closed_count, ==, 0);
  g_assert_cmpstr (peer->data->str, ==, "");

  xmpp_connection_abort (connection);
  xmpp_connection_close (connection);
  finalize_connection (connection);
  peer_free (peer);
}

static void
test_dispose_with_io_in_flight (void)
{
  g_autoptr(GIOStream) ours = NULL;
  g_autoptr(GIOStream) theirs = NULL;
  g_autofree char *big = g_strnfill (4 * 1024 * 1024, 'x');
  XmppConnection *connection;
  g_autoptr(Sink) sink = NULL;
  Peer *peer;

  socket_pair (&ours, &theirs);
  connection = xmpp_connection_new_for_stream (NATTER_TEST_DOMAIN, ours);
  sink = sink_new (connection);
  xmpp_connection_start_reading (connection);
  /* More than the socket buffers hold: the write stays in flight. */
  xmpp_connection_send (connection, big, -1);
  spin (50);
  g_assert_cmpuint (xmpp_connection_get_queued_bytes (connection), >, 0);

  finalize_connection (connection);
  peer = peer_new (theirs);
  WAIT_UNTIL (peer->eof);
  g_assert_cmpuint (peer->data->len, <, strlen (big));
  g_assert_cmpuint (sink->closed_count, ==, 0);
  peer_free (peer);
}

/* Writing */

static void
test_writes_arrive_in_order (void)
{
  g_autoptr(GIOStream) ours = NULL;
  g_autoptr(GIOStream) theirs = NULL;
  g_autoptr(GString) expected = g_string_new (NULL);
  g_autofree char *big = g_strnfill (300 * 1024, 'b');
  XmppConnection *connection;
  Peer *peer;

  socket_pair (&ours, &theirs);
  connection = xmpp_connection_new_for_stream (NATTER_TEST_DOMAIN, ours);
  peer = peer_new (theirs);

  for (guint i = 0; i < 1000; i++)
    {
      g_autofree char *stanza = g_strdup_printf ("<presence id='p%u'/>", i);

      if (i % 2 == 0)
        xmpp_connection_send (connection, stanza, -1);
      else
        xmpp_connection_send (connection, stanza, strlen (stanza));
      g_string_append (expected, stanza);
      if (i == 500)
        {
          xmpp_connection_send (connection, big, -1);
          g_string_append (expected, big);
        }
    }
  xmpp_connection_send (connection, "ignored", 0);
  g_assert_cmpuint (xmpp_connection_get_queued_bytes (connection), ==, expected->len);

  WAIT_UNTIL (peer->data->len >= expected->len);
  g_assert_cmpuint (peer->data->len, ==, expected->len);
  g_assert_true (memcmp (peer->data->str, expected->str, expected->len) == 0);
  g_assert_cmpuint (xmpp_connection_get_queued_bytes (connection), ==, 0);

  xmpp_connection_abort (connection);
  WAIT_UNTIL (peer->eof);
  finalize_connection (connection);
  peer_free (peer);
}

static void
test_close_flushes_then_closes (void)
{
  g_autoptr(GIOStream) ours = NULL;
  g_autoptr(GIOStream) theirs = NULL;
  g_autofree char *big = g_strnfill (2 * 1024 * 1024, 'c');
  g_autoptr(GString) expected = g_string_new (NULL);
  XmppConnection *connection;
  XmppConnection *weak;
  g_autoptr(Sink) sink = NULL;
  Peer *peer;

  socket_pair (&ours, &theirs);
  connection = xmpp_connection_new_for_stream (NATTER_TEST_DOMAIN, ours);
  sink = sink_new (connection);
  weak = connection;
  g_object_add_weak_pointer (G_OBJECT (connection), (gpointer *) &weak);
  xmpp_connection_start_reading (connection);

  xmpp_connection_send (connection, big, -1);
  xmpp_connection_send (connection, "</stream:stream>", -1);
  g_string_append (expected, big);
  g_string_append (expected, "</stream:stream>");
  xmpp_connection_close (connection);
  xmpp_connection_send (connection, "<too-late/>", -1);
  xmpp_connection_close (connection);
  g_object_unref (connection);
  /* It lives on until the queue is out. */
  g_assert_nonnull (weak);

  peer = peer_new (theirs);
  peer_write (theirs, "<unread/>");
  WAIT_UNTIL (peer->eof);
  g_assert_cmpuint (peer->data->len, ==, expected->len);
  g_assert_true (memcmp (peer->data->str, expected->str, expected->len) == 0);
  WAIT_UNTIL (weak == NULL);
  g_assert_cmpuint (sink->received_count, ==, 0);
  g_assert_cmpuint (sink->closed_count, ==, 0);
  peer_free (peer);
}

/* STARTTLS against a fake server, which controls every byte */

typedef struct
{
  GIOStream       *tls;
  gboolean         done;
  GError          *error;
} FakeTls;

static void
fake_handshake_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  FakeTls *fake = user_data;

  g_tls_connection_handshake_finish (G_TLS_CONNECTION (object), result, &fake->error);
  fake->done = TRUE;
}

/* Starts the server side of TLS on @stream with the fixture's certificate. */
static void
fake_tls_start (FakeTls          *fake,
                NatterTestServer *server,
                GIOStream        *stream)
{
  g_autofree char *key = g_build_filename (natter_test_server_get_directory (server),
                                           "server.key", NULL);
  g_autoptr(GTlsCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;

  certificate = g_tls_certificate_new_from_files (natter_test_server_get_certificate_file (server),
                                                  key, &error);
  g_assert_no_error (error);
  fake->tls = g_tls_server_connection_new (stream, certificate, &error);
  g_assert_no_error (error);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (fake->tls), G_PRIORITY_DEFAULT, NULL,
                                    fake_handshake_cb, fake);
}

/* SECURITY.md #30: a server presents a valid certificate for natter.test
 * to an account on other.test.  (Prosody itself refuses the unknown SNI, so
 * a fake server that answers any name stands in.) */
static void
test_identity_is_the_domain (void)
{
  NatterTestServer *server = get_server ();
  g_autoptr(GTlsDatabase) database = dup_database (server);
  g_autoptr(GIOStream) ours = NULL;
  g_autoptr(GIOStream) theirs = NULL;
  g_autoptr(XmppConnection) connection = NULL;
  g_autoptr(XmppConnection) prosody = new_direct_tls (server, "other.test", TRUE);
  g_autoptr(GError) error = NULL;
  FakeTls fake = { 0, };
  Result result = { 0, };
  GTlsCertificateFlags errors;

  socket_pair (&ours, &theirs);
  connection = xmpp_connection_new_for_stream ("other.test", ours);
  xmpp_connection_set_tls_database (connection, database);
  xmpp_connection_start_tls_async (connection, NULL, start_tls_done_cb, &result);
  fake_tls_start (&fake, server, theirs);
  WAIT_UNTIL (result.done && fake.done);
  g_assert_error (result.error, XMPP_ERROR, XMPP_ERROR_CERTIFICATE);
  errors = xmpp_connection_get_peer_certificate_errors (connection);
  g_assert_true (errors & G_TLS_CERTIFICATE_BAD_IDENTITY);
  g_assert_false (errors & G_TLS_CERTIFICATE_UNKNOWN_CA);
  g_assert_false (xmpp_connection_is_open (connection));
  result_clear (&result);
  g_clear_error (&fake.error);
  g_clear_object (&fake.tls);
  finalize_connection (g_steal_pointer (&connection));

  g_assert_false (connect_and_wait (prosody, &error));
  g_assert_true (error->domain == XMPP_ERROR);
}

static void
run_fake_starttls (gboolean    from_idle,
                   const char *after_proceed)
{
  NatterTestServer *server = get_server ();
  g_autoptr(GTlsDatabase) database = dup_database (server);
  g_autoptr(GIOStream) ours = NULL;
  g_autoptr(GIOStream) theirs = NULL;
  g_autoptr(XmppConnection) connection = NULL;
  g_autoptr(Sink) sink = NULL;
  g_autofree char *first = NULL;
  FakeTls fake = { 0, };
  StartTls state = { 0, };

  socket_pair (&ours, &theirs);
  connection = xmpp_connection_new_for_stream (NATTER_TEST_DOMAIN, ours);
  xmpp_connection_set_tls_database (connection, database);
  sink = sink_new (connection);
  state.sink = sink;
  state.from_idle = from_idle;
  g_object_set_data (G_OBJECT (connection), "start-tls", &state);
  g_signal_connect (connection, "received", G_CALLBACK (start_tls_on_proceed_cb), &state);
  xmpp_connection_start_reading (connection);

  /* One write: <proceed/> and what follows arrive in the same chunk. */
  first = g_strconcat (PROCEED, after_proceed, NULL);
  peer_write (theirs, first);
  WAIT_UNTIL (state.started);
  g_assert_cmpstr (sink->received->str, ==, first);

  fake_tls_start (&fake, server, theirs);
  WAIT_UNTIL (state.result.done && fake.done);
  g_assert_no_error (state.result.error);
  g_assert_no_error (fake.error);
  g_assert_cmpint (xmpp_connection_get_security (connection), ==, XMPP_CONNECTION_STARTTLS);

  /* After TLS, only what the server sent over TLS arrives. */
  peer_write (fake.tls, "<after-tls/>");
  WAIT_UNTIL (sink->received->len > state.proceed_at);
  WAIT_UNTIL (strstr (sink->received->str + state.proceed_at, "<after-tls/>") != NULL);
  g_assert_cmpstr (sink->received->str + state.proceed_at, ==, "<after-tls/>");

  xmpp_connection_abort (connection);
  g_signal_handlers_disconnect_by_data (connection, &state);
  finalize_connection (g_steal_pointer (&connection));
  g_assert_cmpuint (sink->closed_count, ==, 0);
  g_clear_object (&fake.tls);
}

/* SECURITY.md #31: TLS older than 1.2 is refused even when both ends agree
 * on it.  glib-networking reads G_TLS_GNUTLS_PRIORITY once, for every
 * connection of the process, hence a subprocess. */
static void
test_old_tls_refused (void)
{
  NatterTestServer *server;
  g_autoptr(GTlsDatabase) database = NULL;
  g_autoptr(GIOStream) ours = NULL;
  g_autoptr(GIOStream) theirs = NULL;
  g_autoptr(XmppConnection) connection = NULL;
  FakeTls fake = { 0, };
  Result result = { 0, };

  if (!g_test_subprocess ())
    {
      g_test_trap_subprocess (NULL, 60 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
      g_test_trap_assert_passed ();
      return;
    }

  g_setenv ("G_TLS_GNUTLS_PRIORITY",
            "NORMAL:-VERS-ALL:+VERS-TLS1.1:%VERIFY_ALLOW_SIGN_WITH_SHA1", TRUE);
  server = get_server ();
  database = dup_database (server);
  socket_pair (&ours, &theirs);
  connection = xmpp_connection_new_for_stream (NATTER_TEST_DOMAIN, ours);
  xmpp_connection_set_tls_database (connection, database);
  xmpp_connection_start_tls_async (connection, NULL, start_tls_done_cb, &result);
  fake_tls_start (&fake, server, theirs);
  WAIT_UNTIL (result.done && fake.done);
  g_assert_no_error (fake.error);
  g_assert_cmpint (g_tls_connection_get_protocol_version (G_TLS_CONNECTION (fake.tls)), ==,
                   G_TLS_PROTOCOL_VERSION_TLS_1_1);
  g_assert_error (result.error, XMPP_ERROR, XMPP_ERROR_CONNECT);
  g_assert_nonnull (strstr (result.error->message, "TLS 1.1"));
  g_assert_false (xmpp_connection_is_open (connection));
  result_clear (&result);
  g_clear_object (&fake.tls);
  finalize_connection (g_steal_pointer (&connection));
  g_clear_pointer (&shared_server, natter_test_server_free);
#ifdef __SANITIZE_ADDRESS__
  /* GCC 12's LeakSanitizer crashes at exit in this short-lived child
   * ("Tracer caught signal 11" on a bogus dynamic TLS range of the TLS
   * handshake threads).  The same code is leak-checked in the parent. */
  _exit (0);
#endif
}

/* SECURITY.md #36: <proceed/> and a forged <success/> in one TCP segment. */
static void
test_starttls_in_handler_reads_no_plaintext (void)
{
  run_fake_starttls (FALSE, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
}

static void
test_starttls_outside_handler (void)
{
  run_fake_starttls (TRUE, "");
}

/* The client starts TLS while a plaintext read is in flight, and the
 * server then sends plaintext instead of a handshake: it never reaches the
 * client as data, and STARTTLS fails. */
static void
test_starttls_plaintext_injection_fails (void)
{
  g_autoptr(GIOStream) ours = NULL;
  g_autoptr(GIOStream) theirs = NULL;
  g_autoptr(XmppConnection) connection = NULL;
  g_autoptr(Sink) sink = NULL;
  StartTls state = { 0, };

  socket_pair (&ours, &theirs);
  connection = xmpp_connection_new_for_stream (NATTER_TEST_DOMAIN, ours);
  sink = sink_new (connection);
  state.sink = sink;
  xmpp_connection_start_reading (connection);
  peer_write (theirs, PROCEED);
  WAIT_UNTIL (sink->received_count == 1);
  spin (20);

  xmpp_connection_start_tls_async (connection, NULL, start_tls_done_cb, &state.result);
  peer_write (theirs, "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>");
  WAIT_UNTIL (state.result.done);
  g_assert_nonnull (state.result.error);
  g_assert_true (state.result.error->domain == XMPP_ERROR);
  g_assert_false (xmpp_connection_is_open (connection));
  g_assert_cmpstr (sink->received->str, ==, PROCEED);
  g_assert_cmpuint (sink->closed_count, ==, 0);
  result_clear (&state.result);

  /* STARTTLS twice, or on a closed connection, is an error, not a crash. */
  xmpp_connection_start_tls_async (connection, NULL, start_tls_done_cb, &state.result);
  WAIT_UNTIL (state.result.done);
  g_assert_error (state.result.error, XMPP_ERROR, XMPP_ERROR_NOT_CONNECTED);
  result_clear (&state.result);
  finalize_connection (g_steal_pointer (&connection));
}

static void
test_starttls_over_tls_refused (void)
{
  NatterTestServer *server = get_server ();
  g_autoptr(XmppConnection) connection = new_direct_tls (server, NATTER_TEST_DOMAIN, TRUE);
  g_autoptr(GError) error = NULL;
  Result result = { 0, };

  g_assert_true (connect_and_wait (connection, &error));
  xmpp_connection_start_tls_async (connection, NULL, start_tls_done_cb, &result);
  WAIT_UNTIL (result.done);
  g_assert_error (result.error, XMPP_ERROR, XMPP_ERROR_FAILED);
  g_assert_true (xmpp_connection_is_open (connection));
  g_assert_cmpint (xmpp_connection_get_security (connection), ==, XMPP_CONNECTION_DIRECT_TLS);
  result_clear (&result);
  xmpp_connection_abort (connection);
  finalize_connection (g_steal_pointer (&connection));
}

/* Channel binding */

static void
test_channel_binding_over_tls (void)
{
  NatterTestServer *server = get_server ();
  g_autoptr(XmppConnection) connection = new_direct_tls (server, NATTER_TEST_DOMAIN, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) exporter = NULL;
  g_autoptr(GBytes) end_point = NULL;
  g_autoptr(GBytes) unknown = NULL;

  g_assert_true (connect_and_wait (connection, &error));

  /* The fixture's OpenSSL and GnuTLS agree on TLS 1.3, where tls-exporter
   * (RFC 9266) is always defined. */
  g_assert_cmpint (xmpp_connection_get_tls_version (connection), ==,
                   G_TLS_PROTOCOL_VERSION_TLS_1_3);
  exporter = xmpp_connection_dup_channel_binding (connection, "tls-exporter", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (exporter), ==, 32);

  /* RFC 5929: the hash of the certificate with its signature's hash, here
   * ecdsa-with-SHA256, so the fingerprint itself. */
  end_point = xmpp_connection_dup_channel_binding (connection, "tls-server-end-point", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_bytes_get_size (end_point), ==, 32);
  {
    g_autoptr(GString) hex = g_string_new (NULL);
    const guint8 *bytes = g_bytes_get_data (end_point, NULL);

    for (guint i = 0; i < 32; i++)
      g_string_append_printf (hex, "%02x", bytes[i]);
    g_assert_cmpstr (hex->str, ==, natter_test_server_get_fingerprint (server));
  }

  unknown = xmpp_connection_dup_channel_binding (connection, "tls-unique-for-telnet", &error);
  g_assert_null (unknown);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_FAILED);
  g_clear_error (&error);

  xmpp_connection_abort (connection);
  unknown = xmpp_connection_dup_channel_binding (connection, "tls-exporter", &error);
  g_assert_null (unknown);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_FAILED);
  finalize_connection (g_steal_pointer (&connection));
}

static void
test_channel_binding_plaintext_refused (void)
{
  g_autoptr(GIOStream) ours = NULL;
  g_autoptr(GIOStream) theirs = NULL;
  g_autoptr(XmppConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) data = NULL;

  socket_pair (&ours, &theirs);
  connection = xmpp_connection_new_for_stream (NATTER_TEST_DOMAIN, ours);
  data = xmpp_connection_dup_channel_binding (connection, "tls-exporter", &error);
  g_assert_null (data);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_FAILED);
  g_clear_error (&error);
  data = xmpp_connection_dup_channel_binding (connection, "tls-server-end-point", &error);
  g_assert_null (data);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_FAILED);
  g_assert_cmpint (xmpp_connection_get_tls_version (connection), ==,
                   G_TLS_PROTOCOL_VERSION_UNKNOWN);
  finalize_connection (g_steal_pointer (&connection));
}

/* DNS SRV, with a resolver that answers from a table */

#define FAKE_TYPE_RESOLVER (fake_resolver_get_type ())
G_DECLARE_FINAL_TYPE (FakeResolver, fake_resolver, FAKE, RESOLVER, GResolver)

struct _FakeResolver
{
  GResolver   parent_instance;
  GHashTable *records;
  GHashTable *addresses;
  GPtrArray  *queries;
};

G_DEFINE_FINAL_TYPE (FakeResolver, fake_resolver, G_TYPE_RESOLVER)

static void
free_records (gpointer data)
{
  g_list_free_full (data, (GDestroyNotify) g_variant_unref);
}

static void
fake_resolver_lookup_records_async (GResolver           *resolver,
                                    const char          *rrname,
                                    GResolverRecordType  record_type,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  FakeResolver *self = FAKE_RESOLVER (resolver);
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  GList *records = g_hash_table_lookup (self->records, rrname);

  g_ptr_array_add (self->queries, g_strdup (rrname));
  if (record_type != G_RESOLVER_RECORD_SRV || records == NULL)
    {
      g_task_return_new_error (task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                               "No record for %s", rrname);
      return;
    }
  g_task_return_pointer (task, g_list_copy_deep (records, (GCopyFunc) g_variant_ref, NULL),
                         free_records);
}

static GList *
fake_resolver_lookup_records_finish (GResolver     *resolver,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
free_addresses (gpointer data)
{
  g_list_free_full (data, g_object_unref);
}

/* IP literals never get here: GResolver answers them itself.  Names get
 * the IPv4 address they were given, if any, and are noted. */
static void
fake_resolver_lookup_by_name_with_flags_async (GResolver                *resolver,
                                               const char               *hostname,
                                               GResolverNameLookupFlags  flags,
                                               GCancellable             *cancellable,
                                               GAsyncReadyCallback       callback,
                                               gpointer                  user_data)
{
  FakeResolver *self = FAKE_RESOLVER (resolver);
  g_autoptr(GTask) task = g_task_new (resolver, cancellable, callback, user_data);
  const char *address = g_hash_table_lookup (self->addresses, hostname);

  g_ptr_array_add (self->queries, g_strdup (hostname));
  if (address == NULL || (flags & G_RESOLVER_NAME_LOOKUP_FLAGS_IPV6_ONLY))
    {
      g_task_return_new_error (task, G_RESOLVER_ERROR, G_RESOLVER_ERROR_NOT_FOUND,
                               "No address for %s", hostname);
      return;
    }
  g_task_return_pointer (task, g_list_append (NULL, g_inet_address_new_from_string (address)),
                         free_addresses);
}

static void
fake_resolver_lookup_by_name_async (GResolver           *resolver,
                                    const char          *hostname,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  fake_resolver_lookup_by_name_with_flags_async (resolver, hostname, 0, cancellable,
                                                 callback, user_data);
}

static GList *
fake_resolver_lookup_by_name_finish (GResolver     *resolver,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
fake_resolver_finalize (GObject *object)
{
  FakeResolver *self = FAKE_RESOLVER (object);

  g_hash_table_unref (self->records);
  g_hash_table_unref (self->addresses);
  g_ptr_array_unref (self->queries);

  G_OBJECT_CLASS (fake_resolver_parent_class)->finalize (object);
}

static void
fake_resolver_class_init (FakeResolverClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GResolverClass *resolver_class = G_RESOLVER_CLASS (klass);

  object_class->finalize = fake_resolver_finalize;
  resolver_class->lookup_records_async = fake_resolver_lookup_records_async;
  resolver_class->lookup_records_finish = fake_resolver_lookup_records_finish;
  resolver_class->lookup_by_name_async = fake_resolver_lookup_by_name_async;
  resolver_class->lookup_by_name_finish = fake_resolver_lookup_by_name_finish;
  resolver_class->lookup_by_name_with_flags_async = fake_resolver_lookup_by_name_with_flags_async;
  resolver_class->lookup_by_name_with_flags_finish = fake_resolver_lookup_by_name_finish;
}

static void
fake_resolver_init (FakeResolver *self)
{
  self->records = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, free_records);
  self->addresses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->queries = g_ptr_array_new_with_free_func (g_free);
}

static void
fake_resolver_add_srv (FakeResolver *self,
                       const char   *rrname,
                       guint16       priority,
                       guint16       weight,
                       guint16       port,
                       const char   *target)
{
  GVariant *record = g_variant_ref_sink (g_variant_new ("(qqqs)", priority, weight, port, target));
  g_autofree char *key = NULL;
  GList *records = NULL;

  g_hash_table_steal_extended (self->records, rrname, (gpointer *) &key, (gpointer *) &records);
  records = g_list_append (records, record);
  g_hash_table_insert (self->records, g_strdup (rrname), records);
}

static void
fake_resolver_add_address (FakeResolver *self,
                           const char   *name,
                           const char   *address)
{
  g_hash_table_insert (self->addresses, g_strdup (name), g_strdup (address));
}

static gboolean
fake_resolver_was_asked (FakeResolver *self,
                         const char   *name)
{
  for (guint i = 0; i < self->queries->len; i++)
    if (g_str_equal (self->queries->pdata[i], name))
      return TRUE;
  return FALSE;
}

typedef struct
{
  FakeResolver *fake;
  GResolver    *original;
} SrvFixture;

static void
srv_set_up (SrvFixture    *fixture,
            gconstpointer  data)
{
  fixture->original = g_resolver_get_default ();
  fixture->fake = g_object_new (FAKE_TYPE_RESOLVER, NULL);
  g_resolver_set_default (G_RESOLVER (fixture->fake));
}

static void
srv_tear_down (SrvFixture    *fixture,
               gconstpointer  data)
{
  g_resolver_set_default (fixture->original);
  g_clear_object (&fixture->original);
  g_assert_finalize_object (fixture->fake);
}

#define XMPPS_SRV "_xmpps-client._tcp." NATTER_TEST_DOMAIN
#define XMPP_SRV "_xmpp-client._tcp." NATTER_TEST_DOMAIN

static XmppConnection *
srv_connect (NatterTestServer  *server,
             GError           **error)
{
  XmppConnection *connection = xmpp_connection_new (NATTER_TEST_DOMAIN);
  g_autoptr(GTlsDatabase) database = dup_database (server);

  xmpp_connection_set_tls_database (connection, database);
  connect_and_wait (connection, error);
  return connection;
}

/* XEP-0368: at equal priority, direct TLS is tried first. */
static void
test_srv_direct_tls_first (SrvFixture    *fixture,
                           gconstpointer  data)
{
  NatterTestServer *server = get_server ();
  g_autoptr(XmppConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  fake_resolver_add_srv (fixture->fake, XMPP_SRV, 10, 0, natter_test_server_get_port (server),
                         "127.0.0.1");
  fake_resolver_add_srv (fixture->fake, XMPPS_SRV, 10, 0,
                         natter_test_server_get_direct_tls_port (server), "127.0.0.1.");
  connection = srv_connect (server, &error);
  g_assert_no_error (error);
  g_assert_cmpint (xmpp_connection_get_security (connection), ==, XMPP_CONNECTION_DIRECT_TLS);
  g_assert_true (fake_resolver_was_asked (fixture->fake, XMPPS_SRV));
  g_assert_true (fake_resolver_was_asked (fixture->fake, XMPP_SRV));
  xmpp_connection_abort (connection);
}

/* RFC 2782 priorities across both services: a better STARTTLS record wins. */
static void
test_srv_priority_mixes_services (SrvFixture    *fixture,
                                  gconstpointer  data)
{
  NatterTestServer *server = get_server ();
  g_autoptr(XmppConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  fake_resolver_add_srv (fixture->fake, XMPPS_SRV, 20, 0,
                         natter_test_server_get_direct_tls_port (server), "127.0.0.1");
  fake_resolver_add_srv (fixture->fake, XMPP_SRV, 5, 0, natter_test_server_get_port (server),
                         "127.0.0.1");
  connection = srv_connect (server, &error);
  g_assert_no_error (error);
  g_assert_cmpint (xmpp_connection_get_security (connection), ==, XMPP_CONNECTION_PLAIN);
  xmpp_connection_abort (connection);
}

static void
test_srv_next_target_after_failure (SrvFixture    *fixture,
                                    gconstpointer  data)
{
  NatterTestServer *server = get_server ();
  g_autoptr(XmppConnection) connection = NULL;
  g_autoptr(GError) error = NULL;

  fake_resolver_add_srv (fixture->fake, XMPPS_SRV, 2, 0,
                         natter_test_server_get_direct_tls_port (server), "127.0.0.1");
  fake_resolver_add_srv (fixture->fake, XMPPS_SRV, 1, 0, closed_port (), "127.0.0.1");
  connection = srv_connect (server, &error);
  g_assert_no_error (error);
  g_assert_cmpint (xmpp_connection_get_security (connection), ==, XMPP_CONNECTION_DIRECT_TLS);
  xmpp_connection_abort (connection);
}

static void
test_srv_all_targets_fail (SrvFixture    *fixture,
                           gconstpointer  data)
{
  XmppConnection *connection = xmpp_connection_new (NATTER_TEST_DOMAIN);
  g_autoptr(GError) error = NULL;

  fake_resolver_add_srv (fixture->fake, XMPPS_SRV, 1, 0, closed_port (), "127.0.0.1");
  fake_resolver_add_srv (fixture->fake, XMPP_SRV, 1, 0, 5222, "gone.invalid");
  g_assert_false (connect_and_wait (connection, &error));
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_CONNECT);
  /* Refused says more than not found. */
  g_assert_nonnull (strstr (error->message, "refused"));
  g_assert_true (fake_resolver_was_asked (fixture->fake, "gone.invalid"));
  finalize_connection (connection);
}

/* "." means not offered, and then the domain itself is not tried either
 * (XEP-0368 §4). */
static void
test_srv_dot_means_not_offered (SrvFixture    *fixture,
                                gconstpointer  data)
{
  XmppConnection *connection = xmpp_connection_new ("dot.test");
  g_autoptr(GError) error = NULL;

  fake_resolver_add_srv (fixture->fake, "_xmpps-client._tcp.dot.test", 0, 0, 0, ".");
  fake_resolver_add_address (fixture->fake, "dot.test", "127.0.0.1");
  g_assert_false (connect_and_wait (connection, &error));
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_CONNECT);
  g_assert_true (fake_resolver_was_asked (fixture->fake, "_xmpp-client._tcp.dot.test"));
  g_assert_false (fake_resolver_was_asked (fixture->fake, "dot.test"));
  finalize_connection (connection);
}

/* No SRV record at all: the domain on port 5222 (RFC 6120 §3.2.2).  Port
 * 5222 on 127.0.0.1 may be someone else's: then it is enough that the
 * attempt went there. */
static void
test_srv_fallback_to_domain (SrvFixture    *fixture,
                             gconstpointer  data)
{
  XmppConnection *connection = xmpp_connection_new ("fallback.test");
  g_autoptr(GError) error = NULL;
  Silent *silent = silent_new (5222);
  gboolean connected;

  fake_resolver_add_address (fixture->fake, "fallback.test", "127.0.0.1");
  connected = connect_and_wait (connection, &error);
  g_assert_true (fake_resolver_was_asked (fixture->fake, "_xmpps-client._tcp.fallback.test"));
  g_assert_true (fake_resolver_was_asked (fixture->fake, "_xmpp-client._tcp.fallback.test"));
  g_assert_true (fake_resolver_was_asked (fixture->fake, "fallback.test"));
  if (silent != NULL)
    {
      g_assert_no_error (error);
      WAIT_UNTIL (silent->accepted->len == 1);
    }
  else if (!connected)
    {
      g_assert_error (error, XMPP_ERROR, XMPP_ERROR_CONNECT);
      g_assert_nonnull (strstr (error->message, "5222"));
    }
  if (connected)
    g_assert_cmpint (xmpp_connection_get_security (connection), ==, XMPP_CONNECTION_PLAIN);
  xmpp_connection_abort (connection);
  finalize_connection (connection);
  if (silent != NULL)
    silent_free (silent);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/natter/xmpp/connection/direct-tls/stream-features",
                   test_direct_tls_stream_features);
  g_test_add_func ("/natter/xmpp/connection/starttls/upgrade-then-features",
                   test_starttls_upgrade);
  g_test_add_func ("/natter/xmpp/connection/starttls/in-handler-reads-no-plaintext",
                   test_starttls_in_handler_reads_no_plaintext);
  g_test_add_func ("/natter/xmpp/connection/starttls/outside-handler",
                   test_starttls_outside_handler);
  g_test_add_func ("/natter/xmpp/connection/starttls/plaintext-injection-fails",
                   test_starttls_plaintext_injection_fails);
  g_test_add_func ("/natter/xmpp/connection/starttls/old-tls-refused",
                   test_old_tls_refused);
  g_test_add_func ("/natter/xmpp/connection/starttls/over-tls-refused",
                   test_starttls_over_tls_refused);
  g_test_add_func ("/natter/xmpp/connection/certificate/untrusted-exposed",
                   test_untrusted_certificate_exposed);
  g_test_add_func ("/natter/xmpp/connection/certificate/untrusted-starttls",
                   test_untrusted_certificate_starttls);
  g_test_add_func ("/natter/xmpp/connection/certificate/pinned-accepted",
                   test_pinned_certificate_accepted);
  g_test_add_func ("/natter/xmpp/connection/certificate/wrong-pin-rejected",
                   test_wrong_pin_rejected);
  g_test_add_func ("/natter/xmpp/connection/certificate/identity-is-the-domain",
                   test_identity_is_the_domain);
  g_test_add_func ("/natter/xmpp/connection/connect/refused",
                   test_connection_refused);
  g_test_add_func ("/natter/xmpp/connection/connect/host-not-found",
                   test_host_not_found);
  g_test_add_func ("/natter/xmpp/connection/connect/handshake-timeout",
                   test_handshake_timeout);
  g_test_add_func ("/natter/xmpp/connection/connect/abort-while-connecting",
                   test_abort_while_connecting);
  g_test_add_func ("/natter/xmpp/connection/closed/once-when-server-killed",
                   test_closed_once_when_server_killed);
  g_test_add_func ("/natter/xmpp/connection/closed/on-peer-eof",
                   test_closed_on_peer_eof);
  g_test_add_func ("/natter/xmpp/connection/abort/emits-nothing",
                   test_abort_emits_nothing);
  g_test_add_func ("/natter/xmpp/connection/dispose/with-io-in-flight",
                   test_dispose_with_io_in_flight);
  g_test_add_func ("/natter/xmpp/connection/write/in-order",
                   test_writes_arrive_in_order);
  g_test_add_func ("/natter/xmpp/connection/close/flushes-then-closes",
                   test_close_flushes_then_closes);
  g_test_add_func ("/natter/xmpp/connection/channel-binding/over-tls",
                   test_channel_binding_over_tls);
  g_test_add_func ("/natter/xmpp/connection/channel-binding/plaintext-refused",
                   test_channel_binding_plaintext_refused);
  g_test_add ("/natter/xmpp/connection/srv/direct-tls-first", SrvFixture, NULL,
              srv_set_up, test_srv_direct_tls_first, srv_tear_down);
  g_test_add ("/natter/xmpp/connection/srv/priority-mixes-services", SrvFixture, NULL,
              srv_set_up, test_srv_priority_mixes_services, srv_tear_down);
  g_test_add ("/natter/xmpp/connection/srv/next-target-after-failure", SrvFixture, NULL,
              srv_set_up, test_srv_next_target_after_failure, srv_tear_down);
  g_test_add ("/natter/xmpp/connection/srv/all-targets-fail", SrvFixture, NULL,
              srv_set_up, test_srv_all_targets_fail, srv_tear_down);
  g_test_add ("/natter/xmpp/connection/srv/dot-means-not-offered", SrvFixture, NULL,
              srv_set_up, test_srv_dot_means_not_offered, srv_tear_down);
  g_test_add ("/natter/xmpp/connection/srv/fallback-to-domain", SrvFixture, NULL,
              srv_set_up, test_srv_fallback_to_domain, srv_tear_down);

  status = g_test_run ();
  g_clear_pointer (&shared_server, natter_test_server_free);

  /* Let the idle worker threads (TLS handshakes run in GTask's pool) end
   * before exit: GCC 12's LeakSanitizer may crash on their dynamic TLS. */
  spin (600);
  g_thread_pool_set_max_unused_threads (0);
  g_thread_pool_stop_unused_threads ();
  g_usleep (50 * 1000);

  return status;
}
