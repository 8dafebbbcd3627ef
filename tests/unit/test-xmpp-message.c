/* test-xmpp-message.c: message parsing, builders, and the origin rules of carbons and MAM
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The modules run on a client that never connects: stanzas, parsed by the
 * real reader, are fed to their handlers directly.  Tests named after a
 * CVE feed that CVE's attack; see SECURITY.md §1 for the rows cited.  The
 * end-to-end behaviour against Prosody is in
 * tests/integration/test-xmpp-messaging.c.
 */
#include "config.h"

#include <string.h>

#include "xmpp/xmpp.h"
#include "xmpp/xmpp-carbons-private.h"
#include "xmpp/xmpp-mam-private.h"
#include "xmpp/xmpp-message-private.h"

#define HEADER "<stream:stream xmlns='jabber:client' " \
  "xmlns:stream='http://etherx.jabber.org/streams'>"

#define OWN "me@natter.test"
#define OWN_FULL "me@natter.test/desk"
#define ROOM "room@muc.natter.test"
#define PHONE "alice@natter.test/phone"
#define T0 "2020-01-02T03:04:05Z"

/* ------------------------------------------------------------------------
 * Helpers
 * ------------------------------------------------------------------------ */

static void
collect_stanza_cb (XmppReader *reader,
                   XmppNode   *stanza,
                   gpointer    user_data)
{
  XmppNode **out = user_data;

  g_assert_null (*out);
  *out = xmpp_node_ref (stanza);
}

/* Parses one stanza in jabber:client with the real reader. */
static XmppNode *
parse (const char *xml)
{
  static const XmppReaderCallbacks callbacks = { NULL, collect_stanza_cb, NULL };
  g_autoptr(XmppReader) reader = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = g_strconcat (HEADER, xml, NULL);
  XmppNode *stanza = NULL;

  reader = xmpp_reader_new (&callbacks, &stanza, NULL);
  g_assert_true (xmpp_reader_feed (reader, text, strlen (text), &error));
  g_assert_no_error (error);
  g_assert_nonnull (stanza);
  return stanza;
}

static XmppJid *
jid (const char *text)
{
  g_autoptr(GError) error = NULL;
  XmppJid *result = xmpp_jid_new (text, &error);

  g_assert_no_error (error);
  return result;
}

static XmppMessage *
parse_message (const char *xml,
               const char *language)
{
  g_autoptr(XmppNode) stanza = parse (xml);
  g_autoptr(GError) error = NULL;
  XmppMessage *message = xmpp_message_parse (stanza, language, &error);

  g_assert_no_error (error);
  g_assert_nonnull (message);
  return message;
}

static void
assert_jid (XmppJid    *actual,
            const char *expected)
{
  g_assert_nonnull (actual);
  g_assert_cmpstr (xmpp_jid_to_string (actual), ==, expected);
}

static void
assert_stamp (GDateTime  *actual,
              const char *expected)
{
  g_autofree char *text = NULL;

  g_assert_nonnull (actual);
  text = g_date_time_format_iso8601 (actual);
  g_assert_cmpstr (text, ==, expected);
}

/* Whether @time is within a few seconds of now. */
static gboolean
is_about_now (GDateTime *time)
{
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  GTimeSpan difference = g_date_time_difference (now, time);

  return difference >= 0 && difference < 5 * G_TIME_SPAN_SECOND;
}

/* ------------------------------------------------------------------------
 * Parsing
 * ------------------------------------------------------------------------ */

static void
test_parse_every_field (void)
{
  g_autoptr(XmppMessage) m = parse_message (
    "<message from='alice@natter.test/phone' to='" OWN_FULL "' type='chat' id='m-1'>"
    "<body>Hello</body>"
    "<thread>t-7</thread>"
    "<origin-id xmlns='urn:xmpp:sid:0' id='o-1'/>"
    "<stanza-id xmlns='urn:xmpp:sid:0' id='s-own' by='" OWN "'/>"
    "<stanza-id xmlns='urn:xmpp:sid:0' id='s-room' by='" ROOM "'/>"
    "<delay xmlns='urn:xmpp:delay' from='natter.test' stamp='2020-01-02T03:04:05Z'/>"
    "<composing xmlns='http://jabber.org/protocol/chatstates'/>"
    "<request xmlns='urn:xmpp:receipts'/>"
    "<markable xmlns='urn:xmpp:chat-markers:0'/>"
    "<replace xmlns='urn:xmpp:message-correct:0' id='m-0'/>"
    "<encrypted xmlns='eu.siacs.conversations.axolotl'><header sid='1'/></encrypted>"
    "<x xmlns='jabber:x:oob'><url>https://upload.natter.test/a.png</url></x>"
    "</message>", NULL);
  g_autoptr(XmppJid) own = jid (OWN);
  g_autoptr(XmppJid) room = jid (ROOM);
  g_autoptr(XmppJid) own_full = jid (OWN_FULL);
  XmppJid *by = NULL;

  g_assert_cmpint (xmpp_message_get_message_type (m), ==, XMPP_MESSAGE_TYPE_CHAT);
  assert_jid (xmpp_message_get_from (m), "alice@natter.test/phone");
  assert_jid (xmpp_message_get_to (m), OWN_FULL);
  g_assert_cmpstr (xmpp_message_get_id (m), ==, "m-1");
  g_assert_cmpstr (xmpp_message_get_origin_id (m), ==, "o-1");
  g_assert_cmpuint (xmpp_message_get_n_stanza_ids (m), ==, 2);
  g_assert_cmpstr (xmpp_message_get_stanza_id_at (m, 0, &by), ==, "s-own");
  assert_jid (by, OWN);
  g_assert_cmpstr (xmpp_message_get_stanza_id_at (m, 1, &by), ==, "s-room");
  assert_jid (by, ROOM);
  g_assert_cmpstr (xmpp_message_get_stanza_id (m, own), ==, "s-own");
  g_assert_cmpstr (xmpp_message_get_stanza_id (m, room), ==, "s-room");
  g_assert_null (xmpp_message_get_stanza_id (m, own_full));
  g_assert_cmpstr (xmpp_message_get_body (m), ==, "Hello");
  g_assert_cmpstr (xmpp_message_get_thread (m), ==, "t-7");
  assert_stamp (xmpp_message_get_delay (m), "2020-01-02T03:04:05Z");
  assert_jid (xmpp_message_get_delay_from (m), "natter.test");
  g_assert_true (is_about_now (xmpp_message_get_timestamp (m)));
  g_assert_cmpint (xmpp_message_get_chat_state (m), ==, XMPP_CHAT_STATE_COMPOSING);
  g_assert_true (xmpp_message_get_receipt_requested (m));
  g_assert_null (xmpp_message_get_receipt_id (m));
  g_assert_true (xmpp_message_get_markable (m));
  g_assert_cmpint (xmpp_message_get_marker (m), ==, XMPP_CHAT_MARKER_NONE);
  g_assert_null (xmpp_message_get_marker_id (m));
  g_assert_cmpstr (xmpp_message_get_replace_id (m), ==, "m-0");
  g_assert_nonnull (xmpp_message_get_encrypted (m));
  g_assert_true (xmpp_node_is (xmpp_message_get_encrypted (m), "encrypted", XMPP_NS_OMEMO_LEGACY));
  g_assert_nonnull (xmpp_node_get_child (xmpp_message_get_encrypted (m), "header", NULL));
  g_assert_cmpstr (xmpp_message_get_oob_url (m), ==, "https://upload.natter.test/a.png");
  g_assert_null (xmpp_message_get_error_condition (m));
  g_assert_false (xmpp_message_get_muc_private (m));
  g_assert_cmpint (xmpp_message_get_provenance (m), ==, XMPP_MESSAGE_PROVENANCE_LIVE);
  g_assert_null (xmpp_message_get_archive (m));
  g_assert_null (xmpp_message_get_archive_id (m));
  g_assert_null (xmpp_message_get_query_id (m));
  g_assert_true (xmpp_node_is (xmpp_message_get_node (m), "message", XMPP_NS_CLIENT));
}

/* The OMEMO payload outlives the stanza it came in. */
static void
test_parse_encrypted_outlives_stanza (void)
{
  XmppNode *stanza = parse ("<message from='alice@natter.test/phone' type='chat'>"
                            "<encrypted xmlns='eu.siacs.conversations.axolotl'>"
                            "<header sid='7'><key rid='1'>AAAA</key><iv>BBBB</iv></header>"
                            "<payload>CCCC</payload></encrypted></message>");
  g_autoptr(XmppMessage) m = xmpp_message_parse (stanza, NULL, NULL);
  XmppNode *encrypted;

  xmpp_node_unref (stanza);
  encrypted = xmpp_message_get_encrypted (m);
  g_assert_nonnull (encrypted);
  g_assert_cmpstr (xmpp_node_get_child_text (encrypted, "payload", NULL), ==, "CCCC");
  g_assert_cmpstr (xmpp_node_get_attribute (xmpp_node_get_child (encrypted, "header", NULL), "sid"),
                   ==, "7");
}

static void
test_parse_types (void)
{
  static const struct { const char *attr; XmppMessageType type; } cases[] = {
    { "", XMPP_MESSAGE_TYPE_NORMAL },
    { "type='normal'", XMPP_MESSAGE_TYPE_NORMAL },
    { "type='chat'", XMPP_MESSAGE_TYPE_CHAT },
    { "type='groupchat'", XMPP_MESSAGE_TYPE_GROUPCHAT },
    { "type='headline'", XMPP_MESSAGE_TYPE_HEADLINE },
    { "type='error'", XMPP_MESSAGE_TYPE_ERROR },
    { "type='CHAT'", XMPP_MESSAGE_TYPE_NORMAL },
    { "type='bogus'", XMPP_MESSAGE_TYPE_NORMAL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *xml = g_strdup_printf ("<message from='a@natter.test' %s/>", cases[i].attr);
      g_autoptr(XmppMessage) m = parse_message (xml, NULL);

      g_assert_cmpint (xmpp_message_get_message_type (m), ==, cases[i].type);
    }
  g_assert_cmpstr (xmpp_message_type_to_string (XMPP_MESSAGE_TYPE_GROUPCHAT), ==, "groupchat");
  g_assert_cmpstr (xmpp_chat_state_to_string (XMPP_CHAT_STATE_GONE), ==, "gone");
  g_assert_null (xmpp_chat_state_to_string (XMPP_CHAT_STATE_NONE));
}

/* RFC 6121 §5.2.3: several bodies in different languages. */
static void
test_parse_two_bodies (void)
{
  static const struct {
    const char *xml;
    const char *language;
    const char *body;
  } cases[] = {
    /* The first without xml:lang, when no language is preferred. */
    { "<message><body xml:lang='de'>Hallo</body><body>Hello</body></message>", NULL, "Hello" },
    /* The preferred language wins over an unlabelled body. */
    { "<message><body>Hello</body><body xml:lang='de'>Hallo</body></message>", "de", "Hallo" },
    /* Prefix matching both ways, case-insensitively. */
    { "<message><body>Hello</body><body xml:lang='de-AT'>Servus</body></message>", "DE", "Servus" },
    { "<message><body>Hello</body><body xml:lang='de'>Hallo</body></message>", "de-CH", "Hallo" },
    /* Two unlabelled bodies: the first. */
    { "<message><body>one</body><body>two</body></message>", NULL, "one" },
    /* The stanza's own language counts as unlabelled... */
    { "<message xml:lang='fr'><body xml:lang='de'>Hallo</body><body xml:lang='fr'>Salut</body>"
      "</message>",
      NULL, "Salut" },
    /* ...and as the language of its unlabelled bodies. */
    { "<message xml:lang='fr'><body xml:lang='de'>Hallo</body><body>Salut</body></message>",
      "fr", "Salut" },
    /* Nothing fits: the first rather than nothing. */
    { "<message><body xml:lang='de'>Hallo</body><body xml:lang='it'>Ciao</body></message>",
      "en", "Hallo" },
    /* Bodies in other namespaces are not bodies. */
    { "<message><body xmlns='urn:other'>no</body><body>yes</body></message>", NULL, "yes" },
    /* An empty body is an empty string, not no body. */
    { "<message><body/></message>", NULL, "" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XmppMessage) m = parse_message (cases[i].xml, cases[i].language);

      g_assert_cmpstr (xmpp_message_get_body (m), ==, cases[i].body);
    }
}

/* SECURITY row 44: a body is capped, at a character boundary, as UTF-8. */
static void
test_parse_huge_body (void)
{
  g_autoptr(XmppNode) stanza = xmpp_node_build ("message", XMPP_NS_CLIENT,
                                                "from", "a@natter.test", NULL);
  g_autoptr(XmppMessage) m = NULL;
  g_autoptr(GString) body = g_string_new ("x");
  const char *parsed;
  gsize length;

  /* 'x' then 3-byte characters, so the cap falls inside one. */
  while (body->len < 2 * XMPP_MESSAGE_MAX_BODY_BYTES)
    g_string_append (body, "\xe2\x82\xac");
  xmpp_node_add_text_child (stanza, "body", NULL, body->str);

  m = xmpp_message_parse (stanza, NULL, NULL);
  g_assert_nonnull (m);
  parsed = xmpp_message_get_body (m);
  length = strlen (parsed);
  g_assert_cmpuint (length, <=, XMPP_MESSAGE_MAX_BODY_BYTES);
  g_assert_cmpuint (length, >, XMPP_MESSAGE_MAX_BODY_BYTES - 3);
  g_assert_true (g_utf8_validate (parsed, -1, NULL));
  g_assert_cmpmem (parsed, length, body->str, length);

  /* Just at the cap: untouched. */
  {
    g_autoptr(XmppNode) exact = xmpp_node_new ("message", XMPP_NS_CLIENT);
    g_autofree char *text = g_strnfill (XMPP_MESSAGE_MAX_BODY_BYTES, 'y');
    g_autoptr(XmppMessage) m2 = NULL;

    xmpp_node_add_text_child (exact, "body", NULL, text);
    m2 = xmpp_message_parse (exact, NULL, NULL);
    g_assert_cmpstr (xmpp_message_get_body (m2), ==, text);
  }
}

/* A node built in code may hold bytes the reader would never pass. */
static void
test_parse_invalid_utf8 (void)
{
  g_autoptr(XmppNode) stanza = xmpp_node_build ("message", XMPP_NS_CLIENT, "id", "bad\xff", NULL);
  g_autoptr(XmppMessage) m = NULL;

  xmpp_node_add_text_child (stanza, "body", NULL, "ab\xc0\xbc" "cd");
  xmpp_node_add_child_with_attributes (stanza, "origin-id", XMPP_NS_STANZA_ID,
                                       "id", "\xed\xa0\x80", NULL);
  m = xmpp_message_parse (stanza, NULL, NULL);
  g_assert_nonnull (m);
  g_assert_true (g_utf8_validate (xmpp_message_get_body (m), -1, NULL));
  g_assert_true (g_str_has_prefix (xmpp_message_get_body (m), "ab"));
  g_assert_true (g_str_has_suffix (xmpp_message_get_body (m), "cd"));
  g_assert_null (xmpp_message_get_id (m));
  g_assert_null (xmpp_message_get_origin_id (m));
}

/* SECURITY row 27 (CVE-2013-6477): stamps that crashed or reordered. */
static void
test_parse_bad_stamps (void)
{
  static const struct {
    const char *stamp;
    const char *expected;   /* NULL: absent; "now": clamped */
  } cases[] = {
    { "2020-01-02T03:04:05Z", "2020-01-02T03:04:05Z" },
    { "2020-01-02T03:04:05.250Z", "2020-01-02T03:04:05.250000Z" },
    { "2020-01-02T05:04:05+02:00", "2020-01-02T03:04:05Z" },
    { "99999-01-01T00:00:00Z", NULL },
    { "1969-12-31T23:59:59Z", "1969-12-31T23:59:59Z" },
    /* A leap second is read as the second before it. */
    { "2016-12-31T23:59:60Z", "2016-12-31T23:59:59Z" },
    { "2999-01-01T00:00:00Z", "now" },
    { "9999-12-31T23:59:59Z", "now" },
    { "0000-01-01T00:00:00Z", NULL },
    { "2020-13-01T00:00:00Z", NULL },
    { "2020-01-02T03:04:05", NULL },
    { "garbage", NULL },
    { "", NULL },
    { "-2020-01-02T03:04:05Z", NULL },
    { "2020-01-02T03:04:05Z\xc3\xa9", NULL },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *xml = g_strdup_printf ("<message from='a@natter.test'><body>x</body>"
                                              "<delay xmlns='urn:xmpp:delay' stamp='%s'"
                                              " from='natter.test'/>"
                                              "</message>", cases[i].stamp);
      g_autoptr(XmppMessage) m = parse_message (xml, NULL);
      GDateTime *delay = xmpp_message_get_delay (m);

      g_test_message ("stamp %s", cases[i].stamp);
      if (cases[i].expected == NULL)
        {
          g_assert_null (delay);
          g_assert_null (xmpp_message_get_delay_from (m));
        }
      else if (strcmp (cases[i].expected, "now") == 0)
        g_assert_true (is_about_now (delay));
      else
        {
          assert_stamp (delay, cases[i].expected);
          g_assert_cmpint (g_date_time_get_utc_offset (delay), ==, 0);
        }
      /* The filing time never comes from the sender's claim. */
      g_assert_true (is_about_now (xmpp_message_get_timestamp (m)));
    }

  /* A delay with a bad 'from' keeps its stamp, not the sender. */
  {
    g_autoptr(XmppMessage) m = parse_message ("<message><delay xmlns='urn:xmpp:delay' "
                                              "stamp='2020-01-02T03:04:05Z' from='a@b@c'/>"
                                              "</message>",
                                              NULL);

    assert_stamp (xmpp_message_get_delay (m), "2020-01-02T03:04:05Z");
    g_assert_null (xmpp_message_get_delay_from (m));
  }
  /* No stamp at all. */
  {
    g_autoptr(XmppMessage) m = parse_message ("<message><delay xmlns='urn:xmpp:delay'/>"
                                              "</message>", NULL);

    g_assert_null (xmpp_message_get_delay (m));
  }
}

static void
test_parse_missing_ids (void)
{
  g_autofree char *long_id = g_strnfill (XMPP_MESSAGE_MAX_ID_BYTES + 1, 'i');
  g_autofree char *xml = NULL;
  g_autoptr(XmppMessage) bare = parse_message ("<message><body>x</body></message>", NULL);
  g_autoptr(XmppMessage) empty = parse_message (
    "<message id=''><origin-id xmlns='urn:xmpp:sid:0'/>"
    "<stanza-id xmlns='urn:xmpp:sid:0' by='" OWN "'/>"
    "<stanza-id xmlns='urn:xmpp:sid:0' id='no-by'/>"
    "<stanza-id xmlns='urn:xmpp:sid:0' id='bad-by' by='a@b@c'/>"
    "<received xmlns='urn:xmpp:receipts'/>"
    "<displayed xmlns='urn:xmpp:chat-markers:0'/>"
    "<replace xmlns='urn:xmpp:message-correct:0'/>"
    "<thread/></message>", NULL);
  g_autoptr(XmppMessage) too_long = NULL;

  g_assert_null (xmpp_message_get_id (bare));
  g_assert_null (xmpp_message_get_origin_id (bare));
  g_assert_cmpuint (xmpp_message_get_n_stanza_ids (bare), ==, 0);
  g_assert_null (xmpp_message_get_from (bare));
  g_assert_null (xmpp_message_get_to (bare));

  g_assert_null (xmpp_message_get_id (empty));
  g_assert_null (xmpp_message_get_origin_id (empty));
  g_assert_cmpuint (xmpp_message_get_n_stanza_ids (empty), ==, 0);
  g_assert_null (xmpp_message_get_receipt_id (empty));
  g_assert_cmpint (xmpp_message_get_marker (empty), ==, XMPP_CHAT_MARKER_NONE);
  g_assert_null (xmpp_message_get_replace_id (empty));
  g_assert_null (xmpp_message_get_thread (empty));
  g_assert_null (xmpp_message_get_body (empty));

  xml = g_strdup_printf ("<message id='%s'><origin-id xmlns='urn:xmpp:sid:0' id='%s'/></message>",
                         long_id, long_id);
  too_long = parse_message (xml, NULL);
  g_assert_null (xmpp_message_get_id (too_long));
  g_assert_null (xmpp_message_get_origin_id (too_long));
}

/* XEP-0359 §5: at most one stanza-id per 'by'; two make both useless. */
static void
test_parse_duplicate_stanza_ids (void)
{
  g_autoptr(XmppMessage) m = parse_message (
    "<message>"
    "<stanza-id xmlns='urn:xmpp:sid:0' id='forged' by='" OWN "'/>"
    "<stanza-id xmlns='urn:xmpp:sid:0' id='r1' by='" ROOM "'/>"
    "<stanza-id xmlns='urn:xmpp:sid:0' id='real' by='ME@natter.test'/>"
    "<stanza-id xmlns='urn:xmpp:sid:0' id='third' by='" OWN "'/>"
    "</message>", NULL);
  g_autoptr(XmppJid) own = jid (OWN);
  g_autoptr(XmppJid) room = jid (ROOM);

  g_assert_cmpuint (xmpp_message_get_n_stanza_ids (m), ==, 1);
  g_assert_null (xmpp_message_get_stanza_id (m, own));
  g_assert_cmpstr (xmpp_message_get_stanza_id (m, room), ==, "r1");
}

static void
test_parse_chat_states (void)
{
  static const char * const names[] = { "active", "composing", "paused", "inactive", "gone" };

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      g_autofree char *xml = g_strdup_printf ("<message><%s xmlns='" XMPP_NS_CHAT_STATES "'/>"
                                              "</message>", names[i]);
      g_autoptr(XmppMessage) m = parse_message (xml, NULL);

      g_assert_cmpint (xmpp_message_get_chat_state (m), ==, XMPP_CHAT_STATE_ACTIVE + i);
    }
  {
    g_autoptr(XmppMessage) m = parse_message ("<message>"
                                              "<typing xmlns='" XMPP_NS_CHAT_STATES "'/>"
                                              "<paused xmlns='" XMPP_NS_CHAT_STATES "'/>"
                                              "<active xmlns='" XMPP_NS_CHAT_STATES "'/>"
                                              "</message>",
                                              NULL);

    g_assert_cmpint (xmpp_message_get_chat_state (m), ==, XMPP_CHAT_STATE_PAUSED);
  }
  {
    g_autoptr(XmppMessage) m = parse_message ("<message><composing xmlns='urn:other'/>"
                                              "</message>", NULL);

    g_assert_cmpint (xmpp_message_get_chat_state (m), ==, XMPP_CHAT_STATE_NONE);
  }
}

static void
test_parse_receipts_and_markers (void)
{
  static const struct { const char *name; XmppChatMarker marker; } markers[] = {
    { "received", XMPP_CHAT_MARKER_RECEIVED },
    { "displayed", XMPP_CHAT_MARKER_DISPLAYED },
    { "acknowledged", XMPP_CHAT_MARKER_ACKNOWLEDGED },
  };
  g_autoptr(XmppMessage) receipt = parse_message (
    "<message from='bob@natter.test/pc' id='r-1'><received xmlns='urn:xmpp:receipts' id='m-9'/>"
    "</message>", NULL);

  g_assert_cmpstr (xmpp_message_get_receipt_id (receipt), ==, "m-9");
  g_assert_false (xmpp_message_get_receipt_requested (receipt));
  /* The carbons and markers <received/> are other namespaces. */
  g_assert_cmpint (xmpp_message_get_marker (receipt), ==, XMPP_CHAT_MARKER_NONE);

  for (guint i = 0; i < G_N_ELEMENTS (markers); i++)
    {
      g_autofree char *xml = g_strdup_printf ("<message><%s xmlns='urn:xmpp:chat-markers:0'"
                                              " id='m-%u'/>"
                                              "<displayed xmlns='urn:xmpp:chat-markers:0'"
                                              " id='later'/></message>",
                                              markers[i].name, i);
      g_autofree char *id = g_strdup_printf ("m-%u", i);
      g_autoptr(XmppMessage) m = parse_message (xml, NULL);

      g_assert_cmpint (xmpp_message_get_marker (m), ==, markers[i].marker);
      g_assert_cmpstr (xmpp_message_get_marker_id (m), ==, id);
      g_assert_null (xmpp_message_get_receipt_id (m));
      g_assert_false (xmpp_message_get_markable (m));
    }
}

static void
test_parse_error (void)
{
  g_autoptr(XmppMessage) bounce = parse_message (
    "<message from='bob@natter.test' type='error' id='m-3'>"
    "<error type='cancel'><text xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'>Gone</text>"
    "<service-unavailable xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error></message>", NULL);
  g_autoptr(XmppMessage) bare_error = parse_message ("<message type='error'/>", NULL);
  g_autoptr(XmppMessage) not_error = parse_message (
    "<message><error><item-not-found xmlns='urn:ietf:params:xml:ns:xmpp-stanzas'/></error>"
    "</message>", NULL);

  g_assert_cmpint (xmpp_message_get_message_type (bounce), ==, XMPP_MESSAGE_TYPE_ERROR);
  g_assert_cmpstr (xmpp_message_get_error_condition (bounce), ==, "service-unavailable");
  g_assert_cmpstr (xmpp_message_get_error_text (bounce), ==, "Gone");
  g_assert_cmpstr (xmpp_message_get_id (bounce), ==, "m-3");
  g_assert_cmpstr (xmpp_message_get_error_condition (bare_error), ==, "undefined-condition");
  g_assert_null (xmpp_message_get_error_text (bare_error));
  g_assert_null (xmpp_message_get_error_condition (not_error));
}

/* XEP-0045 §7.5; SECURITY row 5. */
static void
test_parse_muc_private (void)
{
  g_autoptr(XmppMessage) pm = parse_message (
    "<message from='" ROOM "/nick' type='chat'><body>psst</body>"
    "<x xmlns='http://jabber.org/protocol/muc#user'/></message>", NULL);
  g_autoptr(XmppMessage) groupchat = parse_message (
    "<message from='" ROOM "/nick' type='groupchat'><body>all</body>"
    "<x xmlns='http://jabber.org/protocol/muc#user'><status code='104'/></x></message>", NULL);

  g_assert_true (xmpp_message_get_muc_private (pm));
  g_assert_false (xmpp_message_get_muc_private (groupchat));
}

static void
test_parse_rejects (void)
{
  static const char * const cases[] = {
    "<presence from='a@natter.test'/>",
    "<message from='a@b@c'><body>x</body></message>",
    "<message to='@natter.test'><body>x</body></message>",
    "<message xmlns='urn:evil'><body>x</body></message>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XmppNode) stanza = parse (cases[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(XmppMessage) m = xmpp_message_parse (stanza, NULL, &error);

      g_assert_null (m);
      g_assert_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA);
    }
}

static void
test_parse_oob_limits (void)
{
  g_autofree char *long_url = g_strnfill (9000, 'u');
  g_autofree char *xml = g_strdup_printf ("<message><x xmlns='jabber:x:oob'><url>%s</url></x>"
                                          "<x xmlns='jabber:x:oob'><url>https://ok</url></x>"
                                          "</message>",
                                          long_url);
  g_autoptr(XmppMessage) m = parse_message (xml, NULL);
  g_autoptr(XmppMessage) empty = parse_message ("<message><x xmlns='jabber:x:oob'><url/></x>"
                                                "</message>", NULL);

  g_assert_cmpstr (xmpp_message_get_oob_url (m), ==, "https://ok");
  g_assert_null (xmpp_message_get_oob_url (empty));
}

/* ------------------------------------------------------------------------
 * Builders
 * ------------------------------------------------------------------------ */

static XmppMessage *
reparse (XmppNode *node)
{
  g_autofree char *xml = xmpp_node_to_string (node);

  return parse_message (xml, NULL);
}

static void
test_build_chat (void)
{
  g_autoptr(XmppJid) bob = jid ("bob@natter.test");
  g_autoptr(XmppNode) node = xmpp_message_build_chat (bob, "0b5bd7a0-53bd-4b7d-9a5f-cf4e3c9e4f1a",
                                                      "Hi <&>");
  g_autoptr(XmppMessage) m = reparse (node);

  g_assert_cmpstr (xmpp_node_get_attribute (node, "type"), ==, "chat");
  assert_jid (xmpp_message_get_to (m), "bob@natter.test");
  g_assert_cmpint (xmpp_message_get_message_type (m), ==, XMPP_MESSAGE_TYPE_CHAT);
  /* SECURITY O1: one UUID as both id and origin-id. */
  g_assert_cmpstr (xmpp_message_get_id (m), ==, "0b5bd7a0-53bd-4b7d-9a5f-cf4e3c9e4f1a");
  g_assert_cmpstr (xmpp_message_get_origin_id (m), ==, "0b5bd7a0-53bd-4b7d-9a5f-cf4e3c9e4f1a");
  g_assert_cmpstr (xmpp_message_get_body (m), ==, "Hi <&>");
  g_assert_true (xmpp_message_get_receipt_requested (m));
  g_assert_true (xmpp_message_get_markable (m));
  g_assert_cmpint (xmpp_message_get_chat_state (m), ==, XMPP_CHAT_STATE_ACTIVE);
  g_assert_null (xmpp_message_get_replace_id (m));
  g_assert_null (xmpp_message_get_from (m));
}

static void
test_build_correction (void)
{
  g_autoptr(XmppJid) bob = jid ("bob@natter.test/pc");
  g_autoptr(XmppNode) node = xmpp_message_build_correction (bob, "new-id", "old-id", "fixed");
  g_autoptr(XmppMessage) m = reparse (node);

  assert_jid (xmpp_message_get_to (m), "bob@natter.test/pc");
  g_assert_cmpstr (xmpp_message_get_id (m), ==, "new-id");
  g_assert_cmpstr (xmpp_message_get_origin_id (m), ==, "new-id");
  g_assert_cmpstr (xmpp_message_get_replace_id (m), ==, "old-id");
  g_assert_cmpstr (xmpp_message_get_body (m), ==, "fixed");
  g_assert_true (xmpp_message_get_receipt_requested (m));
}

static void
test_build_receipt_marker_state (void)
{
  g_autoptr(XmppJid) bob = jid ("bob@natter.test/pc");
  g_autoptr(XmppNode) receipt = xmpp_message_build_receipt (bob, "m-1");
  g_autoptr(XmppNode) displayed = xmpp_message_build_displayed (bob, "m-2");
  g_autoptr(XmppNode) state = xmpp_message_build_chat_state (bob, XMPP_CHAT_STATE_COMPOSING);
  g_autoptr(XmppMessage) r = reparse (receipt);
  g_autoptr(XmppMessage) d = reparse (displayed);
  g_autoptr(XmppMessage) s = reparse (state);
  g_autoptr(XmppNode) receipt2 = xmpp_message_build_receipt (bob, "m-1");

  g_assert_cmpstr (xmpp_message_get_receipt_id (r), ==, "m-1");
  g_assert_null (xmpp_message_get_body (r));
  g_assert_false (xmpp_message_get_receipt_requested (r));
  g_assert_nonnull (xmpp_message_get_id (r));
  /* Each gets an id of its own. */
  g_assert_cmpstr (xmpp_node_get_attribute (receipt2, "id"), !=, xmpp_message_get_id (r));

  g_assert_cmpint (xmpp_message_get_marker (d), ==, XMPP_CHAT_MARKER_DISPLAYED);
  g_assert_cmpstr (xmpp_message_get_marker_id (d), ==, "m-2");
  g_assert_false (xmpp_message_get_markable (d));

  g_assert_cmpint (xmpp_message_get_chat_state (s), ==, XMPP_CHAT_STATE_COMPOSING);
  g_assert_null (xmpp_message_get_body (s));
  g_assert_false (xmpp_message_get_receipt_requested (s));
  assert_jid (xmpp_message_get_to (s), "bob@natter.test/pc");
}

/* ------------------------------------------------------------------------
 * The modules, on a client that never connects
 * ------------------------------------------------------------------------ */

typedef struct
{
  XmppClient   *client;
  XmppMessages *messages;
  XmppCarbons  *carbons;
  XmppMam      *mam;
  GPtrArray    *emitted;   /* XmppMessage */
} Fixture;

static void
message_cb (XmppMessages *messages,
            XmppMessage  *message,
            Fixture      *fixture)
{
  g_ptr_array_add (fixture->emitted, xmpp_message_ref (message));
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(XmppJid) own = jid (OWN_FULL);

  fixture->client = xmpp_client_new (own);
  fixture->messages = xmpp_messages_new (fixture->client, NULL);
  fixture->carbons = xmpp_carbons_new (fixture->messages);
  fixture->mam = xmpp_mam_new (fixture->messages);
  fixture->emitted = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_message_unref);
  g_signal_connect (fixture->messages, "message", G_CALLBACK (message_cb), fixture);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_ptr_array_unref (fixture->emitted);
  g_assert_finalize_object (fixture->carbons);
  g_assert_finalize_object (fixture->mam);
  g_assert_finalize_object (fixture->messages);
  g_assert_finalize_object (fixture->client);
}

static void
feed_carbon (Fixture    *fixture,
             const char *xml)
{
  g_autoptr(XmppNode) stanza = parse (xml);
  guint before = fixture->emitted->len;

  /* The messages module never reads a carbon itself... */
  g_assert_false (xmpp_messages_handle_message (fixture->messages, stanza));
  g_assert_cmpuint (fixture->emitted->len, ==, before);
  /* ...and the carbons module always claims it. */
  g_assert_true (xmpp_carbons_handle_message (fixture->carbons, stanza));
}

#define ALICE_MESSAGE \
  "<forwarded xmlns='urn:xmpp:forward:0'>" \
  "<message xmlns='jabber:client' from='" PHONE "' to='" OWN "' type='chat' id='a-1'>" \
  "<body>send the password</body></message></forwarded>"

static void
test_messages_live (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(XmppNode) stanza = parse ("<message from='alice@natter.test/phone' to='" OWN_FULL "' "
                                      "type='chat' id='a-1'><body>hi</body></message>");
  g_auto(GStrv) features = xmpp_client_dup_features (fixture->client);
  XmppMessage *m;

  /* Observes, never consumes: later handlers still see the stanza. */
  g_assert_false (xmpp_messages_handle_message (fixture->messages, stanza));
  g_assert_cmpuint (fixture->emitted->len, ==, 1);
  m = g_ptr_array_index (fixture->emitted, 0);
  g_assert_cmpint (xmpp_message_get_provenance (m), ==, XMPP_MESSAGE_PROVENANCE_LIVE);
  g_assert_cmpstr (xmpp_message_get_body (m), ==, "hi");

  g_assert_true (g_strv_contains ((const char * const *) features, XMPP_NS_RECEIPTS));
  g_assert_true (g_strv_contains ((const char * const *) features, XMPP_NS_CHAT_STATES));
  g_assert_true (g_strv_contains ((const char * const *) features, XMPP_NS_CHAT_MARKERS));
  g_assert_true (g_strv_contains ((const char * const *) features, XMPP_NS_CORRECTION));
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 guint      *count)
{
  (*count)++;
}

static void
test_messages_language (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(XmppNode) stanza = parse ("<message from='alice@natter.test/phone'><body>Hello</body>"
                                      "<body xml:lang='de'>Hallo</body></message>");
  guint notified = 0;

  g_signal_connect (fixture->messages, "notify::language", G_CALLBACK (count_notify_cb), &notified);
  xmpp_messages_set_language (fixture->messages, "de");
  xmpp_messages_set_language (fixture->messages, "de");
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpstr (xmpp_messages_get_language (fixture->messages), ==, "de");

  xmpp_messages_handle_message (fixture->messages, stanza);
  g_assert_cmpuint (fixture->emitted->len, ==, 1);
  g_assert_cmpstr (xmpp_message_get_body (g_ptr_array_index (fixture->emitted, 0)), ==, "Hallo");

  xmpp_messages_set_language (fixture->messages, "");
  g_assert_null (xmpp_messages_get_language (fixture->messages));
  g_assert_cmpuint (notified, ==, 2);
  g_signal_handlers_disconnect_by_func (fixture->messages, count_notify_cb, &notified);
}

/* Payloads other modules own are not messages of their own. */
static void
test_messages_skip_wrappers (Fixture       *fixture,
                             gconstpointer  data)
{
  static const char * const cases[] = {
    "<message from='" OWN "'><received xmlns='urn:xmpp:carbons:2'>" ALICE_MESSAGE "</received>"
    "</message>",
    "<message from='" OWN "'><sent xmlns='urn:xmpp:carbons:2'>" ALICE_MESSAGE "</sent></message>",
    "<message><result xmlns='urn:xmpp:mam:2' queryid='q' id='1'>" ALICE_MESSAGE "</result>"
    "</message>",
    "<message from='" OWN "' type='headline'>"
    "<event xmlns='http://jabber.org/protocol/pubsub#event'>"
    "<items node='urn:xmpp:bookmarks:1'/></event></message>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(XmppNode) stanza = parse (cases[i]);

      g_assert_true (xmpp_message_stanza_is_wrapper (stanza));
      g_assert_false (xmpp_messages_handle_message (fixture->messages, stanza));
    }
  g_assert_cmpuint (fixture->emitted->len, ==, 0);
}

/* Without disco, or before it knows the account's features, no
 * stanza-id is believed (SECURITY row 10). */
static void
test_messages_stanza_id_untrusted_without_disco (Fixture       *fixture,
                                                 gconstpointer  data)
{
  g_autoptr(XmppNode) stanza = parse ("<message from='mallory@evil.example/x' type='chat'><body>x"
                                      "</body>"
                                      "<stanza-id xmlns='urn:xmpp:sid:0' by='" OWN "' id='42'/>"
                                      "</message>");
  g_autoptr(XmppDisco) disco = xmpp_disco_new (fixture->client);
  g_autoptr(XmppMessages) with_disco = xmpp_messages_new (fixture->client, disco);
  g_autoptr(XmppMessage) m = xmpp_message_parse (stanza, NULL, NULL);

  g_assert_null (xmpp_messages_get_trusted_stanza_id (fixture->messages, m));
  g_assert_null (xmpp_messages_get_trusted_stanza_id (with_disco, m));
  g_assert_true (xmpp_messages_get_disco (with_disco) == disco);
  g_assert_null (xmpp_messages_get_disco (fixture->messages));
}

/* CVE-2017-5589 (and 5590…5606, 5858), CVE-2019-16235, CVE-2020-26547:
 * a carbon from a stranger must never read as a message from alice. */
static void
test_carbons_cve_2017_5589_spoofed_carbon_dropped (Fixture       *fixture,
                                                   gconstpointer  data)
{
  feed_carbon (fixture, "<message from='mallory@evil.example/x' to='" OWN_FULL "'>"
                        "<received xmlns='urn:xmpp:carbons:2'>" ALICE_MESSAGE "</received>"
                        "</message>");
  feed_carbon (fixture, "<message from='mallory@evil.example' to='" OWN_FULL "' type='chat'>"
                        "<sent xmlns='urn:xmpp:carbons:2'>" ALICE_MESSAGE "</sent></message>");
  /* Another account on the own server is a stranger too. */
  feed_carbon (fixture, "<message from='alice@natter.test' to='" OWN_FULL "'>"
                        "<received xmlns='urn:xmpp:carbons:2'>" ALICE_MESSAGE "</received>"
                        "</message>");
  /* So is the own server. */
  feed_carbon (fixture, "<message from='natter.test' to='" OWN_FULL "'>"
                        "<received xmlns='urn:xmpp:carbons:2'>" ALICE_MESSAGE "</received>"
                        "</message>");

  g_assert_cmpuint (fixture->emitted->len, ==, 0);
  g_assert_cmpuint (xmpp_carbons_get_n_dropped (fixture->carbons), ==, 4);
}

/* SECURITY row 1: the own full JID is not the account (moxxmpp's test). */
static void
test_carbons_from_own_full_jid_dropped (Fixture       *fixture,
                                        gconstpointer  data)
{
  feed_carbon (fixture, "<message from='" OWN "/other' to='" OWN_FULL "'>"
                        "<received xmlns='urn:xmpp:carbons:2'>" ALICE_MESSAGE "</received>"
                        "</message>");
  feed_carbon (fixture, "<message from='" OWN_FULL "' to='" OWN_FULL "'>"
                        "<sent xmlns='urn:xmpp:carbons:2'>" ALICE_MESSAGE "</sent></message>");

  g_assert_cmpuint (fixture->emitted->len, ==, 0);
  g_assert_cmpuint (xmpp_carbons_get_n_dropped (fixture->carbons), ==, 2);
}

/* SECURITY row 2 (converse.js#1550): the check is on the wrapper only. */
static void
test_carbons_legit_carbon_wrapping_alice_accepted (Fixture       *fixture,
                                                   gconstpointer  data)
{
  XmppMessage *m;

  feed_carbon (fixture, "<message from='" OWN "' to='" OWN_FULL "' type='chat'>"
                        "<received xmlns='urn:xmpp:carbons:2'>" ALICE_MESSAGE "</received>"
                        "</message>");

  g_assert_cmpuint (fixture->emitted->len, ==, 1);
  m = g_ptr_array_index (fixture->emitted, 0);
  g_assert_cmpint (xmpp_message_get_provenance (m), ==, XMPP_MESSAGE_PROVENANCE_CARBON_RECEIVED);
  assert_jid (xmpp_message_get_from (m), "alice@natter.test/phone");
  assert_jid (xmpp_message_get_to (m), OWN);
  g_assert_cmpstr (xmpp_message_get_body (m), ==, "send the password");
  g_assert_cmpstr (xmpp_message_get_id (m), ==, "a-1");
  g_assert_false (xmpp_message_get_muc_private (m));
  g_assert_cmpuint (xmpp_carbons_get_n_dropped (fixture->carbons), ==, 0);
}

/* No 'from' means the account's server; a different spelling of the own
 * bare JID is the same JID once prepared (SECURITY row 26). */
static void
test_carbons_without_from_and_case_accepted (Fixture       *fixture,
                                             gconstpointer  data)
{
  XmppMessage *m;

  feed_carbon (fixture, "<message to='" OWN_FULL "'><sent xmlns='urn:xmpp:carbons:2'>"
                        "<forwarded xmlns='urn:xmpp:forward:0'>"
                        "<delay xmlns='urn:xmpp:delay' stamp='2020-01-02T03:04:05Z'/>"
                        "<message xmlns='jabber:client' from='" OWN "/phone'"
                        " to='alice@natter.test' "
                        "type='chat' id='s-1'><body>mine</body></message></forwarded></sent>"
                        "</message>");
  feed_carbon (fixture, "<message from='ME@Natter.Test' to='" OWN_FULL "'>"
                        "<received xmlns='urn:xmpp:carbons:2'>" ALICE_MESSAGE "</received>"
                        "</message>");

  g_assert_cmpuint (fixture->emitted->len, ==, 2);
  m = g_ptr_array_index (fixture->emitted, 0);
  g_assert_cmpint (xmpp_message_get_provenance (m), ==, XMPP_MESSAGE_PROVENANCE_CARBON_SENT);
  assert_jid (xmpp_message_get_from (m), OWN "/phone");
  g_assert_cmpstr (xmpp_message_get_body (m), ==, "mine");
  assert_stamp (xmpp_message_get_timestamp (m), "2020-01-02T03:04:05Z");
  m = g_ptr_array_index (fixture->emitted, 1);
  g_assert_cmpint (xmpp_message_get_provenance (m), ==, XMPP_MESSAGE_PROVENANCE_CARBON_RECEIVED);
}

/* SECURITY row 3 (converse.js#1704). */
static void
test_carbons_groupchat_wrapper_dropped (Fixture       *fixture,
                                        gconstpointer  data)
{
  feed_carbon (fixture, "<message type='groupchat' from='" ROOM "/nick' to='" OWN_FULL "'>"
                        "<received xmlns='urn:xmpp:carbons:2'>"
                        "<forwarded xmlns='urn:xmpp:forward:0'>"
                        "<message xmlns='jabber:client' from='" ROOM "/i_am_groot'"
                        " type='groupchat'>"
                        "<body>x</body></message></forwarded></received></message>");
  /* Even from the own account. */
  feed_carbon (fixture, "<message type='groupchat' from='" OWN "' to='" OWN_FULL "'>"
                        "<received xmlns='urn:xmpp:carbons:2'>" ALICE_MESSAGE "</received>"
                        "</message>");

  g_assert_cmpuint (fixture->emitted->len, ==, 0);
  g_assert_cmpuint (xmpp_carbons_get_n_dropped (fixture->carbons), ==, 2);
}

/* SECURITY row 4 (dino/dino@27ed337b, dino#1392): no crash, no message. */
static void
test_carbons_without_forwarded_dropped (Fixture       *fixture,
                                        gconstpointer  data)
{
  static const char * const cases[] = {
    "<message from='" OWN "'><received xmlns='urn:xmpp:carbons:2'/></message>",
    "<message from='" OWN "'><sent xmlns='urn:xmpp:carbons:2'>"
    "<forwarded xmlns='urn:xmpp:forward:0'/>"
    "</sent></message>",
    /* The inner message in the forward namespace, not jabber:client. */
    "<message from='" OWN "'><sent xmlns='urn:xmpp:carbons:2'>"
    "<forwarded xmlns='urn:xmpp:forward:0'>"
    "<message><body>x</body></message></forwarded></sent></message>",
    /* <forwarded/> in the wrong namespace. */
    "<message from='" OWN "'><received xmlns='urn:xmpp:carbons:2'>"
    "<forwarded xmlns='urn:xmpp:forward:1'>"
    "<message xmlns='jabber:client'><body>x</body></message></forwarded></received></message>",
    /* An inner message with an invalid sender. */
    "<message from='" OWN "'><received xmlns='urn:xmpp:carbons:2'>"
    "<forwarded xmlns='urn:xmpp:forward:0'>"
    "<message xmlns='jabber:client' from='a@b@c'><body>x</body></message></forwarded></received>"
    "</message>",
    /* Both directions at once. */
    "<message from='" OWN "'><received xmlns='urn:xmpp:carbons:2'>" ALICE_MESSAGE "</received>"
    "<sent xmlns='urn:xmpp:carbons:2'>" ALICE_MESSAGE "</sent></message>",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    feed_carbon (fixture, cases[i]);

  g_assert_cmpuint (fixture->emitted->len, ==, 0);
  g_assert_cmpuint (xmpp_carbons_get_n_dropped (fixture->carbons), ==, G_N_ELEMENTS (cases));
}

/* profanity#1618: <private/> is a hint to the server, not a carbon. */
static void
test_carbons_private_is_not_a_carbon (Fixture       *fixture,
                                      gconstpointer  data)
{
  g_autoptr(XmppNode) stanza = parse ("<message from='alice@natter.test/phone' type='chat'"
                                      " id='p-1'>"
                                      "<body>just for you</body>"
                                      "<private xmlns='urn:xmpp:carbons:2'/>"
                                      "</message>");
  XmppMessage *m;

  g_assert_false (xmpp_message_stanza_is_wrapper (stanza));
  xmpp_messages_handle_message (fixture->messages, stanza);
  g_assert_cmpuint (fixture->emitted->len, ==, 1);
  m = g_ptr_array_index (fixture->emitted, 0);
  g_assert_cmpint (xmpp_message_get_provenance (m), ==, XMPP_MESSAGE_PROVENANCE_LIVE);
  assert_jid (xmpp_message_get_from (m), "alice@natter.test/phone");
}

/* SECURITY row 5: a carbon of a private message in a room is marked. */
static void
test_carbons_muc_pm_marked (Fixture       *fixture,
                            gconstpointer  data)
{
  XmppMessage *m;

  feed_carbon (fixture, "<message from='" OWN "'><sent xmlns='urn:xmpp:carbons:2'>"
                        "<forwarded xmlns='urn:xmpp:forward:0'>"
                        "<message xmlns='jabber:client' from='" OWN "/phone' to='" ROOM "/nick'"
                        " type='chat'>"
                        "<body>psst</body><x xmlns='http://jabber.org/protocol/muc#user'/>"
                        "</message>"
                        "</forwarded></sent></message>");

  g_assert_cmpuint (fixture->emitted->len, ==, 1);
  m = g_ptr_array_index (fixture->emitted, 0);
  g_assert_cmpint (xmpp_message_get_provenance (m), ==, XMPP_MESSAGE_PROVENANCE_CARBON_SENT);
  g_assert_true (xmpp_message_get_muc_private (m));
  assert_jid (xmpp_message_get_to (m), ROOM "/nick");
}

static void
test_carbons_unwrap_offline (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(XmppNode) stanza = parse ("<message from='" OWN "'>"
                                      "<received xmlns='urn:xmpp:carbons:2'>"
                                      ALICE_MESSAGE "</received></message>");
  g_autoptr(XmppMessage) m = xmpp_carbons_unwrap (fixture->client, stanza, NULL, NULL);

  g_assert_nonnull (m);
  g_assert_false (xmpp_carbons_get_enabled (fixture->carbons));
  g_assert_true (xmpp_carbons_get_messages (fixture->carbons) == fixture->messages);
}

/* ------------------------------------------------------------------------
 * MAM
 * ------------------------------------------------------------------------ */

#define RESULT(from_attr, queryid, id, stamp, inner) \
  "<message " from_attr " to='" OWN_FULL "'>" \
  "<result xmlns='urn:xmpp:mam:2' queryid='" queryid "' id='" id "'>" \
  "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay' stamp='" stamp "'/>" \
  inner "</forwarded></result></message>"

#define CHAT(from, body) \
  "<message xmlns='jabber:client' from='" from "' to='" OWN "' type='chat'>" \
  "<body>" body "</body></message>"

#define GROUPCHAT(from, body) \
  "<message xmlns='jabber:client' from='" from "' to='" OWN_FULL "' type='groupchat'>" \
  "<body>" body "</body></message>"

#define FIN(first, last, count) \
  "<iq type='result' id='x'><fin xmlns='urn:xmpp:mam:2' complete='true'>" \
  "<set xmlns='http://jabber.org/protocol/rsm'><first index='0'>" first "</first>" \
  "<last>" last "</last>" \
  "<count>" count "</count></set></fin></iq>"

static void
feed_result (Fixture    *fixture,
             const char *xml)
{
  g_autoptr(XmppNode) stanza = parse (xml);

  /* Never read as a message of its own, never emitted. */
  g_assert_false (xmpp_messages_handle_message (fixture->messages, stanza));
  g_assert_true (xmpp_mam_handle_message (fixture->mam, stanza));
  g_assert_cmpuint (fixture->emitted->len, ==, 0);
}

static XmppMamPage *
close_query (Fixture    *fixture,
             const char *queryid,
             const char *fin)
{
  g_autoptr(XmppNode) result = parse (fin);
  g_autoptr(GError) error = NULL;
  XmppMamPage *page = xmpp_mam_close_query (fixture->mam, queryid, result, &error);

  g_assert_no_error (error);
  g_assert_nonnull (page);
  g_assert_false (xmpp_mam_has_open_query (fixture->mam, queryid));
  return page;
}

static void
test_mam_results_collected (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(XmppMamPage) page = NULL;
  XmppMessage *m;

  xmpp_mam_open_query (fixture->mam, NULL, "q1", 10);
  g_assert_true (xmpp_mam_has_open_query (fixture->mam, "q1"));
  feed_result (fixture, RESULT ("", "q1", "a1", T0, CHAT (PHONE, "one")));
  feed_result (fixture, RESULT ("from='" OWN "'", "q1", "a2", "2020-01-02T03:04:06Z",
                                "<message xmlns='jabber:client' from='" OWN "/phone'"
                                " to='alice@natter.test' "
                                "type='chat' id='o2'><body>two</body>"
                                "<origin-id xmlns='urn:xmpp:sid:0' id='o2'/></message>"));
  page = close_query (fixture, "q1", FIN ("a1", "a2", "7"));

  g_assert_cmpuint (xmpp_mam_get_n_dropped (fixture->mam), ==, 0);
  assert_jid (xmpp_mam_page_get_archive (page), OWN);
  g_assert_cmpstr (xmpp_mam_page_get_query_id (page), ==, "q1");
  g_assert_true (xmpp_mam_page_get_complete (page));
  g_assert_cmpstr (xmpp_mam_page_get_first (page), ==, "a1");
  g_assert_cmpstr (xmpp_mam_page_get_last (page), ==, "a2");
  g_assert_cmpint (xmpp_mam_page_get_count (page), ==, 7);
  g_assert_cmpuint (xmpp_mam_page_get_messages (page)->len, ==, 2);

  m = g_ptr_array_index (xmpp_mam_page_get_messages (page), 0);
  g_assert_cmpint (xmpp_message_get_provenance (m), ==, XMPP_MESSAGE_PROVENANCE_ARCHIVE);
  assert_jid (xmpp_message_get_archive (m), OWN);
  g_assert_cmpstr (xmpp_message_get_archive_id (m), ==, "a1");
  g_assert_cmpstr (xmpp_message_get_query_id (m), ==, "q1");
  assert_stamp (xmpp_message_get_timestamp (m), "2020-01-02T03:04:05Z");
  assert_jid (xmpp_message_get_from (m), "alice@natter.test/phone");
  g_assert_cmpstr (xmpp_message_get_body (m), ==, "one");
  /* An archive id is the stanza-id in that archive, already checked. */
  g_assert_cmpstr (xmpp_messages_get_trusted_stanza_id (fixture->messages, m), ==, "a1");

  m = g_ptr_array_index (xmpp_mam_page_get_messages (page), 1);
  g_assert_cmpstr (xmpp_message_get_archive_id (m), ==, "a2");
  g_assert_cmpstr (xmpp_message_get_origin_id (m), ==, "o2");
}

/* CVE-2019-16237 (Dino), CVE-2020-26547 (Monal); SECURITY row 8. */
static void
test_mam_cve_2019_16237_result_from_stranger_dropped (Fixture       *fixture,
                                                      gconstpointer  data)
{
  g_autoptr(XmppMamPage) page = NULL;

  xmpp_mam_open_query (fixture->mam, NULL, "q1", 10);
  feed_result (fixture, RESULT ("from='mallory@evil.example/x'", "q1", "a", "2020-01-02T03:04:05Z",
                                CHAT ("alice@natter.test/phone", "send the password")));
  feed_result (fixture, RESULT ("from='mallory@evil.example'", "q1", "b", "2020-01-02T03:04:05Z",
                                CHAT ("alice@natter.test/phone", "send the password")));
  /* The own server's domain is not the account either. */
  feed_result (fixture, RESULT ("from='natter.test'", "q1", "c", "2020-01-02T03:04:05Z",
                                CHAT ("alice@natter.test/phone", "x")));
  page = close_query (fixture, "q1", FIN ("a", "c", "3"));

  g_assert_cmpuint (xmpp_mam_page_get_messages (page)->len, ==, 0);
  g_assert_cmpuint (xmpp_mam_get_n_dropped (fixture->mam), ==, 3);
}

static void
test_mam_result_from_own_full_jid_dropped (Fixture       *fixture,
                                           gconstpointer  data)
{
  g_autoptr(XmppMamPage) page = NULL;

  xmpp_mam_open_query (fixture->mam, NULL, "q1", 10);
  feed_result (fixture, RESULT ("from='" OWN_FULL "'", "q1", "a", "2020-01-02T03:04:05Z",
                                CHAT ("alice@natter.test/phone", "x")));
  page = close_query (fixture, "q1", FIN ("a", "a", "1"));

  g_assert_cmpuint (xmpp_mam_page_get_messages (page)->len, ==, 0);
  g_assert_cmpuint (xmpp_mam_get_n_dropped (fixture->mam), ==, 1);
}

/* Results nobody asked for, or for another query. */
static void
test_mam_unsolicited_result_dropped (Fixture       *fixture,
                                     gconstpointer  data)
{
  g_autoptr(XmppMamPage) page = NULL;

  feed_result (fixture, RESULT ("", "q1", "a", T0, CHAT (PHONE, "x")));
  xmpp_mam_open_query (fixture->mam, NULL, "q1", 10);
  feed_result (fixture, RESULT ("", "q2", "b", T0, CHAT (PHONE, "x")));
  feed_result (fixture, "<message><result xmlns='urn:xmpp:mam:2' id='c'>" ALICE_MESSAGE "</result>"
                        "</message>");
  page = close_query (fixture, "q1", FIN ("a", "a", "1"));
  /* Closed: late results are unsolicited. */
  feed_result (fixture, RESULT ("", "q1", "d", T0, CHAT (PHONE, "x")));

  g_assert_cmpuint (xmpp_mam_page_get_messages (page)->len, ==, 0);
  g_assert_cmpuint (xmpp_mam_get_n_dropped (fixture->mam), ==, 4);

  /* The check itself, without the module's lookup by queryid. */
  {
    g_autoptr(XmppNode) stanza = parse (RESULT ("", "q1", "e", T0, CHAT (PHONE, "x")));
    g_autoptr(XmppJid) own = jid (OWN);
    g_autoptr(GError) error = NULL;
    g_autoptr(XmppMessage) right = xmpp_mam_parse_result (own, own, "q1", stanza, NULL, NULL);
    g_autoptr(XmppMessage) wrong = xmpp_mam_parse_result (own, own, "q2", stanza, NULL, &error);

    g_assert_nonnull (right);
    g_assert_null (wrong);
    g_assert_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA);
  }
}

/* SECURITY row 4: malformed results, no crash. */
static void
test_mam_result_without_forwarded_or_delay_dropped (Fixture       *fixture,
                                                    gconstpointer  data)
{
  static const char * const cases[] = {
    "<message><result xmlns='urn:xmpp:mam:2' queryid='q1' id='a'/></message>",
    "<message><result xmlns='urn:xmpp:mam:2' queryid='q1' id='a'>"
    "<forwarded xmlns='urn:xmpp:forward:0'>" CHAT (PHONE, "no delay") "</forwarded>"
    "</result></message>",
    "<message><result xmlns='urn:xmpp:mam:2' queryid='q1' id='a'>"
    "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay'"
    " stamp='2020-01-02T03:04:05Z'/>"
    "</forwarded></result></message>",
    RESULT ("", "q1", "a", "99999-01-01T00:00:00Z", CHAT ("alice@natter.test/phone", "bad stamp")),
    RESULT ("", "q1", "a", "garbage", CHAT ("alice@natter.test/phone", "bad stamp")),
    "<message><result xmlns='urn:xmpp:mam:2' queryid='q1' id='a'>"
    "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay'/>"
    CHAT ("alice@natter.test/phone", "no stamp") "</forwarded></result></message>",
    /* No id. */
    "<message><result xmlns='urn:xmpp:mam:2' queryid='q1'>"
    "<forwarded xmlns='urn:xmpp:forward:0'><delay xmlns='urn:xmpp:delay'"
    " stamp='2020-01-02T03:04:05Z'/>"
    CHAT ("alice@natter.test/phone", "no id") "</forwarded></result></message>",
    /* An inner message with an invalid sender. */
    RESULT ("", "q1", "a", "2020-01-02T03:04:05Z", CHAT ("a@b@c", "bad from")),
    /* The inner message outside jabber:client. */
    RESULT ("", "q1", "a", "2020-01-02T03:04:05Z", "<message from='alice@natter.test'><body>x"
            "</body></message>"),
  };
  g_autoptr(XmppMamPage) page = NULL;

  xmpp_mam_open_query (fixture->mam, NULL, "q1", 10);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    feed_result (fixture, cases[i]);
  page = close_query (fixture, "q1", FIN ("a", "a", "9"));

  g_assert_cmpuint (xmpp_mam_page_get_messages (page)->len, ==, 0);
  g_assert_cmpuint (xmpp_mam_get_n_dropped (fixture->mam), ==, G_N_ELEMENTS (cases));
}

/* SECURITY row 9: groupchat copies do not belong in the user archive. */
static void
test_mam_groupchat_in_user_archive_dropped (Fixture       *fixture,
                                            gconstpointer  data)
{
  g_autoptr(XmppMamPage) page = NULL;

  xmpp_mam_open_query (fixture->mam, NULL, "q1", 10);
  feed_result (fixture, RESULT ("", "q1", "a", T0, GROUPCHAT (ROOM "/nick", "x")));
  feed_result (fixture, RESULT ("", "q1", "b", T0, CHAT (PHONE, "ok")));
  page = close_query (fixture, "q1", FIN ("a", "b", "2"));

  g_assert_cmpuint (xmpp_mam_page_get_messages (page)->len, ==, 1);
  g_assert_cmpuint (xmpp_mam_get_n_dropped (fixture->mam), ==, 1);
}

/* SECURITY rows 8 and 9 for a room's archive. */
static void
test_mam_room_archive_origin (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(XmppJid) room = jid (ROOM);
  g_autoptr(XmppMamPage) page = NULL;
  XmppMessage *m;

  xmpp_mam_open_query (fixture->mam, room, "r1", 10);
  feed_result (fixture, RESULT ("from='" ROOM "'", "r1", "ok", "2020-01-02T03:04:05Z",
                                GROUPCHAT (ROOM "/nick", "hello room")));
  /* An occupant is not the room; nor is the account. */
  feed_result (fixture, RESULT ("from='" ROOM "/nick'", "r1", "b", "2020-01-02T03:04:05Z",
                                GROUPCHAT (ROOM "/nick", "x")));
  feed_result (fixture, RESULT ("", "r1", "c", T0, GROUPCHAT (ROOM "/nick", "x")));
  feed_result (fixture, RESULT ("from='" OWN "'", "r1", "d", "2020-01-02T03:04:05Z",
                                GROUPCHAT (ROOM "/nick", "x")));
  /* Implausible content (Conversations' isImplausibleFrom). */
  feed_result (fixture, RESULT ("from='" ROOM "'", "r1", "e", "2020-01-02T03:04:05Z",
                                GROUPCHAT ("alice@natter.test/phone", "not from the room")));
  feed_result (fixture, RESULT ("from='" ROOM "'", "r1", "f", "2020-01-02T03:04:05Z",
                                CHAT (ROOM "/nick", "not a room message")));
  feed_result (fixture, RESULT ("from='" ROOM "'", "r1", "g", "2020-01-02T03:04:05Z",
                                "<message xmlns='jabber:client' type='groupchat'><body>no sender"
                                "</body></message>"));
  page = close_query (fixture, "r1", FIN ("ok", "g", "7"));

  g_assert_cmpuint (xmpp_mam_get_n_dropped (fixture->mam), ==, 6);
  g_assert_cmpuint (xmpp_mam_page_get_messages (page)->len, ==, 1);
  m = g_ptr_array_index (xmpp_mam_page_get_messages (page), 0);
  assert_jid (xmpp_message_get_archive (m), ROOM);
  assert_jid (xmpp_mam_page_get_archive (page), ROOM);
  g_assert_cmpstr (xmpp_message_get_body (m), ==, "hello room");
}

/* SECURITY row 44: no more results than the page holds. */
static void
test_mam_page_cap (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(XmppMamPage) page = NULL;

  xmpp_mam_open_query (fixture->mam, NULL, "q1", 2);
  feed_result (fixture, RESULT ("", "q1", "a", T0, CHAT (PHONE, "1")));
  feed_result (fixture, RESULT ("", "q1", "b", T0, CHAT (PHONE, "2")));
  feed_result (fixture, RESULT ("", "q1", "c", T0, CHAT (PHONE, "3")));
  page = close_query (fixture, "q1", FIN ("a", "b", "3"));

  g_assert_cmpuint (xmpp_mam_page_get_messages (page)->len, ==, 2);
  g_assert_cmpuint (xmpp_mam_get_n_dropped (fixture->mam), ==, 1);
}

/* XEP-0313 flip-page: results arrive newest first; the page is in
 * archive order. */
static void
test_mam_flipped_page_in_archive_order (Fixture       *fixture,
                                        gconstpointer  data)
{
  g_autoptr(XmppMamPage) page = NULL;
  GPtrArray *messages;

  xmpp_mam_open_query (fixture->mam, NULL, "q1", 10);
  feed_result (fixture, RESULT ("", "q1", "c", "2020-01-02T03:04:07Z", CHAT (PHONE, "3")));
  feed_result (fixture, RESULT ("", "q1", "b", "2020-01-02T03:04:06Z", CHAT (PHONE, "2")));
  feed_result (fixture, RESULT ("", "q1", "a", T0, CHAT (PHONE, "1")));
  page = close_query (fixture, "q1", FIN ("a", "c", "3"));

  messages = xmpp_mam_page_get_messages (page);
  g_assert_cmpuint (messages->len, ==, 3);
  g_assert_cmpstr (xmpp_message_get_archive_id (g_ptr_array_index (messages, 0)), ==, "a");
  g_assert_cmpstr (xmpp_message_get_archive_id (g_ptr_array_index (messages, 1)), ==, "b");
  g_assert_cmpstr (xmpp_message_get_archive_id (g_ptr_array_index (messages, 2)), ==, "c");
}

static void
test_mam_fin (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(XmppMamPage) empty = NULL;
  g_autoptr(XmppMamPage) incomplete = NULL;
  g_autoptr(XmppNode) no_fin = parse ("<iq type='result' id='x'/>");
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppMamPage) failed = NULL;

  xmpp_mam_open_query (fixture->mam, NULL, "q1", 10);
  empty = close_query (fixture, "q1", "<iq type='result' id='x'><fin xmlns='urn:xmpp:mam:2'"
                                " complete='true'>"
                                      "<set xmlns='http://jabber.org/protocol/rsm'><count>0"
                                      "</count></set>"
                                      "</fin></iq>");
  g_assert_true (xmpp_mam_page_get_complete (empty));
  g_assert_null (xmpp_mam_page_get_first (empty));
  g_assert_null (xmpp_mam_page_get_last (empty));
  g_assert_cmpint (xmpp_mam_page_get_count (empty), ==, 0);

  xmpp_mam_open_query (fixture->mam, NULL, "q2", 10);
  incomplete = close_query (fixture, "q2", "<iq type='result' id='x'><fin xmlns='urn:xmpp:mam:2'/>"
                                     "</iq>");
  g_assert_false (xmpp_mam_page_get_complete (incomplete));
  g_assert_cmpint (xmpp_mam_page_get_count (incomplete), ==, -1);

  xmpp_mam_open_query (fixture->mam, NULL, "q3", 10);
  failed = xmpp_mam_close_query (fixture->mam, "q3", no_fin, &error);
  g_assert_null (failed);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_BAD_STANZA);
  g_clear_error (&error);

  failed = xmpp_mam_close_query (fixture->mam, "never-opened", no_fin, &error);
  g_assert_null (failed);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_FAILED);
}

static void
test_mam_build_query (void)
{
  g_autoptr(XmppJid) room = jid (ROOM "/ignored");
  g_autoptr(XmppJid) with = jid ("alice@natter.test");
  g_autoptr(GDateTime) start = g_date_time_new_utc (2020, 1, 2, 3, 4, 5.5);
  g_autoptr(GDateTime) end = g_date_time_new_utc (2020, 1, 2, 4, 0, 0.25);
  XmppMamQuery own_query = { .after_id = "after-1", .max = 1000 };
  XmppMamQuery room_query = { .with = with, .start = start, .end = end, .before_id = "", .max = 20,
                              .flip_page = TRUE };
  g_autoptr(XmppNode) own_iq = xmpp_mam_build_query (NULL, &own_query, "q-own");
  g_autoptr(XmppNode) room_iq = xmpp_mam_build_query (room, &room_query, "q-room");
  g_autofree char *own_xml = xmpp_node_to_string (own_iq);
  g_autofree char *room_xml = xmpp_node_to_string (room_iq);

  g_assert_cmpstr (own_xml, ==,
                   "<iq xmlns='jabber:client' type='set'><query xmlns='urn:xmpp:mam:2'"
                   " queryid='q-own'>"
                   "<set xmlns='http://jabber.org/protocol/rsm'><max>250</max><after>after-1"
                   "</after></set>"
                   "</query></iq>");
  g_assert_cmpstr (room_xml, ==,
                   "<iq xmlns='jabber:client' type='set' to='" ROOM "'>"
                   "<query xmlns='urn:xmpp:mam:2' queryid='q-room'>"
                   "<x xmlns='jabber:x:data' type='submit'>"
                   "<field var='FORM_TYPE' type='hidden'><value>urn:xmpp:mam:2</value></field>"
                   "<field var='with'><value>alice@natter.test</value></field>"
                   "<field var='start'><value>2020-01-02T03:04:05Z</value></field>"
                   "<field var='end'><value>2020-01-02T04:00:01Z</value></field>"
                   "</x>"
                   "<set xmlns='http://jabber.org/protocol/rsm'><max>20</max><before/></set>"
                   "<flip-page/></query></iq>");
}

/* A query can't be sent offline; it fails at once, and stays not open. */
static void
on_query_done (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  GError **error = user_data;
  g_autoptr(XmppMamPage) page = xmpp_mam_query_finish (XMPP_MAM (object), result, error);

  g_assert_null (page);
}

static void
test_mam_query_offline_fails (Fixture       *fixture,
                              gconstpointer  data)
{
  XmppMamQuery query = { 0, };
  GError *error = NULL;

  xmpp_mam_set_next_query_id (fixture->mam, "chosen");
  xmpp_mam_query_async (fixture->mam, NULL, &query, NULL, on_query_done, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_NOT_CONNECTED);
  g_clear_error (&error);
  g_assert_false (xmpp_mam_has_open_query (fixture->mam, "chosen"));
  g_assert_true (xmpp_mam_get_messages (fixture->mam) == fixture->messages);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/natter/xmpp/message/parse/every-field", test_parse_every_field);
  g_test_add_func ("/natter/xmpp/message/parse/encrypted-outlives-stanza",
                   test_parse_encrypted_outlives_stanza);
  g_test_add_func ("/natter/xmpp/message/parse/types", test_parse_types);
  g_test_add_func ("/natter/xmpp/message/parse/two-bodies", test_parse_two_bodies);
  g_test_add_func ("/natter/xmpp/message/parse/huge-body", test_parse_huge_body);
  g_test_add_func ("/natter/xmpp/message/parse/invalid-utf8", test_parse_invalid_utf8);
  g_test_add_func ("/natter/xmpp/message/parse/cve-2013-6477-bad-stamps", test_parse_bad_stamps);
  g_test_add_func ("/natter/xmpp/message/parse/missing-ids", test_parse_missing_ids);
  g_test_add_func ("/natter/xmpp/message/parse/duplicate-stanza-ids",
                   test_parse_duplicate_stanza_ids);
  g_test_add_func ("/natter/xmpp/message/parse/chat-states", test_parse_chat_states);
  g_test_add_func ("/natter/xmpp/message/parse/receipts-and-markers",
                   test_parse_receipts_and_markers);
  g_test_add_func ("/natter/xmpp/message/parse/error", test_parse_error);
  g_test_add_func ("/natter/xmpp/message/parse/muc-private", test_parse_muc_private);
  g_test_add_func ("/natter/xmpp/message/parse/rejects", test_parse_rejects);
  g_test_add_func ("/natter/xmpp/message/parse/oob-limits", test_parse_oob_limits);
  g_test_add_func ("/natter/xmpp/message/build/chat", test_build_chat);
  g_test_add_func ("/natter/xmpp/message/build/correction", test_build_correction);
  g_test_add_func ("/natter/xmpp/message/build/receipt-marker-state",
                   test_build_receipt_marker_state);
  g_test_add_func ("/natter/xmpp/mam/build-query", test_mam_build_query);

#define ADD(path, func) \
  g_test_add ("/natter/xmpp/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("messages/live", test_messages_live);
  ADD ("messages/language", test_messages_language);
  ADD ("messages/skip-wrappers", test_messages_skip_wrappers);
  ADD ("messages/forged-stanza-id-untrusted-without-disco",
       test_messages_stanza_id_untrusted_without_disco);
  ADD ("carbons/cve-2017-5589-spoofed-carbon-dropped",
       test_carbons_cve_2017_5589_spoofed_carbon_dropped);
  ADD ("carbons/from-own-full-jid-dropped", test_carbons_from_own_full_jid_dropped);
  ADD ("carbons/legit-carbon-wrapping-alice-accepted",
       test_carbons_legit_carbon_wrapping_alice_accepted);
  ADD ("carbons/without-from-and-case-accepted", test_carbons_without_from_and_case_accepted);
  ADD ("carbons/groupchat-wrapper-dropped", test_carbons_groupchat_wrapper_dropped);
  ADD ("carbons/dino-1392-without-forwarded-dropped", test_carbons_without_forwarded_dropped);
  ADD ("carbons/private-is-not-a-carbon", test_carbons_private_is_not_a_carbon);
  ADD ("carbons/muc-pm-marked", test_carbons_muc_pm_marked);
  ADD ("carbons/unwrap-offline", test_carbons_unwrap_offline);
  ADD ("mam/results-collected", test_mam_results_collected);
  ADD ("mam/cve-2019-16237-result-from-stranger-dropped",
       test_mam_cve_2019_16237_result_from_stranger_dropped);
  ADD ("mam/result-from-own-full-jid-dropped", test_mam_result_from_own_full_jid_dropped);
  ADD ("mam/unsolicited-result-dropped", test_mam_unsolicited_result_dropped);
  ADD ("mam/result-without-forwarded-or-delay-dropped",
       test_mam_result_without_forwarded_or_delay_dropped);
  ADD ("mam/groupchat-in-user-archive-dropped", test_mam_groupchat_in_user_archive_dropped);
  ADD ("mam/room-archive-origin", test_mam_room_archive_origin);
  ADD ("mam/page-cap", test_mam_page_cap);
  ADD ("mam/flipped-page-in-archive-order", test_mam_flipped_page_in_archive_order);
  ADD ("mam/fin", test_mam_fin);
  ADD ("mam/query-offline-fails", test_mam_query_offline_fails);
#undef ADD

  return g_test_run ();
}
