/* natter-contact.c: one contact of an account's roster
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-contact.h"

#include <string.h>

#include "xmpp/xmpp.h"

#include "natter-account.h"
#include "natter-contact-private.h"
#include "natter-core-enums.h"
#include "natter-resource-private.h"

/**
 * NatterContact:
 *
 * A contact of one account: an item of its roster, or someone who asked
 * to see the account's presence and is not in the roster (yet).
 *
 * The object lives as long as the contact is in its #NatterRoster.  Its
 * properties follow roster pushes and presence; the roster never replaces
 * the object for a change.  Everything that comes from the contact (the
 * status messages) is text, never markup.
 */
struct _NatterContact
{
  GObject             parent_instance;

  NatterAccount      *account;   /* weak */
  XmppJid            *jid;
  char               *name;
  char               *roster_name;
  GStrv               groups;
  char               *sort_key;
  NatterSubscription  subscription;
  gboolean            in_roster;
  gboolean            pending_in;
  gboolean            pending_out;
  gboolean            blocked;

  NatterPresenceShow  show;
  char               *status;
  GListStore         *resources;
};

G_DEFINE_FINAL_TYPE (NatterContact, natter_contact, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ACCOUNT,
  PROP_JID,
  PROP_NAME,
  PROP_ROSTER_NAME,
  PROP_GROUPS,
  PROP_SUBSCRIPTION,
  PROP_IN_ROSTER,
  PROP_PENDING_IN,
  PROP_PENDING_OUT,
  PROP_BLOCKED,
  PROP_SHOW,
  PROP_STATUS,
  PROP_ONLINE,
  PROP_RESOURCES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
natter_contact_dispose (GObject *object)
{
  NatterContact *self = NATTER_CONTACT (object);

  if (self->account != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->account), (gpointer *) &self->account);
  self->account = NULL;

  G_OBJECT_CLASS (natter_contact_parent_class)->dispose (object);
}

static void
natter_contact_finalize (GObject *object)
{
  NatterContact *self = NATTER_CONTACT (object);

  g_clear_pointer (&self->jid, xmpp_jid_unref);
  g_clear_pointer (&self->name, g_free);
  g_clear_pointer (&self->roster_name, g_free);
  g_clear_pointer (&self->groups, g_strfreev);
  g_clear_pointer (&self->sort_key, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_object (&self->resources);

  G_OBJECT_CLASS (natter_contact_parent_class)->finalize (object);
}

static void
natter_contact_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  NatterContact *self = NATTER_CONTACT (object);

  switch (prop_id)
    {
    case PROP_ACCOUNT:
      g_value_set_object (value, self->account);
      break;

    case PROP_JID:
      g_value_set_string (value, natter_contact_get_jid (self));
      break;

    case PROP_NAME:
      g_value_set_string (value, self->name);
      break;

    case PROP_ROSTER_NAME:
      g_value_set_string (value, self->roster_name);
      break;

    case PROP_GROUPS:
      g_value_set_boxed (value, self->groups);
      break;

    case PROP_SUBSCRIPTION:
      g_value_set_enum (value, self->subscription);
      break;

    case PROP_IN_ROSTER:
      g_value_set_boolean (value, self->in_roster);
      break;

    case PROP_PENDING_IN:
      g_value_set_boolean (value, self->pending_in);
      break;

    case PROP_PENDING_OUT:
      g_value_set_boolean (value, self->pending_out);
      break;

    case PROP_BLOCKED:
      g_value_set_boolean (value, self->blocked);
      break;

    case PROP_SHOW:
      g_value_set_enum (value, self->show);
      break;

    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;

    case PROP_ONLINE:
      g_value_set_boolean (value, natter_contact_get_online (self));
      break;

    case PROP_RESOURCES:
      g_value_set_object (value, self->resources);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_contact_class_init (NatterContactClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = natter_contact_dispose;
  object_class->finalize = natter_contact_finalize;
  object_class->get_property = natter_contact_get_property;

  /**
   * NatterContact:account:
   *
   * The account whose contact this is, or %NULL once the account is gone.
   */
  properties[PROP_ACCOUNT] =
    g_param_spec_object ("account", NULL, NULL,
                         NATTER_TYPE_ACCOUNT,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterContact:jid:
   *
   * The contact's bare JID.
   */
  properties[PROP_JID] =
    g_param_spec_string ("jid", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterContact:name:
   *
   * The name to show: the one the user gave the contact in the roster,
   * else the local part of the JID (the domain for a JID without one).
   */
  properties[PROP_NAME] =
    g_param_spec_string ("name", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterContact:roster-name:
   *
   * The name the user gave the contact in the roster, or %NULL.
   */
  properties[PROP_ROSTER_NAME] =
    g_param_spec_string ("roster-name", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterContact:groups:
   *
   * The roster groups the contact is in; empty if none.
   */
  properties[PROP_GROUPS] =
    g_param_spec_boxed ("groups", NULL, NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterContact:subscription:
   *
   * Who sees whose presence.
   */
  properties[PROP_SUBSCRIPTION] =
    g_param_spec_enum ("subscription", NULL, NULL,
                       NATTER_TYPE_SUBSCRIPTION,
                       NATTER_SUBSCRIPTION_NONE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterContact:in-roster:
   *
   * Whether the contact is in the roster; %FALSE for someone who only
   * asked to see our presence.
   */
  properties[PROP_IN_ROSTER] =
    g_param_spec_boolean ("in-roster", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterContact:pending-in:
   *
   * Whether the contact asked to see our presence and waits for an
   * answer: natter_roster_approve() or natter_roster_deny().
   */
  properties[PROP_PENDING_IN] =
    g_param_spec_boolean ("pending-in", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterContact:pending-out:
   *
   * Whether we asked to see the contact's presence and have no answer.
   */
  properties[PROP_PENDING_OUT] =
    g_param_spec_boolean ("pending-out", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterContact:blocked:
   *
   * Whether the account blocks the contact (XEP-0191): the server lets
   * nothing from it through to any of the account's devices.  It follows
   * the server's blocklist, whichever device changed it; see
   * natter_roster_block_async().
   */
  properties[PROP_BLOCKED] =
    g_param_spec_boolean ("blocked", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterContact:show:
   *
   * How available the contact's best resource is, or
   * %NATTER_PRESENCE_SHOW_OFFLINE if none is online.
   */
  properties[PROP_SHOW] =
    g_param_spec_enum ("show", NULL, NULL,
                       NATTER_TYPE_PRESENCE_SHOW,
                       NATTER_PRESENCE_SHOW_OFFLINE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterContact:status:
   *
   * The status message of the best resource, or %NULL.
   */
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterContact:online:
   *
   * Whether any resource of the contact is online.
   */
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterContact:resources:
   *
   * The online resources, a #GListModel of #NatterResource, best first.
   * The model is the same object for the contact's whole life.
   */
  properties[PROP_RESOURCES] =
    g_param_spec_object ("resources", NULL, NULL,
                         G_TYPE_LIST_MODEL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
natter_contact_init (NatterContact *self)
{
  self->resources = g_list_store_new (NATTER_TYPE_RESOURCE);
  self->groups = g_new0 (char *, 1);
  self->show = NATTER_PRESENCE_SHOW_OFFLINE;
}

/* Case and accents aside, so "émile" sorts with "Emile" whatever the
 * locale's collation knows; the collation key then orders what is left. */
static char *
fold_for_sorting (const char *name)
{
  g_autofree char *folded = g_utf8_casefold (name, -1);
  g_autofree char *decomposed = g_utf8_normalize (folded, -1, G_NORMALIZE_NFD);
  GString *result = g_string_new (NULL);

  for (const char *p = decomposed; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_type (c) != G_UNICODE_NON_SPACING_MARK)
        g_string_append_unichar (result, c);
    }
  return g_string_free (result, FALSE);
}

static void
update_name (NatterContact *self)
{
  g_autofree char *folded = NULL;
  g_autofree char *key = NULL;
  const char *name = self->roster_name;

  if (name == NULL)
    name = xmpp_jid_get_localpart (self->jid);
  if (name == NULL)
    name = xmpp_jid_get_domainpart (self->jid);

  if (g_strcmp0 (self->name, name) == 0)
    return;

  g_free (self->name);
  self->name = g_strdup (name);
  folded = fold_for_sorting (name);
  key = g_utf8_collate_key (folded, -1);
  g_free (self->sort_key);
  self->sort_key = g_steal_pointer (&key);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_NAME]);
}

NatterContact *
natter_contact_new (NatterAccount *account,
                    XmppJid       *jid)
{
  NatterContact *self;

  g_return_val_if_fail (NATTER_IS_ACCOUNT (account), NULL);
  g_return_val_if_fail (jid != NULL, NULL);

  self = g_object_new (NATTER_TYPE_CONTACT, NULL);
  self->account = account;
  g_object_add_weak_pointer (G_OBJECT (account), (gpointer *) &self->account);
  self->jid = xmpp_jid_dup_bare (jid);
  update_name (self);
  return self;
}

XmppJid *
natter_contact_get_xmpp_jid (NatterContact *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT (self), NULL);

  return self->jid;
}

const char *
natter_contact_get_sort_key (NatterContact *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT (self), NULL);

  return self->sort_key;
}

/* By name as people read it, then by JID so the order is total. */
int
natter_contact_compare (NatterContact *a,
                        NatterContact *b)
{
  int result = strcmp (a->sort_key, b->sort_key);

  if (result != 0)
    return result;
  return strcmp (xmpp_jid_to_string (a->jid), xmpp_jid_to_string (b->jid));
}

static NatterSubscription
subscription_from_xmpp (XmppRosterSubscription subscription)
{
  switch (subscription)
    {
    case XMPP_ROSTER_SUBSCRIPTION_TO:
      return NATTER_SUBSCRIPTION_TO;
    case XMPP_ROSTER_SUBSCRIPTION_FROM:
      return NATTER_SUBSCRIPTION_FROM;
    case XMPP_ROSTER_SUBSCRIPTION_BOTH:
      return NATTER_SUBSCRIPTION_BOTH;
    case XMPP_ROSTER_SUBSCRIPTION_NONE:
    case XMPP_ROSTER_SUBSCRIPTION_REMOVE:
    default:
      return NATTER_SUBSCRIPTION_NONE;
    }
}

static gboolean
strv_equal (const char * const *a,
            const char * const *b)
{
  guint i;

  for (i = 0; a[i] != NULL && b[i] != NULL; i++)
    {
      if (strcmp (a[i], b[i]) != 0)
        return FALSE;
    }
  return a[i] == NULL && b[i] == NULL;
}

static void
set_boolean (NatterContact *self,
             gboolean      *field,
             gboolean       value,
             guint          prop_id)
{
  value = !!value;
  if (*field == value)
    return;
  *field = value;
  g_object_notify_by_pspec (G_OBJECT (self), properties[prop_id]);
}

/* Takes the roster state from @item, or leaves the roster for NULL. */
void
natter_contact_set_item (NatterContact  *self,
                         XmppRosterItem *item)
{
  const char *roster_name = NULL;
  const char * const *groups = NULL;
  const char * const no_groups[] = { NULL };
  NatterSubscription subscription = NATTER_SUBSCRIPTION_NONE;
  gboolean ask = FALSE;

  g_return_if_fail (NATTER_IS_CONTACT (self));

  if (item != NULL)
    {
      roster_name = xmpp_roster_item_get_name (item);
      groups = xmpp_roster_item_get_groups (item);
      subscription = subscription_from_xmpp (xmpp_roster_item_get_subscription (item));
      ask = xmpp_roster_item_get_ask (item);
    }
  if (groups == NULL)
    groups = no_groups;

  g_object_freeze_notify (G_OBJECT (self));

  if (g_strcmp0 (self->roster_name, roster_name) != 0)
    {
      g_free (self->roster_name);
      self->roster_name = g_strdup (roster_name);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROSTER_NAME]);
      update_name (self);
    }
  if (!strv_equal ((const char * const *) self->groups, groups))
    {
      g_strfreev (self->groups);
      self->groups = g_strdupv ((char **) groups);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_GROUPS]);
    }
  if (self->subscription != subscription)
    {
      self->subscription = subscription;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBSCRIPTION]);
    }
  set_boolean (self, &self->in_roster, item != NULL, PROP_IN_ROSTER);
  set_boolean (self, &self->pending_out, ask, PROP_PENDING_OUT);
  /* Once the contact receives our presence, no request of theirs is
   * waiting any more. */
  if (subscription == NATTER_SUBSCRIPTION_FROM || subscription == NATTER_SUBSCRIPTION_BOTH)
    set_boolean (self, &self->pending_in, FALSE, PROP_PENDING_IN);

  g_object_thaw_notify (G_OBJECT (self));
}

void
natter_contact_set_pending_in (NatterContact *self,
                               gboolean       pending_in)
{
  g_return_if_fail (NATTER_IS_CONTACT (self));

  set_boolean (self, &self->pending_in, pending_in, PROP_PENDING_IN);
}

void
natter_contact_set_blocked (NatterContact *self,
                            gboolean       blocked)
{
  g_return_if_fail (NATTER_IS_CONTACT (self));

  set_boolean (self, &self->blocked, blocked, PROP_BLOCKED);
}

static NatterResource *
find_resource (GListStore *store,
               const char *jid)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(NatterResource) resource = g_list_model_get_item (G_LIST_MODEL (store), i);

      if (strcmp (natter_resource_get_jid (resource), jid) == 0)
        return resource;
    }
  return NULL;
}

/* Makes the resources model match @wanted (best first), keeping the
 * objects of resources that stay online, with one items-changed at most. */
static void
sync_resources (NatterContact *self,
                GPtrArray     *wanted)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);
  guint n_old = g_list_model_get_n_items (G_LIST_MODEL (self->resources));
  gboolean same = n_old == wanted->len;

  for (guint i = 0; i < wanted->len; i++)
    {
      XmppPresenceResource *xmpp_resource = g_ptr_array_index (wanted, i);
      const char *jid = xmpp_jid_to_string (xmpp_presence_resource_get_jid (xmpp_resource));
      NatterResource *resource = find_resource (self->resources, jid);

      if (resource != NULL)
        {
          natter_resource_update (resource, xmpp_resource);
          g_ptr_array_add (objects, g_object_ref (resource));
        }
      else
        g_ptr_array_add (objects, natter_resource_new (xmpp_resource));

      if (same)
        {
          g_autoptr(NatterResource) current = NULL;

          current = g_list_model_get_item (G_LIST_MODEL (self->resources), i);
          same = current == g_ptr_array_index (objects, i);
        }
    }

  if (!same)
    g_list_store_splice (self->resources, 0, n_old, objects->pdata, objects->len);
}

void
natter_contact_update_presence (NatterContact *self,
                                XmppPresence  *presence)
{
  g_autoptr(GPtrArray) resources = NULL;
  XmppPresenceResource *best;
  NatterPresenceShow show = NATTER_PRESENCE_SHOW_OFFLINE;
  const char *status = NULL;
  gboolean was_online;

  g_return_if_fail (NATTER_IS_CONTACT (self));

  if (presence != NULL)
    {
      resources = xmpp_presence_dup_resources (presence, self->jid);
      best = xmpp_presence_get_best_resource (presence, self->jid);
      if (best != NULL)
        {
          show = natter_presence_show_from_xmpp (xmpp_presence_resource_get_show (best));
          status = xmpp_presence_resource_get_status (best);
        }
    }
  else
    resources = g_ptr_array_new ();

  g_object_freeze_notify (G_OBJECT (self));

  sync_resources (self, resources);

  was_online = self->show != NATTER_PRESENCE_SHOW_OFFLINE;
  if (self->show != show)
    {
      self->show = show;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW]);
    }
  if (g_strcmp0 (self->status, status) != 0)
    {
      g_free (self->status);
      self->status = g_strdup (status);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  if (was_online != (show != NATTER_PRESENCE_SHOW_OFFLINE))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);

  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * natter_contact_get_account:
 * @self: a contact
 *
 * Returns: (transfer none) (nullable): the account, or %NULL once it is gone
 */
NatterAccount *
natter_contact_get_account (NatterContact *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT (self), NULL);

  return self->account;
}

/**
 * natter_contact_get_jid:
 * @self: a contact
 *
 * Returns: the contact's bare JID
 */
const char *
natter_contact_get_jid (NatterContact *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT (self), NULL);

  return xmpp_jid_to_string (self->jid);
}

/**
 * natter_contact_get_name:
 * @self: a contact
 *
 * Returns: the name to show; see #NatterContact:name
 */
const char *
natter_contact_get_name (NatterContact *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT (self), NULL);

  return self->name;
}

/**
 * natter_contact_get_roster_name:
 * @self: a contact
 *
 * Returns: (nullable): the name the user gave the contact
 */
const char *
natter_contact_get_roster_name (NatterContact *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT (self), NULL);

  return self->roster_name;
}

/**
 * natter_contact_get_groups:
 * @self: a contact
 *
 * Returns: (transfer none) (array zero-terminated=1): the roster groups
 */
const char * const *
natter_contact_get_groups (NatterContact *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT (self), NULL);

  return (const char * const *) self->groups;
}

/**
 * natter_contact_get_subscription:
 * @self: a contact
 *
 * Returns: the subscription state
 */
NatterSubscription
natter_contact_get_subscription (NatterContact *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT (self), NATTER_SUBSCRIPTION_NONE);

  return self->subscription;
}

/**
 * natter_contact_get_in_roster:
 * @self: a contact
 *
 * Returns: whether the contact is in the roster
 */
gboolean
natter_contact_get_in_roster (NatterContact *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT (self), FALSE);

  return self->in_roster;
}

/**
 * natter_contact_get_pending_in:
 * @self: a contact
 *
 * Returns: whether the contact waits for our answer to its request
 */
gboolean
natter_contact_get_pending_in (NatterContact *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT (self), FALSE);

  return self->pending_in;
}

/**
 * natter_contact_get_pending_out:
 * @self: a contact
 *
 * Returns: whether our request to the contact waits for an answer
 */
gboolean
natter_contact_get_pending_out (NatterContact *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT (self), FALSE);

  return self->pending_out;
}

/**
 * natter_contact_get_blocked:
 * @self: a contact
 *
 * Returns: whether the account blocks the contact; see
 *   #NatterContact:blocked
 */
gboolean
natter_contact_get_blocked (NatterContact *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT (self), FALSE);

  return self->blocked;
}

/**
 * natter_contact_get_show:
 * @self: a contact
 *
 * Returns: the availability of the best resource
 */
NatterPresenceShow
natter_contact_get_show (NatterContact *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT (self), NATTER_PRESENCE_SHOW_OFFLINE);

  return self->show;
}

/**
 * natter_contact_get_status:
 * @self: a contact
 *
 * Returns: (nullable): the status message of the best resource
 */
const char *
natter_contact_get_status (NatterContact *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT (self), NULL);

  return self->status;
}

/**
 * natter_contact_get_online:
 * @self: a contact
 *
 * Returns: whether any resource is online
 */
gboolean
natter_contact_get_online (NatterContact *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT (self), FALSE);

  return self->show != NATTER_PRESENCE_SHOW_OFFLINE;
}

/**
 * natter_contact_get_resources:
 * @self: a contact
 *
 * Returns: (transfer none): the online resources, a #GListModel of
 *   #NatterResource, best first
 */
GListModel *
natter_contact_get_resources (NatterContact *self)
{
  g_return_val_if_fail (NATTER_IS_CONTACT (self), NULL);

  return G_LIST_MODEL (self->resources);
}
