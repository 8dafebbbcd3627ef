/* test-xmpp-reader.c: the XML stream parser and RFC 6120 §11 restrictions
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xmpp/xmpp.h"
#include "xmpp/xmpp-reader-private.h"

#define NS_CLIENT "jabber:client"

#define STREAM_OPEN \
  "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' " \
  "from='example.org' to='juliet@example.org' id='++TR84Sm6A3hnt3Q065SnAbbk3Y=' " \
  "version='1.0' xml:lang='en'>"

#define HEADER "<?xml version='1.0'?>" STREAM_OPEN

typedef struct
{
  XmppReader *reader;
  XmppNode   *header;
  GPtrArray  *stanzas;
  guint       opened;
  guint       closed;
  const char *reset_on;    /* reset from inside the callback at this stanza */
} Collector;

static void
stream_opened_cb (XmppReader *reader,
                  XmppNode   *header,
                  gpointer    user_data)
{
  Collector *c = user_data;

  g_clear_pointer (&c->header, xmpp_node_unref);
  c->header = xmpp_node_ref (header);
  c->opened++;
}

static void
stanza_cb (XmppReader *reader,
           XmppNode   *stanza,
           gpointer    user_data)
{
  Collector *c = user_data;

  g_ptr_array_add (c->stanzas, xmpp_node_ref (stanza));
  if (c->reset_on != NULL && xmpp_node_is (stanza, c->reset_on, NULL))
    xmpp_reader_reset (reader);
}

static void
stream_closed_cb (XmppReader *reader,
                  gpointer    user_data)
{
  Collector *c = user_data;

  c->closed++;
}

static const XmppReaderCallbacks collector_callbacks = {
  stream_opened_cb,
  stanza_cb,
  stream_closed_cb,
};

static Collector *
collector_new (void)
{
  Collector *c = g_new0 (Collector, 1);

  c->stanzas = g_ptr_array_new_with_free_func ((GDestroyNotify) xmpp_node_unref);
  c->reader = xmpp_reader_new (&collector_callbacks, c, NULL);
  return c;
}

static void
collector_free (Collector *c)
{
  g_assert_finalize_object (c->reader);
  g_clear_pointer (&c->header, xmpp_node_unref);
  g_ptr_array_unref (c->stanzas);
  g_free (c);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Collector, collector_free)

/* Feeds @length bytes in chunks of @chunk (0: all at once). */
static gboolean
feed_chunked (Collector   *c,
              const char  *data,
              gsize        length,
              gsize        chunk,
              GError     **error)
{
  if (chunk == 0)
    chunk = MAX (length, 1);
  for (gsize i = 0; i < length; i += chunk)
    {
      if (!xmpp_reader_feed (c->reader, data + i, MIN (chunk, length - i), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
feed_str (Collector   *c,
          const char  *data,
          GError     **error)
{
  return xmpp_reader_feed (c->reader, data, strlen (data), error);
}

static char *
stanza_xml (Collector *c,
            guint      index)
{
  GString *out = g_string_new ("");

  g_assert_cmpuint (index, <, c->stanzas->len);
  xmpp_node_write (g_ptr_array_index (c->stanzas, index), out, NS_CLIENT);
  return g_string_free (out, FALSE);
}

static void
test_reader_stream_header_parsed (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;

  g_assert_null (xmpp_reader_get_stream_namespace (c->reader));
  g_assert_true (xmpp_reader_feed (c->reader, HEADER, strlen (HEADER), &error));
  g_assert_no_error (error);

  g_assert_cmpuint (c->opened, ==, 1);
  g_assert_true (xmpp_node_is (c->header, "stream", XMPP_NS_STREAMS));
  g_assert_true (xmpp_node_get_xmlns (c->header) == g_intern_string (XMPP_NS_STREAMS));
  g_assert_cmpuint (xmpp_node_get_attribute_count (c->header), ==, 5);
  g_assert_cmpstr (xmpp_node_get_attribute (c->header, "from"), ==, "example.org");
  g_assert_cmpstr (xmpp_node_get_attribute (c->header, "to"), ==, "juliet@example.org");
  g_assert_cmpstr (xmpp_node_get_attribute (c->header, "id"), ==, "++TR84Sm6A3hnt3Q065SnAbbk3Y=");
  g_assert_cmpstr (xmpp_node_get_attribute (c->header, "version"), ==, "1.0");
  g_assert_cmpstr (xmpp_node_get_attribute (c->header, "xml:lang"), ==, "en");
  g_assert_null (xmpp_node_get_attribute (c->header, "xmlns"));
  g_assert_true (xmpp_reader_get_stream_namespace (c->reader) == g_intern_string (NS_CLIENT));
  g_assert_cmpuint (c->stanzas->len, ==, 0);
}

static const char several_stanzas[] =
  "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
  "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'><mechanism>SCRAM-SHA-1</mechanism>"
  "<mechanism>PLAIN</mechanism></mechanisms></stream:features>\n"
  "<message from='romeo@example.net/orchard' to='juliet@example.com' type='chat' id='m1'>"
  "<body>Art thou not Romeo, &amp; a Montague?</body>"
  "<active xmlns='http://jabber.org/protocol/chatstates'/></message>"
  "  \r\n\t"
  "<presence from='romeo@example.net/orchard'><show>away</show><priority>5</priority>"
  "<c xmlns='http://jabber.org/protocol/caps' hash='sha-1' node='https://natter.im' "
  "ver='QgayPKawpkPSDYmwT/WM94uAlu0='/></presence>"
  "<iq type='result' id='r1'><query xmlns='jabber:iq:roster' ver='ver7'>"
  "<item jid='nurse@example.com' name='Nurse' subscription='both'><group>Servants</group></item>"
  "</query></iq>";

static void
test_reader_several_stanzas_in_one_chunk (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *stream = g_strconcat (HEADER, several_stanzas, NULL);
  g_autofree char *xml0 = NULL;
  g_autofree char *xml1 = NULL;
  g_autofree char *xml2 = NULL;
  g_autofree char *xml3 = NULL;
  XmppNode *features;

  g_assert_true (xmpp_reader_feed (c->reader, stream, strlen (stream), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->stanzas->len, ==, 4);

  features = g_ptr_array_index (c->stanzas, 0);
  g_assert_true (xmpp_node_is (features, "features", XMPP_NS_STREAMS));
  g_assert_nonnull (xmpp_node_get_child (features, "starttls", "urn:ietf:params:xml:ns:xmpp-tls"));

  xml0 = stanza_xml (c, 0);
  g_assert_cmpstr (xml0, ==,
                   "<features xmlns='http://etherx.jabber.org/streams'>"
                   "<starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'><required/></starttls>"
                   "<mechanisms xmlns='urn:ietf:params:xml:ns:xmpp-sasl'>"
                   "<mechanism>SCRAM-SHA-1</mechanism><mechanism>PLAIN</mechanism>"
                   "</mechanisms></features>");
  xml1 = stanza_xml (c, 1);
  g_assert_cmpstr (xml1, ==,
                   "<message from='romeo@example.net/orchard' to='juliet@example.com' "
                   "type='chat' id='m1'><body>Art thou not Romeo, &amp; a Montague?</body>"
                   "<active xmlns='http://jabber.org/protocol/chatstates'/></message>");
  g_assert_cmpstr (xmpp_node_get_child_text (g_ptr_array_index (c->stanzas, 1), "body", NS_CLIENT),
                   ==, "Art thou not Romeo, & a Montague?");
  xml2 = stanza_xml (c, 2);
  g_assert_cmpstr (xml2, ==,
                   "<presence from='romeo@example.net/orchard'><show>away</show>"
                   "<priority>5</priority><c xmlns='http://jabber.org/protocol/caps' "
                   "hash='sha-1' node='https://natter.im' ver='QgayPKawpkPSDYmwT/WM94uAlu0='/>"
                   "</presence>");
  xml3 = stanza_xml (c, 3);
  g_assert_cmpstr (xml3, ==,
                   "<iq type='result' id='r1'><query xmlns='jabber:iq:roster' ver='ver7'>"
                   "<item jid='nurse@example.com' name='Nurse' subscription='both'>"
                   "<group>Servants</group></item></query></iq>");

  /* The reader interns names, so dispatchers can compare pointers. */
  g_assert_true (xmpp_node_get_name (g_ptr_array_index (c->stanzas, 1)) ==
                 g_intern_string ("message"));
  g_assert_true (xmpp_node_get_xmlns (g_ptr_array_index (c->stanzas, 1)) ==
                 g_intern_string (NS_CLIENT));
}

/* Entities, character references, CDATA, UTF-8 of every length, mixed
 * content, prefixed attributes: everything a chunk boundary can split.
 */
static const char tricky_stanzas[] =
  "<message to='a&amp;b@example.com' x='&lt;&gt;&quot;&apos;&#38;&#x41;&#10;&#9;.' "
  "y=\"it's\">\n  <body>caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 &amp;&lt;&gt; &#x263A;&#9731; "
  "<![CDATA[<not> & markup]]> end\r\nline</body>\n"
  "  <x xmlns='urn:x' xmlns:foo='urn:foo' foo:bar='1' xml:lang='de'>a<b/>b<c>z</c>c</x>\n"
  "</message>"
  "<iq type='get' id='\xe6\x97\xa5\xe6\x9c\xac'><ping xmlns='urn:xmpp:ping'/></iq>";

static void
check_tricky_stanzas (Collector *c)
{
  XmppNode *message;
  XmppNode *x;

  g_assert_cmpuint (c->stanzas->len, ==, 2);
  message = g_ptr_array_index (c->stanzas, 0);
  g_assert_cmpstr (xmpp_node_get_attribute (message, "to"), ==, "a&b@example.com");
  g_assert_cmpstr (xmpp_node_get_attribute (message, "x"), ==, "<>\"'&A\n\t.");
  g_assert_cmpstr (xmpp_node_get_attribute (message, "y"), ==, "it's");
  /* Indentation between children is not text; text is accumulated. */
  g_assert_cmpstr (xmpp_node_get_text (message), ==, "");
  g_assert_cmpstr (xmpp_node_get_child_text (message, "body", NS_CLIENT), ==,
                   "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80 &<> \xe2\x98\xba\xe2\x98\x83 "
                   "<not> & markup end\nline");
  x = xmpp_node_get_child (message, "x", "urn:x");
  g_assert_nonnull (x);
  g_assert_cmpstr (xmpp_node_get_text (x), ==, "abc");
  g_assert_cmpstr (xmpp_node_get_attribute (x, "foo:bar"), ==, "1");
  g_assert_cmpstr (xmpp_node_get_attribute (x, "xmlns:foo"), ==, "urn:foo");
  g_assert_cmpstr (xmpp_node_get_attribute (x, "xml:lang"), ==, "de");
  g_assert_cmpuint (xmpp_node_get_attribute_count (x), ==, 3);
  g_assert_cmpstr (xmpp_node_get_child_text (x, "c", "urn:x"), ==, "z");
  g_assert_cmpstr (xmpp_node_get_attribute (g_ptr_array_index (c->stanzas, 1), "id"), ==,
                   "\xe6\x97\xa5\xe6\x9c\xac");
}

static void
test_reader_byte_by_byte_gives_identical_trees (void)
{
  g_autoptr(Collector) whole = collector_new ();
  g_autoptr(Collector) bytes = collector_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *stream = g_strconcat (HEADER, tricky_stanzas, "</stream:stream>", NULL);
  gsize length = strlen (stream);

  g_assert_true (feed_chunked (whole, stream, length, 0, &error));
  g_assert_no_error (error);
  check_tricky_stanzas (whole);
  g_assert_cmpuint (whole->closed, ==, 1);

  g_assert_true (feed_chunked (bytes, stream, length, 1, &error));
  g_assert_no_error (error);
  check_tricky_stanzas (bytes);
  g_assert_cmpuint (bytes->closed, ==, 1);
  g_assert_true (xmpp_node_equal (whole->header, bytes->header));
  for (guint i = 0; i < whole->stanzas->len; i++)
    {
      g_autofree char *a = stanza_xml (whole, i);
      g_autofree char *b = stanza_xml (bytes, i);

      g_assert_true (xmpp_node_equal (g_ptr_array_index (whole->stanzas, i),
                                      g_ptr_array_index (bytes->stanzas, i)));
      g_assert_cmpstr (a, ==, b);
    }
}

/* Every split point of two feeds, to catch boundary bugs anywhere. */
static void
test_reader_every_split_point (void)
{
  g_autofree char *stream = g_strconcat (HEADER, tricky_stanzas, NULL);
  gsize length = strlen (stream);

  for (gsize split = 1; split < length; split++)
    {
      g_autoptr(Collector) c = collector_new ();
      g_autoptr(GError) error = NULL;

      g_assert_true (xmpp_reader_feed (c->reader, stream, split, &error));
      g_assert_no_error (error);
      g_assert_true (xmpp_reader_feed (c->reader, stream + split, length - split, &error));
      g_assert_no_error (error);
      check_tricky_stanzas (c);
    }
}

static void
test_reader_utf8_split_across_feeds (void)
{
  static const char *const characters[] = {
    "\xc3\xa9",          /* é, 2 bytes */
    "\xe2\x82\xac",      /* €, 3 bytes */
    "\xf0\x9f\x98\x80",  /* 😀, 4 bytes */
    "\xef\xbf\xbd",      /* U+FFFD, the last allowed before U+FFFE */
    "\xf4\x8f\xbf\xbf",  /* U+10FFFF */
  };

  for (guint i = 0; i < G_N_ELEMENTS (characters); i++)
    {
      gsize n = strlen (characters[i]);

      for (gsize cut = 1; cut < n; cut++)
        {
          g_autoptr(Collector) c = collector_new ();
          g_autoptr(GError) error = NULL;
          g_autofree char *expected = g_strconcat ("x", characters[i], "y", NULL);

          g_assert_true (feed_str (c, HEADER "<message><body>x", &error));
          g_assert_true (xmpp_reader_feed (c->reader, characters[i], cut, &error));
          g_assert_true (xmpp_reader_feed (c->reader, characters[i] + cut, n - cut, &error));
          g_assert_true (xmpp_reader_feed (c->reader, "y</body></message>", 18, &error));
          g_assert_no_error (error);
          g_assert_cmpuint (c->stanzas->len, ==, 1);
          g_assert_cmpstr (xmpp_node_get_child_text (g_ptr_array_index (c->stanzas, 0), "body",
                                                     NULL), ==, expected);
        }
    }
}

static void
test_reader_byte_order_mark_and_declaration (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;
  static const char stream[] =
    "\xef\xbb\xbf<?xml version='1.0' encoding='utf-8' standalone='yes' ?>" STREAM_OPEN
    "<message><body>\xef\xbb\xbf</body></message>";

  g_assert_true (feed_chunked (c, stream, strlen (stream), 1, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->opened, ==, 1);
  g_assert_cmpuint (c->stanzas->len, ==, 1);
  g_assert_cmpstr (xmpp_node_get_child_text (g_ptr_array_index (c->stanzas, 0), "body", NULL), ==,
                   "\xef\xbb\xbf");
}

/* The XML namespace cannot be a default namespace, so such elements keep
 * their xml: prefix when written.
 */
static void
test_reader_xml_namespace_element_round_trip (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(Collector) again = collector_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) reparse = g_string_new (HEADER);
  g_autofree char *xml = NULL;

  g_assert_true (feed_str (c, HEADER "<message><xml:odd xml:lang='en'><child/></xml:odd></message>",
                           &error));
  g_assert_no_error (error);
  g_assert_nonnull (xmpp_node_get_child (g_ptr_array_index (c->stanzas, 0), "odd", XMPP_NS_XML));
  xml = stanza_xml (c, 0);
  g_assert_cmpstr (xml, ==,
                   "<message><xml:odd xml:lang='en'><child xmlns='jabber:client'/></xml:odd>"
                   "</message>");

  g_string_append (reparse, xml);
  g_assert_true (feed_str (again, reparse->str, &error));
  g_assert_no_error (error);
  g_assert_true (xmpp_node_equal (g_ptr_array_index (c->stanzas, 0),
                                  g_ptr_array_index (again->stanzas, 0)));
}

static void
test_reader_stream_level_whitespace_and_cdata (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (feed_str (c, HEADER " \n\t\r\n<![CDATA[ \n ]]><r xmlns='urn:xmpp:sm:3'/>\n",
                           &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->stanzas->len, ==, 1);
}

/* The scanner stops before a bad character is complete, so libxml2 (and
 * whatever it would make of it) never sees one.
 */
static void
test_reader_invalid_characters_never_reach_libxml2 (void)
{
  static const char *const bad[] = {
    "\xc0\xbc", "\xe0\x80\xbc", "\xed\xa0\x80", "\xef\xbf\xbe", "\xef\xbf\xbf",
    "\xf4\x90\x80\x80", "\xf8\x88\x80\x80\x80", "\x80", "\xeb<", "\x01",
  };
  static const char prefix[] = HEADER "<message><body>ok ";

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      for (gsize chunk = 0; chunk <= 1; chunk++)
        {
          g_autoptr(Collector) c = collector_new ();
          g_autoptr(GError) error = NULL;
          g_autofree char *data = g_strconcat (prefix, bad[i], "</body></message>", NULL);

          g_assert_false (feed_chunked (c, data, strlen (data), chunk, &error));
          g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_NOT_WELL_FORMED);
          g_assert_cmpstr (strstr (error->message, " at byte "), !=, NULL);
          g_assert_cmpuint (xmpp_reader_get_bytes_fed (c->reader), <,
                            strlen (prefix) + MAX (strlen (bad[i]), 1));
        }
    }
}

typedef struct
{
  const char      *name;
  const char      *data;
  gsize            length;
  XmppStreamError  code;
} BadInput;

#define BAD(name, data, code) { name, data, sizeof (data) - 1, XMPP_STREAM_ERROR_ ## code }

#define BILLION_LAUGHS \
  "<?xml version='1.0'?><!DOCTYPE stream:stream [" \
  "<!ENTITY a 'aaaaaaaaaa'><!ENTITY b '&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;'>" \
  "<!ENTITY c '&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;'><!ENTITY d '&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;'>" \
  "<!ENTITY e '&d;&d;&d;&d;&d;&d;&d;&d;&d;&d;'><!ENTITY f '&e;&e;&e;&e;&e;&e;&e;&e;&e;&e;'>" \
  "<!ENTITY g '&f;&f;&f;&f;&f;&f;&f;&f;&f;&f;'><!ENTITY h '&g;&g;&g;&g;&g;&g;&g;&g;&g;&g;'>" \
  "<!ENTITY i '&h;&h;&h;&h;&h;&h;&h;&h;&h;&h;'>]>" \
  "<stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams'>" \
  "<message><body>&i;</body></message>"

static const BadInput bad_inputs[] = {
  BAD ("doctype-internal-subset",
       "<?xml version='1.0'?><!DOCTYPE stream [<!ENTITY x 'y'>]>" HEADER,
       RESTRICTED_XML),
  BAD ("billion-laughs",
       BILLION_LAUGHS,
       RESTRICTED_XML),
  BAD ("external-entity",
       "<?xml version='1.0'?><!DOCTYPE foo [<!ENTITY ee SYSTEM 'file:///etc/passwd'>]>"
       "<stream:stream xmlns:stream='http://etherx.jabber.org/streams'><m>&ee;</m>",
       RESTRICTED_XML),
  BAD ("dtd-url",
       "<!DOCTYPE stream:stream SYSTEM 'http://127.0.0.1:1/evil.dtd'>" HEADER,
       RESTRICTED_XML),
  BAD ("doctype-mid-stream",
       HEADER "<!DOCTYPE x>",
       RESTRICTED_XML),
  BAD ("entity-declaration-mid-stream",
       HEADER "<!ENTITY x 'y'>",
       RESTRICTED_XML),
  BAD ("undefined-entity-in-text",
       HEADER "<message><body>&foo;</body></message>",
       RESTRICTED_XML),
  BAD ("undefined-entity-in-attribute",
       HEADER "<message to='&foo;'/>",
       RESTRICTED_XML),
  BAD ("comment-in-prolog",
       "<?xml version='1.0'?><!-- x -->" HEADER,
       RESTRICTED_XML),
  BAD ("comment-between-stanzas",
       HEADER "<!-- x -->",
       RESTRICTED_XML),
  BAD ("comment-in-stanza",
       HEADER "<message><!-- x --></message>",
       RESTRICTED_XML),
  BAD ("processing-instruction",
       HEADER "<?php echo 1; ?>",
       RESTRICTED_XML),
  BAD ("processing-instruction-at-start",
       "<?xml-stylesheet href='x.xsl'?>" HEADER,
       RESTRICTED_XML),
  BAD ("misplaced-xml-declaration",
       HEADER "<?xml version='1.0'?>",
       RESTRICTED_XML),
  BAD ("xml-version-1.1",
       "<?xml version='1.1'?>" STREAM_OPEN,
       RESTRICTED_XML),
  BAD ("encoding-iso-8859-1",
       "<?xml version='1.0' encoding='ISO-8859-1'?>" STREAM_OPEN
       "<message><body>caf\xe9</body></message>",
       UNSUPPORTED_ENCODING),
  BAD ("encoding-utf-16-declared",
       "<?xml version='1.0' encoding='UTF-16'?>" STREAM_OPEN,
       UNSUPPORTED_ENCODING),
  BAD ("encoding-utf-16-bom",
       "\xff\xfe<\0?\0x\0m\0l\0",
       UNSUPPORTED_ENCODING),
  BAD ("encoding-utf-16-no-bom",
       "<\0?\0x\0m\0l\0",
       UNSUPPORTED_ENCODING),
  BAD ("malformed-xml-declaration",
       "<?xml encoding='UTF-8'?>" STREAM_OPEN,
       NOT_WELL_FORMED),
  BAD ("utf8-overlong",
       HEADER "<message><body>\xc0\xbc</body></message>",
       NOT_WELL_FORMED),
  BAD ("utf8-overlong-3-bytes",
       HEADER "<message><body>\xe0\x80\xbc</body></message>",
       NOT_WELL_FORMED),
  BAD ("utf8-surrogate",
       HEADER "<message><body>\xed\xa0\x80</body></message>",
       NOT_WELL_FORMED),
  BAD ("utf8-fffe",
       HEADER "<message><body>\xef\xbf\xbe</body></message>",
       NOT_WELL_FORMED),
  BAD ("utf8-ffff-in-attribute",
       HEADER "<message id='\xef\xbf\xbf'/>",
       NOT_WELL_FORMED),
  BAD ("utf8-above-10ffff",
       HEADER "<message><body>\xf4\x90\x80\x80</body></message>",
       NOT_WELL_FORMED),
  BAD ("utf8-smuggled-stanza",
       HEADER "<message><body>\xeb<message from='evil'/></body></message>",
       NOT_WELL_FORMED),
  BAD ("utf8-stray-continuation",
       HEADER "<message><body>\x80</body></message>",
       NOT_WELL_FORMED),
  BAD ("nul-byte",
       HEADER "<message><body>a\0b</body></message>",
       NOT_WELL_FORMED),
  BAD ("control-character",
       HEADER "<message><body>\x1b[0m</body></message>",
       NOT_WELL_FORMED),
  BAD ("char-ref-nul",
       HEADER "<message><body>&#0;</body></message>",
       NOT_WELL_FORMED),
  BAD ("char-ref-nul-in-attribute",
       HEADER "<message id='&#0;'/>",
       NOT_WELL_FORMED),
  BAD ("char-ref-surrogate",
       HEADER "<message><body>&#xD800;</body></message>",
       NOT_WELL_FORMED),
  BAD ("char-ref-fffe",
       HEADER "<message><body>&#xFFFE;</body></message>",
       NOT_WELL_FORMED),
  BAD ("char-ref-escape",
       HEADER "<message><body>&#27;</body></message>",
       NOT_WELL_FORMED),
  BAD ("mismatched-tags",
       HEADER "<message><body></message>",
       NOT_WELL_FORMED),
  BAD ("lt-in-attribute",
       HEADER "<message to='a<b'/>",
       NOT_WELL_FORMED),
  BAD ("duplicate-attribute",
       HEADER "<message to='a' to='b'/>",
       NOT_WELL_FORMED),
  BAD ("content-after-close",
       HEADER "</stream:stream><message/>",
       NOT_WELL_FORMED),
  BAD ("wrong-root-name",
       "<message xmlns='jabber:client'>",
       INVALID_NAMESPACE),
  BAD ("wrong-stream-namespace",
       "<stream:stream xmlns:stream='urn:wrong' xmlns='jabber:client'>",
       INVALID_NAMESPACE),
  BAD ("undeclared-stream-prefix",
       "<stream:stream xmlns='jabber:client' to='example.org'>",
       BAD_NAMESPACE_PREFIX),
  BAD ("undeclared-prefix-in-stanza",
       HEADER "<message><foo:bar/></message>",
       BAD_NAMESPACE_PREFIX),
  BAD ("cdata-between-stanzas",
       HEADER "<![CDATA[hello]]>",
       BAD_FORMAT),
  BAD ("text-between-stanzas",
       HEADER "hello<message/>",
       BAD_FORMAT),
};

static void
check_bad_input (const BadInput *bad,
                 gsize           chunk)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) again = NULL;
  gsize length = bad->length;

  g_test_message ("%s, chunk %" G_GSIZE_FORMAT, bad->name, chunk);
  g_assert_false (feed_chunked (c, bad->data, length, chunk, &error));
  g_assert_error (error, XMPP_STREAM_ERROR, bad->code);
  g_assert_cmpuint (c->stanzas->len, ==, 0);

  /* Nothing more until a reset. */
  g_assert_false (xmpp_reader_feed (c->reader, HEADER, strlen (HEADER), &again));
  g_assert_error (again, XMPP_STREAM_ERROR, bad->code);
  g_assert_cmpuint (c->stanzas->len, ==, 0);
}

static void
test_reader_forbidden_constructs (gconstpointer data)
{
  const BadInput *bad = data;

  check_bad_input (bad, 0);
  check_bad_input (bad, 1);
  check_bad_input (bad, 7);
}

static void
test_reader_billion_laughs_costs_nothing (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();

  g_assert_false (xmpp_reader_feed (c->reader, BILLION_LAUGHS, strlen (BILLION_LAUGHS), &error));
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_RESTRICTED_XML);
  /* It stops at "<!D": nothing of the DTD reached libxml2. */
  g_assert_cmpuint (xmpp_reader_get_bytes_fed (c->reader), ==, strlen ("<?xml version='1.0'?><!"));
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
}

static char *
nested_stanza (guint levels)
{
  GString *s = g_string_new ("<message>");

  for (guint i = 1; i < levels; i++)
    g_string_append (s, "<a>");
  for (guint i = 1; i < levels; i++)
    g_string_append (s, "</a>");
  g_string_append (s, "</message>");
  return g_string_free (s, FALSE);
}

static void
test_reader_depth_limit (void)
{
  g_autofree char *ok_stanza = nested_stanza (XMPP_READER_DEFAULT_MAX_DEPTH);
  g_autofree char *deep_stanza = nested_stanza (XMPP_READER_DEFAULT_MAX_DEPTH + 1);
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(Collector) d = collector_new ();
  g_autoptr(Collector) e = collector_new ();
  g_autoptr(GError) error = NULL;

  g_assert_true (xmpp_reader_feed (c->reader, HEADER, strlen (HEADER), &error));
  g_assert_true (xmpp_reader_feed (c->reader, ok_stanza, strlen (ok_stanza), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->stanzas->len, ==, 1);

  g_assert_true (xmpp_reader_feed (d->reader, HEADER, strlen (HEADER), &error));
  g_assert_false (xmpp_reader_feed (d->reader, deep_stanza, strlen (deep_stanza), &error));
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_POLICY_VIOLATION);
  g_assert_cmpuint (d->stanzas->len, ==, 0);
  g_clear_error (&error);

  /* A lower limit, set between stanzas. */
  xmpp_reader_set_max_depth (e->reader, 3);
  g_assert_cmpuint (xmpp_reader_get_max_depth (e->reader), ==, 3);
  g_assert_true (feed_str (e, HEADER "<m><a><b/></a></m>", &error));
  g_assert_false (xmpp_reader_feed (e->reader, "<m><a><b><c/></b></a></m>", 25, &error));
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_POLICY_VIOLATION);
  g_assert_cmpuint (e->stanzas->len, ==, 1);
}

static void
test_reader_deep_nesting_rejected_quickly (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) s = g_string_new (HEADER "<message>");
  gint64 start;

  for (guint i = 0; i < 100000; i++)
    g_string_append (s, "<a>");

  start = g_get_monotonic_time ();
  g_assert_false (xmpp_reader_feed (c->reader, s->str, s->len, &error));
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_POLICY_VIOLATION);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_assert_cmpuint (c->stanzas->len, ==, 0);
}

static char *
stanza_of_size (gsize size)
{
  static const char head[] = "<message><body>";
  static const char tail[] = "</body></message>";
  g_autofree char *fill = g_strnfill (size - strlen (head) - strlen (tail), 'x');
  char *s = g_strconcat (head, fill, tail, NULL);

  g_assert_cmpuint (strlen (s), ==, size);
  return s;
}

static void
test_reader_stanza_size_limit_exact (void)
{
  g_autofree char *fits = stanza_of_size (1000);
  g_autofree char *too_big = stanza_of_size (1001);

  for (gsize chunk = 0; chunk <= 64; chunk += 64)
    {
      g_autoptr(Collector) c = collector_new ();
      g_autoptr(GError) error = NULL;

      xmpp_reader_set_max_stanza_bytes (c->reader, 1000);
      g_assert_cmpuint (xmpp_reader_get_max_stanza_bytes (c->reader), ==, 1000);
      g_assert_true (feed_chunked (c, HEADER, strlen (HEADER), chunk, &error));
      g_assert_true (feed_chunked (c, fits, 1000, chunk, &error));
      g_assert_true (feed_chunked (c, "\n\n", 2, chunk, &error));
      g_assert_true (feed_chunked (c, fits, 1000, chunk, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (c->stanzas->len, ==, 2);
      g_assert_false (feed_chunked (c, too_big, 1001, chunk, &error));
      g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_POLICY_VIOLATION);
      g_assert_cmpuint (c->stanzas->len, ==, 2);
    }
}

/* A 50 MB body or attribute that never ends is cut off as soon as it
 * passes the limit, without libxml2 buffering it.
 */
static void
check_endless_stanza (const char *start,
                      char        fill)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *chunk = g_malloc (64 * 1024);
  guint64 header_bytes;
  gsize fed = 0;

  memset (chunk, fill, 64 * 1024);
  g_assert_true (xmpp_reader_feed (c->reader, HEADER, strlen (HEADER), &error));
  header_bytes = xmpp_reader_get_bytes_fed (c->reader);
  g_assert_true (xmpp_reader_feed (c->reader, start, strlen (start), &error));
  while (fed < 50 * 1024 * 1024)
    {
      if (!xmpp_reader_feed (c->reader, chunk, 64 * 1024, &error))
        break;
      fed += 64 * 1024;
    }
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_POLICY_VIOLATION);
  g_assert_cmpuint (fed, <=, XMPP_READER_DEFAULT_MAX_STANZA_BYTES);
  g_assert_cmpuint (xmpp_reader_get_bytes_fed (c->reader) - header_bytes, <=,
                    XMPP_READER_DEFAULT_MAX_STANZA_BYTES + 1);
  g_assert_cmpuint (c->stanzas->len, ==, 0);
}

static void
test_reader_endless_stanza_cut_off (void)
{
  check_endless_stanza ("<message><body>", 'a');
  check_endless_stanza ("<message to='", 'a');
  check_endless_stanza ("<message><body><![CDATA[", 'a');
  check_endless_stanza ("<message", ' ');
}

static void
test_reader_attribute_limit (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(Collector) d = collector_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) ok = g_string_new ("<message");
  g_autoptr(GString) huge = g_string_new (HEADER "<message");
  gint64 start;

  /* 256 including the namespace declaration pass. */
  g_string_append (ok, " xmlns='urn:many'");
  for (guint i = 1; i < XMPP_READER_DEFAULT_MAX_ATTRIBUTES; i++)
    g_string_append_printf (ok, " a%u=''", i);
  g_string_append (ok, "/>");
  g_assert_true (xmpp_reader_feed (c->reader, HEADER, strlen (HEADER), &error));
  g_assert_true (xmpp_reader_feed (c->reader, ok->str, ok->len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->stanzas->len, ==, 1);
  g_assert_cmpuint (xmpp_node_get_attribute_count (g_ptr_array_index (c->stanzas, 0)), ==,
                    XMPP_READER_DEFAULT_MAX_ATTRIBUTES - 1);

  /* A million are refused at the 257th, with the byte limit out of the way. */
  xmpp_reader_set_max_stanza_bytes (d->reader, 1024 * 1024 * 1024);
  for (guint i = 0; i < 1000000; i++)
    g_string_append_printf (huge, " a%u=''", i);
  g_string_append (huge, "/>");
  start = g_get_monotonic_time ();
  g_assert_false (xmpp_reader_feed (d->reader, huge->str, huge->len, &error));
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_POLICY_VIOLATION);
  g_assert_cmpint (g_get_monotonic_time () - start, <, G_USEC_PER_SEC);
  g_assert_cmpuint (xmpp_reader_get_bytes_fed (d->reader), <, strlen (HEADER) + 4096);
  g_assert_cmpuint (d->stanzas->len, ==, 0);
}

static void
test_reader_stream_error_and_close_reported (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;
  static const char tail[] =
    "<stream:error><host-unknown xmlns='urn:ietf:params:xml:ns:xmpp-streams'/>"
    "<text xmlns='urn:ietf:params:xml:ns:xmpp-streams' xml:lang='en'>No such host</text>"
    "</stream:error></stream:stream>";
  XmppNode *stream_error;

  g_assert_true (xmpp_reader_feed (c->reader, HEADER, strlen (HEADER), &error));
  g_assert_true (xmpp_reader_feed (c->reader, tail, strlen (tail), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->stanzas->len, ==, 1);
  g_assert_cmpuint (c->closed, ==, 1);
  stream_error = g_ptr_array_index (c->stanzas, 0);
  g_assert_true (xmpp_node_is (stream_error, "error", XMPP_NS_STREAMS));
  g_assert_nonnull (xmpp_node_get_child (stream_error, "host-unknown",
                                         "urn:ietf:params:xml:ns:xmpp-streams"));
  g_assert_cmpstr (xmpp_node_get_child_text (stream_error, "text", NULL), ==, "No such host");

  /* Whitespace after the close is fine. */
  g_assert_true (xmpp_reader_feed (c->reader, "\n", 1, &error));
}

static void
test_reader_reset_between_streams (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;
  static const char features[] =
    "<stream:features><starttls xmlns='urn:ietf:params:xml:ns:xmpp-tls'/></stream:features>";

  g_assert_true (xmpp_reader_feed (c->reader, HEADER, strlen (HEADER), &error));
  g_assert_true (xmpp_reader_feed (c->reader, features, strlen (features), &error));
  /* Half a stanza is buffered when the stream restarts. */
  g_assert_true (xmpp_reader_feed (c->reader, "<message><body>stale", 20, &error));
  xmpp_reader_reset (c->reader);
  g_assert_null (xmpp_reader_get_stream_namespace (c->reader));
  g_assert_cmpuint (xmpp_reader_get_bytes_fed (c->reader), ==, 0);

  g_assert_true (xmpp_reader_feed (c->reader, HEADER, strlen (HEADER), &error));
  g_assert_true (xmpp_reader_feed (c->reader, features, strlen (features), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->opened, ==, 2);
  g_assert_cmpuint (c->stanzas->len, ==, 2);
  g_assert_true (xmpp_node_equal (g_ptr_array_index (c->stanzas, 0),
                                  g_ptr_array_index (c->stanzas, 1)));
}

/* SECURITY.md row 36: bytes after <proceed/> in the same read must not
 * reach the next stream.
 */
static void
test_reader_reset_in_callback_discards_rest (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;
  static const char injected[] =
    "<proceed xmlns='urn:ietf:params:xml:ns:xmpp-tls'/>"
    "<success xmlns='urn:ietf:params:xml:ns:xmpp-sasl'/>";

  c->reset_on = "proceed";
  g_assert_true (xmpp_reader_feed (c->reader, HEADER, strlen (HEADER), &error));
  g_assert_true (xmpp_reader_feed (c->reader, injected, strlen (injected), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->stanzas->len, ==, 1);
  g_assert_true (xmpp_node_is (g_ptr_array_index (c->stanzas, 0), "proceed", NULL));

  c->reset_on = NULL;
  g_assert_true (feed_str (c, HEADER "<r xmlns='urn:xmpp:sm:3'/>", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->opened, ==, 2);
  g_assert_cmpuint (c->stanzas->len, ==, 2);
  g_assert_true (xmpp_node_is (g_ptr_array_index (c->stanzas, 1), "r", "urn:xmpp:sm:3"));
}

static void
test_reader_reset_after_error (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;

  g_assert_false (feed_str (c, HEADER "<!-- -->", &error));
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_RESTRICTED_XML);
  g_clear_error (&error);

  xmpp_reader_reset (c->reader);
  g_assert_true (feed_str (c, HEADER "<message/>", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->opened, ==, 2);
  g_assert_cmpuint (c->stanzas->len, ==, 1);
}

/* Stanzas serialised by the node API and parsed again give the same tree. */
static void
test_reader_serialisation_round_trip (void)
{
  g_autoptr(Collector) first = collector_new ();
  g_autoptr(Collector) second = collector_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) again = g_string_new (HEADER);
  g_autofree char *stream = g_strconcat (HEADER, several_stanzas, tricky_stanzas, NULL);

  g_assert_true (xmpp_reader_feed (first->reader, stream, strlen (stream), &error));
  g_assert_no_error (error);
  g_assert_cmpuint (first->stanzas->len, ==, 6);
  for (guint i = 0; i < first->stanzas->len; i++)
    xmpp_node_write (g_ptr_array_index (first->stanzas, i), again, NS_CLIENT);

  g_assert_true (xmpp_reader_feed (second->reader, again->str, again->len, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (second->stanzas->len, ==, first->stanzas->len);
  for (guint i = 0; i < first->stanzas->len; i++)
    g_assert_true (xmpp_node_equal (g_ptr_array_index (first->stanzas, i),
                                    g_ptr_array_index (second->stanzas, i)));
}

/* Found by fuzzing: namespace names reach the SAX callbacks with '&' as
 * "&#38;", and libxml2 calls a namespace that is not an RFC 3986 URI an
 * error; servers relay such stanzas, so neither may break the stream.
 */
static void
test_reader_odd_namespace_names (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *xml = NULL;
  XmppNode *message;

  g_assert_true (feed_str (c, HEADER "<message><x xmlns='urn:a&amp;b'/><y xmlns='not a uri'/>"
                           "<z xmlns:p='urn:p&#38;q' p:k='v'/></message>", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (c->stanzas->len, ==, 1);
  message = g_ptr_array_index (c->stanzas, 0);
  g_assert_nonnull (xmpp_node_get_child (message, "x", "urn:a&b"));
  g_assert_nonnull (xmpp_node_get_child (message, "y", "not a uri"));
  g_assert_cmpstr (xmpp_node_get_attribute (xmpp_node_get_child (message, "z", NULL), "xmlns:p"),
                   ==, "urn:p&q");
  xml = stanza_xml (c, 0);
  g_assert_cmpstr (xml, ==,
                   "<message><x xmlns='urn:a&amp;b'/><y xmlns='not a uri'/>"
                   "<z p:k='v' xmlns:p='urn:p&amp;q'/></message>");
}

/* GLib never frees interned strings (and leaks its old quark arrays as the
 * table grows), so a peer inventing names must not make the process grow
 * without bound: past the budget, names stay private copies that still
 * compare by value.  Names already interned keep their pointers.
 */
static void
test_reader_intern_budget_bounds_new_names (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(Collector) again = collector_new ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) reparse = g_string_new (HEADER);
  g_autofree char *tag = g_strdup_printf ("%08x%08x", g_random_int (), g_random_int ());
  g_autofree char *u1 = g_strconcat ("u1-", tag, NULL);
  g_autofree char *u2 = g_strconcat ("u2-", tag, NULL);
  g_autofree char *u3 = g_strconcat ("u3-", tag, NULL);
  g_autofree char *u4 = g_strconcat ("u4-", tag, NULL);
  g_autofree char *u5 = g_strconcat ("u5-", tag, NULL);
  g_autofree char *ns = g_strconcat ("urn:u-", tag, NULL);
  g_autofree char *known = g_strconcat ("known-", tag, NULL);
  g_autofree char *stanza = NULL;
  XmppNode *message;
  XmppNode *n4;

  g_assert_true (feed_str (c, HEADER, &error));
  g_intern_string ("message");
  g_intern_string (known);

  xmpp_reader_set_intern_budget (2);
  stanza = g_strdup_printf ("<message><%s/><%s/><%s/><%s xmlns='%s' %s='v'/><%s/></message>",
                            u1, u2, u3, u4, ns, u5, known);
  g_assert_true (feed_str (c, stanza, &error));
  xmpp_reader_set_intern_budget (XMPP_READER_INTERN_BUDGET);
  g_assert_no_error (error);

  g_assert_cmpuint (c->stanzas->len, ==, 1);
  message = g_ptr_array_index (c->stanzas, 0);
  g_assert_true (xmpp_node_get_name (xmpp_node_get_child_at (message, 0)) ==
                 g_quark_to_string (g_quark_try_string (u1)));
  g_assert_true (xmpp_node_get_name (xmpp_node_get_child_at (message, 1)) ==
                 g_quark_to_string (g_quark_try_string (u2)));
  g_assert_cmpuint (g_quark_try_string (u3), ==, 0);
  g_assert_cmpuint (g_quark_try_string (u4), ==, 0);
  g_assert_cmpuint (g_quark_try_string (u5), ==, 0);
  g_assert_cmpuint (g_quark_try_string (ns), ==, 0);
  g_assert_true (xmpp_node_get_name (xmpp_node_get_child_at (message, 4)) ==
                 g_intern_string (known));

  /* Private copies still work everywhere. */
  g_assert_cmpstr (xmpp_node_get_name (xmpp_node_get_child_at (message, 2)), ==, u3);
  n4 = xmpp_node_get_child (message, u4, ns);
  g_assert_nonnull (n4);
  g_assert_cmpstr (xmpp_node_get_attribute (n4, u5), ==, "v");
  xmpp_node_set_attribute (n4, "added", "1");
  g_assert_cmpstr (xmpp_node_get_attribute (n4, u5), ==, "v");

  xmpp_node_write (message, reparse, NS_CLIENT);
  g_assert_true (feed_str (again, reparse->str, &error));
  g_assert_no_error (error);
  g_assert_true (xmpp_node_equal (message, g_ptr_array_index (again->stanzas, 0)));
}

static void
test_reader_stanzas_before_fault_delivered (void)
{
  g_autoptr(Collector) c = collector_new ();
  g_autoptr(GError) error = NULL;
  static const char data[] = HEADER "<message id='1'/><message id='2'/><!-- -->";

  g_assert_false (xmpp_reader_feed (c->reader, data, strlen (data), &error));
  g_assert_error (error, XMPP_STREAM_ERROR, XMPP_STREAM_ERROR_RESTRICTED_XML);
  g_assert_cmpuint (c->stanzas->len, ==, 2);
}

static void
set_flag (gpointer data)
{
  *(gboolean *) data = TRUE;
}

static void
test_reader_destroy_notify_called (void)
{
  XmppReader *reader;
  gboolean destroyed = FALSE;
  static const XmppReaderCallbacks none = { NULL, NULL, NULL };
  g_autoptr(GError) error = NULL;

  reader = xmpp_reader_new (&none, &destroyed, set_flag);
  /* Callbacks are optional. */
  g_assert_true (xmpp_reader_feed (reader, HEADER "<message/></stream:stream>",
                                   strlen (HEADER "<message/></stream:stream>"), &error));
  g_assert_no_error (error);
  g_assert_false (destroyed);
  g_assert_finalize_object (reader);
  g_assert_true (destroyed);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/natter/xmpp/reader/stream-header-parsed", test_reader_stream_header_parsed);
  g_test_add_func ("/natter/xmpp/reader/several-stanzas-in-one-chunk",
                   test_reader_several_stanzas_in_one_chunk);
  g_test_add_func ("/natter/xmpp/reader/byte-by-byte-gives-identical-trees",
                   test_reader_byte_by_byte_gives_identical_trees);
  g_test_add_func ("/natter/xmpp/reader/every-split-point", test_reader_every_split_point);
  g_test_add_func ("/natter/xmpp/reader/utf8-split-across-feeds",
                   test_reader_utf8_split_across_feeds);
  for (guint i = 0; i < G_N_ELEMENTS (bad_inputs); i++)
    {
      g_autofree char *path = g_strconcat ("/natter/xmpp/reader/rejects/", bad_inputs[i].name,
                                           NULL);

      g_test_add_data_func (path, &bad_inputs[i], test_reader_forbidden_constructs);
    }
  g_test_add_func ("/natter/xmpp/reader/invalid-characters-never-reach-libxml2",
                   test_reader_invalid_characters_never_reach_libxml2);
  g_test_add_func ("/natter/xmpp/reader/billion-laughs-costs-nothing",
                   test_reader_billion_laughs_costs_nothing);
  g_test_add_func ("/natter/xmpp/reader/depth-limit", test_reader_depth_limit);
  g_test_add_func ("/natter/xmpp/reader/deep-nesting-rejected-quickly",
                   test_reader_deep_nesting_rejected_quickly);
  g_test_add_func ("/natter/xmpp/reader/stanza-size-limit-exact",
                   test_reader_stanza_size_limit_exact);
  g_test_add_func ("/natter/xmpp/reader/endless-stanza-cut-off",
                   test_reader_endless_stanza_cut_off);
  g_test_add_func ("/natter/xmpp/reader/attribute-limit", test_reader_attribute_limit);
  g_test_add_func ("/natter/xmpp/reader/stream-error-and-close-reported",
                   test_reader_stream_error_and_close_reported);
  g_test_add_func ("/natter/xmpp/reader/reset-between-streams", test_reader_reset_between_streams);
  g_test_add_func ("/natter/xmpp/reader/reset-in-callback-discards-rest",
                   test_reader_reset_in_callback_discards_rest);
  g_test_add_func ("/natter/xmpp/reader/reset-after-error", test_reader_reset_after_error);
  g_test_add_func ("/natter/xmpp/reader/serialisation-round-trip",
                   test_reader_serialisation_round_trip);
  g_test_add_func ("/natter/xmpp/reader/odd-namespace-names", test_reader_odd_namespace_names);
  g_test_add_func ("/natter/xmpp/reader/byte-order-mark-and-declaration",
                   test_reader_byte_order_mark_and_declaration);
  g_test_add_func ("/natter/xmpp/reader/xml-namespace-element-round-trip",
                   test_reader_xml_namespace_element_round_trip);
  g_test_add_func ("/natter/xmpp/reader/stream-level-whitespace-and-cdata",
                   test_reader_stream_level_whitespace_and_cdata);
  g_test_add_func ("/natter/xmpp/reader/intern-budget-bounds-new-names",
                   test_reader_intern_budget_bounds_new_names);
  g_test_add_func ("/natter/xmpp/reader/stanzas-before-fault-delivered",
                   test_reader_stanzas_before_fault_delivered);
  g_test_add_func ("/natter/xmpp/reader/destroy-notify-called", test_reader_destroy_notify_called);

  return g_test_run ();
}
