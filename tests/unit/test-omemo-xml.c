/* test-omemo-xml.c: <encrypted/>, bundles and device lists, read strictly and written back
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "omemo/omemo.h"

#define HEADER "<stream:stream xmlns='jabber:client' " \
  "xmlns:stream='http://etherx.jabber.org/streams'>"
#define AX "xmlns='eu.siacs.conversations.axolotl'"

#define IV12 "AAECAwQFBgcICQoL"
#define IV16 "AAECAwQFBgcICQoLDA0ODw=="
#define PUB1 "BQECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g"
#define PUB2 "BSEiIyQlJicoKSorLC0uLzAxMjM0NTY3ODk6Ozw9Pj9A"
#define PUB3 "BUFCQ0RFRkdISUpLTE1OT1BRUlNUVVZXWFlaW1xdXl9g"
#define SIG64 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g" \
  "ISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+Pw=="
#define SIG63 "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8gISIjJCUmJygpKissLS4vMDEyMzQ1Njc4OTo7PD0+"
#define RAW32 "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA="
#define TYPE6 "BgECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8g"

static void
collect_cb (XmppReader *reader,
            XmppNode   *stanza,
            gpointer    user_data)
{
  XmppNode **out = user_data;

  g_assert_null (*out);
  *out = xmpp_node_ref (stanza);
}

static XmppNode *
parse (const char *xml)
{
  static const XmppReaderCallbacks callbacks = { NULL, collect_cb, NULL };
  g_autoptr(XmppReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strconcat (HEADER, xml, NULL);
  XmppNode *node = NULL;

  reader = xmpp_reader_new (&callbacks, &node, NULL);
  g_assert_true (xmpp_reader_feed (reader, text, strlen (text), &error));
  g_assert_no_error (error);
  g_assert_nonnull (node);
  return node;
}

static void
assert_bytes (GBytes     *bytes,
              const char *base64)
{
  gsize length = 0;
  g_autofree guchar *expected = g_base64_decode (base64, &length);

  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), expected, length);
}

/* <encrypted/> */

static void
test_encrypted_parse (void)
{
  g_autoptr(XmppNode) node = parse (
    "<encrypted " AX ">"
    "<header sid='27183'>"
    "<key rid='31415' prekey='true'>MwgBEiEF\n  AAAA</key>"
    "<key rid='2147483647'>MwgBEiEFAAAA</key>"
    "<key rid='1' prekey='1'>AAAA</key>"
    "<key rid='7' prekey='false'>AAAA</key>"
    "<iv>" IV12 "</iv>"
    "<unknown-extension/>"
    "</header>"
    "<payload>aGVsbG8=</payload>"
    "<store xmlns='urn:xmpp:hints'/>"
    "</encrypted>");
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterOmemoEncrypted) encrypted = natter_omemo_encrypted_parse (node, &error);
  g_autoptr(XmppNode) written = NULL;
  g_autoptr(NatterOmemoEncrypted) again = NULL;
  NatterOmemoKey *key;

  g_assert_no_error (error);
  g_assert_cmpuint (encrypted->sid, ==, 27183);
  g_assert_cmpuint (encrypted->keys->len, ==, 4);
  key = g_ptr_array_index (encrypted->keys, 0);
  g_assert_cmpuint (key->rid, ==, 31415);
  g_assert_true (key->prekey);
  assert_bytes (key->data, "MwgBEiEFAAAA");
  key = natter_omemo_encrypted_find_key (encrypted, 2147483647);
  g_assert_nonnull (key);
  g_assert_false (key->prekey);
  g_assert_true (natter_omemo_encrypted_find_key (encrypted, 1)->prekey);
  g_assert_false (natter_omemo_encrypted_find_key (encrypted, 7)->prekey);
  g_assert_null (natter_omemo_encrypted_find_key (encrypted, 2));
  assert_bytes (encrypted->iv, IV12);
  assert_bytes (encrypted->payload, "aGVsbG8=");

  /* Written and read again, it is the same. */
  written = natter_omemo_encrypted_to_node (encrypted);
  again = natter_omemo_encrypted_parse (written, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->sid, ==, encrypted->sid);
  g_assert_cmpuint (again->keys->len, ==, 4);
  for (guint i = 0; i < 4; i++)
    {
      NatterOmemoKey *a = g_ptr_array_index (encrypted->keys, i);
      NatterOmemoKey *b = g_ptr_array_index (again->keys, i);

      g_assert_cmpuint (a->rid, ==, b->rid);
      g_assert_cmpint (a->prekey, ==, b->prekey);
      g_assert_true (g_bytes_equal (a->data, b->data));
    }
  g_assert_true (g_bytes_equal (again->iv, encrypted->iv));
  g_assert_true (g_bytes_equal (again->payload, encrypted->payload));
  {
    g_autofree char *xml = xmpp_node_to_string (written);

    g_test_message ("%s", xml);
    g_assert_nonnull (strstr (xml, "prekey"));
    g_assert_null (strstr (xml, "unknown-extension"));
  }
}

static void
test_encrypted_key_transport_and_16_byte_iv (void)
{
  g_autoptr(XmppNode) node = parse ("<encrypted " AX "><header sid='5'><key rid='6'>AAAA</key>"
                                    "<iv>" IV16 "</iv></header></encrypted>");
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterOmemoEncrypted) encrypted = natter_omemo_encrypted_parse (node, &error);

  g_assert_no_error (error);
  g_assert_null (encrypted->payload);
  g_assert_cmpuint (g_bytes_get_size (encrypted->iv), ==, 16);
}

static void
test_encrypted_malformed (void)
{
  g_autofree char *many_keys = NULL;
  g_autofree char *big_payload = NULL;
  g_autofree char *big_key = NULL;
  const char *cases[] = {
    /* Not the element. */
    "<encrypted xmlns='urn:xmpp:omemo:2'><header sid='1'><key rid='2'>AAAA</key>"
    "<iv>" IV12 "</iv></header></encrypted>",
    "<crypted " AX "><header sid='1'><key rid='2'>AAAA</key><iv>" IV12 "</iv></header></crypted>",
    /* Headers. */
    "<encrypted " AX "><payload>AAAA</payload></encrypted>",
    "<encrypted " AX "><header sid='1'><key rid='2'>AAAA</key><iv>" IV12 "</iv></header>"
    "<header sid='1'><key rid='2'>AAAA</key><iv>" IV12 "</iv></header></encrypted>",
    /* Sending device ids. */
    "<encrypted " AX "><header><key rid='2'>AAAA</key><iv>" IV12 "</iv></header></encrypted>",
    "<encrypted " AX "><header sid=''><key rid='2'>AAAA</key><iv>" IV12 "</iv></header>"
    "</encrypted>",
    "<encrypted " AX "><header sid='0'><key rid='2'>AAAA</key><iv>" IV12 "</iv></header>"
    "</encrypted>",
    "<encrypted " AX "><header sid='2147483648'><key rid='2'>AAAA</key><iv>" IV12 "</iv>"
    "</header></encrypted>",
    "<encrypted " AX "><header sid='4294967297'><key rid='2'>AAAA</key><iv>" IV12 "</iv>"
    "</header></encrypted>",
    "<encrypted " AX "><header sid='99999999999'><key rid='2'>AAAA</key><iv>" IV12 "</iv>"
    "</header></encrypted>",
    "<encrypted " AX "><header sid='-1'><key rid='2'>AAAA</key><iv>" IV12 "</iv></header>"
    "</encrypted>",
    "<encrypted " AX "><header sid='+1'><key rid='2'>AAAA</key><iv>" IV12 "</iv></header>"
    "</encrypted>",
    "<encrypted " AX "><header sid=' 1'><key rid='2'>AAAA</key><iv>" IV12 "</iv></header>"
    "</encrypted>",
    "<encrypted " AX "><header sid='1x'><key rid='2'>AAAA</key><iv>" IV12 "</iv></header>"
    "</encrypted>",
    "<encrypted " AX "><header sid='0x10'><key rid='2'>AAAA</key><iv>" IV12 "</iv></header>"
    "</encrypted>",
    /* Keys. */
    "<encrypted " AX "><header sid='1'><iv>" IV12 "</iv></header></encrypted>",
    "<encrypted " AX "><header sid='1'><key>AAAA</key><iv>" IV12 "</iv></header></encrypted>",
    "<encrypted " AX "><header sid='1'><key rid='0'>AAAA</key><iv>" IV12 "</iv></header>"
    "</encrypted>",
    "<encrypted " AX "><header sid='1'><key rid='3000000000'>AAAA</key><iv>" IV12 "</iv>"
    "</header></encrypted>",
    "<encrypted " AX "><header sid='1'><key rid='2'>AAAA</key><key rid='2'>BBBB</key>"
    "<iv>" IV12 "</iv></header></encrypted>",
    "<encrypted " AX "><header sid='1'><key rid='2' prekey='yes'>AAAA</key><iv>" IV12 "</iv>"
    "</header></encrypted>",
    "<encrypted " AX "><header sid='1'><key rid='2'></key><iv>" IV12 "</iv></header></encrypted>",
    "<encrypted " AX "><header sid='1'><key rid='2'>AA$A</key><iv>" IV12 "</iv></header>"
    "</encrypted>",
    "<encrypted " AX "><header sid='1'><key rid='2'>AAA</key><iv>" IV12 "</iv></header>"
    "</encrypted>",
    "<encrypted " AX "><header sid='1'><key rid='2'>A===</key><iv>" IV12 "</iv></header>"
    "</encrypted>",
    "<encrypted " AX "><header sid='1'><key rid='2'>AA=A</key><iv>" IV12 "</iv></header>"
    "</encrypted>",
    "<encrypted " AX "><header sid='1'><key rid='2'>AAAA-_AA</key><iv>" IV12 "</iv></header>"
    "</encrypted>",
    /* IVs. */
    "<encrypted " AX "><header sid='1'><key rid='2'>AAAA</key></header></encrypted>",
    "<encrypted " AX "><header sid='1'><key rid='2'>AAAA</key><iv>" IV12 "</iv><iv>" IV12 "</iv>"
    "</header></encrypted>",
    "<encrypted " AX "><header sid='1'><key rid='2'>AAAA</key><iv>AAECAwQFBgc=</iv></header>"
    "</encrypted>",
    "<encrypted " AX "><header sid='1'><key rid='2'>AAAA</key><iv></iv></header></encrypted>",
    "<encrypted " AX "><header sid='1'><key rid='2'>AAAA</key><iv>AAECAwQFBgcICQoLDA0ODxA=</iv>"
    "</header></encrypted>",
    "<encrypted " AX "><header sid='1'><key rid='2'>AAAA</key><iv>" IV12 "!</iv></header>"
    "</encrypted>",
    /* Payloads. */
    "<encrypted " AX "><header sid='1'><key rid='2'>AAAA</key><iv>" IV12 "</iv></header>"
    "<payload></payload></encrypted>",
    "<encrypted " AX "><header sid='1'><key rid='2'>AAAA</key><iv>" IV12 "</iv></header>"
    "<payload>%%%%</payload></encrypted>",
    "<encrypted " AX "><header sid='1'><key rid='2'>AAAA</key><iv>" IV12 "</iv></header>"
    "<payload>AAAA</payload><payload>AAAA</payload></encrypted>",
  };
  GString *xml;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XmppNode) node = parse (cases[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(NatterOmemoEncrypted) encrypted = natter_omemo_encrypted_parse (node, &error);

      g_test_message ("%s → %s", cases[i], error != NULL ? error->message : "(accepted)");
      g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED);
      g_assert_null (encrypted);
      /* The same without anyone asking why. */
      g_assert_null (natter_omemo_encrypted_parse (node, NULL));
    }

  /* Limits: keys, key size, payload size. */
  xml = g_string_new ("<encrypted " AX "><header sid='1'>");
  for (guint i = 1; i <= NATTER_OMEMO_MAX_KEYS + 1; i++)
    g_string_append_printf (xml, "<key rid='%u'>AAAA</key>", i);
  g_string_append (xml, "<iv>" IV12 "</iv></header></encrypted>");
  many_keys = g_string_free (xml, FALSE);

  xml = g_string_new ("<encrypted " AX "><header sid='1'><key rid='2'>");
  for (guint i = 0; i < NATTER_OMEMO_MAX_KEY_BYTES / 3 + 1; i++)
    g_string_append (xml, "AAAA");
  g_string_append (xml, "</key><iv>" IV12 "</iv></header></encrypted>");
  big_key = g_string_free (xml, FALSE);

  xml = g_string_new ("<encrypted " AX "><header sid='1'><key rid='2'>AAAA</key><iv>" IV12
                      "</iv></header><payload>");
  for (guint i = 0; i < NATTER_OMEMO_MAX_PAYLOAD_BYTES / 3 + 1; i++)
    g_string_append (xml, "AAAA");
  g_string_append (xml, "</payload></encrypted>");
  big_payload = g_string_free (xml, FALSE);

  {
    const char *limits[] = { many_keys, big_key, big_payload };

    for (guint i = 0; i < G_N_ELEMENTS (limits); i++)
      {
        g_autoptr(XmppNode) node = parse (limits[i]);
        g_autoptr(GError) error = NULL;
        g_autoptr(NatterOmemoEncrypted) encrypted = natter_omemo_encrypted_parse (node, &error);

        g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED);
        g_test_message ("%s", error->message);
        g_assert_null (encrypted);
      }
  }
}

/* Bundles */

#define BUNDLE(spk, sig, ik, prekeys) \
  "<bundle " AX ">" spk sig ik "<prekeys>" prekeys "</prekeys></bundle>"
#define SPK "<signedPreKeyPublic signedPreKeyId='1'>" PUB1 "</signedPreKeyPublic>"
#define SIG "<signedPreKeySignature>" SIG64 "</signedPreKeySignature>"
#define IK "<identityKey>" PUB2 "</identityKey>"
#define PK(id, key) "<preKeyPublic preKeyId='" id "'>" key "</preKeyPublic>"
#define SPK_WITH(id, key) "<signedPreKeyPublic signedPreKeyId='" id "'>" key "</signedPreKeyPublic>"

static void
test_bundle_parse (void)
{
  g_autoptr(XmppNode) node = parse (BUNDLE (SPK, SIG, IK, PK ("1", PUB3) "\n" PK ("100", PUB1)));
  g_autoptr(GError) error = NULL;
  g_autoptr(NatterOmemoBundle) bundle = natter_omemo_bundle_parse (node, &error);
  g_autoptr(XmppNode) written = NULL;
  g_autoptr(NatterOmemoBundle) again = NULL;
  NatterOmemoPreKeyPublic *pre_key;

  g_assert_no_error (error);
  g_assert_cmpuint (bundle->signed_pre_key_id, ==, 1);
  assert_bytes (bundle->signed_pre_key, PUB1);
  assert_bytes (bundle->signed_pre_key_signature, SIG64);
  assert_bytes (bundle->identity_key, PUB2);
  g_assert_cmpuint (bundle->pre_keys->len, ==, 2);
  pre_key = g_ptr_array_index (bundle->pre_keys, 1);
  g_assert_cmpuint (pre_key->id, ==, 100);
  assert_bytes (pre_key->public_key, PUB1);

  written = natter_omemo_bundle_to_node (bundle);
  again = natter_omemo_bundle_parse (written, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->signed_pre_key_id, ==, 1);
  g_assert_true (g_bytes_equal (again->identity_key, bundle->identity_key));
  g_assert_true (g_bytes_equal (again->signed_pre_key_signature, bundle->signed_pre_key_signature));
  g_assert_cmpuint (again->pre_keys->len, ==, 2);
}

static void
test_bundle_malformed (void)
{
  const char *cases[] = {
    "<bundle xmlns='urn:xmpp:omemo:2'>" SPK SIG IK "<prekeys>" PK ("1", PUB3) "</prekeys></bundle>",
    BUNDLE ("", SIG, IK, PK ("1", PUB3)),
    BUNDLE (SPK SPK, SIG, IK, PK ("1", PUB3)),
    BUNDLE ("<signedPreKeyPublic>" PUB1 "</signedPreKeyPublic>", SIG, IK, PK ("1", PUB3)),
    BUNDLE (SPK_WITH ("x", PUB1), SIG, IK, PK ("1", PUB3)),
    BUNDLE (SPK_WITH ("2147483648", PUB1), SIG, IK, PK ("1", PUB3)),
    BUNDLE (SPK_WITH ("1", RAW32), SIG, IK, PK ("1", PUB3)),
    BUNDLE (SPK_WITH ("1", TYPE6), SIG, IK, PK ("1", PUB3)),
    BUNDLE (SPK, "", IK, PK ("1", PUB3)),
    BUNDLE (SPK, "<signedPreKeySignature>" SIG63 "</signedPreKeySignature>", IK, PK ("1", PUB3)),
    BUNDLE (SPK, "<signedPreKeySignature>" SIG64 "AAAA</signedPreKeySignature>", IK,
            PK ("1", PUB3)),
    BUNDLE (SPK, SIG, "", PK ("1", PUB3)),
    BUNDLE (SPK, SIG, IK IK, PK ("1", PUB3)),
    BUNDLE (SPK, SIG, "<identityKey>" PUB2 "=</identityKey>", PK ("1", PUB3)),
    BUNDLE (SPK, SIG, IK, ""),
    BUNDLE (SPK, SIG, IK, PK ("1", PUB3) PK ("1", PUB1)),
    BUNDLE (SPK, SIG, IK, PK ("", PUB3)),
    BUNDLE (SPK, SIG, IK, PK ("2147483648", PUB3)),
    BUNDLE (SPK, SIG, IK, PK ("1", RAW32)),
    BUNDLE (SPK, SIG, IK, PK ("1", "not base64")),
    "<bundle " AX ">" SPK SIG IK "</bundle>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XmppNode) node = parse (cases[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(NatterOmemoBundle) bundle = natter_omemo_bundle_parse (node, &error);

      g_test_message ("case %u → %s", i, error != NULL ? error->message : "(accepted)");
      g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED);
      g_assert_null (bundle);
      g_assert_null (natter_omemo_bundle_parse (node, NULL));
    }
}

/* Device lists */

static void
test_device_list (void)
{
  g_autoptr(XmppNode) node = parse ("<list " AX "><device id='12345'/><device id='1'/>"
                                    "<device id='2147483647' label='Phone'/><other id='7'/>"
                                    "</list>");
  g_autoptr(XmppNode) empty = parse ("<list " AX "/>");
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = natter_omemo_device_list_parse (node, &error);
  g_autoptr(GArray) none = natter_omemo_device_list_parse (empty, &error);
  g_autoptr(XmppNode) written = NULL;
  g_autoptr(GArray) again = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (ids->len, ==, 3);
  g_assert_cmpuint (g_array_index (ids, guint32, 0), ==, 12345);
  g_assert_cmpuint (g_array_index (ids, guint32, 2), ==, 2147483647);
  g_assert_cmpuint (none->len, ==, 0);

  written = natter_omemo_device_list_to_node ((guint32 *) (void *) ids->data, ids->len);
  again = natter_omemo_device_list_parse (written, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (again->data, again->len * sizeof (guint32),
                   ids->data, ids->len * sizeof (guint32));
}

static void
test_device_list_malformed (void)
{
  g_autofree char *too_many = NULL;
  GString *xml;
  const char *cases[] = {
    "<list xmlns='urn:xmpp:omemo:2'><device id='1'/></list>",
    "<devices " AX "><device id='1'/></devices>",
    "<list " AX "><device/></list>",
    "<list " AX "><device id='0'/></list>",
    "<list " AX "><device id='2147483648'/></list>",
    "<list " AX "><device id='-5'/></list>",
    "<list " AX "><device id='5 '/></list>",
    "<list " AX "><device id='1'/><device id='2'/><device id='1'/></list>",
    NULL,
  };

  xml = g_string_new ("<list " AX ">");
  for (guint i = 1; i <= NATTER_OMEMO_MAX_DEVICES + 1; i++)
    g_string_append_printf (xml, "<device id='%u'/>", i);
  g_string_append (xml, "</list>");
  too_many = g_string_free (xml, FALSE);
  cases[G_N_ELEMENTS (cases) - 1] = too_many;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XmppNode) node = parse (cases[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(GArray) ids = natter_omemo_device_list_parse (node, &error);

      g_test_message ("case %u → %s", i, error != NULL ? error->message : "(accepted)");
      g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED);
      g_assert_null (ids);
      g_assert_null (natter_omemo_device_list_parse (node, NULL));
    }
}

static void
test_base64_strict (void)
{
  struct {
    const char *text;
    gssize length;   /* -1: refused */
  } cases[] = {
    { "aGVsbG8=", 5 },
    { "aGVs\r\nbG8=", 5 },
    { " aGVsbG8= ", 5 },
    { "aGVsbA==", 4 },
    { "aGVs", 3 },
    { "", -1 },
    { "   ", -1 },
    { "aGVsbG8", -1 },
    { "aGVsbG8==", -1 },
    { "aGV=bG8=", -1 },
    { "aGVsbG8=aGVs", -1 },
    { "aGVs===", -1 },
    { "aGVsb===", -1 },
    { "aGVs\tbG8\x01", -1 },
    { "aGVs-_8=", -1 },
    { "aGVs\xc3\xa9", -1 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) bytes = natter_omemo_base64_decode (cases[i].text, 100, "test", &error);

      if (cases[i].length < 0)
        {
          g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED);
          g_assert_null (bytes);
        }
      else
        {
          g_assert_no_error (error);
          g_assert_cmpuint (g_bytes_get_size (bytes), ==, (gsize) cases[i].length);
        }
    }

  /* The size limit counts decoded bytes, padding included. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) at_limit = natter_omemo_base64_decode ("aGVsbG8=", 5, "test", &error);
    g_autoptr(GBytes) over = natter_omemo_base64_decode ("aGVsbG8=", 4, "test", &error);

    g_assert_nonnull (at_limit);
    g_assert_null (over);
    g_assert_error (error, NATTER_OMEMO_ERROR, NATTER_OMEMO_ERROR_MALFORMED);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/natter/omemo/xml/encrypted/parse-and-write", test_encrypted_parse);
  g_test_add_func ("/natter/omemo/xml/encrypted/key-transport-and-16-byte-iv",
                   test_encrypted_key_transport_and_16_byte_iv);
  g_test_add_func ("/natter/omemo/xml/encrypted/malformed", test_encrypted_malformed);
  g_test_add_func ("/natter/omemo/xml/bundle/parse-and-write", test_bundle_parse);
  g_test_add_func ("/natter/omemo/xml/bundle/malformed", test_bundle_malformed);
  g_test_add_func ("/natter/omemo/xml/device-list/parse-and-write", test_device_list);
  g_test_add_func ("/natter/omemo/xml/device-list/malformed", test_device_list_malformed);
  g_test_add_func ("/natter/omemo/xml/base64/strict", test_base64_strict);

  return g_test_run ();
}
