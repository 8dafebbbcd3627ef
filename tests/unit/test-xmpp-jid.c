/* test-xmpp-jid.c: JIDs are parsed, prepared and compared per RFC 7622
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include <string.h>

#include "xmpp/xmpp.h"

typedef struct {
  const char *input;
  const char *expected;      /* the prepared full JID */
  const char *localpart;     /* NULL for none */
  const char *domainpart;
  const char *resourcepart;  /* NULL for none */
} ValidCase;

typedef struct {
  const char *input;
  const char *message;       /* a fragment the error message must hold */
} InvalidCase;

static const ValidCase valid_cases[] = {
  /* RFC 7622 §3.5, Table 1. */
  { "juliet@example.com", "juliet@example.com", "juliet", "example.com", NULL },
  { "juliet@example.com/foo", "juliet@example.com/foo", "juliet", "example.com", "foo" },
  { "juliet@example.com/foo bar", "juliet@example.com/foo bar",
    "juliet", "example.com", "foo bar" },
  { "juliet@example.com/foo@bar", "juliet@example.com/foo@bar",
    "juliet", "example.com", "foo@bar" },
  { "foo\\20bar@example.com", "foo\\20bar@example.com", "foo\\20bar", "example.com", NULL },
  { "fussball@example.com", "fussball@example.com", "fussball", "example.com", NULL },
  /* "ß" is not folded to "ss": that would be case folding, not lower case. */
  { "fu\u00DFball@example.com", "fu\u00DFball@example.com", "fu\u00DFball", "example.com", NULL },
  { "\u03C0@example.com", "\u03C0@example.com", "\u03C0", "example.com", NULL },
  /* Capital sigma becomes small sigma, not final sigma. */
  { "\u03A3@example.com/foo", "\u03C3@example.com/foo", "\u03C3", "example.com", "foo" },
  { "\u03C3@example.com/foo", "\u03C3@example.com/foo", "\u03C3", "example.com", "foo" },
  { "\u03C2@example.com/foo", "\u03C2@example.com/foo", "\u03C2", "example.com", "foo" },
  { "king@example.com/\u265A", "king@example.com/\u265A", "king", "example.com", "\u265A" },
  { "example.com", "example.com", NULL, "example.com", NULL },
  { "example.com/foobar", "example.com/foobar", NULL, "example.com", "foobar" },
  { "a.example.com/b@example.net", "a.example.com/b@example.net",
    NULL, "a.example.com", "b@example.net" },
  /* RFC 7622 erratum 4560: OpaqueString allows a leading space. */
  { "juliet@example.com/ foo", "juliet@example.com/ foo", "juliet", "example.com", " foo" },

  /* Case, trailing dot, width. */
  { "ALICE@Example.COM.", "alice@example.com", "alice", "example.com", NULL },
  { "alice@example.com/Phone", "alice@example.com/Phone", "alice", "example.com", "Phone" },
  { "\uFF4A\uFF55\uFF4C\uFF49\uFF45\uFF54@example.com", "juliet@example.com",
    "juliet", "example.com", NULL },
  { "juliet@\uFF45\uFF58\uFF41\uFF4D\uFF50\uFF4C\uFF45\uFF0E\uFF43\uFF4F\uFF4D",
    "juliet@example.com", "juliet", "example.com", NULL },
  { "juliet@example\u3002com", "juliet@example.com", "juliet", "example.com", NULL },
  /* Halfwidth KA + halfwidth voiced mark: width-mapped, then composed. */
  { "\uFF76\uFF9E@example.com", "\u30AC@example.com", "\u30AC", "example.com", NULL },
  /* The resourcepart is not width-mapped; other spaces become U+0020. */
  { "a@example.com/\uFF21\u00A0b\u3000c", "a@example.com/\uFF21 b c",
    "a", "example.com", "\uFF21 b c" },
  { "a@example.com/henry\u2163", "a@example.com/henry\u2163", "a", "example.com", "henry\u2163" },

  /* Splitting: '/' first, then the first '@' before it. */
  { "a@b/c/d", "a@b/c/d", "a", "b", "c/d" },
  { "server/resource@foo", "server/resource@foo", NULL, "server", "resource@foo" },
  { "server/resource@foo/bar", "server/resource@foo/bar", NULL, "server", "resource@foo/bar" },
  { "room@muc.example/\U0001F64C", "room@muc.example/\U0001F64C",
    "room", "muc.example", "\U0001F64C" },

  /* IDNA: U-labels are stored; A-labels are decoded. */
  { "test@xn--garon-0ra.com", "test@gar\u00E7on.com", "test", "gar\u00E7on.com", NULL },
  { "test@GAR\u00C7ON.com", "test@gar\u00E7on.com", "test", "gar\u00E7on.com", NULL },
  { "test@XN--BCHER-KVA.example", "test@b\u00FCcher.example", "test", "b\u00FCcher.example", NULL },
  { "test@xn--fiqs8s", "test@\u4E2D\u56FD", "test", "\u4E2D\u56FD", NULL },
  { "test@xn--80akhbyknj4f.example",
    "test@\u0438\u0441\u043F\u044B\u0442\u0430\u043D\u0438\u0435.example",
    "test", "\u0438\u0441\u043F\u044B\u0442\u0430\u043D\u0438\u0435.example", NULL },
  /* IDNA2008 keeps "ß" in domain names, unlike IDNA2003. */
  { "x@xn--zca.example", "x@\u00DF.example", "x", "\u00DF.example", NULL },
  { "x@fu\u00DFball.example", "x@fu\u00DFball.example", "x", "fu\u00DFball.example", NULL },
  { "x@a-b.example", "x@a-b.example", "x", "a-b.example", NULL },
  { "x@1.example", "x@1.example", "x", "1.example", NULL },
  { "localhost", "localhost", NULL, "localhost", NULL },
  /* A right-to-left domain label, "موقع". */
  { "x@xn--4gbrim.example", "x@\u0645\u0648\u0642\u0639.example",
    "x", "\u0645\u0648\u0642\u0639.example", NULL },

  /* NFC. */
  { "garc\u0327on@example.com", "gar\u00E7on@example.com", "gar\u00E7on", "example.com", NULL },
  { "a@example.com/garc\u0327on", "a@example.com/gar\u00E7on", "a", "example.com", "gar\u00E7on" },

  /* Contextual rules and right-to-left text that follow the rules. */
  { "col\u00B7lega@example.com", "col\u00B7lega@example.com",
    "col\u00B7lega", "example.com", NULL },
  { "\u05E9\u05DC\u05D5\u05DD@example.com", "\u05E9\u05DC\u05D5\u05DD@example.com",
    "\u05E9\u05DC\u05D5\u05DD", "example.com", NULL },
  { "foo.bar+tag@example.com", "foo.bar+tag@example.com", "foo.bar+tag", "example.com", NULL },
  { "\u0375\u03B1@example.com", "\u0375\u03B1@example.com", "\u0375\u03B1", "example.com", NULL },
  { "\u05D0\u05F3@example.com", "\u05D0\u05F3@example.com", "\u05D0\u05F3", "example.com", NULL },
  { "\u30A2\u30FB\u30A2@example.com", "\u30A2\u30FB\u30A2@example.com",
    "\u30A2\u30FB\u30A2", "example.com", NULL },
  { "\u0628\u0661@example.com", "\u0628\u0661@example.com", "\u0628\u0661", "example.com", NULL },
  /* A zero width joiner after a virama (Devanagari "kssa"). */
  { "\u0915\u094D\u200D\u0937@example.com", "\u0915\u094D\u200D\u0937@example.com",
    "\u0915\u094D\u200D\u0937", "example.com", NULL },

  /* IP literals. */
  { "user@127.0.0.1", "user@127.0.0.1", "user", "127.0.0.1", NULL },
  { "user@[::1]/res", "user@[::1]/res", "user", "[::1]", "res" },
  { "user@[0:0:0:0:0:0:0:1]", "user@[::1]", "user", "[::1]", NULL },
  { "[2001:DB8::1]", "[2001:db8::1]", NULL, "[2001:db8::1]", NULL },
  { "[::ffff:192.0.2.1]/x", "[::ffff:192.0.2.1]/x", NULL, "[::ffff:192.0.2.1]", "x" },
};

static const InvalidCase invalid_cases[] = {
  /* RFC 7622 §3.6, Table 2 (without the leading-space example, see
   * erratum 4560). */
  { "\"juliet\"@example.com", "U+0022" },
  { "foo bar@example.com", "U+0020" },
  { "@example.com/", "localpart before “@” is empty" },
  { "henry\u2163@example.com", "U+2163" },
  { "\u265A@example.com", "U+265A" },
  { "juliet@", "domainpart is empty" },
  { "/foobar", "domainpart is empty" },

  /* Empty parts. */
  { "", "address is empty" },
  { "@example.com", "localpart before “@” is empty" },
  { "example.com/", "resourcepart after “/” is empty" },
  { "node@/server", "domainpart is empty" },
  { "@server/resource", "localpart before “@” is empty" },
  { "@/resource", "localpart before “@” is empty" },
  { "@/", "localpart before “@” is empty" },
  { "/", "domainpart is empty" },
  { "@", "localpart before “@” is empty" },
  { ".", "domainpart is empty" },
  { "a@.", "domainpart is empty" },

  /* The localpart ends at the first '@', so the rest is the domainpart. */
  { "a@b@c", "domainpart contains the character U+0040" },
  { "user@@", "domainpart contains the character U+0040" },
  { "user@@host", "domainpart contains the character U+0040" },
  { "user@@host/resource", "domainpart contains the character U+0040" },
  { "user@@host/", "domainpart contains the character U+0040" },
  /* A fullwidth '@' does not split, and is not allowed once mapped. */
  { "juliet\uFF20example.com", "domainpart contains the character U+0040" },

  /* Localpart characters. */
  { "a&b@example.com", "U+0026" },
  { "a'b@example.com", "U+0027" },
  { "a:b@example.com", "U+003A" },
  { "a<b@example.com", "U+003C" },
  { "a>b@example.com", "U+003E" },
  { "a\tb@example.com", "localpart contains the character U+0009" },
  { "a\u00A0b@example.com", "localpart contains the character U+00A0" },
  { "\U0001F605@example.com", "localpart contains the character U+1F605" },
  { "a\u0640b@example.com", "U+0640" },
  { "a\u00B7b@example.com", "U+00B7" },
  { "a\u200Db@example.com", "U+200D" },
  { "\u0375a@example.com", "U+0375" },
  { "a\u05F3@example.com", "U+05F3" },
  { "a\u30FBb@example.com", "U+30FB" },
  { "\u0628\u0661\u06F1@example.com", "U+0661" },
  { "a\uE000@example.com", "U+E000" },
  { "\u01C5@example.com", "U+01C6" },
  /* Default-ignorable code points that are letters or marks, not Cf. */
  { "a\u3164b@example.com", "localpart contains the character U+3164" },
  { "a\uFE0F@example.com", "localpart contains the character U+FE0F" },
  { "a\u034Fb@example.com", "localpart contains the character U+034F" },
  { "x@a\u3164b.example", "domainpart contains the character U+3164" },
  { "a@example.com/a\u3164b", "resourcepart contains the character U+3164" },

  /* Bidi. */
  { "te\u200Fst@example.com", "localpart contains the character U+200F" },
  { "test@example.com/te\u202Est", "resourcepart contains the character U+202E" },
  { "test@exa\u200Emple.com", "domainpart contains the character U+200E" },
  { "a\u05D0@example.com", "localpart mixes right-to-left" },
  { "1\u05D0@example.com", "localpart mixes right-to-left" },
  { "\u05D0a\u05D1@example.com", "localpart mixes right-to-left" },
  { "\u05D0-@example.com", "localpart mixes right-to-left" },
  { "\u0628\u0661" "1@example.com", "localpart mixes right-to-left" },
  { "x@\u05D0a\u05D1.example", "domainpart mixes right-to-left" },
  { "x@1abc.xn--4gbrim", "domainpart mixes right-to-left" },

  /* Resourcepart characters. */
  { "a@example.com/x\ny", "resourcepart contains the character U+000A" },
  { "a@example.com/\x7F", "resourcepart contains the character U+007F" },
  { "a@example.com/\uFFFE", "resourcepart contains the character U+FFFE" },
  { "a@example.com/\uE000", "resourcepart contains the character U+E000" },
  { "a@example.com/a\u2028b", "resourcepart contains the character U+2028" },
  { "a@example.com/a\u200Db", "resourcepart contains the character U+200D" },

  /* Domain names. */
  { "a@-example.com", "starts or ends with a hyphen" },
  { "a@example-.com", "starts or ends with a hyphen" },
  { "a@ab--cd.com", "hyphens in its third and fourth positions" },
  { "a@exa_mple.com", "domainpart contains the character U+005F" },
  { "a@exa mple.com", "domainpart contains the character U+0020" },
  { "a@example.com:5222", "domainpart contains the character U+003A" },
  { "a@example..com", "empty label" },
  { "a@.example.com", "empty label" },
  { "a@example.com..", "empty label" },
  { "a@\U0001F605.com", "domainpart contains the character U+1F605" },
  { "a@xn--ls8h.com", "domainpart contains the character U+1F4A9" },
  { "a@\u0301x.com", "starts with a combining mark" },
  { "a@xn--abc-.com", "not valid Punycode" },
  { "a@xn--.com", "not valid Punycode" },
  { "a@xn--0.com", "not valid Punycode" },
  /* Punycode for "garÇon": an A-label must decode to lower case. */
  { "a@xn--garon-jma.com", "not valid Punycode" },

  /* IP literals. */
  { "a@[::1", "IPv6" },
  { "a@[::1]x", "IPv6" },
  { "a@[]", "IPv6" },
  { "a@[fe80::1%eth0]", "IPv6" },
  { "a@[1.2.3.4]", "IPv6" },
  { "a@[v1.x]", "IPv6" },
  { "a@256.1.1.1", "IPv4" },
  { "a@1.2.3", "IPv4" },
  { "a@01.2.3.4", "IPv4" },
  { "a@1.2.3.4.5", "IPv4" },

  /* Invalid UTF-8: an overlong '<', a lone surrogate, a stray byte. */
  { "\xC0\xBC@example.com", "not valid UTF-8" },
  { "a@example.com/\xED\xA0\x80", "not valid UTF-8" },
  { "a@exam\xFFple.com", "not valid UTF-8" },
};

/* Test messages go to TAP output, which must stay valid UTF-8. */
static void
note (const char *what,
      const char *text)
{
  g_autofree char *escaped = g_strescape (text, NULL);

  g_test_message ("%s: %s", what, escaped);
}

static XmppJid *
parse_valid (const char *text)
{
  g_autoptr(GError) error = NULL;
  XmppJid *jid = xmpp_jid_new (text, &error);

  g_assert_no_error (error);
  g_assert_nonnull (jid);
  return jid;
}

static void
assert_invalid (const char *text,
                const char *message)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) jid = xmpp_jid_new (text, &error);

  g_assert_null (jid);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID);
  if (message != NULL && strstr (error->message, message) == NULL)
    g_error ("“%s”: expected an error about “%s”, got “%s”",
             text, message, error->message);
  g_assert_false (xmpp_jid_is_valid (text));
}

static void
assert_same (const char *a,
             const char *b)
{
  g_autoptr(XmppJid) jid_a = parse_valid (a);
  g_autoptr(XmppJid) jid_b = parse_valid (b);

  g_assert_cmpstr (xmpp_jid_to_string (jid_a), ==, xmpp_jid_to_string (jid_b));
  g_assert_true (xmpp_jid_equal (jid_a, jid_b));
  g_assert_true (xmpp_jid_equal_bare (jid_a, jid_b));
  g_assert_cmpuint (xmpp_jid_hash (jid_a), ==, xmpp_jid_hash (jid_b));
}

static char *
repeat (char  c,
        gsize n)
{
  char *text = g_malloc (n + 1);

  memset (text, c, n);
  text[n] = '\0';
  return text;
}

static void
test_valid_cases (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (valid_cases); i++)
    {
      const ValidCase *c = &valid_cases[i];
      g_autoptr(XmppJid) jid = parse_valid (c->input);

      note ("valid", c->input);
      g_assert_cmpstr (xmpp_jid_to_string (jid), ==, c->expected);
      g_assert_cmpstr (xmpp_jid_get_localpart (jid), ==, c->localpart);
      g_assert_cmpstr (xmpp_jid_get_domainpart (jid), ==, c->domainpart);
      g_assert_cmpstr (xmpp_jid_get_resourcepart (jid), ==, c->resourcepart);
      g_assert_true (xmpp_jid_is_bare (jid) == (c->resourcepart == NULL));
      g_assert_true (xmpp_jid_is_valid (c->input));
    }
}

static void
test_invalid_cases (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    {
      note ("invalid", invalid_cases[i].input);
      assert_invalid (invalid_cases[i].input, invalid_cases[i].message);
    }
}

static void
test_prepared_form_is_stable (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (valid_cases); i++)
    {
      g_autoptr(XmppJid) jid = parse_valid (valid_cases[i].input);
      g_autoptr(XmppJid) again = parse_valid (xmpp_jid_to_string (jid));

      g_assert_cmpstr (xmpp_jid_to_string (again), ==, xmpp_jid_to_string (jid));
      g_assert_true (xmpp_jid_equal (jid, again));
    }
}

static void
test_localpart_case_insensitive (void)
{
  assert_same ("Juliet@example.com", "juliet@example.com");
  assert_same ("JULIET@example.com/x", "jUlIeT@example.com/x");
  assert_same ("\u03A0@example.com", "\u03C0@example.com");
}

static void
test_domainpart_case_insensitive (void)
{
  assert_same ("juliet@EXAMPLE.com", "juliet@example.COM");
  assert_same ("test@GAR\u00C7ON.com", "test@gar\u00E7on.com");
}

static void
test_resourcepart_case_sensitive (void)
{
  g_autoptr(XmppJid) lower = parse_valid ("example.com/test");
  g_autoptr(XmppJid) mixed = parse_valid ("example.com/tEst");

  g_assert_cmpstr (xmpp_jid_get_resourcepart (mixed), ==, "tEst");
  g_assert_false (xmpp_jid_equal (lower, mixed));
  g_assert_true (xmpp_jid_equal_bare (lower, mixed));
}

static void
test_final_sigma_distinct (void)
{
  g_autoptr(XmppJid) sigma = parse_valid ("\u03C3@example.com");
  g_autoptr(XmppJid) final_sigma = parse_valid ("\u03C2@example.com");
  g_autoptr(XmppJid) sharp_s = parse_valid ("fu\u00DFball@example.com");
  g_autoptr(XmppJid) double_s = parse_valid ("fussball@example.com");

  g_assert_false (xmpp_jid_equal (sigma, final_sigma));
  g_assert_false (xmpp_jid_equal (sharp_s, double_s));
}

static void
test_trailing_dot_equal (void)
{
  g_autoptr(XmppJid) jid = parse_valid ("ALICE@Example.COM.");

  g_assert_cmpstr (xmpp_jid_to_string (jid), ==, "alice@example.com");
  assert_same ("ALICE@Example.COM.", "alice@example.com");
  assert_same ("test@example.com./r", "test@example.com/r");
  /* Only one dot goes. */
  assert_invalid ("test@example.com..", "empty label");
}

static void
test_ulabel_equals_punycode (void)
{
  assert_same ("test@gar\u00E7on.com", "test@xn--garon-0ra.com");
  assert_same ("test@gar\u00E7on.com", "test@XN--GARON-0RA.COM");
  assert_same ("test@\u0645\u0648\u0642\u0639.example", "test@xn--4gbrim.example");
  assert_same ("test@\u00DF.example", "test@xn--zca.example");
}

static void
test_nfc_equals_nfd (void)
{
  assert_same ("gar\u00E7on@example.com", "garc\u0327on@example.com");
  assert_same ("a@gar\u00E7on.example", "a@garc\u0327on.example");
  assert_same ("a@example.com/gar\u00E7on", "a@example.com/garc\u0327on");
}

static void
test_bidi_controls_rejected (void)
{
  static const gunichar controls[] = {
    0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E,
    0x2066, 0x2067, 0x2068, 0x2069, 0x061C,
  };

  for (gsize i = 0; i < G_N_ELEMENTS (controls); i++)
    {
      char c[8] = { 0 };
      g_autofree char *in_local = NULL;
      g_autofree char *in_domain = NULL;
      g_autofree char *in_resource = NULL;
      g_autofree char *message = NULL;

      g_unichar_to_utf8 (controls[i], c);
      in_local = g_strdup_printf ("te%sst@example.com", c);
      in_domain = g_strdup_printf ("test@exa%smple.com", c);
      in_resource = g_strdup_printf ("test@example.com/te%sst", c);
      message = g_strdup_printf ("U+%04X", controls[i]);
      assert_invalid (in_local, message);
      assert_invalid (in_domain, message);
      assert_invalid (in_resource, message);
    }
}

static void
test_part_length_limits (void)
{
  g_autofree char *a1023 = repeat ('a', 1023);
  g_autofree char *a1024 = repeat ('a', 1024);
  g_autofree char *a63 = repeat ('a', 63);
  g_autofree char *a64 = repeat ('a', 64);
  g_autofree char *text = NULL;
  g_autoptr(GString) domain = g_string_new (NULL);
  g_autoptr(XmppJid) jid = NULL;

  text = g_strdup_printf ("%s@example.com", a1023);
  jid = parse_valid (text);
  g_assert_cmpuint (strlen (xmpp_jid_get_localpart (jid)), ==, 1023);
  g_clear_pointer (&jid, xmpp_jid_unref);
  g_clear_pointer (&text, g_free);
  text = g_strdup_printf ("%s@example.com", a1024);
  assert_invalid (text, "localpart is longer than 1023 bytes");
  g_clear_pointer (&text, g_free);

  text = g_strdup_printf ("a@example.com/%s", a1023);
  jid = parse_valid (text);
  g_assert_cmpuint (strlen (xmpp_jid_get_resourcepart (jid)), ==, 1023);
  g_clear_pointer (&jid, xmpp_jid_unref);
  g_clear_pointer (&text, g_free);
  text = g_strdup_printf ("a@example.com/%s", a1024);
  assert_invalid (text, "resourcepart is longer than 1023 bytes");
  g_clear_pointer (&text, g_free);

  /* A two-byte character counts twice. */
  {
    g_autoptr(GString) wide = g_string_new (NULL);

    for (guint i = 0; i < 511; i++)
      g_string_append (wide, "\u00E9");
    g_string_append (wide, "a@example.com");
    g_clear_pointer (&jid, xmpp_jid_unref);
    jid = parse_valid (wide->str);
    g_assert_cmpuint (strlen (xmpp_jid_get_localpart (jid)), ==, 1023);
    g_string_insert (wide, 0, "b");
    assert_invalid (wide->str, "localpart is longer than 1023 bytes");
  }

  /* Sixteen labels of 63 bytes and fifteen dots: 1023 bytes. */
  for (guint i = 0; i < 16; i++)
    g_string_append_printf (domain, "%s%s", i > 0 ? "." : "", a63);
  g_assert_cmpuint (domain->len, ==, 1023);
  g_clear_pointer (&jid, xmpp_jid_unref);
  jid = parse_valid (domain->str);
  g_assert_cmpstr (xmpp_jid_get_domainpart (jid), ==, domain->str);
  /* A final dot does not count. */
  g_string_append_c (domain, '.');
  g_clear_pointer (&jid, xmpp_jid_unref);
  jid = parse_valid (domain->str);
  g_assert_cmpuint (strlen (xmpp_jid_get_domainpart (jid)), ==, 1023);
  /* One label more, so 1024 bytes: 15×63 + 62 + 1 bytes and 16 dots. */
  g_string_truncate (domain, 1023 - 64);
  g_string_append_printf (domain, ".%.*s.x", 62, a63);
  g_assert_cmpuint (domain->len, ==, 1024);
  assert_invalid (domain->str, "domainpart is longer than 1023 bytes");

  text = g_strdup_printf ("x@%s.example", a63);
  g_clear_pointer (&jid, xmpp_jid_unref);
  jid = parse_valid (text);
  g_clear_pointer (&text, g_free);
  text = g_strdup_printf ("x@%s.example", a64);
  assert_invalid (text, "longer than 63 bytes in its ASCII form");
}

static void
test_label_length_counts_ascii_form (void)
{
  g_autofree char *a55 = repeat ('a', 55);
  g_autofree char *a56 = repeat ('a', 56);
  g_autofree char *fits = g_strdup_printf ("x@%s\u00FC.example", a55);
  g_autofree char *too_long = g_strdup_printf ("x@%s\u00FC.example", a56);
  g_autofree char *alabel = g_strdup_printf ("x@xn--%s-8yf.example", a55);
  g_autoptr(XmppJid) jid = NULL;

  /* "xn--" + 55 × "a" + "-8yf" is 63 bytes; one more "a" makes it 64,
   * though the U-label is only 57 bytes. */
  jid = parse_valid (fits);
  assert_same (fits, alabel);
  assert_invalid (too_long, "longer than 63 bytes in its ASCII form");
}

static void
test_first_at_splits (void)
{
  g_autoptr(XmppJid) jid = NULL;

  assert_invalid ("a@b@c", "domainpart contains the character U+0040");
  /* An '@' after the '/' is part of the resourcepart. */
  jid = parse_valid ("a/b@c");
  g_assert_null (xmpp_jid_get_localpart (jid));
  g_assert_cmpstr (xmpp_jid_get_domainpart (jid), ==, "a");
  g_assert_cmpstr (xmpp_jid_get_resourcepart (jid), ==, "b@c");
}

static void
test_slash_in_resource (void)
{
  g_autoptr(XmppJid) jid = parse_valid ("a@b/c/d");
  g_autoptr(XmppJid) at = parse_valid ("a@b/c@d/e");

  g_assert_cmpstr (xmpp_jid_get_resourcepart (jid), ==, "c/d");
  g_assert_cmpstr (xmpp_jid_to_bare_string (jid), ==, "a@b");
  g_assert_cmpstr (xmpp_jid_get_resourcepart (at), ==, "c@d/e");
}

static void
test_ip_literals (void)
{
  g_autoptr(XmppJid) v4 = parse_valid ("user@192.0.2.1");
  g_autoptr(XmppJid) v6 = parse_valid ("user@[2001:DB8:0:0:0:0:0:1]/r");

  g_assert_cmpstr (xmpp_jid_get_domainpart (v4), ==, "192.0.2.1");
  g_assert_cmpstr (xmpp_jid_get_domainpart (v6), ==, "[2001:db8::1]");
  g_assert_cmpstr (xmpp_jid_to_string (v6), ==, "user@[2001:db8::1]/r");
  assert_same ("[::1]", "[0000:0000::0001]");
  assert_invalid ("user@::1", "U+003A");
  assert_invalid ("user@[::1]/", "resourcepart after “/” is empty");
}

static void
test_equal_and_hash_agree (void)
{
  g_autoptr(GHashTable) table = NULL;
  g_autoptr(XmppJid) key = parse_valid ("ALICE@Example.COM./Phone");
  g_autoptr(XmppJid) lookup = parse_valid ("alice@example.com/Phone");
  g_autoptr(XmppJid) other_resource = parse_valid ("alice@example.com/phone");
  g_autoptr(XmppJid) bare = parse_valid ("alice@example.com");

  g_assert_true (xmpp_jid_equal (key, lookup));
  g_assert_cmpuint (xmpp_jid_hash (key), ==, xmpp_jid_hash (lookup));
  g_assert_false (xmpp_jid_equal (key, other_resource));
  g_assert_false (xmpp_jid_equal (key, bare));
  g_assert_true (xmpp_jid_equal_bare (key, other_resource));
  g_assert_true (xmpp_jid_equal_bare (key, bare));

  /* g_str_hash () collides on these; equality must still tell them apart. */
  {
    g_autoptr(XmppJid) collision_a = parse_valid ("x@y/aB");
    g_autoptr(XmppJid) collision_b = parse_valid ("x@y/b!");

    g_assert_cmpuint (xmpp_jid_hash (collision_a), ==, xmpp_jid_hash (collision_b));
    g_assert_false (xmpp_jid_equal (collision_a, collision_b));
  }

  table = g_hash_table_new_full (xmpp_jid_hash, xmpp_jid_equal,
                                 (GDestroyNotify) xmpp_jid_unref, NULL);
  g_hash_table_add (table, xmpp_jid_ref (key));
  g_assert_true (g_hash_table_contains (table, lookup));
  g_assert_false (g_hash_table_contains (table, other_resource));
  g_assert_false (g_hash_table_contains (table, bare));
}

static void
test_null_equals_only_null (void)
{
  g_autoptr(XmppJid) jid = parse_valid ("alice@example.com");

  g_assert_true (xmpp_jid_equal (NULL, NULL));
  g_assert_false (xmpp_jid_equal (jid, NULL));
  g_assert_false (xmpp_jid_equal (NULL, jid));
  g_assert_true (xmpp_jid_equal_bare (NULL, NULL));
  g_assert_false (xmpp_jid_equal_bare (jid, NULL));
  g_assert_false (xmpp_jid_equal_bare (NULL, jid));
  g_assert_cmpuint (xmpp_jid_hash (NULL), ==, 0);
  g_assert_false (xmpp_jid_is_valid (NULL));

  /* NULL text is a programmer error, not an invalid JID. */
  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_CRITICAL, "*text != NULL*");
  g_assert_null (xmpp_jid_new (NULL, NULL));
  g_test_assert_expected_messages ();
}

static void
test_dup_bare (void)
{
  g_autoptr(XmppJid) full = parse_valid ("Alice@Example.com/Phone");
  g_autoptr(XmppJid) bare = xmpp_jid_dup_bare (full);
  g_autoptr(XmppJid) bare_again = xmpp_jid_dup_bare (bare);
  g_autoptr(XmppJid) domain = parse_valid ("example.com");

  g_assert_true (bare != full);
  g_assert_true (xmpp_jid_is_bare (bare));
  g_assert_false (xmpp_jid_is_bare (full));
  g_assert_cmpstr (xmpp_jid_to_string (bare), ==, "alice@example.com");
  g_assert_cmpstr (xmpp_jid_to_bare_string (full), ==, "alice@example.com");
  g_assert_cmpstr (xmpp_jid_to_bare_string (bare), ==, "alice@example.com");
  g_assert_null (xmpp_jid_get_resourcepart (bare));
  /* Already bare: the same object with a new reference. */
  g_assert_true (bare_again == bare);
  g_assert_false (xmpp_jid_is_domain (bare));
  g_assert_true (xmpp_jid_is_domain (domain));
}

static void
test_dup_with_resource (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) bare = parse_valid ("alice@example.com");
  g_autoptr(XmppJid) full = NULL;
  g_autoptr(XmppJid) same = NULL;
  g_autoptr(XmppJid) back = NULL;
  g_autoptr(XmppJid) invalid = NULL;

  full = xmpp_jid_dup_with_resource (bare, "Gar\u00E7on\u00A0phone", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_jid_to_string (full), ==, "alice@example.com/Gar\u00E7on phone");

  same = xmpp_jid_dup_with_resource (full, "Garc\u0327on phone", &error);
  g_assert_no_error (error);
  g_assert_true (same == full);

  back = xmpp_jid_dup_with_resource (full, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (xmpp_jid_equal (back, bare));

  invalid = xmpp_jid_dup_with_resource (bare, "a\u202Eb", &error);
  g_assert_null (invalid);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID);
  g_clear_error (&error);
  invalid = xmpp_jid_dup_with_resource (bare, "", &error);
  g_assert_null (invalid);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID);
}

static void
test_from_parts (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) jid = NULL;
  g_autoptr(XmppJid) domain_only = NULL;
  g_autoptr(XmppJid) bad = NULL;

  jid = xmpp_jid_new_from_parts ("Alice", "Example.COM.", "a/b@c", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_jid_to_string (jid), ==, "alice@example.com/a/b@c");
  assert_same (xmpp_jid_to_string (jid), "ALICE@example.com/a/b@c");

  domain_only = xmpp_jid_new_from_parts (NULL, "xn--garon-0ra.com", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_jid_to_string (domain_only), ==, "gar\u00E7on.com");

  /* Parts are never split again. */
  bad = xmpp_jid_new_from_parts ("a@b", "example.com", NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID);
  g_clear_error (&error);
  bad = xmpp_jid_new_from_parts ("a", "example.com/r", NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID);
  g_clear_error (&error);
  bad = xmpp_jid_new_from_parts ("", "example.com", NULL, &error);
  g_assert_null (bad);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID);
  g_clear_error (&error);
  bad = xmpp_jid_new_from_parts ("a", "example.com", "\xC0\xBC", &error);
  g_assert_null (bad);
  g_assert_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID);
}

static void
test_invalid_utf8 (void)
{
  assert_invalid ("\xC0\xBC@example.com", "not valid UTF-8");
  assert_invalid ("a@example.com/\xED\xA0\x80", "not valid UTF-8");
  assert_invalid ("\xED\xA0\x80", "not valid UTF-8");
  assert_invalid ("a@example.com/\xF4\x90\x80\x80", "not valid UTF-8");
  assert_invalid ("a@example.com/\xE2\x82", "not valid UTF-8");
}

static gpointer
ref_unref_thread (gpointer data)
{
  XmppJid *jid = data;

  for (guint i = 0; i < 10000; i++)
    {
      XmppJid *ref = xmpp_jid_ref (jid);

      g_assert_true (ref == jid);
      g_assert_cmpstr (xmpp_jid_to_string (ref), ==, "alice@example.com/r");
      xmpp_jid_unref (ref);
    }
  return NULL;
}

static void
test_refcounting (void)
{
  XmppJid *jid = parse_valid ("alice@example.com/r");
  XmppJid *copy;
  GThread *threads[4];

  g_assert_true (xmpp_jid_ref (jid) == jid);
  xmpp_jid_unref (jid);

  /* The boxed copy is a reference, not a copy. */
  copy = g_boxed_copy (XMPP_TYPE_JID, jid);
  g_assert_true (copy == jid);
  g_boxed_free (XMPP_TYPE_JID, copy);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    threads[i] = g_thread_new ("jid-ref", ref_unref_thread, jid);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  /* Still alive after all that: the balanced refs did not free it.  That
   * the last unref does free it is for the sanitizer build's leak check. */
  g_assert_cmpstr (xmpp_jid_to_string (jid), ==, "alice@example.com/r");
  xmpp_jid_unref (jid);
}

static void
test_boxed_type (void)
{
  g_auto(GValue) value = G_VALUE_INIT;
  g_autoptr(XmppJid) jid = parse_valid ("alice@example.com");

  g_assert_true (G_TYPE_IS_BOXED (XMPP_TYPE_JID));
  g_assert_cmpstr (g_type_name (XMPP_TYPE_JID), ==, "XmppJid");
  g_value_init (&value, XMPP_TYPE_JID);
  g_value_set_boxed (&value, jid);
  g_assert_true (g_value_get_boxed (&value) == jid);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/natter/xmpp/jid/valid-cases", test_valid_cases);
  g_test_add_func ("/natter/xmpp/jid/invalid-cases", test_invalid_cases);
  g_test_add_func ("/natter/xmpp/jid/prepared-form-is-stable", test_prepared_form_is_stable);
  g_test_add_func ("/natter/xmpp/jid/localpart-case-insensitive", test_localpart_case_insensitive);
  g_test_add_func ("/natter/xmpp/jid/domainpart-case-insensitive",
                   test_domainpart_case_insensitive);
  g_test_add_func ("/natter/xmpp/jid/resourcepart-case-sensitive",
                   test_resourcepart_case_sensitive);
  g_test_add_func ("/natter/xmpp/jid/final-sigma-and-sharp-s-distinct", test_final_sigma_distinct);
  g_test_add_func ("/natter/xmpp/jid/trailing-dot-equal", test_trailing_dot_equal);
  g_test_add_func ("/natter/xmpp/jid/ulabel-equals-punycode", test_ulabel_equals_punycode);
  g_test_add_func ("/natter/xmpp/jid/nfc-equals-nfd", test_nfc_equals_nfd);
  g_test_add_func ("/natter/xmpp/jid/bidi-controls-rejected", test_bidi_controls_rejected);
  g_test_add_func ("/natter/xmpp/jid/part-length-limits", test_part_length_limits);
  g_test_add_func ("/natter/xmpp/jid/label-length-counts-ascii-form",
                   test_label_length_counts_ascii_form);
  g_test_add_func ("/natter/xmpp/jid/first-at-splits", test_first_at_splits);
  g_test_add_func ("/natter/xmpp/jid/slash-in-resource", test_slash_in_resource);
  g_test_add_func ("/natter/xmpp/jid/ip-literals", test_ip_literals);
  g_test_add_func ("/natter/xmpp/jid/equal-and-hash-agree", test_equal_and_hash_agree);
  g_test_add_func ("/natter/xmpp/jid/null-equals-only-null", test_null_equals_only_null);
  g_test_add_func ("/natter/xmpp/jid/dup-bare", test_dup_bare);
  g_test_add_func ("/natter/xmpp/jid/dup-with-resource", test_dup_with_resource);
  g_test_add_func ("/natter/xmpp/jid/from-parts", test_from_parts);
  g_test_add_func ("/natter/xmpp/jid/invalid-utf8", test_invalid_utf8);
  g_test_add_func ("/natter/xmpp/jid/refcounting", test_refcounting);
  g_test_add_func ("/natter/xmpp/jid/boxed-type", test_boxed_type);

  return g_test_run ();
}
