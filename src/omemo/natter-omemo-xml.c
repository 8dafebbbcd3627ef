/* natter-omemo-xml.c: the OMEMO elements: <encrypted/>, bundles and device lists
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * XEP-0384 0.3 (`eu.siacs.conversations.axolotl`).  Everything here comes
 * from peers, so parsing is strict: base64 must be base64 (GLib's decoder
 * skips what it does not understand), ids are decimal numbers in the
 * 31-bit range, an id appears once, elements that must be there are there
 * once, keys have their sizes, and sizes have limits.  A failure is
 * %NATTER_OMEMO_ERROR_MALFORMED with a message that names what is wrong.
 */
#include "config.h"

#include "natter-omemo-xml.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "natter-omemo-error.h"

#define NS XMPP_NS_OMEMO_LEGACY
#define PUBLIC_KEY_SIZE 33        /* 0x05 ‖ Curve25519 */
#define SIGNATURE_SIZE 64

static gboolean G_GNUC_PRINTF (2, 3)
malformed (GError     **error,
           const char  *format,
           ...)
{
  va_list args;

  if (error == NULL)
    return FALSE;
  va_start (args, format);
  *error = g_error_new_valist (NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED, format, args);
  va_end (args);
  return FALSE;
}

/* Base64 */

static gboolean
is_space (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/**
 * natter_omemo_base64_decode:
 * @text: base64 text, standard alphabet, padded; ASCII white space is ignored
 * @max_bytes: the most bytes it may decode to
 * @what: what it is, for the error message
 * @error: return location for a #GError
 *
 * Decodes strictly: any other character, misplaced padding, a length that
 * is not a multiple of four, empty text or more than @max_bytes fail with
 * %NATTER_OMEMO_ERROR_MALFORMED.
 *
 * Returns: (transfer full): the bytes, or %NULL
 */
GBytes *
natter_omemo_base64_decode (const char  *text,
                            gsize        max_bytes,
                            const char  *what,
                            GError     **error)
{
  g_autofree char *clean = NULL;
  gsize n = 0, padding = 0, decoded_length = 0;
  guchar *decoded;

  g_return_val_if_fail (text != NULL, NULL);

  clean = g_malloc (strlen (text) + 1);
  for (const char *p = text; *p != '\0'; p++)
    {
      char c = *p;

      if (is_space (c))
        continue;
      if (c == '=')
        padding++;
      else if (padding > 0 || !(g_ascii_isalnum (c) || c == '+' || c == '/'))
        {
          malformed (error, _("The %s is not valid base64"), what);
          return NULL;
        }
      clean[n++] = c;
    }
  clean[n] = '\0';

  if (n == 0)
    {
      malformed (error, _("The %s is empty"), what);
      return NULL;
    }
  if (n % 4 != 0 || padding > 2)
    {
      malformed (error, _("The %s is not valid base64"), what);
      return NULL;
    }
  if (n / 4 * 3 - padding > max_bytes)
    {
      malformed (error, _("The %s is too large (more than %" G_GSIZE_FORMAT " bytes)"),
                 what, max_bytes);
      return NULL;
    }

  decoded = g_base64_decode (clean, &decoded_length);
  return g_bytes_new_take (decoded, decoded_length);
}

static char *
base64_of (GBytes *bytes)
{
  gsize length = 0;
  const guchar *data = g_bytes_get_data (bytes, &length);

  return g_base64_encode (data, length);
}

/* Ids */

/* A decimal number from @min to @max: digits only, no sign, no space. */
static gboolean
parse_id (const char  *text,
          guint32      min,
          guint32      max,
          const char  *what,
          guint32     *id,
          GError     **error)
{
  guint64 value = 0;
  gsize length;

  if (text == NULL)
    return malformed (error, _("The %s is missing"), what);
  length = strlen (text);
  for (gsize i = 0; i < length && length <= 10; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        length = 0;
      else
        value = value * 10 + (guint64) (text[i] - '0');
    }
  if (length == 0 || length > 10)
    {
      /* A peer's text, cut short and made valid for the message. */
      g_autofree char *shown = g_utf8_make_valid (text, MIN (strlen (text), 12));

      return malformed (error, _("The %s “%s” is not a number from %u to %u"),
                        what, shown, min, max);
    }
  if (value < min || value > max)
    return malformed (error, _("The %s %" G_GUINT64_FORMAT " is not from %u to %u"),
                      what, value, min, max);
  *id = (guint32) value;
  return TRUE;
}

static void
set_id (XmppNode   *node,
        const char *name,
        guint32     id)
{
  char text[16];

  g_snprintf (text, sizeof text, "%u", id);
  xmpp_node_set_attribute (node, name, text);
}

/* The single child @name of @node, or an error if there is none or several. */
static XmppNode *
single_child (XmppNode    *node,
              const char  *name,
              gboolean     required,
              GError     **error)
{
  XmppNode *found = NULL;
  guint n = xmpp_node_get_n_children (node);

  for (guint i = 0; i < n; i++)
    {
      XmppNode *child = xmpp_node_get_child_at (node, i);

      if (!xmpp_node_is (child, name, NS))
        continue;
      if (found != NULL)
        {
          malformed (error, _("<%s/> holds more than one <%s/>"),
                     xmpp_node_get_name (node), name);
          return NULL;
        }
      found = child;
    }
  if (found == NULL && required)
    malformed (error, _("<%s/> has no <%s/>"), xmpp_node_get_name (node), name);
  return found;
}

/* The base64 content of the single child @name of @node. */
static GBytes *
child_bytes (XmppNode    *node,
             const char  *name,
             gsize        max_bytes,
             GError     **error)
{
  XmppNode *child = single_child (node, name, TRUE, error);
  g_autofree char *what = NULL;

  if (child == NULL)
    return NULL;
  what = g_strdup_printf ("<%s/>", name);
  return natter_omemo_base64_decode (xmpp_node_get_text (child), max_bytes, what, error);
}

static gboolean
check_public_key (GBytes      *key,
                  const char  *what,
                  GError     **error)
{
  gsize length = 0;
  const guint8 *data = g_bytes_get_data (key, &length);

  if (length != PUBLIC_KEY_SIZE || data[0] != 0x05)
    return malformed (error, _("The %s is not a Curve25519 public key (33 bytes starting with 5)"),
                      what);
  return TRUE;
}

/* Keys and <encrypted/> */

/**
 * natter_omemo_key_new:
 * @rid: the receiving device
 * @prekey: whether @data is a PreKeySignalMessage
 * @data: the libsignal message
 *
 * Returns: (transfer full): a new key
 */
NatterOmemoKey *
natter_omemo_key_new (guint32   rid,
                      gboolean  prekey,
                      GBytes   *data)
{
  NatterOmemoKey *key = g_new0 (NatterOmemoKey, 1);

  key->rid = rid;
  key->prekey = prekey;
  key->data = g_bytes_ref (data);
  return key;
}

/**
 * natter_omemo_key_free:
 * @key: (transfer full) (nullable): a key
 */
void
natter_omemo_key_free (NatterOmemoKey *key)
{
  if (key == NULL)
    return;
  g_clear_pointer (&key->data, g_bytes_unref);
  g_free (key);
}

/**
 * natter_omemo_encrypted_new:
 *
 * Returns: (transfer full): an empty element with no keys
 */
NatterOmemoEncrypted *
natter_omemo_encrypted_new (void)
{
  NatterOmemoEncrypted *encrypted = g_new0 (NatterOmemoEncrypted, 1);

  encrypted->keys = g_ptr_array_new_with_free_func ((GDestroyNotify) natter_omemo_key_free);
  return encrypted;
}

/**
 * natter_omemo_encrypted_free:
 * @encrypted: (transfer full) (nullable): an element
 */
void
natter_omemo_encrypted_free (NatterOmemoEncrypted *encrypted)
{
  if (encrypted == NULL)
    return;
  g_clear_pointer (&encrypted->iv, g_bytes_unref);
  g_clear_pointer (&encrypted->keys, g_ptr_array_unref);
  g_clear_pointer (&encrypted->payload, g_bytes_unref);
  g_free (encrypted);
}

/**
 * natter_omemo_encrypted_find_key:
 * @encrypted: an element
 * @rid: a device id
 *
 * Returns: (transfer none) (nullable): the key for @rid
 */
NatterOmemoKey *
natter_omemo_encrypted_find_key (NatterOmemoEncrypted *encrypted,
                                 guint32               rid)
{
  g_return_val_if_fail (encrypted != NULL, NULL);

  for (guint i = 0; i < encrypted->keys->len; i++)
    {
      NatterOmemoKey *key = g_ptr_array_index (encrypted->keys, i);

      if (key->rid == rid)
        return key;
    }
  return NULL;
}

static gboolean
parse_prekey_flag (const char  *value,
                   gboolean    *prekey,
                   GError     **error)
{
  if (value == NULL || strcmp (value, "false") == 0 || strcmp (value, "0") == 0)
    *prekey = FALSE;
  else if (strcmp (value, "true") == 0 || strcmp (value, "1") == 0)
    *prekey = TRUE;
  else
    {
      g_autofree char *shown = g_utf8_make_valid (value, MIN (strlen (value), 12));

      return malformed (error, _("The prekey attribute “%s” is not a boolean"), shown);
    }
  return TRUE;
}

static gboolean
parse_header (XmppNode              *header,
              NatterOmemoEncrypted  *encrypted,
              GError               **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint n = xmpp_node_get_n_children (header);
  gsize iv_length = 0;

  if (!parse_id (xmpp_node_get_attribute (header, "sid"), 1, NATTER_OMEMO_DEVICE_ID_MAX,
                 _("sending device id"), &encrypted->sid, error))
    return FALSE;

  for (guint i = 0; i < n; i++)
    {
      XmppNode *child = xmpp_node_get_child_at (header, i);
      g_autoptr(GBytes) data = NULL;
      guint32 rid = 0;
      gboolean prekey = FALSE;

      if (!xmpp_node_is (child, "key", NS))
        continue;
      if (encrypted->keys->len == NATTER_OMEMO_MAX_KEYS)
        return malformed (error, _("The message has more than %u keys"), NATTER_OMEMO_MAX_KEYS);
      if (!parse_id (xmpp_node_get_attribute (child, "rid"), 1, NATTER_OMEMO_DEVICE_ID_MAX,
                     _("receiving device id"), &rid, error) ||
          !parse_prekey_flag (xmpp_node_get_attribute (child, "prekey"), &prekey, error))
        return FALSE;
      if (g_hash_table_contains (seen, GUINT_TO_POINTER (rid)))
        return malformed (error, _("The message has two keys for device %u"), rid);
      g_hash_table_add (seen, GUINT_TO_POINTER (rid));
      data = natter_omemo_base64_decode (xmpp_node_get_text (child), NATTER_OMEMO_MAX_KEY_BYTES,
                                         "<key/>", error);
      if (data == NULL)
        return FALSE;
      g_ptr_array_add (encrypted->keys, natter_omemo_key_new (rid, prekey, data));
    }
  if (encrypted->keys->len == 0)
    return malformed (error, _("The message carries no key for any device"));

  encrypted->iv = child_bytes (header, "iv", 64, error);
  if (encrypted->iv == NULL)
    return FALSE;
  iv_length = g_bytes_get_size (encrypted->iv);
  if (iv_length != 12 && iv_length != 16)
    return malformed (error, _("The message’s IV has %" G_GSIZE_FORMAT " bytes; 12 or 16 were "
                               "expected"), iv_length);
  return TRUE;
}

/**
 * natter_omemo_encrypted_parse:
 * @node: an `<encrypted xmlns='eu.siacs.conversations.axolotl'/>` element
 * @error: return location for a #GError
 *
 * Reads and checks the element: one header with a sending device id,
 * at least one key, every receiving device id once, an IV of 12 or 16
 * bytes, at most one payload.  Key material and payload are checked for
 * base64 and size, not decrypted.
 *
 * Returns: (transfer full): the element, or %NULL with
 *   %NATTER_OMEMO_ERROR_MALFORMED
 */
NatterOmemoEncrypted *
natter_omemo_encrypted_parse (XmppNode  *node,
                              GError   **error)
{
  g_autoptr(NatterOmemoEncrypted) encrypted = NULL;
  g_autoptr(GError) local_error = NULL;
  XmppNode *header;
  XmppNode *payload;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!xmpp_node_is (node, "encrypted", NS))
    {
      malformed (error, _("The element is not a legacy OMEMO <encrypted/>"));
      return NULL;
    }

  encrypted = natter_omemo_encrypted_new ();
  header = single_child (node, "header", TRUE, error);
  if (header == NULL || !parse_header (header, encrypted, error))
    return NULL;

  payload = single_child (node, "payload", FALSE, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (payload != NULL)
    {
      encrypted->payload = natter_omemo_base64_decode (xmpp_node_get_text (payload),
                                                       NATTER_OMEMO_MAX_PAYLOAD_BYTES,
                                                       _("payload"), error);
      if (encrypted->payload == NULL)
        return NULL;
    }
  return g_steal_pointer (&encrypted);
}

/**
 * natter_omemo_encrypted_to_node:
 * @encrypted: an element with an IV and at least one key
 *
 * Returns: (transfer full): the `<encrypted/>` element to put in a message
 */
XmppNode *
natter_omemo_encrypted_to_node (NatterOmemoEncrypted *encrypted)
{
  g_autoptr(XmppNode) node = NULL;
  XmppNode *header;
  g_autofree char *iv = NULL;

  g_return_val_if_fail (encrypted != NULL && encrypted->iv != NULL, NULL);

  node = xmpp_node_new ("encrypted", NS);
  header = xmpp_node_add_child (node, "header", NULL);
  set_id (header, "sid", encrypted->sid);
  for (guint i = 0; i < encrypted->keys->len; i++)
    {
      NatterOmemoKey *key = g_ptr_array_index (encrypted->keys, i);
      XmppNode *child = xmpp_node_add_child (header, "key", NULL);
      g_autofree char *text = base64_of (key->data);

      set_id (child, "rid", key->rid);
      if (key->prekey)
        xmpp_node_set_attribute (child, "prekey", "true");
      xmpp_node_set_text (child, text);
    }
  iv = base64_of (encrypted->iv);
  xmpp_node_add_text_child (header, "iv", NULL, iv);
  if (encrypted->payload != NULL)
    {
      g_autofree char *payload = base64_of (encrypted->payload);

      xmpp_node_add_text_child (node, "payload", NULL, payload);
    }
  return g_steal_pointer (&node);
}

/* Bundles */

/**
 * natter_omemo_pre_key_public_free:
 * @pre_key: (transfer full) (nullable): a pre-key
 */
void
natter_omemo_pre_key_public_free (NatterOmemoPreKeyPublic *pre_key)
{
  if (pre_key == NULL)
    return;
  g_clear_pointer (&pre_key->public_key, g_bytes_unref);
  g_free (pre_key);
}

/**
 * natter_omemo_bundle_new:
 *
 * Returns: (transfer full): an empty bundle
 */
NatterOmemoBundle *
natter_omemo_bundle_new (void)
{
  NatterOmemoBundle *bundle = g_new0 (NatterOmemoBundle, 1);

  bundle->pre_keys =
    g_ptr_array_new_with_free_func ((GDestroyNotify) natter_omemo_pre_key_public_free);
  return bundle;
}

/**
 * natter_omemo_bundle_free:
 * @bundle: (transfer full) (nullable): a bundle
 */
void
natter_omemo_bundle_free (NatterOmemoBundle *bundle)
{
  if (bundle == NULL)
    return;
  g_clear_pointer (&bundle->signed_pre_key, g_bytes_unref);
  g_clear_pointer (&bundle->signed_pre_key_signature, g_bytes_unref);
  g_clear_pointer (&bundle->identity_key, g_bytes_unref);
  g_clear_pointer (&bundle->pre_keys, g_ptr_array_unref);
  g_free (bundle);
}

static gboolean
parse_pre_keys (XmppNode           *prekeys,
                NatterOmemoBundle  *bundle,
                GError            **error)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  guint n = xmpp_node_get_n_children (prekeys);

  for (guint i = 0; i < n; i++)
    {
      XmppNode *child = xmpp_node_get_child_at (prekeys, i);
      NatterOmemoPreKeyPublic *pre_key;
      g_autoptr(GBytes) key = NULL;
      guint32 id = 0;

      if (!xmpp_node_is (child, "preKeyPublic", NS))
        continue;
      if (bundle->pre_keys->len == NATTER_OMEMO_MAX_PRE_KEYS)
        return malformed (error, _("The bundle has more than %u pre-keys"),
                          NATTER_OMEMO_MAX_PRE_KEYS);
      if (!parse_id (xmpp_node_get_attribute (child, "preKeyId"), 0, NATTER_OMEMO_DEVICE_ID_MAX,
                     _("pre-key id"), &id, error))
        return FALSE;
      if (g_hash_table_contains (seen, GUINT_TO_POINTER (id + 1)))
        return malformed (error, _("The bundle has two pre-keys with id %u"), id);
      g_hash_table_add (seen, GUINT_TO_POINTER (id + 1));
      key = natter_omemo_base64_decode (xmpp_node_get_text (child), PUBLIC_KEY_SIZE,
                                        "<preKeyPublic/>", error);
      if (key == NULL || !check_public_key (key, _("pre-key"), error))
        return FALSE;
      pre_key = g_new0 (NatterOmemoPreKeyPublic, 1);
      pre_key->id = id;
      pre_key->public_key = g_steal_pointer (&key);
      g_ptr_array_add (bundle->pre_keys, pre_key);
    }
  if (bundle->pre_keys->len == 0)
    return malformed (error, _("The bundle has no pre-keys"));
  return TRUE;
}

/**
 * natter_omemo_bundle_parse:
 * @node: a `<bundle xmlns='eu.siacs.conversations.axolotl'/>` element
 * @error: return location for a #GError
 *
 * Reads and checks a bundle: one signed pre-key with its id and a 64-byte
 * signature, one identity key, and one to %NATTER_OMEMO_MAX_PRE_KEYS
 * pre-keys with distinct ids; every public key is 33 bytes of type 5.  The
 * signature is not verified here (libsignal does, when it builds a session).
 *
 * Returns: (transfer full): the bundle, or %NULL with %NATTER_OMEMO_ERROR_MALFORMED
 */
NatterOmemoBundle *
natter_omemo_bundle_parse (XmppNode  *node,
                           GError   **error)
{
  g_autoptr(NatterOmemoBundle) bundle = NULL;
  XmppNode *signed_pre_key;
  XmppNode *prekeys;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!xmpp_node_is (node, "bundle", NS))
    {
      malformed (error, _("The element is not a legacy OMEMO <bundle/>"));
      return NULL;
    }
  bundle = natter_omemo_bundle_new ();

  signed_pre_key = single_child (node, "signedPreKeyPublic", TRUE, error);
  if (signed_pre_key == NULL ||
      !parse_id (xmpp_node_get_attribute (signed_pre_key, "signedPreKeyId"), 0,
                 NATTER_OMEMO_DEVICE_ID_MAX, _("signed pre-key id"),
                 &bundle->signed_pre_key_id, error))
    return NULL;
  bundle->signed_pre_key = natter_omemo_base64_decode (xmpp_node_get_text (signed_pre_key),
                                                       PUBLIC_KEY_SIZE, "<signedPreKeyPublic/>",
                                                       error);
  if (bundle->signed_pre_key == NULL ||
      !check_public_key (bundle->signed_pre_key, _("signed pre-key"), error))
    return NULL;

  bundle->signed_pre_key_signature = child_bytes (node, "signedPreKeySignature", SIGNATURE_SIZE,
                                                  error);
  if (bundle->signed_pre_key_signature == NULL)
    return NULL;
  if (g_bytes_get_size (bundle->signed_pre_key_signature) != SIGNATURE_SIZE)
    {
      malformed (error, _("The signed pre-key’s signature is not %d bytes long"), SIGNATURE_SIZE);
      return NULL;
    }

  bundle->identity_key = child_bytes (node, "identityKey", PUBLIC_KEY_SIZE, error);
  if (bundle->identity_key == NULL ||
      !check_public_key (bundle->identity_key, _("identity key"), error))
    return NULL;

  prekeys = single_child (node, "prekeys", TRUE, error);
  if (prekeys == NULL || !parse_pre_keys (prekeys, bundle, error))
    return NULL;
  return g_steal_pointer (&bundle);
}

/**
 * natter_omemo_bundle_to_node:
 * @bundle: a complete bundle
 *
 * Returns: (transfer full): the `<bundle/>` element to publish
 */
XmppNode *
natter_omemo_bundle_to_node (NatterOmemoBundle *bundle)
{
  g_autoptr(XmppNode) node = NULL;
  g_autofree char *signed_pre_key = NULL;
  g_autofree char *signature = NULL;
  g_autofree char *identity = NULL;
  XmppNode *child;
  XmppNode *prekeys;

  g_return_val_if_fail (bundle != NULL && bundle->signed_pre_key != NULL, NULL);
  g_return_val_if_fail (bundle->signed_pre_key_signature != NULL, NULL);
  g_return_val_if_fail (bundle->identity_key != NULL, NULL);

  node = xmpp_node_new ("bundle", NS);
  signed_pre_key = base64_of (bundle->signed_pre_key);
  child = xmpp_node_add_text_child (node, "signedPreKeyPublic", NULL, signed_pre_key);
  set_id (child, "signedPreKeyId", bundle->signed_pre_key_id);
  signature = base64_of (bundle->signed_pre_key_signature);
  xmpp_node_add_text_child (node, "signedPreKeySignature", NULL, signature);
  identity = base64_of (bundle->identity_key);
  xmpp_node_add_text_child (node, "identityKey", NULL, identity);
  prekeys = xmpp_node_add_child (node, "prekeys", NULL);
  for (guint i = 0; i < bundle->pre_keys->len; i++)
    {
      NatterOmemoPreKeyPublic *pre_key = g_ptr_array_index (bundle->pre_keys, i);
      g_autofree char *text = base64_of (pre_key->public_key);

      child = xmpp_node_add_text_child (prekeys, "preKeyPublic", NULL, text);
      set_id (child, "preKeyId", pre_key->id);
    }
  return g_steal_pointer (&node);
}

/* Device lists */

/**
 * natter_omemo_device_list_parse:
 * @node: a `<list xmlns='eu.siacs.conversations.axolotl'/>` element
 * @error: return location for a #GError
 *
 * Reads a device list: each `<device/>` has an id from 1 to 2³¹ − 1, and
 * no id appears twice.  An empty list is a list.
 *
 * Returns: (transfer full) (element-type guint32): the device ids in
 *   document order, or %NULL with %NATTER_OMEMO_ERROR_MALFORMED
 */
GArray *
natter_omemo_device_list_parse (XmppNode  *node,
                                GError   **error)
{
  g_autoptr(GArray) ids = NULL;
  g_autoptr(GHashTable) seen = NULL;
  guint n;

  g_return_val_if_fail (node != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!xmpp_node_is (node, "list", NS))
    {
      malformed (error, _("The element is not a legacy OMEMO device <list/>"));
      return NULL;
    }
  ids = g_array_new (FALSE, FALSE, sizeof (guint32));
  seen = g_hash_table_new (NULL, NULL);
  n = xmpp_node_get_n_children (node);
  for (guint i = 0; i < n; i++)
    {
      XmppNode *child = xmpp_node_get_child_at (node, i);
      guint32 id = 0;

      if (!xmpp_node_is (child, "device", NS))
        continue;
      if (ids->len == NATTER_OMEMO_MAX_DEVICES)
        {
          malformed (error, _("The device list has more than %u devices"),
                     NATTER_OMEMO_MAX_DEVICES);
          return NULL;
        }
      if (!parse_id (xmpp_node_get_attribute (child, "id"), 1, NATTER_OMEMO_DEVICE_ID_MAX,
                     _("device id"), &id, error))
        return NULL;
      if (g_hash_table_contains (seen, GUINT_TO_POINTER (id)))
        {
          malformed (error, _("The device list names device %u twice"), id);
          return NULL;
        }
      g_hash_table_add (seen, GUINT_TO_POINTER (id));
      g_array_append_val (ids, id);
    }
  return g_steal_pointer (&ids);
}

/**
 * natter_omemo_device_list_to_node:
 * @device_ids: (array length=n_devices): the devices
 * @n_devices: how many
 *
 * Returns: (transfer full): the `<list/>` element to publish
 */
XmppNode *
natter_omemo_device_list_to_node (const guint32 *device_ids,
                                  guint          n_devices)
{
  XmppNode *node = xmpp_node_new ("list", NS);

  g_return_val_if_fail (n_devices == 0 || device_ids != NULL, node);

  for (guint i = 0; i < n_devices; i++)
    set_id (xmpp_node_add_child (node, "device", NULL), "id", device_ids[i]);
  return node;
}
