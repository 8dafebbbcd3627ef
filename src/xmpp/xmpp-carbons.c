/* xmpp-carbons.c: XEP-0280 Message Carbons 1.0 (urn:xmpp:carbons:2)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "xmpp-carbons.h"

#include <glib/gi18n-lib.h>

#include "xmpp-carbons-private.h"
#include "xmpp-error.h"
#include "xmpp-message-private.h"

/**
 * XmppCarbons:
 *
 * Message Carbons for one account: copies of the messages the account's
 * other sessions send and receive.
 *
 * Enabling is the caller's: on a fresh #XmppClient::online (not a resumed
 * one, which keeps the state), call xmpp_carbons_enable_async() before
 * the initial presence, so that no message falls between the archive
 * catch-up and live delivery (XEP-0280 §6; SECURITY I5).
 *
 * A carbon is the message of its `<forwarded/>` and is emitted, with the
 * provenance %XMPP_MESSAGE_PROVENANCE_CARBON_SENT or
 * %XMPP_MESSAGE_PROVENANCE_CARBON_RECEIVED, on the #XmppMessages module
 * given at creation, the same signal live messages use (SECURITY I3).
 * Only the own account may send carbons (XEP-0280 §11): a wrapper whose
 * `from` is not absent or the own bare JID, compared as prepared JIDs, is
 * dropped, the own full JID included (CVE-2017-5589 and its siblings,
 * CVE-2019-16235, CVE-2020-26547; SECURITY row 1).  So are wrappers of
 * type `groupchat` (row 3) and wrappers without a forwarded message
 * (row 4).  The inner message is not checked against the own account: its
 * sender is whoever the server says (row 2).  A `<private/>` element is a
 * hint, not a carbon, and is left to the message module.  Carbons of
 * private messages in rooms are marked (xmpp_message_get_muc_private(),
 * row 5).
 *
 * The module holds a strong reference to its message module (and through
 * it the client); the client holds none to it.
 */
struct _XmppCarbons
{
  GObject       parent_instance;

  XmppMessages *messages;
  XmppClient   *client;
  guint         sent_handler;
  guint         received_handler;
  gboolean      enabled;
  guint         n_dropped;
};

G_DEFINE_FINAL_TYPE (XmppCarbons, xmpp_carbons, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_MESSAGES,
  PROP_ENABLED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
set_enabled (XmppCarbons *self,
             gboolean     enabled)
{
  if (self->enabled == enabled)
    return;
  self->enabled = enabled;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);
}

XmppMessage *
xmpp_carbons_unwrap (XmppClient  *client,
                     XmppNode    *stanza,
                     const char  *language,
                     GError     **error)
{
  XmppMessageContext context = { XMPP_MESSAGE_PROVENANCE_CARBON_RECEIVED, NULL, NULL, NULL, NULL };
  XmppNode *sent;
  XmppNode *received;
  XmppNode *wrapper;
  XmppNode *forwarded;
  XmppNode *inner;
  XmppNode *delay;
  g_autoptr(GDateTime) stamp = NULL;

  g_return_val_if_fail (XMPP_IS_CLIENT (client), NULL);
  g_return_val_if_fail (stanza != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  sent = xmpp_node_get_child (stanza, "sent", XMPP_NS_CARBONS);
  received = xmpp_node_get_child (stanza, "received", XMPP_NS_CARBONS);
  if ((sent == NULL) == (received == NULL))
    {
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                           _("A carbon must be either sent or received"));
      return NULL;
    }

  /* XEP-0280 §11: the check that CVE-2017-5589 and friends lacked.  It is
   * on the wrapper only; the forwarded message names its own sender. */
  if (!xmpp_client_is_from_account (client, stanza))
    {
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                           _("A carbon from someone other than the own account"));
      return NULL;
    }
  if (g_strcmp0 (xmpp_node_get_attribute (stanza, "type"), "groupchat") == 0)
    {
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                           _("A carbon in a groupchat message"));
      return NULL;
    }

  wrapper = sent != NULL ? sent : received;
  forwarded = xmpp_node_get_child (wrapper, "forwarded", XMPP_NS_FORWARD);
  inner = forwarded != NULL ? xmpp_node_get_child (forwarded, "message", XMPP_NS_CLIENT) : NULL;
  if (inner == NULL)
    {
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                           _("A carbon without a forwarded message"));
      return NULL;
    }

  /* A forwarded stanza may say when the forwarder first saw it
   * (XEP-0297 §3); it is the server's word, as good as the carbon. */
  delay = xmpp_node_get_child (forwarded, "delay", XMPP_NS_DELAY);
  if (delay != NULL)
    stamp = xmpp_message_parse_stamp (xmpp_node_get_attribute (delay, "stamp"));
  context.provenance = sent != NULL ? XMPP_MESSAGE_PROVENANCE_CARBON_SENT
                                    : XMPP_MESSAGE_PROVENANCE_CARBON_RECEIVED;
  context.stamp = stamp;

  return xmpp_message_parse_full (inner, language, &context, error);
}

gboolean
xmpp_carbons_handle_message (XmppCarbons *self,
                             XmppNode    *stanza)
{
  g_autoptr(XmppMessage) message = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (XMPP_IS_CARBONS (self), FALSE);
  g_return_val_if_fail (stanza != NULL, FALSE);

  if (self->client == NULL)
    return FALSE;

  message = xmpp_carbons_unwrap (self->client, stanza,
                                 xmpp_messages_get_language (self->messages), &error);
  if (message == NULL)
    {
      /* Handled: nobody else may read a spoofed carbon as a message. */
      self->n_dropped++;
      g_debug ("carbons: dropping a carbon from %s: %s",
               xmpp_node_get_attribute (stanza, "from") != NULL
                 ? xmpp_node_get_attribute (stanza, "from") : "(the account)",
               error->message);
      return TRUE;
    }

  xmpp_messages_deliver (self->messages, message);
  return TRUE;
}

guint
xmpp_carbons_get_n_dropped (XmppCarbons *self)
{
  g_return_val_if_fail (XMPP_IS_CARBONS (self), 0);

  return self->n_dropped;
}

static gboolean
carbons_message_cb (XmppClient *client,
                    XmppNode   *stanza,
                    gpointer    user_data)
{
  return xmpp_carbons_handle_message (XMPP_CARBONS (user_data), stanza);
}

static void
carbons_online_cb (XmppClient *client,
                   gboolean    resumed,
                   gpointer    user_data)
{
  XmppCarbons *self = XMPP_CARBONS (user_data);

  /* Carbons belong to a session: a new one starts without them. */
  if (!resumed)
    set_enabled (self, FALSE);
}

static void
xmpp_carbons_constructed (GObject *object)
{
  XmppCarbons *self = XMPP_CARBONS (object);

  G_OBJECT_CLASS (xmpp_carbons_parent_class)->constructed (object);

  g_assert (XMPP_IS_MESSAGES (self->messages));
  self->client = g_object_ref (xmpp_messages_get_client (self->messages));

  /* By name: <private/> shares the namespace and is not a carbon. */
  self->sent_handler = xmpp_client_add_handler (self->client, "message", "sent", XMPP_NS_CARBONS,
                                                carbons_message_cb, self, NULL);
  self->received_handler = xmpp_client_add_handler (self->client, "message", "received",
                                                    XMPP_NS_CARBONS, carbons_message_cb, self,
                                                    NULL);
  g_signal_connect_object (self->client, "online", G_CALLBACK (carbons_online_cb), self,
                           G_CONNECT_DEFAULT);
}

static void
xmpp_carbons_dispose (GObject *object)
{
  XmppCarbons *self = XMPP_CARBONS (object);

  if (self->client != NULL)
    {
      if (self->sent_handler != 0)
        xmpp_client_remove_handler (self->client, self->sent_handler);
      if (self->received_handler != 0)
        xmpp_client_remove_handler (self->client, self->received_handler);
      g_signal_handlers_disconnect_by_data (self->client, self);
    }
  self->sent_handler = 0;
  self->received_handler = 0;
  g_clear_object (&self->client);
  g_clear_object (&self->messages);

  G_OBJECT_CLASS (xmpp_carbons_parent_class)->dispose (object);
}

static void
xmpp_carbons_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  XmppCarbons *self = XMPP_CARBONS (object);

  switch (prop_id)
    {
    case PROP_MESSAGES:
      g_value_set_object (value, self->messages);
      break;

    case PROP_ENABLED:
      g_value_set_boolean (value, self->enabled);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_carbons_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  XmppCarbons *self = XMPP_CARBONS (object);

  switch (prop_id)
    {
    case PROP_MESSAGES:
      self->messages = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_carbons_class_init (XmppCarbonsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = xmpp_carbons_constructed;
  object_class->dispose = xmpp_carbons_dispose;
  object_class->get_property = xmpp_carbons_get_property;
  object_class->set_property = xmpp_carbons_set_property;

  /**
   * XmppCarbons:messages:
   *
   * The message module carbons are emitted on.
   */
  properties[PROP_MESSAGES] =
    g_param_spec_object ("messages", NULL, NULL,
                         XMPP_TYPE_MESSAGES,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * XmppCarbons:enabled:
   *
   * Whether the server confirmed carbons for the current session.  A new
   * session (not a resumed one) starts without.
   */
  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
xmpp_carbons_init (XmppCarbons *self)
{
}

/**
 * xmpp_carbons_new:
 * @messages: the message module of the client, on which carbons are emitted
 *
 * Creates the carbons module and registers its handlers at once.
 *
 * Returns: (transfer full): a new #XmppCarbons
 */
XmppCarbons *
xmpp_carbons_new (XmppMessages *messages)
{
  g_return_val_if_fail (XMPP_IS_MESSAGES (messages), NULL);
  g_return_val_if_fail (xmpp_messages_get_client (messages) != NULL, NULL);

  return g_object_new (XMPP_TYPE_CARBONS, "messages", messages, NULL);
}

/**
 * xmpp_carbons_get_messages:
 * @self: a carbons module
 *
 * Returns: (transfer none) (nullable): the message module, or %NULL once
 *   @self is disposed
 */
XmppMessages *
xmpp_carbons_get_messages (XmppCarbons *self)
{
  g_return_val_if_fail (XMPP_IS_CARBONS (self), NULL);

  return self->messages;
}

/**
 * xmpp_carbons_get_enabled:
 * @self: a carbons module
 *
 * Returns: whether carbons are enabled in the current session
 */
gboolean
xmpp_carbons_get_enabled (XmppCarbons *self)
{
  g_return_val_if_fail (XMPP_IS_CARBONS (self), FALSE);

  return self->enabled;
}

static void
enable_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(XmppNode) reply = NULL;
  GError *error = NULL;

  reply = xmpp_client_iq_finish (XMPP_CLIENT (object), result, &error);
  if (reply == NULL)
    {
      g_task_return_error (task, error);
      return;
    }

  set_enabled (g_task_get_source_object (task), TRUE);
  g_task_return_boolean (task, TRUE);
}

/**
 * xmpp_carbons_enable_async:
 * @self: a carbons module
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server has answered
 * @user_data: data for @callback
 *
 * Asks the server for carbons in this session (XEP-0280 §4).  Call it on
 * each #XmppClient::online that did not resume a session, before sending
 * the initial presence.
 */
void
xmpp_carbons_enable_async (XmppCarbons         *self,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XmppNode) iq = NULL;

  g_return_if_fail (XMPP_IS_CARBONS (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_carbons_enable_async);

  if (self->client == NULL)
    {
      g_task_return_new_error (task, XMPP_ERROR, XMPP_ERROR_NOT_CONNECTED,
                               "%s", _("Carbons are no longer attached to an account"));
      return;
    }

  iq = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "set", NULL);
  xmpp_node_add_child (iq, "enable", XMPP_NS_CARBONS);
  xmpp_client_iq_async (self->client, iq, cancellable, enable_cb, g_steal_pointer (&task));
}

/**
 * xmpp_carbons_enable_finish:
 * @self: a carbons module
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the server enabled carbons; otherwise @error is set,
 *   to %XMPP_ERROR_STANZA if it refused
 */
gboolean
xmpp_carbons_enable_finish (XmppCarbons   *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (XMPP_IS_CARBONS (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xmpp_carbons_enable_async,
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
