/* xmpp-pep.c: XEP-0163 Personal Eventing Protocol 1.2.2 on XEP-0060 Publish-Subscribe 1.26
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "xmpp-pep.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xmpp-disco.h"
#include "xmpp-error.h"
#include "xmpp-pep-private.h"

/**
 * XmppPep:
 *
 * Personal eventing on one #XmppClient: the account's own PEP service
 * (its bare JID) and those of its contacts.
 *
 * Publishing goes to the own account.  With an access model, the publish
 * carries XEP-0060 §7.1.5 publish-options (`pubsub#persist_items` true and
 * `pubsub#access_model`), so a new node is created that way and an
 * existing node configured otherwise is refused with `<conflict/>` and
 * `<precondition-not-met/>`.  The module then configures the node with
 * those two fields (§8.2.4, owner namespace) and publishes once more, as
 * Dino and Profanity do for OMEMO.  The engine reports stanza errors by
 * their defined condition only, so any `<conflict/>` answer to a publish
 * with publish-options is taken for precondition-not-met; the retry is
 * made once.
 *
 * Fetching (§6.5) asks for at most %XMPP_PEP_MAX_ITEMS items; a node or
 * item that does not exist is an empty result, not an error.
 *
 * Notifications: xmpp_pep_subscribe_notify() advertises `node+notify`
 * (XEP-0163 §4.3).  The server learns it from our entity capabilities, so
 * a presence with the new verification string must follow; see there.
 * Events arrive as #XmppPep::items, #XmppPep::retracted,
 * #XmppPep::purged and #XmppPep::deleted, each with the node as detail.
 * They are accepted only from a bare JID with a localpart (a contact's or
 * our own PEP service) or without `from` (our own account, RFC 6120
 * §8.1.2.1), never from a full JID or a domain (SECURITY.md rows 11, 12);
 * the data is attributed to that JID and to nothing named in the payload.
 * Anything malformed is logged with g_debug() and changes nothing.
 */
struct _XmppPep
{
  GObject     parent_instance;

  XmppClient *client;
  guint       handler_id;
};

G_DEFINE_FINAL_TYPE (XmppPep, xmpp_pep, G_TYPE_OBJECT)

G_DEFINE_BOXED_TYPE (XmppPepItem, xmpp_pep_item, xmpp_pep_item_copy, xmpp_pep_item_free)

enum {
  PROP_0,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_ITEMS,
  SIGNAL_RETRACTED,
  SIGNAL_PURGED,
  SIGNAL_DELETED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------ */
/* Items and names                                                          */
/* ------------------------------------------------------------------------ */

/**
 * xmpp_pep_item_new:
 * @id: the item id
 * @payload: the payload element
 *
 * Returns: (transfer full): a new item holding a reference on @payload
 */
XmppPepItem *
xmpp_pep_item_new (const char *id,
                   XmppNode   *payload)
{
  XmppPepItem *item;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (payload != NULL, NULL);

  item = g_new0 (XmppPepItem, 1);
  item->id = g_strdup (id);
  item->payload = xmpp_node_ref (payload);
  return item;
}

/**
 * xmpp_pep_item_copy:
 * @item: an item
 *
 * Returns: (transfer full): a copy sharing the payload
 */
XmppPepItem *
xmpp_pep_item_copy (const XmppPepItem *item)
{
  g_return_val_if_fail (item != NULL, NULL);

  return xmpp_pep_item_new (item->id, item->payload);
}

/**
 * xmpp_pep_item_free:
 * @item: (nullable): an item
 */
void
xmpp_pep_item_free (XmppPepItem *item)
{
  if (item == NULL)
    return;
  g_free (item->id);
  g_clear_pointer (&item->payload, xmpp_node_unref);
  g_free (item);
}

static gboolean
name_is_valid (const char *name)
{
  gsize length;

  if (name == NULL)
    return FALSE;
  length = strlen (name);
  return length > 0 && length <= XMPP_PEP_MAX_NAME_BYTES && g_utf8_validate (name, length, NULL);
}

/**
 * xmpp_pep_node_is_valid:
 * @node: (nullable): a node name
 *
 * Returns: whether @node is usable as a node name: not empty, valid UTF-8,
 *   at most %XMPP_PEP_MAX_NAME_BYTES bytes
 */
gboolean
xmpp_pep_node_is_valid (const char *node)
{
  return name_is_valid (node);
}

void
xmpp_pep_event_free (XmppPepEvent *event)
{
  if (event == NULL)
    return;
  g_clear_pointer (&event->from, xmpp_jid_unref);
  g_free (event->node);
  g_clear_pointer (&event->items, g_ptr_array_unref);
  g_clear_pointer (&event->retracted, g_ptr_array_unref);
  g_free (event);
}

static gboolean
bad (GError     **error,
     const char  *what)
{
  g_set_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA, _("Malformed PEP data: %s"), what);
  return FALSE;
}

/* Whether @error is a stanza error with the defined @condition; the
 * engine puts the condition first in the message (xmpp_stanza_error_new()). */
static gboolean
is_condition (const GError *error,
              const char   *condition)
{
  gsize length = strlen (condition);

  return error != NULL &&
         g_error_matches (error, XMPP_ERROR, XMPP_ERROR_STANZA) &&
         strncmp (error->message, condition, length) == 0 &&
         (error->message[length] == '\0' || error->message[length] == ':');
}

/* ------------------------------------------------------------------------ */
/* Requests                                                                 */
/* ------------------------------------------------------------------------ */

static void
add_field (XmppNode   *x,
           const char *var,
           const char *type,
           const char *value)
{
  XmppNode *field = xmpp_node_add_child_with_attributes (x, "field", XMPP_NS_DATA_FORMS,
                                                         "var", var, NULL);

  if (type != NULL)
    xmpp_node_set_attribute (field, "type", type);
  xmpp_node_add_text_child (field, "value", XMPP_NS_DATA_FORMS, value);
}

/* A submitted form of @form_type with the fields we insist on.  Prosody
 * and ejabberd take a partial configuration form as "change these". */
static void
add_requirements (XmppNode   *parent,
                  const char *form_type,
                  const char *access_model)
{
  XmppNode *x = xmpp_node_add_child_with_attributes (parent, "x", XMPP_NS_DATA_FORMS,
                                                     "type", "submit", NULL);

  add_field (x, "FORM_TYPE", "hidden", form_type);
  add_field (x, "pubsub#persist_items", NULL, "true");
  add_field (x, "pubsub#access_model", NULL, access_model);
}

static XmppNode *
new_iq (const char *type)
{
  return xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", type, NULL);
}

XmppNode *
xmpp_pep_build_publish (const char *node,
                        const char *item_id,
                        XmppNode   *payload,
                        const char *access_model)
{
  XmppNode *iq = new_iq ("set");
  XmppNode *pubsub = xmpp_node_add_child (iq, "pubsub", XMPP_NS_PUBSUB);
  XmppNode *publish = xmpp_node_add_child_with_attributes (pubsub, "publish", XMPP_NS_PUBSUB,
                                                           "node", node, NULL);
  XmppNode *item = xmpp_node_add_child (publish, "item", XMPP_NS_PUBSUB);

  if (item_id != NULL)
    xmpp_node_set_attribute (item, "id", item_id);
  xmpp_node_append_child (item, payload);

  if (access_model != NULL)
    {
      XmppNode *options = xmpp_node_add_child (pubsub, "publish-options", XMPP_NS_PUBSUB);

      add_requirements (options, XMPP_NS_PUBSUB_PUBLISH_OPTIONS, access_model);
    }
  return iq;
}

XmppNode *
xmpp_pep_build_configure (const char *node,
                          const char *access_model)
{
  XmppNode *iq = new_iq ("set");
  XmppNode *pubsub = xmpp_node_add_child (iq, "pubsub", XMPP_NS_PUBSUB_OWNER);
  XmppNode *configure = xmpp_node_add_child_with_attributes (pubsub, "configure",
                                                             XMPP_NS_PUBSUB_OWNER,
                                                             "node", node, NULL);

  add_requirements (configure, XMPP_NS_PUBSUB_NODE_CONFIG, access_model);
  return iq;
}

XmppNode *
xmpp_pep_build_fetch (XmppJid    *owner,
                      const char *node,
                      const char *item_id)
{
  XmppNode *iq = new_iq ("get");
  XmppNode *pubsub = xmpp_node_add_child (iq, "pubsub", XMPP_NS_PUBSUB);
  XmppNode *items = xmpp_node_add_child_with_attributes (pubsub, "items", XMPP_NS_PUBSUB,
                                                         "node", node, NULL);

  if (owner != NULL)
    xmpp_node_set_attribute (iq, "to", xmpp_jid_to_bare_string (owner));
  if (item_id != NULL)
    xmpp_node_add_child_with_attributes (items, "item", XMPP_NS_PUBSUB, "id", item_id, NULL);
  else
    {
      char max[16];

      g_snprintf (max, sizeof max, "%u", XMPP_PEP_MAX_ITEMS);
      xmpp_node_set_attribute (items, "max_items", max);
    }
  return iq;
}

XmppNode *
xmpp_pep_build_retract (const char *node,
                        const char *item_id)
{
  XmppNode *iq = new_iq ("set");
  XmppNode *pubsub = xmpp_node_add_child (iq, "pubsub", XMPP_NS_PUBSUB);
  XmppNode *retract = xmpp_node_add_child_with_attributes (pubsub, "retract", XMPP_NS_PUBSUB,
                                                           "node", node,
                                                           "notify", "true",
                                                           NULL);

  xmpp_node_add_child_with_attributes (retract, "item", XMPP_NS_PUBSUB, "id", item_id, NULL);
  return iq;
}

XmppNode *
xmpp_pep_build_delete (const char *node)
{
  XmppNode *iq = new_iq ("set");
  XmppNode *pubsub = xmpp_node_add_child (iq, "pubsub", XMPP_NS_PUBSUB_OWNER);

  xmpp_node_add_child_with_attributes (pubsub, "delete", XMPP_NS_PUBSUB_OWNER, "node", node, NULL);
  return iq;
}

/* ------------------------------------------------------------------------ */
/* Answers and events                                                       */
/* ------------------------------------------------------------------------ */

/* The one child of @parent that is @name in @xmlns; NULL if there is none
 * or more than one. */
static XmppNode *
only_child (XmppNode   *parent,
            const char *name,
            const char *xmlns)
{
  XmppNode *found = NULL;

  for (guint i = 0; i < xmpp_node_get_n_children (parent); i++)
    {
      XmppNode *child = xmpp_node_get_child_at (parent, i);

      if (!xmpp_node_is (child, name, xmlns))
        continue;
      if (found != NULL)
        return NULL;
      found = child;
    }
  return found;
}

/* An <item/> with a valid id and exactly one element: its payload. */
static XmppPepItem *
parse_item (XmppNode  *item,
            GError   **error)
{
  const char *id = xmpp_node_get_attribute (item, "id");

  if (!name_is_valid (id))
    {
      bad (error, _("an item without a valid id"));
      return NULL;
    }
  if (xmpp_node_get_n_children (item) != 1)
    {
      bad (error, _("an item without exactly one payload"));
      return NULL;
    }
  return xmpp_pep_item_new (id, xmpp_node_get_child_at (item, 0));
}

GPtrArray *
xmpp_pep_parse_items_result (XmppNode    *iq,
                             const char  *node,
                             const char  *item_id,
                             GError     **error)
{
  g_autoptr(GPtrArray) result = NULL;
  XmppNode *pubsub;
  XmppNode *items;
  guint n_children;

  g_return_val_if_fail (iq != NULL, NULL);
  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  pubsub = only_child (iq, "pubsub", XMPP_NS_PUBSUB);
  items = pubsub != NULL ? only_child (pubsub, "items", XMPP_NS_PUBSUB) : NULL;
  if (items == NULL)
    {
      bad (error, _("an answer without its items"));
      return NULL;
    }
  if (g_strcmp0 (xmpp_node_get_attribute (items, "node"), node) != 0)
    {
      bad (error, _("an answer about another node"));
      return NULL;
    }
  n_children = xmpp_node_get_n_children (items);
  if (n_children > XMPP_PEP_MAX_ITEMS)
    {
      bad (error, _("too many items"));
      return NULL;
    }

  result = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_pep_item_free);
  for (guint i = 0; i < n_children; i++)
    {
      XmppNode *child = xmpp_node_get_child_at (items, i);
      XmppPepItem *item;

      if (!xmpp_node_is (child, "item", XMPP_NS_PUBSUB))
        {
          bad (error, _("an unknown element among the items"));
          return NULL;
        }
      item = parse_item (child, error);
      if (item == NULL)
        return NULL;
      /* Asked for one item, a server has no business sending others. */
      if (item_id != NULL && strcmp (item->id, item_id) != 0)
        {
          g_debug ("pep: dropping item %s, not the one asked for", item->id);
          xmpp_pep_item_free (item);
          continue;
        }
      g_ptr_array_add (result, item);
    }
  return g_steal_pointer (&result);
}

const char *
xmpp_pep_parse_publish_result (XmppNode   *iq,
                               const char *node)
{
  XmppNode *pubsub;
  XmppNode *publish;
  XmppNode *item;
  const char *id;

  g_return_val_if_fail (iq != NULL, NULL);
  g_return_val_if_fail (node != NULL, NULL);

  pubsub = only_child (iq, "pubsub", XMPP_NS_PUBSUB);
  publish = pubsub != NULL ? only_child (pubsub, "publish", XMPP_NS_PUBSUB) : NULL;
  if (publish == NULL || g_strcmp0 (xmpp_node_get_attribute (publish, "node"), node) != 0)
    return NULL;
  item = only_child (publish, "item", XMPP_NS_PUBSUB);
  id = item != NULL ? xmpp_node_get_attribute (item, "id") : NULL;
  return name_is_valid (id) ? id : NULL;
}

/* Who the event is from: a bare JID with a localpart, or our own account
 * when there is no 'from'.  A full JID is a client, not a PEP service; a
 * domain is a server or a component, whose pubsub is not PEP. */
static XmppJid *
event_sender (XmppNode  *message,
              XmppJid   *own,
              GError   **error)
{
  const char *from = xmpp_node_get_attribute (message, "from");
  g_autoptr(XmppJid) jid = NULL;

  if (from == NULL)
    return xmpp_jid_dup_bare (own);

  jid = xmpp_jid_new (from, NULL);
  if (jid == NULL)
    bad (error, _("an event from an invalid address"));
  else if (!xmpp_jid_is_bare (jid))
    bad (error, _("an event from a full JID"));
  else if (xmpp_jid_get_localpart (jid) == NULL)
    bad (error, _("an event from a domain"));
  else
    return g_steal_pointer (&jid);
  return NULL;
}

static gboolean
parse_items_event (XmppPepEvent  *event,
                   XmppNode      *items,
                   GError       **error)
{
  guint n_children = xmpp_node_get_n_children (items);

  if (n_children == 0)
    return bad (error, _("an event without items"));
  if (n_children > XMPP_PEP_MAX_ITEMS)
    return bad (error, _("too many items"));

  event->items = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_pep_item_free);
  event->retracted = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_children; i++)
    {
      XmppNode *child = xmpp_node_get_child_at (items, i);

      if (xmpp_node_is (child, "item", XMPP_NS_PUBSUB_EVENT))
        {
          XmppPepItem *item = parse_item (child, error);

          if (item == NULL)
            return FALSE;
          g_ptr_array_add (event->items, item);
        }
      else if (xmpp_node_is (child, "retract", XMPP_NS_PUBSUB_EVENT))
        {
          const char *id = xmpp_node_get_attribute (child, "id");

          if (!name_is_valid (id))
            return bad (error, _("a retraction without a valid id"));
          g_ptr_array_add (event->retracted, g_strdup (id));
        }
      else
        return bad (error, _("an unknown element among the items"));
    }
  return TRUE;
}

XmppPepEvent *
xmpp_pep_event_parse (XmppNode  *message,
                      XmppJid   *own,
                      GError   **error)
{
  g_autoptr(XmppPepEvent) event = NULL;
  const char *type;
  XmppNode *element;
  XmppNode *child;
  const char *name;

  g_return_val_if_fail (message != NULL, NULL);
  g_return_val_if_fail (own != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  type = xmpp_node_get_attribute (message, "type");
  if (!xmpp_node_is (message, "message", XMPP_NS_CLIENT) ||
      g_strcmp0 (type, "error") == 0 || g_strcmp0 (type, "groupchat") == 0)
    {
      bad (error, _("an event in the wrong kind of stanza"));
      return NULL;
    }

  event = g_new0 (XmppPepEvent, 1);
  event->from = event_sender (message, own, error);
  if (event->from == NULL)
    return NULL;

  element = only_child (message, "event", XMPP_NS_PUBSUB_EVENT);
  if (element == NULL || xmpp_node_get_n_children (element) != 1)
    {
      bad (error, _("not exactly one event"));
      return NULL;
    }
  child = xmpp_node_get_child_at (element, 0);
  name = xmpp_node_get_name (child);
  if (g_strcmp0 (xmpp_node_get_xmlns (child), XMPP_NS_PUBSUB_EVENT) != 0)
    {
      bad (error, _("an event in another namespace"));
      return NULL;
    }
  if (g_str_equal (name, "items"))
    event->kind = XMPP_PEP_EVENT_ITEMS;
  else if (g_str_equal (name, "purge"))
    event->kind = XMPP_PEP_EVENT_PURGE;
  else if (g_str_equal (name, "delete"))
    event->kind = XMPP_PEP_EVENT_DELETE;
  else
    {
      bad (error, _("an event of an unsupported kind"));
      return NULL;
    }

  event->node = g_strdup (xmpp_node_get_attribute (child, "node"));
  if (!name_is_valid (event->node))
    {
      bad (error, _("an event without a valid node"));
      return NULL;
    }
  if (event->kind == XMPP_PEP_EVENT_ITEMS && !parse_items_event (event, child, error))
    return NULL;

  return g_steal_pointer (&event);
}

/* ------------------------------------------------------------------------ */
/* The module                                                               */
/* ------------------------------------------------------------------------ */

gboolean
xmpp_pep_handle_message (XmppPep  *self,
                         XmppNode *message)
{
  g_autoptr(XmppPepEvent) event = NULL;
  g_autoptr(GError) error = NULL;
  GQuark detail;

  g_return_val_if_fail (XMPP_IS_PEP (self), FALSE);
  g_return_val_if_fail (message != NULL, FALSE);

  if (self->client == NULL)
    return FALSE;

  event = xmpp_pep_event_parse (message, xmpp_client_get_jid (self->client), &error);
  if (event == NULL)
    {
      const char *from = xmpp_node_get_attribute (message, "from");

      g_debug ("pep: dropping an event from %s: %s", from != NULL ? from : "our account",
               error->message);
      return FALSE;
    }

  /* A node nobody connected to by detail has no quark yet; creating one
   * for every node name a peer makes up would grow the quark table for
   * ever. */
  detail = g_quark_try_string (event->node);
  switch (event->kind)
    {
    case XMPP_PEP_EVENT_ITEMS:
      if (event->items->len > 0)
        g_signal_emit (self, signals[SIGNAL_ITEMS], detail, event->from, event->node, event->items);
      if (event->retracted->len > 0)
        {
          g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
          g_auto(GStrv) ids = NULL;

          for (guint i = 0; i < event->retracted->len; i++)
            g_strv_builder_add (builder, g_ptr_array_index (event->retracted, i));
          ids = g_strv_builder_end (builder);
          g_signal_emit (self, signals[SIGNAL_RETRACTED], detail, event->from, event->node, ids);
        }
      break;
    case XMPP_PEP_EVENT_PURGE:
      g_signal_emit (self, signals[SIGNAL_PURGED], detail, event->from, event->node);
      break;
    case XMPP_PEP_EVENT_DELETE:
      g_signal_emit (self, signals[SIGNAL_DELETED], detail, event->from, event->node);
      break;
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

static gboolean
message_cb (XmppClient *client,
            XmppNode   *stanza,
            gpointer    user_data)
{
  return xmpp_pep_handle_message (XMPP_PEP (user_data), stanza);
}

static void
xmpp_pep_constructed (GObject *object)
{
  XmppPep *self = XMPP_PEP (object);

  G_OBJECT_CLASS (xmpp_pep_parent_class)->constructed (object);

  g_assert (XMPP_IS_CLIENT (self->client));

  self->handler_id = xmpp_client_add_handler (self->client, "message", "event",
                                              XMPP_NS_PUBSUB_EVENT, message_cb, self, NULL);
}

static void
xmpp_pep_dispose (GObject *object)
{
  XmppPep *self = XMPP_PEP (object);

  if (self->client != NULL && self->handler_id != 0)
    xmpp_client_remove_handler (self->client, self->handler_id);
  self->handler_id = 0;
  g_clear_object (&self->client);

  G_OBJECT_CLASS (xmpp_pep_parent_class)->dispose (object);
}

static void
xmpp_pep_get_property (GObject    *object,
                       guint       prop_id,
                       GValue     *value,
                       GParamSpec *pspec)
{
  XmppPep *self = XMPP_PEP (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_pep_set_property (GObject      *object,
                       guint         prop_id,
                       const GValue *value,
                       GParamSpec   *pspec)
{
  XmppPep *self = XMPP_PEP (object);

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
xmpp_pep_class_init (XmppPepClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = xmpp_pep_constructed;
  object_class->dispose = xmpp_pep_dispose;
  object_class->get_property = xmpp_pep_get_property;
  object_class->set_property = xmpp_pep_set_property;

  /**
   * XmppPep:client:
   *
   * The session this module works on.
   */
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL, XMPP_TYPE_CLIENT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XmppPep::items:
   * @self: the module
   * @from: the PEP service: a contact's bare JID or our own
   * @node: the node
   * @items: (element-type XmppPepItem): the published items, 1 to
   *   %XMPP_PEP_MAX_ITEMS, in document order
   *
   * Items were published to @node, or the server sent its last item
   * because we (newly) advertise `@node+notify`.  The detail is the node,
   * so `"items::eu.siacs.conversations.axolotl.devicelist"` sees only that
   * node.
   *
   * @from is the only thing the data may be attributed to (SECURITY.md
   * row 12).  For a node only our own account speaks for (bookmarks, our
   * own OMEMO device list), the handler checks that @from is our bare JID
   * (row 11): a contact may publish a node of the same name.
   */
  signals[SIGNAL_ITEMS] =
    g_signal_new ("items", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, XMPP_TYPE_JID, G_TYPE_STRING, G_TYPE_PTR_ARRAY);

  /**
   * XmppPep::retracted:
   * @self: the module
   * @from: the PEP service
   * @node: the node
   * @ids: the ids of the items that were retracted
   *
   * Items were retracted from @node; detailed by node.
   */
  signals[SIGNAL_RETRACTED] =
    g_signal_new ("retracted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3, XMPP_TYPE_JID, G_TYPE_STRING, G_TYPE_STRV);

  /**
   * XmppPep::purged:
   * @self: the module
   * @from: the PEP service
   * @node: the node
   *
   * Every item of @node was removed; detailed by node.
   */
  signals[SIGNAL_PURGED] =
    g_signal_new ("purged", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, XMPP_TYPE_JID, G_TYPE_STRING);

  /**
   * XmppPep::deleted:
   * @self: the module
   * @from: the PEP service
   * @node: the node
   *
   * @node was deleted; detailed by node.
   */
  signals[SIGNAL_DELETED] =
    g_signal_new ("deleted", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, XMPP_TYPE_JID, G_TYPE_STRING);
}

static void
xmpp_pep_init (XmppPep *self)
{
}

/**
 * xmpp_pep_new:
 * @client: a client
 *
 * Creates the PEP module of @client; create it before connecting so no
 * event is missed.
 *
 * Returns: (transfer full): a new #XmppPep
 */
XmppPep *
xmpp_pep_new (XmppClient *client)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (client), NULL);

  return g_object_new (XMPP_TYPE_PEP, "client", client, NULL);
}

/**
 * xmpp_pep_get_client:
 * @self: a #XmppPep
 *
 * Returns: (transfer none) (nullable): its client; %NULL after dispose
 */
XmppClient *
xmpp_pep_get_client (XmppPep *self)
{
  g_return_val_if_fail (XMPP_IS_PEP (self), NULL);

  return self->client;
}

/**
 * xmpp_pep_subscribe_notify:
 * @self: a #XmppPep
 * @node: a node name
 *
 * Advertises the disco feature `@node+notify` (XEP-0163 §4.3, XEP-0115),
 * so that servers send us the events of @node from our own account and
 * from contacts whose presence we receive.
 *
 * The server learns it only from a presence with our new entity
 * capabilities.  When this returns %TRUE and the own presence was already
 * sent (xmpp_presence_get_announced()), the caller sends it again with
 * xmpp_presence_send_own(); its #XmppPresence::prepare handler (the core
 * calls xmpp_caps_add_to_presence()) then puts the new verification
 * string on it, and the server asks our #XmppDisco for the features.
 * Called before connecting, nothing more is needed.
 *
 * Returns: %TRUE if the feature is new, i.e. our capabilities changed
 */
gboolean
xmpp_pep_subscribe_notify (XmppPep    *self,
                           const char *node)
{
  g_autofree char *feature = NULL;
  g_auto(GStrv) features = NULL;

  g_return_val_if_fail (XMPP_IS_PEP (self), FALSE);
  g_return_val_if_fail (xmpp_pep_node_is_valid (node), FALSE);
  g_return_val_if_fail (self->client != NULL, FALSE);

  feature = g_strconcat (node, "+notify", NULL);
  features = xmpp_client_dup_features (self->client);
  if (g_strv_contains ((const char * const *) features, feature))
    return FALSE;
  xmpp_client_add_feature (self->client, feature);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Publish                                                                  */
/* ------------------------------------------------------------------------ */

typedef struct
{
  char     *node;
  char     *item_id;
  XmppNode *payload;
  char     *access_model;
  gboolean  reconfigured;
} PublishData;

static void
publish_data_free (PublishData *data)
{
  g_free (data->node);
  g_free (data->item_id);
  g_clear_pointer (&data->payload, xmpp_node_unref);
  g_free (data->access_model);
  g_free (data);
}

static void publish_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data);

static void
send_publish (GTask *task)
{
  XmppPep *self = g_task_get_source_object (task);
  PublishData *data = g_task_get_task_data (task);
  g_autoptr(XmppNode) iq = NULL;

  if (self->client == NULL)
    {
      g_task_return_new_error (task, XMPP_ERROR, XMPP_ERROR_NOT_CONNECTED,
                               "%s", _("The account is gone"));
      g_object_unref (task);
      return;
    }
  iq = xmpp_pep_build_publish (data->node, data->item_id, data->payload, data->access_model);
  xmpp_client_iq_async (self->client, iq, g_task_get_cancellable (task), publish_cb, task);
}

static void
configure_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(XmppNode) answer = NULL;
  GError *error = NULL;

  answer = xmpp_client_iq_finish (XMPP_CLIENT (object), result, &error);
  if (answer == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  send_publish (g_steal_pointer (&task));
}

static void
publish_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  PublishData *data = g_task_get_task_data (task);
  g_autoptr(XmppNode) answer = NULL;
  GError *error = NULL;
  const char *id;

  answer = xmpp_client_iq_finish (XMPP_CLIENT (object), result, &error);
  if (answer == NULL)
    {
      /* XEP-0060 §7.1.5: the node exists with another configuration.
       * Make it ours (§8.2.4) and try once more. */
      if (data->access_model != NULL && !data->reconfigured && is_condition (error, "conflict"))
        {
          g_autoptr(XmppNode) iq = xmpp_pep_build_configure (data->node, data->access_model);
          GCancellable *cancellable = g_task_get_cancellable (task);

          g_debug ("pep: %s is configured otherwise (%s); reconfiguring it", data->node,
                   error->message);
          g_clear_error (&error);
          data->reconfigured = TRUE;
          xmpp_client_iq_async (XMPP_CLIENT (object), iq, cancellable,
                                configure_cb, g_steal_pointer (&task));
          return;
        }
      g_task_return_error (task, error);
      return;
    }

  id = xmpp_pep_parse_publish_result (answer, data->node);
  if (id == NULL)
    id = data->item_id;
  g_task_return_pointer (task, g_strdup (id), g_free);
}

/**
 * xmpp_pep_publish_async:
 * @self: a #XmppPep
 * @node: the node on our own account, e.g.
 *   `eu.siacs.conversations.axolotl.devicelist`
 * @item_id: (nullable): the item id, e.g. `current`; %NULL lets the
 *   server choose one
 * @payload: the item's payload, an element in its own namespace
 * @access_model: (nullable): the access model the node must have
 *   (`open`, `presence`, `whitelist`); %NULL publishes with the server's
 *   defaults and no publish-options
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the item is published or publishing failed
 * @user_data: data for @callback
 *
 * Publishes one item (XEP-0163 §4.2, XEP-0060 §7.1).  With @access_model,
 * publish-options require it and persistent items, and a node configured
 * otherwise is reconfigured and published to again.
 */
void
xmpp_pep_publish_async (XmppPep             *self,
                        const char          *node,
                        const char          *item_id,
                        XmppNode            *payload,
                        const char          *access_model,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PublishData *data;

  g_return_if_fail (XMPP_IS_PEP (self));
  g_return_if_fail (xmpp_pep_node_is_valid (node));
  g_return_if_fail (item_id == NULL || name_is_valid (item_id));
  g_return_if_fail (payload != NULL && xmpp_node_get_xmlns (payload) != NULL);
  g_return_if_fail (access_model == NULL || access_model[0] != '\0');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_pep_publish_async);
  data = g_new0 (PublishData, 1);
  data->node = g_strdup (node);
  data->item_id = g_strdup (item_id);
  data->payload = xmpp_node_ref (payload);
  data->access_model = g_strdup (access_model);
  g_task_set_task_data (task, data, (GDestroyNotify) publish_data_free);
  send_publish (g_steal_pointer (&task));
}

/**
 * xmpp_pep_publish_finish:
 * @self: a #XmppPep
 * @result: the result passed to the callback
 * @item_id: (out) (optional) (nullable) (transfer full): the id of the
 *   published item: the server's if it named one, else the one asked for;
 *   %NULL if neither
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the item was published
 */
gboolean
xmpp_pep_publish_finish (XmppPep       *self,
                         GAsyncResult  *result,
                         char         **item_id,
                         GError       **error)
{
  GError *local_error = NULL;
  char *id;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  id = g_task_propagate_pointer (G_TASK (result), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, local_error);
      return FALSE;
    }
  if (item_id != NULL)
    *item_id = id;
  else
    g_free (id);
  return TRUE;
}

/* ------------------------------------------------------------------------ */
/* Fetch, retract, delete                                                   */
/* ------------------------------------------------------------------------ */

typedef struct
{
  char *node;
  char *item_id;
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  g_free (data->node);
  g_free (data->item_id);
  g_free (data);
}

static GPtrArray *
new_item_array (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_pep_item_free);
}

static void
fetch_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  FetchData *data = g_task_get_task_data (task);
  g_autoptr(XmppNode) answer = NULL;
  GError *error = NULL;
  GPtrArray *items;

  answer = xmpp_client_iq_finish (XMPP_CLIENT (object), result, &error);
  if (answer == NULL)
    {
      /* No such node, or no such item: there is nothing (§6.5.9.11). */
      if (is_condition (error, "item-not-found"))
        {
          g_clear_error (&error);
          g_task_return_pointer (task, new_item_array (), (GDestroyNotify) g_ptr_array_unref);
        }
      else
        g_task_return_error (task, error);
      return;
    }

  items = xmpp_pep_parse_items_result (answer, data->node, data->item_id, &error);
  if (items == NULL)
    {
      g_debug ("pep: a bad answer about %s: %s", data->node, error->message);
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, items, (GDestroyNotify) g_ptr_array_unref);
}

/**
 * xmpp_pep_fetch_async:
 * @self: a #XmppPep
 * @owner: (nullable): whose node: a bare JID, %NULL for our own account
 * @node: the node
 * @item_id: (nullable): one item to fetch; %NULL for the latest items, at
 *   most %XMPP_PEP_MAX_ITEMS
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the items
 * @user_data: data for @callback
 *
 * Fetches items from a PEP node (XEP-0060 §6.5).  Only @owner may answer
 * (the client matches the answer to the address asked).
 */
void
xmpp_pep_fetch_async (XmppPep             *self,
                      XmppJid             *owner,
                      const char          *node,
                      const char          *item_id,
                      GCancellable        *cancellable,
                      GAsyncReadyCallback  callback,
                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XmppNode) iq = NULL;
  FetchData *data;

  g_return_if_fail (XMPP_IS_PEP (self));
  g_return_if_fail (owner == NULL || xmpp_jid_is_bare (owner));
  g_return_if_fail (xmpp_pep_node_is_valid (node));
  g_return_if_fail (item_id == NULL || name_is_valid (item_id));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_pep_fetch_async);
  data = g_new0 (FetchData, 1);
  data->node = g_strdup (node);
  data->item_id = g_strdup (item_id);
  g_task_set_task_data (task, data, (GDestroyNotify) fetch_data_free);

  if (self->client == NULL)
    {
      g_task_return_new_error (task, XMPP_ERROR, XMPP_ERROR_NOT_CONNECTED,
                               "%s", _("The account is gone"));
      return;
    }
  iq = xmpp_pep_build_fetch (owner, node, item_id);
  xmpp_client_iq_async (self->client, iq, cancellable, fetch_cb, g_steal_pointer (&task));
}

/**
 * xmpp_pep_fetch_finish:
 * @self: a #XmppPep
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer container) (element-type XmppPepItem): the items, in
 *   the server's order, empty if the node or item does not exist; %NULL
 *   with an %XMPP_ERROR on any other error, %XMPP_ERROR_BAD_STANZA if the
 *   answer was malformed
 */
GPtrArray *
xmpp_pep_fetch_finish (XmppPep       *self,
                       GAsyncResult  *result,
                       GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
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
  /* What is not there is as good as removed. */
  if (answer != NULL || is_condition (error, "item-not-found"))
    {
      g_clear_error (&error);
      g_task_return_boolean (task, TRUE);
    }
  else
    g_task_return_error (task, error);
}

static void
send_command (XmppPep             *self,
              XmppNode            *iq,
              gpointer             source_tag,
              GCancellable        *cancellable,
              GAsyncReadyCallback  callback,
              gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  if (self->client == NULL)
    {
      g_task_return_new_error (task, XMPP_ERROR, XMPP_ERROR_NOT_CONNECTED,
                               "%s", _("The account is gone"));
      return;
    }
  xmpp_client_iq_async (self->client, iq, cancellable, command_cb, g_steal_pointer (&task));
}

/**
 * xmpp_pep_retract_async:
 * @self: a #XmppPep
 * @node: a node on our own account
 * @item_id: the item to remove
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Retracts an item (XEP-0060 §7.2), asking the server to notify
 * subscribers.
 */
void
xmpp_pep_retract_async (XmppPep             *self,
                        const char          *node,
                        const char          *item_id,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(XmppNode) iq = NULL;

  g_return_if_fail (XMPP_IS_PEP (self));
  g_return_if_fail (xmpp_pep_node_is_valid (node));
  g_return_if_fail (name_is_valid (item_id));

  iq = xmpp_pep_build_retract (node, item_id);
  send_command (self, iq, xmpp_pep_retract_async, cancellable, callback, user_data);
}

/**
 * xmpp_pep_retract_finish:
 * @self: a #XmppPep
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the item is gone, or was not there
 */
gboolean
xmpp_pep_retract_finish (XmppPep       *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * xmpp_pep_delete_node_async:
 * @self: a #XmppPep
 * @node: a node on our own account
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Deletes a node with its items (XEP-0060 §8.4).
 */
void
xmpp_pep_delete_node_async (XmppPep             *self,
                            const char          *node,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(XmppNode) iq = NULL;

  g_return_if_fail (XMPP_IS_PEP (self));
  g_return_if_fail (xmpp_pep_node_is_valid (node));

  iq = xmpp_pep_build_delete (node);
  send_command (self, iq, xmpp_pep_delete_node_async, cancellable, callback, user_data);
}

/**
 * xmpp_pep_delete_node_finish:
 * @self: a #XmppPep
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the node is gone, or did not exist
 */
gboolean
xmpp_pep_delete_node_finish (XmppPep       *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
