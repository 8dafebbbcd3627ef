/* natter-test-proxy.c: a TCP relay the tests can cut, like a bad network
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Listens on a free 127.0.0.1 port and relays every connection to a
 * target port, byte for byte (TLS passes through untouched).
 * natter_test_proxy_cut() drops every relayed connection at once with a
 * TCP reset, the way a lost network or a dead NAT entry does: neither side
 * sees a clean close.
 */
#include "config.h"

#include "natter-test-proxy.h"

#include <sys/socket.h>

typedef struct
{
  NatterTestProxy *proxy;
  GSocketConnection *client;
  GSocketConnection *server;
  GCancellable *cancellable;
  guint8 client_buffer[16384];
  guint8 server_buffer[16384];
  gboolean dead;
} Relay;

struct _NatterTestProxy
{
  GSocketService *service;
  guint16 port;
  guint16 target_port;
  GPtrArray *relays;
  gboolean refusing;
  guint accepted;
};

static void relay_read (Relay    *relay,
                        gboolean  from_client);
static void relay_unref (Relay *relay);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Relay, relay_unref)

static void
reset_socket (GSocketConnection *connection)
{
  GSocket *socket = g_socket_connection_get_socket (connection);
  struct linger linger = { 1, 0 };

  /* SO_LINGER with a zero timeout turns close() into a reset. */
  setsockopt (g_socket_get_fd (socket), SOL_SOCKET, SO_LINGER, &linger, sizeof linger);
  g_socket_close (socket, NULL);
}

static void
relay_kill (Relay *relay)
{
  if (relay->dead)
    return;
  relay->dead = TRUE;
  g_cancellable_cancel (relay->cancellable);
  reset_socket (relay->client);
  if (relay->server != NULL)
    reset_socket (relay->server);
}

static void
relay_clear (gpointer data)
{
  Relay *relay = data;

  relay_kill (relay);
  g_clear_object (&relay->client);
  g_clear_object (&relay->server);
  g_clear_object (&relay->cancellable);
}

/* Each pending read or write holds a reference, so a relay dropped by the
 * proxy lives until its cancelled operations have called back. */
static void
relay_unref (Relay *relay)
{
  g_rc_box_release_full (relay, relay_clear);
}

static void
write_done_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(Relay) relay = user_data;
  gboolean from_client;
  g_autoptr(GError) error = NULL;

  if (!g_output_stream_write_all_finish (G_OUTPUT_STREAM (object), result, NULL, &error))
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        relay_kill (relay);
      return;
    }
  from_client = G_OUTPUT_STREAM (object) == g_io_stream_get_output_stream (G_IO_STREAM (relay->server));
  relay_read (relay, from_client);
}

static void
read_done_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(Relay) relay = user_data;
  g_autoptr(GError) error = NULL;
  gboolean from_client;
  GSocketConnection *to;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (object), result, &error);
  if (n <= 0)
    {
      if (error == NULL || !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        relay_kill (relay);
      return;
    }

  from_client = G_INPUT_STREAM (object) == g_io_stream_get_input_stream (G_IO_STREAM (relay->client));
  to = from_client ? relay->server : relay->client;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (G_IO_STREAM (to)),
                                   from_client ? relay->client_buffer : relay->server_buffer, n,
                                   G_PRIORITY_DEFAULT, relay->cancellable, write_done_cb,
                                   g_rc_box_acquire (relay));
}

static void
relay_read (Relay    *relay,
            gboolean  from_client)
{
  GSocketConnection *from = from_client ? relay->client : relay->server;

  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (from)),
                             from_client ? relay->client_buffer : relay->server_buffer,
                             sizeof relay->client_buffer, G_PRIORITY_DEFAULT,
                             relay->cancellable, read_done_cb, g_rc_box_acquire (relay));
}

static gboolean
incoming_cb (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  NatterTestProxy *self = user_data;
  g_autoptr(GSocketClient) client = NULL;
  g_autoptr(GError) error = NULL;
  Relay *relay;

  if (self->refusing)
    {
      reset_socket (connection);
      return TRUE;
    }

  relay = g_rc_box_new0 (Relay);
  relay->proxy = self;
  relay->client = g_object_ref (connection);
  relay->cancellable = g_cancellable_new ();
  client = g_socket_client_new ();
  /* Loopback connects at once; doing it synchronously keeps the relay simple. */
  relay->server = g_socket_client_connect_to_host (client, "127.0.0.1", self->target_port, NULL, &error);
  g_ptr_array_add (self->relays, relay);
  self->accepted++;
  if (relay->server == NULL)
    {
      relay_kill (relay);
      return TRUE;
    }
  relay_read (relay, TRUE);
  relay_read (relay, FALSE);
  return TRUE;
}

/**
 * natter_test_proxy_new:
 * @target_port: the 127.0.0.1 port to relay to
 * @error: return location for an error
 *
 * Returns: (transfer full): a listening relay
 */
NatterTestProxy *
natter_test_proxy_new (guint16   target_port,
                       GError  **error)
{
  g_autoptr(NatterTestProxy) self = g_new0 (NatterTestProxy, 1);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  self->target_port = target_port;
  self->relays = g_ptr_array_new_with_free_func ((GDestroyNotify) relay_unref);
  self->service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP,
                                      NULL, &bound, error))
    return NULL;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
  g_signal_connect (self->service, "incoming", G_CALLBACK (incoming_cb), self);
  g_socket_service_start (self->service);

  return g_steal_pointer (&self);
}

/**
 * natter_test_proxy_cut:
 * @self: a proxy
 *
 * Resets every relayed connection.
 *
 * Returns: how many live connections were cut
 */
guint
natter_test_proxy_cut (NatterTestProxy *self)
{
  guint cut = 0;

  for (guint i = 0; i < self->relays->len; i++)
    {
      Relay *relay = g_ptr_array_index (self->relays, i);

      if (!relay->dead)
        cut++;
      relay_kill (relay);
    }
  return cut;
}

/**
 * natter_test_proxy_set_refusing:
 * @self: a proxy
 * @refusing: whether new connections are reset at once
 *
 * Simulates a network that is down.
 */
void
natter_test_proxy_set_refusing (NatterTestProxy *self,
                                gboolean         refusing)
{
  self->refusing = refusing;
}

/** natter_test_proxy_get_port: Returns: the port clients connect to */
guint16
natter_test_proxy_get_port (NatterTestProxy *self)
{
  return self->port;
}

/** natter_test_proxy_get_accepted: Returns: how many connections were relayed so far */
guint
natter_test_proxy_get_accepted (NatterTestProxy *self)
{
  return self->accepted;
}

/**
 * natter_test_proxy_free:
 * @self: (nullable): a proxy
 */
void
natter_test_proxy_free (NatterTestProxy *self)
{
  if (self == NULL)
    return;
  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_signal_handlers_disconnect_by_data (self->service, self);
      g_clear_object (&self->service);
    }
  g_clear_pointer (&self->relays, g_ptr_array_unref);
  g_free (self);
}
