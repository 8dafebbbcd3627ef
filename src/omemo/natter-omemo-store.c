/* natter-omemo-store.c: libsignal's protocol stores, backed by the SQLite store
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libsignal-protocol-c keeps no state of its own: it reads and writes
 * identities, pre-keys, signed pre-keys and sessions through callbacks.
 * These callbacks answer from src/store, one account and the legacy OMEMO
 * version at a time.  A database failure cannot travel through libsignal
 * as a GError, so it is kept here (natter_omemo_store_take_error()) and
 * the callback returns NATTER_OMEMO_SG_ERR_STORE.
 *
 * Trust: libsignal asks is_trusted_identity() before it builds or accepts
 * a session.  A key the user distrusted is refused for building one from
 * a bundle; while a message is being decrypted (receiving) it is accepted,
 * because messages from distrusted devices are kept, hidden behind a
 * notice, rather than lost.  Any other key is accepted, and a new one is
 * recorded (save_identity) with blind trust before verification: trusted
 * while no device of that JID is verified, undecided after.  Whether a
 * device is good enough to encrypt to is decided above, in
 * natter-omemo-session.c.
 */
#include "config.h"

#include "natter-omemo-store.h"

#define VERSION NATTER_STORE_OMEMO_VERSION_LEGACY

struct _NatterOmemoStore
{
  NatterStore *store;
  gint64       account_id;
  GError      *error;          /* the first database failure not yet taken */
  GArray      *removed_pre_keys;
  gboolean     receiving;      /* a message is being decrypted */
};

/**
 * natter_omemo_store_new:
 * @store: the database
 * @account_id: the account whose OMEMO state this is
 *
 * Returns: (transfer full): the stores of one account
 */
NatterOmemoStore *
natter_omemo_store_new (NatterStore *store,
                        gint64       account_id)
{
  NatterOmemoStore *self = g_new0 (NatterOmemoStore, 1);

  self->store = g_object_ref (store);
  self->account_id = account_id;
  self->removed_pre_keys = g_array_new (FALSE, FALSE, sizeof (guint32));
  return self;
}

/**
 * natter_omemo_store_free:
 * @self: (transfer full) (nullable): the stores
 */
void
natter_omemo_store_free (NatterOmemoStore *self)
{
  if (self == NULL)
    return;
  g_clear_object (&self->store);
  g_clear_error (&self->error);
  g_clear_pointer (&self->removed_pre_keys, g_array_unref);
  g_free (self);
}

/**
 * natter_omemo_store_get_store:
 * @self: the stores
 *
 * Returns: (transfer none): the database
 */
NatterStore *
natter_omemo_store_get_store (NatterOmemoStore *self)
{
  return self->store;
}

/**
 * natter_omemo_store_get_account_id:
 * @self: the stores
 *
 * Returns: the account
 */
gint64
natter_omemo_store_get_account_id (NatterOmemoStore *self)
{
  return self->account_id;
}

/**
 * natter_omemo_store_take_error:
 * @self: the stores
 * @error: return location for the database error
 *
 * Returns: %TRUE if a callback failed on the database since the last call;
 *   @error then receives its error
 */
gboolean
natter_omemo_store_take_error (NatterOmemoStore  *self,
                               GError           **error)
{
  if (self->error == NULL)
    return FALSE;
  g_propagate_error (error, g_steal_pointer (&self->error));
  return TRUE;
}

/**
 * natter_omemo_store_set_receiving:
 * @self: the stores of one account
 * @receiving: whether a message is being decrypted
 *
 * While receiving, a distrusted identity key is acceptable to libsignal:
 * the message is decrypted, and its sender's trust is reported with it.
 */
void
natter_omemo_store_set_receiving (NatterOmemoStore *self,
                                  gboolean          receiving)
{
  g_return_if_fail (self != NULL);

  self->receiving = receiving;
}

/**
 * natter_omemo_store_steal_removed_pre_keys:
 * @self: the stores
 *
 * Returns: (transfer full) (element-type guint32): the pre-keys libsignal
 *   removed (used by a pre-key message) since the last call
 */
GArray *
natter_omemo_store_steal_removed_pre_keys (NatterOmemoStore *self)
{
  GArray *removed = g_steal_pointer (&self->removed_pre_keys);

  self->removed_pre_keys = g_array_new (FALSE, FALSE, sizeof (guint32));
  return removed;
}

/* Returns @rc, keeping @error for natter_omemo_store_take_error(). */
static int
failed (NatterOmemoStore *self,
        GError           *error)
{
  if (self->error == NULL)
    self->error = error;
  else
    g_error_free (error);
  return NATTER_OMEMO_SG_ERR_STORE;
}

static char *
address_name (const signal_protocol_address *address)
{
  return g_strndup (address->name, address->name_len);
}

static signal_buffer *
buffer_of (GBytes *bytes)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  return signal_buffer_create (data, length);
}

/* Identity store */

static int
get_identity_key_pair_cb (signal_buffer **public_data,
                          signal_buffer **private_data,
                          void           *user_data)
{
  NatterOmemoStore *self = user_data;
  g_autoptr(NatterStoreOmemoOwn) own = NULL;
  GError *error = NULL;

  own = natter_store_omemo_get_own (self->store, self->account_id, VERSION, &error);
  if (error != NULL)
    return failed (self, error);
  if (own == NULL)
    return SG_ERR_INVALID_KEY;
  *public_data = buffer_of (own->identity_public);
  *private_data = buffer_of (own->identity_private);
  return SG_SUCCESS;
}

static int
get_local_registration_id_cb (void     *user_data,
                              uint32_t *registration_id)
{
  NatterOmemoStore *self = user_data;
  g_autoptr(NatterStoreOmemoOwn) own = NULL;
  GError *error = NULL;

  own = natter_store_omemo_get_own (self->store, self->account_id, VERSION, &error);
  if (error != NULL)
    return failed (self, error);
  if (own == NULL)
    return SG_ERR_INVALID_KEY;
  *registration_id = own->registration_id;
  return SG_SUCCESS;
}

/**
 * natter_omemo_store_get_new_key_trust:
 * @self: the stores
 * @jid: a bare JID
 *
 * Blind trust before verification: a key never seen before is trusted
 * while no device of @jid is verified, and undecided once one is.
 *
 * Returns: the trust a new key of @jid gets
 */
NatterStoreOmemoTrust
natter_omemo_store_get_new_key_trust (NatterOmemoStore *self,
                                      const char       *jid)
{
  g_autoptr(GPtrArray) identities = NULL;
  GError *error = NULL;

  identities = natter_store_omemo_list_identities (self->store, self->account_id, VERSION, jid,
                                                   &error);
  if (identities == NULL)
    {
      failed (self, error);
      return NATTER_STORE_OMEMO_TRUST_UNDECIDED;
    }
  for (guint i = 0; i < identities->len; i++)
    {
      NatterStoreOmemoIdentity *identity = identities->pdata[i];

      if (identity->trust == NATTER_STORE_OMEMO_TRUST_VERIFIED)
        return NATTER_STORE_OMEMO_TRUST_UNDECIDED;
    }
  return NATTER_STORE_OMEMO_TRUST_TRUSTED;
}

static int
save_identity_cb (const signal_protocol_address *address,
                  uint8_t                       *key_data,
                  size_t                         key_length,
                  void                          *user_data)
{
  NatterOmemoStore *self = user_data;
  g_autofree char *jid = address_name (address);
  g_autoptr(GBytes) key = NULL;
  GError *error = NULL;

  /* libsignal passes no key to forget one; we keep the history. */
  if (key_data == NULL || key_length == 0)
    return SG_SUCCESS;
  key = g_bytes_new (key_data, key_length);
  if (!natter_store_omemo_record_identity (self->store, self->account_id, VERSION, jid,
                                           (guint32) address->device_id, key,
                                           natter_omemo_store_get_new_key_trust (self, jid),
                                           NULL, &error))
    return failed (self, error);
  return SG_SUCCESS;
}

static int
is_trusted_identity_cb (const signal_protocol_address *address,
                        uint8_t                       *key_data,
                        size_t                         key_length,
                        void                          *user_data)
{
  NatterOmemoStore *self = user_data;
  g_autofree char *jid = address_name (address);
  g_autoptr(GBytes) key = g_bytes_new (key_data, key_length);
  g_autoptr(NatterStoreOmemoIdentity) identity = NULL;
  GError *error = NULL;

  identity = natter_store_omemo_get_identity (self->store, self->account_id, VERSION, jid,
                                              (guint32) address->device_id, key, &error);
  if (error != NULL)
    return failed (self, error);
  return identity == NULL || identity->trust != NATTER_STORE_OMEMO_TRUST_DISTRUSTED ||
         self->receiving;
}

/* Session store */

static int
load_session_cb (signal_buffer                 **record,
                 signal_buffer                 **user_record,
                 const signal_protocol_address  *address,
                 void                           *user_data)
{
  NatterOmemoStore *self = user_data;
  g_autofree char *jid = address_name (address);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = natter_store_omemo_load_session (self->store, self->account_id, VERSION, jid,
                                           (guint32) address->device_id, &error);
  if (error != NULL)
    return failed (self, error);
  if (bytes == NULL)
    return 0;
  *record = buffer_of (bytes);
  if (user_record != NULL)
    *user_record = NULL;
  return 1;
}

static int
get_sub_device_sessions_cb (signal_int_list **sessions,
                            const char       *name,
                            size_t            name_length,
                            void             *user_data)
{
  NatterOmemoStore *self = user_data;
  g_autofree char *jid = g_strndup (name, name_length);
  g_autoptr(GArray) devices = NULL;
  signal_int_list *list;
  GError *error = NULL;

  devices = natter_store_omemo_list_session_devices (self->store, self->account_id, VERSION,
                                                     jid, &error);
  if (devices == NULL)
    return failed (self, error);
  list = signal_int_list_alloc ();
  if (list == NULL)
    return SG_ERR_NOMEM;
  for (guint i = 0; i < devices->len; i++)
    signal_int_list_push_back (list, (int) g_array_index (devices, guint32, i));
  *sessions = list;
  return (int) devices->len;
}

static int
store_session_cb (const signal_protocol_address *address,
                  uint8_t                       *record,
                  size_t                         record_length,
                  uint8_t                       *user_record,
                  size_t                         user_record_length,
                  void                          *user_data)
{
  NatterOmemoStore *self = user_data;
  g_autofree char *jid = address_name (address);
  g_autoptr(GBytes) bytes = g_bytes_new (record, record_length);
  GError *error = NULL;

  if (!natter_store_omemo_save_session (self->store, self->account_id, VERSION, jid,
                                        (guint32) address->device_id, bytes, &error))
    return failed (self, error);
  return SG_SUCCESS;
}

static int
contains_session_cb (const signal_protocol_address *address,
                     void                          *user_data)
{
  NatterOmemoStore *self = user_data;
  g_autofree char *jid = address_name (address);
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = natter_store_omemo_load_session (self->store, self->account_id, VERSION, jid,
                                           (guint32) address->device_id, &error);
  if (error != NULL)
    {
      failed (self, error);
      return 0;
    }
  return bytes != NULL;
}

static int
delete_session_cb (const signal_protocol_address *address,
                   void                          *user_data)
{
  NatterOmemoStore *self = user_data;
  g_autofree char *jid = address_name (address);
  gboolean removed = FALSE;
  GError *error = NULL;

  if (!natter_store_omemo_remove_session (self->store, self->account_id, VERSION, jid,
                                          (guint32) address->device_id, &removed, &error))
    return failed (self, error);
  return removed ? 1 : 0;
}

static int
delete_all_sessions_cb (const char *name,
                        size_t      name_length,
                        void       *user_data)
{
  NatterOmemoStore *self = user_data;
  g_autofree char *jid = g_strndup (name, name_length);
  GError *error = NULL;
  gint removed;

  removed = natter_store_omemo_remove_sessions (self->store, self->account_id, VERSION, jid,
                                                &error);
  if (removed < 0)
    return failed (self, error);
  return removed;
}

/* Pre-key store */

static int
load_pre_key_cb (signal_buffer **record,
                 uint32_t        id,
                 void           *user_data)
{
  NatterOmemoStore *self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = natter_store_omemo_load_pre_key (self->store, self->account_id, VERSION, id, &error);
  if (error != NULL)
    return failed (self, error);
  if (bytes == NULL)
    return SG_ERR_INVALID_KEY_ID;
  *record = buffer_of (bytes);
  return SG_SUCCESS;
}

static int
store_pre_key_cb (uint32_t  id,
                  uint8_t  *record,
                  size_t    record_length,
                  void     *user_data)
{
  NatterOmemoStore *self = user_data;
  g_autoptr(GBytes) bytes = g_bytes_new (record, record_length);
  GError *error = NULL;

  if (!natter_store_omemo_save_pre_keys (self->store, self->account_id, VERSION, &id, &bytes, 1,
                                         &error))
    return failed (self, error);
  return SG_SUCCESS;
}

static int
contains_pre_key_cb (uint32_t  id,
                     void     *user_data)
{
  NatterOmemoStore *self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = natter_store_omemo_load_pre_key (self->store, self->account_id, VERSION, id, &error);
  if (error != NULL)
    failed (self, error);
  return bytes != NULL;
}

static int
remove_pre_key_cb (uint32_t  id,
                   void     *user_data)
{
  NatterOmemoStore *self = user_data;
  gboolean removed = FALSE;
  GError *error = NULL;

  if (!natter_store_omemo_remove_pre_key (self->store, self->account_id, VERSION, id, &removed,
                                          &error))
    return failed (self, error);
  if (removed)
    g_array_append_val (self->removed_pre_keys, id);
  return SG_SUCCESS;
}

/* Signed pre-key store */

static int
load_signed_pre_key_cb (signal_buffer **record,
                        uint32_t        id,
                        void           *user_data)
{
  NatterOmemoStore *self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = natter_store_omemo_load_signed_pre_key (self->store, self->account_id, VERSION, id,
                                                  &error);
  if (error != NULL)
    return failed (self, error);
  if (bytes == NULL)
    return SG_ERR_INVALID_KEY_ID;
  *record = buffer_of (bytes);
  return SG_SUCCESS;
}

static int
store_signed_pre_key_cb (uint32_t  id,
                         uint8_t  *record,
                         size_t    record_length,
                         void     *user_data)
{
  NatterOmemoStore *self = user_data;
  g_autoptr(GBytes) bytes = g_bytes_new (record, record_length);
  GError *error = NULL;

  if (!natter_store_omemo_save_signed_pre_key (self->store, self->account_id, VERSION, id, bytes,
                                               g_get_real_time (), &error))
    return failed (self, error);
  return SG_SUCCESS;
}

static int
contains_signed_pre_key_cb (uint32_t  id,
                            void     *user_data)
{
  NatterOmemoStore *self = user_data;
  g_autoptr(GBytes) bytes = NULL;
  GError *error = NULL;

  bytes = natter_store_omemo_load_signed_pre_key (self->store, self->account_id, VERSION, id,
                                                  &error);
  if (error != NULL)
    failed (self, error);
  return bytes != NULL;
}

static int
remove_signed_pre_key_cb (uint32_t  id,
                          void     *user_data)
{
  NatterOmemoStore *self = user_data;
  GError *error = NULL;

  if (!natter_store_omemo_remove_signed_pre_key (self->store, self->account_id, VERSION, id,
                                                 &error))
    return failed (self, error);
  return SG_SUCCESS;
}

/**
 * natter_omemo_store_create_context:
 * @self: the stores; they must outlive the context
 * @context: the libsignal context
 *
 * Returns: (transfer full) (nullable): a store context whose callbacks
 *   read and write the account's OMEMO state, or %NULL if out of memory;
 *   free it with signal_protocol_store_context_destroy()
 */
signal_protocol_store_context *
natter_omemo_store_create_context (NatterOmemoStore *self,
                                   signal_context   *context)
{
  signal_protocol_store_context *store_context = NULL;
  const signal_protocol_identity_key_store identity_store = {
    .get_identity_key_pair = get_identity_key_pair_cb,
    .get_local_registration_id = get_local_registration_id_cb,
    .save_identity = save_identity_cb,
    .is_trusted_identity = is_trusted_identity_cb,
    .user_data = self,
  };
  const signal_protocol_session_store session_store = {
    .load_session_func = load_session_cb,
    .get_sub_device_sessions_func = get_sub_device_sessions_cb,
    .store_session_func = store_session_cb,
    .contains_session_func = contains_session_cb,
    .delete_session_func = delete_session_cb,
    .delete_all_sessions_func = delete_all_sessions_cb,
    .user_data = self,
  };
  const signal_protocol_pre_key_store pre_key_store = {
    .load_pre_key = load_pre_key_cb,
    .store_pre_key = store_pre_key_cb,
    .contains_pre_key = contains_pre_key_cb,
    .remove_pre_key = remove_pre_key_cb,
    .user_data = self,
  };
  const signal_protocol_signed_pre_key_store signed_pre_key_store = {
    .load_signed_pre_key = load_signed_pre_key_cb,
    .store_signed_pre_key = store_signed_pre_key_cb,
    .contains_signed_pre_key = contains_signed_pre_key_cb,
    .remove_signed_pre_key = remove_signed_pre_key_cb,
    .user_data = self,
  };

  g_return_val_if_fail (self != NULL && context != NULL, NULL);

  if (signal_protocol_store_context_create (&store_context, context) != SG_SUCCESS)
    return NULL;
  signal_protocol_store_context_set_identity_key_store (store_context, &identity_store);
  signal_protocol_store_context_set_session_store (store_context, &session_store);
  signal_protocol_store_context_set_pre_key_store (store_context, &pre_key_store);
  signal_protocol_store_context_set_signed_pre_key_store (store_context, &signed_pre_key_store);
  return store_context;
}
