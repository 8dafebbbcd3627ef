/* xmpp-blocking.c: the blocklist (XEP-0191 Blocking Command 1.3)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The server keeps the list and enforces it; this module mirrors it so the
 * interface can show who is blocked, fetching it on every fresh session and
 * following the pushes the server sends when another of our devices
 * changes it.  A push is honoured only from our own account (SECURITY
 * row 6: the same rule as roster pushes); from anyone else it is refused.
 */
#include "config.h"

#include "xmpp-blocking.h"



struct _XmppBlocking
{
  GObject parent_instance;

  XmppClient *client;
  guint block_handler;
  guint unblock_handler;
  GCancellable *cancellable;

  GHashTable *items;     /* prepared JID string → XmppJid */
  gboolean loaded;
};

G_DEFINE_FINAL_TYPE (XmppBlocking, xmpp_blocking, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_LOADED,
  N_PROPS
};

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
add_item (XmppBlocking *self,
          XmppJid      *jid)
{
  g_hash_table_replace (self->items, (char *) xmpp_jid_to_string (jid), xmpp_jid_ref (jid));
}

/* Reads the <item jid='…'/> children; invalid JIDs are skipped. */
static GPtrArray *
parse_items (XmppNode *list)
{
  GPtrArray *jids = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_jid_unref);

  for (guint i = 0; i < xmpp_node_get_n_children (list); i++)
    {
      XmppNode *item = xmpp_node_get_child_at (list, i);
      XmppJid *jid;

      if (!xmpp_node_is (item, "item", XMPP_NS_BLOCKING))
        continue;
      jid = xmpp_jid_new (xmpp_node_get_attribute (item, "jid") != NULL
                          ? xmpp_node_get_attribute (item, "jid") : "", NULL);
      if (jid != NULL)
        g_ptr_array_add (jids, jid);
      else
        g_debug ("blocklist: skipping an invalid JID");
    }
  return jids;
}

static void
set_loaded (XmppBlocking *self)
{
  if (self->loaded)
    return;
  self->loaded = TRUE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADED]);
}

static gboolean
push_handler (XmppClient *client,
              XmppNode   *stanza,
              gpointer    user_data)
{
  XmppBlocking *self = user_data;
  XmppNode *block = xmpp_node_get_child (stanza, "block", XMPP_NS_BLOCKING);
  XmppNode *unblock = xmpp_node_get_child (stanza, "unblock", XMPP_NS_BLOCKING);
  g_autoptr(GPtrArray) jids = NULL;
  g_autoptr(XmppNode) reply = NULL;

  if (g_strcmp0 (xmpp_node_get_attribute (stanza, "type"), "set") != 0)
    return FALSE;
  /* Only our own server may tell us what we blocked. */
  if (!xmpp_client_is_from_account (client, stanza))
    {
      g_debug ("blocklist: ignoring a push from %s", xmpp_node_get_attribute (stanza, "from"));
      return FALSE;
    }

  jids = parse_items (block != NULL ? block : unblock);
  if (block != NULL)
    for (guint i = 0; i < jids->len; i++)
      add_item (self, g_ptr_array_index (jids, i));
  else if (jids->len == 0)
    g_hash_table_remove_all (self->items);
  else
    for (guint i = 0; i < jids->len; i++)
      g_hash_table_remove (self->items, xmpp_jid_to_string (g_ptr_array_index (jids, i)));

  reply = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                           "type", "result",
                           "id", xmpp_node_get_attribute (stanza, "id"),
                           "to", xmpp_node_get_attribute (stanza, "from"),
                           NULL);
  xmpp_client_send (client, reply);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(XmppNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) jids = NULL;
  XmppBlocking *self;
  XmppNode *list;

  answer = xmpp_client_iq_finish (XMPP_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;
  if (answer == NULL)
    {
      /* Not every server has a blocklist; there is then nothing to show. */
      g_debug ("blocklist: %s", error->message);
      return;
    }

  list = xmpp_node_get_child (answer, "blocklist", XMPP_NS_BLOCKING);
  if (list == NULL)
    return;
  jids = parse_items (list);
  g_hash_table_remove_all (self->items);
  for (guint i = 0; i < jids->len; i++)
    add_item (self, g_ptr_array_index (jids, i));
  set_loaded (self);
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
online_cb (XmppClient *client,
           gboolean    resumed,
           gpointer    user_data)
{
  XmppBlocking *self = user_data;
  g_autoptr(XmppNode) iq = NULL;

  /* A resumed session missed no push. */
  if (resumed)
    return;

  iq = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "get", NULL);
  xmpp_node_add_child (iq, "blocklist", XMPP_NS_BLOCKING);
  xmpp_client_iq_async (client, iq, self->cancellable, fetch_cb, self);
}

static void
xmpp_blocking_constructed (GObject *object)
{
  XmppBlocking *self = XMPP_BLOCKING (object);

  G_OBJECT_CLASS (xmpp_blocking_parent_class)->constructed (object);

  self->block_handler = xmpp_client_add_handler (self->client, "iq", "block", XMPP_NS_BLOCKING,
                                                 push_handler, self, NULL);
  self->unblock_handler = xmpp_client_add_handler (self->client, "iq", "unblock", XMPP_NS_BLOCKING,
                                                   push_handler, self, NULL);
  g_signal_connect_object (self->client, "online", G_CALLBACK (online_cb), self, 0);
}

static void
xmpp_blocking_dispose (GObject *object)
{
  XmppBlocking *self = XMPP_BLOCKING (object);

  g_cancellable_cancel (self->cancellable);
  if (self->client != NULL)
    {
      xmpp_client_remove_handler (self->client, self->block_handler);
      xmpp_client_remove_handler (self->client, self->unblock_handler);
    }
  g_clear_object (&self->client);

  G_OBJECT_CLASS (xmpp_blocking_parent_class)->dispose (object);
}

static void
xmpp_blocking_finalize (GObject *object)
{
  XmppBlocking *self = XMPP_BLOCKING (object);

  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->items, g_hash_table_unref);

  G_OBJECT_CLASS (xmpp_blocking_parent_class)->finalize (object);
}

static void
xmpp_blocking_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  XmppBlocking *self = XMPP_BLOCKING (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    case PROP_LOADED:
      g_value_set_boolean (value, self->loaded);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_blocking_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  XmppBlocking *self = XMPP_BLOCKING (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      self->client = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_blocking_class_init (XmppBlockingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = xmpp_blocking_constructed;
  object_class->dispose = xmpp_blocking_dispose;
  object_class->finalize = xmpp_blocking_finalize;
  object_class->get_property = xmpp_blocking_get_property;
  object_class->set_property = xmpp_blocking_set_property;

  /**
   * XmppBlocking:client:
   *
   * The session whose blocklist this is.
   */
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, XMPP_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * XmppBlocking:loaded:
   *
   * Whether the list has been fetched from the server at least once.
   */
  properties[PROP_LOADED] =
    g_param_spec_boolean ("loaded", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XmppBlocking::changed:
   * @self: the module
   *
   * The list changed: fetched, or pushed by the server after a change from
   * this or another of our devices.
   */
  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
xmpp_blocking_init (XmppBlocking *self)
{
  self->cancellable = g_cancellable_new ();
  self->items = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) xmpp_jid_unref);
}

/**
 * xmpp_blocking_new:
 * @client: a client
 *
 * Creates the module; create it before connecting so it sees the first
 * session.
 *
 * Returns: (transfer full): the blocklist of @client's account
 */
XmppBlocking *
xmpp_blocking_new (XmppClient *client)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (client), NULL);

  return g_object_new (XMPP_TYPE_BLOCKING, "client", client, NULL);
}

/**
 * xmpp_blocking_get_client:
 * @self: the module
 *
 * Returns: (transfer none): its client
 */
XmppClient *
xmpp_blocking_get_client (XmppBlocking *self)
{
  g_return_val_if_fail (XMPP_IS_BLOCKING (self), NULL);

  return self->client;
}

/**
 * xmpp_blocking_get_loaded:
 * @self: the module
 *
 * Returns: whether the list was fetched
 */
gboolean
xmpp_blocking_get_loaded (XmppBlocking *self)
{
  g_return_val_if_fail (XMPP_IS_BLOCKING (self), FALSE);

  return self->loaded;
}

/**
 * xmpp_blocking_is_blocked:
 * @self: the module
 * @jid: a sender
 *
 * Applies the matching rules XEP-0191 takes from RFC 6121: an item blocks
 * exactly that full JID, a bare JID with any resource, a domain with a
 * resource, or a whole domain.
 *
 * Returns: whether stanzas from @jid are blocked
 */
gboolean
xmpp_blocking_is_blocked (XmppBlocking *self,
                          XmppJid      *jid)
{
  g_autoptr(XmppJid) domain_resource = NULL;
  g_autoptr(XmppJid) domain = NULL;

  g_return_val_if_fail (XMPP_IS_BLOCKING (self), FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);

  if (g_hash_table_contains (self->items, xmpp_jid_to_string (jid)) ||
      g_hash_table_contains (self->items, xmpp_jid_to_bare_string (jid)))
    return TRUE;

  domain = xmpp_jid_new_from_parts (NULL, xmpp_jid_get_domainpart (jid), NULL, NULL);
  if (domain != NULL && g_hash_table_contains (self->items, xmpp_jid_to_string (domain)))
    return TRUE;
  if (xmpp_jid_get_resourcepart (jid) == NULL)
    return FALSE;
  domain_resource = xmpp_jid_new_from_parts (NULL, xmpp_jid_get_domainpart (jid),
                                             xmpp_jid_get_resourcepart (jid), NULL);
  return domain_resource != NULL &&
         g_hash_table_contains (self->items, xmpp_jid_to_string (domain_resource));
}

static int
compare_jids (gconstpointer a,
              gconstpointer b)
{
  return g_strcmp0 (xmpp_jid_to_string (*(XmppJid * const *) a),
                    xmpp_jid_to_string (*(XmppJid * const *) b));
}

/**
 * xmpp_blocking_dup_items:
 * @self: the module
 *
 * Returns: (transfer full) (element-type XmppJid): the blocked JIDs, sorted
 */
GPtrArray *
xmpp_blocking_dup_items (XmppBlocking *self)
{
  GPtrArray *items;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (XMPP_IS_BLOCKING (self), NULL);

  items = g_ptr_array_new_full (g_hash_table_size (self->items), (GDestroyNotify) xmpp_jid_unref);
  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (items, xmpp_jid_ref (value));
  g_ptr_array_sort (items, compare_jids);
  return items;
}

static void
command_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(XmppNode) answer = NULL;
  GError *error = NULL;

  answer = xmpp_client_iq_finish (XMPP_CLIENT (object), result, &error);
  if (answer == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/* Sends <block/> or <unblock/>; the server answers and then pushes the
 * change to all our sessions, this one included, which updates the list. */
static void
send_command (XmppBlocking        *self,
              const char          *command,
              XmppJid             *jid,
              gpointer             source_tag,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_autoptr(XmppNode) iq = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "set", NULL);
  XmppNode *element = xmpp_node_add_child (iq, command, XMPP_NS_BLOCKING);

  g_task_set_source_tag (task, source_tag);
  if (jid != NULL)
    xmpp_node_add_child_with_attributes (element, "item", XMPP_NS_BLOCKING,
                                         "jid", xmpp_jid_to_string (jid), NULL);
  xmpp_client_iq_async (self->client, iq, cancellable, command_cb, g_steal_pointer (&task));
}

/**
 * xmpp_blocking_block_async:
 * @self: the module
 * @jid: whom to block: a full or bare JID, or a domain
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server has done it
 * @user_data: data for @callback
 *
 * Blocks @jid on the server: nothing from it reaches any of our devices.
 */
void
xmpp_blocking_block_async (XmppBlocking        *self,
                           XmppJid             *jid,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (XMPP_IS_BLOCKING (self));
  g_return_if_fail (jid != NULL);

  send_command (self, "block", jid, xmpp_blocking_block_async, cancellable, callback, user_data);
}

/**
 * xmpp_blocking_block_finish:
 * @self: the module
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Returns: %TRUE if the server blocked the JID
 */
gboolean
xmpp_blocking_block_finish (XmppBlocking  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * xmpp_blocking_unblock_async:
 * @self: the module
 * @jid: (nullable): whom to unblock, or %NULL to empty the list
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server has done it
 * @user_data: data for @callback
 */
void
xmpp_blocking_unblock_async (XmppBlocking        *self,
                             XmppJid             *jid,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (XMPP_IS_BLOCKING (self));

  send_command (self, "unblock", jid, xmpp_blocking_unblock_async, cancellable, callback, user_data);
}

/**
 * xmpp_blocking_unblock_finish:
 * @self: the module
 * @result: the result passed to the callback
 * @error: return location for an error
 *
 * Returns: %TRUE if the server unblocked
 */
gboolean
xmpp_blocking_unblock_finish (XmppBlocking  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
