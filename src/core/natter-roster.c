/* natter-roster.c: the contacts of one account as a list model
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-roster.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "xmpp/xmpp.h"

#include "natter-account.h"
#include "natter-contact-private.h"
#include "natter-contact.h"
#include "natter-error.h"
#include "natter-roster-private.h"

/**
 * NatterRoster:
 *
 * The contacts of one account, a #GListModel of #NatterContact sorted by
 * name (then JID), for the interface to show.
 *
 * It holds the roster items, and also everyone who asked to see the
 * account's presence without being in the roster, with
 * #NatterContact:pending-in set, so the request can be shown and
 * answered.  Each change of the list is one ::items-changed; a contact
 * whose name changes moves, and changes of presence or subscription are
 * notified on the contact itself.
 *
 * The roster follows the engine's roster, presence and blocklist
 * modules of its account; it shows the cached roster before the server
 * answers.  Blocking (XEP-0191) works on any address, in the roster or
 * not: natter_roster_block_async() and natter_roster_is_blocked(), with
 * #NatterContact:blocked on the contacts of the list.
 */
struct _NatterRoster
{
  GObject        parent_instance;

  NatterAccount *account;        /* weak */
  XmppRoster    *xmpp_roster;
  XmppPresence  *presence;
  XmppBlocking  *blocking;
  GPtrArray     *contacts;       /* NatterContact *, sorted */
  GHashTable    *by_jid;         /* bare JID string (the contact's) -> NatterContact * */
};

static void natter_roster_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (NatterRoster, natter_roster, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      natter_roster_list_model_init))

enum {
  PROP_0,
  PROP_ACCOUNT,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_BLOCKLIST_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* ------------------------------------------------------------------------
 * The list
 * ------------------------------------------------------------------------ */

static GType
natter_roster_get_item_type (GListModel *model)
{
  return NATTER_TYPE_CONTACT;
}

static guint
natter_roster_get_n_items (GListModel *model)
{
  return NATTER_ROSTER (model)->contacts->len;
}

static gpointer
natter_roster_get_item (GListModel *model,
                        guint       position)
{
  NatterRoster *self = NATTER_ROSTER (model);

  if (position >= self->contacts->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->contacts, position));
}

static void
natter_roster_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = natter_roster_get_item_type;
  iface->get_n_items = natter_roster_get_n_items;
  iface->get_item = natter_roster_get_item;
}

static void
items_changed (NatterRoster *self,
               guint         position,
               guint         removed,
               guint         added)
{
  g_list_model_items_changed (G_LIST_MODEL (self), position, removed, added);
  if (removed != added)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

/* The first position whose contact sorts at or after @contact. */
static guint
insertion_point (NatterRoster  *self,
                 NatterContact *contact)
{
  guint low = 0;
  guint high = self->contacts->len;

  while (low < high)
    {
      guint middle = low + (high - low) / 2;

      if (natter_contact_compare (g_ptr_array_index (self->contacts, middle), contact) < 0)
        low = middle + 1;
      else
        high = middle;
    }
  return low;
}

/* Where @contact is; its sort key must be the one it was inserted with. */
static guint
position_of (NatterRoster  *self,
             NatterContact *contact)
{
  guint position = insertion_point (self, contact);

  g_assert (position < self->contacts->len &&
            g_ptr_array_index (self->contacts, position) == contact);
  return position;
}

static void
insert_contact (NatterRoster  *self,
                NatterContact *contact)
{
  guint position = insertion_point (self, contact);

  g_ptr_array_insert (self->contacts, position, g_object_ref (contact));
  g_hash_table_insert (self->by_jid, (gpointer) natter_contact_get_jid (contact), contact);
  items_changed (self, position, 0, 1);
}

static void
remove_contact (NatterRoster  *self,
                NatterContact *contact)
{
  guint position = position_of (self, contact);

  g_hash_table_remove (self->by_jid, natter_contact_get_jid (contact));
  g_ptr_array_remove_index (self->contacts, position);
  items_changed (self, position, 1, 0);
}

/* Moves @contact, which was at @old_position, to where its (possibly
 * new) name sorts, as one change covering the stretch it crossed. */
static void
reposition (NatterRoster  *self,
            NatterContact *contact,
            guint          old_position)
{
  guint new_position;
  guint first;
  guint count;

  g_ptr_array_steal_index (self->contacts, old_position);
  new_position = insertion_point (self, contact);
  g_ptr_array_insert (self->contacts, new_position, contact);

  if (new_position == old_position)
    return;
  first = MIN (old_position, new_position);
  count = MAX (old_position, new_position) - first + 1;
  items_changed (self, first, count, count);
}

static NatterContact *
lookup_jid (NatterRoster *self,
            XmppJid      *jid)
{
  g_autoptr(XmppJid) bare = NULL;

  if (xmpp_jid_is_bare (jid))
    return g_hash_table_lookup (self->by_jid, xmpp_jid_to_string (jid));
  bare = xmpp_jid_dup_bare (jid);
  return g_hash_table_lookup (self->by_jid, xmpp_jid_to_string (bare));
}

static gboolean
is_blocked_jid (NatterRoster *self,
                XmppJid      *jid)
{
  return self->blocking != NULL && xmpp_blocking_is_blocked (self->blocking, jid);
}

/* A contact for @jid, blocked or not as the server's list says. */
static NatterContact *
create_contact (NatterRoster *self,
                XmppJid      *jid)
{
  NatterContact *contact = natter_contact_new (self->account, jid);
  XmppJid *bare = natter_contact_get_xmpp_jid (contact);

  natter_contact_set_blocked (contact, is_blocked_jid (self, bare));
  return contact;
}

static gboolean
is_own_jid (NatterRoster *self,
            XmppJid      *jid)
{
  return self->account != NULL &&
         g_strcmp0 (xmpp_jid_to_bare_string (jid), natter_account_get_jid (self->account)) == 0;
}

/* ------------------------------------------------------------------------
 * Following the engine
 * ------------------------------------------------------------------------ */

static void
apply_item (NatterRoster   *self,
            XmppRosterItem *item)
{
  XmppJid *jid = xmpp_roster_item_get_jid (item);
  NatterContact *contact;
  guint position;

  if (!xmpp_jid_is_bare (jid))
    {
      /* RFC 6121 §2.1.2.3 has roster items at bare JIDs; a full JID is
       * one no presence or message of ours would match. */
      g_debug ("roster: ignoring the item of a full JID");
      return;
    }

  contact = lookup_jid (self, jid);
  if (contact == NULL)
    {
      g_autoptr(NatterContact) created = create_contact (self, jid);

      natter_contact_set_item (created, item);
      natter_contact_update_presence (created, self->presence);
      insert_contact (self, created);
      return;
    }

  position = position_of (self, contact);
  natter_contact_set_item (contact, item);
  reposition (self, contact, position);
}

static void
apply_removal (NatterRoster *self,
               XmppJid      *jid)
{
  NatterContact *contact = lookup_jid (self, jid);
  guint position;

  if (contact == NULL)
    return;

  /* Someone whose request is waiting stays, to be answered. */
  if (!natter_contact_get_pending_in (contact))
    {
      remove_contact (self, contact);
      return;
    }
  position = position_of (self, contact);
  natter_contact_set_item (contact, NULL);
  reposition (self, contact, position);
}

static void
item_changed_cb (XmppRoster     *roster,
                 XmppRosterItem *item,
                 NatterRoster   *self)
{
  apply_item (self, item);
}

static void
item_removed_cb (XmppRoster   *roster,
                 XmppJid      *jid,
                 NatterRoster *self)
{
  apply_removal (self, jid);
}

static void
resource_changed_cb (XmppPresence         *presence,
                     XmppJid              *jid,
                     XmppPresenceResource *resource,
                     NatterRoster         *self)
{
  NatterContact *contact = lookup_jid (self, jid);

  if (contact != NULL)
    natter_contact_update_presence (contact, presence);
}

static void
resource_removed_cb (XmppPresence *presence,
                     XmppJid      *jid,
                     NatterRoster *self)
{
  NatterContact *contact = lookup_jid (self, jid);

  if (contact != NULL)
    natter_contact_update_presence (contact, presence);
}

static gboolean
is_online (NatterRoster *self)
{
  return self->xmpp_roster != NULL &&
         xmpp_client_get_state (xmpp_roster_get_client (self->xmpp_roster)) == XMPP_CLIENT_ONLINE;
}

static void
subscription_request_cb (XmppPresence *presence,
                         XmppJid      *jid,
                         const char   *nick,
                         const char   *status,
                         NatterRoster *self)
{
  NatterContact *contact;

  if (is_own_jid (self, jid))
    return;

  contact = lookup_jid (self, jid);
  if (contact == NULL)
    {
      g_autoptr(NatterContact) created = create_contact (self, jid);

      natter_contact_set_pending_in (created, TRUE);
      insert_contact (self, created);
      return;
    }

  /* We asked the contact for its presence ourselves, so it may see ours:
   * what pre-approval (RFC 6121 §3.4) does on servers that offer it. */
  if (natter_contact_get_subscription (contact) == NATTER_SUBSCRIPTION_TO ||
      natter_contact_get_pending_out (contact))
    {
      g_debug ("roster: approving a request from a contact we asked ourselves");
      xmpp_presence_approve (presence, jid);
      return;
    }

  natter_contact_set_pending_in (contact, TRUE);
}

static void
unsubscribe_cb (XmppPresence *presence,
                XmppJid      *jid,
                NatterRoster *self)
{
  NatterContact *contact = lookup_jid (self, jid);

  /* A request withdrawn, or a subscription ended: nothing to answer. */
  if (contact == NULL)
    return;
  natter_contact_set_pending_in (contact, FALSE);
  if (!natter_contact_get_in_roster (contact))
    remove_contact (self, contact);
}

/* Makes every contact's #NatterContact:blocked match the server's list.
 * The server drops a request from someone blocked (Prosody does, since
 * the request can no longer be answered), so a blocked contact's request
 * is no longer waiting, and someone who only asked leaves the list, as
 * after natter_roster_deny(). */
static void
sync_blocked (NatterRoster *self)
{
  g_autoptr(GPtrArray) answered = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < self->contacts->len; i++)
    {
      NatterContact *contact = g_ptr_array_index (self->contacts, i);
      gboolean blocked = is_blocked_jid (self, natter_contact_get_xmpp_jid (contact));

      natter_contact_set_blocked (contact, blocked);
      if (blocked && natter_contact_get_pending_in (contact))
        g_ptr_array_add (answered, g_object_ref (contact));
    }

  for (guint i = 0; i < answered->len; i++)
    {
      NatterContact *contact = g_ptr_array_index (answered, i);

      natter_contact_set_pending_in (contact, FALSE);
      if (!natter_contact_get_in_roster (contact))
        remove_contact (self, contact);
    }
}

static void
blocklist_changed_cb (XmppBlocking *blocking,
                      NatterRoster *self)
{
  sync_blocked (self);
  g_signal_emit (self, signals[SIGNAL_BLOCKLIST_CHANGED], 0);
}

static void
unbind (NatterRoster *self)
{
  if (self->xmpp_roster != NULL)
    g_signal_handlers_disconnect_by_data (self->xmpp_roster, self);
  if (self->presence != NULL)
    g_signal_handlers_disconnect_by_data (self->presence, self);
  if (self->blocking != NULL)
    g_signal_handlers_disconnect_by_data (self->blocking, self);
  g_clear_object (&self->xmpp_roster);
  g_clear_object (&self->presence);
  g_clear_object (&self->blocking);
}

static int
compare_indirect (gconstpointer a,
                  gconstpointer b)
{
  return natter_contact_compare (*(NatterContact **) a, *(NatterContact **) b);
}

/* Makes the list match @roster, as a first fill or after the account
 * replaced its modules. */
static void
sync_with_engine (NatterRoster *self)
{
  g_autoptr(GPtrArray) items = xmpp_roster_dup_items (self->xmpp_roster);
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_jid_unref);

  if (self->contacts->len == 0)
    {
      /* The first fill: one change for all. */
      for (guint i = 0; i < items->len; i++)
        {
          XmppRosterItem *item = g_ptr_array_index (items, i);
          NatterContact *contact;

          if (!xmpp_jid_is_bare (xmpp_roster_item_get_jid (item)))
            continue;
          contact = create_contact (self, xmpp_roster_item_get_jid (item));
          natter_contact_set_item (contact, item);
          natter_contact_update_presence (contact, self->presence);
          g_ptr_array_add (self->contacts, contact);
          g_hash_table_insert (self->by_jid, (gpointer) natter_contact_get_jid (contact), contact);
        }
      g_ptr_array_sort (self->contacts, compare_indirect);
      if (self->contacts->len > 0)
        items_changed (self, 0, 0, self->contacts->len);
      return;
    }

  for (guint i = 0; i < self->contacts->len; i++)
    {
      NatterContact *contact = g_ptr_array_index (self->contacts, i);

      if (natter_contact_get_in_roster (contact) &&
          xmpp_roster_lookup (self->xmpp_roster, natter_contact_get_xmpp_jid (contact)) == NULL)
        g_ptr_array_add (gone, xmpp_jid_ref (natter_contact_get_xmpp_jid (contact)));
    }
  for (guint i = 0; i < gone->len; i++)
    apply_removal (self, g_ptr_array_index (gone, i));
  for (guint i = 0; i < items->len; i++)
    apply_item (self, g_ptr_array_index (items, i));
  for (guint i = 0; i < self->contacts->len; i++)
    natter_contact_update_presence (g_ptr_array_index (self->contacts, i), self->presence);
}

/**
 * natter_roster_bind:
 * @self: a roster
 * @roster: (nullable): the engine's roster module of the account
 * @presence: (nullable): the engine's presence module of the account
 * @blocking: (nullable): the engine's blocklist module of the account
 *
 * Follows @roster, @presence and @blocking from now on, or nothing if
 * %NULL (the contacts then show as offline, and keep what the last
 * blocklist said).
 */
void
natter_roster_bind (NatterRoster *self,
                    XmppRoster   *roster,
                    XmppPresence *presence,
                    XmppBlocking *blocking)
{
  g_return_if_fail (NATTER_IS_ROSTER (self));
  g_return_if_fail (roster == NULL || XMPP_IS_ROSTER (roster));
  g_return_if_fail (presence == NULL || XMPP_IS_PRESENCE (presence));
  g_return_if_fail (blocking == NULL || XMPP_IS_BLOCKING (blocking));
  g_return_if_fail ((roster == NULL) == (presence == NULL));
  g_return_if_fail ((roster == NULL) == (blocking == NULL));

  unbind (self);
  if (roster == NULL)
    {
      for (guint i = 0; i < self->contacts->len; i++)
        natter_contact_update_presence (g_ptr_array_index (self->contacts, i), NULL);
      return;
    }

  self->xmpp_roster = g_object_ref (roster);
  self->presence = g_object_ref (presence);
  self->blocking = g_object_ref (blocking);
  g_signal_connect (roster, "item-changed", G_CALLBACK (item_changed_cb), self);
  g_signal_connect (roster, "item-removed", G_CALLBACK (item_removed_cb), self);
  g_signal_connect (presence, "resource-changed", G_CALLBACK (resource_changed_cb), self);
  g_signal_connect (presence, "resource-removed", G_CALLBACK (resource_removed_cb), self);
  g_signal_connect (presence, "subscription-request", G_CALLBACK (subscription_request_cb), self);
  g_signal_connect (presence, "unsubscribe", G_CALLBACK (unsubscribe_cb), self);
  g_signal_connect (blocking, "changed", G_CALLBACK (blocklist_changed_cb), self);
  sync_with_engine (self);
  sync_blocked (self);
}

/* ------------------------------------------------------------------------
 * GObject
 * ------------------------------------------------------------------------ */

static void
natter_roster_dispose (GObject *object)
{
  NatterRoster *self = NATTER_ROSTER (object);

  unbind (self);
  if (self->account != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->account), (gpointer *) &self->account);
  self->account = NULL;

  G_OBJECT_CLASS (natter_roster_parent_class)->dispose (object);
}

static void
natter_roster_finalize (GObject *object)
{
  NatterRoster *self = NATTER_ROSTER (object);

  g_clear_pointer (&self->by_jid, g_hash_table_unref);
  g_clear_pointer (&self->contacts, g_ptr_array_unref);

  G_OBJECT_CLASS (natter_roster_parent_class)->finalize (object);
}

static void
natter_roster_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  NatterRoster *self = NATTER_ROSTER (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;

    case PROP_N_ITEMS:
      g_value_set_uint (value, self->contacts->len);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_roster_class_init (NatterRosterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = natter_roster_dispose;
  object_class->finalize = natter_roster_finalize;
  object_class->get_property = natter_roster_get_property;

  /**
   * NatterRoster:account:
   *
   * The account whose contacts these are, or %NULL once it is gone.
   */
  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL,
                         NATTER_TYPE_ACCOUNT,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterRoster:n-items:
   *
   * The number of contacts.
   */
  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * NatterRoster::blocklist-changed:
   * @self: the roster
   *
   * The account's blocklist changed: fetched from the server, or changed
   * by this or another device of the account.  Contacts of the list
   * notify #NatterContact:blocked; this signal is for addresses outside
   * it, to ask natter_roster_is_blocked() again.
   */
  signals[SIGNAL_BLOCKLIST_CHANGED] =
    g_signal_new ("blocklist-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
natter_roster_init (NatterRoster *self)
{
  self->contacts = g_ptr_array_new_with_free_func (g_object_unref);
  self->by_jid = g_hash_table_new (g_str_hash, g_str_equal);
}

/**
 * natter_roster_new:
 * @account: the account
 *
 * Creates an empty roster for @account; natter_roster_bind() fills it.
 *
 * Returns: (transfer full): a new roster
 */
NatterRoster *
natter_roster_new (NatterAccount *account)
{
  NatterRoster *self;

  g_return_val_if_fail (NATTER_IS_ACCOUNT (account), NULL);

  self = g_object_new (NATTER_TYPE_ROSTER, NULL);
  self->account = account;
  g_object_add_weak_pointer (G_OBJECT (account), (gpointer *) &self->account);
  return self;
}

/* ------------------------------------------------------------------------
 * Public API
 * ------------------------------------------------------------------------ */

/**
 * natter_roster_get_account:
 * @self: a roster
 *
 * Returns: (transfer none) (nullable): the account, or %NULL once it is gone
 */
NatterAccount *
natter_roster_get_account (NatterRoster *self)
{
  g_return_val_if_fail (NATTER_IS_ROSTER (self), NULL);

  return self->account;
}

/**
 * natter_roster_lookup:
 * @self: a roster
 * @jid: a JID; only its bare part counts
 *
 * Returns: (transfer none) (nullable): the contact of @jid, or %NULL
 */
NatterContact *
natter_roster_lookup (NatterRoster *self,
                      const char   *jid)
{
  g_autoptr(XmppJid) parsed = NULL;

  g_return_val_if_fail (NATTER_IS_ROSTER (self), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  parsed = xmpp_jid_new (jid, NULL);
  if (parsed == NULL)
    return NULL;
  return lookup_jid (self, parsed);
}

static gboolean
check_online (NatterRoster  *self,
              GError       **error)
{
  if (is_online (self))
    return TRUE;
  g_set_error (error, NATTER_ERROR, NATTER_ERROR_NOT_CONNECTED,
               _("The account %s is not connected"),
               self->account != NULL ? natter_account_get_jid (self->account) : "");
  return FALSE;
}

static void
add_contact_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NatterRoster *self = g_task_get_source_object (task);
  XmppJid *jid = g_task_get_task_data (task);
  NatterContact *contact;
  GError *error = NULL;

  if (!xmpp_roster_set_item_finish (XMPP_ROSTER (object), result, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (self->presence == NULL)
    {
      g_task_return_new_error (task, NATTER_ERROR, NATTER_ERROR_NOT_CONNECTED,
                               _("The account was disconnected"));
      return;
    }

  contact = lookup_jid (self, jid);

  /* Ask for the contact's presence, and let it see ours when it asks in
   * turn (RFC 6121 §3.1, §3.4); a request of its own is answered now. */
  if (contact == NULL ||
      (natter_contact_get_subscription (contact) != NATTER_SUBSCRIPTION_TO &&
       natter_contact_get_subscription (contact) != NATTER_SUBSCRIPTION_BOTH &&
       !natter_contact_get_pending_out (contact)))
    xmpp_presence_subscribe (self->presence, jid, NULL, NULL);

  if (contact != NULL && natter_contact_get_pending_in (contact))
    natter_roster_approve (self, contact, NULL);
  else if ((contact == NULL ||
            (natter_contact_get_subscription (contact) != NATTER_SUBSCRIPTION_FROM &&
             natter_contact_get_subscription (contact) != NATTER_SUBSCRIPTION_BOTH)) &&
           xmpp_presence_can_preapprove (self->presence))
    {
      g_autoptr(GError) preapprove_error = NULL;

      if (!xmpp_presence_preapprove (self->presence, jid, &preapprove_error))
        g_debug ("roster: no pre-approval: %s", preapprove_error->message);
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * natter_roster_add_contact_async:
 * @self: a roster
 * @jid: the address the user typed
 * @name: (nullable): a name for the contact
 * @groups: (nullable) (array zero-terminated=1): roster groups
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Adds a contact to the roster and asks for its presence; it is allowed
 * to see ours in turn (pre-approved where the server can).  If the
 * contact already asked to see our presence, that request is approved.
 * The contact appears in the list when the server confirms it.
 *
 * A @jid that is not a valid address, or is the account's own, fails at
 * once with %NATTER_ERROR_INVALID_JID; one whose presence we already
 * receive with %NATTER_ERROR_EXISTS; an account that is not online with
 * %NATTER_ERROR_NOT_CONNECTED.
 */
void
natter_roster_add_contact_async (NatterRoster        *self,
                                 const char          *jid,
                                 const char          *name,
                                 const char * const  *groups,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(XmppJid) parsed = NULL;
  g_autoptr(XmppJid) bare = NULL;
  g_autoptr(GError) error = NULL;
  NatterContact *contact;

  g_return_if_fail (NATTER_IS_ROSTER (self));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, natter_roster_add_contact_async);

  parsed = xmpp_jid_new (jid, &error);
  if (parsed == NULL)
    {
      g_task_return_new_error (task, NATTER_ERROR, NATTER_ERROR_INVALID_JID,
                               _("“%s” is not a valid address: %s"), jid, error->message);
      return;
    }
  bare = xmpp_jid_dup_bare (parsed);
  if (is_own_jid (self, bare))
    {
      g_task_return_new_error (task, NATTER_ERROR, NATTER_ERROR_INVALID_JID,
                               _("%s is this account’s own address"), xmpp_jid_to_string (bare));
      return;
    }
  contact = lookup_jid (self, bare);
  if (contact != NULL && natter_contact_get_in_roster (contact) &&
      (natter_contact_get_subscription (contact) == NATTER_SUBSCRIPTION_TO ||
       natter_contact_get_subscription (contact) == NATTER_SUBSCRIPTION_BOTH))
    {
      g_task_return_new_error (task, NATTER_ERROR, NATTER_ERROR_EXISTS,
                               _("%s is already a contact"), xmpp_jid_to_string (bare));
      return;
    }
  if (!check_online (self, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_task_set_task_data (task, xmpp_jid_ref (bare), (GDestroyNotify) xmpp_jid_unref);
  xmpp_roster_set_item_async (self->xmpp_roster, bare, name, groups, cancellable,
                              add_contact_cb, g_steal_pointer (&task));
}

/**
 * natter_roster_add_contact_finish:
 * @self: a roster
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the server added the contact
 */
gboolean
natter_roster_add_contact_finish (NatterRoster  *self,
                                  GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (NATTER_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
set_item_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!xmpp_roster_set_item_finish (XMPP_ROSTER (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
check_contact (NatterRoster   *self,
               NatterContact  *contact,
               GError        **error)
{
  if (lookup_jid (self, natter_contact_get_xmpp_jid (contact)) != contact)
    {
      g_set_error (error, NATTER_ERROR, NATTER_ERROR_FAILED,
                   _("%s is no longer a contact"), natter_contact_get_jid (contact));
      return FALSE;
    }
  return TRUE;
}

/**
 * natter_roster_rename_contact_async:
 * @self: a roster
 * @contact: a contact in the roster
 * @name: (nullable): its new name, %NULL or `""` for none
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Renames a contact on the server; the list follows when the server
 * confirms.  Its groups stay.
 */
void
natter_roster_rename_contact_async (NatterRoster        *self,
                                    NatterContact       *contact,
                                    const char          *name,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (NATTER_IS_ROSTER (self));
  g_return_if_fail (NATTER_IS_CONTACT (contact));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, natter_roster_rename_contact_async);

  if (!check_contact (self, contact, &error) || !check_online (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  xmpp_roster_set_item_async (self->xmpp_roster, natter_contact_get_xmpp_jid (contact), name,
                              natter_contact_get_groups (contact), cancellable,
                              set_item_cb, g_steal_pointer (&task));
}

/**
 * natter_roster_rename_contact_finish:
 * @self: a roster
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the server renamed the contact
 */
gboolean
natter_roster_rename_contact_finish (NatterRoster  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (NATTER_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
remove_item_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (!xmpp_roster_remove_item_finish (XMPP_ROSTER (object), result, &error))
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
}

/**
 * natter_roster_remove_contact_async:
 * @self: a roster
 * @contact: a contact
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Removes a contact from the roster, which ends the subscriptions both
 * ways (RFC 6121 §2.5).  For someone who only asked to see our presence,
 * the request is denied.  The list follows when the server confirms.
 */
void
natter_roster_remove_contact_async (NatterRoster        *self,
                                    NatterContact       *contact,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (NATTER_IS_ROSTER (self));
  g_return_if_fail (NATTER_IS_CONTACT (contact));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, natter_roster_remove_contact_async);

  if (!check_contact (self, contact, &error) || !check_online (self, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  if (!natter_contact_get_in_roster (contact))
    {
      if (!natter_roster_deny (self, contact, &error))
        g_task_return_error (task, error);
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  xmpp_roster_remove_item_async (self->xmpp_roster, natter_contact_get_xmpp_jid (contact),
                                 cancellable, remove_item_cb, g_steal_pointer (&task));
}

/**
 * natter_roster_remove_contact_finish:
 * @self: a roster
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the contact was removed
 */
gboolean
natter_roster_remove_contact_finish (NatterRoster  *self,
                                     GAsyncResult  *result,
                                     GError       **error)
{
  g_return_val_if_fail (NATTER_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * natter_roster_approve:
 * @self: a roster
 * @contact: a contact with #NatterContact:pending-in set
 * @error: return location for a #GError
 *
 * Lets the contact see our presence (RFC 6121 §3.1.4) and, unless we
 * receive or asked for its presence already, asks for it in turn, so
 * both see each other.  The server adds the contact to the roster.
 *
 * Returns: %TRUE if the answer was sent; %FALSE with
 *   %NATTER_ERROR_NOT_CONNECTED if the account is not online
 */
gboolean
natter_roster_approve (NatterRoster   *self,
                       NatterContact  *contact,
                       GError        **error)
{
  NatterSubscription subscription;
  XmppJid *jid;

  g_return_val_if_fail (NATTER_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (NATTER_IS_CONTACT (contact), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_contact (self, contact, error) || !check_online (self, error))
    return FALSE;

  jid = natter_contact_get_xmpp_jid (contact);
  xmpp_presence_approve (self->presence, jid);
  natter_contact_set_pending_in (contact, FALSE);

  subscription = natter_contact_get_subscription (contact);
  if (subscription != NATTER_SUBSCRIPTION_TO && subscription != NATTER_SUBSCRIPTION_BOTH &&
      !natter_contact_get_pending_out (contact))
    xmpp_presence_subscribe (self->presence, jid, NULL, NULL);
  return TRUE;
}

/**
 * natter_roster_deny:
 * @self: a roster
 * @contact: a contact with #NatterContact:pending-in set
 * @error: return location for a #GError
 *
 * Refuses the contact our presence (RFC 6121 §3.1.4).  Someone who is
 * not in the roster leaves the list.
 *
 * Returns: %TRUE if the answer was sent; %FALSE with
 *   %NATTER_ERROR_NOT_CONNECTED if the account is not online
 */
gboolean
natter_roster_deny (NatterRoster   *self,
                    NatterContact  *contact,
                    GError        **error)
{
  g_return_val_if_fail (NATTER_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (NATTER_IS_CONTACT (contact), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!check_contact (self, contact, error) || !check_online (self, error))
    return FALSE;

  xmpp_presence_deny (self->presence, natter_contact_get_xmpp_jid (contact));
  natter_contact_set_pending_in (contact, FALSE);
  if (!natter_contact_get_in_roster (contact))
    remove_contact (self, contact);
  return TRUE;
}

/* ------------------------------------------------------------------------
 * Blocking (XEP-0191)
 * ------------------------------------------------------------------------ */

typedef struct
{
  XmppJid  *jid;
  gboolean  block;
} BlockData;

static void
block_data_free (BlockData *data)
{
  g_clear_pointer (&data->jid, xmpp_jid_unref);
  g_free (data);
}

/* The engine's error in the words of this operation. */
static GError *
describe_block_error (NatterRoster *self,
                      BlockData    *data,
                      GError       *error)
{
  g_autoptr(GError) owned = error;
  g_autoptr(XmppJid) own = NULL;
  g_autofree char *message = NULL;
  const char *jid = xmpp_jid_to_string (data->jid);

  if (g_error_matches (owned, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return g_steal_pointer (&owned);

  if (g_error_matches (owned, XMPP_ERROR, XMPP_ERROR_NOT_CONNECTED))
    return g_error_new (NATTER_ERROR, NATTER_ERROR_NOT_CONNECTED,
                        data->block ? _("Could not block %s: the account was disconnected")
                                    : _("Could not unblock %s: the account was disconnected"),
                        jid);

  if (self->account != NULL)
    own = xmpp_jid_new (natter_account_get_jid (self->account), NULL);
  message = natter_error_dup_message (owned, own != NULL ? xmpp_jid_get_domainpart (own) : "");
  return g_error_new (NATTER_ERROR, NATTER_ERROR_FAILED,
                      /* TRANSLATORS: %s is an address, then the reason */
                      data->block ? _("Could not block %s: %s") : _("Could not unblock %s: %s"),
                      jid, message);
}

static void
block_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NatterRoster *self = g_task_get_source_object (task);
  BlockData *data = g_task_get_task_data (task);
  GError *error = NULL;
  gboolean done;

  if (data->block)
    done = xmpp_blocking_block_finish (XMPP_BLOCKING (object), result, &error);
  else
    done = xmpp_blocking_unblock_finish (XMPP_BLOCKING (object), result, &error);

  if (!done)
    g_task_return_error (task, describe_block_error (self, data, error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
change_blocklist (NatterRoster        *self,
                  const char          *jid,
                  gboolean             block,
                  gpointer             source_tag,
                  GCancellable        *cancellable,
                  GAsyncReadyCallback  callback,
                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) parsed = NULL;
  BlockData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);

  parsed = xmpp_jid_new (jid, &error);
  if (parsed == NULL)
    {
      g_task_return_new_error (task, NATTER_ERROR, NATTER_ERROR_INVALID_JID,
                               _("“%s” is not a valid address: %s"), jid, error->message);
      return;
    }
  if (block && is_own_jid (self, parsed))
    {
      g_task_return_new_error (task, NATTER_ERROR, NATTER_ERROR_INVALID_JID,
                               _("%s is this account’s own address, which cannot be blocked"),
                               xmpp_jid_to_string (parsed));
      return;
    }
  if (!is_online (self) || self->blocking == NULL)
    {
      const char *account = self->account != NULL ? natter_account_get_jid (self->account) : "";

      /* TRANSLATORS: the first %s is the address to block, the second the account */
      g_task_return_new_error (task, NATTER_ERROR, NATTER_ERROR_NOT_CONNECTED,
                               block ? _("Could not block %s: the account %s is not connected")
                                     : _("Could not unblock %s: the account %s is not connected"),
                               xmpp_jid_to_string (parsed), account);
      return;
    }

  data = g_new0 (BlockData, 1);
  data->jid = xmpp_jid_ref (parsed);
  data->block = block;
  g_task_set_task_data (task, data, (GDestroyNotify) block_data_free);

  if (block)
    xmpp_blocking_block_async (self->blocking, parsed, cancellable,
                               block_cb, g_steal_pointer (&task));
  else
    xmpp_blocking_unblock_async (self->blocking, parsed, cancellable,
                                 block_cb, g_steal_pointer (&task));
}

/**
 * natter_roster_block_async:
 * @self: a roster
 * @jid: whom to block: usually a bare JID, in the roster or not (a
 *   stranger who wrote); a full JID or a domain also work
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server has blocked @jid
 * @user_data: data for @callback
 *
 * Blocks @jid on the server (XEP-0191): nothing it sends reaches any
 * device of the account, and it no longer sees the account's presence.
 * The contact stays in the roster.  A request of theirs to see our
 * presence is dropped.
 *
 * The server answers, then tells every device of the account, this one
 * included; #NatterContact:blocked and natter_roster_is_blocked() follow
 * that news, which comes right after the answer.
 *
 * A @jid that is not valid, or is the account's own, fails with
 * %NATTER_ERROR_INVALID_JID; an account that is not online with
 * %NATTER_ERROR_NOT_CONNECTED.
 */
void
natter_roster_block_async (NatterRoster        *self,
                           const char          *jid,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_return_if_fail (NATTER_IS_ROSTER (self));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  change_blocklist (self, jid, TRUE, natter_roster_block_async,
                    cancellable, callback, user_data);
}

/**
 * natter_roster_block_finish:
 * @self: a roster
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the server blocked the address
 */
gboolean
natter_roster_block_finish (NatterRoster  *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (NATTER_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == natter_roster_block_async,
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * natter_roster_unblock_async:
 * @self: a roster
 * @jid: whom to unblock, as it was blocked
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the server has unblocked @jid
 * @user_data: data for @callback
 *
 * Lets @jid through again; the server sends the contact our presence
 * again if it may see it.  As with natter_roster_block_async(), the
 * blocked state follows when the server tells the devices.
 *
 * A @jid that is not valid fails with %NATTER_ERROR_INVALID_JID; an
 * account that is not online with %NATTER_ERROR_NOT_CONNECTED.
 */
void
natter_roster_unblock_async (NatterRoster        *self,
                             const char          *jid,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (NATTER_IS_ROSTER (self));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  change_blocklist (self, jid, FALSE, natter_roster_unblock_async,
                    cancellable, callback, user_data);
}

/**
 * natter_roster_unblock_finish:
 * @self: a roster
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the server unblocked the address
 */
gboolean
natter_roster_unblock_finish (NatterRoster  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (NATTER_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == natter_roster_unblock_async,
                        FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * natter_roster_is_blocked:
 * @self: a roster
 * @jid: an address, in the roster or not
 *
 * Whether the server's blocklist, as last heard, stops @jid: it or its
 * bare JID or its domain is on the list.  Before the account first
 * connects nothing is known, and nothing is blocked.
 *
 * Returns: whether @jid is blocked; %FALSE for an invalid address
 */
gboolean
natter_roster_is_blocked (NatterRoster *self,
                          const char   *jid)
{
  g_autoptr(XmppJid) parsed = NULL;

  g_return_val_if_fail (NATTER_IS_ROSTER (self), FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);

  parsed = xmpp_jid_new (jid, NULL);
  return parsed != NULL && is_blocked_jid (self, parsed);
}
