/* xmpp-client.c: one XMPP session, from connect to online and back
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * RFC 6120 (streams, STARTTLS, SASL, binding), XEP-0198 Stream Management
 * 1.6.1 (acks both ways, resumption), XEP-0199 XMPP Ping 2.0.1 (idle
 * checks), XEP-0352 Client State Indication 1.0.0.
 *
 * The session is a table of small steps driven by what the server sends:
 * each top-level element that arrives is handled according to `step`, and
 * each handler either sends the next request or fails the session.  Work
 * that must not happen inside the parser's callbacks (resetting the reader
 * for a stream restart, starting TLS) is recorded and done once the chunk
 * has been fed.
 *
 * Nothing sent is lost: with stream management every stanza stays in
 * `unacked` until the server's <a h='…'/> covers it; a resumed session
 * re-sends the rest in order, and a failed resumption hands every
 * unacknowledged stanza back to whoever sent it (its task fails), so the
 * layer above can send it again in a new session.
 */
#include "config.h"

#include "xmpp-client.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xmpp-connection.h"
#include "xmpp-enums.h"
#include "xmpp-error.h"
#include "xmpp-reader.h"
#include "xmpp-sasl.h"

#define NS_STREAMS  "http://etherx.jabber.org/streams"
#define NS_TLS      "urn:ietf:params:xml:ns:xmpp-tls"
#define NS_SASL     "urn:ietf:params:xml:ns:xmpp-sasl"
#define NS_BIND     "urn:ietf:params:xml:ns:xmpp-bind"
#define NS_SESSION  "urn:ietf:params:xml:ns:xmpp-session"
#define NS_STANZAS  "urn:ietf:params:xml:ns:xmpp-stanzas"
#define NS_STREAM_ERRORS "urn:ietf:params:xml:ns:xmpp-streams"
#define NS_SM       "urn:xmpp:sm:3"
#define NS_CSI      "urn:xmpp:csi:0"
#define NS_PING     "urn:xmpp:ping"
#define NS_SASL_CB  "urn:xmpp:sasl-cb:0"

#define DEFAULT_IQ_TIMEOUT_S      60
#define IDLE_CHECK_INTERVAL_S     30
#define IDLE_BEFORE_PING_S        90
#define PING_TIMEOUT_S            10
#define RECONNECT_CAP_S           60

typedef enum {
  STEP_NONE,
  STEP_FEATURES,      /* waiting for the stream header and features */
  STEP_STARTTLS,      /* sent <starttls/>, waiting for <proceed/> */
  STEP_SASL,          /* sent <auth/>, exchanging challenges */
  STEP_RESUME,        /* sent <resume/> */
  STEP_BIND,          /* sent the bind iq */
  STEP_SM_ENABLE,     /* sent <enable/> */
  STEP_ONLINE,
} Step;

typedef struct
{
  XmppNode *stanza;
  GTask    *task;     /* (nullable): fire-and-forget stanzas have none */
  guint32   seq;      /* the server's count once it handles this one */
  gboolean  written;
} OutItem;

typedef struct
{
  XmppClient *client;
  char       *id;
  XmppJid    *to;     /* (nullable): NULL when addressed to our server/account */
  GTask      *task;
  guint       timeout_id;
  GCancellable *cancellable;
  gulong      cancelled_id;
} PendingIq;

typedef struct
{
  guint              id;
  const char        *stanza_name;   /* interned, nullable */
  const char        *child_name;    /* interned, nullable */
  const char        *child_xmlns;   /* interned, nullable */
  XmppStanzaHandler  func;          /* NULL once removed */
  gpointer           user_data;
  GDestroyNotify     destroy;
} Handler;

struct _XmppClient
{
  GObject parent_instance;

  /* Configuration */
  XmppJid *jid;
  char *password;
  char *host;
  guint16 port;
  gboolean direct_tls;
  gboolean allow_plaintext;
  GStrv pins;
  GTlsDatabase *tls_database;
  XmppSaslMechanism minimum_mechanism;
  gboolean auto_reconnect;
  GIOStream *adopted_stream;
  guint iq_timeout;
  gboolean active;

  /* Public state */
  XmppClientState state;
  XmppJid *bound_jid;
  GError *error;
  GTlsCertificate *peer_certificate;
  GTlsCertificateFlags peer_certificate_errors;
  gboolean resumed;

  /* The current connection and stream */
  XmppConnection *connection;
  XmppReader *reader;
  XmppSasl *sasl;
  XmppNode *features;
  Step step;
  gboolean authenticated;
  gboolean restart_pending;      /* reset the reader and send a new header after this chunk */
  gboolean starttls_pending;     /* start TLS after this chunk; nothing more may be parsed */
  gboolean in_feed;
  gboolean flush_on_drop;        /* we wrote a stream error: let it reach the server */
  char *bind_id;

  /* XEP-0198 */
  gboolean sm_enabled;
  char *sm_id;                   /* set when the session can be resumed */
  guint32 inbound_h;
  guint32 outbound_count;
  GQueue unacked;                /* OutItem */
  gboolean ack_request_queued;

  /* Requests, handlers, features */
  GHashTable *iqs;               /* id → PendingIq */
  GArray *handlers;              /* Handler */
  guint next_handler_id;
  guint dispatch_depth;
  GPtrArray *client_features;

  /* Liveness and reconnection */
  GNetworkMonitor *network_monitor;
  guint reconnect_source;
  guint attempts;
  guint idle_source;
  guint ping_deadline_source;
  gint64 last_received;
};

G_DEFINE_FINAL_TYPE (XmppClient, xmpp_client, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_JID,
  PROP_BOUND_JID,
  PROP_STATE,
  PROP_RESUMED,
  N_PROPS
};

enum {
  SIGNAL_ONLINE,
  SIGNAL_DISCONNECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_session (XmppClient *self);
static void fail_session (XmppClient *self,
                          GError     *error);
static void send_stream_header (XmppClient *self);
static void handle_features (XmppClient *self,
                             XmppNode   *features);

/* Tracing: NATTER_DEBUG_XML=1 logs the shape of each element sent and
 * received (name, type, id, addresses), never payloads, bodies or SASL data. */
static gboolean
tracing (void)
{
  static int enabled = -1;

  if (enabled < 0)
    enabled = g_strcmp0 (g_getenv ("NATTER_DEBUG_XML"), "1") == 0;
  return enabled;
}

static void
trace (const char *direction,
       XmppNode   *node)
{
  if (!tracing ())
    return;
  g_debug ("%s <%s xmlns='%s' type='%s' id='%s' from='%s' to='%s'>", direction,
           xmpp_node_get_name (node), xmpp_node_get_xmlns (node),
           xmpp_node_get_attribute (node, "type"), xmpp_node_get_attribute (node, "id"),
           xmpp_node_get_attribute (node, "from"), xmpp_node_get_attribute (node, "to"));
}

static void
set_state (XmppClient      *self,
           XmppClientState  state)
{
  if (self->state == state)
    return;

  g_debug ("%s: state %d → %d", xmpp_jid_to_bare_string (self->jid), self->state, state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static const char *
domain (XmppClient *self)
{
  return xmpp_jid_get_domainpart (self->jid);
}

static void
write_text (XmppClient *self,
            const char *text)
{
  if (self->connection != NULL)
    xmpp_connection_send (self->connection, text, -1);
}

static void
write_node (XmppClient *self,
            XmppNode   *node)
{
  g_autoptr(GString) out = g_string_sized_new (256);

  trace ("SEND", node);
  xmpp_node_write (node, out, XMPP_NS_CLIENT);
  if (self->connection != NULL)
    xmpp_connection_send (self->connection, out->str, out->len);
}

/* Sends </stream:stream> after a stream error of our own. */
static void
send_stream_error (XmppClient      *self,
                   XmppStreamError  code)
{
  g_autofree char *text = NULL;

  text = g_strdup_printf ("<stream:error><%s xmlns='" NS_STREAM_ERRORS "'/></stream:error></stream:stream>",
                          xmpp_stream_error_to_condition (code));
  write_text (self, text);
  self->flush_on_drop = TRUE;
}

/* ------------------------------------------------------------------------
 * Outgoing stanzas and XEP-0198 acknowledgements
 * ------------------------------------------------------------------------ */

static void
out_item_free (OutItem *item)
{
  g_clear_pointer (&item->stanza, xmpp_node_unref);
  g_clear_object (&item->task);
  g_free (item);
}

/* TRUE if a precedes or equals b in the wrapping 32-bit sequence space. */
static gboolean
seq_le (guint32 a,
        guint32 b)
{
  return (guint32) (b - a) < G_MAXINT32;
}

static void
request_ack_cb (gpointer user_data)
{
  XmppClient *self = user_data;

  self->ack_request_queued = FALSE;
  if (self->sm_enabled && self->step == STEP_ONLINE && !g_queue_is_empty (&self->unacked))
    write_text (self, "<r xmlns='" NS_SM "'/>");
  g_object_unref (self);
}

/* Asks for an acknowledgement once the current burst of stanzas is written,
 * so a thousand messages cost one <r/>, not a thousand. */
static void
queue_ack_request (XmppClient *self)
{
  if (self->ack_request_queued)
    return;
  self->ack_request_queued = TRUE;
  g_idle_add_once (request_ack_cb, g_object_ref (self));
}

static void
write_item (XmppClient *self,
            OutItem    *item)
{
  item->seq = ++self->outbound_count;
  item->written = TRUE;
  write_node (self, item->stanza);
}

static void
handle_ack (XmppClient *self,
            guint32     h)
{
  /* The server cannot have handled more than we sent (XEP-0198 §4). */
  if (!seq_le (h, self->outbound_count))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *text = NULL;

      /* XEP-0198 §5: say what was claimed and what was sent. */
      text = g_strdup_printf ("<stream:error><undefined-condition xmlns='" NS_STREAM_ERRORS "'/>"
                              "<handled-count-too-high xmlns='" NS_SM "' h='%u' send-count='%u'/>"
                              "</stream:error></stream:stream>", h, self->outbound_count);
      write_text (self, text);
      self->flush_on_drop = TRUE;
      error = g_error_new (XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_UNDEFINED_CONDITION,
                           _("The server acknowledged more stanzas than were sent"));
      fail_session (self, error);
      return;
    }

  while (!g_queue_is_empty (&self->unacked))
    {
      OutItem *item = g_queue_peek_head (&self->unacked);

      if (!item->written || !seq_le (item->seq, h))
        break;
      g_queue_pop_head (&self->unacked);
      if (item->task != NULL)
        g_task_return_boolean (item->task, TRUE);
      out_item_free (item);
    }
}

/* Counts every queued stanza as delivered, as a stream without stream
 * management does once it has written them. */
static void
complete_unacked (XmppClient *self)
{
  OutItem *item;

  while ((item = g_queue_pop_head (&self->unacked)) != NULL)
    {
      if (item->task != NULL)
        g_task_return_boolean (item->task, TRUE);
      out_item_free (item);
    }
}

/* Fails every stanza the server has not confirmed: the session that would
 * have delivered them is gone, so their senders must send them again. */
static void
hand_back_unacked (XmppClient *self)
{
  OutItem *item;

  while ((item = g_queue_pop_head (&self->unacked)) != NULL)
    {
      if (item->task != NULL)
        g_task_return_new_error (item->task, XMPP_ERROR, XMPP_ERROR_NOT_CONNECTED,
                                 _("The connection was lost before the server confirmed the message"));
      else
        trace ("LOST", item->stanza);
      out_item_free (item);
    }
}

static gboolean
can_resume (XmppClient *self)
{
  return self->sm_id != NULL;
}

static void
enqueue (XmppClient *self,
         XmppNode   *stanza,
         GTask      *task)
{
  OutItem *item = g_new0 (OutItem, 1);

  item->stanza = xmpp_node_ref (stanza);
  item->task = task != NULL ? g_object_ref (task) : NULL;
  g_queue_push_tail (&self->unacked, item);
}

/* ------------------------------------------------------------------------
 * iq round trips
 * ------------------------------------------------------------------------ */

static void
pending_iq_free (PendingIq *pending)
{
  g_clear_handle_id (&pending->timeout_id, g_source_remove);
  if (pending->cancellable != NULL)
    g_cancellable_disconnect (pending->cancellable, pending->cancelled_id);
  g_clear_object (&pending->cancellable);
  g_clear_pointer (&pending->to, xmpp_jid_unref);
  g_clear_object (&pending->task);
  g_free (pending->id);
  g_free (pending);
}

static gboolean
iq_timeout_cb (gpointer user_data)
{
  PendingIq *pending = user_data;
  XmppClient *self = pending->client;
  g_autoptr(GTask) task = g_steal_pointer (&pending->task);

  pending->timeout_id = 0;
  g_hash_table_remove (self->iqs, pending->id);
  g_task_return_new_error (task, XMPP_ERROR, XMPP_ERROR_TIMEOUT,
                           _("The request timed out"));
  return G_SOURCE_REMOVE;
}

static gboolean
iq_cancelled_idle_cb (gpointer user_data)
{
  PendingIq *pending = user_data;
  XmppClient *self = pending->client;
  g_autoptr(GTask) task = g_steal_pointer (&pending->task);

  pending->timeout_id = 0;
  g_hash_table_remove (self->iqs, pending->id);
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The request was cancelled"));
  return G_SOURCE_REMOVE;
}

/* Cancelling completes the request at once; a late answer is then dropped
 * as one nobody asked for. */
static void
iq_cancelled_cb (GCancellable *cancellable,
                 gpointer      user_data)
{
  PendingIq *pending = user_data;

  g_clear_handle_id (&pending->timeout_id, g_source_remove);
  pending->timeout_id = g_idle_add (iq_cancelled_idle_cb, pending);
}

static void
fail_pending_iqs (XmppClient *self)
{
  g_autoptr(GList) values = g_hash_table_get_values (self->iqs);
  g_autoptr(GPtrArray) tasks = g_ptr_array_new_with_free_func (g_object_unref);

  for (GList *l = values; l != NULL; l = l->next)
    {
      PendingIq *pending = l->data;

      g_ptr_array_add (tasks, g_steal_pointer (&pending->task));
    }
  g_hash_table_remove_all (self->iqs);

  for (guint i = 0; i < tasks->len; i++)
    g_task_return_new_error (g_ptr_array_index (tasks, i), XMPP_ERROR, XMPP_ERROR_NOT_CONNECTED,
                             _("The connection was lost before the answer arrived"));
}

/* RFC 6120 §8.1.2.1 and SECURITY row 7: an answer must come from where the
 * request went.  A request without `to` went to our own account or server,
 * which answers without `from`, or from our bare JID, full JID or domain. */
static gboolean
response_from_expected (XmppClient *self,
                        PendingIq  *pending,
                        XmppJid    *from)
{
  g_autoptr(XmppJid) own_domain = NULL;

  if (pending->to != NULL && from != NULL && xmpp_jid_equal (pending->to, from))
    return TRUE;
  if (pending->to != NULL && !xmpp_jid_equal_bare (pending->to, self->jid))
    return FALSE;
  if (pending->to != NULL && !xmpp_jid_is_bare (pending->to))
    return FALSE;

  /* Addressed to ourselves (no `to`, or our bare JID). */
  if (from == NULL)
    return TRUE;
  if (xmpp_jid_equal (from, self->jid) || (self->bound_jid != NULL && xmpp_jid_equal (from, self->bound_jid)))
    return TRUE;
  if (xmpp_jid_is_bare (from) && xmpp_jid_equal_bare (from, self->jid))
    return TRUE;
  own_domain = xmpp_jid_new_from_parts (NULL, domain (self), NULL, NULL);
  return pending->to == NULL && own_domain != NULL && xmpp_jid_equal (from, own_domain);
}

#define MAX_ERROR_TEXT_CHARS 512

/**
 * xmpp_stanza_error_new:
 * @stanza: a stanza of type error
 *
 * Reads the RFC 6120 §8.3 error of @stanza.  The peer's text is cut to a
 * sane length, since it is shown to users.
 *
 * Returns: (transfer full): an %XMPP_ERROR_STANZA error whose message
 *   starts with the condition (e.g. `item-not-found`)
 */
GError *
xmpp_stanza_error_new (XmppNode *stanza)
{
  XmppNode *error;
  const char *condition = NULL;
  const char *text = NULL;
  g_autofree char *short_text = NULL;

  g_return_val_if_fail (stanza != NULL, NULL);

  error = xmpp_node_get_child (stanza, "error", NULL);
  for (guint i = 0; error != NULL && i < xmpp_node_get_n_children (error); i++)
    {
      XmppNode *child = xmpp_node_get_child_at (error, i);

      if (g_strcmp0 (xmpp_node_get_xmlns (child), NS_STANZAS) != 0)
        continue;
      if (g_strcmp0 (xmpp_node_get_name (child), "text") == 0)
        text = xmpp_node_get_text (child);
      else if (condition == NULL)
        condition = xmpp_node_get_name (child);
    }
  if (text != NULL && g_utf8_strlen (text, -1) > MAX_ERROR_TEXT_CHARS)
    short_text = g_utf8_substring (text, 0, MAX_ERROR_TEXT_CHARS);

  return g_error_new (XMPP_ERROR, XMPP_ERROR_STANZA, "%s%s%s",
                      condition != NULL ? condition : "undefined-condition",
                      text != NULL ? ": " : "",
                      short_text != NULL ? short_text : text != NULL ? text : "");
}

/* Returns TRUE if @iq answered one of our requests (whether or not it
 * was accepted as coming from the right sender). */
static gboolean
handle_iq_response (XmppClient *self,
                    XmppNode   *iq,
                    XmppJid    *from)
{
  const char *id = xmpp_node_get_attribute (iq, "id");
  const char *type = xmpp_node_get_attribute (iq, "type");
  PendingIq *pending;
  g_autoptr(GTask) task = NULL;

  pending = id != NULL ? g_hash_table_lookup (self->iqs, id) : NULL;
  if (pending == NULL)
    {
      g_debug ("dropping an iq %s nobody asked for", type);
      return TRUE;
    }
  if (!response_from_expected (self, pending, from))
    {
      /* A spoofed answer; the request stays open until the real one or its timeout. */
      g_debug ("dropping an iq %s from an unexpected sender", type);
      return TRUE;
    }

  task = g_steal_pointer (&pending->task);
  g_hash_table_remove (self->iqs, id);
  if (g_strcmp0 (type, "result") == 0)
    g_task_return_pointer (task, xmpp_node_ref (iq), (GDestroyNotify) xmpp_node_unref);
  else
    g_task_return_error (task, xmpp_stanza_error_new (iq));

  return TRUE;
}

/* ------------------------------------------------------------------------
 * Dispatch of incoming stanzas
 * ------------------------------------------------------------------------ */

static gboolean
handler_matches (Handler  *handler,
                 XmppNode *stanza)
{
  if (handler->func == NULL)
    return FALSE;
  if (handler->stanza_name != NULL && handler->stanza_name != xmpp_node_get_name (stanza))
    return FALSE;
  if (handler->child_name == NULL && handler->child_xmlns == NULL)
    return TRUE;

  for (guint i = 0; i < xmpp_node_get_n_children (stanza); i++)
    {
      XmppNode *child = xmpp_node_get_child_at (stanza, i);

      if ((handler->child_name == NULL || handler->child_name == xmpp_node_get_name (child)) &&
          (handler->child_xmlns == NULL || handler->child_xmlns == xmpp_node_get_xmlns (child)))
        return TRUE;
    }
  return FALSE;
}

static void
compact_handlers (XmppClient *self)
{
  if (self->dispatch_depth > 0)
    return;
  for (guint i = self->handlers->len; i > 0; i--)
    if (g_array_index (self->handlers, Handler, i - 1).func == NULL)
      g_array_remove_index (self->handlers, i - 1);
}

static gboolean
dispatch (XmppClient *self,
          XmppNode   *stanza)
{
  gboolean handled = FALSE;

  self->dispatch_depth++;
  /* Handlers may add or remove handlers: index, never hold pointers. */
  for (guint i = 0; !handled && i < self->handlers->len; i++)
    {
      Handler handler = g_array_index (self->handlers, Handler, i);

      if (handler_matches (&handler, stanza))
        handled = handler.func (self, stanza, handler.user_data);
    }
  self->dispatch_depth--;
  compact_handlers (self);

  return handled;
}

/**
 * xmpp_client_error_reply:
 * @request: an iq get/set or a message
 * @type: the error type (`cancel`, `modify`, `auth`, `wait`)
 * @condition: an RFC 6120 §8.3.3 condition, e.g. `service-unavailable`
 *
 * Builds the error answer to @request, addressed back to its sender.
 *
 * Returns: (transfer full): the error stanza
 */
XmppNode *
xmpp_client_error_reply (XmppNode   *request,
                         const char *type,
                         const char *condition)
{
  XmppNode *reply;
  XmppNode *error;

  g_return_val_if_fail (request != NULL, NULL);
  g_return_val_if_fail (type != NULL, NULL);
  g_return_val_if_fail (condition != NULL, NULL);

  reply = xmpp_node_new (xmpp_node_get_name (request), XMPP_NS_CLIENT);
  xmpp_node_set_attribute (reply, "type", "error");
  xmpp_node_set_attribute (reply, "id", xmpp_node_get_attribute (request, "id"));
  xmpp_node_set_attribute (reply, "to", xmpp_node_get_attribute (request, "from"));
  error = xmpp_node_add_child (reply, "error", XMPP_NS_CLIENT);
  xmpp_node_set_attribute (error, "type", type);
  xmpp_node_add_child (error, condition, NS_STANZAS);

  return reply;
}

static gboolean
parse_address (XmppNode    *stanza,
               const char  *attribute,
               XmppJid    **jid)
{
  const char *text = xmpp_node_get_attribute (stanza, attribute);
  g_autoptr(GError) error = NULL;

  *jid = NULL;
  if (text == NULL)
    return TRUE;
  *jid = xmpp_jid_new (text, &error);
  if (*jid == NULL)
    {
      g_debug ("dropping a %s with an invalid '%s': %s", xmpp_node_get_name (stanza), attribute,
               error->message);
      return FALSE;
    }
  return TRUE;
}

static void
handle_stanza (XmppClient *self,
               XmppNode   *stanza)
{
  const char *name = xmpp_node_get_name (stanza);
  const char *type = xmpp_node_get_attribute (stanza, "type");
  g_autoptr(XmppJid) from = NULL;
  g_autoptr(XmppJid) to = NULL;

  /* A bad stanza is dropped, not fatal to the stream (SECURITY row 25):
   * the server would deliver it again on every resumption. */
  if (parse_address (stanza, "from", &from) && parse_address (stanza, "to", &to))
    {
      if (g_str_equal (name, "iq") && (g_strcmp0 (type, "result") == 0 || g_strcmp0 (type, "error") == 0))
        handle_iq_response (self, stanza, from);
      else if (!dispatch (self, stanza) && g_str_equal (name, "iq") &&
               (g_strcmp0 (type, "get") == 0 || g_strcmp0 (type, "set") == 0))
        {
          /* RFC 6120 §8.4; never answer results or errors, so no loops. */
          g_autoptr(XmppNode) reply = xmpp_client_error_reply (stanza, "cancel", "service-unavailable");

          xmpp_client_send (self, reply);
        }
    }

  /* Counted whether handled or dropped (SECURITY I1). */
  if (self->sm_enabled)
    self->inbound_h++;
}

static gboolean
ping_handler (XmppClient *self,
              XmppNode   *stanza,
              gpointer    user_data)
{
  g_autoptr(XmppNode) reply = NULL;

  if (g_strcmp0 (xmpp_node_get_attribute (stanza, "type"), "get") != 0)
    return FALSE;
  reply = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                           "type", "result",
                           "id", xmpp_node_get_attribute (stanza, "id"),
                           "to", xmpp_node_get_attribute (stanza, "from"),
                           NULL);
  xmpp_client_send (self, reply);
  return TRUE;
}

/* ------------------------------------------------------------------------
 * Negotiation steps
 * ------------------------------------------------------------------------ */

static void
fail_with (XmppClient *self,
           GQuark      domain_quark,
           int         code,
           const char *message)
{
  g_autoptr(GError) error = g_error_new_literal (domain_quark, code, message);

  fail_session (self, error);
}

static void
go_online (XmppClient *self,
           gboolean    resumed)
{
  self->step = STEP_ONLINE;
  self->attempts = 0;
  self->resumed = resumed;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESUMED]);
  set_state (self, XMPP_CLIENT_ONLINE);

  if (!self->active && xmpp_client_server_has_feature (self, "csi", NS_CSI))
    write_text (self, "<inactive xmlns='" NS_CSI "'/>");

  g_signal_emit (self, signals[SIGNAL_ONLINE], 0, resumed);
}

static void
enable_stream_management (XmppClient *self)
{
  if (xmpp_client_server_has_feature (self, "sm", NS_SM))
    {
      /* The server counts every stanza after <enable/> (XEP-0198 §4),
       * including those written before its <enabled/> arrives. */
      self->step = STEP_SM_ENABLE;
      self->outbound_count = 0;
      write_text (self, "<enable xmlns='" NS_SM "' resume='true'/>");
    }
  else
    go_online (self, FALSE);
}

static void
start_bind (XmppClient *self)
{
  g_autoptr(XmppNode) iq = NULL;
  XmppNode *bind;
  const char *resource = xmpp_jid_get_resourcepart (self->jid);

  if (!xmpp_client_server_has_feature (self, "bind", NS_BIND))
    {
      fail_with (self, XMPP_ERROR, XMPP_ERROR_BIND, _("The server does not offer resource binding"));
      return;
    }

  g_free (self->bind_id);
  self->bind_id = g_uuid_string_random ();
  iq = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "set", "id", self->bind_id, NULL);
  bind = xmpp_node_add_child (iq, "bind", NS_BIND);
  if (resource != NULL)
    xmpp_node_add_text_child (bind, "resource", NS_BIND, resource);

  self->step = STEP_BIND;
  set_state (self, XMPP_CLIENT_BINDING);
  write_node (self, iq);
}

static void
handle_bind_result (XmppClient *self,
                    XmppNode   *iq)
{
  const char *type = xmpp_node_get_attribute (iq, "type");
  const char *text;
  g_autoptr(XmppJid) bound = NULL;

  if (g_strcmp0 (xmpp_node_get_attribute (iq, "id"), self->bind_id) != 0 || xmpp_node_get_attribute (iq, "from") != NULL)
    {
      g_debug ("ignoring an unexpected iq while binding");
      return;
    }
  if (g_strcmp0 (type, "result") != 0)
    {
      g_autoptr(GError) stanza_error = xmpp_stanza_error_new (iq);
      g_autofree char *message = g_strdup_printf (_("The server refused the resource (%s)"),
                                                  stanza_error->message);

      fail_with (self, XMPP_ERROR, XMPP_ERROR_BIND, message);
      return;
    }

  text = xmpp_node_get_child_text (xmpp_node_get_child (iq, "bind", NS_BIND), "jid", NS_BIND);
  bound = text != NULL ? xmpp_jid_new (text, NULL) : NULL;
  if (bound == NULL || xmpp_jid_is_bare (bound) || !xmpp_jid_equal_bare (bound, self->jid))
    {
      fail_with (self, XMPP_ERROR, XMPP_ERROR_BIND, _("The server bound an invalid address"));
      return;
    }

  /* A server may assign another resource than the one asked for. */
  g_clear_pointer (&self->bound_jid, xmpp_jid_unref);
  self->bound_jid = g_steal_pointer (&bound);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOUND_JID]);
  g_debug ("bound %s", xmpp_jid_to_string (self->bound_jid));

  enable_stream_management (self);
}

static void
handle_sm_enabled (XmppClient *self,
                   XmppNode   *node)
{
  const char *resume = xmpp_node_get_attribute (node, "resume");

  self->sm_enabled = TRUE;
  self->inbound_h = 0;
  g_clear_pointer (&self->sm_id, g_free);
  /* XEP-0198 `location` is ignored: we reconnect only where we connected,
   * under the same TLS policy (SECURITY row 33). */
  if (g_strcmp0 (resume, "true") == 0 || g_strcmp0 (resume, "1") == 0)
    self->sm_id = g_strdup (xmpp_node_get_attribute (node, "id"));

  /* Stanzas written while <enable/> was on its way are counted already;
   * ask for their acknowledgement. */
  if (!g_queue_is_empty (&self->unacked))
    queue_ack_request (self);
  go_online (self, FALSE);
}

static gboolean
parse_h (XmppNode *node,
         guint32  *h)
{
  const char *text = xmpp_node_get_attribute (node, "h");
  guint64 value;

  if (text == NULL || !g_ascii_string_to_unsigned (text, 10, 0, G_MAXUINT32, &value, NULL))
    return FALSE;
  *h = (guint32) value;
  return TRUE;
}

static void
handle_resumed (XmppClient *self,
                XmppNode   *node)
{
  guint32 h;
  GList *l;

  if (g_strcmp0 (xmpp_node_get_attribute (node, "previd"), self->sm_id) != 0 || !parse_h (node, &h))
    {
      fail_with (self, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_UNDEFINED_CONDITION,
                 _("The server resumed a session other than ours"));
      return;
    }

  self->sm_enabled = TRUE;
  handle_ack (self, h);
  if (self->step != STEP_RESUME)
    return;

  /* Re-send what the server did not handle, in order, counting from its h. */
  self->outbound_count = h;
  for (l = self->unacked.head; l != NULL; l = l->next)
    write_item (self, l->data);
  if (!g_queue_is_empty (&self->unacked))
    queue_ack_request (self);

  g_debug ("resumed the session with %u stanzas re-sent", g_queue_get_length (&self->unacked));
  go_online (self, TRUE);
}

static void
handle_sm_failed (XmppClient *self,
                  XmppNode   *node)
{
  guint32 h;

  /* A failed resumption may still tell what the server handled (XEP-0198 §5). */
  if (self->step == STEP_RESUME && parse_h (node, &h))
    handle_ack (self, h);

  /* The server refused stream management: what was written while it
   * decided went out as it would without it, on a live stream. */
  if (self->step == STEP_SM_ENABLE)
    complete_unacked (self);

  self->sm_enabled = FALSE;
  g_clear_pointer (&self->sm_id, g_free);
  hand_back_unacked (self);
  fail_pending_iqs (self);

  if (self->step == STEP_RESUME)
    start_bind (self);
  else
    go_online (self, FALSE);
}

static void
send_auth (XmppClient *self)
{
  g_autoptr(GPtrArray) offered = g_ptr_array_new ();
  g_autoptr(GPtrArray) cb_types = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *initial = NULL;
  g_autofree char *auth = NULL;
  XmppNode *mechanisms = xmpp_node_get_child (self->features, "mechanisms", NS_SASL);
  XmppNode *cb = xmpp_node_get_child (self->features, "sasl-channel-binding", NS_SASL_CB);
  gboolean tls = xmpp_connection_get_security (self->connection) != XMPP_CONNECTION_PLAIN;
  const char *binding_types[] = { "tls-exporter", "tls-server-end-point" };

  if (mechanisms == NULL)
    {
      fail_with (self, XMPP_ERROR, XMPP_ERROR_AUTH_MECHANISM,
                 _("The server offers no way to sign in"));
      return;
    }
  for (guint i = 0; i < xmpp_node_get_n_children (mechanisms); i++)
    {
      XmppNode *mechanism = xmpp_node_get_child_at (mechanisms, i);

      if (xmpp_node_is (mechanism, "mechanism", NS_SASL) && xmpp_node_get_text (mechanism) != NULL)
        g_ptr_array_add (offered, (gpointer) xmpp_node_get_text (mechanism));
    }
  g_ptr_array_add (offered, NULL);

  /* XEP-0440: the channel-binding types the server supports, if it says. */
  if (cb != NULL)
    {
      cb_types = g_ptr_array_new ();
      for (guint i = 0; i < xmpp_node_get_n_children (cb); i++)
        {
          XmppNode *type = xmpp_node_get_child_at (cb, i);

          if (xmpp_node_is (type, "channel-binding", NS_SASL_CB) &&
              xmpp_node_get_attribute (type, "type") != NULL)
            g_ptr_array_add (cb_types, (gpointer) xmpp_node_get_attribute (type, "type"));
        }
      g_ptr_array_add (cb_types, NULL);
    }

  g_clear_object (&self->sasl);
  self->sasl = xmpp_sasl_new (xmpp_jid_get_localpart (self->jid), self->password, tls);
  if (self->minimum_mechanism != 0)
    xmpp_sasl_set_minimum_mechanism (self->sasl, self->minimum_mechanism);
  /* Channel binding only where the server says which types it supports
   * (XEP-0440): guessing breaks real servers (ejabberd 23.01 offers -PLUS
   * over TLS 1.3 but knows only tls-unique, which TLS 1.3 does not have). */
  for (guint i = 0; tls && cb_types != NULL && i < G_N_ELEMENTS (binding_types); i++)
    {
      g_autoptr(GBytes) data = xmpp_connection_dup_channel_binding (self->connection, binding_types[i], NULL);

      /* tls-exporter is only defined for TLS 1.3 (RFC 9266). */
      if (data != NULL &&
          (i != 0 || xmpp_connection_get_tls_version (self->connection) == G_TLS_PROTOCOL_VERSION_TLS_1_3))
        xmpp_sasl_set_channel_binding (self->sasl, binding_types[i], data);
    }

  if (!xmpp_sasl_select (self->sasl, (const char * const *) offered->pdata,
                         cb_types != NULL ? (const char * const *) cb_types->pdata : NULL, &error) ||
      (initial = xmpp_sasl_initial_response (self->sasl, &error)) == NULL)
    {
      fail_session (self, error);
      return;
    }

  g_debug ("authenticating with %s", xmpp_sasl_get_mechanism (self->sasl));
  auth = g_strdup_printf ("<auth xmlns='" NS_SASL "' mechanism='%s'>%s</auth>",
                          xmpp_sasl_get_mechanism (self->sasl), initial);
  self->step = STEP_SASL;
  set_state (self, XMPP_CLIENT_AUTHENTICATING);
  write_text (self, auth);
}

static void
handle_sasl (XmppClient *self,
             XmppNode   *node)
{
  const char *name = xmpp_node_get_name (node);
  g_autoptr(GError) error = NULL;

  if (g_str_equal (name, "challenge"))
    {
      g_autofree char *response = xmpp_sasl_respond (self->sasl, xmpp_node_get_text (node), &error);
      g_autofree char *text = NULL;

      if (response == NULL)
        {
          write_text (self, "<abort xmlns='" NS_SASL "'/>");
          fail_session (self, error);
          return;
        }
      text = g_strdup_printf ("<response xmlns='" NS_SASL "'>%s</response>", response);
      write_text (self, text);
    }
  else if (g_str_equal (name, "success"))
    {
      /* Mutual authentication: the server must prove it knows the password
       * before anything else is sent (SECURITY row 34). */
      if (!xmpp_sasl_verify_success (self->sasl, xmpp_node_get_text (node), &error))
        {
          fail_session (self, error);
          return;
        }
      self->authenticated = TRUE;
      self->restart_pending = TRUE;
    }
  else if (g_str_equal (name, "failure"))
    {
      const char *condition = NULL;

      for (guint i = 0; i < xmpp_node_get_n_children (node); i++)
        {
          XmppNode *child = xmpp_node_get_child_at (node, i);

          if (!g_str_equal (xmpp_node_get_name (child), "text"))
            condition = xmpp_node_get_name (child);
        }
      error = xmpp_sasl_failure_to_error (condition, xmpp_node_get_child_text (node, "text", NS_SASL));
      fail_session (self, error);
    }
  else
    {
      fail_with (self, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_UNSUPPORTED_STANZA_TYPE,
                 _("The server broke the sign-in exchange"));
    }
}

/* A connect or STARTTLS step failed: keep the certificate it saw, so an
 * untrusted one can be shown to the user and pinned. */
static void
fail_connection_step (XmppClient     *self,
                      XmppConnection *connection,
                      GError         *error)
{
  g_set_object (&self->peer_certificate, xmpp_connection_get_peer_certificate (connection));
  self->peer_certificate_errors = xmpp_connection_get_peer_certificate_errors (connection);
  fail_session (self, error);
}

static void
start_tls_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(XmppClient) self = user_data;
  XmppConnection *connection = XMPP_CONNECTION (object);
  g_autoptr(GError) error = NULL;

  if (connection != self->connection)
    return;
  if (!xmpp_connection_start_tls_finish (connection, result, &error))
    {
      fail_connection_step (self, connection, error);
      return;
    }

  send_stream_header (self);
}

static void
handle_features (XmppClient *self,
                 XmppNode   *features)
{
  gboolean tls = xmpp_connection_get_security (self->connection) != XMPP_CONNECTION_PLAIN;

  g_clear_pointer (&self->features, xmpp_node_unref);
  self->features = xmpp_node_ref (features);

  if (!tls)
    {
      if (xmpp_node_get_child (features, "starttls", NS_TLS) != NULL)
        {
          self->step = STEP_STARTTLS;
          write_text (self, "<starttls xmlns='" NS_TLS "'/>");
          return;
        }
      if (!self->allow_plaintext)
        {
          /* STARTTLS stripping (SECURITY row 29): stop before any SASL. */
          fail_with (self, XMPP_ERROR, XMPP_ERROR_TLS_REQUIRED,
                     _("The server does not offer encryption, and this account requires it"));
          return;
        }
    }

  if (!self->authenticated)
    send_auth (self);
  else if (can_resume (self))
    {
      g_autofree char *escaped = g_markup_escape_text (self->sm_id, -1);
      g_autofree char *resume = NULL;

      self->step = STEP_RESUME;
      set_state (self, XMPP_CLIENT_BINDING);
      resume = g_strdup_printf ("<resume xmlns='" NS_SM "' h='%u' previd='%s'/>",
                                self->inbound_h, escaped);
      write_text (self, resume);
    }
  else
    start_bind (self);
}

/* ------------------------------------------------------------------------
 * Reader callbacks: everything the server sends arrives here
 * ------------------------------------------------------------------------ */

static void
stream_opened_cb (XmppReader *reader,
                  XmppNode   *header,
                  gpointer    user_data)
{
  XmppClient *self = user_data;
  const char *from = xmpp_node_get_attribute (header, "from");
  const char *version = xmpp_node_get_attribute (header, "version");
  g_autoptr(XmppJid) from_jid = from != NULL ? xmpp_jid_new (from, NULL) : NULL;
  g_autoptr(XmppJid) expected = xmpp_jid_new_from_parts (NULL, domain (self), NULL, NULL);

  if (self->connection == NULL)
    return;
  /* The stream must come from the domain we asked for (SECURITY row 32). */
  if (from != NULL && (from_jid == NULL || expected == NULL || !xmpp_jid_equal (from_jid, expected)))
    {
      send_stream_error (self, XMPP_STREAM_ERROR_INVALID_FROM);
      fail_with (self, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_INVALID_FROM,
                 _("The server answered for another domain"));
      return;
    }
  if (version == NULL || !g_str_has_prefix (version, "1."))
    {
      send_stream_error (self, XMPP_STREAM_ERROR_UNSUPPORTED_VERSION);
      fail_with (self, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_UNSUPPORTED_VERSION,
                 _("The server speaks an unsupported version of XMPP"));
    }
}

static void
handle_stream_error (XmppClient *self,
                     XmppNode   *node)
{
  XmppStreamError code = XMPP_STREAM_ERROR_UNDEFINED_CONDITION;
  const char *text = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < xmpp_node_get_n_children (node); i++)
    {
      XmppNode *child = xmpp_node_get_child_at (node, i);

      if (g_strcmp0 (xmpp_node_get_xmlns (child), NS_STREAM_ERRORS) != 0)
        continue;
      if (g_str_equal (xmpp_node_get_name (child), "text"))
        text = xmpp_node_get_text (child);
      else
        xmpp_stream_error_from_condition (xmpp_node_get_name (child), &code);
    }

  error = g_error_new (XMPP_STREAM_ERROR, code, _("The server closed the stream (%s)%s%s"),
                       xmpp_stream_error_to_condition (code), text != NULL ? ": " : "",
                       text != NULL ? text : "");
  fail_session (self, error);
}

static void
stanza_cb (XmppReader *reader,
           XmppNode   *node,
           gpointer    user_data)
{
  XmppClient *self = user_data;
  const char *xmlns = xmpp_node_get_xmlns (node);
  const char *name = xmpp_node_get_name (node);

  /* After <proceed/> or <success/> nothing more may come before the
   * restart: bytes injected behind them are an attack (SECURITY row 36). */
  if (self->starttls_pending || self->restart_pending || self->connection == NULL)
    {
      if (self->connection != NULL)
        fail_with (self, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_POLICY_VIOLATION,
                   _("The server sent data before the stream was restarted"));
      return;
    }

  trace ("RECV", node);

  if (g_strcmp0 (xmlns, NS_STREAMS) == 0 && g_str_equal (name, "error"))
    {
      handle_stream_error (self, node);
      return;
    }

  switch (self->step)
    {
    case STEP_FEATURES:
      if (g_strcmp0 (xmlns, NS_STREAMS) == 0 && g_str_equal (name, "features"))
        handle_features (self, node);
      else
        fail_with (self, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_UNSUPPORTED_STANZA_TYPE,
                   _("The server did not send its stream features"));
      break;

    case STEP_STARTTLS:
      if (g_strcmp0 (xmlns, NS_TLS) == 0 && g_str_equal (name, "proceed"))
        self->starttls_pending = TRUE;
      else
        fail_with (self, XMPP_ERROR, XMPP_ERROR_TLS_REQUIRED,
                   _("The server could not start encryption"));
      break;

    case STEP_SASL:
      if (g_strcmp0 (xmlns, NS_SASL) == 0)
        handle_sasl (self, node);
      else
        fail_with (self, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_UNSUPPORTED_STANZA_TYPE,
                   _("The server broke the sign-in exchange"));
      break;

    case STEP_RESUME:
      if (g_strcmp0 (xmlns, NS_SM) == 0 && g_str_equal (name, "resumed"))
        handle_resumed (self, node);
      else if (g_strcmp0 (xmlns, NS_SM) == 0 && g_str_equal (name, "failed"))
        handle_sm_failed (self, node);
      else
        g_debug ("ignoring <%s/> while resuming", name);
      break;

    case STEP_BIND:
      if (g_strcmp0 (xmlns, XMPP_NS_CLIENT) == 0 && g_str_equal (name, "iq"))
        handle_bind_result (self, node);
      else
        g_debug ("ignoring <%s/> while binding", name);
      break;

    case STEP_SM_ENABLE:
      if (g_strcmp0 (xmlns, NS_SM) == 0 && g_str_equal (name, "enabled"))
        handle_sm_enabled (self, node);
      else if (g_strcmp0 (xmlns, NS_SM) == 0 && g_str_equal (name, "failed"))
        handle_sm_failed (self, node);
      else if (g_strcmp0 (xmlns, XMPP_NS_CLIENT) == 0)
        handle_stanza (self, node);
      break;

    case STEP_ONLINE:
      if (g_strcmp0 (xmlns, XMPP_NS_CLIENT) == 0 &&
          (g_str_equal (name, "message") || g_str_equal (name, "presence") || g_str_equal (name, "iq")))
        handle_stanza (self, node);
      else if (g_strcmp0 (xmlns, NS_SM) == 0 && g_str_equal (name, "r"))
        {
          g_autofree char *ack = g_strdup_printf ("<a xmlns='" NS_SM "' h='%u'/>", self->inbound_h);

          if (self->sm_enabled)
            write_text (self, ack);
        }
      else if (g_strcmp0 (xmlns, NS_SM) == 0 && g_str_equal (name, "a"))
        {
          guint32 h;

          if (self->sm_enabled && parse_h (node, &h))
            handle_ack (self, h);
        }
      else
        g_debug ("ignoring <%s xmlns='%s'/>", name, xmlns);
      break;

    case STEP_NONE:
    default:
      break;
    }
}

static void
stream_closed_cb (XmppReader *reader,
                  gpointer    user_data)
{
  XmppClient *self = user_data;

  if (self->connection == NULL)
    return;
  /* The server ended the stream: answer in kind, then treat it as a drop. */
  write_text (self, "</stream:stream>");
  fail_with (self, XMPP_ERROR, XMPP_ERROR_CONNECT, _("The server closed the connection"));
}

static const XmppReaderCallbacks reader_callbacks = {
  .stream_opened = stream_opened_cb,
  .stanza = stanza_cb,
  .stream_closed = stream_closed_cb,
};

/* ------------------------------------------------------------------------
 * The connection
 * ------------------------------------------------------------------------ */

static void
send_stream_header (XmppClient *self)
{
  g_autofree char *header = NULL;
  gboolean tls = xmpp_connection_get_security (self->connection) != XMPP_CONNECTION_PLAIN;

  xmpp_reader_reset (self->reader);
  self->step = STEP_FEATURES;
  /* RFC 6120 §4.7.1: `from` only once the stream is protected. */
  header = g_strdup_printf ("<?xml version='1.0'?><stream:stream to='%s'%s%s%s version='1.0' "
                            "xml:lang='en' xmlns='" XMPP_NS_CLIENT "' xmlns:stream='" NS_STREAMS "'>",
                            domain (self),
                            tls ? " from='" : "", tls ? xmpp_jid_to_bare_string (self->jid) : "",
                            tls ? "'" : "");
  write_text (self, header);
}

static void
received_cb (XmppConnection *connection,
             gconstpointer   data,
             gsize           length,
             gpointer        user_data)
{
  g_autoptr(XmppClient) self = g_object_ref (user_data);
  g_autoptr(GError) error = NULL;

  if (connection != self->connection)
    return;

  self->last_received = g_get_monotonic_time ();
  g_clear_handle_id (&self->ping_deadline_source, g_source_remove);

  self->in_feed = TRUE;
  if (!xmpp_reader_feed (self->reader, data, length, &error) && self->connection == connection)
    {
      if (error->domain == XMPP_STREAM_ERROR)
        send_stream_error (self, error->code);
      self->in_feed = FALSE;
      fail_session (self, error);
      return;
    }
  self->in_feed = FALSE;

  if (self->connection != connection)
    return;

  if (self->starttls_pending)
    {
      self->starttls_pending = FALSE;
      xmpp_reader_reset (self->reader);
      xmpp_connection_start_tls_async (connection, NULL, start_tls_cb, g_object_ref (self));
    }
  else if (self->restart_pending)
    {
      self->restart_pending = FALSE;
      send_stream_header (self);
    }
}

static void
closed_cb (XmppConnection *connection,
           const GError   *error,
           gpointer        user_data)
{
  XmppClient *self = user_data;

  if (connection != self->connection)
    return;

  if (error != NULL)
    fail_session (self, (GError *) error);
  else
    fail_with (self, XMPP_ERROR, XMPP_ERROR_CONNECT, _("The server closed the connection"));
}

static void
connect_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(XmppClient) self = user_data;
  XmppConnection *connection = XMPP_CONNECTION (object);
  g_autoptr(GError) error = NULL;

  if (connection != self->connection)
    return;
  if (!xmpp_connection_connect_finish (connection, result, &error))
    {
      fail_connection_step (self, connection, error);
      return;
    }

  xmpp_connection_start_reading (connection);
  send_stream_header (self);
}

static void
drop_connection (XmppClient *self)
{
  g_autoptr(XmppConnection) connection = g_steal_pointer (&self->connection);

  if (connection == NULL)
    return;
  g_signal_handlers_disconnect_by_data (connection, self);
  if (self->flush_on_drop)
    xmpp_connection_close (connection);
  else
    xmpp_connection_abort (connection);
  self->flush_on_drop = FALSE;
}

static void
start_session (XmppClient *self)
{
  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  drop_connection (self);

  self->step = STEP_NONE;
  self->authenticated = FALSE;
  self->restart_pending = FALSE;
  self->starttls_pending = FALSE;
  g_clear_pointer (&self->features, xmpp_node_unref);
  g_clear_object (&self->peer_certificate);
  self->peer_certificate_errors = 0;
  /* A new connection does not continue the old stream's acks (only a
   * resumption does, through <resume h/>). */
  self->sm_enabled = FALSE;

  if (self->adopted_stream != NULL)
    self->connection = xmpp_connection_new_for_stream (domain (self), self->adopted_stream);
  else
    {
      self->connection = xmpp_connection_new (domain (self));
      if (self->host != NULL)
        xmpp_connection_set_host (self->connection, self->host, self->port, self->direct_tls);
      xmpp_connection_set_pinned_fingerprints (self->connection, (const char * const *) self->pins);
      if (self->tls_database != NULL)
        xmpp_connection_set_tls_database (self->connection, self->tls_database);
    }
  g_signal_connect (self->connection, "received", G_CALLBACK (received_cb), self);
  g_signal_connect (self->connection, "closed", G_CALLBACK (closed_cb), self);

  set_state (self, XMPP_CLIENT_CONNECTING);
  xmpp_connection_connect_async (self->connection, NULL, connect_cb, g_object_ref (self));
}

/* Errors after which trying again cannot help without the user. */
static gboolean
is_permanent (const GError *error)
{
  if (error->domain == XMPP_ERROR)
    return error->code == XMPP_ERROR_AUTH_FAILED ||
           error->code == XMPP_ERROR_AUTH_MECHANISM ||
           error->code == XMPP_ERROR_AUTH_PROTOCOL ||
           error->code == XMPP_ERROR_CERTIFICATE ||
           error->code == XMPP_ERROR_TLS_REQUIRED;
  if (error->domain == XMPP_STREAM_ERROR)
    return error->code == XMPP_STREAM_ERROR_CONFLICT ||
           error->code == XMPP_STREAM_ERROR_NOT_AUTHORIZED ||
           error->code == XMPP_STREAM_ERROR_HOST_UNKNOWN ||
           error->code == XMPP_STREAM_ERROR_INVALID_FROM;
  /* A TLS connection that dropped is a network fault like any other; only
   * a certificate we cannot trust needs the user. */
  return g_error_matches (error, G_TLS_ERROR, G_TLS_ERROR_BAD_CERTIFICATE);
}

static gboolean
reconnect_cb (gpointer user_data)
{
  XmppClient *self = user_data;

  self->reconnect_source = 0;
  start_session (self);
  return G_SOURCE_REMOVE;
}

/* Capped exponential backoff with jitter (SECURITY N3): about 1 s, 1.6 s,
 * 2.6 s, … up to a minute, each ±25 % so that many clients dropped at once
 * do not return at once. */
static guint
reconnect_delay_ms (guint attempts)
{
  double seconds = 1.0;

  for (guint i = 0; i < attempts && seconds < RECONNECT_CAP_S; i++)
    seconds *= 1.6;
  seconds = MIN (seconds, RECONNECT_CAP_S);

  return (guint) (seconds * 1000 * g_random_double_range (0.75, 1.25));
}

static void
fail_session (XmppClient *self,
              GError     *error)
{
  gboolean retry;
  gboolean was_online = self->step == STEP_ONLINE;

  g_debug ("%s: session failed: %s", xmpp_jid_to_bare_string (self->jid), error->message);

  g_clear_error (&self->error);
  self->error = g_error_copy (error);
  drop_connection (self);
  g_clear_handle_id (&self->ping_deadline_source, g_source_remove);
  self->step = STEP_NONE;

  retry = self->auto_reconnect && !is_permanent (error) && self->adopted_stream == NULL;
  if (!retry || !can_resume (self))
    {
      /* The session is gone for good: nothing in flight will be answered. */
      self->sm_enabled = FALSE;
      g_clear_pointer (&self->sm_id, g_free);
      hand_back_unacked (self);
      fail_pending_iqs (self);
    }

  if (retry)
    {
      guint delay = reconnect_delay_ms (was_online ? 0 : self->attempts);

      self->attempts = MIN (self->attempts + 1, 32);
      set_state (self, XMPP_CLIENT_WAITING);
      self->reconnect_source = g_timeout_add (delay, reconnect_cb, self);
      g_debug ("reconnecting in %u ms", delay);
    }
  else
    set_state (self, XMPP_CLIENT_DISCONNECTED);

  g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, error);
}

/* ------------------------------------------------------------------------
 * Liveness: idle pings, network changes
 * ------------------------------------------------------------------------ */

static gboolean
ping_deadline_cb (gpointer user_data)
{
  XmppClient *self = user_data;

  self->ping_deadline_source = 0;
  /* No answer: the socket is dead.  Drop it without </stream:stream> so
   * the session can be resumed (SECURITY N1). */
  fail_with (self, XMPP_ERROR, XMPP_ERROR_TIMEOUT, _("The server stopped answering"));
  return G_SOURCE_REMOVE;
}

/**
 * xmpp_client_check_connection:
 * @self: a client
 *
 * Checks that the server still answers, with an ack request or a ping; if
 * nothing arrives within ten seconds the connection is treated as dead and
 * the session resumed or re-established.  Called by itself on an idle
 * stream and after network changes; callers may add e.g. resume from
 * suspend.
 */
void
xmpp_client_check_connection (XmppClient *self)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));

  if (self->step != STEP_ONLINE || self->ping_deadline_source != 0)
    return;

  if (self->sm_enabled)
    write_text (self, "<r xmlns='" NS_SM "'/>");
  else
    {
      g_autofree char *id = g_uuid_string_random ();
      g_autofree char *ping = g_strdup_printf ("<iq type='get' id='%s'><ping xmlns='" NS_PING "'/></iq>", id);

      write_text (self, ping);
    }
  self->ping_deadline_source = g_timeout_add_seconds (PING_TIMEOUT_S, ping_deadline_cb, self);
}

static gboolean
idle_check_cb (gpointer user_data)
{
  XmppClient *self = user_data;

  if (self->step == STEP_ONLINE &&
      g_get_monotonic_time () - self->last_received > IDLE_BEFORE_PING_S * G_USEC_PER_SEC)
    xmpp_client_check_connection (self);
  return G_SOURCE_CONTINUE;
}

static void
network_changed_cb (GNetworkMonitor *monitor,
                    gboolean         available,
                    gpointer         user_data)
{
  XmppClient *self = user_data;

  if (!available)
    return;
  if (self->state == XMPP_CLIENT_WAITING)
    {
      /* A new network: try at once, and start the backoff over (N3). */
      self->attempts = 0;
      g_clear_handle_id (&self->reconnect_source, g_source_remove);
      start_session (self);
    }
  else if (self->state == XMPP_CLIENT_ONLINE)
    xmpp_client_check_connection (self);
}

/* ------------------------------------------------------------------------
 * GObject
 * ------------------------------------------------------------------------ */

static void
handler_clear (gpointer data)
{
  Handler *handler = data;

  if (handler->destroy != NULL)
    handler->destroy (handler->user_data);
}

static void
xmpp_client_dispose (GObject *object)
{
  XmppClient *self = XMPP_CLIENT (object);

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_handle_id (&self->ping_deadline_source, g_source_remove);
  if (self->network_monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->network_monitor, self);
  g_clear_object (&self->network_monitor);
  drop_connection (self);
  hand_back_unacked (self);
  if (self->iqs != NULL)
    fail_pending_iqs (self);
  g_clear_pointer (&self->handlers, g_array_unref);

  G_OBJECT_CLASS (xmpp_client_parent_class)->dispose (object);
}

static void
xmpp_client_finalize (GObject *object)
{
  XmppClient *self = XMPP_CLIENT (object);

  g_clear_pointer (&self->jid, xmpp_jid_unref);
  g_clear_pointer (&self->bound_jid, xmpp_jid_unref);
  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_clear_pointer (&self->password, g_free);
  g_clear_pointer (&self->host, g_free);
  g_clear_pointer (&self->pins, g_strfreev);
  g_clear_object (&self->tls_database);
  g_clear_object (&self->adopted_stream);
  g_clear_error (&self->error);
  g_clear_object (&self->peer_certificate);
  g_clear_object (&self->reader);
  g_clear_object (&self->sasl);
  g_clear_pointer (&self->features, xmpp_node_unref);
  g_clear_pointer (&self->bind_id, g_free);
  g_clear_pointer (&self->sm_id, g_free);
  g_clear_pointer (&self->iqs, g_hash_table_unref);
  g_clear_pointer (&self->client_features, g_ptr_array_unref);

  G_OBJECT_CLASS (xmpp_client_parent_class)->finalize (object);
}

static void
xmpp_client_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  XmppClient *self = XMPP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_JID:
      g_value_set_boxed (value, self->jid);
      break;
    case PROP_BOUND_JID:
      g_value_set_boxed (value, self->bound_jid);
      break;
    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;
    case PROP_RESUMED:
      g_value_set_boolean (value, self->resumed);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_client_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  XmppClient *self = XMPP_CLIENT (object);

  switch (prop_id)
    {
    case PROP_JID:
      self->jid = g_value_dup_boxed (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_client_class_init (XmppClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = xmpp_client_dispose;
  object_class->finalize = xmpp_client_finalize;
  object_class->get_property = xmpp_client_get_property;
  object_class->set_property = xmpp_client_set_property;

  /**
   * XmppClient:jid:
   *
   * The account's JID; its resource, if any, is the one asked for at bind.
   */
  properties[PROP_JID] =
    g_param_spec_boxed ("jid", NULL, NULL, XMPP_TYPE_JID,
                        G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppClient:bound-jid:
   *
   * The full JID the server bound for this session, or %NULL.
   */
  properties[PROP_BOUND_JID] =
    g_param_spec_boxed ("bound-jid", NULL, NULL, XMPP_TYPE_JID,
                        G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppClient:state:
   *
   * Where the session is.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL, XMPP_TYPE_CLIENT_STATE, XMPP_CLIENT_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppClient:resumed:
   *
   * Whether the current session continues an earlier one (XEP-0198).
   */
  properties[PROP_RESUMED] =
    g_param_spec_boolean ("resumed", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XmppClient::online:
   * @self: the client
   * @resumed: %TRUE if an earlier session was resumed, so nothing was lost
   *   and nothing needs to be fetched again
   *
   * Stanzas can flow.  After a fresh session (@resumed %FALSE), modules
   * send what a session starts with: carbons, presence, catch-up.
   */
  signals[SIGNAL_ONLINE] =
    g_signal_new ("online", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);

  /**
   * XmppClient::disconnected:
   * @self: the client
   * @error: (nullable): why, or %NULL after xmpp_client_disconnect()
   *
   * The connection ended.  #XmppClient:state tells whether a reconnection
   * is scheduled (%XMPP_CLIENT_WAITING).
   */
  signals[SIGNAL_DISCONNECTED] =
    g_signal_new ("disconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR);
}

static void
xmpp_client_init (XmppClient *self)
{
  self->auto_reconnect = TRUE;
  self->active = TRUE;
  self->iq_timeout = DEFAULT_IQ_TIMEOUT_S;
  self->reader = xmpp_reader_new (&reader_callbacks, self, NULL);
  self->iqs = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) pending_iq_free);
  self->handlers = g_array_new (FALSE, TRUE, sizeof (Handler));
  g_array_set_clear_func (self->handlers, handler_clear);
  self->client_features = g_ptr_array_new_with_free_func (g_free);
  g_queue_init (&self->unacked);

  xmpp_client_add_handler (self, "iq", "ping", NS_PING, ping_handler, NULL, NULL);
  xmpp_client_add_feature (self, NS_PING);
}

/**
 * xmpp_client_new:
 * @jid: the account's JID; a resource in it is the one asked for
 *
 * Returns: (transfer full): a disconnected client
 */
XmppClient *
xmpp_client_new (XmppJid *jid)
{
  g_return_val_if_fail (jid != NULL, NULL);
  g_return_val_if_fail (xmpp_jid_get_localpart (jid) != NULL, NULL);

  return g_object_new (XMPP_TYPE_CLIENT, "jid", jid, NULL);
}

/* ------------------------------------------------------------------------
 * Public API
 * ------------------------------------------------------------------------ */

/** xmpp_client_get_jid: @self: a client  Returns: (transfer none): the account's JID */
XmppJid *
xmpp_client_get_jid (XmppClient *self)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), NULL);
  return self->jid;
}

/** xmpp_client_get_bound_jid: @self: a client  Returns: (transfer none) (nullable): the bound full JID */
XmppJid *
xmpp_client_get_bound_jid (XmppClient *self)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), NULL);
  return self->bound_jid;
}

/** xmpp_client_get_state: @self: a client  Returns: the session's state */
XmppClientState
xmpp_client_get_state (XmppClient *self)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), XMPP_CLIENT_DISCONNECTED);
  return self->state;
}

/** xmpp_client_get_error: @self: a client  Returns: (nullable): the last failure */
const GError *
xmpp_client_get_error (XmppClient *self)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), NULL);
  return self->error;
}

/**
 * xmpp_client_get_peer_certificate:
 * @self: a client
 *
 * After a failure with %XMPP_ERROR_CERTIFICATE, the certificate that was
 * not trusted, so the user can inspect it and pin its fingerprint.
 *
 * Returns: (transfer none) (nullable): the certificate
 */
GTlsCertificate *
xmpp_client_get_peer_certificate (XmppClient *self)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), NULL);
  return self->peer_certificate;
}

/** xmpp_client_get_peer_certificate_errors: @self: a client  Returns: why the certificate was not trusted */
GTlsCertificateFlags
xmpp_client_get_peer_certificate_errors (XmppClient *self)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), 0);
  return self->peer_certificate_errors;
}

/** xmpp_client_get_resumed: @self: a client  Returns: whether the session was resumed */
gboolean
xmpp_client_get_resumed (XmppClient *self)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), FALSE);
  return self->resumed;
}

/** xmpp_client_get_stream_management: @self: a client  Returns: whether XEP-0198 is on */
gboolean
xmpp_client_get_stream_management (XmppClient *self)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), FALSE);
  return self->sm_enabled;
}

/** xmpp_client_get_mechanism: @self: a client  Returns: (nullable): the SASL mechanism last used */
const char *
xmpp_client_get_mechanism (XmppClient *self)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), NULL);
  return self->sasl != NULL ? xmpp_sasl_get_mechanism (self->sasl) : NULL;
}

/** xmpp_client_set_password: @self: a client @password: the password */
void
xmpp_client_set_password (XmppClient *self,
                          const char *password)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));

  if (self->password != NULL)
    memset (self->password, 0, strlen (self->password));
  g_free (self->password);
  self->password = g_strdup (password);
}

/**
 * xmpp_client_set_host:
 * @self: a client
 * @host: (nullable): a host name or address, %NULL to use DNS SRV
 * @port: its port
 * @direct_tls: whether TLS starts at once (XEP-0368) rather than by STARTTLS
 *
 * Overrides where to connect.  The certificate is still checked against
 * the account's domain.
 */
void
xmpp_client_set_host (XmppClient *self,
                      const char *host,
                      guint16     port,
                      gboolean    direct_tls)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));

  g_free (self->host);
  self->host = g_strdup (host);
  self->port = port;
  self->direct_tls = direct_tls;
}

/**
 * xmpp_client_set_allow_plaintext:
 * @self: a client
 * @allow: whether a server without TLS is acceptable
 *
 * Off by default: a server that offers no STARTTLS is refused.  PLAIN is
 * never used without TLS either way.
 */
void
xmpp_client_set_allow_plaintext (XmppClient *self,
                                 gboolean    allow)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));
  self->allow_plaintext = allow;
}

/**
 * xmpp_client_set_pinned_fingerprints:
 * @self: a client
 * @fingerprints: (nullable): SHA-256 fingerprints of certificates the user accepted
 */
void
xmpp_client_set_pinned_fingerprints (XmppClient         *self,
                                     const char * const *fingerprints)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));

  g_strfreev (self->pins);
  self->pins = g_strdupv ((char **) fingerprints);
}

/**
 * xmpp_client_set_tls_database:
 * @self: a client
 * @database: (nullable): the trust store, %NULL for the system's
 */
void
xmpp_client_set_tls_database (XmppClient   *self,
                              GTlsDatabase *database)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));
  g_set_object (&self->tls_database, database);
}

/**
 * xmpp_client_set_minimum_mechanism:
 * @self: a client
 * @mechanism: (nullable): the weakest SASL mechanism to accept, e.g.
 *   the strongest one this account has seen before (downgrade protection)
 */
void
xmpp_client_set_minimum_mechanism (XmppClient *self,
                                   const char *mechanism)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));
  self->minimum_mechanism = mechanism != NULL ? xmpp_sasl_mechanism_from_string (mechanism) : 0;
}

/**
 * xmpp_client_set_auto_reconnect:
 * @self: a client
 * @auto_reconnect: whether to reconnect by itself after a failure
 *
 * On by default.  Failures that need the user (wrong password, untrusted
 * certificate, no TLS) never reconnect by themselves.
 */
void
xmpp_client_set_auto_reconnect (XmppClient *self,
                                gboolean    auto_reconnect)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));
  self->auto_reconnect = auto_reconnect;
}

/**
 * xmpp_client_set_stream:
 * @self: a client
 * @stream: (nullable): an established stream to use instead of connecting
 *
 * For tests that need input a real server cannot produce: the client
 * speaks XMPP over @stream (e.g. one end of a socket pair).
 */
void
xmpp_client_set_stream (XmppClient *self,
                        GIOStream  *stream)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));
  g_set_object (&self->adopted_stream, stream);
}

/**
 * xmpp_client_set_iq_timeout:
 * @self: a client
 * @seconds: how long an iq may wait for its answer
 */
void
xmpp_client_set_iq_timeout (XmppClient *self,
                            guint       seconds)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));
  g_return_if_fail (seconds > 0);
  self->iq_timeout = seconds;
}

/**
 * xmpp_client_connect:
 * @self: a client
 *
 * Starts connecting; #XmppClient:state and the #XmppClient::online and
 * #XmppClient::disconnected signals report how it goes.
 */
void
xmpp_client_connect (XmppClient *self)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));

  if (self->state != XMPP_CLIENT_DISCONNECTED && self->state != XMPP_CLIENT_WAITING)
    return;

  g_clear_error (&self->error);
  self->attempts = 0;
  if (self->network_monitor == NULL)
    {
      self->network_monitor = g_object_ref (g_network_monitor_get_default ());
      g_signal_connect (self->network_monitor, "network-changed", G_CALLBACK (network_changed_cb), self);
    }
  if (self->idle_source == 0)
    self->idle_source = g_timeout_add_seconds (IDLE_CHECK_INTERVAL_S, idle_check_cb, self);
  start_session (self);
}

/**
 * xmpp_client_disconnect:
 * @self: a client
 *
 * Ends the session cleanly (`</stream:stream>`, which also ends stream
 * management) and does not reconnect.  Stanzas the server has not
 * confirmed are handed back to their senders.
 */
void
xmpp_client_disconnect (XmppClient *self)
{
  g_autoptr(XmppConnection) connection = NULL;

  g_return_if_fail (XMPP_IS_CLIENT (self));

  g_clear_handle_id (&self->reconnect_source, g_source_remove);
  g_clear_handle_id (&self->idle_source, g_source_remove);
  g_clear_handle_id (&self->ping_deadline_source, g_source_remove);

  connection = g_steal_pointer (&self->connection);
  if (connection != NULL)
    {
      g_signal_handlers_disconnect_by_data (connection, self);
      if (self->step == STEP_ONLINE && self->sm_enabled)
        {
          g_autofree char *ack = g_strdup_printf ("<a xmlns='" NS_SM "' h='%u'/>", self->inbound_h);

          xmpp_connection_send (connection, ack, -1);
        }
      xmpp_connection_send (connection, "</stream:stream>", -1);
      xmpp_connection_close (connection);
    }

  self->step = STEP_NONE;
  self->sm_enabled = FALSE;
  g_clear_pointer (&self->sm_id, g_free);
  hand_back_unacked (self);
  fail_pending_iqs (self);

  if (self->state != XMPP_CLIENT_DISCONNECTED)
    {
      set_state (self, XMPP_CLIENT_DISCONNECTED);
      g_signal_emit (self, signals[SIGNAL_DISCONNECTED], 0, NULL);
    }
}

/**
 * xmpp_client_set_active:
 * @self: a client
 * @active: whether the user is looking (XEP-0352)
 *
 * Tells the server whether to deliver everything at once or to hold back
 * what is not urgent.
 */
void
xmpp_client_set_active (XmppClient *self,
                        gboolean    active)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));

  active = !!active;
  if (self->active == active)
    return;
  self->active = active;
  if (self->step == STEP_ONLINE && xmpp_client_server_has_feature (self, "csi", NS_CSI))
    write_text (self, active ? "<active xmlns='" NS_CSI "'/>" : "<inactive xmlns='" NS_CSI "'/>");
}

/**
 * xmpp_client_send_async:
 * @self: a client
 * @stanza: a message, presence or iq in `jabber:client`
 * @cancellable: (nullable): a #GCancellable
 * @callback: (nullable): called when the server has confirmed the stanza
 * @user_data: data for @callback
 *
 * Sends @stanza.  With stream management the operation completes only when
 * the server acknowledges the stanza ("sent" means acked); it fails with
 * %XMPP_ERROR_NOT_CONNECTED when the session ends before that and cannot
 * be resumed, so the caller can send it again in the next session.  While
 * a resumable session is reconnecting, stanzas wait and go out on
 * resumption.  Without stream management it completes once written.
 */
void
xmpp_client_send_async (XmppClient          *self,
                        XmppNode            *stanza,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (XMPP_IS_CLIENT (self));
  g_return_if_fail (stanza != NULL);

  if (callback != NULL)
    {
      task = g_task_new (self, cancellable, callback, user_data);
      g_task_set_source_tag (task, xmpp_client_send_async);
    }

  if (self->step == STEP_SM_ENABLE)
    {
      /* Counted by the server already: kept until it acknowledges them,
       * which is asked for once <enabled/> arrives. */
      enqueue (self, stanza, task);
      write_item (self, g_queue_peek_tail (&self->unacked));
    }
  else if (self->step == STEP_ONLINE)
    {
      if (self->sm_enabled)
        {
          enqueue (self, stanza, task);
          write_item (self, g_queue_peek_tail (&self->unacked));
          queue_ack_request (self);
        }
      else
        {
          write_node (self, stanza);
          if (task != NULL)
            g_task_return_boolean (task, TRUE);
        }
    }
  else if (can_resume (self))
    enqueue (self, stanza, task);
  else if (task != NULL)
    g_task_return_new_error (task, XMPP_ERROR, XMPP_ERROR_NOT_CONNECTED, _("Not connected"));
  else
    g_debug ("dropping a %s sent while offline", xmpp_node_get_name (stanza));
}

/**
 * xmpp_client_send_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Returns: %TRUE if the server confirmed the stanza
 */
gboolean
xmpp_client_send_finish (XmppClient    *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * xmpp_client_send:
 * @self: a client
 * @stanza: a stanza
 *
 * Sends @stanza without waiting for confirmation.
 */
void
xmpp_client_send (XmppClient *self,
                  XmppNode   *stanza)
{
  xmpp_client_send_async (self, stanza, NULL, NULL, NULL);
}

/**
 * xmpp_client_iq_async:
 * @self: a client
 * @iq: an iq of type get or set; an `id` is added if it has none
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Sends a request and waits for its answer, accepted only from the entity
 * the request went to (SECURITY row 7).
 */
void
xmpp_client_iq_async (XmppClient          *self,
                      XmppNode            *iq,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  PendingIq *pending;
  const char *to;

  g_return_if_fail (XMPP_IS_CLIENT (self));
  g_return_if_fail (iq != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_client_iq_async);

  if (self->step != STEP_ONLINE && !can_resume (self))
    {
      g_task_return_new_error (task, XMPP_ERROR, XMPP_ERROR_NOT_CONNECTED, _("Not connected"));
      return;
    }

  pending = g_new0 (PendingIq, 1);
  pending->client = self;
  to = xmpp_node_get_attribute (iq, "to");
  if (to != NULL && (pending->to = xmpp_jid_new (to, &error)) == NULL)
    {
      pending_iq_free (pending);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Unpredictable ids, so answers cannot be guessed (SECURITY row 7). */
  if (xmpp_node_get_attribute (iq, "id") == NULL)
    {
      g_autofree char *id = g_uuid_string_random ();

      xmpp_node_set_attribute (iq, "id", id);
    }
  pending->id = g_strdup (xmpp_node_get_attribute (iq, "id"));
  pending->task = g_steal_pointer (&task);
  pending->timeout_id = g_timeout_add (self->iq_timeout * 1000, iq_timeout_cb, pending);
  g_hash_table_replace (self->iqs, pending->id, pending);
  if (cancellable != NULL)
    {
      pending->cancellable = g_object_ref (cancellable);
      pending->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (iq_cancelled_cb), pending, NULL);
    }

  xmpp_client_send (self, iq);
}

/**
 * xmpp_client_iq_finish:
 * @self: a client
 * @result: the result passed to the callback
 * @error: return location for an error: %XMPP_ERROR_STANZA for an error
 *   answer (its message starts with the condition), %XMPP_ERROR_TIMEOUT,
 *   %XMPP_ERROR_NOT_CONNECTED
 *
 * Returns: (transfer full): the result iq
 */
XmppNode *
xmpp_client_iq_finish (XmppClient    *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/**
 * xmpp_client_add_handler:
 * @self: a client
 * @stanza_name: (nullable): `message`, `presence` or `iq`; %NULL for any
 * @child_name: (nullable): a child element the stanza must have
 * @child_xmlns: (nullable): that child's namespace
 * @handler: called for matching stanzas
 * @user_data: data for @handler
 * @destroy: (nullable): frees @user_data when the handler is removed
 *
 * Handlers run in the order they were added until one returns %TRUE.
 * Only stanzas whose `from` and `to` are valid JIDs reach them; iq
 * answers never do (they go to xmpp_client_iq_async()'s caller).
 *
 * Returns: an id for xmpp_client_remove_handler()
 */
guint
xmpp_client_add_handler (XmppClient        *self,
                         const char        *stanza_name,
                         const char        *child_name,
                         const char        *child_xmlns,
                         XmppStanzaHandler  handler,
                         gpointer           user_data,
                         GDestroyNotify     destroy)
{
  Handler entry = { 0, };

  g_return_val_if_fail (XMPP_IS_CLIENT (self), 0);
  g_return_val_if_fail (handler != NULL, 0);

  entry.id = ++self->next_handler_id;
  entry.stanza_name = stanza_name != NULL ? g_intern_string (stanza_name) : NULL;
  entry.child_name = child_name != NULL ? g_intern_string (child_name) : NULL;
  entry.child_xmlns = child_xmlns != NULL ? g_intern_string (child_xmlns) : NULL;
  entry.func = handler;
  entry.user_data = user_data;
  entry.destroy = destroy;
  g_array_append_val (self->handlers, entry);

  return entry.id;
}

/**
 * xmpp_client_remove_handler:
 * @self: a client
 * @handler_id: an id from xmpp_client_add_handler()
 */
void
xmpp_client_remove_handler (XmppClient *self,
                            guint       handler_id)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));

  if (self->handlers == NULL)
    return;
  for (guint i = 0; i < self->handlers->len; i++)
    {
      Handler *handler = &g_array_index (self->handlers, Handler, i);

      if (handler->id == handler_id && handler->func != NULL)
        {
          handler->func = NULL;
          if (handler->destroy != NULL)
            handler->destroy (handler->user_data);
          handler->destroy = NULL;
          break;
        }
    }
  compact_handlers (self);
}

/**
 * xmpp_client_add_feature:
 * @self: a client
 * @feature: a disco feature (XEP-0030) this client supports
 */
void
xmpp_client_add_feature (XmppClient *self,
                         const char *feature)
{
  g_return_if_fail (XMPP_IS_CLIENT (self));
  g_return_if_fail (feature != NULL);

  for (guint i = 0; i < self->client_features->len; i++)
    if (g_str_equal (g_ptr_array_index (self->client_features, i), feature))
      return;
  g_ptr_array_add (self->client_features, g_strdup (feature));
}

static int
compare_strings (const void *a,
                 const void *b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/**
 * xmpp_client_dup_features:
 * @self: a client
 *
 * Returns: (transfer full): the features this client advertises, sorted
 */
GStrv
xmpp_client_dup_features (XmppClient *self)
{
  GStrv features;

  g_return_val_if_fail (XMPP_IS_CLIENT (self), NULL);

  features = g_new0 (char *, self->client_features->len + 1);
  for (guint i = 0; i < self->client_features->len; i++)
    features[i] = g_strdup (g_ptr_array_index (self->client_features, i));
  qsort (features, self->client_features->len, sizeof (char *), compare_strings);
  return features;
}

/**
 * xmpp_client_server_has_feature:
 * @self: a client
 * @name: an element name in the stream features
 * @xmlns: its namespace
 *
 * Returns: %TRUE if the server's latest stream features contain the element
 */
gboolean
xmpp_client_server_has_feature (XmppClient *self,
                                const char *name,
                                const char *xmlns)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (self), FALSE);

  return self->features != NULL && xmpp_node_get_child (self->features, name, xmlns) != NULL;
}

/**
 * xmpp_client_is_from_account:
 * @self: a client
 * @stanza: a received stanza
 *
 * The origin check for payloads only our own account may send (roster
 * pushes, carbons, own PEP, SECURITY rows 1, 6, 11): %TRUE if @stanza has
 * no `from` or comes from our bare JID, compared as prepared JIDs.
 *
 * Returns: whether @stanza came from our own account
 */
gboolean
xmpp_client_is_from_account (XmppClient *self,
                             XmppNode   *stanza)
{
  const char *from;
  g_autoptr(XmppJid) jid = NULL;

  g_return_val_if_fail (XMPP_IS_CLIENT (self), FALSE);
  g_return_val_if_fail (stanza != NULL, FALSE);

  from = xmpp_node_get_attribute (stanza, "from");
  if (from == NULL)
    return TRUE;
  jid = xmpp_jid_new (from, NULL);
  return jid != NULL && xmpp_jid_is_bare (jid) && xmpp_jid_equal_bare (jid, self->jid);
}
