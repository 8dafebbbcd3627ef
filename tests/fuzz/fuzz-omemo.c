/* fuzz-omemo.c: libFuzzer target for the OMEMO parsers: <encrypted/>, bundles and device lists
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The input is the inside of a client stream: the reader turns it into
 * stanzas, and every element anywhere in them that is a legacy OMEMO
 * <encrypted/>, <bundle/> or <list/> goes through its parser.  Whatever
 * the input, nothing crashes; a parser either fails with
 * NATTER_OMEMO_ERROR_MALFORMED or returns a value within every limit
 * (ids in range and distinct, sizes as documented), and writing that
 * value out and parsing it again gives the same value.  The strict base64
 * decoder is also fed each element's text.
 */
#include "config.h"

#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "omemo/omemo.h"
#include "xmpp/xmpp-reader-private.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

#define OPEN "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>"
#define NS XMPP_NS_OMEMO_LEGACY

static void
check_id (guint32 id,
          guint32 min)
{
  g_assert_cmpuint (id, >=, min);
  g_assert_cmpuint (id, <=, NATTER_OMEMO_DEVICE_ID_MAX);
}

static void
check_public_key (GBytes *key)
{
  g_assert_nonnull (key);
  g_assert_cmpuint (g_bytes_get_size (key), ==, 33);
  g_assert_cmpuint (((const guint8 *) g_bytes_get_data (key, NULL))[0], ==, 5);
}

static void
check_encrypted (NatterOmemoEncrypted *encrypted)
{
  g_autoptr(GHashTable) rids = g_hash_table_new (NULL, NULL);
  g_autoptr(XmppNode) written = NULL;
  g_autoptr(NatterOmemoEncrypted) again = NULL;
  g_autoptr(GError) error = NULL;
  gsize iv_length = g_bytes_get_size (encrypted->iv);

  check_id (encrypted->sid, 1);
  g_assert_true (iv_length == 12 || iv_length == 16);
  g_assert_cmpuint (encrypted->keys->len, >=, 1);
  g_assert_cmpuint (encrypted->keys->len, <=, NATTER_OMEMO_MAX_KEYS);
  for (guint i = 0; i < encrypted->keys->len; i++)
    {
      NatterOmemoKey *key = g_ptr_array_index (encrypted->keys, i);

      check_id (key->rid, 1);
      g_assert_false (g_hash_table_contains (rids, GUINT_TO_POINTER (key->rid)));
      g_hash_table_add (rids, GUINT_TO_POINTER (key->rid));
      g_assert_cmpuint (g_bytes_get_size (key->data), >=, 1);
      g_assert_cmpuint (g_bytes_get_size (key->data), <=, NATTER_OMEMO_MAX_KEY_BYTES);
      g_assert_true (natter_omemo_encrypted_find_key (encrypted, key->rid) == key);
    }
  if (encrypted->payload != NULL)
    {
      g_assert_cmpuint (g_bytes_get_size (encrypted->payload), >=, 1);
      g_assert_cmpuint (g_bytes_get_size (encrypted->payload), <=, NATTER_OMEMO_MAX_PAYLOAD_BYTES);
    }

  written = natter_omemo_encrypted_to_node (encrypted);
  again = natter_omemo_encrypted_parse (written, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->sid, ==, encrypted->sid);
  g_assert_true (g_bytes_equal (again->iv, encrypted->iv));
  g_assert_cmpuint (again->keys->len, ==, encrypted->keys->len);
  for (guint i = 0; i < encrypted->keys->len; i++)
    {
      NatterOmemoKey *a = g_ptr_array_index (encrypted->keys, i);
      NatterOmemoKey *b = g_ptr_array_index (again->keys, i);

      g_assert_cmpuint (a->rid, ==, b->rid);
      g_assert_cmpint (a->prekey, ==, b->prekey);
      g_assert_true (g_bytes_equal (a->data, b->data));
    }
  g_assert_true ((again->payload == NULL) == (encrypted->payload == NULL));
  if (encrypted->payload != NULL)
    g_assert_true (g_bytes_equal (again->payload, encrypted->payload));
}

static void
check_bundle (NatterOmemoBundle *bundle)
{
  g_autoptr(GHashTable) ids = g_hash_table_new (NULL, NULL);
  g_autoptr(XmppNode) written = NULL;
  g_autoptr(NatterOmemoBundle) again = NULL;
  g_autoptr(GError) error = NULL;

  check_id (bundle->signed_pre_key_id, 0);
  check_public_key (bundle->signed_pre_key);
  check_public_key (bundle->identity_key);
  g_assert_cmpuint (g_bytes_get_size (bundle->signed_pre_key_signature), ==, 64);
  g_assert_cmpuint (bundle->pre_keys->len, >=, 1);
  g_assert_cmpuint (bundle->pre_keys->len, <=, NATTER_OMEMO_MAX_PRE_KEYS);
  for (guint i = 0; i < bundle->pre_keys->len; i++)
    {
      NatterOmemoPreKeyPublic *pre_key = g_ptr_array_index (bundle->pre_keys, i);

      check_id (pre_key->id, 0);
      check_public_key (pre_key->public_key);
      g_assert_false (g_hash_table_contains (ids, GUINT_TO_POINTER (pre_key->id + 1)));
      g_hash_table_add (ids, GUINT_TO_POINTER (pre_key->id + 1));
    }

  written = natter_omemo_bundle_to_node (bundle);
  again = natter_omemo_bundle_parse (written, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->signed_pre_key_id, ==, bundle->signed_pre_key_id);
  g_assert_true (g_bytes_equal (again->signed_pre_key, bundle->signed_pre_key));
  g_assert_true (g_bytes_equal (again->signed_pre_key_signature,
                                bundle->signed_pre_key_signature));
  g_assert_true (g_bytes_equal (again->identity_key, bundle->identity_key));
  g_assert_cmpuint (again->pre_keys->len, ==, bundle->pre_keys->len);
}

static void
check_device_list (GArray *ids)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (NULL, NULL);
  g_autoptr(XmppNode) written = NULL;
  g_autoptr(GArray) again = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (ids->len, <=, NATTER_OMEMO_MAX_DEVICES);
  for (guint i = 0; i < ids->len; i++)
    {
      guint32 id = g_array_index (ids, guint32, i);

      check_id (id, 1);
      g_assert_false (g_hash_table_contains (seen, GUINT_TO_POINTER (id)));
      g_hash_table_add (seen, GUINT_TO_POINTER (id));
    }
  written = natter_omemo_device_list_to_node ((guint32 *) (void *) ids->data, ids->len);
  again = natter_omemo_device_list_parse (written, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (again->data, again->len * sizeof (guint32), ids->data,
                   ids->len * sizeof (guint32));
}

static void
fuzz_node (XmppNode *node)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) decoded = NULL;
  guint n;

  decoded = natter_omemo_base64_decode (xmpp_node_get_text (node), 4096, "text", &error);
  g_assert_true ((decoded == NULL) == (error != NULL));
  if (decoded != NULL)
    g_assert_cmpuint (g_bytes_get_size (decoded), <=, 4096);
  g_clear_error (&error);

  if (xmpp_node_is (node, "encrypted", NULL))
    {
      g_autoptr(NatterOmemoEncrypted) encrypted = natter_omemo_encrypted_parse (node, &error);

      g_assert_true ((encrypted == NULL) == (error != NULL));
      if (encrypted != NULL)
        {
          g_assert_true (xmpp_node_is (node, "encrypted", NS));
          check_encrypted (encrypted);
        }
      else
        g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED);
      g_clear_error (&error);
    }
  else if (xmpp_node_is (node, "bundle", NULL))
    {
      g_autoptr(NatterOmemoBundle) bundle = natter_omemo_bundle_parse (node, &error);

      g_assert_true ((bundle == NULL) == (error != NULL));
      if (bundle != NULL)
        check_bundle (bundle);
      else
        g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED);
      g_clear_error (&error);
    }
  else if (xmpp_node_is (node, "list", NULL))
    {
      g_autoptr(GArray) ids = natter_omemo_device_list_parse (node, &error);

      g_assert_true ((ids == NULL) == (error != NULL));
      if (ids != NULL)
        check_device_list (ids);
      else
        g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED);
      g_clear_error (&error);
    }

  /* The reader bounds the depth, so recursion is bounded too. */
  n = xmpp_node_get_n_children (node);
  for (guint i = 0; i < n; i++)
    fuzz_node (xmpp_node_get_child_at (node, i));
}

static void
stanza_cb (XmppReader *reader,
           XmppNode   *stanza,
           gpointer    user_data)
{
  fuzz_node (stanza);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  static const XmppReaderCallbacks callbacks = { NULL, stanza_cb, NULL };
  static gboolean initialised;
  g_autoptr(XmppReader) reader = NULL;

  if (!initialised)
    {
      /* Interned names stay for the life of the process; see fuzz-message.c. */
      xmpp_reader_set_intern_budget (0);
      initialised = TRUE;
    }

  reader = xmpp_reader_new (&callbacks, NULL, NULL);
  if (!xmpp_reader_feed (reader, OPEN, strlen (OPEN), NULL))
    g_error ("the stream header does not parse");
  xmpp_reader_feed (reader, (const char *) data, size, NULL);
  return 0;
}
