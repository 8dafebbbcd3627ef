/* test-xmpp-caps.c: XEP-0115 verification strings, the §5.4 checks and the caps cache
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xmpp/xmpp.h"

#define STREAM_OPEN \
  "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' " \
  "from='capulet.lit' version='1.0'>"

#define NS_DISCO "http://jabber.org/protocol/disco#info"
#define QUERY_OPEN "<query xmlns='" NS_DISCO "'>"

/* XEP-0115 §5.2, the simple generation example. */
#define SIMPLE_VER "QgayPKawpkPSDYmwT/WM94uAlu0="
#define SIMPLE_FEATURES \
  "<feature var='http://jabber.org/protocol/caps'/>" \
  "<feature var='http://jabber.org/protocol/disco#info'/>" \
  "<feature var='http://jabber.org/protocol/disco#items'/>" \
  "<feature var='http://jabber.org/protocol/muc'/>"
#define SIMPLE_IDENTITY "<identity category='client' type='pc' name='Exodus 0.9.1'/>"
#define SIMPLE_QUERY QUERY_OPEN SIMPLE_IDENTITY SIMPLE_FEATURES "</query>"

/* XEP-0115 §5.3, the complex generation example, as its disco#info answer
 * shows it.
 */
#define COMPLEX_VER "q07IKJEyjvHSyhy//CH0CxmKi8w="
#define SOFTWAREINFO_FORM \
  "<x xmlns='jabber:x:data' type='result'>" \
  "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>" \
  "<field var='ip_version' type='text-multi'><value>ipv4</value><value>ipv6</value></field>" \
  "<field var='os'><value>Mac</value></field>" \
  "<field var='os_version'><value>10.5.1</value></field>" \
  "<field var='software'><value>Psi</value></field>" \
  "<field var='software_version'><value>0.11</value></field>" \
  "</x>"
#define COMPLEX_QUERY \
  "<query xmlns='" NS_DISCO "' node='http://psi-im.org#" COMPLEX_VER "'>" \
  "<identity xml:lang='en' category='client' name='Psi 0.11' type='pc'/>" \
  "<identity xml:lang='el' category='client' name='&#936; 0.11' type='pc'/>" \
  SIMPLE_FEATURES SOFTWAREINFO_FORM \
  "</query>"

/* The same, every list turned around. */
#define COMPLEX_QUERY_SHUFFLED \
  QUERY_OPEN \
  "<feature var='http://jabber.org/protocol/muc'/>" \
  "<x xmlns='jabber:x:data' type='result'>" \
  "<field var='software_version'><value>0.11</value></field>" \
  "<field var='software'><value>Psi</value></field>" \
  "<field var='os_version'><value>10.5.1</value></field>" \
  "<field var='os'><value>Mac</value></field>" \
  "<field var='ip_version' type='text-multi'><value>ipv6</value><value>ipv4</value></field>" \
  "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:dataforms:softwareinfo</value></field>" \
  "</x>" \
  "<feature var='http://jabber.org/protocol/disco#items'/>" \
  "<identity xml:lang='el' category='client' name='&#936; 0.11' type='pc'/>" \
  "<feature var='http://jabber.org/protocol/disco#info'/>" \
  "<identity category='client' xml:lang='en' type='pc' name='Psi 0.11'/>" \
  "<feature var='http://jabber.org/protocol/caps'/>" \
  "</query>"

static void
stanza_cb (XmppReader *reader,
           XmppNode   *stanza,
           gpointer    user_data)
{
  XmppNode **out = user_data;

  g_assert_null (*out);
  *out = xmpp_node_ref (stanza);
}

/* Parses @xml, one top-level element, with the engine's own reader. */
static XmppNode *
parse (const char *xml)
{
  static const XmppReaderCallbacks callbacks = { NULL, stanza_cb, NULL };
  g_autoptr(XmppReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  XmppNode *node = NULL;

  reader = xmpp_reader_new (&callbacks, &node, NULL);
  xmpp_reader_feed (reader, STREAM_OPEN, strlen (STREAM_OPEN), &error);
  g_assert_no_error (error);
  xmpp_reader_feed (reader, xml, strlen (xml), &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);
  g_assert_finalize_object (g_steal_pointer (&reader));

  return node;
}

/* The verification string of @xml by the strict path, or NULL with @error. */
static char *
ver_of (const char  *xml,
        GError     **error)
{
  g_autoptr(XmppNode) query = parse (xml);
  g_autoptr(XmppDiscoInfo) info = NULL;
  char *ver = NULL;

  info = xmpp_caps_parse_query (query, &ver, error);
  g_assert_true ((info == NULL) == (ver == NULL));
  return ver;
}

/* The verification string of @xml through the lenient parser. */
static char *
lenient_ver_of (const char *xml)
{
  g_autoptr(XmppNode) query = parse (xml);
  g_autoptr(XmppDiscoInfo) info = NULL;
  g_autoptr(GError) error = NULL;

  info = xmpp_disco_info_new_from_query (query, &error);
  g_assert_no_error (error);
  return xmpp_caps_compute_ver (info);
}

static void
assert_ver (const char *xml,
            const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ver = ver_of (xml, &error);

  g_assert_no_error (error);
  g_assert_cmpstr (ver, ==, expected);
}

static void
assert_ill_formed (const char *xml)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ver = ver_of (xml, &error);

  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA);
  g_assert_null (ver);
}

static void
test_ver_simple_example (void)
{
  static const XmppDiscoIdentity identity = { (char *) "client", (char *) "pc",
                                              (char *) "Exodus 0.9.1", NULL };
  static const char * const features[] = {
    "http://jabber.org/protocol/disco#info",
    "http://jabber.org/protocol/muc",
    "http://jabber.org/protocol/disco#items",
    "http://jabber.org/protocol/caps",
    NULL
  };
  g_autoptr(XmppDiscoInfo) info = xmpp_disco_info_new (&identity, 1, features);
  g_autofree char *ver = xmpp_caps_compute_ver (info);

  g_assert_cmpstr (ver, ==, SIMPLE_VER);
  assert_ver (SIMPLE_QUERY, SIMPLE_VER);
}

static void
test_ver_complex_example (void)
{
  g_autoptr(XmppNode) query = parse (COMPLEX_QUERY);
  g_autoptr(XmppDiscoInfo) info = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *ver = NULL;
  const XmppDiscoIdentity *identities;
  const XmppDiscoForm *forms;
  const char * const *values;
  guint n;

  info = xmpp_caps_parse_query (query, &ver, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ver, ==, COMPLEX_VER);

  /* §5.3 step 3: sorted by lang, so el (Ψ) before en. */
  identities = xmpp_disco_info_get_identities (info, &n);
  g_assert_cmpuint (n, ==, 2);
  g_assert_cmpstr (identities[0].lang, ==, "el");
  g_assert_cmpstr (identities[0].name, ==, "\xce\xa8 0.11");
  g_assert_cmpstr (identities[1].lang, ==, "en");

  forms = xmpp_disco_info_get_forms (info, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (forms[0].form_type, ==, "urn:xmpp:dataforms:softwareinfo");
  g_assert_cmpuint (forms[0].n_fields, ==, 5);
  values = xmpp_disco_info_get_form_values (info, "urn:xmpp:dataforms:softwareinfo", "ip_version");
  g_assert_nonnull (values);
  g_assert_cmpstr (values[0], ==, "ipv4");
  g_assert_cmpstr (values[1], ==, "ipv6");
  g_assert_null (values[2]);
  g_assert_null (xmpp_disco_info_get_form_values (info, "urn:xmpp:dataforms:softwareinfo",
                                                  "FORM_TYPE"));
  g_assert_null (xmpp_disco_info_get_form_values (info, "urn:other", "os"));
}

static void
test_ver_independent_of_order (void)
{
  assert_ver (COMPLEX_QUERY_SHUFFLED, COMPLEX_VER);
  assert_ver (QUERY_OPEN
              "<feature var='http://jabber.org/protocol/muc'/>"
              "<feature var='http://jabber.org/protocol/disco#items'/>"
              "<feature var='http://jabber.org/protocol/disco#info'/>"
              SIMPLE_IDENTITY
              "<feature var='http://jabber.org/protocol/caps'/>"
              "</query>",
              SIMPLE_VER);
}

/* i;octet is byte order, not a locale's: "Z" < "a" < "é". */
static void
test_ver_sorts_by_octet (void)
{
  static const XmppDiscoIdentity identity = { (char *) "client", (char *) "pc", NULL, NULL };
  static const char * const features[] = { "\xc3\xa9", "a", "Z", NULL };
  g_autoptr(XmppDiscoInfo) info = xmpp_disco_info_new (&identity, 1, features);
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  const char *s = "client/pc//<Z<a<\xc3\xa9<";
  guint8 digest[20];
  gsize length = sizeof digest;
  g_autofree char *expected = NULL;
  g_autofree char *ver = NULL;
  const char * const *sorted = xmpp_disco_info_get_features (info);

  g_assert_cmpstr (sorted[0], ==, "Z");
  g_assert_cmpstr (sorted[1], ==, "a");
  g_assert_cmpstr (sorted[2], ==, "\xc3\xa9");

  g_checksum_update (sha1, (const guchar *) s, strlen (s));
  g_checksum_get_digest (sha1, digest, &length);
  expected = g_base64_encode (digest, length);
  ver = xmpp_caps_compute_ver (info);
  g_assert_cmpstr (ver, ==, expected);
}

/* §5.4 steps 3.3 and 3.4: a repeated identity or feature makes the answer
 * ill-formed for caps, although the lenient parser simply drops the copy
 * (and so would hash it to the ver of the clean answer).
 */
static void
test_duplicates_are_ill_formed (void)
{
  const char *double_feature =
    QUERY_OPEN SIMPLE_IDENTITY SIMPLE_FEATURES
    "<feature var='http://jabber.org/protocol/muc'/></query>";
  const char *double_identity =
    QUERY_OPEN SIMPLE_IDENTITY SIMPLE_IDENTITY SIMPLE_FEATURES "</query>";
  g_autofree char *lenient_feature = lenient_ver_of (double_feature);
  g_autofree char *lenient_identity = lenient_ver_of (double_identity);

  assert_ill_formed (double_feature);
  assert_ill_formed (double_identity);
  g_assert_cmpstr (lenient_feature, ==, SIMPLE_VER);
  g_assert_cmpstr (lenient_identity, ==, SIMPLE_VER);

  /* Same category/type/lang with another name is a different identity. */
  assert_ver (QUERY_OPEN SIMPLE_IDENTITY
              "<identity category='client' type='pc' name='Exodus 0.9.2'/>"
              SIMPLE_FEATURES "</query>",
              "F8fopO1Xmr63jIibPJg46Lug+20=");
}

static void
test_duplicates_dropped_by_lenient_parser (void)
{
  g_autoptr(XmppNode) query = parse (QUERY_OPEN SIMPLE_IDENTITY SIMPLE_IDENTITY
                                     "<identity category='client' type='pc' "
                                     "name='Exodus 0.9.1' xml:lang=''/>"
                                     SIMPLE_FEATURES SIMPLE_FEATURES "</query>");
  g_autoptr(XmppDiscoInfo) info = xmpp_disco_info_new_from_query (query, NULL);
  const char * const *features = xmpp_disco_info_get_features (info);
  guint n_identities;

  xmpp_disco_info_get_identities (info, &n_identities);
  g_assert_cmpuint (n_identities, ==, 1);
  g_assert_cmpuint (g_strv_length ((GStrv) features), ==, 4);
  g_assert_true (xmpp_disco_info_has_feature (info, "http://jabber.org/protocol/muc"));
  g_assert_false (xmpp_disco_info_has_feature (info, "http://jabber.org/protocol/mu"));
  g_assert_false (xmpp_disco_info_has_feature (info, "urn:xmpp:mam:2"));
  g_assert_true (xmpp_disco_info_has_identity (info, "client", "pc"));
  g_assert_true (xmpp_disco_info_has_identity (info, "client", NULL));
  g_assert_false (xmpp_disco_info_has_identity (info, "client", "phone"));
}

#define FIELD(var, value) "<field var='" var "'><value>" value "</value></field>"
#define FORM(form_type_field, rest) \
  "<x xmlns='jabber:x:data' type='result'>" form_type_field rest "</x>"
#define HIDDEN_TYPE(v) "<field var='FORM_TYPE' type='hidden'><value>" v "</value></field>"
#define SIMPLE_WITH(extra) QUERY_OPEN SIMPLE_IDENTITY SIMPLE_FEATURES extra "</query>"

/* §5.4 step 3.5 and 3.6, plus our own additions. */
static void
test_malformed_forms (void)
{
  g_autofree char *with_form = NULL;
  g_autofree char *lenient = NULL;

  /* Ignored forms (step 3.6): FORM_TYPE not hidden, missing, or empty. */
  assert_ver (SIMPLE_WITH (FORM ("<field var='FORM_TYPE'><value>urn:x</value></field>",
                                 "<field var='a'><value>1</value></field>")),
              SIMPLE_VER);
  assert_ver (SIMPLE_WITH (FORM ("<field var='FORM_TYPE' type='text-single'>"
                                 "<value>urn:x</value></field>",
                                 FIELD ("a", "1"))),
              SIMPLE_VER);
  assert_ver (SIMPLE_WITH (FORM ("", "<field var='a'><value>1</value></field>")), SIMPLE_VER);
  assert_ver (SIMPLE_WITH (FORM ("<field var='FORM_TYPE' type='hidden'/>", "")), SIMPLE_VER);
  /* An ignored form is not examined: its oddities do not matter. */
  assert_ver (SIMPLE_WITH (FORM ("<field var='FORM_TYPE'><value>urn:x</value></field>",
                                 "<field var='a'><value>1&lt;</value></field>"
                                 "<field var='a'><value>2</value></field>")),
              SIMPLE_VER);

  /* A hidden FORM_TYPE counts, and the same value twice is one value. */
  with_form = ver_of (SIMPLE_WITH (FORM (HIDDEN_TYPE ("urn:x"), FIELD ("a", "1"))), NULL);
  g_assert_nonnull (with_form);
  g_assert_cmpstr (with_form, !=, SIMPLE_VER);
  assert_ver (SIMPLE_WITH (FORM ("<field var='FORM_TYPE' type='hidden'><value>urn:x</value>"
                                 "<value>urn:x</value></field>",
                                 "<field var='a'><value>1</value></field>")),
              with_form);
  /* Fields without var (fixed text) are not hashed. */
  assert_ver (SIMPLE_WITH (FORM (HIDDEN_TYPE ("urn:x"),
                                 "<field type='fixed'><value>note</value></field>"
                                 "<field var='a'><value>1</value></field>")),
              with_form);

  /* Ill-formed (step 3.5): two FORM_TYPE values, two forms of one type. */
  assert_ill_formed (SIMPLE_WITH (FORM ("<field var='FORM_TYPE' type='hidden'><value>urn:x</value>"
                                        "<value>urn:y</value></field>", "")));
  assert_ill_formed (SIMPLE_WITH (FORM (HIDDEN_TYPE ("urn:x"), "")
                                  FORM (HIDDEN_TYPE ("urn:x"), "")));
  assert_ill_formed (SIMPLE_WITH (FORM (HIDDEN_TYPE ("urn:x"), "")
                                  FORM (FIELD ("FORM_TYPE", "urn:x"), "")));
  /* The lenient parser keeps the first of two such forms. */
  lenient = lenient_ver_of (SIMPLE_WITH (FORM (HIDDEN_TYPE ("urn:x"), FIELD ("a", "1"))
                                         FORM (HIDDEN_TYPE ("urn:x"), FIELD ("b", "2"))));
  g_assert_cmpstr (lenient, ==, with_form);

  /* Ours: a repeated field would make the hash depend on field order. */
  assert_ill_formed (SIMPLE_WITH (FORM (HIDDEN_TYPE ("urn:x"),
                                        "<field var='a'><value>1</value></field>"
                                        "<field var='a'><value>2</value></field>")));
}

static void
test_ill_formed_parts (void)
{
  /* Identities need category and type, features need var (XEP-0030). */
  assert_ill_formed (QUERY_OPEN "<identity category='client'/>" SIMPLE_FEATURES "</query>");
  assert_ill_formed (QUERY_OPEN "<identity type='pc'/>" SIMPLE_FEATURES "</query>");
  assert_ill_formed (SIMPLE_WITH ("<feature/>"));
  assert_ill_formed (SIMPLE_WITH ("<feature var=''/>"));

  /* '<' would let "a<b" pass for the two features "a" and "b". */
  assert_ill_formed (SIMPLE_WITH ("<feature var='urn:a&lt;urn:b'/>"));
  assert_ill_formed (QUERY_OPEN "<identity category='client' type='pc' name='x&lt;y'/>"
                     SIMPLE_FEATURES "</query>");
  assert_ill_formed (SIMPLE_WITH (FORM (HIDDEN_TYPE ("urn:x&lt;"), "")));
  assert_ill_formed (SIMPLE_WITH (FORM (HIDDEN_TYPE ("urn:x"), FIELD ("a", "&lt;"))));

  /* Not a disco#info query at all. */
  assert_ill_formed ("<query xmlns='http://jabber.org/protocol/disco#items'/>");

  /* Other children are neither hashed nor a reason to refuse. */
  assert_ver (SIMPLE_WITH ("<unknown xmlns='urn:x'/>"), SIMPLE_VER);
}

static void
test_info_roundtrip (void)
{
  g_autoptr(XmppNode) query = parse (COMPLEX_QUERY);
  g_autoptr(XmppDiscoInfo) info = xmpp_disco_info_new_from_query (query, NULL);
  g_autoptr(XmppNode) written = xmpp_disco_info_to_query (info, "urn:node");
  g_autofree char *text = xmpp_node_to_string (written);
  g_autoptr(XmppNode) reparsed = parse (text);
  g_autoptr(XmppDiscoInfo) again = xmpp_disco_info_new_from_query (reparsed, NULL);
  g_autoptr(XmppNode) simple = parse (SIMPLE_QUERY);
  g_autoptr(XmppDiscoInfo) other = xmpp_disco_info_new_from_query (simple, NULL);
  g_autofree char *ver = xmpp_caps_compute_ver (again);

  g_assert_cmpstr (xmpp_node_get_attribute (reparsed, "node"), ==, "urn:node");
  g_assert_true (xmpp_disco_info_equal (info, again));
  g_assert_false (xmpp_disco_info_equal (info, other));
  g_assert_false (xmpp_disco_info_equal (info, NULL));
  g_assert_true (xmpp_disco_info_equal (NULL, NULL));
  g_assert_cmpstr (ver, ==, COMPLEX_VER);
}

/* ------------------------------------------------------------------------ */

typedef struct
{
  XmppClient *client;
  XmppDisco  *disco;
  XmppCaps   *caps;
  guint       cached;
  char       *cached_ver;
} Fixture;

static void
cached_cb (XmppCaps      *caps,
           const char    *ver,
           XmppDiscoInfo *info,
           gpointer       user_data)
{
  Fixture *fixture = user_data;
  g_autofree char *computed = xmpp_caps_compute_ver (info);

  g_assert_cmpstr (computed, ==, ver);
  fixture->cached++;
  g_free (fixture->cached_ver);
  fixture->cached_ver = g_strdup (ver);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(XmppJid) jid = xmpp_jid_new ("juliet@capulet.lit", NULL);

  fixture->client = xmpp_client_new (jid);
  fixture->disco = xmpp_disco_new (fixture->client);
  fixture->caps = xmpp_caps_new (fixture->disco);
  g_signal_connect (fixture->caps, "cached", G_CALLBACK (cached_cb), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_assert_finalize_object (fixture->caps);
  g_assert_finalize_object (fixture->disco);
  g_assert_finalize_object (fixture->client);
  g_free (fixture->cached_ver);
}

static void
test_cache_refuses_poisoned_answer (Fixture       *fixture,
                                    gconstpointer  data)
{
  /* Announced the simple ver, answered with one more feature. */
  g_autoptr(XmppNode) poisoned = parse (SIMPLE_WITH ("<feature var='urn:xmpp:evil'/>"));
  /* Repeats a feature, so that the lenient reading hashes right. */
  g_autoptr(XmppNode) duplicated =
    parse (SIMPLE_WITH ("<feature var='http://jabber.org/protocol/muc'/>"));
  g_autoptr(XmppNode) honest = parse (SIMPLE_QUERY);
  g_autoptr(GError) error = NULL;

  g_assert_false (xmpp_caps_add_query_result (fixture->caps, SIMPLE_VER, poisoned, &error));
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA);
  g_clear_error (&error);
  g_assert_false (xmpp_caps_add_query_result (fixture->caps, SIMPLE_VER, duplicated, &error));
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA);
  g_clear_error (&error);
  g_assert_null (xmpp_caps_lookup (fixture->caps, SIMPLE_VER));
  g_assert_cmpuint (xmpp_caps_get_n_cached (fixture->caps), ==, 0);
  g_assert_cmpuint (fixture->cached, ==, 0);

  /* An honest answer for another ver is no better. */
  g_assert_false (xmpp_caps_add_query_result (fixture->caps, COMPLEX_VER, honest, &error));
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA);
  g_clear_error (&error);
  g_assert_null (xmpp_caps_lookup (fixture->caps, COMPLEX_VER));

  g_assert_true (xmpp_caps_add_query_result (fixture->caps, SIMPLE_VER, honest, &error));
  g_assert_no_error (error);
  g_assert_nonnull (xmpp_caps_lookup (fixture->caps, SIMPLE_VER));
  g_assert_true (xmpp_disco_info_has_feature (xmpp_caps_lookup (fixture->caps, SIMPLE_VER),
                                              "http://jabber.org/protocol/muc"));
  g_assert_cmpuint (fixture->cached, ==, 1);
  g_assert_cmpstr (fixture->cached_ver, ==, SIMPLE_VER);

  /* A later poisoned answer does not replace the verified entry. */
  g_assert_false (xmpp_caps_add_query_result (fixture->caps, SIMPLE_VER, poisoned, NULL));
  g_assert_false (xmpp_disco_info_has_feature (xmpp_caps_lookup (fixture->caps, SIMPLE_VER),
                                               "urn:xmpp:evil"));
  g_assert_cmpuint (xmpp_caps_get_n_cached (fixture->caps), ==, 1);
  g_assert_cmpuint (fixture->cached, ==, 1);
}

static void
test_cache_insert_verifies (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(XmppNode) query = parse (COMPLEX_QUERY);
  g_autoptr(XmppDiscoInfo) info = xmpp_disco_info_new_from_query (query, NULL);

  /* A stored row whose ver was tampered with. */
  g_assert_false (xmpp_caps_insert (fixture->caps, SIMPLE_VER, info));
  g_assert_null (xmpp_caps_lookup (fixture->caps, SIMPLE_VER));

  g_assert_true (xmpp_caps_insert (fixture->caps, COMPLEX_VER, info));
  g_assert_true (xmpp_caps_lookup (fixture->caps, COMPLEX_VER) == info);
  /* Loading is not news: nothing to persist again. */
  g_assert_cmpuint (fixture->cached, ==, 0);
}

static void
test_unknown_resource_has_no_features (Fixture       *fixture,
                                       gconstpointer  data)
{
  g_autoptr(XmppJid) romeo = xmpp_jid_new ("romeo@montague.lit/orchard", NULL);

  g_assert_null (xmpp_caps_get_info (fixture->caps, romeo));
  g_assert_null (xmpp_caps_get_ver (fixture->caps, romeo));
  g_assert_false (xmpp_caps_has_feature (fixture->caps, romeo, "http://jabber.org/protocol/caps"));
}

static void
test_own_caps_on_presence (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(XmppNode) presence = xmpp_node_new ("presence", "jabber:client");
  g_autoptr(XmppDiscoInfo) own = xmpp_disco_dup_own_info (fixture->disco);
  g_autofree char *ver = xmpp_caps_dup_own_ver (fixture->caps);
  g_autofree char *expected = xmpp_caps_compute_ver (own);
  g_autofree char *changed = NULL;
  const XmppDiscoIdentity *identities;
  XmppNode *c;
  guint n;

  identities = xmpp_disco_info_get_identities (own, &n);
  g_assert_cmpuint (n, ==, 1);
  g_assert_cmpstr (identities[0].category, ==, "client");
  g_assert_cmpstr (identities[0].type, ==, "pc");
  g_assert_cmpstr (identities[0].name, ==, "Natter");
  g_assert_true (xmpp_disco_info_has_feature (own, "http://jabber.org/protocol/caps"));
  g_assert_true (xmpp_disco_info_has_feature (own, "http://jabber.org/protocol/disco#info"));
  g_assert_true (xmpp_disco_info_has_feature (own, "http://jabber.org/protocol/disco#items"));
  g_assert_cmpstr (ver, ==, expected);
  g_assert_cmpuint (strlen (ver), ==, 28);

  /* An old <c/> is replaced, not repeated. */
  xmpp_node_add_child_with_attributes (presence, "c", XMPP_NS_CAPS, "ver", "stale", NULL);
  xmpp_caps_add_to_presence (fixture->caps, presence);
  c = xmpp_node_get_child (presence, "c", XMPP_NS_CAPS);
  g_assert_nonnull (c);
  g_assert_cmpuint (xmpp_node_get_n_children (presence), ==, 1);
  g_assert_cmpstr (xmpp_node_get_attribute (c, "hash"), ==, "sha-1");
  g_assert_cmpstr (xmpp_node_get_attribute (c, "node"), ==, "https://natter.im");
  g_assert_cmpstr (xmpp_node_get_attribute (c, "ver"), ==, ver);

  /* Our own ver is known without asking anyone. */
  g_assert_true (xmpp_disco_info_equal (xmpp_caps_lookup (fixture->caps, ver), own));
  g_assert_cmpuint (fixture->cached, ==, 0);

  /* A new feature is a new ver (§6.1). */
  xmpp_client_add_feature (fixture->client, "urn:xmpp:test:0");
  changed = xmpp_caps_dup_own_ver (fixture->caps);
  g_assert_cmpstr (changed, !=, ver);
  xmpp_caps_add_to_presence (fixture->caps, presence);
  g_assert_cmpuint (xmpp_node_get_n_children (presence), ==, 1);
  c = xmpp_node_get_child (presence, "c", XMPP_NS_CAPS);
  g_assert_cmpstr (xmpp_node_get_attribute (c, "ver"), ==, changed);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/natter/xmpp/caps/ver/simple-example", test_ver_simple_example);
  g_test_add_func ("/natter/xmpp/caps/ver/complex-example", test_ver_complex_example);
  g_test_add_func ("/natter/xmpp/caps/ver/independent-of-order", test_ver_independent_of_order);
  g_test_add_func ("/natter/xmpp/caps/ver/sorts-by-octet", test_ver_sorts_by_octet);
  g_test_add_func ("/natter/xmpp/caps/check/duplicates-are-ill-formed",
                   test_duplicates_are_ill_formed);
  g_test_add_func ("/natter/xmpp/caps/check/malformed-forms", test_malformed_forms);
  g_test_add_func ("/natter/xmpp/caps/check/ill-formed-parts", test_ill_formed_parts);
  g_test_add_func ("/natter/xmpp/disco/info/duplicates-dropped",
                   test_duplicates_dropped_by_lenient_parser);
  g_test_add_func ("/natter/xmpp/disco/info/roundtrip", test_info_roundtrip);
  g_test_add ("/natter/xmpp/caps/cache/refuses-poisoned-answer", Fixture, NULL,
              fixture_set_up, test_cache_refuses_poisoned_answer, fixture_tear_down);
  g_test_add ("/natter/xmpp/caps/cache/insert-verifies", Fixture, NULL,
              fixture_set_up, test_cache_insert_verifies, fixture_tear_down);
  g_test_add ("/natter/xmpp/caps/cache/unknown-resource-has-no-features", Fixture, NULL,
              fixture_set_up, test_unknown_resource_has_no_features, fixture_tear_down);
  g_test_add ("/natter/xmpp/caps/own/on-presence", Fixture, NULL,
              fixture_set_up, test_own_caps_on_presence, fixture_tear_down);

  return g_test_run ();
}
