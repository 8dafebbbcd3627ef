/* natter-omemo-session.c: one account's OMEMO: keys, sessions, encrypting and decrypting messages
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Legacy OMEMO (XEP-0384 0.3) as Conversations, Dino, Gajim and Profanity
 * speak it.  A body is encrypted once with AES-128-GCM under a random
 * 16-byte key and a 12-byte IV; the key followed by the 16-byte GCM tag
 * (32 bytes) is encrypted for every receiving device through its libsignal
 * session, as a PreKeySignalMessage while the session is new.  A key
 * transport element carries 32 random bytes the same way and no payload.
 *
 * Decryption checks everything before anything is kept: the payload is
 * decrypted and its tag verified inside libsignal's decryption callback,
 * so a message that fails (bad tag, bad key size, bad UTF-8) leaves the
 * session exactly as it was, and no plaintext ever leaves on failure.
 * No networking here: the caller fetches bundles and device lists and
 * sends what this returns.
 *
 * A NatterOmemoSession belongs to one thread (the main one).  Its state
 * is in the store, read and written synchronously on the store's main
 * connection, a few short statements per message.
 */
#include "config.h"

#include "natter-omemo-session.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <signal/curve.h>
#include <signal/protocol.h>
#include <signal/session_builder.h>
#include <signal/session_cipher.h>
#include <signal/session_pre_key.h>
#include <signal/signal_protocol.h>

#include "natter-omemo-crypto.h"
#include "natter-omemo-error.h"
#include "natter-omemo-keys.h"
#include "natter-omemo-store.h"

#define VERSION NATTER_STORE_OMEMO_VERSION_LEGACY
#define KEY_MATERIAL_SIZE (NATTER_OMEMO_AES_KEY_SIZE + NATTER_OMEMO_GCM_TAG_SIZE)
#define SG_ERR_CALLBACK (SG_ERR_MINIMUM - 2)

struct _NatterOmemoSession
{
  GObject                        parent_instance;

  NatterStore                   *store;
  gint64                         account_id;
  char                          *own_jid;
  guint32                        device_id;

  GRecMutex                      lock;
  signal_context                *context;
  NatterOmemoStore              *stores;
  signal_protocol_store_context *store_context;
};

G_DEFINE_FINAL_TYPE (NatterOmemoSession, natter_omemo_session, G_TYPE_OBJECT)

/**
 * natter_omemo_decrypted_free:
 * @decrypted: (transfer full) (nullable): a result
 */
void
natter_omemo_decrypted_free (NatterOmemoDecrypted *decrypted)
{
  if (decrypted == NULL)
    return;
  if (decrypted->body != NULL)
    {
      memset (decrypted->body, 0, strlen (decrypted->body));
      g_free (decrypted->body);
    }
  g_free (decrypted);
}

static void
lock_cb (void *user_data)
{
  NatterOmemoSession *self = user_data;

  g_rec_mutex_lock (&self->lock);
}

static void
unlock_cb (void *user_data)
{
  NatterOmemoSession *self = user_data;

  g_rec_mutex_unlock (&self->lock);
}

static void
log_cb (int         level,
        const char *message,
        size_t      length,
        void       *user_data)
{
  g_debug ("libsignal: %.*s", (int) MIN (length, (size_t) G_MAXINT), message);
}

static void
natter_omemo_session_finalize (GObject *object)
{
  NatterOmemoSession *self = NATTER_OMEMO_SESSION (object);

  g_clear_pointer (&self->store_context, signal_protocol_store_context_destroy);
  g_clear_pointer (&self->context, signal_context_destroy);
  g_clear_pointer (&self->stores, natter_omemo_store_free);
  g_clear_object (&self->store);
  g_clear_pointer (&self->own_jid, g_free);
  g_rec_mutex_clear (&self->lock);

  G_OBJECT_CLASS (natter_omemo_session_parent_class)->finalize (object);
}

static void
natter_omemo_session_class_init (NatterOmemoSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = natter_omemo_session_finalize;
}

static void
natter_omemo_session_init (NatterOmemoSession *self)
{
  g_rec_mutex_init (&self->lock);
}

/* Prefers the database's own error, which says more than libsignal's code. */
static gboolean
take_store_error (NatterOmemoSession  *self,
                  GError             **error)
{
  return natter_omemo_store_take_error (self->stores, error);
}

/**
 * natter_omemo_session_new:
 * @store: the database
 * @account_id: the account
 * @own_jid: the account's normalised bare JID
 * @error: return location for a #GError
 *
 * Opens the account's OMEMO state, making this device's identity, device
 * id and keys the first time.
 *
 * Returns: (transfer full): the account's OMEMO, or %NULL
 */
NatterOmemoSession *
natter_omemo_session_new (NatterStore  *store,
                          gint64        account_id,
                          const char   *own_jid,
                          GError      **error)
{
  g_autoptr(NatterOmemoSession) self = NULL;
  g_autoptr(NatterStoreOmemoOwn) own = NULL;
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (NATTER_IS_STORE (store), NULL);
  g_return_val_if_fail (account_id > 0, NULL);
  g_return_val_if_fail (own_jid != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (NATTER_TYPE_OMEMO_SESSION, NULL);
  self->store = g_object_ref (store);
  self->account_id = account_id;
  self->own_jid = g_strdup (own_jid);

  if (signal_context_create (&self->context, self) != SG_SUCCESS ||
      signal_context_set_crypto_provider (self->context,
                                          natter_omemo_crypto_get_provider ()) != SG_SUCCESS ||
      signal_context_set_locking_functions (self->context, lock_cb, unlock_cb) != SG_SUCCESS ||
      signal_context_set_log_function (self->context, log_cb) != SG_SUCCESS)
    {
      g_set_error_literal (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED,
                           _("Could not set up OMEMO encryption"));
      return NULL;
    }
  self->stores = natter_omemo_store_new (store, account_id);
  self->store_context = natter_omemo_store_create_context (self->stores, self->context);
  if (self->store_context == NULL)
    {
      g_set_error_literal (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED,
                           _("Could not set up OMEMO encryption"));
      return NULL;
    }

  own = natter_store_omemo_get_own (store, account_id, VERSION, &local_error);
  if (own == NULL && local_error == NULL)
    {
      if (!natter_omemo_keys_generate_own (self->context, store, account_id, own_jid,
                                           g_get_real_time (), error))
        return NULL;
      own = natter_store_omemo_get_own (store, account_id, VERSION, &local_error);
    }
  if (own == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  self->device_id = own->device_id;
  return g_steal_pointer (&self);
}

/**
 * natter_omemo_session_get_device_id:
 * @self: an account's OMEMO
 *
 * Returns: this device's id
 */
guint32
natter_omemo_session_get_device_id (NatterOmemoSession *self)
{
  g_return_val_if_fail (NATTER_IS_OMEMO_SESSION (self), 0);

  return self->device_id;
}

/**
 * natter_omemo_session_get_own_jid:
 * @self: an account's OMEMO
 *
 * Returns: the account's bare JID
 */
const char *
natter_omemo_session_get_own_jid (NatterOmemoSession *self)
{
  g_return_val_if_fail (NATTER_IS_OMEMO_SESSION (self), NULL);

  return self->own_jid;
}

/**
 * natter_omemo_session_dup_fingerprint:
 * @self: an account's OMEMO
 *
 * Returns: (transfer full) (nullable): this device's fingerprint, as
 *   natter_omemo_fingerprint_format() writes it
 */
char *
natter_omemo_session_dup_fingerprint (NatterOmemoSession *self)
{
  g_autoptr(NatterStoreOmemoOwn) own = NULL;

  g_return_val_if_fail (NATTER_IS_OMEMO_SESSION (self), NULL);

  own = natter_store_omemo_get_own (self->store, self->account_id, VERSION, NULL);
  return own != NULL ? natter_omemo_fingerprint_format (own->identity_public) : NULL;
}

/**
 * natter_omemo_session_dup_bundle:
 * @self: an account's OMEMO
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the bundle this device publishes, or %NULL
 */
NatterOmemoBundle *
natter_omemo_session_dup_bundle (NatterOmemoSession  *self,
                                 GError             **error)
{
  g_return_val_if_fail (NATTER_IS_OMEMO_SESSION (self), NULL);

  return natter_omemo_keys_build_bundle (self->context, self->store, self->account_id, error);
}

/**
 * natter_omemo_session_refresh_keys:
 * @self: an account's OMEMO
 * @now: the time, µs since the epoch
 * @bundle_changed: (out) (optional): whether the bundle must be published again
 * @error: return location for a #GError
 *
 * Rotates the signed pre-key when it is old and tops the one-time
 * pre-keys up to %NATTER_OMEMO_PRE_KEY_COUNT.  Run it on every connect.
 *
 * Returns: %TRUE on success
 */
gboolean
natter_omemo_session_refresh_keys (NatterOmemoSession  *self,
                                   gint64               now,
                                   gboolean            *bundle_changed,
                                   GError             **error)
{
  gboolean rotated = FALSE;
  guint added = 0;

  g_return_val_if_fail (NATTER_IS_OMEMO_SESSION (self), FALSE);

  if (bundle_changed != NULL)
    *bundle_changed = FALSE;
  if (!natter_omemo_keys_rotate_signed_pre_key (self->context, self->store, self->account_id,
                                                now, NATTER_OMEMO_SIGNED_PRE_KEY_MAX_AGE,
                                                NATTER_OMEMO_SIGNED_PRE_KEY_GRACE, &rotated,
                                                error) ||
      !natter_omemo_keys_replenish_pre_keys (self->context, self->store, self->account_id,
                                             NATTER_OMEMO_PRE_KEY_COUNT, &added, error))
    return FALSE;
  if (bundle_changed != NULL)
    *bundle_changed = rotated || added > 0;
  return TRUE;
}

/**
 * natter_omemo_session_set_device_list:
 * @self: an account's OMEMO
 * @jid: the list's owner, a normalised bare JID; the caller has checked
 *   that the list came from there (SECURITY.md #12, #45)
 * @device_ids: (array length=n_devices): the devices in the list
 * @n_devices: how many
 * @error: return location for a #GError
 *
 * Records @jid's latest device list: messages are encrypted to its devices.
 *
 * Returns: %TRUE on success
 */
gboolean
natter_omemo_session_set_device_list (NatterOmemoSession  *self,
                                      const char          *jid,
                                      const guint32       *device_ids,
                                      guint                n_devices,
                                      GError             **error)
{
  g_return_val_if_fail (NATTER_IS_OMEMO_SESSION (self), FALSE);

  return natter_store_omemo_set_device_list (self->store, self->account_id, VERSION, jid,
                                             device_ids, n_devices, error);
}

/**
 * natter_omemo_session_has_session:
 * @self: an account's OMEMO
 * @jid: a bare JID
 * @device_id: one of its devices
 *
 * Returns: whether there is a session with the device
 */
gboolean
natter_omemo_session_has_session (NatterOmemoSession *self,
                                  const char         *jid,
                                  guint32             device_id)
{
  g_autoptr(GBytes) record = NULL;

  g_return_val_if_fail (NATTER_IS_OMEMO_SESSION (self), FALSE);
  g_return_val_if_fail (jid != NULL, FALSE);

  record = natter_store_omemo_load_session (self->store, self->account_id, VERSION, jid,
                                            device_id, NULL);
  return record != NULL;
}

static ec_public_key *
decode_public (signal_context *context,
               GBytes         *bytes)
{
  ec_public_key *key = NULL;
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (bytes, &length);

  if (curve_decode_point (&key, data, length, context) != SG_SUCCESS)
    return NULL;
  return key;
}

/**
 * natter_omemo_session_process_bundle:
 * @self: an account's OMEMO
 * @jid: the bundle's owner, a normalised bare JID
 * @device_id: the device whose bundle it is
 * @bundle: the bundle, from the device's own PEP node
 * @error: return location for a #GError
 *
 * Builds a session with the device from its bundle and one of its
 * one-time pre-keys, picked at random.  The next message to it is a
 * pre-key message.  A bundle whose signature does not verify fails with
 * %NATTER_OMEMO_ERROR_MALFORMED; an identity key the user distrusted with
 * %NATTER_OMEMO_ERROR_UNTRUSTED.
 *
 * Returns: %TRUE if there is now a session
 */
gboolean
natter_omemo_session_process_bundle (NatterOmemoSession  *self,
                                     const char          *jid,
                                     guint32              device_id,
                                     NatterOmemoBundle   *bundle,
                                     GError             **error)
{
  signal_protocol_address address = { jid, 0, (int32_t) device_id };
  session_pre_key_bundle *signal_bundle = NULL;
  session_builder *builder = NULL;
  ec_public_key *pre_key = NULL;
  ec_public_key *signed_pre_key = NULL;
  ec_public_key *identity_key = NULL;
  NatterOmemoPreKeyPublic *chosen;
  int rc = SG_ERR_INVALID_KEY;

  g_return_val_if_fail (NATTER_IS_OMEMO_SESSION (self), FALSE);
  g_return_val_if_fail (jid != NULL && bundle != NULL, FALSE);
  g_return_val_if_fail (device_id >= 1 && device_id <= NATTER_OMEMO_DEVICE_ID_MAX, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (device_id == self->device_id && g_str_equal (jid, self->own_jid))
    {
      g_set_error_literal (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED,
                           _("This device does not build a session with itself"));
      return FALSE;
    }
  if (bundle->pre_keys == NULL || bundle->pre_keys->len == 0)
    {
      g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED,
                   _("The bundle of device %u of %s has no pre-keys"), device_id, jid);
      return FALSE;
    }
  address.name_len = strlen (jid);
  chosen = g_ptr_array_index (bundle->pre_keys,
                              g_random_int_range (0, (gint32) bundle->pre_keys->len));

  pre_key = decode_public (self->context, chosen->public_key);
  signed_pre_key = decode_public (self->context, bundle->signed_pre_key);
  identity_key = decode_public (self->context, bundle->identity_key);
  if (pre_key != NULL && signed_pre_key != NULL && identity_key != NULL)
    rc = session_pre_key_bundle_create (&signal_bundle, 0, (int) device_id, chosen->id, pre_key,
                                        bundle->signed_pre_key_id, signed_pre_key,
                                        g_bytes_get_data (bundle->signed_pre_key_signature, NULL),
                                        g_bytes_get_size (bundle->signed_pre_key_signature),
                                        identity_key);
  if (rc == SG_SUCCESS)
    rc = session_builder_create (&builder, self->store_context, &address, self->context);
  if (rc == SG_SUCCESS)
    rc = session_builder_process_pre_key_bundle (builder, signal_bundle);

  session_builder_free (builder);
  SIGNAL_UNREF (signal_bundle);
  SIGNAL_UNREF (pre_key);
  SIGNAL_UNREF (signed_pre_key);
  SIGNAL_UNREF (identity_key);

  if (rc == SG_SUCCESS)
    return TRUE;
  if (take_store_error (self, error))
    return FALSE;
  switch (rc)
    {
    case SG_ERR_UNTRUSTED_IDENTITY:
      g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_UNTRUSTED,
                   _("Device %u of %s uses an identity key you distrusted"), device_id, jid);
      break;
    case SG_ERR_INVALID_KEY:
      g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED,
                   _("The bundle of device %u of %s is not valid: its keys or the signature "
                     "of its signed pre-key are wrong"), device_id, jid);
      break;
    default:
      g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED,
                   _("Could not start a session with device %u of %s (libsignal error %d)"),
                   device_id, jid, rc);
      break;
    }
  return FALSE;
}

/* Encrypting */

static NatterOmemoKey *
encrypt_key (NatterOmemoSession  *self,
             const char          *jid,
             guint32              device_id,
             const guint8        *material,
             GError             **error)
{
  signal_protocol_address address = { jid, strlen (jid), (int32_t) device_id };
  session_cipher *cipher = NULL;
  ciphertext_message *message = NULL;
  NatterOmemoKey *key = NULL;
  int rc;

  rc = session_cipher_create (&cipher, self->store_context, &address, self->context);
  if (rc == SG_SUCCESS)
    rc = session_cipher_encrypt (cipher, material, KEY_MATERIAL_SIZE, &message);
  if (rc == SG_SUCCESS)
    {
      signal_buffer *serialized = ciphertext_message_get_serialized (message);
      g_autoptr(GBytes) data = g_bytes_new (signal_buffer_data (serialized),
                                            signal_buffer_len (serialized));

      key = natter_omemo_key_new (device_id,
                                  ciphertext_message_get_type (message) == CIPHERTEXT_PREKEY_TYPE,
                                  data);
    }
  SIGNAL_UNREF (message);
  session_cipher_free (cipher);
  if (key == NULL && !take_store_error (self, error))
    g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED,
                 _("Could not encrypt for device %u of %s (libsignal error %d)"),
                 device_id, jid, rc);
  return key;
}

/* Adds a key for every device of @jid that may read the message. */
static gboolean
encrypt_for_jid (NatterOmemoSession    *self,
                 NatterOmemoEncrypted  *encrypted,
                 const char            *jid,
                 const guint8          *material,
                 guint                 *n_keys,
                 GError               **error)
{
  g_autoptr(GArray) devices = NULL;
  gboolean own = g_str_equal (jid, self->own_jid);

  *n_keys = 0;
  devices = natter_store_omemo_list_devices (self->store, self->account_id, VERSION, jid, TRUE,
                                             error);
  if (devices == NULL)
    return FALSE;

  for (guint i = 0; i < devices->len; i++)
    {
      guint32 device_id = g_array_index (devices, NatterStoreOmemoDevice, i).device_id;
      g_autoptr(NatterStoreOmemoIdentity) identity = NULL;
      g_autoptr(GError) local_error = NULL;
      NatterOmemoKey *key;

      /* Our other devices read what we send; this one does not need to. */
      if (own && device_id == self->device_id)
        continue;
      identity = natter_store_omemo_get_identity (self->store, self->account_id, VERSION, jid,
                                                  device_id, NULL, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (identity == NULL ||
          (identity->trust != NATTER_STORE_OMEMO_TRUST_TRUSTED &&
           identity->trust != NATTER_STORE_OMEMO_TRUST_VERIFIED))
        {
          g_debug ("OMEMO: not encrypting to untrusted device %u of %s", device_id, jid);
          continue;
        }
      if (!natter_omemo_session_has_session (self, jid, device_id))
        {
          g_debug ("OMEMO: no session with device %u of %s", device_id, jid);
          continue;
        }
      key = encrypt_key (self, jid, device_id, material, error);
      if (key == NULL)
        return FALSE;
      g_ptr_array_add (encrypted->keys, key);
      (*n_keys)++;
    }
  return TRUE;
}

/**
 * natter_omemo_session_encrypt:
 * @self: an account's OMEMO
 * @body: (nullable): the message body, not empty; %NULL for a key transport element
 * @jids: (array zero-terminated=1): the recipients' bare JIDs; include the
 *   account's own to reach its other devices
 * @error: return location for a #GError
 *
 * Encrypts @body for every device of the recipients that is in their
 * latest device list, is trusted or verified, and has a session.  Every
 * recipient other than the account itself must get at least one key,
 * else nothing is encrypted and the call fails with
 * %NATTER_OMEMO_ERROR_NO_DEVICES: a message is never sent to fewer
 * people than it was written for (SECURITY.md #47).
 *
 * Returns: (transfer full): the `<encrypted/>` element's content, or %NULL
 */
NatterOmemoEncrypted *
natter_omemo_session_encrypt (NatterOmemoSession  *self,
                              const char          *body,
                              const char * const  *jids,
                              GError             **error)
{
  g_autoptr(NatterOmemoEncrypted) encrypted = NULL;
  guint8 material[KEY_MATERIAL_SIZE];
  guint8 iv[NATTER_OMEMO_GCM_IV_SIZE];
  gboolean ok = TRUE;

  g_return_val_if_fail (NATTER_IS_OMEMO_SESSION (self), NULL);
  g_return_val_if_fail (body == NULL || *body != '\0', NULL);
  g_return_val_if_fail (jids != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  encrypted = natter_omemo_encrypted_new ();
  encrypted->sid = self->device_id;
  if (!natter_omemo_crypto_random (material, sizeof material, error) ||
      !natter_omemo_crypto_random (iv, sizeof iv, error))
    return NULL;
  encrypted->iv = g_bytes_new (iv, sizeof iv);

  if (body != NULL)
    {
      encrypted->payload = natter_omemo_crypto_gcm_encrypt (material, iv, sizeof iv,
                                                            (const guint8 *) body, strlen (body),
                                                            material + NATTER_OMEMO_AES_KEY_SIZE,
                                                            error);
      ok = encrypted->payload != NULL;
    }

  for (guint i = 0; ok && jids[i] != NULL; i++)
    {
      guint n_keys = 0;

      ok = encrypt_for_jid (self, encrypted, jids[i], material, &n_keys, error);
      if (ok && n_keys == 0 && !g_str_equal (jids[i], self->own_jid))
        {
          g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NO_DEVICES,
                       _("None of %s’s devices can read this message: no device is trusted "
                         "and has a session; the message was not encrypted"), jids[i]);
          ok = FALSE;
        }
    }
  if (ok && encrypted->keys->len == 0)
    {
      g_set_error_literal (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NO_DEVICES,
                           _("There is no device to encrypt this message for"));
      ok = FALSE;
    }

  memset (material, 0, sizeof material);
  return ok ? g_steal_pointer (&encrypted) : NULL;
}

/**
 * natter_omemo_session_dup_pre_key_identity:
 * @self: an account's OMEMO
 * @encrypted: a parsed `<encrypted/>` element
 *
 * Reads, without decrypting anything, the identity key the sending
 * device put in the pre-key message addressed to this device, so the
 * caller can compare it with the key the device showed before.
 *
 * Returns: (transfer full) (nullable): the serialised identity key, or
 *   %NULL if the key for this device is missing, not a pre-key message
 *   or unreadable
 */
GBytes *
natter_omemo_session_dup_pre_key_identity (NatterOmemoSession   *self,
                                           NatterOmemoEncrypted *encrypted)
{
  pre_key_signal_message *message = NULL;
  signal_buffer *buffer = NULL;
  NatterOmemoKey *key;
  GBytes *identity = NULL;
  const guint8 *data;
  gsize length = 0;

  g_return_val_if_fail (NATTER_IS_OMEMO_SESSION (self), NULL);
  g_return_val_if_fail (encrypted != NULL, NULL);

  key = natter_omemo_encrypted_find_key (encrypted, self->device_id);
  if (key == NULL || !key->prekey)
    return NULL;
  data = g_bytes_get_data (key->data, &length);
  if (pre_key_signal_message_deserialize (&message, data, length, self->context) != SG_SUCCESS)
    return NULL;
  if (ec_public_key_serialize (&buffer, pre_key_signal_message_get_identity_key (message)) ==
      SG_SUCCESS)
    identity = g_bytes_new (signal_buffer_data (buffer), signal_buffer_len (buffer));
  signal_buffer_free (buffer);
  SIGNAL_UNREF (message);
  return identity;
}

/* Decrypting */

typedef struct
{
  NatterOmemoEncrypted *encrypted;
  char                 *body;
  GError               *error;
} DecryptContext;

/* Runs inside libsignal, before it stores the advanced session: a failure
 * here leaves the session as it was. */
static int
decrypt_payload_cb (session_cipher *cipher,
                    signal_buffer  *plaintext,
                    void           *user_data)
{
  DecryptContext *context = user_data;
  NatterOmemoEncrypted *encrypted = context->encrypted;
  const guint8 *material = signal_buffer_data (plaintext);
  gsize length = signal_buffer_len (plaintext);
  g_autoptr(GBytes) body = NULL;
  gsize body_length = 0;
  const char *text;

  if (encrypted->payload == NULL)
    {
      /* Key transport: there is nothing to decrypt, only a key to take. */
      if (length < NATTER_OMEMO_AES_KEY_SIZE)
        {
          g_set_error (&context->error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED,
                       _("The transported key has %" G_GSIZE_FORMAT " bytes; at least 16 were "
                         "expected"), length);
          return SG_ERR_CALLBACK;
        }
      return SG_SUCCESS;
    }

  if (length != KEY_MATERIAL_SIZE)
    {
      g_set_error (&context->error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED,
                   _("The message key has %" G_GSIZE_FORMAT " bytes; 32 (a 16-byte key and its "
                     "16-byte tag) were expected"), length);
      return SG_ERR_CALLBACK;
    }
  body = natter_omemo_crypto_gcm_decrypt (material,
                                          g_bytes_get_data (encrypted->iv, NULL),
                                          g_bytes_get_size (encrypted->iv),
                                          g_bytes_get_data (encrypted->payload, NULL),
                                          g_bytes_get_size (encrypted->payload),
                                          material + NATTER_OMEMO_AES_KEY_SIZE,
                                          &context->error);
  if (body == NULL)
    return SG_ERR_CALLBACK;
  text = g_bytes_get_data (body, &body_length);
  if (body_length > 0 && (!g_utf8_validate (text, (gssize) body_length, NULL) ||
                          memchr (text, '\0', body_length) != NULL))
    {
      memset ((char *) text, 0, body_length);
      g_set_error_literal (&context->error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED,
                           _("The decrypted message is not text (it is not valid UTF-8)"));
      return SG_ERR_CALLBACK;
    }
  context->body = g_strndup (body_length > 0 ? text : "", body_length);
  if (body_length > 0)
    memset ((char *) text, 0, body_length);
  return SG_SUCCESS;
}

/* @parsed: whether the libsignal message deserialised, so that a failure
 * came from decrypting it. */
static void
set_decrypt_error (GError     **error,
                   int          rc,
                   gboolean     parsed,
                   const char  *jid,
                   guint32      device_id)
{
  /* libsignal says INVALID_MESSAGE both for a MAC that does not verify
   * and for a message it cannot read; once the message parsed, it was
   * the MAC (or a session that does not fit). */
  if (parsed && rc == SG_ERR_INVALID_MESSAGE)
    rc = SG_ERR_INVALID_MAC;
  else if (!parsed && rc != SG_ERR_NOMEM && rc != SG_ERR_NO_SESSION)
    rc = SG_ERR_INVALID_MESSAGE;

  switch (rc)
    {
    case SG_ERR_DUPLICATE_MESSAGE:
      g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_DUPLICATE,
                   _("This message from device %u of %s was decrypted before; the copy is "
                     "ignored"), device_id, jid);
      break;
    case SG_ERR_NO_SESSION:
      g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NO_SESSION,
                   _("There is no session with device %u of %s that can read this message"),
                   device_id, jid);
      break;
    case SG_ERR_INVALID_KEY_ID:
      g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NO_SESSION,
                   _("Device %u of %s started a session with a pre-key this device no longer "
                     "has"), device_id, jid);
      break;
    case SG_ERR_INVALID_MAC:
      g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_AUTHENTICATION,
                   _("The key of this message from device %u of %s failed its authentication: "
                     "it was changed on its way or does not belong to this session"),
                   device_id, jid);
      break;
    case SG_ERR_INVALID_MESSAGE:
    case SG_ERR_INVALID_PROTO_BUF:
    case SG_ERR_INVALID_VERSION:
    case SG_ERR_LEGACY_MESSAGE:
    case SG_ERR_INVALID_KEY:
      g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED,
                   _("The key of this message from device %u of %s is malformed"),
                   device_id, jid);
      break;
    default:
      g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED,
                   _("Could not decrypt the message from device %u of %s (libsignal error %d)"),
                   device_id, jid, rc);
      break;
    }
}

/**
 * natter_omemo_session_decrypt:
 * @self: an account's OMEMO
 * @sender_jid: the sender's bare JID, from the stanza's outer `from` (or
 *   a room occupant's real JID), never from inside the payload
 * @encrypted: the parsed `<encrypted/>` element
 * @error: return location for a #GError
 *
 * Decrypts a message: its key for this device through the session with
 * the sending device (building that session if it is a pre-key message),
 * then the payload, checking its GCM tag.  A key transport element gives
 * a result without a body.
 *
 * Failures are per message and leave the session usable: not for this
 * device (%NATTER_OMEMO_ERROR_NOT_FOR_THIS_DEVICE), no session
 * (%NATTER_OMEMO_ERROR_NO_SESSION), a changed key or payload
 * (%NATTER_OMEMO_ERROR_AUTHENTICATION), a replay
 * (%NATTER_OMEMO_ERROR_DUPLICATE), bad sizes or encodings
 * (%NATTER_OMEMO_ERROR_MALFORMED).  Nothing of the plaintext is returned
 * on failure.  A message from a device the user distrusted is decrypted
 * all the same, so that it is kept; the result's trust says so, and the
 * layers above hide it.  After a pre-key message the used one-time pre-key
 * is gone and replaced; @bundle_changed in the result says to publish the
 * bundle.
 *
 * Returns: (transfer full): the result, or %NULL
 */
NatterOmemoDecrypted *
natter_omemo_session_decrypt (NatterOmemoSession    *self,
                              const char            *sender_jid,
                              NatterOmemoEncrypted  *encrypted,
                              GError               **error)
{
  g_autoptr(NatterOmemoDecrypted) result = NULL;
  g_autoptr(NatterStoreOmemoIdentity) identity = NULL;
  g_autoptr(GArray) removed = NULL;
  g_autoptr(GError) local_error = NULL;
  signal_protocol_address address = { sender_jid, 0, 0 };
  DecryptContext context = { encrypted, NULL, NULL };
  session_cipher *cipher = NULL;
  signal_buffer *plaintext = NULL;
  NatterOmemoKey *key;
  const guint8 *data;
  gsize length = 0;
  gboolean parsed = FALSE;
  int rc;

  g_return_val_if_fail (NATTER_IS_OMEMO_SESSION (self), NULL);
  g_return_val_if_fail (sender_jid != NULL && encrypted != NULL, NULL);
  g_return_val_if_fail (encrypted->iv != NULL && encrypted->keys != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  key = natter_omemo_encrypted_find_key (encrypted, self->device_id);
  if (key == NULL)
    {
      g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_NOT_FOR_THIS_DEVICE,
                   _("The message from device %u of %s was not encrypted for this device"),
                   encrypted->sid, sender_jid);
      return NULL;
    }
  if (encrypted->sid == self->device_id && g_str_equal (sender_jid, self->own_jid))
    {
      g_set_error_literal (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED,
                           _("The message claims to come from this very device"));
      return NULL;
    }
  address.name_len = strlen (sender_jid);
  address.device_id = (int32_t) encrypted->sid;

  if (!key->prekey)
    {
      if (!natter_omemo_session_has_session (self, sender_jid, encrypted->sid))
        {
          set_decrypt_error (error, SG_ERR_NO_SESSION, FALSE, sender_jid, encrypted->sid);
          return NULL;
        }
    }

  data = g_bytes_get_data (key->data, &length);
  rc = session_cipher_create (&cipher, self->store_context, &address, self->context);
  if (rc == SG_SUCCESS)
    {
      session_cipher_set_decryption_callback (cipher, decrypt_payload_cb);
      if (key->prekey)
        {
          pre_key_signal_message *message = NULL;

          rc = pre_key_signal_message_deserialize (&message, data, length, self->context);
          parsed = rc == SG_SUCCESS;
          /* A distrusted device's message is read and kept, hidden above. */
          natter_omemo_store_set_receiving (self->stores, TRUE);
          if (rc == SG_SUCCESS)
            rc = session_cipher_decrypt_pre_key_signal_message (cipher, message, &context,
                                                                &plaintext);
          natter_omemo_store_set_receiving (self->stores, FALSE);
          SIGNAL_UNREF (message);
        }
      else
        {
          signal_message *message = NULL;

          rc = signal_message_deserialize (&message, data, length, self->context);
          parsed = rc == SG_SUCCESS;
          if (rc == SG_SUCCESS)
            rc = session_cipher_decrypt_signal_message (cipher, message, &context, &plaintext);
          SIGNAL_UNREF (message);
        }
    }
  session_cipher_free (cipher);
  signal_buffer_bzero_free (plaintext);

  if (rc != SG_SUCCESS)
    {
      g_clear_pointer (&context.body, g_free);
      if (context.error != NULL)
        g_propagate_error (error, g_steal_pointer (&context.error));
      else if (!take_store_error (self, error))
        set_decrypt_error (error, rc, parsed, sender_jid, encrypted->sid);
      natter_omemo_store_take_error (self->stores, NULL);
      return NULL;
    }

  result = g_new0 (NatterOmemoDecrypted, 1);
  result->body = g_steal_pointer (&context.body);
  result->sender_device = encrypted->sid;
  result->pre_key_message = key->prekey;

  identity = natter_store_omemo_get_identity (self->store, self->account_id, VERSION, sender_jid,
                                              encrypted->sid, NULL, NULL);
  result->trust = identity != NULL ? identity->trust : NATTER_STORE_OMEMO_TRUST_UNDECIDED;

  /* libsignal removed the pre-key the message used; make a new one. */
  removed = natter_omemo_store_steal_removed_pre_keys (self->stores);
  if (removed->len > 0)
    {
      result->used_pre_key_id = g_array_index (removed, guint32, 0);
      if (!natter_omemo_keys_replenish_pre_keys (self->context, self->store, self->account_id,
                                                 NATTER_OMEMO_PRE_KEY_COUNT, NULL, &local_error))
        g_warning ("OMEMO: could not replace a used pre-key: %s", local_error->message);
      result->bundle_changed = TRUE;
    }
  return g_steal_pointer (&result);
}
