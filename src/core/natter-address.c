/* natter-address.c: checks of addresses as the user types them
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The interface marks an address as wrong while it is typed, before
 * anything is sent.  The common mistakes get a message in the user's
 * terms (a space, a second "@", an invisible character, a missing
 * domain); everything else is the engine's RFC 7622 parser, the same one
 * that checks every address before it is used, so the field and the
 * protocol never disagree.
 */
#include "config.h"

#include "natter-address.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "xmpp/xmpp.h"

#include "natter-error.h"

/* A host name stands for itself when the engine checks it as a domain. */
#define ANY_DOMAIN "example.org"

static gboolean
fail (GError     **error,
      const char  *message)
{
  g_set_error_literal (error, NATTER_ERROR, NATTER_ERROR_INVALID_JID, message);
  return FALSE;
}

/* PRECIS (RFC 8264 §9) disallows controls, format characters (which
 * include the bidi overrides and isolates, U+200E…U+200F, U+202A…U+202E,
 * U+2066…U+2069), line and paragraph separators, private use, surrogates
 * and unassigned code points in every part of a JID.  The joiners are
 * allowed only in context (RFC 5892 appendix A): ZWJ after a virama;
 * ZWNJ is left to the engine, whose context rule is more involved. */
static gboolean
has_disallowed_character (const char *text)
{
  gunichar previous = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      switch (g_unichar_type (c))
        {
        case G_UNICODE_FORMAT:
          if (c == 0x200C)
            break;
          if (c == 0x200D && previous != 0 && g_unichar_combining_class (previous) == 9)
            break;
          return TRUE;

        case G_UNICODE_CONTROL:
        case G_UNICODE_LINE_SEPARATOR:
        case G_UNICODE_PARAGRAPH_SEPARATOR:
        case G_UNICODE_PRIVATE_USE:
        case G_UNICODE_SURROGATE:
        case G_UNICODE_UNASSIGNED:
          return TRUE;

        default:
          break;
        }
      previous = c;
    }
  return FALSE;
}

static gboolean
has_space (const char *text,
           gsize       length)
{
  const char *end = text + length;

  for (const char *p = text; p < end; p = g_utf8_next_char (p))
    if (g_unichar_isspace (g_utf8_get_char (p)) ||
        g_unichar_type (g_utf8_get_char (p)) == G_UNICODE_SPACE_SEPARATOR)
      return TRUE;
  return FALSE;
}

/* The engine's verdict, as an error of the core's domain. */
static gboolean
engine_check (XmppJid     *jid,
              GError      *engine_error,
              int          code,
              GError     **error)
{
  g_autoptr(XmppJid) owned = jid;

  if (owned != NULL)
    return TRUE;
  g_set_error_literal (error, NATTER_ERROR, code, engine_error->message);
  g_error_free (engine_error);
  return FALSE;
}

/**
 * natter_address_check:
 * @text: what the user typed, without surrounding white space
 * @kind: what kind of address the field takes
 * @error: return location for a #GError
 *
 * Checks an address while it is typed, with a message that says what is
 * wrong.
 *
 * Returns: %TRUE if nothing is wrong with @text; %FALSE with
 *   %NATTER_ERROR_INVALID_JID and a translated message otherwise
 */
gboolean
natter_address_check (const char         *text,
                      NatterAddressKind   kind,
                      GError            **error)
{
  const char *slash;
  const char *at;
  gsize bare_length;
  GError *jid_error = NULL;
  XmppJid *jid;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (text[0] == '\0')
    return fail (error, _("Enter an address"));
  if (!g_utf8_validate (text, -1, NULL))
    return fail (error, _("The address is not valid text"));
  if (has_disallowed_character (text))
    return fail (error, _("The address contains an invisible or control character"));

  /* RFC 7622 §3.1: the resource starts at the first "/", the localpart
   * ends at the first "@" before it. */
  slash = strchr (text, '/');
  bare_length = slash != NULL ? (gsize) (slash - text) : strlen (text);
  if (has_space (text, bare_length))
    return fail (error, _("An address cannot contain spaces"));

  if (slash != NULL)
    {
      if (kind == NATTER_ADDRESS_CONTACT)
        return fail (error, _("Leave out the part from “/” on: "
                              "a contact’s address has no resource"));
      if (slash[1] == '\0')
        return fail (error, _("The resource after “/” is missing"));
    }

  at = memchr (text, '@', bare_length);
  if (at == NULL && kind == NATTER_ADDRESS_ACCOUNT)
    return fail (error, _("Enter the whole address, like name@example.org"));
  if (at != NULL && memchr (at + 1, '@', bare_length - (at + 1 - text)) != NULL)
    return fail (error, _("An address contains only one “@”"));

  jid = xmpp_jid_new (text, &jid_error);
  return engine_check (jid, jid_error, NATTER_ERROR_INVALID_JID, error);
}

/**
 * natter_address_check_host:
 * @text: a host name or IP address the user typed
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @text can be a host to connect to; %FALSE with
 *   %NATTER_ERROR_INVALID_SETTING and a translated message otherwise
 */
gboolean
natter_address_check_host (const char  *text,
                           GError     **error)
{
  XmppJid *jid;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_hostname_is_ip_address (text))
    return TRUE;
  if (!g_utf8_validate (text, -1, NULL) || has_disallowed_character (text) ||
      has_space (text, strlen (text)) || strpbrk (text, "/@") != NULL ||
      (jid = xmpp_jid_new_from_parts (NULL, text, NULL, NULL)) == NULL)
    {
      g_set_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_SETTING,
                   _("“%s” is not a host name or an IP address"), text);
      return FALSE;
    }
  xmpp_jid_unref (jid);
  return TRUE;
}

/**
 * natter_address_check_resource:
 * @text: a resource the user typed
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @text can be a resource (RFC 7622 §3.4); %FALSE with
 *   %NATTER_ERROR_INVALID_SETTING and a translated message otherwise
 */
gboolean
natter_address_check_resource (const char  *text,
                               GError     **error)
{
  GError *jid_error = NULL;
  XmppJid *jid;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (text[0] == '\0')
    {
      g_set_error_literal (error, NATTER_ERROR, NATTER_ERROR_INVALID_SETTING,
                           _("Enter a resource"));
      return FALSE;
    }
  if (!g_utf8_validate (text, -1, NULL) || has_disallowed_character (text))
    {
      g_set_error_literal (error, NATTER_ERROR, NATTER_ERROR_INVALID_SETTING,
                           _("The resource contains an invisible or control character"));
      return FALSE;
    }
  jid = xmpp_jid_new_from_parts (NULL, ANY_DOMAIN, text, &jid_error);
  return engine_check (jid, jid_error, NATTER_ERROR_INVALID_SETTING, error);
}
