/* xmpp-roster.c: the contact list and its versioning (RFC 6121, March 2011, §2)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "xmpp-roster.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xmpp-error.h"
#include "xmpp-roster-private.h"

/**
 * XmppRosterItem:
 *
 * One contact of the roster as the server stores it (RFC 6121 §2.1.2): its
 * JID, the name the user gave it, the subscription state, whether a
 * subscription request of ours is pending (`ask`), whether the user
 * pre-approved the contact's request (`approved`) and its groups.
 *
 * Items are immutable and reference counted; a change arrives as a new item.
 */
struct _XmppRosterItem
{
  gatomicrefcount         ref_count;
  XmppJid                *jid;
  char                   *name;
  GStrv                   groups;
  XmppRosterSubscription  subscription;
  guint                   ask : 1;
  guint                   approved : 1;
};

G_DEFINE_BOXED_TYPE (XmppRosterItem, xmpp_roster_item, xmpp_roster_item_ref, xmpp_roster_item_unref)

/**
 * XmppRoster:
 *
 * The roster module of one #XmppClient.
 *
 * It fetches the roster each time the client comes online without
 * resuming a session, with the version it last saw when the server
 * supports roster versioning (RFC 6121 §2.6), applies roster pushes, and
 * keeps the current items keyed by JID.  A push is accepted only from the
 * account itself (no `from`, or the own bare JID): anything else is
 * answered with `<service-unavailable/>` and changes nothing
 * (RFC 6121 §2.1.6; CVE-2015-8688 and CVE-2019-16236 were this check
 * missing).
 *
 * The roster holds a strong reference to its client.  The client holds
 * none to the roster: the stanza handler and signal handlers are
 * registered with the roster as unowned data and removed in dispose, so
 * there is no reference cycle.  Drop the roster before or with the client.
 */
struct _XmppRoster
{
  GObject       parent_instance;

  XmppClient   *client;
  GCancellable *cancellable;
  GHashTable   *items;    /* XmppJid * -> XmppRosterItem *, both owned */
  char         *version;
  guint         handler_id;
};

G_DEFINE_FINAL_TYPE (XmppRoster, xmpp_roster, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_CLIENT,
  PROP_VERSION,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_ITEM_CHANGED,
  SIGNAL_ITEM_REMOVED,
  SIGNAL_LOADED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const subscription_names[] = {
  [XMPP_ROSTER_SUBSCRIPTION_NONE] = "none",
  [XMPP_ROSTER_SUBSCRIPTION_TO] = "to",
  [XMPP_ROSTER_SUBSCRIPTION_FROM] = "from",
  [XMPP_ROSTER_SUBSCRIPTION_BOTH] = "both",
  [XMPP_ROSTER_SUBSCRIPTION_REMOVE] = "remove",
};

G_STATIC_ASSERT (G_N_ELEMENTS (subscription_names) == XMPP_ROSTER_SUBSCRIPTION_REMOVE + 1);

/**
 * xmpp_roster_subscription_to_string:
 * @subscription: a subscription state
 *
 * Returns: the value of the `subscription` attribute for @subscription
 */
const char *
xmpp_roster_subscription_to_string (XmppRosterSubscription subscription)
{
  g_return_val_if_fail ((guint) subscription < G_N_ELEMENTS (subscription_names), NULL);

  return subscription_names[subscription];
}

static gboolean
subscription_from_string (const char             *text,
                          XmppRosterSubscription *subscription)
{
  /* RFC 6121 §2.1.2.5: an absent attribute means "none". */
  if (text == NULL)
    {
      *subscription = XMPP_ROSTER_SUBSCRIPTION_NONE;
      return TRUE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (subscription_names); i++)
    {
      if (strcmp (text, subscription_names[i]) == 0)
        {
          *subscription = (XmppRosterSubscription) i;
          return TRUE;
        }
    }
  return FALSE;
}

/* Copies the non-empty strings of @groups, without duplicates, in order. */
static GStrv
groups_copy (const char * const *groups)
{
  g_autoptr(GPtrArray) copy = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; groups != NULL && groups[i] != NULL; i++)
    {
      if (groups[i][0] == '\0')
        continue;
      if (g_ptr_array_find_with_equal_func (copy, groups[i], g_str_equal, NULL))
        continue;
      g_ptr_array_add (copy, g_strdup (groups[i]));
    }
  g_ptr_array_add (copy, NULL);

  return (GStrv) g_ptr_array_steal (copy, NULL);
}

/**
 * xmpp_roster_item_new:
 * @jid: the contact's JID, normally bare
 * @name: (nullable): the name the user gave the contact; `""` counts as none
 * @subscription: the subscription state
 * @ask: whether a subscription request of ours is pending
 * @approved: whether the user pre-approved a subscription request
 * @groups: (nullable) (array zero-terminated=1): the groups the item is in;
 *   empty and repeated names are dropped
 *
 * Creates an item, e.g. to restore a roster from a cache with
 * xmpp_roster_set_cached().
 *
 * Returns: (transfer full): a new item
 */
XmppRosterItem *
xmpp_roster_item_new (XmppJid                *jid,
                      const char             *name,
                      XmppRosterSubscription  subscription,
                      gboolean                ask,
                      gboolean                approved,
                      const char * const     *groups)
{
  XmppRosterItem *self;

  g_return_val_if_fail (jid != NULL, NULL);
  g_return_val_if_fail ((guint) subscription <= XMPP_ROSTER_SUBSCRIPTION_REMOVE, NULL);

  self = g_new0 (XmppRosterItem, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->jid = xmpp_jid_ref (jid);
  self->name = name != NULL && name[0] != '\0' ? g_strdup (name) : NULL;
  self->subscription = subscription;
  self->ask = ask != FALSE;
  self->approved = approved != FALSE;
  self->groups = groups_copy (groups);

  return self;
}

/**
 * xmpp_roster_item_ref:
 * @self: an item
 *
 * Returns: (transfer full): @self, with one more reference
 */
XmppRosterItem *
xmpp_roster_item_ref (XmppRosterItem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * xmpp_roster_item_unref:
 * @self: (transfer full): an item
 *
 * Drops a reference; the last one frees the item.
 */
void
xmpp_roster_item_unref (XmppRosterItem *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;

  xmpp_jid_unref (self->jid);
  g_free (self->name);
  g_strfreev (self->groups);
  g_free (self);
}

/**
 * xmpp_roster_item_get_jid:
 * @self: an item
 *
 * Returns: (transfer none): the contact's JID
 */
XmppJid *
xmpp_roster_item_get_jid (XmppRosterItem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->jid;
}

/**
 * xmpp_roster_item_get_name:
 * @self: an item
 *
 * Returns: (nullable): the name the user gave the contact, or %NULL
 */
const char *
xmpp_roster_item_get_name (XmppRosterItem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->name;
}

/**
 * xmpp_roster_item_get_subscription:
 * @self: an item
 *
 * Returns: the subscription state
 */
XmppRosterSubscription
xmpp_roster_item_get_subscription (XmppRosterItem *self)
{
  g_return_val_if_fail (self != NULL, XMPP_ROSTER_SUBSCRIPTION_NONE);

  return self->subscription;
}

/**
 * xmpp_roster_item_get_ask:
 * @self: an item
 *
 * Whether the item carries `ask='subscribe'`: we asked for the contact's
 * presence and have no answer yet (RFC 6121 §2.1.2.2).
 *
 * Returns: whether our subscription request is pending
 */
gboolean
xmpp_roster_item_get_ask (XmppRosterItem *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->ask;
}

/**
 * xmpp_roster_item_get_approved:
 * @self: an item
 *
 * Whether the item carries `approved='true'`: the user pre-approved a
 * subscription request from the contact (RFC 6121 §2.1.2.1, §3.4).
 *
 * Returns: whether the contact is pre-approved
 */
gboolean
xmpp_roster_item_get_approved (XmppRosterItem *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->approved;
}

/**
 * xmpp_roster_item_get_groups:
 * @self: an item
 *
 * Returns: (transfer none) (array zero-terminated=1): the item's groups, in
 *   the order the server listed them; empty if it is in none
 */
const char * const *
xmpp_roster_item_get_groups (XmppRosterItem *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->groups;
}

/**
 * xmpp_roster_item_has_group:
 * @self: an item
 * @group: a group name
 *
 * Returns: whether @self is in @group
 */
gboolean
xmpp_roster_item_has_group (XmppRosterItem *self,
                            const char     *group)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (group != NULL, FALSE);

  return g_strv_contains ((const char * const *) self->groups, group);
}

/* Groups are a set (RFC 6121 §2.1.2.6); servers such as Prosody list
 * them in no particular order.  Both lists are free of repeats. */
static gboolean
groups_equal (GStrv a,
              GStrv b)
{
  if (g_strv_length (a) != g_strv_length (b))
    return FALSE;
  for (guint i = 0; a[i] != NULL; i++)
    {
      if (!g_strv_contains ((const char * const *) b, a[i]))
        return FALSE;
    }
  return TRUE;
}

/**
 * xmpp_roster_item_equal:
 * @a: an item
 * @b: another item
 *
 * Compares every field; groups compare as sets, in any order.
 *
 * Returns: whether @a and @b describe the same state
 */
gboolean
xmpp_roster_item_equal (XmppRosterItem *a,
                        XmppRosterItem *b)
{
  g_return_val_if_fail (a != NULL, FALSE);
  g_return_val_if_fail (b != NULL, FALSE);

  return a == b ||
         (xmpp_jid_equal (a->jid, b->jid) &&
          g_strcmp0 (a->name, b->name) == 0 &&
          a->subscription == b->subscription &&
          a->ask == b->ask &&
          a->approved == b->approved &&
          groups_equal (a->groups, b->groups));
}

/* xs:boolean (RFC 6121 §2.1.2.1 uses it for 'approved'). */
static gboolean
parse_boolean (const char *text)
{
  return g_strcmp0 (text, "true") == 0 || g_strcmp0 (text, "1") == 0;
}

XmppRosterItem *
xmpp_roster_item_parse (XmppNode  *item,
                        gboolean   allow_remove,
                        GError   **error)
{
  g_autoptr(XmppJid) jid = NULL;
  g_autoptr(GPtrArray) groups = g_ptr_array_new ();
  g_autoptr(GError) local_error = NULL;
  XmppRosterSubscription subscription;
  const char *jid_text;
  const char *subscription_text;
  const char *ask;
  XmppNode **children;
  guint n_children = 0;

  g_return_val_if_fail (item != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!xmpp_node_is (item, "item", XMPP_NS_ROSTER))
    {
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                           _("Roster entry is not an item"));
      return NULL;
    }

  jid_text = xmpp_node_get_attribute (item, "jid");
  if (jid_text == NULL)
    {
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                           _("Roster item without an address"));
      return NULL;
    }
  jid = xmpp_jid_new (jid_text, &local_error);
  if (jid == NULL)
    {
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                   _("Roster item with an invalid address: %s"), local_error->message);
      return NULL;
    }

  subscription_text = xmpp_node_get_attribute (item, "subscription");
  if (!subscription_from_string (subscription_text, &subscription))
    {
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                           _("Roster item with an unknown subscription state"));
      return NULL;
    }
  if (subscription == XMPP_ROSTER_SUBSCRIPTION_REMOVE && !allow_remove)
    {
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                           _("Removed roster item outside a roster push"));
      return NULL;
    }

  /* 'ask' has one defined value (RFC 6121 §2.1.2.2); anything else is
   * taken as no pending request. */
  ask = xmpp_node_get_attribute (item, "ask");
  if (ask != NULL && strcmp (ask, "subscribe") != 0)
    g_debug ("roster: item %s has an unknown ask value; ignored", xmpp_jid_to_string (jid));

  children = xmpp_node_get_children (item, &n_children);
  for (guint i = 0; i < n_children; i++)
    {
      if (xmpp_node_is (children[i], "group", XMPP_NS_ROSTER))
        g_ptr_array_add (groups, (gpointer) xmpp_node_get_text (children[i]));
    }
  g_ptr_array_add (groups, NULL);

  return xmpp_roster_item_new (jid,
                               xmpp_node_get_attribute (item, "name"),
                               subscription,
                               g_strcmp0 (ask, "subscribe") == 0,
                               parse_boolean (xmpp_node_get_attribute (item, "approved")),
                               (const char * const *) groups->pdata);
}

GPtrArray *
xmpp_roster_parse_query (XmppNode  *query,
                         char     **version)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (xmpp_jid_hash, xmpp_jid_equal);
  XmppNode **children;
  guint n_children = 0;

  g_return_val_if_fail (query != NULL, NULL);

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_roster_item_unref);
  if (version != NULL)
    *version = g_strdup (xmpp_node_get_attribute (query, "ver"));

  children = xmpp_node_get_children (query, &n_children);
  for (guint i = 0; i < n_children; i++)
    {
      g_autoptr(GError) error = NULL;
      XmppRosterItem *item;
      gpointer index;

      if (!xmpp_node_is (children[i], "item", XMPP_NS_ROSTER))
        continue;
      item = xmpp_roster_item_parse (children[i], FALSE, &error);
      if (item == NULL)
        {
          g_debug ("roster: skipping an item of the roster result: %s", error->message);
          continue;
        }

      /* The index is stored plus one, so that 0 means "not seen". */
      index = g_hash_table_lookup (seen, item->jid);
      if (index != NULL)
        {
          XmppRosterItem **slot = (XmppRosterItem **) &items->pdata[GPOINTER_TO_UINT (index) - 1];
          XmppRosterItem *old = *slot;

          g_debug ("roster: %s is listed twice; the last item wins",
                   xmpp_jid_to_string (item->jid));
          *slot = item;
          g_hash_table_replace (seen, item->jid, index);
          xmpp_roster_item_unref (old);
          continue;
        }
      g_ptr_array_add (items, item);
      g_hash_table_insert (seen, item->jid, GUINT_TO_POINTER (items->len));
    }

  return g_steal_pointer (&items);
}

XmppRosterItem *
xmpp_roster_parse_push (XmppNode  *iq,
                        char     **version,
                        GError   **error)
{
  XmppNode *query;
  XmppNode *item = NULL;
  XmppNode **children;
  guint n_children = 0;
  guint n_items = 0;
  XmppRosterItem *parsed;

  g_return_val_if_fail (iq != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  query = xmpp_node_get_child (iq, "query", XMPP_NS_ROSTER);
  if (!xmpp_node_is (iq, "iq", NULL) ||
      g_strcmp0 (xmpp_node_get_attribute (iq, "type"), "set") != 0 ||
      query == NULL)
    {
      g_set_error_literal (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                           _("Not a roster push"));
      return NULL;
    }

  /* RFC 6121 §2.1.6: a push carries exactly one item. */
  children = xmpp_node_get_children (query, &n_children);
  for (guint i = 0; i < n_children; i++)
    {
      if (xmpp_node_is (children[i], "item", XMPP_NS_ROSTER))
        {
          item = children[i];
          n_items++;
        }
    }
  if (n_items != 1)
    {
      g_set_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA,
                   _("A roster push must hold exactly one item, not %u"), n_items);
      return NULL;
    }

  parsed = xmpp_roster_item_parse (item, TRUE, error);
  if (parsed != NULL && version != NULL)
    *version = g_strdup (xmpp_node_get_attribute (query, "ver"));

  return parsed;
}

XmppNode *
xmpp_roster_build_get (const char *version)
{
  g_autoptr(XmppNode) iq = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "get", NULL);
  XmppNode *query = xmpp_node_add_child (iq, "query", XMPP_NS_ROSTER);

  /* RFC 6121 §2.6.3: ver='' asks for the whole roster and for versioning
   * from now on; leaving it out is for servers without versioning. */
  if (version != NULL)
    xmpp_node_set_attribute (query, "ver", version);

  return g_steal_pointer (&iq);
}

XmppNode *
xmpp_roster_build_set (XmppJid            *jid,
                       const char         *name,
                       const char * const *groups)
{
  g_autoptr(XmppNode) iq = NULL;
  g_auto(GStrv) unique = NULL;
  XmppNode *query;
  XmppNode *item;

  g_return_val_if_fail (jid != NULL, NULL);

  iq = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "set", NULL);
  query = xmpp_node_add_child (iq, "query", XMPP_NS_ROSTER);
  item = xmpp_node_add_child_with_attributes (query, "item", NULL,
                                              "jid", xmpp_jid_to_string (jid),
                                              NULL);
  if (name != NULL && name[0] != '\0')
    xmpp_node_set_attribute (item, "name", name);

  /* RFC 6121 §2.3.3: empty and repeated group names are errors. */
  unique = groups_copy (groups);
  for (guint i = 0; unique[i] != NULL; i++)
    xmpp_node_add_text_child (item, "group", NULL, unique[i]);

  return g_steal_pointer (&iq);
}

XmppNode *
xmpp_roster_build_remove (XmppJid *jid)
{
  g_autoptr(XmppNode) iq = NULL;
  XmppNode *query;

  g_return_val_if_fail (jid != NULL, NULL);

  iq = xmpp_node_build ("iq", XMPP_NS_CLIENT, "type", "set", NULL);
  query = xmpp_node_add_child (iq, "query", XMPP_NS_ROSTER);
  xmpp_node_add_child_with_attributes (query, "item", NULL,
                                       "jid", xmpp_jid_to_string (jid),
                                       "subscription", "remove",
                                       NULL);

  return g_steal_pointer (&iq);
}

static void
roster_set_version (XmppRoster *self,
                    const char *version)
{
  if (g_strcmp0 (self->version, version) == 0)
    return;

  g_free (self->version);
  self->version = g_strdup (version);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VERSION]);
}

/* Stores @item (or drops its JID for subscription='remove') and tells the
 * listeners, unless nothing changed. */
static void
roster_apply_item (XmppRoster     *self,
                   XmppRosterItem *item)
{
  XmppRosterItem *old;

  if (item->subscription == XMPP_ROSTER_SUBSCRIPTION_REMOVE)
    {
      g_autoptr(XmppJid) jid = xmpp_jid_ref (item->jid);

      if (g_hash_table_remove (self->items, jid))
        g_signal_emit (self, signals[SIGNAL_ITEM_REMOVED], 0, jid);
      return;
    }

  old = g_hash_table_lookup (self->items, item->jid);
  if (old != NULL && xmpp_roster_item_equal (old, item))
    return;

  g_hash_table_replace (self->items, xmpp_jid_ref (item->jid), xmpp_roster_item_ref (item));
  g_signal_emit (self, signals[SIGNAL_ITEM_CHANGED], 0, item);
}

/* Makes @items the roster: items that are not in it are removed, the
 * others applied as changes. */
static void
roster_replace (XmppRoster *self,
                GPtrArray  *items)
{
  g_autoptr(GHashTable) keep = g_hash_table_new (xmpp_jid_hash, xmpp_jid_equal);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_jid_unref);
  GHashTableIter iter;
  gpointer key;

  for (guint i = 0; i < items->len; i++)
    {
      XmppRosterItem *item = g_ptr_array_index (items, i);

      g_hash_table_add (keep, item->jid);
    }

  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      if (!g_hash_table_contains (keep, key))
        g_ptr_array_add (gone, xmpp_jid_ref (key));
    }

  for (guint i = 0; i < gone->len; i++)
    {
      XmppJid *jid = g_ptr_array_index (gone, i);

      if (g_hash_table_remove (self->items, jid))
        g_signal_emit (self, signals[SIGNAL_ITEM_REMOVED], 0, jid);
    }

  for (guint i = 0; i < items->len; i++)
    roster_apply_item (self, g_ptr_array_index (items, i));
}

void
xmpp_roster_apply_result (XmppRoster *self,
                          XmppNode   *result)
{
  g_autoptr(GPtrArray) items = NULL;
  g_autofree char *version = NULL;
  XmppNode *query;

  g_return_if_fail (XMPP_IS_ROSTER (self));
  g_return_if_fail (result != NULL);

  query = xmpp_node_get_child (result, "query", XMPP_NS_ROSTER);
  if (query == NULL)
    {
      /* RFC 6121 §2.6.3: an empty result confirms the version we sent;
       * what changed since comes as pushes. */
      g_debug ("roster: unchanged since version %s", self->version ? self->version : "(none)");
      g_signal_emit (self, signals[SIGNAL_LOADED], 0, FALSE);
      return;
    }

  items = xmpp_roster_parse_query (query, &version);
  g_debug ("roster: received %u items, version %s", items->len, version ? version : "(none)");
  roster_replace (self, items);
  roster_set_version (self, version);
  g_signal_emit (self, signals[SIGNAL_LOADED], 0, TRUE);
}

gboolean
xmpp_roster_handle_iq (XmppRoster *self,
                       XmppNode   *iq)
{
  g_autoptr(XmppRosterItem) item = NULL;
  g_autoptr(XmppNode) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;
  const char *from;

  g_return_val_if_fail (XMPP_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (iq != NULL, FALSE);

  /* Roster gets are for servers, and results and errors are never
   * answered (SECURITY.md #28); the client deals with both. */
  if (g_strcmp0 (xmpp_node_get_attribute (iq, "type"), "set") != 0 || self->client == NULL)
    return FALSE;

  /* RFC 6121 §2.1.6; SECURITY.md #6.  Only our own account may push.  The
   * client's check compares prepared bare JIDs, so a full JID of our own
   * account, or a look-alike spelling, is refused as well. */
  from = xmpp_node_get_attribute (iq, "from");
  if (!xmpp_client_is_from_account (self->client, iq))
    {
      g_debug ("roster: ignoring a roster push from %s", from);
      reply = xmpp_client_error_reply (iq, "cancel", "service-unavailable");
      xmpp_client_send (self->client, reply);
      return TRUE;
    }

  item = xmpp_roster_parse_push (iq, &version, &error);
  if (item == NULL)
    {
      g_debug ("roster: malformed roster push: %s", error->message);
      reply = xmpp_client_error_reply (iq, "modify", "bad-request");
      xmpp_client_send (self->client, reply);
      return TRUE;
    }

  reply = xmpp_node_build ("iq", XMPP_NS_CLIENT,
                           "type", "result",
                           "id", xmpp_node_get_attribute (iq, "id"),
                           "to", from,
                           NULL);
  xmpp_client_send (self->client, reply);

  roster_apply_item (self, item);
  if (version != NULL)
    roster_set_version (self, version);

  return TRUE;
}

static gboolean
roster_iq_cb (XmppClient *client,
              XmppNode   *stanza,
              gpointer    user_data)
{
  return xmpp_roster_handle_iq (XMPP_ROSTER (user_data), stanza);
}

static XmppNode *
roster_build_request (XmppRoster *self)
{
  const char *version = NULL;

  if (xmpp_client_server_has_feature (self->client, "ver", XMPP_NS_ROSTER_VER))
    version = self->version != NULL ? self->version : "";

  return xmpp_roster_build_get (version);
}

/* The fetch started by ::online holds no reference to the roster, so a
 * roster dropped while it is in flight goes away at once: dispose cancels
 * it, and this callback looks at the error before it touches @user_data. */
static void
roster_auto_fetch_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(XmppNode) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = xmpp_client_iq_finish (XMPP_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (reply == NULL)
    {
      g_debug ("roster: fetching the roster failed: %s", error->message);
      return;
    }

  xmpp_roster_apply_result (XMPP_ROSTER (user_data), reply);
}

static void
roster_online_cb (XmppClient *client,
                  gboolean    resumed,
                  gpointer    user_data)
{
  XmppRoster *self = XMPP_ROSTER (user_data);
  g_autoptr(XmppNode) iq = NULL;

  /* A resumed session kept our place: the pushes we missed are among
   * the stanzas the server re-sends (XEP-0198). */
  if (resumed)
    return;

  iq = roster_build_request (self);
  xmpp_client_iq_async (self->client, iq, self->cancellable, roster_auto_fetch_cb, self);
}

static void
xmpp_roster_constructed (GObject *object)
{
  XmppRoster *self = XMPP_ROSTER (object);

  G_OBJECT_CLASS (xmpp_roster_parent_class)->constructed (object);

  g_assert (self->client != NULL);
  self->handler_id = xmpp_client_add_handler (self->client, "iq", "query", XMPP_NS_ROSTER,
                                              roster_iq_cb, self, NULL);
  g_signal_connect (self->client, "online", G_CALLBACK (roster_online_cb), self);
}

static void
xmpp_roster_dispose (GObject *object)
{
  XmppRoster *self = XMPP_ROSTER (object);

  g_cancellable_cancel (self->cancellable);
  if (self->client != NULL)
    {
      if (self->handler_id != 0)
        xmpp_client_remove_handler (self->client, self->handler_id);
      self->handler_id = 0;
      g_signal_handlers_disconnect_by_data (self->client, self);
    }
  g_clear_object (&self->client);
  g_clear_object (&self->cancellable);
  g_hash_table_remove_all (self->items);

  G_OBJECT_CLASS (xmpp_roster_parent_class)->dispose (object);
}

static void
xmpp_roster_finalize (GObject *object)
{
  XmppRoster *self = XMPP_ROSTER (object);

  g_clear_pointer (&self->items, g_hash_table_unref);
  g_clear_pointer (&self->version, g_free);

  G_OBJECT_CLASS (xmpp_roster_parent_class)->finalize (object);
}

static void
xmpp_roster_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  XmppRoster *self = XMPP_ROSTER (object);

  switch (prop_id)
    {
    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    case PROP_VERSION:
      g_value_set_string (value, self->version);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
xmpp_roster_set_property (GObject      *object,
                          guint         prop_id,
                          const GValue *value,
                          GParamSpec   *pspec)
{
  XmppRoster *self = XMPP_ROSTER (object);

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
xmpp_roster_class_init (XmppRosterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = xmpp_roster_constructed;
  object_class->dispose = xmpp_roster_dispose;
  object_class->finalize = xmpp_roster_finalize;
  object_class->get_property = xmpp_roster_get_property;
  object_class->set_property = xmpp_roster_set_property;

  /**
   * XmppRoster:client:
   *
   * The client whose roster this is.
   */
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         XMPP_TYPE_CLIENT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                          G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * XmppRoster:version:
   *
   * The version of the roster the items reflect (RFC 6121 §2.6), to be
   * stored with them and handed back with xmpp_roster_set_cached(); %NULL
   * if the server does not version rosters.
   */
  properties[PROP_VERSION] =
    g_param_spec_string ("version", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * XmppRoster::item-changed:
   * @self: the roster
   * @item: the new state of the item
   *
   * An item was added, or changed in any of its fields.
   */
  signals[SIGNAL_ITEM_CHANGED] =
    g_signal_new ("item-changed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, XMPP_TYPE_ROSTER_ITEM);

  /**
   * XmppRoster::item-removed:
   * @self: the roster
   * @jid: the JID of the item that was removed
   *
   * An item left the roster, by a push with `subscription='remove'` or
   * because a full roster result no longer lists it.  Pass @jid to
   * xmpp_presence_forget(): not every server sends the contact's
   * unavailable presence after a removal.
   */
  signals[SIGNAL_ITEM_REMOVED] =
    g_signal_new ("item-removed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, XMPP_TYPE_JID);

  /**
   * XmppRoster::loaded:
   * @self: the roster
   * @full: %TRUE if the server sent the whole roster (it replaced the
   *   items, with ::item-changed and ::item-removed for the differences);
   *   %FALSE if it confirmed the cached version, in which case what
   *   changed since follows as pushes
   *
   * The answer to a roster request arrived.  This is the point after
   * which RFC 6121 §2.2 expects the initial presence.
   */
  signals[SIGNAL_LOADED] =
    g_signal_new ("loaded",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
xmpp_roster_init (XmppRoster *self)
{
  self->cancellable = g_cancellable_new ();
  self->items = g_hash_table_new_full (xmpp_jid_hash, xmpp_jid_equal,
                                       (GDestroyNotify) xmpp_jid_unref,
                                       (GDestroyNotify) xmpp_roster_item_unref);
}

/**
 * xmpp_roster_new:
 * @client: the client to attach to
 *
 * Creates the roster module of @client.  It registers for roster pushes
 * at once and fetches the roster whenever @client comes online without
 * resuming.  Restore a cached roster with xmpp_roster_set_cached() before
 * connecting.
 *
 * Returns: (transfer full): a new #XmppRoster
 */
XmppRoster *
xmpp_roster_new (XmppClient *client)
{
  g_return_val_if_fail (XMPP_IS_CLIENT (client), NULL);

  return g_object_new (XMPP_TYPE_ROSTER, "client", client, NULL);
}

/**
 * xmpp_roster_get_client:
 * @self: a roster
 *
 * Returns: (transfer none) (nullable): the client, or %NULL once @self is
 *   disposed
 */
XmppClient *
xmpp_roster_get_client (XmppRoster *self)
{
  g_return_val_if_fail (XMPP_IS_ROSTER (self), NULL);

  return self->client;
}

/**
 * xmpp_roster_get_version:
 * @self: a roster
 *
 * Returns: (nullable): the roster version the items reflect; see
 *   #XmppRoster:version
 */
const char *
xmpp_roster_get_version (XmppRoster *self)
{
  g_return_val_if_fail (XMPP_IS_ROSTER (self), NULL);

  return self->version;
}

/**
 * xmpp_roster_set_cached:
 * @self: a roster
 * @version: (nullable): the version stored with @items
 * @items: (element-type XmppRosterItem) (transfer none): the stored items
 *
 * Restores a roster saved from an earlier session, typically before the
 * first connect.  The next roster request sends @version, and a server
 * with roster versioning then answers with only what changed since.
 *
 * The items are replaced without ::item-changed or ::item-removed: the
 * caller knows them already.  Items with `subscription='remove'` and
 * repeated JIDs (the last wins) are skipped.
 */
void
xmpp_roster_set_cached (XmppRoster *self,
                        const char *version,
                        GPtrArray  *items)
{
  g_return_if_fail (XMPP_IS_ROSTER (self));
  g_return_if_fail (items != NULL);

  g_hash_table_remove_all (self->items);
  for (guint i = 0; i < items->len; i++)
    {
      XmppRosterItem *item = g_ptr_array_index (items, i);

      g_return_if_fail (item != NULL);
      if (item->subscription == XMPP_ROSTER_SUBSCRIPTION_REMOVE)
        continue;
      g_hash_table_replace (self->items, xmpp_jid_ref (item->jid), xmpp_roster_item_ref (item));
    }
  roster_set_version (self, version);
}

/**
 * xmpp_roster_get_items:
 * @self: a roster
 *
 * The current roster, for iterating.  The table belongs to @self and
 * changes with every push; don't keep it, and don't change it.
 *
 * Returns: (transfer none) (element-type XmppJid XmppRosterItem): the
 *   items, keyed by their JID (a bare JID, as RFC 6121 §2.1.2.3 asks)
 */
GHashTable *
xmpp_roster_get_items (XmppRoster *self)
{
  g_return_val_if_fail (XMPP_IS_ROSTER (self), NULL);

  return self->items;
}

/**
 * xmpp_roster_dup_items:
 * @self: a roster
 *
 * Returns: (transfer full) (element-type XmppRosterItem): a snapshot of
 *   the items, in no particular order
 */
GPtrArray *
xmpp_roster_dup_items (XmppRoster *self)
{
  GPtrArray *items;
  GHashTableIter iter;
  gpointer value;

  g_return_val_if_fail (XMPP_IS_ROSTER (self), NULL);

  items = g_ptr_array_new_full (g_hash_table_size (self->items),
                                (GDestroyNotify) xmpp_roster_item_unref);
  g_hash_table_iter_init (&iter, self->items);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    g_ptr_array_add (items, xmpp_roster_item_ref (value));

  return items;
}

/**
 * xmpp_roster_lookup:
 * @self: a roster
 * @jid: a JID; a full JID finds the item of its bare JID
 *
 * Returns: (transfer none) (nullable): the item of @jid, or %NULL
 */
XmppRosterItem *
xmpp_roster_lookup (XmppRoster *self,
                    XmppJid    *jid)
{
  g_autoptr(XmppJid) bare = NULL;
  XmppRosterItem *item;

  g_return_val_if_fail (XMPP_IS_ROSTER (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  item = g_hash_table_lookup (self->items, jid);
  if (item != NULL || xmpp_jid_is_bare (jid))
    return item;

  bare = xmpp_jid_dup_bare (jid);
  return g_hash_table_lookup (self->items, bare);
}

static void
roster_fetch_cb (GObject      *object,
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

  xmpp_roster_apply_result (g_task_get_source_object (task), reply);
  g_task_return_boolean (task, TRUE);
}

/**
 * xmpp_roster_fetch_async:
 * @self: a roster
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the roster has been received and applied
 * @user_data: data for @callback
 *
 * Requests the roster now, with the current version if the server
 * supports versioning, and applies the answer as the automatic request
 * on ::online does, emitting ::loaded.
 */
void
xmpp_roster_fetch_async (XmppRoster          *self,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XmppNode) iq = NULL;

  g_return_if_fail (XMPP_IS_ROSTER (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, xmpp_roster_fetch_async);

  if (self->client == NULL)
    {
      g_task_return_new_error (task, XMPP_ERROR, XMPP_ERROR_NOT_CONNECTED,
                               "%s", _("The roster is no longer attached to an account"));
      return;
    }

  iq = roster_build_request (self);
  xmpp_client_iq_async (self->client, iq, cancellable, roster_fetch_cb, g_steal_pointer (&task));
}

/**
 * xmpp_roster_fetch_finish:
 * @self: a roster
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the roster was received and applied
 */
gboolean
xmpp_roster_fetch_finish (XmppRoster    *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (XMPP_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xmpp_roster_fetch_async, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
roster_set_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(XmppNode) reply = NULL;
  GError *error = NULL;

  reply = xmpp_client_iq_finish (XMPP_CLIENT (object), result, &error);
  if (reply == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static void
roster_send_set (XmppRoster          *self,
                 XmppNode            *iq,
                 gpointer             source_tag,
                 GCancellable        *cancellable,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  if (self->client == NULL)
    {
      g_task_return_new_error (task, XMPP_ERROR, XMPP_ERROR_NOT_CONNECTED,
                               "%s", _("The roster is no longer attached to an account"));
      return;
    }

  xmpp_client_iq_async (self->client, iq, cancellable, roster_set_cb, g_steal_pointer (&task));
}

/**
 * xmpp_roster_set_item_async:
 * @self: a roster
 * @jid: the contact's JID, normally bare
 * @name: (nullable): the name to give the contact; %NULL or `""` for none
 * @groups: (nullable) (array zero-terminated=1): the groups to put it in;
 *   %NULL for none.  Empty and repeated names are dropped.
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server has answered
 * @user_data: data for @callback
 *
 * Adds @jid to the roster or updates its item (RFC 6121 §2.3, §2.4).  The
 * request replaces the name and groups as a whole.  The roster itself
 * changes when the server's push arrives, with ::item-changed; servers
 * send it just before or just after the answer that completes this call.
 *
 * Adding a contact does not ask for their presence; see
 * xmpp_presence_subscribe().
 */
void
xmpp_roster_set_item_async (XmppRoster          *self,
                            XmppJid             *jid,
                            const char          *name,
                            const char * const  *groups,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(XmppNode) iq = NULL;

  g_return_if_fail (XMPP_IS_ROSTER (self));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iq = xmpp_roster_build_set (jid, name, groups);
  roster_send_set (self, iq, xmpp_roster_set_item_async, cancellable, callback, user_data);
}

/**
 * xmpp_roster_set_item_finish:
 * @self: a roster
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the server accepted the item; otherwise @error is set,
 *   to %XMPP_ERROR_STANZA if the server refused it
 */
gboolean
xmpp_roster_set_item_finish (XmppRoster    *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (XMPP_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xmpp_roster_set_item_async,
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * xmpp_roster_remove_item_async:
 * @self: a roster
 * @jid: the JID of the item to remove
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server has answered
 * @user_data: data for @callback
 *
 * Removes @jid from the roster (RFC 6121 §2.5).  The server also cancels
 * the subscriptions in both directions.  ::item-removed comes with the
 * server's push, which may arrive just before or just after the answer.
 */
void
xmpp_roster_remove_item_async (XmppRoster          *self,
                               XmppJid             *jid,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(XmppNode) iq = NULL;

  g_return_if_fail (XMPP_IS_ROSTER (self));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  iq = xmpp_roster_build_remove (jid);
  roster_send_set (self, iq, xmpp_roster_remove_item_async, cancellable, callback, user_data);
}

/**
 * xmpp_roster_remove_item_finish:
 * @self: a roster
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the item was removed; otherwise @error is set, to
 *   %XMPP_ERROR_STANZA with `item-not-found` if there was no such item
 */
gboolean
xmpp_roster_remove_item_finish (XmppRoster    *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (XMPP_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == xmpp_roster_remove_item_async,
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
