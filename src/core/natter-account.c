/* natter-account.c: one XMPP account, its connection, roster and presence
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-account.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "store/store.h"
#include "xmpp/xmpp.h"

#include "natter-account-private.h"
#include "natter-core-enums.h"
#include "natter-error.h"
#include "natter-omemo-private.h"
#include "natter-resource-private.h"
#include "natter-roster-private.h"
#include "natter-secret.h"

/**
 * NatterAccount:
 *
 * One account: an #XmppClient with its modules (service discovery, entity
 * capabilities, roster, presence, blocklist, PEP), created before it
 * connects and wired together, and the account's row in the store.  Its
 * #NatterOmemo lives as long as the account and is bound to each new
 * client.
 *
 * The roster cached in the store is handed to the engine before the
 * first connect, so the #NatterRoster shows the contacts at once; every
 * change the server makes is written back, a full roster (with its
 * version) in one transaction.  The initial presence goes out once the
 * roster has arrived in a fresh session, never after a resumption.
 *
 * The password comes from the Secret Service each time the account
 * connects, and lives only in the engine while it is connected.  With no
 * Secret Service the account goes to %NATTER_ACCOUNT_STATE_NEEDS_PASSWORD
 * and natter_account_set_password_for_session() supplies it.
 *
 * The strongest SASL mechanism the account has signed in with is stored
 * and required from then on, so a man in the middle cannot downgrade it.
 *
 * Changing the resource replaces the client and its modules: listen to
 * #NatterAccount:client to follow.
 */
struct _NatterAccount
{
  GObject             parent_instance;

  NatterStore        *store;
  NatterStoreAccount *record;       /* our own copy, written back on change */

  XmppClient         *client;
  XmppDisco          *disco;
  XmppCaps           *caps;
  XmppRoster         *xmpp_roster;
  XmppPresence       *presence;
  XmppBlocking       *blocking;
  XmppPep            *pep;
  NatterOmemo        *omemo;         /* lives as long as the account */
  NatterRoster       *roster;
  GTlsDatabase       *tls_database;

  NatterAccountState  state;
  char               *error;
  GTlsCertificate    *untrusted_certificate;
  NatterPresenceShow  show;
  char               *status;

  char               *session_password;
  GCancellable       *lookup_cancellable;   /* set while the password is looked up */

  gboolean            active;          /* the user wants it connected */
  gboolean            failed;          /* a failure that needs the user */
  gboolean            needs_password;
  gboolean            stopping;        /* inside our own xmpp_client_disconnect() */
  gboolean            shut_down;       /* being removed: no more writes */

  /* Roster write-back */
  gboolean            roster_fetching; /* between a fresh session and ::loaded */
  gboolean            roster_full;     /* write the whole roster at the next flush */
  GHashTable         *roster_pending;  /* bare JID -> XmppRosterItem *, NULL if removed */
  guint               roster_flush_id;
};

G_DEFINE_FINAL_TYPE (NatterAccount, natter_account, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_JID,
  PROP_RESOURCE,
  PROP_DISPLAY_NAME,
  PROP_ENABLED,
  PROP_STATE,
  PROP_ERROR,
  PROP_UNTRUSTED_CERTIFICATE,
  PROP_HOST,
  PROP_PORT,
  PROP_DIRECT_TLS,
  PROP_SHOW,
  PROP_STATUS,
  PROP_ROSTER,
  PROP_CLIENT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void start (NatterAccount *self);
static void stop (NatterAccount *self);

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static void
wipe_password (char *password)
{
  if (password == NULL)
    return;
  memset (password, 0, strlen (password));
  g_free (password);
}

static void
roster_item_unref0 (gpointer item)
{
  if (item != NULL)
    xmpp_roster_item_unref (item);
}

static NatterStoreAccount *
record_copy (NatterStoreAccount *source)
{
  NatterStoreAccount *copy = natter_store_account_new ();

  copy->id = source->id;
  copy->jid = g_strdup (source->jid);
  copy->resource = g_strdup (source->resource);
  copy->display_name = g_strdup (source->display_name);
  copy->enabled = source->enabled;
  copy->host = g_strdup (source->host);
  copy->port = source->port;
  copy->direct_tls = source->direct_tls;
  copy->pinned_certificates = g_strdupv (source->pinned_certificates);
  copy->sasl_mechanism = g_strdup (source->sasl_mechanism);
  copy->roster_version = g_strdup (source->roster_version);
  copy->created = source->created;
  return copy;
}

static const char *
domain (NatterAccount *self)
{
  const char *at = strrchr (self->record->jid, '@');

  return at != NULL ? at + 1 : self->record->jid;
}

/* Writes the account's row; a failure here is the disk or the database
 * failing underneath us, not something the user did. */
static void
save_record (NatterAccount *self)
{
  g_autoptr(GError) error = NULL;

  if (self->shut_down)
    return;
  if (!natter_store_update_account (self->store, self->record, &error))
    g_warning ("Could not save the account %s: %s", self->record->jid, error->message);
}

static void
save_setting (NatterAccount *self,
              const char    *key,
              const char    *value)
{
  g_autoptr(GError) error = NULL;

  if (self->shut_down)
    return;
  if (!natter_store_set_account_setting (self->store, self->record->id, key, value, &error))
    g_warning ("Could not save a setting of %s: %s", self->record->jid, error->message);
}

/**
 * natter_account_generate_resource:
 *
 * Returns: (transfer full): a new default resource: `natter.` and 8
 *   random lowercase letters and digits
 */
char *
natter_account_generate_resource (void)
{
  static const char alphabet[] = "abcdefghijklmnopqrstuvwxyz0123456789";
  GString *resource = g_string_new (NATTER_ACCOUNT_RESOURCE_PREFIX);

  for (guint i = 0; i < NATTER_ACCOUNT_RESOURCE_RANDOM_CHARS; i++)
    g_string_append_c (resource, alphabet[g_random_int_range (0, sizeof alphabet - 1)]);
  return g_string_free (resource, FALSE);
}

static XmppJid *
dup_full_jid (NatterAccount  *self,
              const char     *resource,
              GError        **error)
{
  g_autoptr(XmppJid) bare = NULL;

  bare = xmpp_jid_new (self->record->jid, error);
  if (bare == NULL)
    return NULL;
  return xmpp_jid_dup_with_resource (bare, resource, error);
}

static void
set_state (NatterAccount      *self,
           NatterAccountState  state)
{
  if (self->state == state)
    return;
  g_debug ("%s: account state %d -> %d", self->record->jid, self->state, state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_error (NatterAccount *self,
           const char    *error)
{
  if (g_strcmp0 (self->error, error) == 0)
    return;
  g_free (self->error);
  self->error = g_strdup (error);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ERROR]);
}

static void
set_untrusted_certificate (NatterAccount   *self,
                           GTlsCertificate *certificate)
{
  if (g_set_object (&self->untrusted_certificate, certificate))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNTRUSTED_CERTIFICATE]);
}

static void
clear_failure (NatterAccount *self)
{
  self->failed = FALSE;
  self->needs_password = FALSE;
  set_error (self, NULL);
  set_untrusted_certificate (self, NULL);
}

static void
update_state (NatterAccount *self)
{
  NatterAccountState state = NATTER_ACCOUNT_STATE_OFFLINE;

  if (self->needs_password)
    state = NATTER_ACCOUNT_STATE_NEEDS_PASSWORD;
  else if (self->lookup_cancellable != NULL)
    state = NATTER_ACCOUNT_STATE_CONNECTING;
  else
    {
      switch (xmpp_client_get_state (self->client))
        {
        case XMPP_CLIENT_DISCONNECTED:
          state = self->failed ? NATTER_ACCOUNT_STATE_ERROR : NATTER_ACCOUNT_STATE_OFFLINE;
          break;

        case XMPP_CLIENT_CONNECTING:
        case XMPP_CLIENT_AUTHENTICATING:
        case XMPP_CLIENT_BINDING:
          state = NATTER_ACCOUNT_STATE_CONNECTING;
          break;

        case XMPP_CLIENT_ONLINE:
          state = NATTER_ACCOUNT_STATE_ONLINE;
          break;

        case XMPP_CLIENT_WAITING:
          state = NATTER_ACCOUNT_STATE_WAITING_TO_RECONNECT;
          break;

        default:
          g_assert_not_reached ();
        }
    }

  set_state (self, state);
}

/* ------------------------------------------------------------------------
 * Roster cache
 * ------------------------------------------------------------------------ */

static NatterStoreContact *
contact_from_item (XmppRosterItem *item)
{
  NatterStoreContact *contact = natter_store_contact_new ();

  contact->jid = g_strdup (xmpp_jid_to_string (xmpp_roster_item_get_jid (item)));
  contact->name = g_strdup (xmpp_roster_item_get_name (item));
  switch (xmpp_roster_item_get_subscription (item))
    {
    case XMPP_ROSTER_SUBSCRIPTION_TO:
      contact->subscription = NATTER_STORE_SUBSCRIPTION_TO;
      break;
    case XMPP_ROSTER_SUBSCRIPTION_FROM:
      contact->subscription = NATTER_STORE_SUBSCRIPTION_FROM;
      break;
    case XMPP_ROSTER_SUBSCRIPTION_BOTH:
      contact->subscription = NATTER_STORE_SUBSCRIPTION_BOTH;
      break;
    case XMPP_ROSTER_SUBSCRIPTION_NONE:
    case XMPP_ROSTER_SUBSCRIPTION_REMOVE:
    default:
      contact->subscription = NATTER_STORE_SUBSCRIPTION_NONE;
      break;
    }
  contact->ask = xmpp_roster_item_get_ask (item);
  contact->approved = xmpp_roster_item_get_approved (item);
  contact->groups = g_strdupv ((char **) xmpp_roster_item_get_groups (item));
  return contact;
}

static XmppRosterItem *
item_from_contact (NatterStoreContact *contact)
{
  g_autoptr(XmppJid) jid = NULL;
  g_autoptr(GError) error = NULL;
  XmppRosterSubscription subscription;

  jid = xmpp_jid_new (contact->jid, &error);
  if (jid == NULL)
    {
      g_debug ("Skipping a cached roster item with an invalid JID: %s", error->message);
      return NULL;
    }
  switch (contact->subscription)
    {
    case NATTER_STORE_SUBSCRIPTION_TO:
      subscription = XMPP_ROSTER_SUBSCRIPTION_TO;
      break;
    case NATTER_STORE_SUBSCRIPTION_FROM:
      subscription = XMPP_ROSTER_SUBSCRIPTION_FROM;
      break;
    case NATTER_STORE_SUBSCRIPTION_BOTH:
      subscription = XMPP_ROSTER_SUBSCRIPTION_BOTH;
      break;
    case NATTER_STORE_SUBSCRIPTION_NONE:
    default:
      subscription = XMPP_ROSTER_SUBSCRIPTION_NONE;
      break;
    }
  return xmpp_roster_item_new (jid, contact->name, subscription, contact->ask, contact->approved,
                               (const char * const *) contact->groups);
}

static void
load_cached_roster (NatterAccount *self)
{
  g_autoptr(GPtrArray) contacts = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *version = NULL;

  contacts = natter_store_load_roster (self->store, self->record->id, &version, &error);
  if (contacts == NULL)
    {
      g_warning ("Could not load the roster of %s: %s", self->record->jid, error->message);
      return;
    }

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_roster_item_unref);
  for (guint i = 0; i < contacts->len; i++)
    {
      XmppRosterItem *item = item_from_contact (g_ptr_array_index (contacts, i));

      if (item != NULL)
        g_ptr_array_add (items, item);
    }
  xmpp_roster_set_cached (self->xmpp_roster, version, items);
}

static gboolean
write_roster_item (NatterAccount   *self,
                   const char      *jid,
                   XmppRosterItem  *item,
                   const char      *version,
                   GError         **error)
{
  g_autoptr(NatterStoreContact) contact = NULL;

  if (item == NULL)
    return natter_store_remove_roster_item (self->store, self->record->id, version, jid, error);

  contact = contact_from_item (item);
  return natter_store_update_roster_item (self->store, self->record->id, version, contact, error);
}

/* Writes what changed in the roster since the last flush.  A whole roster
 * goes in one transaction with its version.  Pushes are written one by
 * one; only the last write carries the new version, so whatever the
 * store holds after a crash is never newer than its version says. */
static void
flush_roster (NatterAccount *self)
{
  g_autoptr(GError) error = NULL;
  const char *version;

  g_clear_handle_id (&self->roster_flush_id, g_source_remove);
  if (self->shut_down || self->xmpp_roster == NULL)
    return;

  version = xmpp_roster_get_version (self->xmpp_roster);
  if (self->roster_full)
    {
      g_autoptr(GPtrArray) items = xmpp_roster_dup_items (self->xmpp_roster);
      g_autoptr(GPtrArray) contacts = NULL;

      contacts = g_ptr_array_new_full (items->len, (GDestroyNotify) natter_store_contact_unref);
      for (guint i = 0; i < items->len; i++)
        g_ptr_array_add (contacts, contact_from_item (g_ptr_array_index (items, i)));

      self->roster_full = FALSE;
      g_hash_table_remove_all (self->roster_pending);
      if (!natter_store_replace_roster (self->store, self->record->id, version, contacts, &error))
        g_warning ("Could not save the roster of %s: %s", self->record->jid, error->message);
      return;
    }

  if (g_hash_table_size (self->roster_pending) > 0)
    {
      g_autoptr(GHashTable) pending = g_steal_pointer (&self->roster_pending);
      guint remaining = g_hash_table_size (pending);
      GHashTableIter iter;
      gpointer key, value;

      self->roster_pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                    roster_item_unref0);
      g_hash_table_iter_init (&iter, pending);
      while (g_hash_table_iter_next (&iter, &key, &value))
        {
          remaining--;
          if (!write_roster_item (self, key, value, remaining == 0 ? version : NULL, &error))
            {
              g_warning ("Could not save a roster item of %s: %s",
                         self->record->jid, error->message);
              return;
            }
        }
    }
}

static gboolean
flush_roster_cb (gpointer user_data)
{
  NatterAccount *self = user_data;

  self->roster_flush_id = 0;
  flush_roster (self);
  return G_SOURCE_REMOVE;
}

static void
schedule_roster_flush (NatterAccount *self)
{
  /* In an idle, because a push updates the roster version after it has
   * announced the item. */
  if (self->roster_flush_id == 0)
    self->roster_flush_id = g_idle_add (flush_roster_cb, self);
}

static void
roster_item_changed_cb (XmppRoster     *roster,
                        XmppRosterItem *item,
                        NatterAccount  *self)
{
  if (self->roster_fetching)
    {
      self->roster_full = TRUE;
      return;
    }
  g_hash_table_replace (self->roster_pending,
                        g_strdup (xmpp_jid_to_string (xmpp_roster_item_get_jid (item))),
                        xmpp_roster_item_ref (item));
  schedule_roster_flush (self);
}

static void
roster_item_removed_cb (XmppRoster    *roster,
                        XmppJid       *jid,
                        NatterAccount *self)
{
  /* Not every server sends unavailable presence for a removed contact. */
  xmpp_presence_forget (self->presence, jid);

  if (self->roster_fetching)
    {
      self->roster_full = TRUE;
      return;
    }
  g_hash_table_replace (self->roster_pending, g_strdup (xmpp_jid_to_string (jid)), NULL);
  schedule_roster_flush (self);
}

static void
roster_loaded_cb (XmppRoster    *roster,
                  gboolean       full,
                  NatterAccount *self)
{
  if (full)
    self->roster_full = TRUE;
  self->roster_fetching = FALSE;
  flush_roster (self);

  /* RFC 6121 §2.2: the initial presence after the roster. */
  if (self->show != NATTER_PRESENCE_SHOW_OFFLINE && !xmpp_presence_get_announced (self->presence))
    xmpp_presence_send_own (self->presence);
}

/* ------------------------------------------------------------------------
 * Connection
 * ------------------------------------------------------------------------ */

static gboolean
mechanism_is_stronger (const char *candidate,
                       const char *than)
{
  if (candidate == NULL)
    return FALSE;
  if (than == NULL)
    return TRUE;
  return xmpp_sasl_mechanism_from_string (candidate) > xmpp_sasl_mechanism_from_string (than);
}

static void
note_failure (NatterAccount *self,
              const GError  *error,
              gboolean       permanent)
{
  g_autofree char *message = NULL;

  if (g_error_matches (error, XMPP_ERROR, XMPP_ERROR_CONNECT) &&
      !g_network_monitor_get_network_available (g_network_monitor_get_default ()))
    message = g_strdup (_("No network connection"));
  else
    message = natter_error_dup_message (error, domain (self));

  g_debug ("%s: %s", self->record->jid, message);
  set_error (self, message);
  if (g_error_matches (error, XMPP_ERROR, XMPP_ERROR_CERTIFICATE))
    set_untrusted_certificate (self, xmpp_client_get_peer_certificate (self->client));
  self->failed = permanent;
}

static void
client_state_cb (XmppClient    *client,
                 GParamSpec    *pspec,
                 NatterAccount *self)
{
  XmppClientState state = xmpp_client_get_state (client);
  const GError *error = xmpp_client_get_error (client);

  /* The engine keeps its last error until it connects again, so an error
   * counts only when the engine itself gave up or is waiting to retry,
   * not when we disconnected it. */
  if (state == XMPP_CLIENT_WAITING && error != NULL)
    note_failure (self, error, FALSE);
  else if (state == XMPP_CLIENT_DISCONNECTED && !self->stopping && error != NULL)
    note_failure (self, error, TRUE);
  else if (state == XMPP_CLIENT_ONLINE)
    {
      self->failed = FALSE;
      set_error (self, NULL);
      set_untrusted_certificate (self, NULL);
    }

  update_state (self);
}

static void
client_online_cb (XmppClient    *client,
                  gboolean       resumed,
                  NatterAccount *self)
{
  const char *mechanism = xmpp_client_get_mechanism (client);

  if (mechanism_is_stronger (mechanism, self->record->sasl_mechanism))
    {
      g_debug ("%s: signed in with %s; requiring it from now on", self->record->jid, mechanism);
      g_free (self->record->sasl_mechanism);
      self->record->sasl_mechanism = g_strdup (mechanism);
      xmpp_client_set_minimum_mechanism (client, mechanism);
      save_record (self);
    }

  /* A resumed session keeps its roster and presence (XEP-0198); a fresh
   * one fetches the roster, and ::loaded sends the initial presence. */
  if (!resumed)
    self->roster_fetching = TRUE;
}

static void
client_disconnected_cb (XmppClient    *client,
                        const GError  *error,
                        NatterAccount *self)
{
  /* A roster request that will never be answered must not hold back the
   * changes made so far. */
  if (self->roster_fetching)
    {
      self->roster_fetching = FALSE;
      flush_roster (self);
    }
}

static void
presence_prepare_cb (XmppPresence  *presence,
                     XmppNode      *stanza,
                     NatterAccount *self)
{
  xmpp_caps_add_to_presence (self->caps, stanza);
}

static void
apply_settings (NatterAccount *self)
{
  xmpp_client_set_host (self->client, self->record->host,
                        self->record->host != NULL ? self->record->port : 0,
                        self->record->host != NULL && self->record->direct_tls);
  xmpp_client_set_pinned_fingerprints (self->client,
                                       (const char * const *) self->record->pinned_certificates);
  xmpp_client_set_minimum_mechanism (self->client, self->record->sasl_mechanism);
  xmpp_client_set_tls_database (self->client, self->tls_database);
}

static void
apply_own_presence (NatterAccount *self)
{
  if (self->show != NATTER_PRESENCE_SHOW_OFFLINE)
    xmpp_presence_set_own (self->presence, natter_presence_show_to_xmpp (self->show),
                           self->status, 0);
}

static void
teardown_session (NatterAccount *self)
{
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  if (self->xmpp_roster != NULL)
    g_signal_handlers_disconnect_by_data (self->xmpp_roster, self);
  if (self->presence != NULL)
    g_signal_handlers_disconnect_by_data (self->presence, self);
  if (self->omemo != NULL)
    natter_omemo_bind (self->omemo, NULL, NULL, NULL, NULL);

  g_clear_object (&self->pep);
  g_clear_object (&self->blocking);
  g_clear_object (&self->presence);
  g_clear_object (&self->xmpp_roster);
  g_clear_object (&self->caps);
  g_clear_object (&self->disco);
  g_clear_object (&self->client);
}

/* Creates the client and its modules.  @cached_version and @cached_items
 * restore the roster; with @cached_items NULL it comes from the store. */
static gboolean
build_session (NatterAccount  *self,
               const char     *cached_version,
               GPtrArray      *cached_items,
               GError        **error)
{
  g_autoptr(XmppJid) full = NULL;

  full = dup_full_jid (self, self->record->resource, error);
  if (full == NULL)
    return FALSE;

  self->client = xmpp_client_new (full);
  apply_settings (self);
  self->disco = xmpp_disco_new (self->client);
  self->caps = xmpp_caps_new (self->disco);
  self->xmpp_roster = xmpp_roster_new (self->client);
  self->presence = xmpp_presence_new (self->client);
  self->blocking = xmpp_blocking_new (self->client);
  self->pep = xmpp_pep_new (self->client);

  g_signal_connect (self->client, "notify::state", G_CALLBACK (client_state_cb), self);
  g_signal_connect (self->client, "online", G_CALLBACK (client_online_cb), self);
  g_signal_connect (self->client, "disconnected", G_CALLBACK (client_disconnected_cb), self);
  g_signal_connect (self->presence, "prepare", G_CALLBACK (presence_prepare_cb), self);
  g_signal_connect (self->xmpp_roster, "item-changed", G_CALLBACK (roster_item_changed_cb), self);
  g_signal_connect (self->xmpp_roster, "item-removed", G_CALLBACK (roster_item_removed_cb), self);
  g_signal_connect (self->xmpp_roster, "loaded", G_CALLBACK (roster_loaded_cb), self);

  apply_own_presence (self);
  if (self->omemo != NULL)
    natter_omemo_bind (self->omemo, self->client, self->disco, self->presence, self->pep);
  if (cached_items != NULL)
    xmpp_roster_set_cached (self->xmpp_roster, cached_version, cached_items);
  else
    load_cached_roster (self);
  return TRUE;
}

/* Replaces the client, e.g. for a new resource, which the engine only
 * takes at construction.  The roster carries over. */
static gboolean
rebuild_session (NatterAccount  *self,
                 GError        **error)
{
  g_autoptr(GPtrArray) items = xmpp_roster_dup_items (self->xmpp_roster);
  g_autofree char *version = g_strdup (xmpp_roster_get_version (self->xmpp_roster));

  flush_roster (self);
  teardown_session (self);
  if (!build_session (self, version, items, error))
    return FALSE;
  natter_roster_bind (self->roster, self->xmpp_roster, self->presence, self->blocking);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CLIENT]);
  update_state (self);
  return TRUE;
}

static gboolean
should_run (NatterAccount *self)
{
  return self->active && self->record->enabled && !self->shut_down &&
         self->show != NATTER_PRESENCE_SHOW_OFFLINE;
}

static void
lookup_cb (GObject      *object,
           GAsyncResult *result,
           gpointer      user_data)
{
  NatterAccount *self;
  g_autoptr(GError) error = NULL;
  char *password;

  password = natter_secret_lookup_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = NATTER_ACCOUNT (user_data);
  g_clear_object (&self->lookup_cancellable);

  if (password == NULL)
    {
      self->needs_password = TRUE;
      if (g_error_matches (error, NATTER_ERROR, NATTER_ERROR_NO_SECRET_SERVICE))
        set_error (self, _("No keyring (Secret Service) is running, so the password "
                           "has to be entered each time Natter starts"));
      else if (error != NULL)
        {
          g_autofree char *message = natter_error_dup_message (error, domain (self));

          set_error (self, message);
        }
      else
        set_error (self, _("No password is saved for this account"));
      update_state (self);
      return;
    }

  xmpp_client_set_password (self->client, password);
  natter_secret_free (password);
  if (should_run (self))
    xmpp_client_connect (self->client);
  update_state (self);
}

static void
start (NatterAccount *self)
{
  if (!should_run (self))
    return;
  if (xmpp_client_get_state (self->client) != XMPP_CLIENT_DISCONNECTED ||
      self->lookup_cancellable != NULL)
    return;

  clear_failure (self);
  if (self->session_password != NULL)
    {
      xmpp_client_set_password (self->client, self->session_password);
      xmpp_client_connect (self->client);
      update_state (self);
      return;
    }

  /* The callback does not hold a reference: dispose cancels the lookup,
   * and the callback looks at the error before it touches the account. */
  self->lookup_cancellable = g_cancellable_new ();
  natter_secret_lookup_async (self->record->jid, self->lookup_cancellable, lookup_cb, self);
  update_state (self);
}

static void
stop (NatterAccount *self)
{
  if (self->lookup_cancellable != NULL)
    {
      g_cancellable_cancel (self->lookup_cancellable);
      g_clear_object (&self->lookup_cancellable);
    }

  self->stopping = TRUE;
  xmpp_client_disconnect (self->client);
  self->stopping = FALSE;
  /* The engine holds the password only while it may need it. */
  xmpp_client_set_password (self->client, NULL);

  clear_failure (self);
  update_state (self);
}

/* ------------------------------------------------------------------------
 * GObject
 * ------------------------------------------------------------------------ */

static void
natter_account_dispose (GObject *object)
{
  NatterAccount *self = NATTER_ACCOUNT (object);

  if (self->lookup_cancellable != NULL)
    g_cancellable_cancel (self->lookup_cancellable);
  g_clear_object (&self->lookup_cancellable);

  if (self->xmpp_roster != NULL)
    flush_roster (self);
  g_clear_handle_id (&self->roster_flush_id, g_source_remove);

  if (self->roster != NULL)
    natter_roster_bind (self->roster, NULL, NULL, NULL);
  g_clear_object (&self->roster);

  if (self->client != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->client, self);
      xmpp_client_disconnect (self->client);
    }
  teardown_session (self);
  g_clear_object (&self->omemo);

  g_clear_object (&self->untrusted_certificate);
  g_clear_object (&self->tls_database);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (natter_account_parent_class)->dispose (object);
}

static void
natter_account_finalize (GObject *object)
{
  NatterAccount *self = NATTER_ACCOUNT (object);

  g_clear_pointer (&self->record, natter_store_account_unref);
  g_clear_pointer (&self->error, g_free);
  g_clear_pointer (&self->status, g_free);
  g_clear_pointer (&self->session_password, wipe_password);
  g_clear_pointer (&self->roster_pending, g_hash_table_unref);

  G_OBJECT_CLASS (natter_account_parent_class)->finalize (object);
}

static void
natter_account_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  NatterAccount *self = NATTER_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->record->id);
      break;

    case PROP_JID:
      g_value_set_string (value, self->record->jid);
      break;

    case PROP_RESOURCE:
      g_value_set_string (value, self->record->resource);
      break;

    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->record->display_name);
      break;

    case PROP_ENABLED:
      g_value_set_boolean (value, self->record->enabled);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_ERROR:
      g_value_set_string (value, self->error);
      break;

    case PROP_UNTRUSTED_CERTIFICATE:
      g_value_set_object (value, self->untrusted_certificate);
      break;

    case PROP_HOST:
      g_value_set_string (value, self->record->host);
      break;

    case PROP_PORT:
      g_value_set_uint (value, self->record->port);
      break;

    case PROP_DIRECT_TLS:
      g_value_set_boolean (value, self->record->direct_tls);
      break;

    case PROP_SHOW:
      g_value_set_enum (value, self->show);
      break;

    case PROP_STATUS:
      g_value_set_string (value, self->status);
      break;

    case PROP_ROSTER:
      g_value_set_object (value, self->roster);
      break;

    case PROP_CLIENT:
      g_value_set_object (value, self->client);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_account_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  NatterAccount *self = NATTER_ACCOUNT (object);

  switch (prop_id)
    {
    case PROP_DISPLAY_NAME:
      natter_account_set_display_name (self, g_value_get_string (value));
      break;

    case PROP_ENABLED:
      natter_account_set_enabled (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_account_class_init (NatterAccountClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = natter_account_dispose;
  object_class->finalize = natter_account_finalize;
  object_class->get_property = natter_account_get_property;
  object_class->set_property = natter_account_set_property;

  /**
   * NatterAccount:id:
   *
   * The account's row in the store.
   */
  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterAccount:jid:
   *
   * The account's bare JID.
   */
  properties[PROP_JID] =
    g_param_spec_string ("jid", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterAccount:resource:
   *
   * The resource this device binds: by default `natter.` and 8 random
   * characters, chosen once and kept.  Set it with
   * natter_account_set_resource().
   */
  properties[PROP_RESOURCE] =
    g_param_spec_string ("resource", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterAccount:display-name:
   *
   * The name the user gave the account, or %NULL.
   */
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterAccount:enabled:
   *
   * Whether the account connects.  Enabling connects it, disabling
   * disconnects it cleanly; the choice is stored.
   */
  properties[PROP_ENABLED] =
    g_param_spec_boolean ("enabled", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterAccount:state:
   *
   * What the account is doing.
   */
  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       NATTER_TYPE_ACCOUNT_STATE,
                       NATTER_ACCOUNT_STATE_OFFLINE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterAccount:error:
   *
   * Why the account is not online, in words for the user (wrong password,
   * unknown host, no connection, not an XMPP server, certificate not
   * trusted, TLS required, no keyring…), or %NULL.  Cleared when the
   * account comes online or the user disconnects it.
   */
  properties[PROP_ERROR] =
    g_param_spec_string ("error", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterAccount:untrusted-certificate:
   *
   * After a connection failed because the server's certificate is not
   * trusted, that certificate, so the user can inspect it (subject,
   * issuer, validity, SHA-256 fingerprint) and accept it with
   * natter_account_pin_certificate().  %NULL otherwise.
   */
  properties[PROP_UNTRUSTED_CERTIFICATE] =
    g_param_spec_object ("untrusted-certificate", NULL, NULL,
                         G_TYPE_TLS_CERTIFICATE,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterAccount:host:
   *
   * The host to connect to instead of looking up the domain's SRV
   * records, or %NULL.  Set with natter_account_set_server().
   */
  properties[PROP_HOST] =
    g_param_spec_string ("host", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterAccount:port:
   *
   * The port to use with #NatterAccount:host; 0 for the default.
   */
  properties[PROP_PORT] =
    g_param_spec_uint ("port", NULL, NULL,
                       0, G_MAXUINT16, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterAccount:direct-tls:
   *
   * Whether the connection to #NatterAccount:host starts with TLS
   * (XEP-0368) rather than STARTTLS.
   */
  properties[PROP_DIRECT_TLS] =
    g_param_spec_boolean ("direct-tls", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterAccount:show:
   *
   * Our own availability on this account; %NATTER_PRESENCE_SHOW_OFFLINE
   * keeps it disconnected.  Set with natter_account_set_presence().
   */
  properties[PROP_SHOW] =
    g_param_spec_enum ("show", NULL, NULL,
                       NATTER_TYPE_PRESENCE_SHOW,
                       NATTER_PRESENCE_SHOW_AVAILABLE,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterAccount:status:
   *
   * Our own status message on this account, or %NULL.
   */
  properties[PROP_STATUS] =
    g_param_spec_string ("status", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterAccount:roster:
   *
   * The account's contacts.
   */
  properties[PROP_ROSTER] =
    g_param_spec_object ("roster", NULL, NULL,
                         NATTER_TYPE_ROSTER,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * NatterAccount:client:
   *
   * The engine's client, for the messaging layer to attach its modules
   * to.  It is replaced (and this property notified) when the resource
   * changes.
   */
  properties[PROP_CLIENT] =
    g_param_spec_object ("client", NULL, NULL,
                         XMPP_TYPE_CLIENT,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
natter_account_init (NatterAccount *self)
{
  self->show = NATTER_PRESENCE_SHOW_AVAILABLE;
  self->roster_pending = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                roster_item_unref0);
}

static NatterPresenceShow
show_from_setting (const char *text)
{
  GEnumClass *klass = g_type_class_ref (NATTER_TYPE_PRESENCE_SHOW);
  GEnumValue *value = text != NULL ? g_enum_get_value_by_nick (klass, text) : NULL;
  NatterPresenceShow show = value != NULL ? value->value : NATTER_PRESENCE_SHOW_AVAILABLE;

  g_type_class_unref (klass);
  return show;
}

static const char *
show_to_setting (NatterPresenceShow show)
{
  GEnumClass *klass = g_type_class_ref (NATTER_TYPE_PRESENCE_SHOW);
  GEnumValue *value = g_enum_get_value (klass, show);

  g_type_class_unref (klass);
  /* Nicks of a registered enum are static strings. */
  return value != NULL ? value->value_nick : NULL;
}

/**
 * natter_account_new:
 * @store: the store the account lives in
 * @record: the account's row
 * @error: return location for a #GError
 *
 * Creates the account from its row, with its cached roster and stored
 * presence.  An account without a valid resource gets a new default one,
 * which is stored.  It does not connect: natter_account_connect() does.
 *
 * Returns: (transfer full): the account, or %NULL if the row's JID is
 *   not valid
 */
NatterAccount *
natter_account_new (NatterStore         *store,
                    NatterStoreAccount  *record,
                    GError             **error)
{
  g_autoptr(NatterAccount) self = NULL;
  g_autoptr(XmppJid) full = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *show = NULL;

  g_return_val_if_fail (NATTER_IS_STORE (store), NULL);
  g_return_val_if_fail (record != NULL && record->id > 0 && record->jid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (NATTER_TYPE_ACCOUNT, NULL);
  self->store = g_object_ref (store);
  self->record = record_copy (record);

  /* A resource is chosen once and kept, so this device keeps its
   * identity (and its place in other devices' lists) across restarts. */
  if (self->record->resource != NULL && self->record->resource[0] != '\0')
    full = dup_full_jid (self, self->record->resource, &local_error);
  if (full == NULL)
    {
      if (local_error != NULL)
        g_debug ("%s: replacing the invalid resource: %s", record->jid, local_error->message);
      g_free (self->record->resource);
      self->record->resource = natter_account_generate_resource ();
      save_record (self);
    }

  show = natter_store_dup_account_setting (store, record->id, NATTER_ACCOUNT_SETTING_SHOW, NULL);
  self->show = show_from_setting (show);
  self->status = natter_store_dup_account_setting (store, record->id,
                                                   NATTER_ACCOUNT_SETTING_STATUS, NULL);

  self->omemo = natter_omemo_new (store, self->record->id, self->record->jid);
  if (!build_session (self, NULL, NULL, error))
    return NULL;
  self->roster = natter_roster_new (self);
  natter_roster_bind (self->roster, self->xmpp_roster, self->presence, self->blocking);
  update_state (self);

  return g_steal_pointer (&self);
}

/**
 * natter_account_get_store:
 * @self: an account
 *
 * Returns: (transfer none): the store the account lives in
 */
NatterStore *
natter_account_get_store (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NULL);

  return self->store;
}

/**
 * natter_account_set_removing:
 * @self: an account
 * @removing: whether the account is being removed
 *
 * Disconnects the account before its rows are deleted: nothing is written
 * to the store any more, and it does not connect again.  If the removal
 * fails, %FALSE makes it an ordinary (disconnected) account again.
 */
void
natter_account_set_removing (NatterAccount *self,
                             gboolean       removing)
{
  g_return_if_fail (NATTER_IS_ACCOUNT (self));

  if (removing)
    {
      self->active = FALSE;
      stop (self);
      g_clear_handle_id (&self->roster_flush_id, g_source_remove);
    }
  self->shut_down = !!removing;
}

/**
 * natter_account_set_tls_database:
 * @self: an account
 * @database: (nullable): the trust store, %NULL for the system's
 *
 * For tests: the certificate authorities the connection trusts, used
 * from the next connection on.
 */
void
natter_account_set_tls_database (NatterAccount *self,
                                 GTlsDatabase  *database)
{
  g_return_if_fail (NATTER_IS_ACCOUNT (self));

  g_set_object (&self->tls_database, database);
  xmpp_client_set_tls_database (self->client, database);
}

/* ------------------------------------------------------------------------
 * Public API
 * ------------------------------------------------------------------------ */

/**
 * natter_account_get_id:
 * @self: an account
 *
 * Returns: the account's row id in the store
 */
gint64
natter_account_get_id (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), 0);

  return self->record->id;
}

/**
 * natter_account_get_jid:
 * @self: an account
 *
 * Returns: the account's bare JID
 */
const char *
natter_account_get_jid (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NULL);

  return self->record->jid;
}

/**
 * natter_account_get_resource:
 * @self: an account
 *
 * Returns: the resource this device binds
 */
const char *
natter_account_get_resource (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NULL);

  return self->record->resource;
}

/**
 * natter_account_set_resource:
 * @self: an account
 * @resource: (nullable): the new resource, or %NULL for a new default one
 * @error: return location for a #GError
 *
 * Changes the resource this device binds, stores it, and reconnects if
 * the account was connected.  The #NatterAccount:client is replaced.
 *
 * Returns: %TRUE if the resource was changed or already was @resource;
 *   %FALSE with %NATTER_ERROR_INVALID_SETTING if it is not a valid
 *   resource
 */
gboolean
natter_account_set_resource (NatterAccount  *self,
                             const char     *resource,
                             GError        **error)
{
  g_autoptr(XmppJid) full = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *generated = NULL;
  gboolean was_running;

  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (resource == NULL || resource[0] == '\0')
    resource = generated = natter_account_generate_resource ();
  if (g_strcmp0 (self->record->resource, resource) == 0)
    return TRUE;

  full = dup_full_jid (self, resource, &local_error);
  if (full == NULL)
    {
      g_set_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_SETTING,
                   _("“%s” cannot be used as a resource: %s"), resource, local_error->message);
      return FALSE;
    }

  g_free (self->record->resource);
  self->record->resource = g_strdup (xmpp_jid_get_resourcepart (full));
  save_record (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RESOURCE]);

  was_running = self->lookup_cancellable != NULL ||
                xmpp_client_get_state (self->client) != XMPP_CLIENT_DISCONNECTED;
  if (was_running)
    stop (self);
  if (!rebuild_session (self, error))
    return FALSE;
  if (was_running)
    start (self);
  return TRUE;
}

/**
 * natter_account_get_display_name:
 * @self: an account
 *
 * Returns: (nullable): the name the user gave the account
 */
const char *
natter_account_get_display_name (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NULL);

  return self->record->display_name;
}

/**
 * natter_account_set_display_name:
 * @self: an account
 * @display_name: (nullable): a name for the account, %NULL or `""` for none
 *
 * Renames the account and stores the name.
 */
void
natter_account_set_display_name (NatterAccount *self,
                                 const char    *display_name)
{
  g_return_if_fail (NATTER_IS_ACCOUNT (self));

  if (display_name != NULL && display_name[0] == '\0')
    display_name = NULL;
  if (g_strcmp0 (self->record->display_name, display_name) == 0)
    return;

  g_free (self->record->display_name);
  self->record->display_name = g_strdup (display_name);
  save_record (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

/**
 * natter_account_get_enabled:
 * @self: an account
 *
 * Returns: whether the account connects
 */
gboolean
natter_account_get_enabled (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), FALSE);

  return self->record->enabled;
}

/**
 * natter_account_set_enabled:
 * @self: an account
 * @enabled: whether the account should connect
 *
 * Enables the account and connects it, or disconnects it cleanly and
 * disables it.  The choice is stored.
 */
void
natter_account_set_enabled (NatterAccount *self,
                            gboolean       enabled)
{
  g_return_if_fail (NATTER_IS_ACCOUNT (self));

  enabled = !!enabled;
  if (self->record->enabled == enabled)
    return;

  self->record->enabled = enabled;
  save_record (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ENABLED]);

  if (enabled)
    {
      self->active = TRUE;
      start (self);
    }
  else
    stop (self);
}

/**
 * natter_account_get_state:
 * @self: an account
 *
 * Returns: what the account is doing
 */
NatterAccountState
natter_account_get_state (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NATTER_ACCOUNT_STATE_OFFLINE);

  return self->state;
}

/**
 * natter_account_get_error:
 * @self: an account
 *
 * Returns: (nullable): why the account is not online; see
 *   #NatterAccount:error
 */
const char *
natter_account_get_error (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NULL);

  return self->error;
}

/**
 * natter_account_get_untrusted_certificate:
 * @self: an account
 *
 * Returns: (transfer none) (nullable): the certificate that was not
 *   trusted at the last attempt to connect
 */
GTlsCertificate *
natter_account_get_untrusted_certificate (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NULL);

  return self->untrusted_certificate;
}

/**
 * natter_account_get_host:
 * @self: an account
 *
 * Returns: (nullable): the host that overrides the domain's SRV records
 */
const char *
natter_account_get_host (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NULL);

  return self->record->host;
}

/**
 * natter_account_get_port:
 * @self: an account
 *
 * Returns: the port of #NatterAccount:host, 0 for the default
 */
guint16
natter_account_get_port (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), 0);

  return (guint16) self->record->port;
}

/**
 * natter_account_get_direct_tls:
 * @self: an account
 *
 * Returns: whether TLS starts at once on #NatterAccount:host
 */
gboolean
natter_account_get_direct_tls (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), FALSE);

  return self->record->direct_tls;
}

/**
 * natter_account_validate_host:
 * @host: what the user typed as a host
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @host is a host name or an address that can be
 *   connected to; %FALSE with %NATTER_ERROR_INVALID_SETTING otherwise
 */
gboolean
natter_account_validate_host (const char  *host,
                              GError     **error)
{
  g_autofree char *ascii = NULL;

  g_return_val_if_fail (host != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  /* No empty labels ("a..b", ".a"), no spaces, paths or user parts. */
  if (host[0] != '\0' && host[0] != '.' && strstr (host, "..") == NULL &&
      strpbrk (host, " \t\r\n/:@") == NULL)
    ascii = g_hostname_to_ascii (host);
  if (ascii == NULL && !g_hostname_is_ip_address (host))
    {
      g_set_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_SETTING,
                   _("“%s” is not a valid host name"), host);
      return FALSE;
    }
  return TRUE;
}

/**
 * natter_account_set_server:
 * @self: an account
 * @host: (nullable): the host to connect to, or %NULL to look up the
 *   domain's SRV records
 * @port: the port on @host, 0 for the default (5222, or 5223 with
 *   @direct_tls)
 * @direct_tls: whether TLS starts at once (XEP-0368) instead of STARTTLS
 * @error: return location for a #GError
 *
 * Overrides where the account connects, stores the setting, and
 * reconnects if the account was connected.  The server's certificate is
 * still checked against the account's domain.
 *
 * Returns: %TRUE if the setting was taken; %FALSE with
 *   %NATTER_ERROR_INVALID_SETTING if @host is not a host name or address
 */
gboolean
natter_account_set_server (NatterAccount  *self,
                           const char     *host,
                           guint16         port,
                           gboolean        direct_tls,
                           GError        **error)
{
  gboolean was_running;

  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (host != NULL && host[0] == '\0')
    host = NULL;
  if (host != NULL && !natter_account_validate_host (host, error))
    return FALSE;
  if (host == NULL)
    {
      port = 0;
      direct_tls = FALSE;
    }
  direct_tls = !!direct_tls;

  if (g_strcmp0 (self->record->host, host) == 0 && self->record->port == port &&
      self->record->direct_tls == direct_tls)
    return TRUE;

  g_object_freeze_notify (G_OBJECT (self));
  if (g_strcmp0 (self->record->host, host) != 0)
    {
      g_free (self->record->host);
      self->record->host = g_strdup (host);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST]);
    }
  if (self->record->port != port)
    {
      self->record->port = port;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PORT]);
    }
  if (self->record->direct_tls != direct_tls)
    {
      self->record->direct_tls = direct_tls;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DIRECT_TLS]);
    }
  save_record (self);

  was_running = self->lookup_cancellable != NULL ||
                xmpp_client_get_state (self->client) != XMPP_CLIENT_DISCONNECTED;
  if (was_running)
    stop (self);
  apply_settings (self);
  if (was_running)
    start (self);
  g_object_thaw_notify (G_OBJECT (self));
  return TRUE;
}

/**
 * natter_account_get_pinned_certificates:
 * @self: an account
 *
 * Returns: (transfer none) (array zero-terminated=1) (nullable): the
 *   SHA-256 fingerprints of the certificates the user accepted
 */
const char * const *
natter_account_get_pinned_certificates (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NULL);

  return (const char * const *) self->record->pinned_certificates;
}

/**
 * natter_account_pin_certificate:
 * @self: an account
 * @certificate: the certificate the user accepted, normally
 *   #NatterAccount:untrusted-certificate
 * @error: return location for a #GError
 *
 * Accepts @certificate for this account although it fails validation:
 * its SHA-256 fingerprint is stored with the account, and the account
 * connects again.  Only a certificate with exactly this fingerprint is
 * accepted; nothing else about verification changes.
 *
 * Returns: %TRUE if the fingerprint was stored
 */
gboolean
natter_account_pin_certificate (NatterAccount    *self,
                                GTlsCertificate  *certificate,
                                GError          **error)
{
  g_autofree char *fingerprint = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) previous = NULL;

  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (G_IS_TLS_CERTIFICATE (certificate), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  fingerprint = xmpp_certificate_dup_fingerprint (certificate);
  if (fingerprint == NULL)
    {
      g_set_error_literal (error, NATTER_ERROR, NATTER_ERROR_INVALID_SETTING,
                           _("The certificate cannot be read"));
      return FALSE;
    }

  if (self->record->pinned_certificates == NULL ||
      !g_strv_contains ((const char * const *) self->record->pinned_certificates, fingerprint))
    {
      builder = g_strv_builder_new ();
      if (self->record->pinned_certificates != NULL)
        g_strv_builder_addv (builder, (const char **) self->record->pinned_certificates);
      g_strv_builder_add (builder, fingerprint);
      previous = g_steal_pointer (&self->record->pinned_certificates);
      self->record->pinned_certificates = g_strv_builder_end (builder);
      if (!natter_store_update_account (self->store, self->record, error))
        {
          g_strfreev (self->record->pinned_certificates);
          self->record->pinned_certificates = g_steal_pointer (&previous);
          return FALSE;
        }
    }

  g_debug ("%s: pinned the certificate %s", self->record->jid, fingerprint);
  xmpp_client_set_pinned_fingerprints (self->client,
                                       (const char * const *) self->record->pinned_certificates);
  set_untrusted_certificate (self, NULL);
  natter_account_connect (self);
  return TRUE;
}

/**
 * natter_account_get_show:
 * @self: an account
 *
 * Returns: our own availability on this account
 */
NatterPresenceShow
natter_account_get_show (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NATTER_PRESENCE_SHOW_OFFLINE);

  return self->show;
}

/**
 * natter_account_get_status:
 * @self: an account
 *
 * Returns: (nullable): our own status message on this account
 */
const char *
natter_account_get_status (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NULL);

  return self->status;
}

/**
 * natter_account_set_presence:
 * @self: an account
 * @show: our availability; %NATTER_PRESENCE_SHOW_OFFLINE disconnects
 * @status: (nullable): a status message, %NULL or `""` for none
 *
 * Sets and stores our own presence on this account, and sends it if the
 * account is online.  Going offline disconnects the account cleanly (it
 * stays enabled); coming back from offline connects it.
 */
void
natter_account_set_presence (NatterAccount      *self,
                             NatterPresenceShow  show,
                             const char         *status)
{
  NatterPresenceShow old_show;

  g_return_if_fail (NATTER_IS_ACCOUNT (self));
  g_return_if_fail (show <= NATTER_PRESENCE_SHOW_DND);

  if (status != NULL && status[0] == '\0')
    status = NULL;
  if (self->show == show && g_strcmp0 (self->status, status) == 0)
    return;

  old_show = self->show;
  g_object_freeze_notify (G_OBJECT (self));
  if (self->show != show)
    {
      self->show = show;
      save_setting (self, NATTER_ACCOUNT_SETTING_SHOW, show_to_setting (show));
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SHOW]);
    }
  if (g_strcmp0 (self->status, status) != 0)
    {
      g_free (self->status);
      self->status = g_strdup (status);
      save_setting (self, NATTER_ACCOUNT_SETTING_STATUS, status);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }

  if (show == NATTER_PRESENCE_SHOW_OFFLINE)
    stop (self);
  else
    {
      /* Sent at once if the initial presence went out already. */
      apply_own_presence (self);
      if (old_show == NATTER_PRESENCE_SHOW_OFFLINE)
        {
          self->active = TRUE;
          start (self);
        }
    }
  g_object_thaw_notify (G_OBJECT (self));
}

/**
 * natter_account_set_password_for_session:
 * @self: an account
 * @password: the account's password
 *
 * Uses @password until Natter quits, without storing it anywhere: for
 * when there is no Secret Service.  The account connects with it.
 */
void
natter_account_set_password_for_session (NatterAccount *self,
                                         const char    *password)
{
  g_return_if_fail (NATTER_IS_ACCOUNT (self));
  g_return_if_fail (password != NULL);

  g_clear_pointer (&self->session_password, wipe_password);
  self->session_password = g_strdup (password);

  /* A lookup in flight or a failed attempt gives way to the new password. */
  stop (self);
  self->active = TRUE;
  start (self);
}

static void
save_password_cb (GObject      *object,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NatterAccount *self = g_task_get_source_object (task);
  const char *password = g_task_get_task_data (task);
  GError *error = NULL;

  if (natter_secret_store_finish (result, &error))
    {
      /* From now on the keyring has it. */
      g_clear_pointer (&self->session_password, wipe_password);
      stop (self);
      self->active = TRUE;
      start (self);
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (g_error_matches (error, NATTER_ERROR, NATTER_ERROR_NO_SECRET_SERVICE))
    natter_account_set_password_for_session (self, password);
  g_task_return_error (task, error);
}

/**
 * natter_account_save_password_async:
 * @self: an account
 * @password: the account's new password
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Stores a new password in the Secret Service and connects with it, e.g.
 * after the server refused the old one.  Without a Secret Service the
 * password is used for this session and the operation fails with
 * %NATTER_ERROR_NO_SECRET_SERVICE, so the user can be told it was not
 * saved.
 */
void
natter_account_save_password_async (NatterAccount       *self,
                                    const char          *password,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (NATTER_IS_ACCOUNT (self));
  g_return_if_fail (password != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, natter_account_save_password_async);
  g_task_set_task_data (task, g_strdup (password), (GDestroyNotify) wipe_password);
  natter_secret_store_async (self->record->jid, password, cancellable, save_password_cb,
                             g_steal_pointer (&task));
}

/**
 * natter_account_save_password_finish:
 * @self: an account
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the password was stored in the keyring
 */
gboolean
natter_account_save_password_finish (NatterAccount  *self,
                                     GAsyncResult   *result,
                                     GError        **error)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * natter_account_connect:
 * @self: an account
 *
 * Connects the account if it is enabled and its presence is not offline,
 * looking up its password first.  After a failure that needed the user
 * (a wrong password, an untrusted certificate), this is the retry.
 */
void
natter_account_connect (NatterAccount *self)
{
  g_return_if_fail (NATTER_IS_ACCOUNT (self));

  self->active = TRUE;
  if (self->state == NATTER_ACCOUNT_STATE_WAITING_TO_RECONNECT)
    stop (self);
  start (self);
}

/**
 * natter_account_disconnect:
 * @self: an account
 *
 * Disconnects the account cleanly (the server tells the contacts we went
 * offline) without disabling it, e.g. when Natter quits.
 */
void
natter_account_disconnect (NatterAccount *self)
{
  g_return_if_fail (NATTER_IS_ACCOUNT (self));

  self->active = FALSE;
  stop (self);
}

/**
 * natter_account_get_roster:
 * @self: an account
 *
 * Returns: (transfer none): the account's contacts
 */
NatterRoster *
natter_account_get_roster (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NULL);

  return self->roster;
}

/**
 * natter_account_get_client:
 * @self: an account
 *
 * Returns: (transfer none): the engine's client; see #NatterAccount:client
 */
XmppClient *
natter_account_get_client (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NULL);

  return self->client;
}

/**
 * natter_account_get_xmpp_roster:
 * @self: an account
 *
 * Returns: (transfer none): the engine's roster module, replaced with
 *   #NatterAccount:client
 */
XmppRoster *
natter_account_get_xmpp_roster (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NULL);

  return self->xmpp_roster;
}

/**
 * natter_account_get_xmpp_presence:
 * @self: an account
 *
 * Returns: (transfer none): the engine's presence module, replaced with
 *   #NatterAccount:client
 */
XmppPresence *
natter_account_get_xmpp_presence (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NULL);

  return self->presence;
}

/**
 * natter_account_get_blocking:
 * @self: an account
 *
 * Returns: (transfer none): the engine's blocklist module (XEP-0191),
 *   replaced with #NatterAccount:client
 */
XmppBlocking *
natter_account_get_blocking (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NULL);

  return self->blocking;
}

/**
 * natter_account_get_disco:
 * @self: an account
 *
 * Returns: (transfer none): the engine's service discovery module,
 *   replaced with #NatterAccount:client
 */
XmppDisco *
natter_account_get_disco (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NULL);

  return self->disco;
}

/**
 * natter_account_get_caps:
 * @self: an account
 *
 * Returns: (transfer none): the engine's entity capabilities module,
 *   replaced with #NatterAccount:client
 */
XmppCaps *
natter_account_get_caps (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NULL);

  return self->caps;
}

/**
 * natter_account_get_pep:
 * @self: an account
 *
 * Returns: (transfer none): the engine's PEP module (XEP-0163), replaced
 *   with #NatterAccount:client
 */
XmppPep *
natter_account_get_pep (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NULL);

  return self->pep;
}

/**
 * natter_account_get_omemo:
 * @self: an account
 *
 * Returns: (transfer none): the account's OMEMO encryption: its devices,
 *   their trust, encrypting and decrypting; it lives as long as the
 *   account, across changes of #NatterAccount:client
 */
NatterOmemo *
natter_account_get_omemo (NatterAccount *self)
{
  g_return_val_if_fail (NATTER_IS_ACCOUNT (self), NULL);

  return self->omemo;
}
