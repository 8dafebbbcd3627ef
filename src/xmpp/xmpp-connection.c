/* xmpp-connection.c: a byte stream to an XMPP server, over TLS
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "xmpp-connection.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#ifdef G_OS_UNIX
#include <netinet/in.h>
#include <netinet/tcp.h>
#endif

#include "xmpp-enums.h"
#include "xmpp-error.h"

/*
 * The transport below XmppClient: DNS SRV (RFC 6120 §3.2, XEP-0368), TCP,
 * TLS (direct or STARTTLS), a read loop and a write queue.  It knows no
 * XML.  Lifetimes:
 *
 * - connect_async and start_tls_async are GTasks whose source object is
 *   the connection, so the connection lives until they complete; dispose
 *   cannot run under them.
 * - The read loop and the write queue run for as long as the stream is
 *   open, so they hold no reference: their callbacks get an Op, which knows
 *   the connection's lifetime cancellable.  That cancellable is cancelled by
 *   dispose and by every way into STATE_CLOSED, and a callback whose Op
 *   says so touches nothing of the connection.
 * - close () holds a reference until the queue is flushed and the stream is
 *   closed (or CLOSE_TIMEOUT_SECONDS passed), so that the client may drop
 *   the connection right after closing it.
 */

#define READ_BUFFER_SIZE (64 * 1024)
#define DEFAULT_TIMEOUT_SECONDS 30
#define CLOSE_TIMEOUT_SECONDS 10
#define XMPP_CLIENT_PORT 5222
#define XMPPS_CLIENT_PORT 5223
#define KEEPALIVE_IDLE_SECONDS 60
#define KEEPALIVE_INTERVAL_SECONDS 15
#define KEEPALIVE_PROBES 4
#define ALPN_XMPP_CLIENT "xmpp-client"

/**
 * XmppConnection:
 *
 * The byte stream under an #XmppClient: DNS SRV, TCP and TLS, a read loop
 * and an ordered write queue.  It knows no XML.
 *
 * A connection is used once: xmpp_connection_new(), the settings,
 * xmpp_connection_connect_async(), xmpp_connection_start_reading(), then
 * #XmppConnection::received and xmpp_connection_send() until
 * #XmppConnection::closed, xmpp_connection_close() or
 * xmpp_connection_abort().  After that it stays closed; reconnecting takes
 * a new connection.  Everything is asynchronous and runs on the
 * thread-default main context of the caller.
 */

typedef enum {
  STATE_NEW,
  STATE_CONNECTING,
  STATE_OPEN,
  STATE_STARTING_TLS,
  STATE_CLOSING,
  STATE_CLOSED,
} State;

struct _XmppConnection
{
  GObject                 parent_instance;

  char                   *domain;
  char                   *host;
  guint16                 port;
  gboolean                direct_tls;
  GStrv                   pins;
  GTlsDatabase           *database;
  guint                   timeout;

  State                   state;
  XmppConnectionSecurity  security;
  GCancellable           *cancellable;
  GIOStream              *stream;
  GSocket                *socket;
  guint16                 remote_port;
  GTlsCertificate        *peer_certificate;
  GTlsCertificateFlags    peer_certificate_errors;

  GByteArray             *read_buffer;
  GCancellable           *read_cancellable;

  GQueue                  write_queue;
  gsize                   queued_bytes;

  GTask                  *start_tls_task;
  guint                   close_timeout_id;

  guint                   adopted : 1;
  guint                   reading : 1;
  guint                   read_in_flight : 1;
  guint                   in_received : 1;
  guint                   write_in_flight : 1;
  guint                   stream_closing : 1;
  guint                   close_ref : 1;
};

G_DEFINE_FINAL_TYPE (XmppConnection, xmpp_connection, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DOMAIN,
  PROP_SECURITY,
  N_PROPS
};

enum {
  SIGNAL_RECEIVED,
  SIGNAL_CLOSED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void read_next  (XmppConnection *self);
static void write_next (XmppConnection *self);

/* Ops: reads and writes in flight, which hold no reference on @self. */

typedef struct
{
  XmppConnection *self;
  GCancellable   *lifetime;
  gpointer        data;
  GDestroyNotify  data_free;
} Op;

static Op *
op_new (XmppConnection *self,
        gpointer        data,
        GDestroyNotify  data_free)
{
  Op *op = g_new0 (Op, 1);

  op->self = self;
  op->lifetime = g_object_ref (self->cancellable);
  op->data = data;
  op->data_free = data_free;

  return op;
}

static void
op_free (Op *op)
{
  g_object_unref (op->lifetime);
  if (op->data_free != NULL)
    op->data_free (op->data);
  g_free (op);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Op, op_free)

/* Returns: (nullable): the connection, or %NULL if it was disposed or
 *   closed since the op started, and must not be touched */
static XmppConnection *
op_get_self (Op *op)
{
  if (g_cancellable_is_cancelled (op->lifetime))
    return NULL;
  return op->self;
}

/* A cancellable that is cancelled as soon as either of two others is. */

typedef struct
{
  GCancellable *cancellable;
  GCancellable *parents[2];
  gulong        handlers[2];
} CancelLink;

static void
cancel_child_cb (GCancellable *parent,
                 gpointer      user_data)
{
  g_cancellable_cancel (G_CANCELLABLE (user_data));
}

static void
cancel_link_init (CancelLink   *link,
                  GCancellable *first,
                  GCancellable *second)
{
  GCancellable *parents[2] = { first, second };

  link->cancellable = g_cancellable_new ();
  for (guint i = 0; i < G_N_ELEMENTS (parents); i++)
    {
      if (parents[i] == NULL)
        continue;
      link->parents[i] = g_object_ref (parents[i]);
      link->handlers[i] = g_cancellable_connect (parents[i], G_CALLBACK (cancel_child_cb),
                                                 g_object_ref (link->cancellable),
                                                 g_object_unref);
    }
}

static void
cancel_link_clear (CancelLink *link)
{
  for (guint i = 0; i < G_N_ELEMENTS (link->parents); i++)
    {
      if (link->parents[i] == NULL)
        continue;
      if (link->handlers[i] != 0)
        g_cancellable_disconnect (link->parents[i], link->handlers[i]);
      g_clear_object (&link->parents[i]);
    }
  g_clear_object (&link->cancellable);
}

/* Helpers */

static gboolean
is_cancelled (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static GError *
new_cancelled_error (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED,
                              _("The operation was cancelled"));
}

static gboolean
return_error_cb (gpointer user_data)
{
  GTask *task = user_data;
  GError *error = g_object_steal_data (G_OBJECT (task), "xmpp-connection-error");

  g_task_return_error (task, error);
  return G_SOURCE_REMOVE;
}

/* Completes @task from an idle, never synchronously: used where the caller
 * may be inside one of our own public functions (abort, dispose). */
static void
return_error_later (GTask  *task,
                    GError *error)
{
  g_object_set_data (G_OBJECT (task), "xmpp-connection-error", error);
  g_idle_add_full (G_PRIORITY_DEFAULT, return_error_cb, task, g_object_unref);
}

static void
set_security (XmppConnection         *self,
              XmppConnectionSecurity  security)
{
  if (self->security == security)
    return;
  self->security = security;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SECURITY]);
}

/* Returns: (transfer full) (nullable): the socket under @stream, if any */
static GSocket *
find_socket (GIOStream *stream)
{
  g_autoptr(GIOStream) base = NULL;

  if (G_IS_SOCKET_CONNECTION (stream))
    return g_object_ref (g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream)));
  if (!G_IS_TLS_CONNECTION (stream))
    return NULL;
  g_object_get (stream, "base-io-stream", &base, NULL);
  if (base != NULL && G_IS_SOCKET_CONNECTION (base))
    return g_object_ref (g_socket_connection_get_socket (G_SOCKET_CONNECTION (base)));
  return NULL;
}

static void
prepare_socket (GSocket *socket)
{
  /* GSocketClient leaves its connect timeout on the socket, where it would
   * end every read that waits longer: an idle stream is normal in XMPP. */
  g_socket_set_timeout (socket, 0);
  /* Dead peers are found by XEP-0199 pings above us; keepalive shortens
   * the time until the kernel notices a vanished route. */
  g_socket_set_keepalive (socket, TRUE);
#if defined(TCP_KEEPIDLE) && defined(TCP_KEEPINTVL) && defined(TCP_KEEPCNT)
  if (g_socket_get_family (socket) == G_SOCKET_FAMILY_IPV4 ||
      g_socket_get_family (socket) == G_SOCKET_FAMILY_IPV6)
    {
      g_autoptr(GError) error = NULL;

      if (!g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPIDLE,
                                KEEPALIVE_IDLE_SECONDS, &error) ||
          !g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPINTVL,
                                KEEPALIVE_INTERVAL_SECONDS, &error) ||
          !g_socket_set_option (socket, IPPROTO_TCP, TCP_KEEPCNT,
                                KEEPALIVE_PROBES, &error))
        g_debug ("Could not tune TCP keepalive: %s", error->message);
    }
#endif
  /* XMPP is request and answer in small writes: Nagle's algorithm with the
   * peer's delayed ACK stalls each round trip by about 40 ms. */
  if (g_socket_get_family (socket) == G_SOCKET_FAMILY_IPV4 ||
      g_socket_get_family (socket) == G_SOCKET_FAMILY_IPV6)
    {
      g_autoptr(GError) error = NULL;

      if (!g_socket_set_option (socket, IPPROTO_TCP, TCP_NODELAY, 1, &error))
        g_debug ("Could not turn off Nagle's algorithm: %s", error->message);
    }
}

/* Shutting down */

/* Ends everything, without signals: stops reads and writes, drops the
 * queue and the stream.  Keeps the peer certificate for the UI. */
static void
shut_down (XmppConnection *self)
{
  gboolean release_close_ref = self->close_ref;
  State previous = self->state;

  if (self->state == STATE_CLOSED)
    return;

  self->state = STATE_CLOSED;
  self->close_ref = FALSE;
  self->reading = FALSE;
  g_clear_handle_id (&self->close_timeout_id, g_source_remove);
  g_cancellable_cancel (self->read_cancellable);
  g_cancellable_cancel (self->cancellable);
  g_queue_clear_full (&self->write_queue, (GDestroyNotify) g_bytes_unref);
  self->queued_bytes = 0;

  if (self->socket != NULL && !g_socket_is_closed (self->socket))
    {
      /* Wakes up a TLS handshake blocked on the socket in glib-networking's
       * thread at once; closing the descriptor under it would not be safe. */
      g_socket_shutdown (self->socket, TRUE, TRUE, NULL);
    }
  /* During STARTTLS the handshake's GTlsConnection owns the stream too, and
   * it closes on its finalization, once the handshake gave up. */
  if (self->stream != NULL && !g_io_stream_is_closed (self->stream) &&
      !self->stream_closing && previous != STATE_STARTING_TLS)
    g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
  g_clear_object (&self->stream);
  g_clear_object (&self->socket);

  if (self->start_tls_task != NULL)
    return_error_later (g_steal_pointer (&self->start_tls_task), new_cancelled_error ());

  /* Last: this may drop the final reference. */
  if (release_close_ref)
    g_object_unref (self);
}

/* The stream ended while open: tell the client, once. */
static void
fail (XmppConnection *self,
      const GError   *error)
{
  g_autoptr(GError) copy = error != NULL ? g_error_copy (error) : NULL;

  g_assert (self->state == STATE_OPEN);

  if (error != NULL)
    g_debug ("Connection to %s lost: %s", self->domain, error->message);
  else
    g_debug ("Connection to %s closed by the server", self->domain);

  g_object_ref (self);
  shut_down (self);
  g_signal_emit (self, signals[SIGNAL_CLOSED], 0, copy);
  g_object_unref (self);
}

static void
fail_start_tls (XmppConnection *self,
                GError         *error)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->start_tls_task);

  g_assert (self->state == STATE_STARTING_TLS);
  g_assert (task != NULL);

  shut_down (self);
  g_task_return_error (task, error);
}

/* Reading */

static void
read_done_starting_tls (XmppConnection *self,
                        gssize          n,
                        const GError   *error)
{
  if (error != NULL && !is_cancelled (error))
    {
      fail_start_tls (self, g_error_copy (error));
      return;
    }
  if (n > 0)
    {
      /* SECURITY.md #36: nothing may follow <proceed/> in plaintext. */
      g_debug ("%" G_GSSIZE_FORMAT " plaintext bytes from %s after <proceed/>", n, self->domain);
      fail_start_tls (self,
                      g_error_new (XMPP_ERROR, XMPP_ERROR_FAILED,
                                   _("The server “%s” sent unencrypted data "
                                     "after agreeing to start TLS"),
                                   self->domain));
      return;
    }
  if (n == 0)
    {
      fail_start_tls (self, g_error_new (XMPP_ERROR, XMPP_ERROR_CONNECT,
                                         _("The server “%s” closed the connection"),
                                         self->domain));
      return;
    }
  /* The read was cancelled by start_tls_async: the handshake may begin. */
  write_next (self);
}

static void
read_cb (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;
  GByteArray *buffer = op->data;
  XmppConnection *self;
  gssize n;

  n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &error);
  self = op_get_self (op);
  if (self == NULL)
    return;

  self->read_in_flight = FALSE;

  if (self->state == STATE_STARTING_TLS)
    {
      read_done_starting_tls (self, n, error);
      return;
    }
  if (self->state != STATE_OPEN || is_cancelled (error))
    return;
  if (n <= 0)
    {
      fail (self, error);
      return;
    }

  g_object_ref (self);
  self->in_received = TRUE;
  g_signal_emit (self, signals[SIGNAL_RECEIVED], 0, (gconstpointer) buffer->data, (gsize) n);
  self->in_received = FALSE;
  if (self->state == STATE_OPEN && self->reading && !self->read_in_flight)
    read_next (self);
  g_object_unref (self);
}

static void
read_next (XmppConnection *self)
{
  GInputStream *input;

  g_assert (self->state == STATE_OPEN);
  g_assert (!self->read_in_flight);

  if (self->read_buffer == NULL)
    {
      self->read_buffer = g_byte_array_sized_new (READ_BUFFER_SIZE);
      g_byte_array_set_size (self->read_buffer, READ_BUFFER_SIZE);
    }

  /* The Op holds the buffer too: a read that completes after dispose (a
   * stream that reads in a thread) still has somewhere to write. */
  input = g_io_stream_get_input_stream (self->stream);
  self->read_in_flight = TRUE;
  g_input_stream_read_async (input, self->read_buffer->data, READ_BUFFER_SIZE,
                             G_PRIORITY_DEFAULT, self->read_cancellable, read_cb,
                             op_new (self, g_byte_array_ref (self->read_buffer),
                                     (GDestroyNotify) g_byte_array_unref));
}

/* Writing and closing */

static void
close_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;
  XmppConnection *self;

  if (!g_io_stream_close_finish (G_IO_STREAM (source), result, &error))
    g_debug ("Closing the stream failed: %s", error->message);

  self = op_get_self (op);
  if (self != NULL)
    shut_down (self);
}

static void
close_stream (XmppConnection *self)
{
  if (self->stream_closing)
    return;
  self->stream_closing = TRUE;
  g_io_stream_close_async (self->stream, G_PRIORITY_DEFAULT, self->cancellable,
                           close_cb, op_new (self, NULL, NULL));
}

static void begin_handshake (XmppConnection *self);

static void
write_cb (GObject      *source,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(Op) op = user_data;
  g_autoptr(GError) error = NULL;
  XmppConnection *self;
  GBytes *bytes;

  g_output_stream_write_all_finish (G_OUTPUT_STREAM (source), result, NULL, &error);
  self = op_get_self (op);
  if (self == NULL)
    return;

  self->write_in_flight = FALSE;
  bytes = g_queue_pop_head (&self->write_queue);
  g_assert (bytes == op->data);
  self->queued_bytes -= g_bytes_get_size (bytes);
  g_bytes_unref (bytes);

  if (error != NULL)
    {
      switch (self->state)
        {
        case STATE_OPEN:
          fail (self, error);
          break;
        case STATE_STARTING_TLS:
          fail_start_tls (self, g_steal_pointer (&error));
          break;
        case STATE_CLOSING:
          g_debug ("Flushing before close failed: %s", error->message);
          shut_down (self);
          break;
        case STATE_NEW:
        case STATE_CONNECTING:
        case STATE_CLOSED:
        default:
          break;
        }
      return;
    }

  write_next (self);
}

/* Starts the next write, or whatever waited for the last one to end: the
 * TLS handshake of STARTTLS, the closing of the stream. */
static void
write_next (XmppConnection *self)
{
  GBytes *bytes;
  gconstpointer data;
  gsize size;

  if (self->write_in_flight)
    return;

  switch (self->state)
    {
    case STATE_STARTING_TLS:
      begin_handshake (self);
      return;
    case STATE_OPEN:
    case STATE_CLOSING:
      break;
    case STATE_NEW:
    case STATE_CONNECTING:
    case STATE_CLOSED:
    default:
      return;
    }

  bytes = g_queue_peek_head (&self->write_queue);
  if (bytes == NULL)
    {
      if (self->state == STATE_CLOSING)
        close_stream (self);
      return;
    }

  data = g_bytes_get_data (bytes, &size);
  self->write_in_flight = TRUE;
  g_output_stream_write_all_async (g_io_stream_get_output_stream (self->stream),
                                   data, size, G_PRIORITY_DEFAULT, self->cancellable,
                                   write_cb, op_new (self, g_bytes_ref (bytes),
                                                     (GDestroyNotify) g_bytes_unref));
}

static gboolean
close_timeout_cb (gpointer user_data)
{
  XmppConnection *self = user_data;

  self->close_timeout_id = 0;
  g_debug ("Closing the connection to %s timed out", self->domain);
  shut_down (self);

  return G_SOURCE_REMOVE;
}

/* TLS */

static gboolean
version_acceptable (GTlsProtocolVersion version)
{
  /* SECURITY.md #31.  An unknown version is refused too: GnuTLS maps
   * every version it negotiates, so "unknown" is nothing we can vouch for. */
  return version == G_TLS_PROTOCOL_VERSION_TLS_1_2 ||
         version == G_TLS_PROTOCOL_VERSION_TLS_1_3;
}

static const char *
version_name (GTlsProtocolVersion version)
{
  switch (version)
    {
    case G_TLS_PROTOCOL_VERSION_SSL_3_0:
      return "SSL 3.0";
    case G_TLS_PROTOCOL_VERSION_TLS_1_0:
      return "TLS 1.0";
    case G_TLS_PROTOCOL_VERSION_TLS_1_1:
      return "TLS 1.1";
    case G_TLS_PROTOCOL_VERSION_TLS_1_2:
      return "TLS 1.2";
    case G_TLS_PROTOCOL_VERSION_TLS_1_3:
      return "TLS 1.3";
    case G_TLS_PROTOCOL_VERSION_DTLS_1_0:
      return "DTLS 1.0";
    case G_TLS_PROTOCOL_VERSION_DTLS_1_2:
      return "DTLS 1.2";
    case G_TLS_PROTOCOL_VERSION_UNKNOWN:
    default:
      return "?";
    }
}

static char *
describe_certificate_errors (GTlsCertificateFlags  errors,
                             const char           *domain)
{
  g_autoptr(GPtrArray) reasons = g_ptr_array_new_with_free_func (g_free);

  if (errors & G_TLS_CERTIFICATE_UNKNOWN_CA)
    g_ptr_array_add (reasons, g_strdup (_("it is not signed by a known authority")));
  if (errors & G_TLS_CERTIFICATE_BAD_IDENTITY)
    g_ptr_array_add (reasons, g_strdup_printf (_("it is not valid for “%s”"), domain));
  if (errors & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    g_ptr_array_add (reasons, g_strdup (_("it is not valid yet")));
  if (errors & G_TLS_CERTIFICATE_EXPIRED)
    g_ptr_array_add (reasons, g_strdup (_("it has expired")));
  if (errors & G_TLS_CERTIFICATE_REVOKED)
    g_ptr_array_add (reasons, g_strdup (_("it has been revoked")));
  if (errors & G_TLS_CERTIFICATE_INSECURE)
    g_ptr_array_add (reasons, g_strdup (_("it uses an insecure algorithm")));
  if (reasons->len == 0)
    g_ptr_array_add (reasons, g_strdup (_("it could not be verified")));
  g_ptr_array_add (reasons, NULL);

  /* Translators: the separator between reasons a certificate is refused. */
  return g_strjoinv (_("; "), (char **) reasons->pdata);
}

static gboolean
accept_certificate_cb (GTlsConnection       *tls,
                       GTlsCertificate      *peer_certificate,
                       GTlsCertificateFlags  errors,
                       gpointer              user_data)
{
  XmppConnection *self = user_data;
  g_autofree char *fingerprint = NULL;

  /* Kept for the UI, which shows it and may offer to pin it. */
  g_set_object (&self->peer_certificate, peer_certificate);
  self->peer_certificate_errors = errors;

  if (self->pins == NULL)
    return FALSE;

  fingerprint = xmpp_certificate_dup_fingerprint (peer_certificate);
  if (fingerprint == NULL || !g_strv_contains ((const char * const *) self->pins, fingerprint))
    return FALSE;

  /* SECURITY.md #30: the only way past validation is an explicit pin. */
  g_debug ("Accepting the pinned certificate %s of %s (errors 0x%x)",
           fingerprint, self->domain, errors);
  return TRUE;
}

typedef struct
{
  GTlsConnection *tls;
  CancelLink      link;
  guint           timeout_id;
  gboolean        timed_out;
} Handshake;

static void
handshake_free (gpointer data)
{
  Handshake *handshake = data;

  g_clear_handle_id (&handshake->timeout_id, g_source_remove);
  cancel_link_clear (&handshake->link);
  g_clear_object (&handshake->tls);
  g_free (handshake);
}

static gboolean
handshake_timeout_cb (gpointer user_data)
{
  Handshake *handshake = user_data;

  handshake->timeout_id = 0;
  handshake->timed_out = TRUE;
  g_cancellable_cancel (handshake->link.cancellable);

  return G_SOURCE_REMOVE;
}

static GError *
describe_handshake_error (XmppConnection *self,
                          Handshake      *handshake,
                          const GError   *error)
{
  g_autofree char *reasons = NULL;

  if (handshake->timed_out)
    return g_error_new (XMPP_ERROR, XMPP_ERROR_CONNECT,
                        _("The TLS handshake with “%s” timed out"), self->domain);
  if (is_cancelled (error))
    return g_error_copy (error);
  if (!g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE))
    return g_error_new (XMPP_ERROR, XMPP_ERROR_CONNECT,
                        _("The TLS handshake with “%s” failed: %s"),
                        self->domain, error->message);

  /* accept-certificate stored it; the connection knows it too. */
  if (self->peer_certificate == NULL &&
      g_tls_connection_get_peer_certificate (handshake->tls) != NULL)
    {
      g_set_object (&self->peer_certificate,
                    g_tls_connection_get_peer_certificate (handshake->tls));
      self->peer_certificate_errors =
        g_tls_connection_get_peer_certificate_errors (handshake->tls);
    }
  reasons = describe_certificate_errors (self->peer_certificate_errors, self->domain);
  return g_error_new (XMPP_ERROR, XMPP_ERROR_CERTIFICATE,
                      _("The certificate of “%s” is not trusted: %s"),
                      self->domain, reasons);
}

static void
handshake_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  XmppConnection *self = g_task_get_source_object (task);
  Handshake *handshake = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GTlsProtocolVersion version;

  g_clear_handle_id (&handshake->timeout_id, g_source_remove);

  if (!g_tls_connection_handshake_finish (handshake->tls, result, &error))
    {
      g_task_return_error (task, describe_handshake_error (self, handshake, error));
      return;
    }

  g_set_object (&self->peer_certificate, g_tls_connection_get_peer_certificate (handshake->tls));
  self->peer_certificate_errors = g_tls_connection_get_peer_certificate_errors (handshake->tls);

  version = g_tls_connection_get_protocol_version (handshake->tls);
  if (!version_acceptable (version))
    {
      g_task_return_new_error (task, XMPP_ERROR, XMPP_ERROR_CONNECT,
                               _("The server “%s” offers only %s, which is not "
                                 "secure; TLS 1.2 or newer is required"),
                               self->domain, version_name (version));
      return;
    }

  g_debug ("TLS with %s: %s, ALPN %s", self->domain, version_name (version),
           g_tls_connection_get_negotiated_protocol (handshake->tls) != NULL
             ? g_tls_connection_get_negotiated_protocol (handshake->tls) : "none");
  g_task_return_pointer (task, g_object_ref (handshake->tls), g_object_unref);
}

/* Wraps @base in TLS for self->domain and shakes hands, within
 * self->timeout seconds.  The result is the GTlsConnection. */
static void
tls_handshake_async (XmppConnection      *self,
                     GIOStream           *base,
                     gboolean             direct_tls,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  static const char * const alpn[] = { ALPN_XMPP_CLIENT, NULL };
  g_autoptr(GTask) task = NULL;
  g_autoptr(GSocketConnectable) identity = NULL;
  g_autoptr(GIOStream) tls = NULL;
  g_autoptr(GError) error = NULL;
  Handshake *handshake;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tls_handshake_async);

  g_clear_object (&self->peer_certificate);
  self->peer_certificate_errors = 0;

  /* SECURITY.md #30: the reference identity is the JID's domain, never the
   * SRV target or the host the account overrides it with. */
  identity = g_network_address_new (self->domain, self->remote_port);
  tls = g_tls_client_connection_new (base, identity, &error);
  if (tls == NULL)
    {
      g_task_return_new_error (task, XMPP_ERROR, XMPP_ERROR_CONNECT,
                               _("Could not start TLS with “%s”: %s"),
                               self->domain, error->message);
      return;
    }
  if (self->database != NULL)
    g_tls_connection_set_database (G_TLS_CONNECTION (tls), self->database);
  /* XEP-0368 §3: ALPN on direct TLS. */
  if (direct_tls)
    g_tls_connection_set_advertised_protocols (G_TLS_CONNECTION (tls), alpn);
  g_signal_connect_object (tls, "accept-certificate",
                           G_CALLBACK (accept_certificate_cb), self, G_CONNECT_DEFAULT);

  handshake = g_new0 (Handshake, 1);
  handshake->tls = G_TLS_CONNECTION (g_steal_pointer (&tls));
  cancel_link_init (&handshake->link, cancellable, self->cancellable);
  g_task_set_task_data (task, handshake, handshake_free);
  handshake->timeout_id = g_timeout_add_seconds (self->timeout, handshake_timeout_cb, handshake);

  g_tls_connection_handshake_async (handshake->tls, G_PRIORITY_DEFAULT,
                                    handshake->link.cancellable, handshake_cb,
                                    g_steal_pointer (&task));
}

static GTlsConnection *
tls_handshake_finish (XmppConnection  *self,
                      GAsyncResult    *result,
                      GError         **error)
{
  g_assert (g_task_is_valid (result, self));
  g_assert (g_task_get_source_tag (G_TASK (result)) == tls_handshake_async);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* STARTTLS */

static void
start_tls_handshake_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  XmppConnection *self = g_task_get_source_object (task);
  g_autoptr(GTlsConnection) tls = NULL;
  g_autoptr(GError) error = NULL;

  tls = tls_handshake_finish (self, result, &error);
  if (tls == NULL)
    {
      /* The plaintext stream is unusable after a failed handshake. */
      shut_down (self);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (self->state != STATE_STARTING_TLS)
    {
      g_task_return_error (task, new_cancelled_error ());
      return;
    }

  g_set_object (&self->stream, G_IO_STREAM (tls));
  self->state = STATE_OPEN;
  set_security (self, XMPP_CONNECTION_STARTTLS);

  g_clear_object (&self->read_cancellable);
  self->read_cancellable = g_cancellable_new ();
  if (self->reading)
    read_next (self);
  /* Whatever was sent while the handshake ran goes out encrypted. */
  write_next (self);

  g_task_return_boolean (task, TRUE);
}

/* Called whenever a read or write ends during STATE_STARTING_TLS: the
 * handshake starts once neither is in flight, so that no plaintext byte is
 * read or written after <proceed/>. */
static void
begin_handshake (XmppConnection *self)
{
  GTask *task;

  if (self->start_tls_task == NULL || self->read_in_flight || self->write_in_flight)
    return;

  task = g_steal_pointer (&self->start_tls_task);
  tls_handshake_async (self, self->stream, FALSE, g_task_get_cancellable (task),
                       start_tls_handshake_cb, task);
}

/* Connecting */

typedef struct
{
  char     *host;
  guint16   port;
  gboolean  direct_tls;
  guint16   priority;
  guint16   weight;
} Target;

static Target *
target_new (const char *host,
            guint16     port,
            gboolean    direct_tls,
            guint16     priority,
            guint16     weight)
{
  Target *target = g_new0 (Target, 1);
  gsize len = strlen (host);

  /* SRV targets are absolute names; the trailing dot only clutters
   * messages. */
  if (len > 1 && host[len - 1] == '.')
    len--;
  target->host = g_strndup (host, len);
  target->port = port;
  target->direct_tls = direct_tls;
  target->priority = priority;
  target->weight = weight;

  return target;
}

static void
target_free (gpointer data)
{
  Target *target = data;

  g_free (target->host);
  g_free (target);
}

enum {
  SERVICE_DIRECT_TLS,
  SERVICE_STARTTLS,
  N_SERVICES
};

typedef struct
{
  CancelLink     link;
  GSocketClient *client;
  char          *ascii_domain;
  GPtrArray     *srv[N_SERVICES];
  gboolean       any_record;
  guint          lookups_pending;
  GPtrArray     *targets;
  guint          next;
  GError        *error;
  int            error_rank;
} ConnectData;

static void
connect_data_free (gpointer data)
{
  ConnectData *connect = data;

  cancel_link_clear (&connect->link);
  g_clear_object (&connect->client);
  g_free (connect->ascii_domain);
  for (guint i = 0; i < N_SERVICES; i++)
    g_clear_pointer (&connect->srv[i], g_ptr_array_unref);
  g_clear_pointer (&connect->targets, g_ptr_array_unref);
  g_clear_error (&connect->error);
  g_free (connect);
}

static int
compare_targets (gconstpointer a,
                 gconstpointer b)
{
  const Target *ta = *(const Target * const *) a;
  const Target *tb = *(const Target * const *) b;

  if (ta->priority != tb->priority)
    return ta->priority < tb->priority ? -1 : 1;
  /* XEP-0368 §3 mixes both services by priority and lets the client
   * prefer one kind: at equal priority, direct TLS goes first. */
  if (ta->direct_tls != tb->direct_tls)
    return ta->direct_tls ? -1 : 1;
  /* RFC 2782: zero weights first, before the weighted draw. */
  if ((ta->weight == 0) != (tb->weight == 0))
    return ta->weight == 0 ? -1 : 1;
  return 0;
}

/* Appends the targets of @group (same priority, same service) to @out in
 * the weighted random order of RFC 2782. */
static void
append_by_weight (GPtrArray *out,
                  GPtrArray *group)
{
  while (group->len > 0)
    {
      guint32 total = 0;
      guint32 pick;
      guint32 running = 0;
      guint i;

      for (i = 0; i < group->len; i++)
        total += ((Target *) group->pdata[i])->weight;
      pick = total > 0 ? g_random_int_range (0, (gint32) total + 1) : 0;
      for (i = 0; i < group->len; i++)
        {
          running += ((Target *) group->pdata[i])->weight;
          if (running >= pick)
            break;
        }
      g_ptr_array_add (out, g_ptr_array_steal_index (group, MIN (i, group->len - 1)));
    }
}

static void
order_targets (ConnectData *connect)
{
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  guint start = 0;

  connect->targets = g_ptr_array_new_with_free_func (target_free);

  for (guint s = 0; s < N_SERVICES; s++)
    while (connect->srv[s]->len > 0)
      g_ptr_array_add (all, g_ptr_array_steal_index (connect->srv[s], 0));
  g_ptr_array_sort (all, compare_targets);

  while (start < all->len)
    {
      g_autoptr(GPtrArray) group = g_ptr_array_new ();
      Target *first = all->pdata[start];
      guint end = start;

      while (end < all->len &&
             ((Target *) all->pdata[end])->priority == first->priority &&
             ((Target *) all->pdata[end])->direct_tls == first->direct_tls)
        g_ptr_array_add (group, all->pdata[end++]);
      append_by_weight (connect->targets, group);
      start = end;
    }

  /* RFC 6120 §3.2.2, XEP-0368 §4: the domain itself only if the domain
   * has no SRV record at all, "." included. */
  if (!connect->any_record)
    g_ptr_array_add (connect->targets,
                     target_new (connect->ascii_domain, XMPP_CLIENT_PORT, FALSE, 0, 0));
}

static GError *
describe_connect_error (const Target *target,
                        const GError *error,
                        int          *rank)
{
  if (error->domain == G_RESOLVER_ERROR)
    {
      *rank = 1;
      if (error->code == G_RESOLVER_ERROR_NOT_FOUND)
        return g_error_new (XMPP_ERROR, XMPP_ERROR_CONNECT,
                            _("Could not find the server “%s”"), target->host);
      return g_error_new (XMPP_ERROR, XMPP_ERROR_CONNECT,
                          _("Could not look up the server “%s”: %s"),
                          target->host, error->message);
    }

  *rank = 2;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED))
    return g_error_new (XMPP_ERROR, XMPP_ERROR_CONNECT,
                        _("The server “%s” refused the connection on port %u"),
                        target->host, target->port);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT))
    return g_error_new (XMPP_ERROR, XMPP_ERROR_CONNECT,
                        _("Connecting to the server “%s” on port %u timed out"),
                        target->host, target->port);
  return g_error_new (XMPP_ERROR, XMPP_ERROR_CONNECT,
                      _("Could not connect to the server “%s” on port %u: %s"),
                      target->host, target->port, error->message);
}

/* Keeps the failure that tells the user most: TLS over TCP over DNS. */
static void
note_failure (ConnectData *connect,
              GError      *error,
              int          rank)
{
  if (connect->error == NULL || rank > connect->error_rank)
    {
      g_clear_error (&connect->error);
      connect->error = error;
      connect->error_rank = rank;
    }
  else
    g_error_free (error);
}

static void
connect_fail (GTask  *task,
              GError *error)
{
  XmppConnection *self = g_task_get_source_object (task);

  if (self->state == STATE_CONNECTING)
    shut_down (self);
  g_task_return_error (task, error);
}

static void
connect_succeed (GTask                  *task,
                 GIOStream              *stream,
                 guint16                 port,
                 XmppConnectionSecurity  security)
{
  XmppConnection *self = g_task_get_source_object (task);
  ConnectData *connect = g_task_get_task_data (task);

  if (self->state != STATE_CONNECTING || g_cancellable_is_cancelled (connect->link.cancellable))
    {
      g_io_stream_close_async (stream, G_PRIORITY_DEFAULT, NULL, NULL, NULL);
      connect_fail (task, new_cancelled_error ());
      return;
    }

  g_set_object (&self->stream, stream);
  self->socket = find_socket (stream);
  self->remote_port = port;
  self->state = STATE_OPEN;
  set_security (self, security);

  if (self->reading)
    read_next (self);
  write_next (self);

  g_task_return_boolean (task, TRUE);
}

static void try_next_target (GTask *task);

static void
direct_tls_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  XmppConnection *self = g_task_get_source_object (task);
  ConnectData *connect = g_task_get_task_data (task);
  const Target *target = connect->targets->pdata[connect->next - 1];
  g_autoptr(GTlsConnection) tls = NULL;
  GError *error = NULL;

  tls = tls_handshake_finish (self, result, &error);
  if (tls != NULL)
    {
      connect_succeed (task, G_IO_STREAM (tls), target->port, XMPP_CONNECTION_DIRECT_TLS);
      return;
    }

  /* A certificate needs the user's decision, whatever the next target
   * would say; anything else may be this host's problem alone. */
  if (is_cancelled (error) || g_error_matches (error, XMPP_ERROR, XMPP_ERROR_CERTIFICATE))
    {
      connect_fail (task, error);
      return;
    }
  g_debug ("Direct TLS with %s:%u failed: %s", target->host, target->port, error->message);
  note_failure (connect, error, 3);
  try_next_target (g_steal_pointer (&task));
}

static void
tcp_connect_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  XmppConnection *self = g_task_get_source_object (task);
  ConnectData *connect = g_task_get_task_data (task);
  const Target *target = connect->targets->pdata[connect->next - 1];
  g_autoptr(GSocketConnection) connection = NULL;
  g_autoptr(GError) error = NULL;
  int rank = 0;

  connection = g_socket_client_connect_finish (G_SOCKET_CLIENT (source), result, &error);
  if (connection == NULL)
    {
      if (is_cancelled (error) || g_cancellable_is_cancelled (connect->link.cancellable))
        {
          connect_fail (task, new_cancelled_error ());
          return;
        }
      g_debug ("Connecting to %s:%u failed: %s", target->host, target->port, error->message);
      note_failure (connect, describe_connect_error (target, error, &rank), rank);
      try_next_target (g_steal_pointer (&task));
      return;
    }

  prepare_socket (g_socket_connection_get_socket (connection));
  if (!target->direct_tls)
    {
      connect_succeed (task, G_IO_STREAM (connection), target->port, XMPP_CONNECTION_PLAIN);
      return;
    }

  self->remote_port = target->port;
  tls_handshake_async (self, G_IO_STREAM (connection), TRUE, connect->link.cancellable,
                       direct_tls_cb, g_steal_pointer (&task));
}

static void
try_next_target (GTask *task)
{
  ConnectData *connect = g_task_get_task_data (task);
  g_autoptr(GSocketConnectable) address = NULL;
  const Target *target;

  if (connect->next >= connect->targets->len)
    {
      XmppConnection *self = g_task_get_source_object (task);
      GError *error = g_steal_pointer (&connect->error);

      if (error == NULL)
        error = g_error_new (XMPP_ERROR, XMPP_ERROR_CONNECT,
                             _("The domain “%s” offers no XMPP service"), self->domain);
      connect_fail (task, error);
      g_object_unref (task);
      return;
    }

  target = connect->targets->pdata[connect->next++];
  g_debug ("Connecting to %s:%u (%s)", target->host, target->port,
           target->direct_tls ? "direct TLS" : "STARTTLS");
  address = g_network_address_new (target->host, target->port);
  g_socket_client_connect_async (connect->client, address, connect->link.cancellable,
                                 tcp_connect_cb, task);
}

static void
srv_lookup_done (GTask        *task,
                 GResolver    *resolver,
                 GAsyncResult *result,
                 guint         service)
{
  ConnectData *connect = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  GList *records;

  records = g_resolver_lookup_records_finish (resolver, result, &error);
  if (error != NULL && !is_cancelled (error))
    g_debug ("SRV lookup for %s: %s", connect->ascii_domain, error->message);

  for (GList *l = records; l != NULL; l = l->next)
    {
      guint16 priority, weight, port;
      const char *host;

      g_variant_get (l->data, "(qqq&s)", &priority, &weight, &port, &host);
      connect->any_record = TRUE;
      /* RFC 2782: target "." means the service is not offered. */
      if (host[0] == '\0' || g_str_equal (host, "."))
        continue;
      if (port == 0)
        {
          g_debug ("Ignoring SRV record %s with port 0", host);
          continue;
        }
      g_ptr_array_add (connect->srv[service],
                       target_new (host, port, service == SERVICE_DIRECT_TLS, priority, weight));
    }
  g_list_free_full (records, (GDestroyNotify) g_variant_unref);

  if (--connect->lookups_pending > 0)
    return;

  if (g_cancellable_is_cancelled (connect->link.cancellable))
    {
      connect_fail (task, new_cancelled_error ());
      return;
    }

  order_targets (connect);
  try_next_target (g_object_ref (task));
}

static void
xmpps_lookup_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  srv_lookup_done (task, G_RESOLVER (source), result, SERVICE_DIRECT_TLS);
}

static void
xmpp_lookup_cb (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;

  srv_lookup_done (task, G_RESOLVER (source), result, SERVICE_STARTTLS);
}

/* GObject */

static void
xmpp_connection_dispose (GObject *object)
{
  XmppConnection *self = XMPP_CONNECTION (object);

  shut_down (self);
  g_clear_object (&self->database);
  g_clear_object (&self->peer_certificate);

  G_OBJECT_CLASS (xmpp_connection_parent_class)->dispose (object);
}

static void
xmpp_connection_finalize (GObject *object)
{
  XmppConnection *self = XMPP_CONNECTION (object);

  g_clear_pointer (&self->domain, g_free);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->pins, g_strfreev);
  g_clear_pointer (&self->read_buffer, g_byte_array_unref);
  g_clear_object (&self->read_cancellable);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (xmpp_connection_parent_class)->finalize (object);
}

static void
xmpp_connection_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  XmppConnection *self = XMPP_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      g_value_set_string (value, self->domain);
      break;
    case PROP_SECURITY:
      g_value_set_enum (value, self->security);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_connection_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  XmppConnection *self = XMPP_CONNECTION (object);

  switch (prop_id)
    {
    case PROP_DOMAIN:
      g_assert (self->domain == NULL);
      self->domain = g_value_dup_string (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_connection_class_init (XmppConnectionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xmpp_connection_dispose;
  object_class->finalize = xmpp_connection_finalize;
  object_class->get_property = xmpp_connection_get_property;
  object_class->set_property = xmpp_connection_set_property;

  /**
   * XmppConnection:domain:
   *
   * The XMPP domain (the domainpart of the account's JID).  It names the
   * SRV records looked up and is the reference identity the server's
   * certificate must match, whatever host the connection goes to.
   */
  properties[PROP_DOMAIN] =
    g_param_spec_string ("domain", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                         G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppConnection:security:
   *
   * How the bytes are protected: %XMPP_CONNECTION_PLAIN until TLS is up.
   * Notified when a connection is made and when STARTTLS completes.
   */
  properties[PROP_SECURITY] =
    g_param_spec_enum ("security", NULL, NULL,
                       XMPP_TYPE_CONNECTION_SECURITY,
                       XMPP_CONNECTION_PLAIN,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XmppConnection::received:
   * @self: the connection
   * @data: (array length=length) (element-type guint8): the bytes, valid
   *   only during the emission
   * @length: how many bytes @data holds, at least 1
   *
   * Bytes arrived from the server, in order, one chunk of at most 64 KiB
   * per emission, once xmpp_connection_start_reading() was called.
   *
   * A handler that learns from these bytes that TLS must start (it parsed
   * `<proceed/>`) calls xmpp_connection_start_tls_async() from inside the
   * handler and must then ignore the rest of the chunk: whatever followed
   * `<proceed/>` in it is unprotected and must neither be parsed nor acted
   * on (SECURITY.md #36).  No further plaintext is read.
   *
   * The C prototype is `void (*) (XmppConnection *self, const char *data,
   * gsize length, gpointer user_data)`.
   */
  signals[SIGNAL_RECEIVED] =
    g_signal_new ("received",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_POINTER,
                  G_TYPE_ULONG);

  /**
   * XmppConnection::closed:
   * @self: the connection
   * @error: (nullable): why, or %NULL if the server closed the stream
   *   cleanly; an error of the %G_IO_ERROR or %G_TLS_ERROR domain as GIO
   *   reported it
   *
   * The open connection ended by itself: end of stream, a read or a write
   * error.  Emitted at most once, and never after xmpp_connection_close(),
   * xmpp_connection_abort() or the last reference were dropped, nor for a
   * failed connect or STARTTLS (their operations report that).  Nothing is
   * emitted after it.
   */
  signals[SIGNAL_CLOSED] =
    g_signal_new ("closed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 1,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
xmpp_connection_init (XmppConnection *self)
{
  self->cancellable = g_cancellable_new ();
  self->read_cancellable = g_cancellable_new ();
  self->timeout = DEFAULT_TIMEOUT_SECONDS;
  g_queue_init (&self->write_queue);
}

/* Public API */

/**
 * xmpp_connection_new:
 * @domain: the XMPP domain of the account, prepared (see xmpp_jid_get_domain())
 *
 * Creates a connection to the server of @domain.  Nothing happens until
 * xmpp_connection_connect_async().
 *
 * Returns: (transfer full): a new connection
 */
XmppConnection *
xmpp_connection_new (const char *domain)
{
  g_return_val_if_fail (domain != NULL && *domain != '\0', NULL);

  return g_object_new (XMPP_TYPE_CONNECTION, "domain", domain, NULL);
}

/**
 * xmpp_connection_new_for_stream:
 * @domain: the XMPP domain the stream is for
 * @stream: a connected stream, plain or a #GTlsConnection
 *
 * Adopts a stream that is already connected, for tests and fake servers.
 * The connection is open at once (xmpp_connection_connect_async() only
 * completes successfully); its security is %XMPP_CONNECTION_DIRECT_TLS if
 * @stream is a #GTlsConnection and %XMPP_CONNECTION_PLAIN otherwise, so
 * xmpp_connection_start_tls_async() may follow.  Closing or aborting the
 * connection closes @stream.
 *
 * Returns: (transfer full): a new, open connection
 */
XmppConnection *
xmpp_connection_new_for_stream (const char *domain,
                                GIOStream  *stream)
{
  XmppConnection *self;

  g_return_val_if_fail (domain != NULL && *domain != '\0', NULL);
  g_return_val_if_fail (G_IS_IO_STREAM (stream), NULL);
  g_return_val_if_fail (!g_io_stream_is_closed (stream), NULL);

  self = xmpp_connection_new (domain);
  self->stream = g_object_ref (stream);
  self->socket = find_socket (stream);
  self->adopted = TRUE;
  self->state = STATE_OPEN;
  self->security = G_IS_TLS_CONNECTION (stream) ? XMPP_CONNECTION_DIRECT_TLS
                                                : XMPP_CONNECTION_PLAIN;

  return self;
}

/**
 * xmpp_connection_get_domain:
 * @self: a connection
 *
 * Returns: the XMPP domain, which is also the TLS reference identity
 */
const char *
xmpp_connection_get_domain (XmppConnection *self)
{
  g_return_val_if_fail (XMPP_IS_CONNECTION (self), NULL);

  return self->domain;
}

/**
 * xmpp_connection_set_host:
 * @self: a connection that has not connected yet
 * @host: (nullable): the host to connect to, or %NULL to look up SRV records
 * @port: the port, or 0 for 5222 (5223 with @direct_tls)
 * @direct_tls: whether to start TLS at once (XEP-0368) rather than STARTTLS
 *
 * Overrides DNS SRV, as an account setting: the connection goes to
 * @host:@port and nowhere else.  The certificate must still be valid for
 * the domain, not for @host.
 */
void
xmpp_connection_set_host (XmppConnection *self,
                          const char     *host,
                          guint16         port,
                          gboolean        direct_tls)
{
  g_return_if_fail (XMPP_IS_CONNECTION (self));
  g_return_if_fail (self->state == STATE_NEW);
  g_return_if_fail (host == NULL || *host != '\0');

  g_free (self->host);
  self->host = g_strdup (host);
  self->direct_tls = !!direct_tls;
  if (port == 0)
    port = direct_tls ? XMPPS_CLIENT_PORT : XMPP_CLIENT_PORT;
  self->port = port;
}

static char *
normalize_fingerprint (const char *text)
{
  g_autoptr(GString) hex = g_string_sized_new (64);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p == ':' || *p == ' ')
        continue;
      if (!g_ascii_isxdigit (*p))
        return NULL;
      g_string_append_c (hex, g_ascii_tolower (*p));
    }
  if (hex->len != 64)
    return NULL;

  return g_string_free (g_steal_pointer (&hex), FALSE);
}

/**
 * xmpp_connection_set_pinned_fingerprints:
 * @self: a connection
 * @sha256_fingerprints: (nullable) (array zero-terminated=1): SHA-256
 *   fingerprints of certificates the user accepted
 *
 * Sets the certificates to accept although they fail validation: the user
 * saw them and pinned them to the account.  A fingerprint is 64 hex digits,
 * in either case, optionally grouped with colons or spaces ("AB:CD:…" and
 * "abcd…" are the same); an entry of any other form is ignored.  Takes
 * effect at the next TLS handshake.
 */
void
xmpp_connection_set_pinned_fingerprints (XmppConnection     *self,
                                         const char * const *sha256_fingerprints)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  guint n = 0;

  g_return_if_fail (XMPP_IS_CONNECTION (self));

  builder = g_strv_builder_new ();
  for (guint i = 0; sha256_fingerprints != NULL && sha256_fingerprints[i] != NULL; i++)
    {
      g_autofree char *fingerprint = normalize_fingerprint (sha256_fingerprints[i]);

      if (fingerprint == NULL)
        {
          g_debug ("Ignoring a pinned fingerprint that is not SHA-256 hex");
          continue;
        }
      g_strv_builder_add (builder, fingerprint);
      n++;
    }

  g_clear_pointer (&self->pins, g_strfreev);
  if (n > 0)
    self->pins = g_strv_builder_end (builder);
}

/**
 * xmpp_connection_set_tls_database:
 * @self: a connection
 * @database: (nullable): the certificate authorities to trust, or %NULL
 *   for the system's
 *
 * Replaces the system's trust store for this connection (tests trust their
 * own CA this way).  Takes effect at the next TLS handshake.
 */
void
xmpp_connection_set_tls_database (XmppConnection *self,
                                  GTlsDatabase   *database)
{
  g_return_if_fail (XMPP_IS_CONNECTION (self));
  g_return_if_fail (database == NULL || G_IS_TLS_DATABASE (database));

  g_set_object (&self->database, database);
}

/**
 * xmpp_connection_set_timeout:
 * @self: a connection
 * @seconds: the limit, at least 1
 *
 * Sets how long each TCP connection attempt and each TLS handshake may
 * take; 30 seconds unless set.  Established streams have no timeout: an
 * idle XMPP stream is normal, and pings above this layer find dead ones.
 */
void
xmpp_connection_set_timeout (XmppConnection *self,
                             guint           seconds)
{
  g_return_if_fail (XMPP_IS_CONNECTION (self));
  g_return_if_fail (seconds > 0);

  self->timeout = seconds;
}

/**
 * xmpp_connection_connect_async:
 * @self: a new connection
 * @cancellable: (nullable): a cancellable
 * @callback: called when connected or failed
 * @user_data: data for @callback
 *
 * Connects.  With xmpp_connection_set_host(), to that host and port.
 * Otherwise it looks up `_xmpps-client._tcp` (direct TLS, XEP-0368) and
 * `_xmpp-client._tcp` (STARTTLS) for the domain and tries their targets by
 * priority, direct TLS first at equal priority, by weight within a
 * priority (RFC 2782); a target "." means the service is not offered.  Only
 * if the domain has no SRV record at all does it try the domain on port
 * 5222.  Each attempt has the timeout of xmpp_connection_set_timeout(), and
 * direct TLS targets shake hands before the operation completes.
 *
 * For a connection made with xmpp_connection_new_for_stream(), this only
 * completes, successfully.
 */
void
xmpp_connection_connect_async (XmppConnection      *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GResolver) resolver = NULL;
  g_autofree char *xmpps_name = NULL;
  g_autofree char *xmpp_name = NULL;
  ConnectData *connect;

  g_return_if_fail (XMPP_IS_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));
  g_return_if_fail (self->state == STATE_NEW || self->adopted || self->state == STATE_CLOSED);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_connection_connect_async);

  if (self->adopted && self->state != STATE_CLOSED)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  if (self->state == STATE_CLOSED)
    {
      g_task_return_new_error (task, XMPP_ERROR, XMPP_ERROR_NOT_CONNECTED,
                               _("The connection was closed"));
      return;
    }

  connect = g_new0 (ConnectData, 1);
  g_task_set_task_data (task, connect, connect_data_free);
  cancel_link_init (&connect->link, cancellable, self->cancellable);
  connect->client = g_socket_client_new ();
  g_socket_client_set_timeout (connect->client, self->timeout);
  self->state = STATE_CONNECTING;

  if (self->host != NULL)
    {
      connect->targets = g_ptr_array_new_with_free_func (target_free);
      g_ptr_array_add (connect->targets,
                       target_new (self->host, self->port, self->direct_tls, 0, 0));
      try_next_target (g_steal_pointer (&task));
      return;
    }

  connect->ascii_domain = g_hostname_to_ascii (self->domain);
  if (connect->ascii_domain == NULL)
    {
      connect_fail (task, g_error_new (XMPP_ERROR, XMPP_ERROR_CONNECT,
                                       _("“%s” is not a valid domain name"), self->domain));
      return;
    }
  for (guint i = 0; i < N_SERVICES; i++)
    connect->srv[i] = g_ptr_array_new_with_free_func (target_free);

  resolver = g_resolver_get_default ();
  xmpps_name = g_strdup_printf ("_xmpps-client._tcp.%s", connect->ascii_domain);
  xmpp_name = g_strdup_printf ("_xmpp-client._tcp.%s", connect->ascii_domain);
  connect->lookups_pending = 2;
  g_resolver_lookup_records_async (resolver, xmpps_name, G_RESOLVER_RECORD_SRV,
                                   connect->link.cancellable, xmpps_lookup_cb,
                                   g_object_ref (task));
  g_resolver_lookup_records_async (resolver, xmpp_name, G_RESOLVER_RECORD_SRV,
                                   connect->link.cancellable, xmpp_lookup_cb,
                                   g_object_ref (task));
}

/**
 * xmpp_connection_connect_finish:
 * @self: a connection
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Finishes xmpp_connection_connect_async().  On failure the error is
 * %XMPP_ERROR_CERTIFICATE if the certificate is neither trusted nor pinned
 * (xmpp_connection_get_peer_certificate() then returns it),
 * %G_IO_ERROR_CANCELLED if cancelled or aborted, and otherwise
 * %XMPP_ERROR_CONNECT with a message that says whether the host was not
 * found, refused the connection, timed out or failed the TLS handshake.
 * A connection that failed to connect is closed for good.
 *
 * Returns: %TRUE if connected; the connection is open
 */
gboolean
xmpp_connection_connect_finish (XmppConnection  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  g_return_val_if_fail (XMPP_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * xmpp_connection_start_tls_async:
 * @self: an open, plaintext connection
 * @cancellable: (nullable): a cancellable
 * @callback: called when TLS is up or failed
 * @user_data: data for @callback
 *
 * Upgrades the connection to TLS (RFC 6120 §5), after the server answered
 * `<starttls/>` with `<proceed/>`.  Call it from the #XmppConnection::received
 * handler that delivered `<proceed/>`, and feed nothing after `<proceed/>`
 * from that chunk to the parser (SECURITY.md #36).  From this call on, no
 * plaintext byte is read: a read already in flight is cancelled, and if it
 * brings bytes anyway the operation fails with %XMPP_ERROR_FAILED.  Bytes
 * passed to xmpp_connection_send() meanwhile wait and go out encrypted.
 *
 * The certificate is checked as for direct TLS (domain as reference
 * identity, the TLS database, the pins; TLS 1.2 or newer).  Once TLS is
 * up, reading resumes by itself if it was started; calling
 * xmpp_connection_start_reading() again is harmless.  The server speaks
 * only after the client's new stream header, which the callback sends.
 *
 * If the handshake fails, the connection is closed for good and
 * #XmppConnection::closed is not emitted: the error goes to the callback.
 */
void
xmpp_connection_start_tls_async (XmppConnection      *self,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (XMPP_IS_CONNECTION (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_connection_start_tls_async);

  if (self->state != STATE_OPEN)
    {
      g_task_return_new_error (task, XMPP_ERROR, XMPP_ERROR_NOT_CONNECTED,
                               _("The connection is not open"));
      return;
    }
  /* A server may offer <starttls/> inside TLS; that is its mistake, not a
   * programmer's, so it is an error and not a critical. */
  if (self->security != XMPP_CONNECTION_PLAIN)
    {
      g_task_return_new_error (task, XMPP_ERROR, XMPP_ERROR_FAILED,
                               _("The connection is already encrypted"));
      return;
    }

  self->state = STATE_STARTING_TLS;
  self->start_tls_task = g_steal_pointer (&task);
  if (self->read_in_flight)
    g_cancellable_cancel (self->read_cancellable);
  begin_handshake (self);
}

/**
 * xmpp_connection_start_tls_finish:
 * @self: a connection
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Finishes xmpp_connection_start_tls_async().  Errors are as for
 * xmpp_connection_connect_finish(), plus %XMPP_ERROR_NOT_CONNECTED if the
 * connection was not open and %XMPP_ERROR_FAILED if it was already
 * encrypted or the server sent plaintext after `<proceed/>`.
 *
 * Returns: %TRUE if the connection is now encrypted
 */
gboolean
xmpp_connection_start_tls_finish (XmppConnection  *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
  g_return_val_if_fail (XMPP_IS_CONNECTION (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * xmpp_connection_start_reading:
 * @self: a connection
 *
 * Starts the read loop: from now on #XmppConnection::received delivers
 * what the server sends, and #XmppConnection::closed its end.  Called
 * before the connection is open, reading starts when it opens.  Calling it
 * again, also after STARTTLS, does nothing.
 */
void
xmpp_connection_start_reading (XmppConnection *self)
{
  g_return_if_fail (XMPP_IS_CONNECTION (self));

  if (self->state == STATE_CLOSING || self->state == STATE_CLOSED)
    return;

  self->reading = TRUE;
  /* Inside a ::received emission, read_cb issues the next read once the
   * handlers are done with the buffer. */
  if (self->state == STATE_OPEN && !self->read_in_flight && !self->in_received)
    read_next (self);
}

/**
 * xmpp_connection_send:
 * @self: a connection
 * @data: (array length=length) (element-type guint8): the bytes
 * @length: the number of bytes, or -1 if @data is a nul-terminated string
 *
 * Queues a copy of @data for the server.  Writes go out in order, one at a
 * time.  Bytes sent before the connection is open wait for it; bytes sent
 * during STARTTLS go out encrypted; bytes sent after xmpp_connection_close()
 * or once the connection ended are dropped.  A write error ends the
 * connection with #XmppConnection::closed.
 */
void
xmpp_connection_send (XmppConnection *self,
                      const char     *data,
                      gssize          length)
{
  GBytes *bytes;

  g_return_if_fail (XMPP_IS_CONNECTION (self));
  g_return_if_fail (data != NULL || length == 0);

  if (length < 0)
    length = strlen (data);
  if (length == 0)
    return;
  if (self->state == STATE_CLOSING || self->state == STATE_CLOSED)
    {
      g_debug ("Dropping %" G_GSSIZE_FORMAT " bytes for the closed connection to %s",
               length, self->domain);
      return;
    }

  bytes = g_bytes_new (data, length);
  g_queue_push_tail (&self->write_queue, bytes);
  self->queued_bytes += length;
  write_next (self);
}

/**
 * xmpp_connection_get_queued_bytes:
 * @self: a connection
 *
 * Returns: how many bytes passed to xmpp_connection_send() have not been
 *   written yet, including the write in flight
 */
gsize
xmpp_connection_get_queued_bytes (XmppConnection *self)
{
  g_return_val_if_fail (XMPP_IS_CONNECTION (self), 0);

  return self->queued_bytes;
}

/**
 * xmpp_connection_close:
 * @self: a connection
 *
 * Closes the connection gracefully: stops reading at once, writes what is
 * queued (the client will have sent `</stream:stream>`), then closes the
 * stream, with TLS close_notify if TLS is up.  Gives up after 10 seconds.
 * The connection keeps itself alive for that time, so the caller may drop
 * its reference right away.  No signal is emitted from now on.  A pending
 * connect or STARTTLS is cancelled, as by xmpp_connection_abort().
 */
void
xmpp_connection_close (XmppConnection *self)
{
  g_return_if_fail (XMPP_IS_CONNECTION (self));

  switch (self->state)
    {
    case STATE_OPEN:
      break;
    case STATE_CLOSING:
    case STATE_CLOSED:
      return;
    case STATE_NEW:
    case STATE_CONNECTING:
    case STATE_STARTING_TLS:
    default:
      shut_down (self);
      return;
    }

  self->state = STATE_CLOSING;
  self->reading = FALSE;
  g_cancellable_cancel (self->read_cancellable);
  self->close_ref = TRUE;
  g_object_ref (self);
  self->close_timeout_id = g_timeout_add_seconds (CLOSE_TIMEOUT_SECONDS, close_timeout_cb, self);
  write_next (self);
}

/**
 * xmpp_connection_abort:
 * @self: a connection
 *
 * Drops the connection at once: the queue is discarded and the socket shut
 * down without TLS close_notify.  For dead sockets and for tests.  Emits
 * nothing, neither now nor later: not #XmppConnection::closed, not
 * #XmppConnection::received.  A pending connect or STARTTLS completes with
 * %G_IO_ERROR_CANCELLED, from the main loop.  The connection cannot be
 * used again.
 */
void
xmpp_connection_abort (XmppConnection *self)
{
  g_return_if_fail (XMPP_IS_CONNECTION (self));

  shut_down (self);
}

/**
 * xmpp_connection_is_open:
 * @self: a connection
 *
 * Returns: %TRUE from a successful connect until the connection ends, is
 *   closed or aborted (also during STARTTLS)
 */
gboolean
xmpp_connection_is_open (XmppConnection *self)
{
  g_return_val_if_fail (XMPP_IS_CONNECTION (self), FALSE);

  return self->state == STATE_OPEN || self->state == STATE_STARTING_TLS;
}

/**
 * xmpp_connection_get_security:
 * @self: a connection
 *
 * Returns: how the connection is protected
 */
XmppConnectionSecurity
xmpp_connection_get_security (XmppConnection *self)
{
  g_return_val_if_fail (XMPP_IS_CONNECTION (self), XMPP_CONNECTION_PLAIN);

  return self->security;
}

/**
 * xmpp_connection_get_tls_version:
 * @self: a connection
 *
 * Returns: the negotiated TLS version, or %G_TLS_PROTOCOL_VERSION_UNKNOWN
 *   without TLS or once the connection ended
 */
GTlsProtocolVersion
xmpp_connection_get_tls_version (XmppConnection *self)
{
  g_return_val_if_fail (XMPP_IS_CONNECTION (self), G_TLS_PROTOCOL_VERSION_UNKNOWN);

  if (self->stream == NULL || !G_IS_TLS_CONNECTION (self->stream))
    return G_TLS_PROTOCOL_VERSION_UNKNOWN;
  return g_tls_connection_get_protocol_version (G_TLS_CONNECTION (self->stream));
}

/**
 * xmpp_connection_dup_channel_binding:
 * @self: a connection
 * @type: "tls-exporter" (RFC 9266) or "tls-server-end-point" (RFC 5929)
 * @error: return location for an error
 *
 * Gets the channel-binding data of the TLS connection, for SCRAM -PLUS.
 * Fails with %XMPP_ERROR_FAILED for another type, without TLS, or when the
 * TLS library cannot give it (GnuTLS gives "tls-exporter" on TLS 1.2 only
 * with the extended master secret).
 *
 * Returns: (transfer full) (nullable): the data, or %NULL with @error set
 */
GBytes *
xmpp_connection_dup_channel_binding (XmppConnection  *self,
                                     const char      *type,
                                     GError         **error)
{
  g_autoptr(GByteArray) data = NULL;
  g_autoptr(GError) local_error = NULL;
  GTlsChannelBindingType binding;

  g_return_val_if_fail (XMPP_IS_CONNECTION (self), NULL);
  g_return_val_if_fail (type != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (g_str_equal (type, "tls-exporter"))
    binding = G_TLS_CHANNEL_BINDING_TLS_EXPORTER;
  else if (g_str_equal (type, "tls-server-end-point"))
    binding = G_TLS_CHANNEL_BINDING_TLS_SERVER_END_POINT;
  else
    {
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_FAILED,
                   _("Channel binding “%s” is not supported"), type);
      return NULL;
    }

  if (self->state != STATE_OPEN || !G_IS_TLS_CONNECTION (self->stream))
    {
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_FAILED,
                   _("Channel binding “%s” needs a TLS connection"), type);
      return NULL;
    }

  data = g_byte_array_new ();
  if (!g_tls_connection_get_channel_binding_data (G_TLS_CONNECTION (self->stream), binding,
                                                  data, &local_error))
    {
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_FAILED,
                   _("Channel binding “%s” is not available: %s"), type, local_error->message);
      return NULL;
    }

  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}

/**
 * xmpp_connection_get_peer_certificate:
 * @self: a connection
 *
 * Gets the server's certificate from the last TLS handshake, also when it
 * failed because the certificate is not trusted, so the UI can show its
 * subject, issuer, validity and xmpp_certificate_dup_fingerprint().
 *
 * Returns: (transfer none) (nullable): the certificate, or %NULL before
 *   any handshake
 */
GTlsCertificate *
xmpp_connection_get_peer_certificate (XmppConnection *self)
{
  g_return_val_if_fail (XMPP_IS_CONNECTION (self), NULL);

  if (self->peer_certificate == NULL && self->stream != NULL && G_IS_TLS_CONNECTION (self->stream))
    return g_tls_connection_get_peer_certificate (G_TLS_CONNECTION (self->stream));
  return self->peer_certificate;
}

/**
 * xmpp_connection_get_peer_certificate_errors:
 * @self: a connection
 *
 * Returns: what validation found wrong with the peer certificate (0 if it
 *   is trusted; not 0 for a pinned certificate that was accepted anyway)
 */
GTlsCertificateFlags
xmpp_connection_get_peer_certificate_errors (XmppConnection *self)
{
  g_return_val_if_fail (XMPP_IS_CONNECTION (self), 0);

  if (self->peer_certificate == NULL && self->stream != NULL && G_IS_TLS_CONNECTION (self->stream))
    return g_tls_connection_get_peer_certificate_errors (G_TLS_CONNECTION (self->stream));
  return self->peer_certificate_errors;
}

/**
 * xmpp_certificate_dup_fingerprint:
 * @certificate: a certificate
 *
 * Computes the SHA-256 fingerprint of @certificate's DER encoding, the
 * form xmpp_connection_set_pinned_fingerprints() takes.
 *
 * Returns: (transfer full): 64 lowercase hex digits
 */
char *
xmpp_certificate_dup_fingerprint (GTlsCertificate *certificate)
{
  g_autoptr(GByteArray) der = NULL;

  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), NULL);

  g_object_get (certificate, "certificate", &der, NULL);
  if (der == NULL)
    return NULL;
  return g_compute_checksum_for_data (G_CHECKSUM_SHA256, der->data, der->len);
}
