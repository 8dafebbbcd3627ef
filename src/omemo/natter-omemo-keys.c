/* natter-omemo-keys.c: an account's OMEMO keys: identity, device id, pre-keys, fingerprints
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Every device has one identity key pair, a registration id and a random
 * 31-bit device id that no other device of the account uses.  Its bundle
 * offers one signed pre-key, replaced every week (the previous one stays
 * a while for pre-key messages built on an older bundle), and
 * NATTER_OMEMO_PRE_KEY_COUNT one-time pre-keys, topped up whenever a
 * pre-key message used one.  Pre-key ids count up and are not reused soon
 * after, so a peer holding an old bundle never meets a different key under
 * a known id.
 */
#include "config.h"

#include "natter-omemo-keys.h"

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <signal/curve.h>
#include <signal/key_helper.h>
#include <signal/ratchet.h>
#include <signal/session_pre_key.h>

#include "natter-omemo-error.h"

#define VERSION NATTER_STORE_OMEMO_VERSION_LEGACY
#define NEXT_PRE_KEY_SETTING "omemo-next-pre-key-id"

static gboolean
signal_failed (GError     **error,
               int          rc,
               const char  *what)
{
  g_set_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED,
               /* Translators: %s says what failed, %d is libsignal's error code. */
               _("Could not %s (libsignal error %d)"), what, rc);
  return FALSE;
}

static GBytes *
bytes_take_buffer (signal_buffer *buffer)
{
  GBytes *bytes = g_bytes_new (signal_buffer_data (buffer), signal_buffer_len (buffer));

  signal_buffer_bzero_free (buffer);
  return bytes;
}

static GBytes *
serialize_public (ec_public_key *key)
{
  signal_buffer *buffer = NULL;

  if (ec_public_key_serialize (&buffer, key) != SG_SUCCESS)
    return NULL;
  return bytes_take_buffer (buffer);
}

/**
 * natter_omemo_keys_pick_device_id:
 * @taken: (array length=n_taken) (nullable): ids already in use
 * @n_taken: how many
 *
 * Returns: a random device id from 1 to 2³¹ − 1 that is not in @taken
 */
guint32
natter_omemo_keys_pick_device_id (const guint32 *taken,
                                  guint          n_taken)
{
  for (;;)
    {
      guint32 id = 0;
      gboolean used = FALSE;

      if (gnutls_rnd (GNUTLS_RND_NONCE, &id, sizeof id) != 0)
        g_error ("The system could not provide random numbers");
      id &= NATTER_OMEMO_DEVICE_ID_MAX;
      for (guint i = 0; i < n_taken && !used; i++)
        used = taken[i] == id;
      if (id != 0 && !used)
        return id;
    }
}

static ratchet_identity_key_pair *
load_identity (signal_context  *context,
               NatterStore     *store,
               gint64           account_id,
               GError         **error)
{
  g_autoptr(NatterStoreOmemoOwn) own = NULL;
  ec_public_key *public_key = NULL;
  ec_private_key *private_key = NULL;
  ratchet_identity_key_pair *pair = NULL;
  gsize length = 0;
  const guint8 *data;
  int rc;

  own = natter_store_omemo_get_own (store, account_id, VERSION, error);
  if (own == NULL)
    {
      if (error == NULL || *error == NULL)
        g_set_error_literal (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED,
                             _("This account has no OMEMO identity yet"));
      return NULL;
    }
  data = g_bytes_get_data (own->identity_public, &length);
  rc = curve_decode_point (&public_key, data, length, context);
  if (rc == SG_SUCCESS)
    {
      data = g_bytes_get_data (own->identity_private, &length);
      rc = curve_decode_private_point (&private_key, data, length, context);
    }
  if (rc == SG_SUCCESS)
    rc = ratchet_identity_key_pair_create (&pair, public_key, private_key);
  SIGNAL_UNREF (public_key);
  SIGNAL_UNREF (private_key);
  if (rc != SG_SUCCESS)
    {
      signal_failed (error, rc, _("read this device’s identity key"));
      return NULL;
    }
  return pair;
}

/**
 * natter_omemo_keys_rotate_signed_pre_key:
 * @context: a libsignal context with the crypto provider
 * @store: the database
 * @account_id: an account with an own identity
 * @now: the time, µs since the epoch
 * @max_age: replace the signed pre-key when it is this old (µs)
 * @grace: keep a replaced one this long after its successor was made (µs)
 * @rotated: (out) (optional): whether a new signed pre-key was made (the
 *   bundle changed)
 * @error: return location for a #GError
 *
 * Makes a signed pre-key if there is none or the newest is @max_age old,
 * and removes the replaced ones whose grace time is over.
 *
 * Returns: %TRUE on success
 */
gboolean
natter_omemo_keys_rotate_signed_pre_key (signal_context  *context,
                                         NatterStore     *store,
                                         gint64           account_id,
                                         gint64           now,
                                         gint64           max_age,
                                         gint64           grace,
                                         gboolean        *rotated,
                                         GError         **error)
{
  g_autoptr(GArray) keys = NULL;
  NatterStoreOmemoSignedPreKey *newest = NULL;

  if (rotated != NULL)
    *rotated = FALSE;

  keys = natter_store_omemo_list_signed_pre_keys (store, account_id, VERSION, error);
  if (keys == NULL)
    return FALSE;
  if (keys->len > 0)
    newest = &g_array_index (keys, NatterStoreOmemoSignedPreKey, 0);

  if (newest == NULL || now - newest->created >= max_age)
    {
      ratchet_identity_key_pair *identity = load_identity (context, store, account_id, error);
      session_signed_pre_key *signed_pre_key = NULL;
      signal_buffer *buffer = NULL;
      g_autoptr(GBytes) record = NULL;
      NatterStoreOmemoSignedPreKey made;
      guint32 id = newest == NULL ? 1 : newest->id % PRE_KEY_MEDIUM_MAX_VALUE + 1;
      int rc;

      if (identity == NULL)
        return FALSE;
      rc = signal_protocol_key_helper_generate_signed_pre_key (&signed_pre_key, identity, id,
                                                               (uint64_t) (now / 1000), context);
      SIGNAL_UNREF (identity);
      if (rc == SG_SUCCESS)
        rc = session_signed_pre_key_serialize (&buffer, signed_pre_key);
      SIGNAL_UNREF (signed_pre_key);
      if (rc != SG_SUCCESS)
        return signal_failed (error, rc, _("make a signed pre-key"));
      record = bytes_take_buffer (buffer);
      if (!natter_store_omemo_save_signed_pre_key (store, account_id, VERSION, id, record, now,
                                                   error))
        return FALSE;
      made.id = id;
      made.created = now;
      g_array_prepend_val (keys, made);
      if (rotated != NULL)
        *rotated = TRUE;
    }

  /* keys[i - 1] replaced keys[i]. */
  for (guint i = 1; i < keys->len; i++)
    {
      NatterStoreOmemoSignedPreKey *key = &g_array_index (keys, NatterStoreOmemoSignedPreKey, i);
      NatterStoreOmemoSignedPreKey *successor = key - 1;

      if (now - successor->created >= grace &&
          !natter_store_omemo_remove_signed_pre_key (store, account_id, VERSION, key->id, error))
        return FALSE;
    }
  return TRUE;
}

static guint32
next_pre_key_id (NatterStore  *store,
                 gint64        account_id,
                 GArray       *existing,
                 GError      **error)
{
  g_autofree char *setting = NULL;
  guint64 next = 0;

  setting = natter_store_dup_account_setting (store, account_id, NEXT_PRE_KEY_SETTING, error);
  if (error != NULL && *error != NULL)
    return 0;
  if (setting != NULL)
    next = g_ascii_strtoull (setting, NULL, 10);
  if (next == 0 && existing->len > 0)
    next = (guint64) g_array_index (existing, guint32, existing->len - 1) + 1;
  if (next == 0 || next > PRE_KEY_MEDIUM_MAX_VALUE)
    next = 1;
  return (guint32) next;
}

/**
 * natter_omemo_keys_replenish_pre_keys:
 * @context: a libsignal context with the crypto provider
 * @store: the database
 * @account_id: an account with an own identity
 * @target: how many pre-keys there should be
 * @added: (out) (optional): how many were made (the bundle changed if any)
 * @error: return location for a #GError
 *
 * Makes one-time pre-keys until there are @target, with ids that count
 * up from the last one made (wrapping at 2²⁴ − 1, libsignal's limit, and
 * skipping ids still in use).
 *
 * Returns: %TRUE on success
 */
gboolean
natter_omemo_keys_replenish_pre_keys (signal_context  *context,
                                      NatterStore     *store,
                                      gint64           account_id,
                                      guint            target,
                                      guint           *added,
                                      GError         **error)
{
  g_autoptr(GArray) existing = NULL;
  g_autoptr(GHashTable) used = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autofree char *next_text = NULL;
  guint32 next;

  if (added != NULL)
    *added = 0;
  existing = natter_store_omemo_list_pre_key_ids (store, account_id, VERSION, error);
  if (existing == NULL)
    return FALSE;
  if (existing->len >= target)
    return TRUE;
  for (guint i = 0; i < existing->len; i++)
    g_hash_table_add (used, GUINT_TO_POINTER (g_array_index (existing, guint32, i)));
  next = next_pre_key_id (store, account_id, existing, error);
  if (next == 0)
    return FALSE;

  while (existing->len + ids->len < target)
    {
      ec_key_pair *pair = NULL;
      session_pre_key *pre_key = NULL;
      signal_buffer *buffer = NULL;
      guint32 id = next;
      int rc;

      next = next % PRE_KEY_MEDIUM_MAX_VALUE + 1;
      if (g_hash_table_contains (used, GUINT_TO_POINTER (id)))
        continue;
      rc = curve_generate_key_pair (context, &pair);
      if (rc == SG_SUCCESS)
        rc = session_pre_key_create (&pre_key, id, pair);
      if (rc == SG_SUCCESS)
        rc = session_pre_key_serialize (&buffer, pre_key);
      SIGNAL_UNREF (pair);
      SIGNAL_UNREF (pre_key);
      if (rc != SG_SUCCESS)
        return signal_failed (error, rc, _("make a pre-key"));
      g_array_append_val (ids, id);
      g_ptr_array_add (records, bytes_take_buffer (buffer));
    }

  if (!natter_store_omemo_save_pre_keys (store, account_id, VERSION,
                                         &g_array_index (ids, guint32, 0),
                                         (GBytes * const *) records->pdata, ids->len, error))
    return FALSE;
  next_text = g_strdup_printf ("%u", next);
  if (!natter_store_set_account_setting (store, account_id, NEXT_PRE_KEY_SETTING, next_text,
                                         error))
    return FALSE;
  if (added != NULL)
    *added = ids->len;
  return TRUE;
}

/**
 * natter_omemo_keys_generate_own:
 * @context: a libsignal context with the crypto provider
 * @store: the database
 * @account_id: the account
 * @own_jid: the account's bare JID, whose known device list the new
 *   device id must avoid
 * @now: the time, µs since the epoch
 * @error: return location for a #GError
 *
 * Makes this device's OMEMO identity for the account: identity key pair,
 * registration id, device id, a signed pre-key and
 * %NATTER_OMEMO_PRE_KEY_COUNT pre-keys.  An identity it replaces is gone,
 * with its keys and sessions.
 *
 * Returns: %TRUE on success
 */
gboolean
natter_omemo_keys_generate_own (signal_context  *context,
                                NatterStore     *store,
                                gint64           account_id,
                                const char      *own_jid,
                                gint64           now,
                                GError         **error)
{
  ratchet_identity_key_pair *pair = NULL;
  g_autoptr(GArray) devices = NULL;
  g_autoptr(GArray) taken = g_array_new (FALSE, FALSE, sizeof (guint32));
  NatterStoreOmemoOwn own = { 0, };
  signal_buffer *private_buffer = NULL;
  uint32_t registration_id = 0;
  gboolean ok;
  int rc;

  g_return_val_if_fail (context != NULL && own_jid != NULL, FALSE);

  devices = natter_store_omemo_list_devices (store, account_id, VERSION, own_jid, FALSE, error);
  if (devices == NULL)
    return FALSE;
  for (guint i = 0; i < devices->len; i++)
    g_array_append_val (taken, g_array_index (devices, NatterStoreOmemoDevice, i).device_id);

  rc = signal_protocol_key_helper_generate_identity_key_pair (&pair, context);
  if (rc == SG_SUCCESS)
    rc = signal_protocol_key_helper_generate_registration_id (&registration_id, 0, context);
  if (rc == SG_SUCCESS)
    rc = ec_private_key_serialize (&private_buffer, ratchet_identity_key_pair_get_private (pair));
  if (rc != SG_SUCCESS)
    {
      SIGNAL_UNREF (pair);
      return signal_failed (error, rc, _("make an identity key"));
    }

  own.device_id = natter_omemo_keys_pick_device_id (&g_array_index (taken, guint32, 0),
                                                    taken->len);
  own.registration_id = registration_id;
  own.identity_public = serialize_public (ratchet_identity_key_pair_get_public (pair));
  own.identity_private = bytes_take_buffer (private_buffer);
  own.created = now;
  SIGNAL_UNREF (pair);

  if (own.identity_public == NULL)
    ok = signal_failed (error, SG_ERR_NOMEM, _("make an identity key"));
  else
    ok = natter_store_omemo_set_own (store, account_id, VERSION, &own, error);
  g_clear_pointer (&own.identity_public, g_bytes_unref);
  g_clear_pointer (&own.identity_private, g_bytes_unref);
  if (!ok)
    return FALSE;

  return natter_omemo_keys_rotate_signed_pre_key (context, store, account_id, now,
                                                  NATTER_OMEMO_SIGNED_PRE_KEY_MAX_AGE,
                                                  NATTER_OMEMO_SIGNED_PRE_KEY_GRACE, NULL,
                                                  error) &&
         natter_omemo_keys_replenish_pre_keys (context, store, account_id,
                                               NATTER_OMEMO_PRE_KEY_COUNT, NULL, error);
}

/**
 * natter_omemo_keys_build_bundle:
 * @context: a libsignal context with the crypto provider
 * @store: the database
 * @account_id: an account with an own identity
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the bundle to publish: the identity key, the
 *   newest signed pre-key and every one-time pre-key, or %NULL
 */
NatterOmemoBundle *
natter_omemo_keys_build_bundle (signal_context  *context,
                                NatterStore     *store,
                                gint64           account_id,
                                GError         **error)
{
  g_autoptr(NatterOmemoBundle) bundle = natter_omemo_bundle_new ();
  g_autoptr(NatterStoreOmemoOwn) own = NULL;
  g_autoptr(GArray) signed_keys = NULL;
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GBytes) record = NULL;
  session_signed_pre_key *signed_pre_key = NULL;
  ec_key_pair *pair;
  gsize length = 0;
  const guint8 *data;
  int rc;

  own = natter_store_omemo_get_own (store, account_id, VERSION, error);
  if (own == NULL)
    {
      if (error == NULL || *error == NULL)
        g_set_error_literal (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED,
                             _("This account has no OMEMO identity yet"));
      return NULL;
    }
  bundle->identity_key = g_bytes_ref (own->identity_public);

  signed_keys = natter_store_omemo_list_signed_pre_keys (store, account_id, VERSION, error);
  if (signed_keys == NULL)
    return NULL;
  if (signed_keys->len == 0)
    {
      g_set_error_literal (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_FAILED,
                           _("This account has no signed pre-key"));
      return NULL;
    }
  bundle->signed_pre_key_id = g_array_index (signed_keys, NatterStoreOmemoSignedPreKey, 0).id;
  record = natter_store_omemo_load_signed_pre_key (store, account_id, VERSION,
                                                   bundle->signed_pre_key_id, error);
  if (record == NULL)
    return NULL;
  data = g_bytes_get_data (record, &length);
  rc = session_signed_pre_key_deserialize (&signed_pre_key, data, length, context);
  if (rc != SG_SUCCESS)
    {
      signal_failed (error, rc, _("read the signed pre-key"));
      return NULL;
    }
  pair = session_signed_pre_key_get_key_pair (signed_pre_key);
  bundle->signed_pre_key = serialize_public (ec_key_pair_get_public (pair));
  bundle->signed_pre_key_signature =
    g_bytes_new (session_signed_pre_key_get_signature (signed_pre_key),
                 session_signed_pre_key_get_signature_len (signed_pre_key));
  SIGNAL_UNREF (signed_pre_key);

  ids = natter_store_omemo_list_pre_key_ids (store, account_id, VERSION, error);
  if (ids == NULL)
    return NULL;
  for (guint i = 0; i < ids->len; i++)
    {
      guint32 id = g_array_index (ids, guint32, i);
      g_autoptr(GBytes) pre_key_record = NULL;
      session_pre_key *pre_key = NULL;
      NatterOmemoPreKeyPublic *entry;

      pre_key_record = natter_store_omemo_load_pre_key (store, account_id, VERSION, id, error);
      if (pre_key_record == NULL)
        return NULL;
      data = g_bytes_get_data (pre_key_record, &length);
      rc = session_pre_key_deserialize (&pre_key, data, length, context);
      if (rc != SG_SUCCESS)
        {
          signal_failed (error, rc, _("read a pre-key"));
          return NULL;
        }
      entry = g_new0 (NatterOmemoPreKeyPublic, 1);
      entry->id = id;
      pair = session_pre_key_get_key_pair (pre_key);
      entry->public_key = serialize_public (ec_key_pair_get_public (pair));
      SIGNAL_UNREF (pre_key);
      g_ptr_array_add (bundle->pre_keys, entry);
    }
  return g_steal_pointer (&bundle);
}

/**
 * natter_omemo_fingerprint_format:
 * @identity_key: a serialised public identity key (0x05 ‖ 32 bytes), or
 *   the 32 bytes of the Curve25519 key alone
 *
 * Formats a fingerprint the way every OMEMO client shows it: the 32 bytes
 * of the Curve25519 public key as 64 lowercase hex digits, in 8 groups of
 * 8 separated by spaces.
 *
 * Returns: (transfer full) (nullable): the fingerprint, or %NULL if
 *   @identity_key is not such a key
 */
char *
natter_omemo_fingerprint_format (GBytes *identity_key)
{
  static const char digits[] = "0123456789abcdef";
  gsize length = 0;
  const guint8 *data;
  GString *text;

  g_return_val_if_fail (identity_key != NULL, NULL);

  data = g_bytes_get_data (identity_key, &length);
  if (length == 33 && data[0] == 0x05)
    data++;
  else if (length != 32)
    return NULL;

  text = g_string_sized_new (71);
  for (guint i = 0; i < 32; i++)
    {
      if (i > 0 && i % 4 == 0)
        g_string_append_c (text, ' ');
      g_string_append_c (text, digits[data[i] >> 4]);
      g_string_append_c (text, digits[data[i] & 0xf]);
    }
  return g_string_free (text, FALSE);
}
