/* fuzz-jid.c: libFuzzer target for JID parsing and preparation
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Any input either fails with XMPP_ERROR_INVALID_JID or gives a JID whose
 * prepared form is a fixed point: parsing it again gives an equal JID with
 * the same string and hash, and its parts, bare JID and resource variants
 * agree with it.  An input with a U+001F byte is also split there and fed
 * to xmpp_jid_new_from_parts().
 */
#include "config.h"

#include <glib.h>
#include <stdint.h>
#include <string.h>

#include "xmpp/xmpp.h"

int LLVMFuzzerTestOneInput (const uint8_t *data,
                            size_t         size);

static void
check_part_length (const char *part)
{
  if (part != NULL)
    {
      g_assert_cmpuint (strlen (part), >=, 1);
      g_assert_cmpuint (strlen (part), <=, 1023);
      g_assert_true (g_utf8_validate (part, -1, NULL));
    }
}

static void
check_invariants (XmppJid *jid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) again = NULL;
  g_autoptr(XmppJid) from_parts = NULL;
  g_autoptr(XmppJid) bare = NULL;
  g_autoptr(XmppJid) bare_again = NULL;
  g_autoptr(XmppJid) with_resource = NULL;
  const char *text = xmpp_jid_to_string (jid);

  check_part_length (xmpp_jid_get_localpart (jid));
  check_part_length (xmpp_jid_get_domainpart (jid));
  check_part_length (xmpp_jid_get_resourcepart (jid));

  /* Preparation is idempotent. */
  again = xmpp_jid_new (text, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  g_assert_cmpstr (xmpp_jid_to_string (again), ==, text);
  g_assert_true (xmpp_jid_equal (jid, again));
  g_assert_cmpuint (xmpp_jid_hash (jid), ==, xmpp_jid_hash (again));
  g_assert_true (xmpp_jid_is_valid (text));

  from_parts = xmpp_jid_new_from_parts (xmpp_jid_get_localpart (jid),
                                        xmpp_jid_get_domainpart (jid),
                                        xmpp_jid_get_resourcepart (jid),
                                        &error);
  g_assert_no_error (error);
  g_assert_true (xmpp_jid_equal (jid, from_parts));

  bare = xmpp_jid_dup_bare (jid);
  g_assert_true (xmpp_jid_is_bare (bare));
  g_assert_true (xmpp_jid_equal_bare (jid, bare));
  g_assert_cmpstr (xmpp_jid_to_string (bare), ==, xmpp_jid_to_bare_string (jid));
  g_assert_true (xmpp_jid_is_bare (jid) == xmpp_jid_equal (jid, bare));
  bare_again = xmpp_jid_new (xmpp_jid_to_bare_string (jid), &error);
  g_assert_no_error (error);
  g_assert_true (xmpp_jid_equal (bare, bare_again));
  g_assert_cmpuint (xmpp_jid_hash (bare), ==, xmpp_jid_hash (bare_again));

  with_resource = xmpp_jid_dup_with_resource (jid, "fuzz", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (xmpp_jid_get_resourcepart (with_resource), ==, "fuzz");
  g_assert_true (xmpp_jid_equal_bare (jid, with_resource));
}

static void
parse_one (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) jid = xmpp_jid_new (text, &error);

  if (jid == NULL)
    {
      g_assert_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID);
      g_assert_nonnull (error->message);
      g_assert_false (xmpp_jid_is_valid (text));
      return;
    }
  g_assert_no_error (error);
  check_invariants (jid);
}

static void
parse_parts (const char *text)
{
  g_auto(GStrv) parts = g_strsplit (text, "\x1f", 3);
  g_autoptr(GError) error = NULL;
  g_autoptr(XmppJid) jid = NULL;
  const char *localpart;
  const char *domainpart;
  const char *resourcepart;

  if (g_strv_length (parts) < 2)
    return;
  /* An empty field stands for an absent part. */
  localpart = *parts[0] != '\0' ? parts[0] : NULL;
  domainpart = parts[1];
  resourcepart = parts[2] != NULL && *parts[2] != '\0' ? parts[2] : NULL;

  jid = xmpp_jid_new_from_parts (localpart, domainpart, resourcepart, &error);
  if (jid == NULL)
    {
      g_assert_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_JID);
      return;
    }
  check_invariants (jid);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = NULL;

  /* A C string cannot carry a NUL: such an address can only reach us
   * truncated, and the reader refuses it before that. */
  if (size > 64 * 1024 || memchr (data, '\0', size) != NULL)
    return 0;

  text = g_strndup ((const char *) data, size);
  parse_one (text);
  if (strchr (text, '\x1f') != NULL && g_utf8_validate (text, -1, NULL))
    parse_parts (text);

  return 0;
}
