/* natter-omemo.c: an account's OMEMO on the network: device lists, bundles, trust, encrypting
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-omemo.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "omemo/natter-omemo-keys.h"
#include "omemo/omemo.h"
#include "store/store.h"
#include "xmpp/xmpp.h"

#include "natter-core-enums.h"
#include "natter-error.h"
#include "natter-omemo-message.h"
#include "natter-omemo-private.h"

#define VERSION NATTER_STORE_OMEMO_VERSION_LEGACY
#define DEVICELIST NATTER_OMEMO_NS_DEVICELIST
#define CURRENT "current"
#define ACCESS_OPEN "open"
#define URI_PREFIX "omemo-sid-"

/**
 * NatterOmemo:
 *
 * Legacy OMEMO (XEP-0384 0.3, `eu.siacs.conversations.axolotl`) for one
 * account, on top of its #NatterOmemoSession.
 *
 * On every session that was not resumed it fetches the account's own
 * device list, makes this device's identity the first time (its device
 * id avoids every id in that list), tops up its pre-keys, publishes its
 * bundle and then, if the list lacks this device, the list with this
 * device added: other devices are never dropped.  Bundle before list, so
 * whoever sees the new device can fetch its bundle.  Both nodes are
 * published with the `open` access model when the server supports
 * publish-options, with its defaults otherwise.  The bundle is published
 * again when a pre-key message used up one of its pre-keys.
 *
 * It advertises `devicelist+notify`, so the server sends the device lists
 * of contacts and of our own account.  A list counts only for the bare
 * JID it came from (#XmppPep drops full JIDs and domains; SECURITY.md
 * rows 11, 12, 45).  When our own list arrives without this device
 * (another client removed it), the device adds itself back.
 *
 * Bundles are fetched when needed (natter_omemo_fetch_bundles_async(),
 * and before encrypting).  A bundle whose identity key differs from the
 * one a device showed before is refused and reported with
 * #NatterOmemo::identity-changed; a device whose bundle could not be
 * used is not asked again for %NATTER_OMEMO_BUNDLE_RETRY_DELAY.
 *
 * Trust is the session's: blind trust before verification — a new key
 * is trusted while none of that person's devices is verified, undecided
 * after.  Encrypting refuses while any active device of the recipient
 * (or of our own) is undecided, skips distrusted ones, and never falls
 * back to plaintext.
 */
struct _NatterOmemo
{
  GObject             parent_instance;

  NatterStore        *store;
  gint64              account_id;
  char               *own_jid;       /* normalised bare JID */
  NatterOmemoSession *session;       /* NULL until this device has an identity */

  XmppClient         *client;
  XmppDisco          *disco;
  XmppPresence       *presence;
  XmppPep            *pep;

  GCancellable       *connection;    /* one session of the client */
  guint               refresh_id;    /* the daily look at the signed pre-key */
  gboolean            awaiting_info; /* a fresh session waits for the account's disco#info */
  gboolean            set_up;        /* setup ran to its end in this session */
  gboolean            ready;         /* bundle and list published in this session */
  gboolean            listing;       /* a publish of our device list is in flight */
  gboolean            list_again;    /* …and another is needed after it */
  gboolean            bundle_dirty;  /* publish the bundle when next online */

  GHashTable         *models;        /* bare JID -> GListStore of NatterOmemoDevice */
  GHashTable         *failures;      /* "jid device" -> Failure */
  GHashTable         *repairs;       /* "jid device" -> gint64 *, monotonic */
};

typedef struct
{
  char   *reason;
  gint64  when;      /* monotonic */
} Failure;

G_DEFINE_FINAL_TYPE (NatterOmemo, natter_omemo, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_DEVICE_ID,
  PROP_READY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_DEVICES_CHANGED,
  SIGNAL_IDENTITY_CHANGED,
  SIGNAL_DEVICE_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void ensure_listed (NatterOmemo *self);

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static void
failure_free (Failure *failure)
{
  g_free (failure->reason);
  g_free (failure);
}

static char *
failure_key (const char *jid,
             guint32     device_id)
{
  return g_strdup_printf ("%s %u", jid, device_id);
}

static void
note_failure (NatterOmemo *self,
              const char  *jid,
              guint32      device_id,
              const char  *reason)
{
  Failure *failure = g_new0 (Failure, 1);

  g_debug ("OMEMO: device %u of %s: %s", device_id, jid, reason);
  failure->reason = g_strdup (reason);
  failure->when = g_get_monotonic_time ();
  g_hash_table_replace (self->failures, failure_key (jid, device_id), failure);
}

static Failure *
lookup_failure (NatterOmemo *self,
                const char  *jid,
                guint32      device_id)
{
  g_autofree char *key = failure_key (jid, device_id);

  return g_hash_table_lookup (self->failures, key);
}

static void
clear_failure (NatterOmemo *self,
               const char  *jid,
               guint32      device_id)
{
  g_autofree char *key = failure_key (jid, device_id);

  g_hash_table_remove (self->failures, key);
}

/* The normalised bare JID of @text, or NULL if it is not a JID. */
static char *
normalise_bare (const char  *text,
                GError     **error)
{
  g_autoptr(XmppJid) jid = NULL;
  g_autoptr(GError) local_error = NULL;

  jid = xmpp_jid_new (text, &local_error);
  if (jid == NULL || xmpp_jid_get_localpart (jid) == NULL)
    {
      g_set_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_JID,
                   _("“%s” is not the address of a person"), text);
      return NULL;
    }
  return g_strdup (xmpp_jid_to_bare_string (jid));
}

static gboolean
is_own (NatterOmemo *self,
        const char  *jid)
{
  return g_str_equal (jid, self->own_jid);
}

static guint32
own_device_id (NatterOmemo *self)
{
  return self->session != NULL ? natter_omemo_session_get_device_id (self->session) : 0;
}

static gboolean
is_online (NatterOmemo *self)
{
  return self->client != NULL && self->pep != NULL &&
         xmpp_client_get_state (self->client) == XMPP_CLIENT_ONLINE;
}

static const char *
access_model (NatterOmemo *self)
{
  /* Without publish-options the server would refuse the publish; its
   * default access model is then all there is. */
  if (self->disco != NULL &&
      xmpp_disco_account_has_feature (self->disco, XMPP_NS_PUBSUB_PUBLISH_OPTIONS))
    return ACCESS_OPEN;
  return NULL;
}

static char *
bundle_node (guint32 device_id)
{
  return g_strdup_printf ("%s:%u", NATTER_OMEMO_NS_BUNDLES, device_id);
}

static void
set_ready (NatterOmemo *self,
           gboolean     ready)
{
  if (self->ready == ready)
    return;
  self->ready = ready;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
}

/* The payload of a node's item: `current` if there is one, else the
 * last, which is what a node limited to one item holds. */
static XmppNode *
pick_item (GPtrArray *items)
{
  if (items == NULL || items->len == 0)
    return NULL;
  for (guint i = 0; i < items->len; i++)
    {
      XmppPepItem *item = g_ptr_array_index (items, i);

      if (g_str_equal (item->id, CURRENT))
        return item->payload;
    }
  return ((XmppPepItem *) g_ptr_array_index (items, items->len - 1))->payload;
}

static gboolean
contains (GArray  *ids,
          guint32  id)
{
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    if (g_array_index (ids, guint32, i) == id)
      return TRUE;
  return FALSE;
}

/* The ids of the active devices of @jid in the store. */
static GArray *
active_ids (NatterOmemo  *self,
            const char   *jid,
            GError      **error)
{
  g_autoptr(GArray) devices = NULL;
  GArray *ids;

  devices = natter_store_omemo_list_devices (self->store, self->account_id, VERSION, jid, TRUE,
                                             error);
  if (devices == NULL)
    return NULL;
  ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < devices->len; i++)
    g_array_append_val (ids, g_array_index (devices, NatterStoreOmemoDevice, i).device_id);
  return ids;
}

/* ------------------------------------------------------------------------
 * Device models
 * ------------------------------------------------------------------------ */

typedef struct
{
  guint32                 device_id;
  NatterStoreOmemoDevice *listed;     /* NULL if it never was in a list */
  NatterStoreOmemoIdentity *identity; /* its newest key, or NULL */
} Row;

static int
compare_rows (gconstpointer a,
              gconstpointer b)
{
  const Row *ra = a, *rb = b;

  return ra->device_id < rb->device_id ? -1 : ra->device_id > rb->device_id;
}

/* Brings the model of @jid, if anyone asked for it, up to date with the
 * store: objects are updated in place while the set of devices stays the
 * same; otherwise the whole list is replaced in one items-changed. */
static void
refresh_model (NatterOmemo *self,
               const char  *jid)
{
  GListStore *model = g_hash_table_lookup (self->models, jid);
  g_autoptr(GArray) devices = NULL;
  g_autoptr(GPtrArray) identities = NULL;
  g_autoptr(GArray) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *own_fingerprint = NULL;
  guint32 own_id = own_device_id (self);
  gboolean same;
  guint n_items;

  if (model == NULL)
    return;

  devices = natter_store_omemo_list_devices (self->store, self->account_id, VERSION, jid, FALSE,
                                             &error);
  if (devices != NULL)
    identities = natter_store_omemo_list_identities (self->store, self->account_id, VERSION, jid,
                                                     &error);
  if (identities == NULL)
    {
      g_warning ("OMEMO: could not read the devices of %s: %s", jid, error->message);
      return;
    }

  rows = g_array_new (FALSE, TRUE, sizeof (Row));
  for (guint i = 0; i < devices->len; i++)
    {
      Row row = { 0, };

      row.listed = &g_array_index (devices, NatterStoreOmemoDevice, i);
      row.device_id = row.listed->device_id;
      g_array_append_val (rows, row);
    }
  /* Identities are by device, newest first: the first of each counts. */
  for (guint i = 0; i < identities->len; i++)
    {
      NatterStoreOmemoIdentity *identity = g_ptr_array_index (identities, i);
      gboolean found = FALSE;

      for (guint j = 0; j < rows->len && !found; j++)
        {
          Row *row = &g_array_index (rows, Row, j);

          if (row->device_id == identity->device_id)
            {
              found = TRUE;
              if (row->identity == NULL)
                row->identity = identity;
            }
        }
      if (!found)
        {
          Row row = { identity->device_id, NULL, identity };

          g_array_append_val (rows, row);
        }
    }
  if (is_own (self, jid) && own_id != 0)
    {
      gboolean found = FALSE;

      for (guint j = 0; j < rows->len && !found; j++)
        found = g_array_index (rows, Row, j).device_id == own_id;
      if (!found)
        {
          Row row = { own_id, NULL, NULL };

          g_array_append_val (rows, row);
        }
      own_fingerprint = natter_omemo_session_dup_fingerprint (self->session);
    }
  g_array_sort (rows, compare_rows);

  n_items = g_list_model_get_n_items (G_LIST_MODEL (model));
  same = n_items == rows->len;
  for (guint i = 0; same && i < n_items; i++)
    {
      g_autoptr(NatterOmemoDevice) device = g_list_model_get_item (G_LIST_MODEL (model), i);

      same = natter_omemo_device_get_device_id (device) == g_array_index (rows, Row, i).device_id;
    }

  if (!same)
    {
      g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func (g_object_unref);

      for (guint i = 0; i < rows->len; i++)
        {
          Row *row = &g_array_index (rows, Row, i);

          g_ptr_array_add (objects,
                           natter_omemo_device_new (jid, row->device_id,
                                                    is_own (self, jid) && row->device_id == own_id));
        }
      g_list_store_splice (model, 0, n_items, objects->pdata, objects->len);
    }

  for (guint i = 0; i < rows->len; i++)
    {
      g_autoptr(NatterOmemoDevice) device = g_list_model_get_item (G_LIST_MODEL (model), i);
      Row *row = &g_array_index (rows, Row, i);
      g_autofree char *fingerprint = NULL;
      NatterOmemoTrust trust = NATTER_OMEMO_TRUST_UNDECIDED;
      Failure *failure = lookup_failure (self, jid, row->device_id);
      gint64 last_seen = 0;

      if (natter_omemo_device_get_own (device))
        {
          fingerprint = g_strdup (own_fingerprint);
          trust = NATTER_OMEMO_TRUST_VERIFIED;
        }
      else if (row->identity != NULL)
        {
          fingerprint = natter_omemo_fingerprint_format (row->identity->identity_key);
          trust = (NatterOmemoTrust) row->identity->trust;
          last_seen = row->identity->last_seen;
        }
      if (row->listed != NULL)
        last_seen = MAX (last_seen, row->listed->last_seen);
      natter_omemo_device_update (device, fingerprint, trust,
                                  row->listed != NULL && row->listed->active, last_seen,
                                  failure != NULL ? failure->reason : NULL);
    }
}

static void
devices_changed (NatterOmemo *self,
                 const char  *jid)
{
  refresh_model (self, jid);
  g_signal_emit (self, signals[SIGNAL_DEVICES_CHANGED], 0, jid);
}

/* Records the latest device list of @jid, which the caller checked came
 * from @jid itself, and announces the devices never seen before, unless
 * this is the first list of @jid we learn: then none of them is new. */
static void
store_device_list (NatterOmemo *self,
                   const char  *jid,
                   GArray      *ids)
{
  g_autoptr(GArray) known = NULL;
  g_autoptr(GArray) added = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GError) error = NULL;
  guint32 own_id = own_device_id (self);

  known = natter_store_omemo_list_devices (self->store, self->account_id, VERSION, jid, FALSE,
                                           &error);
  if (known == NULL ||
      !natter_store_omemo_set_device_list (self->store, self->account_id, VERSION, jid,
                                           (const guint32 *) ids->data, ids->len, &error))
    {
      g_warning ("OMEMO: could not store the device list of %s: %s", jid, error->message);
      return;
    }

  for (guint i = 0; i < ids->len; i++)
    {
      guint32 id = g_array_index (ids, guint32, i);
      gboolean seen = FALSE;

      for (guint j = 0; j < known->len && !seen; j++)
        seen = g_array_index (known, NatterStoreOmemoDevice, j).device_id == id;
      if (!seen && known->len > 0 && !(is_own (self, jid) && id == own_id))
        g_array_append_val (added, id);
    }

  devices_changed (self, jid);
  for (guint i = 0; i < added->len; i++)
    g_signal_emit (self, signals[SIGNAL_DEVICE_ADDED], 0, jid, g_array_index (added, guint32, i));
}

/* ------------------------------------------------------------------------
 * Own identity, bundle and device list
 * ------------------------------------------------------------------------ */

static gboolean
ensure_session (NatterOmemo  *self,
                GError      **error)
{
  if (self->session != NULL)
    return TRUE;
  self->session = natter_omemo_session_new (self->store, self->account_id, self->own_jid, error);
  if (self->session == NULL)
    return FALSE;
  g_debug ("OMEMO: %s is device %u", self->own_jid, own_device_id (self));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DEVICE_ID]);
  refresh_model (self, self->own_jid);
  return TRUE;
}

/* PEP answers find the NatterOmemo through the module: after unbind or
 * dispose there is none, and a late answer changes nothing. */
static NatterOmemo *
omemo_of (GObject *pep)
{
  return g_object_get_data (pep, "natter-omemo");
}

static void
bundle_published_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  gboolean then_list = GPOINTER_TO_INT (user_data);
  NatterOmemo *self;
  g_autoptr(GError) error = NULL;

  xmpp_pep_publish_finish (XMPP_PEP (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      (self = omemo_of (object)) == NULL)
    return;
  if (error != NULL)
    {
      g_debug ("OMEMO: could not publish the bundle of %s: %s", self->own_jid, error->message);
      self->bundle_dirty = TRUE;
    }
  if (then_list)
    ensure_listed (self);
}

static void
publish_bundle (NatterOmemo *self,
                gboolean     then_list)
{
  g_autoptr(NatterOmemoBundle) bundle = NULL;
  g_autoptr(XmppNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;

  if (self->session == NULL || !is_online (self))
    {
      self->bundle_dirty = TRUE;
      return;
    }
  bundle = natter_omemo_session_dup_bundle (self->session, &error);
  if (bundle == NULL)
    {
      g_warning ("OMEMO: could not make the bundle of %s: %s", self->own_jid, error->message);
      return;
    }
  self->bundle_dirty = FALSE;
  node = natter_omemo_bundle_to_node (bundle);
  name = bundle_node (own_device_id (self));
  xmpp_pep_publish_async (self->pep, name, CURRENT, node, access_model (self),
                          self->connection, bundle_published_cb, GINT_TO_POINTER (then_list));
}

static void
list_published_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  GArray *ids = user_data;
  NatterOmemo *self;
  g_autoptr(GError) error = NULL;

  xmpp_pep_publish_finish (XMPP_PEP (object), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      (self = omemo_of (object)) == NULL)
    {
      g_array_unref (ids);
      return;
    }

  self->listing = FALSE;
  if (error != NULL)
    g_debug ("OMEMO: could not publish the device list of %s: %s", self->own_jid,
             error->message);
  else
    store_device_list (self, self->own_jid, ids);
  g_array_unref (ids);

  if (self->list_again)
    {
      self->list_again = FALSE;
      ensure_listed (self);
    }
  else if (error == NULL)
    set_ready (self, TRUE);
}

/* Publishes our device list with this device in it, if the latest list
 * we know lacks it; every other device in that list stays. */
static void
ensure_listed (NatterOmemo *self)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(XmppNode) node = NULL;
  g_autoptr(GError) error = NULL;
  guint32 own_id = own_device_id (self);

  if (own_id == 0 || !is_online (self))
    return;
  if (self->listing)
    {
      self->list_again = TRUE;
      return;
    }
  ids = active_ids (self, self->own_jid, &error);
  if (ids == NULL)
    {
      g_warning ("OMEMO: could not read our device list: %s", error->message);
      return;
    }
  if (contains (ids, own_id))
    {
      if (self->set_up)
        set_ready (self, TRUE);
      return;
    }
  if (ids->len >= NATTER_OMEMO_MAX_DEVICES)
    {
      g_debug ("OMEMO: our device list is full; not adding device %u", own_id);
      return;
    }

  g_array_append_val (ids, own_id);
  node = natter_omemo_device_list_to_node ((const guint32 *) ids->data, ids->len);
  self->listing = TRUE;
  g_debug ("OMEMO: adding device %u to the device list of %s", own_id, self->own_jid);
  xmpp_pep_publish_async (self->pep, DEVICELIST, CURRENT, node, access_model (self),
                          self->connection, list_published_cb, g_steal_pointer (&ids));
}

static GArray *
parse_list (GPtrArray  *items,
            GError    **error)
{
  XmppNode *payload = pick_item (items);

  if (payload == NULL)
    return g_array_new (FALSE, FALSE, sizeof (guint32));
  return natter_omemo_device_list_parse (payload, error);
}

static void
own_list_fetched_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  NatterOmemo *self;
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;
  gboolean bundle_changed = FALSE;

  items = xmpp_pep_fetch_finish (XMPP_PEP (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
      (self = omemo_of (object)) == NULL)
    return;

  if (items == NULL)
    {
      /* Publishing without knowing the list could drop other devices. */
      g_debug ("OMEMO: could not fetch our device list: %s", error->message);
      return;
    }
  ids = parse_list (items, &error);
  if (ids == NULL)
    {
      g_debug ("OMEMO: our published device list is malformed (%s); replacing it",
               error->message);
      ids = g_array_new (FALSE, FALSE, sizeof (guint32));
    }
  store_device_list (self, self->own_jid, ids);

  /* The first time, the new device id avoids every id in the list. */
  g_clear_error (&error);
  if (!ensure_session (self, &error) ||
      !natter_omemo_session_refresh_keys (self->session, g_get_real_time (), &bundle_changed,
                                          &error))
    {
      g_warning ("OMEMO: could not set up the keys of %s: %s", self->own_jid, error->message);
      return;
    }
  self->set_up = TRUE;
  publish_bundle (self, TRUE);
}

static void
start_setup (NatterOmemo *self)
{
  if (!is_online (self))
    return;
  self->awaiting_info = FALSE;
  self->set_up = FALSE;
  set_ready (self, FALSE);
  xmpp_pep_fetch_async (self->pep, NULL, DEVICELIST, NULL, self->connection,
                        own_list_fetched_cb, NULL);
}

/* ------------------------------------------------------------------------
 * Engine events
 * ------------------------------------------------------------------------ */

static void
online_cb (XmppClient *client,
           gboolean    resumed,
           gpointer    user_data)
{
  NatterOmemo *self = user_data;

  if (resumed)
    {
      /* A setup cut off by the drop is picked up again. */
      if (!self->ready && !self->awaiting_info)
        start_setup (self);
      else if (self->bundle_dirty)
        publish_bundle (self, FALSE);
      return;
    }

  g_cancellable_cancel (self->connection);
  g_clear_object (&self->connection);
  self->connection = g_cancellable_new ();
  self->listing = FALSE;
  self->list_again = FALSE;
  set_ready (self, FALSE);

  /* The disco module asked for the account's features first; whether
   * publish-options are there is known once it answers. */
  self->awaiting_info = TRUE;
}

static void
account_info_ready_cb (XmppDisco     *disco,
                       XmppDiscoInfo *info,
                       gpointer       user_data)
{
  NatterOmemo *self = user_data;

  if (self->awaiting_info)
    start_setup (self);
}

static void
device_list_event (NatterOmemo *self,
                   XmppJid     *from,
                   GArray      *ids)
{
  const char *jid = xmpp_jid_to_bare_string (from);

  store_device_list (self, jid, ids);
  /* Another client of ours dropped this device: it puts itself back. */
  if (is_own (self, jid) && self->set_up && !contains (ids, own_device_id (self)))
    ensure_listed (self);
}

static void
items_cb (XmppPep    *pep,
          XmppJid    *from,
          const char *node,
          GPtrArray  *items,
          gpointer    user_data)
{
  NatterOmemo *self = user_data;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_str_equal (node, DEVICELIST))
    return;
  ids = parse_list (items, &error);
  if (ids == NULL)
    {
      g_debug ("OMEMO: dropping a malformed device list from %s: %s",
               xmpp_jid_to_string (from), error->message);
      return;
    }
  device_list_event (self, from, ids);
}

/* A retracted, purged or deleted list: no device of @from is active. */
static void
list_gone (NatterOmemo *self,
           XmppJid     *from,
           const char  *node)
{
  g_autoptr(GArray) ids = NULL;

  if (!g_str_equal (node, DEVICELIST))
    return;
  ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  device_list_event (self, from, ids);
}

static void
retracted_cb (XmppPep            *pep,
              XmppJid            *from,
              const char         *node,
              const char * const *ids,
              gpointer            user_data)
{
  list_gone (user_data, from, node);
}

static void
purged_cb (XmppPep    *pep,
           XmppJid    *from,
           const char *node,
           gpointer    user_data)
{
  list_gone (user_data, from, node);
}

/* A device that stays online for days still rotates its signed pre-key
 * on time, and publishes the bundle when it did. */
static gboolean
refresh_cb (gpointer user_data)
{
  NatterOmemo *self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean changed = FALSE;

  if (self->session == NULL)
    return G_SOURCE_CONTINUE;
  if (!natter_omemo_session_refresh_keys (self->session, g_get_real_time (), &changed, &error))
    g_warning ("OMEMO: could not refresh the keys of %s: %s", self->own_jid, error->message);
  else if (changed)
    publish_bundle (self, FALSE);
  return G_SOURCE_CONTINUE;
}

static void
unbind (NatterOmemo *self)
{
  g_clear_handle_id (&self->refresh_id, g_source_remove);
  if (self->connection != NULL)
    g_cancellable_cancel (self->connection);
  g_clear_object (&self->connection);
  if (self->client != NULL)
    g_signal_handlers_disconnect_by_data (self->client, self);
  if (self->disco != NULL)
    g_signal_handlers_disconnect_by_data (self->disco, self);
  if (self->pep != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->pep, self);
      g_object_set_data (G_OBJECT (self->pep), "natter-omemo", NULL);
    }
  g_clear_object (&self->pep);
  g_clear_object (&self->presence);
  g_clear_object (&self->disco);
  g_clear_object (&self->client);
  self->awaiting_info = FALSE;
  self->set_up = FALSE;
  self->listing = FALSE;
  self->list_again = FALSE;
  set_ready (self, FALSE);
}

/**
 * natter_omemo_bind:
 * @self: an account's OMEMO
 * @client: (nullable): the account's client, or %NULL to let go of it
 * @disco: (nullable): its service discovery
 * @presence: (nullable): its presence
 * @pep: (nullable): its PEP module
 *
 * Works on a new client (the account replaces it when its resource
 * changes).  Bound before the client connects, the first presence
 * carries `devicelist+notify`; bound later, the presence is sent again.
 */
void
natter_omemo_bind (NatterOmemo  *self,
                   XmppClient   *client,
                   XmppDisco    *disco,
                   XmppPresence *presence,
                   XmppPep      *pep)
{
  g_return_if_fail (NATTER_IS_OMEMO (self));
  g_return_if_fail (client == NULL || (XMPP_IS_CLIENT (client) && XMPP_IS_DISCO (disco) &&
                                       XMPP_IS_PRESENCE (presence) && XMPP_IS_PEP (pep)));

  unbind (self);
  if (client == NULL)
    return;

  self->client = g_object_ref (client);
  self->disco = g_object_ref (disco);
  self->presence = g_object_ref (presence);
  self->pep = g_object_ref (pep);
  self->connection = g_cancellable_new ();
  /* The PEP callbacks find us through the module, so a late answer after
   * unbind (which clears this) or dispose finds nothing. */
  g_object_set_data (G_OBJECT (pep), "natter-omemo", self);

  g_signal_connect (client, "online", G_CALLBACK (online_cb), self);
  g_signal_connect (disco, "account-info-ready", G_CALLBACK (account_info_ready_cb), self);
  g_signal_connect (pep, "items::" DEVICELIST, G_CALLBACK (items_cb), self);
  g_signal_connect (pep, "retracted::" DEVICELIST, G_CALLBACK (retracted_cb), self);
  g_signal_connect (pep, "purged::" DEVICELIST, G_CALLBACK (purged_cb), self);
  g_signal_connect (pep, "deleted::" DEVICELIST, G_CALLBACK (purged_cb), self);

  self->refresh_id = g_timeout_add_seconds (NATTER_OMEMO_REFRESH_INTERVAL_S, refresh_cb, self);

  if (xmpp_pep_subscribe_notify (pep, DEVICELIST) && xmpp_presence_get_announced (presence))
    xmpp_presence_send_own (presence);
  if (xmpp_client_get_state (client) == XMPP_CLIENT_ONLINE)
    start_setup (self);
}

/* ------------------------------------------------------------------------
 * Bundles
 * ------------------------------------------------------------------------ */

typedef struct
{
  char      *jid;
  guint      pending;
  gboolean   cancelled;
  GPtrArray *failures;   /* char *, for the error */
} FetchData;

static void
fetch_data_free (FetchData *data)
{
  g_free (data->jid);
  g_clear_pointer (&data->failures, g_ptr_array_unref);
  g_free (data);
}

static void
fetch_done (GTask *task)
{
  FetchData *data = g_task_get_task_data (task);
  NatterOmemo *self = g_task_get_source_object (task);

  g_assert (data->pending == 0);
  if (data->cancelled)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_CANCELLED, "%s",
                               _("Operation was cancelled"));
      return;
    }
  devices_changed (self, data->jid);
  if (data->failures->len == 0)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }
  g_ptr_array_add (data->failures, NULL);
  {
    g_autofree char *list = g_strjoinv ("; ", (char **) data->failures->pdata);

    g_task_return_new_error (task, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NO_SESSION,
                             _("No session could be built with some devices of %s: %s"),
                             data->jid, list);
  }
}

typedef struct
{
  GTask   *task;
  guint32  device_id;
} BundleFetch;

static void
bundle_fetched_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  BundleFetch *fetch = user_data;
  g_autoptr(GTask) task = fetch->task;
  guint32 device_id = fetch->device_id;
  FetchData *data = g_task_get_task_data (task);
  NatterOmemo *self = g_task_get_source_object (task);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(NatterOmemoBundle) bundle = NULL;
  g_autoptr(NatterStoreOmemoIdentity) known = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *reason = NULL;
  XmppNode *payload;

  g_free (fetch);
  data->pending--;
  items = xmpp_pep_fetch_finish (XMPP_PEP (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      /* Only the last answer completes the task. */
      data->cancelled = TRUE;
      if (data->pending == 0)
        fetch_done (task);
      return;
    }

  payload = items != NULL ? pick_item (items) : NULL;
  if (items == NULL)
    reason = g_strdup_printf (_("its bundle could not be fetched (%s)"), error->message);
  else if (payload == NULL)
    reason = g_strdup (_("it has published no bundle"));
  else if ((bundle = natter_omemo_bundle_parse (payload, &error)) == NULL)
    reason = g_strdup_printf (_("its bundle is malformed (%s)"), error->message);
  else
    {
      known = natter_store_omemo_get_identity (self->store, self->account_id, VERSION,
                                               data->jid, device_id, NULL, NULL);
      if (known != NULL && !g_bytes_equal (known->identity_key, bundle->identity_key))
        {
          reason = g_strdup (_("its bundle shows another identity key than before; the new "
                               "key was refused"));
          g_signal_emit (self, signals[SIGNAL_IDENTITY_CHANGED], 0, data->jid, device_id);
        }
      else if (!natter_omemo_session_process_bundle (self->session, data->jid, device_id,
                                                     bundle, &error))
        reason = g_strdup (error->message);
    }

  if (reason != NULL)
    {
      note_failure (self, data->jid, device_id, reason);
      g_ptr_array_add (data->failures, g_strdup_printf (_("device %u: %s"), device_id, reason));
    }
  else
    clear_failure (self, data->jid, device_id);

  if (data->pending == 0)
    fetch_done (task);
}

static void
fetch_bundles_of_listed (GTask *task)
{
  NatterOmemo *self = g_task_get_source_object (task);
  FetchData *data = g_task_get_task_data (task);
  g_autoptr(GArray) ids = NULL;
  g_autoptr(XmppJid) owner = NULL;
  g_autoptr(GError) error = NULL;
  gint64 now = g_get_monotonic_time ();

  ids = active_ids (self, data->jid, &error);
  owner = xmpp_jid_new (data->jid, NULL);
  if (ids == NULL || owner == NULL)
    {
      if (error == NULL)
        g_set_error_literal (&error, NATTER_ERROR, NATTER_ERROR_INVALID_JID, _("Invalid address"));
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }

  /* One reference per answer; this function's goes at the end. */
  for (guint i = 0; i < ids->len; i++)
    {
      guint32 id = g_array_index (ids, guint32, i);
      g_autofree char *node = NULL;
      Failure *failure;
      BundleFetch *fetch;

      if (is_own (self, data->jid) && id == own_device_id (self))
        continue;
      if (natter_omemo_session_has_session (self->session, data->jid, id))
        continue;
      failure = lookup_failure (self, data->jid, id);
      if (failure != NULL && now - failure->when < NATTER_OMEMO_BUNDLE_RETRY_DELAY)
        {
          g_ptr_array_add (data->failures,
                           g_strdup_printf (_("device %u: %s"), id, failure->reason));
          continue;
        }
      node = bundle_node (id);
      fetch = g_new0 (BundleFetch, 1);
      fetch->task = g_object_ref (task);
      fetch->device_id = id;
      data->pending++;
      xmpp_pep_fetch_async (self->pep, owner, node, NULL, g_task_get_cancellable (task),
                            bundle_fetched_cb, fetch);
    }
  if (data->pending == 0)
    fetch_done (task);
  g_object_unref (task);
}

static void
peer_list_fetched_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  GTask *task = user_data;
  NatterOmemo *self = g_task_get_source_object (task);
  FetchData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GError) error = NULL;

  items = xmpp_pep_fetch_finish (XMPP_PEP (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      g_object_unref (task);
      return;
    }
  if (items != NULL)
    ids = parse_list (items, &error);
  if (ids != NULL)
    store_device_list (self, data->jid, ids);
  else
    g_debug ("OMEMO: no device list of %s: %s", data->jid, error->message);
  fetch_bundles_of_listed (task);
}

/* Fetches the bundles @jid's active devices lack a session for; first
 * its device list if none is known. */
static void
fetch_bundles (NatterOmemo         *self,
               const char          *jid,
               GCancellable        *cancellable,
               GAsyncReadyCallback  callback,
               gpointer             user_data,
               gpointer             source_tag)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(XmppJid) owner = NULL;
  FetchData *data;

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, source_tag);
  data = g_new0 (FetchData, 1);
  data->jid = g_strdup (jid);
  data->failures = g_ptr_array_new_with_free_func (g_free);
  g_task_set_task_data (task, data, (GDestroyNotify) fetch_data_free);

  if (self->session == NULL || !is_online (self))
    {
      g_task_return_new_error (task, NATTER_ERROR, NATTER_ERROR_NOT_CONNECTED, "%s",
                               _("OMEMO needs the account to be online"));
      return;
    }

  ids = active_ids (self, jid, NULL);
  if (ids != NULL && ids->len == 0 && !is_own (self, jid))
    {
      owner = xmpp_jid_new (jid, NULL);
      xmpp_pep_fetch_async (self->pep, owner, DEVICELIST, NULL, cancellable,
                            peer_list_fetched_cb, g_steal_pointer (&task));
      return;
    }
  fetch_bundles_of_listed (g_steal_pointer (&task));
}

/**
 * natter_omemo_fetch_bundles_async:
 * @self: an account's OMEMO
 * @jid: a bare JID, a contact's or the account's own
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when every bundle was handled
 * @user_data: data for @callback
 *
 * Builds a session with every active device of @jid that has none, from
 * its bundle; fetches @jid's device list first if none is known.  A
 * bundle showing another identity key than the device showed before is
 * refused and reported with #NatterOmemo::identity-changed.
 */
void
natter_omemo_fetch_bundles_async (NatterOmemo         *self,
                                  const char          *jid,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autofree char *bare = NULL;
  g_autoptr(GError) error = NULL;

  g_return_if_fail (NATTER_IS_OMEMO (self));
  g_return_if_fail (jid != NULL);
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  bare = normalise_bare (jid, &error);
  if (bare == NULL)
    {
      g_task_report_error (self, callback, user_data, natter_omemo_fetch_bundles_async,
                           g_steal_pointer (&error));
      return;
    }
  fetch_bundles (self, bare, cancellable, callback, user_data, natter_omemo_fetch_bundles_async);
}

/**
 * natter_omemo_fetch_bundles_finish:
 * @self: an account's OMEMO
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if every active device of the JID has a session now;
 *   otherwise %NATTER_OMEMO_ERROR_NO_SESSION names each device that has
 *   none and why (the others have one)
 */
gboolean
natter_omemo_fetch_bundles_finish (NatterOmemo   *self,
                                   GAsyncResult  *result,
                                   GError       **error)
{
  g_return_val_if_fail (NATTER_IS_OMEMO (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------
 * Encrypting and decrypting
 * ------------------------------------------------------------------------ */

typedef struct
{
  char *peer;
  char *body;
  guint step;
} EncryptData;

static void
encrypt_data_free (EncryptData *data)
{
  g_free (data->peer);
  if (data->body != NULL)
    {
      memset (data->body, 0, strlen (data->body));
      g_free (data->body);
    }
  g_free (data);
}

static char *
describe_device (NatterOmemo *self,
                 const char  *jid,
                 guint32      device_id,
                 GBytes      *identity_key)
{
  g_autofree char *fingerprint = NULL;

  if (identity_key != NULL)
    fingerprint = natter_omemo_fingerprint_format (identity_key);
  if (fingerprint != NULL)
    return g_strdup_printf (_("device %u of %s (%s)"), device_id, jid, fingerprint);
  return g_strdup_printf (_("device %u of %s"), device_id, jid);
}

/* Sorts the active devices of @jid: @undecided collects those the user
 * must decide on first, @unusable those that cannot read the message and
 * why.  Returns how many can. */
static guint
check_devices (NatterOmemo  *self,
               const char   *jid,
               GPtrArray    *undecided,
               GPtrArray    *unusable,
               GError      **error)
{
  g_autoptr(GArray) ids = active_ids (self, jid, error);
  guint usable = 0;

  if (ids == NULL)
    return 0;
  for (guint i = 0; i < ids->len; i++)
    {
      guint32 id = g_array_index (ids, guint32, i);
      g_autoptr(NatterStoreOmemoIdentity) identity = NULL;
      g_autofree char *name = NULL;
      Failure *failure;

      if (is_own (self, jid) && id == own_device_id (self))
        continue;
      identity = natter_store_omemo_get_identity (self->store, self->account_id, VERSION, jid,
                                                  id, NULL, NULL);
      name = describe_device (self, jid, id, identity != NULL ? identity->identity_key : NULL);
      failure = lookup_failure (self, jid, id);

      if (!natter_omemo_session_has_session (self->session, jid, id))
        g_ptr_array_add (unusable, g_strdup_printf (_("%s: %s"), name,
                                                    failure != NULL ? failure->reason
                                                                    : _("no session")));
      else if (identity == NULL || identity->trust == NATTER_STORE_OMEMO_TRUST_UNDECIDED)
        g_ptr_array_add (undecided, g_steal_pointer (&name));
      else if (identity->trust == NATTER_STORE_OMEMO_TRUST_DISTRUSTED)
        g_ptr_array_add (unusable, g_strdup_printf (_("%s: distrusted"), name));
      else
        usable++;
    }
  return usable;
}

static char *
join (GPtrArray *strings)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) array = NULL;

  for (guint i = 0; i < strings->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (strings, i));
  array = g_strv_builder_end (builder);
  return g_strjoinv ("; ", array);
}

static void
encrypt_now (GTask *task)
{
  NatterOmemo *self = g_task_get_source_object (task);
  EncryptData *data = g_task_get_task_data (task);
  g_autoptr(GPtrArray) undecided = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) unusable = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(NatterOmemoEncrypted) encrypted = NULL;
  g_autoptr(GError) error = NULL;
  const char *jids[3] = { data->peer, NULL, NULL };
  guint usable;

  if (self->session == NULL)
    {
      g_task_return_new_error (task, NATTER_ERROR, NATTER_ERROR_NOT_CONNECTED, "%s",
                               _("OMEMO is not set up on this device yet"));
      return;
    }
  usable = check_devices (self, data->peer, undecided, unusable, &error);
  if (error == NULL && !is_own (self, data->peer))
    {
      check_devices (self, self->own_jid, undecided, unusable, &error);
      jids[1] = self->own_jid;
    }
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (undecided->len > 0)
    {
      g_autofree char *list = join (undecided);

      g_task_return_new_error (task, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_UNTRUSTED,
                               _("The message was not sent: decide first whether to trust "
                                 "%s"), list);
      return;
    }
  if (usable == 0 && !is_own (self, data->peer))
    {
      g_autofree char *list = join (unusable);

      if (unusable->len > 0)
        g_task_return_new_error (task, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NO_DEVICES,
                                 _("The message was not sent: none of %s’s devices can "
                                   "read it (%s)"), data->peer, list);
      else
        g_task_return_new_error (task, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NO_DEVICES,
                                 _("The message was not sent: %s has no OMEMO device"),
                                 data->peer);
      return;
    }
  if (unusable->len > 0)
    {
      g_autofree char *list = join (unusable);

      g_debug ("OMEMO: not encrypting for %s", list);
    }

  encrypted = natter_omemo_session_encrypt (self->session, data->body,
                                            (const char * const *) jids, &error);
  if (encrypted == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_pointer (task, natter_omemo_encrypted_to_node (encrypted),
                         (GDestroyNotify) xmpp_node_unref);
}

static void
encrypt_fetched_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NatterOmemo *self = NATTER_OMEMO (object);
  EncryptData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* Devices without a session are reported by encrypt_now(); only a
   * failure to fetch at all ends it here. */
  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      !g_error_matches (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NO_SESSION))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  if (data->step == 0 && !is_own (self, data->peer))
    {
      GCancellable *cancellable = g_task_get_cancellable (task);

      data->step = 1;
      fetch_bundles (self, self->own_jid, cancellable, encrypt_fetched_cb,
                     g_steal_pointer (&task), encrypt_fetched_cb);
      return;
    }
  encrypt_now (task);
}

/**
 * natter_omemo_encrypt_async:
 * @self: an account's OMEMO
 * @peer: the recipient's bare JID
 * @body: the message body, not empty
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 *
 * Encrypts @body for every active device of @peer that is trusted or
 * verified, and for this account's other such devices, fetching the
 * bundles of devices without a session first.  Distrusted devices and
 * devices whose bundle cannot be used are left out; an active device the
 * user has not decided on makes the whole call fail
 * (%NATTER_OMEMO_ERROR_UNTRUSTED, naming it), as does a peer none of
 * whose devices can read the message (%NATTER_OMEMO_ERROR_NO_DEVICES,
 * naming each and why).  Offline it fails with
 * %NATTER_ERROR_NOT_CONNECTED.  There is never a plaintext fallback.
 */
void
natter_omemo_encrypt_async (NatterOmemo         *self,
                            const char          *peer,
                            const char          *body,
                            GCancellable        *cancellable,
                            GAsyncReadyCallback  callback,
                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  EncryptData *data;

  g_return_if_fail (NATTER_IS_OMEMO (self));
  g_return_if_fail (peer != NULL);
  g_return_if_fail (body != NULL && body[0] != '\0');
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, natter_omemo_encrypt_async);
  data = g_new0 (EncryptData, 1);
  data->body = g_strdup (body);
  g_task_set_task_data (task, data, (GDestroyNotify) encrypt_data_free);
  data->peer = normalise_bare (peer, &error);
  if (data->peer == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  fetch_bundles (self, data->peer, cancellable, encrypt_fetched_cb, g_steal_pointer (&task),
                 encrypt_fetched_cb);
}

/**
 * natter_omemo_encrypt_finish:
 * @self: an account's OMEMO
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the `<encrypted/>` element for the message;
 *   the caller adds the rest (a `<store xmlns='urn:xmpp:hints'/>`, and no
 *   body but a fallback saying the message is encrypted), or %NULL
 */
XmppNode *
natter_omemo_encrypt_finish (NatterOmemo   *self,
                             GAsyncResult  *result,
                             GError       **error)
{
  g_return_val_if_fail (NATTER_IS_OMEMO (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* ------------------------------------------------------------------------
 * Repairing sessions
 * ------------------------------------------------------------------------ */

/* A device we cannot read gets one repair in this long, µs, however many
 * messages it sends meanwhile (SECURITY.md row 50: no storms). */
#define REPAIR_INTERVAL (5 * G_TIME_SPAN_MINUTE)

/* The new session is there: a key transport element through it tells the
 * device to use it, so its next message can be read. */
static void
repair_fetched_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  NatterOmemo *self = NATTER_OMEMO (object);
  g_autofree char *jid = user_data;
  const char *jids[] = { jid, NULL };
  g_autoptr(NatterOmemoEncrypted) encrypted = NULL;
  g_autoptr(XmppNode) message = NULL;
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      g_debug ("OMEMO: no repair of a session with %s: %s", jid, error->message);
      return;
    }
  if (self->session == NULL || !is_online (self))
    return;
  encrypted = natter_omemo_session_encrypt (self->session, NULL, jids, &error);
  if (encrypted == NULL)
    {
      g_debug ("OMEMO: no repair of a session with %s: %s", jid, error->message);
      return;
    }
  message = natter_omemo_message_build_key_transport (jid, encrypted);
  xmpp_client_send (self->client, message);
  g_debug ("OMEMO: sent a key transport element to repair the sessions with %s", jid);
}

/* @device_id of @jid wrote with a session this device does not have (we
 * lost it, or the pre-key it used): build a new one from its bundle and
 * answer with a key transport element, as Conversations and Dino do. */
static void
repair_session (NatterOmemo *self,
                const char  *jid,
                guint32      device_id)
{
  g_autofree char *key = failure_key (jid, device_id);
  g_autoptr(XmppJid) owner = NULL;
  g_autoptr(GTask) task = NULL;
  g_autofree char *node = NULL;
  gint64 now = g_get_monotonic_time ();
  gint64 *last = g_hash_table_lookup (self->repairs, key);
  BundleFetch *fetch;
  FetchData *data;

  if (self->session == NULL || !is_online (self) ||
      (is_own (self, jid) && device_id == own_device_id (self)) ||
      (last != NULL && now - *last < REPAIR_INTERVAL) ||
      (owner = xmpp_jid_new (jid, NULL)) == NULL)
    return;
  g_hash_table_replace (self->repairs, g_steal_pointer (&key), g_memdup2 (&now, sizeof now));

  task = g_task_new (self, self->connection, repair_fetched_cb, g_strdup (jid));
  data = g_new0 (FetchData, 1);
  data->jid = g_strdup (jid);
  data->failures = g_ptr_array_new_with_free_func (g_free);
  data->pending = 1;
  g_task_set_task_data (task, data, (GDestroyNotify) fetch_data_free);
  fetch = g_new0 (BundleFetch, 1);
  fetch->task = g_steal_pointer (&task);
  fetch->device_id = device_id;
  node = bundle_node (device_id);
  xmpp_pep_fetch_async (self->pep, owner, node, NULL, self->connection, bundle_fetched_cb, fetch);
}

/**
 * natter_omemo_decrypt:
 * @self: an account's OMEMO
 * @from: the sender, from the stanza's outer `from` (a room occupant's
 *   real JID), never from inside the payload
 * @encrypted: an `<encrypted xmlns='eu.siacs.conversations.axolotl'/>`
 *   element
 * @error: return location for a #GError
 *
 * Decrypts a message.  The errors are the session's:
 * %NATTER_OMEMO_ERROR_NOT_FOR_THIS_DEVICE, %NATTER_OMEMO_ERROR_NO_SESSION,
 * %NATTER_OMEMO_ERROR_UNTRUSTED (a distrusted device),
 * %NATTER_OMEMO_ERROR_AUTHENTICATION or %NATTER_OMEMO_ERROR_MALFORMED
 * (corrupted), %NATTER_OMEMO_ERROR_DUPLICATE; no plaintext on failure.
 * After a pre-key message the bundle is published again.  The result's
 * trust says whether the sending device is trusted.
 *
 * Returns: (transfer full): the result, or %NULL
 */
NatterOmemoDecrypted *
natter_omemo_decrypt (NatterOmemo  *self,
                      XmppJid      *from,
                      XmppNode     *encrypted,
                      GError      **error)
{
  g_autoptr(NatterOmemoEncrypted) parsed = NULL;
  g_autoptr(NatterStoreOmemoIdentity) known = NULL;
  g_autoptr(GBytes) carried = NULL;
  g_autoptr(GError) local_error = NULL;
  NatterOmemoDecrypted *result;
  const char *sender;

  g_return_val_if_fail (NATTER_IS_OMEMO (self), NULL);
  g_return_val_if_fail (from != NULL && encrypted != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (self->session == NULL)
    {
      g_set_error_literal (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NO_SESSION,
                           _("OMEMO is not set up on this device yet"));
      return NULL;
    }
  if (xmpp_jid_get_localpart (from) == NULL)
    {
      g_set_error_literal (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED,
                           _("An encrypted message from a server is not accepted"));
      return NULL;
    }
  parsed = natter_omemo_encrypted_parse (encrypted, error);
  if (parsed == NULL)
    return NULL;

  sender = xmpp_jid_to_bare_string (from);

  /* A pre-key message may carry a new identity key for a device we know
   * with another one; like such a bundle, it is refused and reported,
   * never taken as the device's key (SECURITY.md row 45). */
  carried = natter_omemo_session_dup_pre_key_identity (self->session, parsed);
  if (carried != NULL)
    known = natter_store_omemo_get_identity (self->store, self->account_id, VERSION, sender,
                                             parsed->sid, NULL, NULL);
  if (known != NULL && !g_bytes_equal (known->identity_key, carried))
    {
      note_failure (self, sender, parsed->sid,
                    _("it now shows another identity key than before; the new key was refused"));
      devices_changed (self, sender);
      g_signal_emit (self, signals[SIGNAL_IDENTITY_CHANGED], 0, sender, parsed->sid);
      g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_UNTRUSTED,
                   _("Device %u of %s now uses another identity key than before; the message "
                     "was not decrypted"), parsed->sid, sender);
      return NULL;
    }

  result = natter_omemo_session_decrypt (self->session, sender, parsed, &local_error);
  if (result == NULL)
    {
      /* Only a message for this device says the sender has a session
       * with it that we lack. */
      if (g_error_matches (local_error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NO_SESSION))
        repair_session (self, sender, parsed->sid);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (result->pre_key_message)
    devices_changed (self, sender);
  if (result->bundle_changed)
    publish_bundle (self, FALSE);
  return result;
}

/* ------------------------------------------------------------------------
 * Trust and fingerprint URIs
 * ------------------------------------------------------------------------ */

/**
 * natter_omemo_set_trust:
 * @self: an account's OMEMO
 * @jid: the device's owner
 * @device_id: the device
 * @trust: the new trust in the key it uses now
 * @error: return location for a #GError
 *
 * Sets the trust of a device's current identity key.  Verifying a device
 * ends blind trust for that person: keys seen after that are undecided.
 * A device whose key is not known yet (its bundle was never fetched)
 * fails with %NATTER_OMEMO_ERROR_FAILED.
 *
 * Returns: %TRUE on success
 */
gboolean
natter_omemo_set_trust (NatterOmemo       *self,
                        const char        *jid,
                        guint32            device_id,
                        NatterOmemoTrust   trust,
                        GError           **error)
{
  g_autoptr(NatterStoreOmemoIdentity) identity = NULL;
  g_autofree char *bare = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (NATTER_IS_OMEMO (self), FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);
  g_return_val_if_fail (trust <= NATTER_OMEMO_TRUST_DISTRUSTED, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  bare = normalise_bare (jid, error);
  if (bare == NULL)
    return FALSE;
  if (is_own (self, bare) && device_id == own_device_id (self))
    {
      g_set_error_literal (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED,
                           _("This device always trusts itself"));
      return FALSE;
    }
  identity = natter_store_omemo_get_identity (self->store, self->account_id, VERSION, bare,
                                              device_id, NULL, &local_error);
  if (identity == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED,
                     _("The key of device %u of %s is not known yet"), device_id, bare);
      return FALSE;
    }
  if (!natter_store_omemo_set_trust (self->store, self->account_id, VERSION, bare, device_id,
                                     identity->identity_key, (NatterStoreOmemoTrust) trust,
                                     error))
    return FALSE;
  devices_changed (self, bare);
  return TRUE;
}

/**
 * natter_omemo_uri_change_free:
 * @change: (transfer full) (nullable): a change
 */
void
natter_omemo_uri_change_free (NatterOmemoUriChange *change)
{
  if (change == NULL)
    return;
  g_free (change->jid);
  g_free (change->fingerprint);
  g_free (change);
}

static gboolean
parse_device_id (const char *text,
                 guint32    *device_id)
{
  guint64 value = 0;

  if (text[0] < '1' || text[0] > '9' || strlen (text) > 10)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    {
      if (!g_ascii_isdigit (*p))
        return FALSE;
      value = value * 10 + (guint64) (*p - '0');
    }
  if (value < 1 || value > NATTER_OMEMO_DEVICE_ID_MAX)
    return FALSE;
  *device_id = (guint32) value;
  return TRUE;
}

static gboolean
uri_invalid (GError     **error,
             const char  *why)
{
  g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED,
               _("This is not an OMEMO fingerprint code: %s"), why);
  return FALSE;
}

gboolean
natter_omemo_uri_parse (const char  *text,
                        XmppJid    **jid,
                        GArray     **entries,
                        GError     **error)
{
  g_autoptr(XmppUri) uri = NULL;
  g_autoptr(GArray) found = NULL;
  g_auto(GStrv) keys = NULL;
  g_autoptr(GError) local_error = NULL;
  XmppJid *target;

  g_return_val_if_fail (text != NULL && jid != NULL && entries != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  uri = xmpp_uri_parse (text, &local_error);
  if (uri == NULL)
    return uri_invalid (error, local_error->message);
  target = xmpp_uri_get_jid (uri);
  if (xmpp_jid_get_localpart (target) == NULL || !xmpp_jid_is_bare (target))
    return uri_invalid (error, _("it does not name a person’s bare address"));

  found = g_array_new (FALSE, TRUE, sizeof (NatterOmemoUriEntry));
  keys = xmpp_uri_dup_keys (uri);
  for (guint i = 0; keys[i] != NULL; i++)
    {
      NatterOmemoUriEntry entry = { 0, };
      const char *value;
      gsize length;

      if (!g_str_has_prefix (keys[i], URI_PREFIX))
        continue;
      if (!parse_device_id (keys[i] + strlen (URI_PREFIX), &entry.device_id))
        return uri_invalid (error, _("a device id is not a number from 1 to 2147483647"));
      for (guint j = 0; j < found->len; j++)
        if (g_array_index (found, NatterOmemoUriEntry, j).device_id == entry.device_id)
          return uri_invalid (error, _("a device appears twice"));
      if (found->len >= NATTER_OMEMO_MAX_DEVICES)
        return uri_invalid (error, _("it names too many devices"));

      /* The first value of a repeated key is what xmpp_uri_get_parameter()
       * gives; a repeated key is refused above. */
      value = xmpp_uri_get_parameter (uri, keys[i]);
      length = value != NULL ? strlen (value) : 0;
      if (length != 64)
        return uri_invalid (error, _("a fingerprint is not 64 hex digits"));
      for (gsize k = 0; k < length; k++)
        {
          if (!g_ascii_isxdigit (value[k]))
            return uri_invalid (error, _("a fingerprint is not 64 hex digits"));
          entry.fingerprint[k] = g_ascii_tolower (value[k]);
        }
      entry.fingerprint[64] = '\0';
      g_array_append_val (found, entry);
    }
  if (found->len == 0)
    return uri_invalid (error, _("it names no device"));

  *jid = xmpp_jid_dup_bare (target);
  *entries = g_steal_pointer (&found);
  return TRUE;
}

static GBytes *
key_from_hex (const char *hex)
{
  guint8 key[33];

  key[0] = 0x05;
  for (guint i = 0; i < 32; i++)
    key[i + 1] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 |
                           g_ascii_xdigit_value (hex[2 * i + 1]));
  return g_bytes_new (key, sizeof key);
}

static char *
hex_of (const char *fingerprint)
{
  GString *hex = g_string_sized_new (64);

  for (const char *p = fingerprint; *p != '\0'; p++)
    if (*p != ' ')
      g_string_append_c (hex, *p);
  return g_string_free (hex, FALSE);
}

/**
 * natter_omemo_build_uri:
 * @self: an account's OMEMO
 *
 * Builds the `xmpp:` URI phones scan from a QR code to verify this
 * account's devices (as Conversations writes it):
 * `xmpp:me@example.org?omemo-sid-<id>=<64 hex digits>;…`, with this
 * device and every other device of the account the user verified.
 *
 * Returns: (transfer full) (nullable): the URI, or %NULL while this
 *   device has no identity
 */
char *
natter_omemo_build_uri (NatterOmemo *self)
{
  g_autoptr(XmppJid) jid = NULL;
  g_autoptr(GPtrArray) identities = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autofree char *fingerprint = NULL;
  g_autofree char *hex = NULL;
  GString *uri;

  g_return_val_if_fail (NATTER_IS_OMEMO (self), NULL);

  if (self->session == NULL)
    return NULL;
  jid = xmpp_jid_new (self->own_jid, NULL);
  fingerprint = natter_omemo_session_dup_fingerprint (self->session);
  if (jid == NULL || fingerprint == NULL)
    return NULL;

  uri = g_string_new (NULL);
  {
    g_autofree char *base = xmpp_uri_build (jid, NULL, NULL, NULL);

    g_string_append (uri, base);
  }
  hex = hex_of (fingerprint);
  g_string_append_printf (uri, "?" URI_PREFIX "%u=%s", own_device_id (self), hex);

  ids = active_ids (self, self->own_jid, NULL);
  identities = natter_store_omemo_list_identities (self->store, self->account_id, VERSION,
                                                   self->own_jid, NULL);
  for (guint i = 0; identities != NULL && i < identities->len; i++)
    {
      NatterStoreOmemoIdentity *identity = g_ptr_array_index (identities, i);
      NatterStoreOmemoIdentity *previous = i > 0 ? g_ptr_array_index (identities, i - 1) : NULL;
      g_autofree char *other = NULL;
      g_autofree char *other_hex = NULL;

      /* The newest key of each active device, if it is verified. */
      if ((previous != NULL && previous->device_id == identity->device_id) ||
          identity->trust != NATTER_STORE_OMEMO_TRUST_VERIFIED ||
          !contains (ids, identity->device_id) || identity->device_id == own_device_id (self))
        continue;
      other = natter_omemo_fingerprint_format (identity->identity_key);
      if (other == NULL)
        continue;
      other_hex = hex_of (other);
      g_string_append_printf (uri, ";" URI_PREFIX "%u=%s", identity->device_id, other_hex);
    }
  return g_string_free (uri, FALSE);
}

/**
 * natter_omemo_apply_uri:
 * @self: an account's OMEMO
 * @uri: an `xmpp:jid?omemo-sid-<id>=<fingerprint>;…` URI, e.g. from a
 *   scanned QR code
 * @dry_run: only say what would change
 * @changes: (out) (optional) (transfer full) (element-type NatterOmemoUriChange):
 *   what changes (or would) for each device the URI names
 * @error: return location for a #GError
 *
 * Verifies the devices the URI names.  A device whose key is not known
 * yet gets the URI's key recorded as verified, so its bundle is accepted
 * only with that key.  If any device is known with another key than the
 * URI gives, nothing changes and the call fails with
 * %NATTER_OMEMO_ERROR_UNTRUSTED: the code is wrong or someone is in the
 * way.  A malformed URI fails with %NATTER_OMEMO_ERROR_MALFORMED.
 * Call it first with @dry_run to show the user what will change.
 *
 * Returns: %TRUE if the URI was (or can be) applied
 */
gboolean
natter_omemo_apply_uri (NatterOmemo  *self,
                        const char   *uri,
                        gboolean      dry_run,
                        GPtrArray   **changes,
                        GError      **error)
{
  g_autoptr(XmppJid) jid = NULL;
  g_autoptr(GArray) entries = NULL;
  g_autoptr(GPtrArray) list = NULL;
  const char *bare;

  g_return_val_if_fail (NATTER_IS_OMEMO (self), FALSE);
  g_return_val_if_fail (uri != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!natter_omemo_uri_parse (uri, &jid, &entries, error))
    return FALSE;
  bare = xmpp_jid_to_bare_string (jid);
  list = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_omemo_uri_change_free);

  for (guint i = 0; i < entries->len; i++)
    {
      NatterOmemoUriEntry *entry = &g_array_index (entries, NatterOmemoUriEntry, i);
      g_autoptr(GBytes) key = key_from_hex (entry->fingerprint);
      g_autoptr(NatterStoreOmemoIdentity) identity = NULL;
      g_autoptr(NatterStoreOmemoIdentity) newest = NULL;
      g_autoptr(GError) local_error = NULL;
      NatterOmemoUriChange *change;

      if (is_own (self, bare) && entry->device_id == own_device_id (self))
        {
          g_autofree char *own = natter_omemo_session_dup_fingerprint (self->session);
          g_autofree char *own_hex = hex_of (own);

          if (!g_str_equal (own_hex, entry->fingerprint))
            {
              g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_UNTRUSTED,
                           _("The code gives this very device (%u) another key: it is not "
                             "this account’s code, or it was changed"), entry->device_id);
              return FALSE;
            }
          continue;
        }

      identity = natter_store_omemo_get_identity (self->store, self->account_id, VERSION, bare,
                                                  entry->device_id, key, &local_error);
      if (identity == NULL && local_error == NULL)
        newest = natter_store_omemo_get_identity (self->store, self->account_id, VERSION, bare,
                                                  entry->device_id, NULL, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (identity == NULL && newest != NULL)
        {
          g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_UNTRUSTED,
                       _("Device %u of %s uses another key than the code says: nothing was "
                         "verified"), entry->device_id, bare);
          return FALSE;
        }

      change = g_new0 (NatterOmemoUriChange, 1);
      change->jid = g_strdup (bare);
      change->device_id = entry->device_id;
      change->fingerprint = natter_omemo_fingerprint_format (key);
      change->known = identity != NULL;
      change->old_trust = identity != NULL ? (NatterOmemoTrust) identity->trust
                                           : NATTER_OMEMO_TRUST_UNDECIDED;
      g_ptr_array_add (list, change);
    }

  if (!dry_run)
    {
      for (guint i = 0; i < list->len; i++)
        {
          NatterOmemoUriChange *change = g_ptr_array_index (list, i);
          g_autofree char *hex = hex_of (change->fingerprint);
          g_autoptr(GBytes) key = key_from_hex (hex);

          if (!natter_store_omemo_record_identity (self->store, self->account_id, VERSION, bare,
                                                   change->device_id, key,
                                                   NATTER_STORE_OMEMO_TRUST_VERIFIED, NULL,
                                                   error) ||
              !natter_store_omemo_set_trust (self->store, self->account_id, VERSION, bare,
                                             change->device_id, key,
                                             NATTER_STORE_OMEMO_TRUST_VERIFIED, error))
            return FALSE;
        }
      if (list->len > 0)
        devices_changed (self, bare);
    }

  if (changes != NULL)
    *changes = g_steal_pointer (&list);
  return TRUE;
}

/* ------------------------------------------------------------------------
 * Removing a stale device of our own
 * ------------------------------------------------------------------------ */

static void
removed_published_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NatterOmemo *self = g_task_get_source_object (task);
  GArray *ids = g_task_get_task_data (task);
  GError *error = NULL;

  if (!xmpp_pep_publish_finish (XMPP_PEP (object), result, NULL, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  store_device_list (self, self->own_jid, ids);
  g_task_return_boolean (task, TRUE);
}

static void
remove_fetched_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  NatterOmemo *self = g_task_get_source_object (task);
  guint32 device_id = GPOINTER_TO_UINT (g_task_get_task_data (task));
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GArray) kept = NULL;
  g_autoptr(XmppNode) node = NULL;
  GCancellable *cancellable;
  GError *error = NULL;

  items = xmpp_pep_fetch_finish (XMPP_PEP (object), result, &error);
  if (items != NULL)
    ids = parse_list (items, &error);
  if (ids == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  if (!contains (ids, device_id) || !is_online (self))
    {
      if (contains (ids, device_id))
        g_task_return_new_error (task, NATTER_ERROR, NATTER_ERROR_NOT_CONNECTED, "%s",
                                 _("OMEMO needs the account to be online"));
      else
        {
          store_device_list (self, self->own_jid, ids);
          g_task_return_boolean (task, TRUE);
        }
      return;
    }

  kept = g_array_new (FALSE, FALSE, sizeof (guint32));
  for (guint i = 0; i < ids->len; i++)
    if (g_array_index (ids, guint32, i) != device_id)
      g_array_append_val (kept, g_array_index (ids, guint32, i));
  node = natter_omemo_device_list_to_node ((const guint32 *) kept->data, kept->len);
  g_task_set_task_data (task, g_steal_pointer (&kept), (GDestroyNotify) g_array_unref);
  cancellable = g_task_get_cancellable (task);
  xmpp_pep_publish_async (self->pep, DEVICELIST, CURRENT, node, access_model (self),
                          cancellable, removed_published_cb, g_steal_pointer (&task));
}

/**
 * natter_omemo_remove_own_device_async:
 * @self: an account's OMEMO
 * @device_id: another device of this account, e.g. one that is gone
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Removes @device_id from the account's published device list, keeping
 * every other device.  This device cannot remove itself (it would add
 * itself back).
 */
void
natter_omemo_remove_own_device_async (NatterOmemo         *self,
                                      guint32              device_id,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (NATTER_IS_OMEMO (self));
  g_return_if_fail (cancellable == NULL || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, natter_omemo_remove_own_device_async);
  g_task_set_task_data (task, GUINT_TO_POINTER (device_id), NULL);
  if (device_id == 0 || device_id > NATTER_OMEMO_DEVICE_ID_MAX ||
      device_id == own_device_id (self))
    {
      g_task_return_new_error (task, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED, "%s",
                               _("Only another device of this account can be removed"));
      return;
    }
  if (!is_online (self))
    {
      g_task_return_new_error (task, NATTER_ERROR, NATTER_ERROR_NOT_CONNECTED, "%s",
                               _("OMEMO needs the account to be online"));
      return;
    }
  xmpp_pep_fetch_async (self->pep, NULL, DEVICELIST, NULL, cancellable, remove_fetched_cb,
                        g_steal_pointer (&task));
}

/**
 * natter_omemo_remove_own_device_finish:
 * @self: an account's OMEMO
 * @result: the result passed to the callback
 * @error: return location for a #GError
 *
 * Returns: %TRUE if the device is no longer in the published list
 */
gboolean
natter_omemo_remove_own_device_finish (NatterOmemo   *self,
                                       GAsyncResult  *result,
                                       GError       **error)
{
  g_return_val_if_fail (NATTER_IS_OMEMO (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ------------------------------------------------------------------------
 * Queries
 * ------------------------------------------------------------------------ */

/**
 * natter_omemo_get_device_id:
 * @self: an account's OMEMO
 *
 * Returns: this device's id, or 0 until its identity is made (the first
 *   time the account is online)
 */
guint32
natter_omemo_get_device_id (NatterOmemo *self)
{
  g_return_val_if_fail (NATTER_IS_OMEMO (self), 0);

  return own_device_id (self);
}

/**
 * natter_omemo_dup_own_fingerprint:
 * @self: an account's OMEMO
 *
 * Returns: (transfer full) (nullable): this device's fingerprint, 64 hex
 *   digits in 8 groups of 8, or %NULL until its identity is made
 */
char *
natter_omemo_dup_own_fingerprint (NatterOmemo *self)
{
  g_return_val_if_fail (NATTER_IS_OMEMO (self), NULL);

  return self->session != NULL ? natter_omemo_session_dup_fingerprint (self->session) : NULL;
}

/**
 * natter_omemo_get_ready:
 * @self: an account's OMEMO
 *
 * Returns: see #NatterOmemo:ready
 */
gboolean
natter_omemo_get_ready (NatterOmemo *self)
{
  g_return_val_if_fail (NATTER_IS_OMEMO (self), FALSE);

  return self->ready;
}

/**
 * natter_omemo_get_devices:
 * @self: an account's OMEMO
 * @bare_jid: a contact's bare JID, or the account's own
 *
 * The devices of @bare_jid: every device that was ever in its device
 * list or wrote to us, inactive ones included, by id; for the account
 * itself this device too (#NatterOmemoDevice:own).  The model stays up
 * to date.
 *
 * Returns: (transfer none) (element-type NatterOmemoDevice) (nullable):
 *   the devices, or %NULL if @bare_jid is not a person's JID
 */
GListModel *
natter_omemo_get_devices (NatterOmemo *self,
                          const char  *bare_jid)
{
  g_autofree char *bare = NULL;
  GListStore *model;

  g_return_val_if_fail (NATTER_IS_OMEMO (self), NULL);
  g_return_val_if_fail (bare_jid != NULL, NULL);

  bare = normalise_bare (bare_jid, NULL);
  if (bare == NULL)
    return NULL;
  model = g_hash_table_lookup (self->models, bare);
  if (model == NULL)
    {
      model = g_list_store_new (NATTER_TYPE_OMEMO_DEVICE);
      g_hash_table_insert (self->models, g_strdup (bare), model);
      refresh_model (self, bare);
    }
  return G_LIST_MODEL (model);
}

/**
 * natter_omemo_has_devices:
 * @self: an account's OMEMO
 * @bare_jid: a bare JID
 *
 * Returns: whether @bare_jid is known to have an active OMEMO device
 *   (other than this one), i.e. whether a chat with it can be encrypted
 */
gboolean
natter_omemo_has_devices (NatterOmemo *self,
                          const char  *bare_jid)
{
  g_autofree char *bare = NULL;
  g_autoptr(GArray) ids = NULL;

  g_return_val_if_fail (NATTER_IS_OMEMO (self), FALSE);
  g_return_val_if_fail (bare_jid != NULL, FALSE);

  bare = normalise_bare (bare_jid, NULL);
  if (bare == NULL)
    return FALSE;
  ids = active_ids (self, bare, NULL);
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    if (!is_own (self, bare) || g_array_index (ids, guint32, i) != own_device_id (self))
      return TRUE;
  return FALSE;
}

/* ------------------------------------------------------------------------
 * GObject
 * ------------------------------------------------------------------------ */

static void
natter_omemo_dispose (GObject *object)
{
  NatterOmemo *self = NATTER_OMEMO (object);

  unbind (self);
  g_clear_object (&self->session);
  g_clear_object (&self->store);
  g_clear_pointer (&self->models, g_hash_table_unref);

  G_OBJECT_CLASS (natter_omemo_parent_class)->dispose (object);
}

static void
natter_omemo_finalize (GObject *object)
{
  NatterOmemo *self = NATTER_OMEMO (object);

  g_clear_pointer (&self->own_jid, g_free);
  g_clear_pointer (&self->failures, g_hash_table_unref);
  g_clear_pointer (&self->repairs, g_hash_table_unref);

  G_OBJECT_CLASS (natter_omemo_parent_class)->finalize (object);
}

static void
natter_omemo_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  NatterOmemo *self = NATTER_OMEMO (object);

  switch (prop_id)
    {
    case PROP_DEVICE_ID:
      g_value_set_uint (value, own_device_id (self));
      break;
    case PROP_READY:
      g_value_set_boolean (value, self->ready);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
natter_omemo_class_init (NatterOmemoClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = natter_omemo_dispose;
  object_class->finalize = natter_omemo_finalize;
  object_class->get_property = natter_omemo_get_property;

  /**
   * NatterOmemo:device-id:
   *
   * This device's id; 0 until its identity is made, the first time the
   * account is online (the id must avoid those already published).
   */
  properties[PROP_DEVICE_ID] =
    g_param_spec_uint ("device-id", NULL, NULL, 0, G_MAXUINT32, 0,
                       G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * NatterOmemo:ready:
   *
   * Whether, in the current session, this device's bundle is published
   * and the account's device list holds it.
   */
  properties[PROP_READY] =
    g_param_spec_boolean ("ready", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * NatterOmemo::devices-changed:
   * @self: an account's OMEMO
   * @jid: the bare JID whose devices changed
   *
   * A device list, a key or a trust of @jid changed.
   */
  signals[SIGNAL_DEVICES_CHANGED] =
    g_signal_new ("devices-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  /**
   * NatterOmemo::identity-changed:
   * @self: an account's OMEMO
   * @jid: the device's owner
   * @device_id: the device
   *
   * The device's bundle shows another identity key than the device used
   * before.  The new key was refused; the user should be told.
   */
  signals[SIGNAL_IDENTITY_CHANGED] =
    g_signal_new ("identity-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);

  /**
   * NatterOmemo::device-added:
   * @self: an account's OMEMO
   * @jid: the device's owner
   * @device_id: the new device
   *
   * A device never seen before appeared in @jid's device list, which we
   * knew before: a notice for the user ("Alice has a new device").
   */
  signals[SIGNAL_DEVICE_ADDED] =
    g_signal_new ("device-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_UINT);
}

static void
natter_omemo_init (NatterOmemo *self)
{
  self->models = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) failure_free);
  self->repairs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * natter_omemo_new:
 * @store: the database
 * @account_id: the account
 * @own_jid: the account's bare JID
 *
 * Opens the account's OMEMO.  If this device made its identity before,
 * it is there at once; otherwise it is made once the account is online.
 *
 * Returns: (transfer full): the account's OMEMO
 */
NatterOmemo *
natter_omemo_new (NatterStore *store,
                  gint64       account_id,
                  const char  *own_jid)
{
  g_autoptr(NatterOmemo) self = NULL;
  g_autoptr(NatterStoreOmemoOwn) own = NULL;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (NATTER_IS_STORE (store), NULL);
  g_return_val_if_fail (account_id > 0, NULL);
  g_return_val_if_fail (own_jid != NULL, NULL);

  self = g_object_new (NATTER_TYPE_OMEMO, NULL);
  self->store = g_object_ref (store);
  self->account_id = account_id;
  self->own_jid = normalise_bare (own_jid, NULL);
  if (self->own_jid == NULL)
    self->own_jid = g_strdup (own_jid);

  own = natter_store_omemo_get_own (store, account_id, VERSION, &error);
  if (own != NULL && !ensure_session (self, &error))
    g_warning ("OMEMO: could not open the keys of %s: %s", own_jid, error->message);
  else if (own == NULL && error != NULL)
    g_warning ("OMEMO: could not read the keys of %s: %s", own_jid, error->message);
  return g_steal_pointer (&self);
}
