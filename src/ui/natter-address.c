/* natter-address.c: checks of addresses as the user types them
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The interface marks an address as wrong while it is typed, before
 * anything is sent.  The core has no public JID check yet, and the
 * interface does not reach into the engine, so this is a conservative
 * subset of RFC 7622: it rejects only what the RFC certainly rejects
 * (spaces, a second "@", characters PRECIS disallows such as controls and
 * bidi formatting characters, parts longer than 1023 bytes, server names
 * that are not host names), and leaves the final word to the core, which
 * checks every address again with the engine's parser before it uses it.
 */
#include "config.h"

#include "natter-address.h"

#include <gio/gio.h>
#include <glib/gi18n.h>
#include <string.h>

#include "core/core.h"

/* RFC 7622 §3.2, §3.3, §3.4: each part is at most 1023 bytes. */
#define PART_MAX_BYTES 1023

/* RFC 5890 §2.3.2.1: a label of a domain name is at most 63 bytes. */
#define LABEL_MAX_BYTES 63

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

static gboolean
check_localpart (const char  *localpart,
                 gsize        length,
                 GError     **error)
{
  /* RFC 7622 §3.3.1: characters the localpart never contains. */
  static const char forbidden[] = "\"&'/:<>@";

  if (length == 0)
    return fail (error, _("The name before “@” is missing"));
  if (length > PART_MAX_BYTES)
    return fail (error, _("The address is too long"));
  for (gsize i = 0; i < length; i++)
    if (strchr (forbidden, localpart[i]) != NULL)
      {
        g_set_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_JID,
                     _("The name before “@” cannot contain “%c”"), localpart[i]);
        return FALSE;
      }
  return TRUE;
}

static gboolean
is_ip_literal (const char *domain)
{
  gsize length = strlen (domain);
  g_autofree char *inner = NULL;

  /* RFC 7622 §3.2: an IPv6 address in brackets, or an IPv4 address. */
  if (length > 2 && domain[0] == '[' && domain[length - 1] == ']')
    {
      inner = g_strndup (domain + 1, length - 2);
      return g_hostname_is_ip_address (inner) && strchr (inner, ':') != NULL;
    }
  return g_hostname_is_ip_address (domain) && strchr (domain, ':') == NULL;
}

static gboolean
check_domainpart (const char  *text,
                  gsize        length,
                  GError     **error)
{
  g_autofree char *domain = g_strndup (text, length);
  g_autofree char *ascii = NULL;
  g_auto(GStrv) labels = NULL;

  /* RFC 7622 §3.2: a final dot is removed before anything else. */
  if (length > 1 && domain[length - 1] == '.')
    domain[--length] = '\0';

  if (length == 0)
    return fail (error, _("The server name after “@” is missing"));
  if (length > PART_MAX_BYTES)
    return fail (error, _("The address is too long"));
  if (strchr (domain, '@') != NULL)
    return fail (error, _("An address contains only one “@”"));
  if (is_ip_literal (domain))
    return TRUE;

  for (const char *p = domain; *p != '\0'; p++)
    if (((guchar) *p) < 0x80 && !g_ascii_isalnum (*p) && *p != '-' && *p != '.')
      {
        g_set_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_JID,
                     _("The server name cannot contain “%c”"), *p);
        return FALSE;
      }

  ascii = g_hostname_to_ascii (domain);
  if (ascii == NULL)
    return fail (error, _("The server name is not valid"));
  labels = g_strsplit (ascii, ".", -1);
  for (guint i = 0; labels[i] != NULL; i++)
    {
      gsize label_length = strlen (labels[i]);

      if (label_length == 0)
        return fail (error, _("The server name has an empty part between dots"));
      if (label_length > LABEL_MAX_BYTES)
        return fail (error, _("A part of the server name is too long"));
      if (labels[i][0] == '-' || labels[i][label_length - 1] == '-')
        return fail (error, _("A part of the server name starts or ends with “-”"));
    }
  return TRUE;
}

/**
 * natter_address_check:
 * @text: what the user typed, without surrounding white space
 * @kind: what kind of address the field takes
 * @error: return location for a #GError
 *
 * Checks an address while it is typed.  This finds what is certainly
 * wrong, with a message that says what; an address that passes is checked
 * again by the core before it is used.
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
      if (strlen (slash + 1) > PART_MAX_BYTES)
        return fail (error, _("The address is too long"));
    }

  at = memchr (text, '@', bare_length);
  if (at == NULL)
    {
      if (bare_length > PART_MAX_BYTES)
        return fail (error, _("The address is too long"));
      if (kind == NATTER_ADDRESS_ACCOUNT)
        return fail (error, _("Enter the whole address, like name@example.org"));
      return check_domainpart (text, bare_length, error);
    }

  if (!check_localpart (text, at - text, error))
    return FALSE;
  return check_domainpart (at + 1, bare_length - (at + 1 - text), error);
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
  g_autoptr(GError) local_error = NULL;

  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (g_hostname_is_ip_address (text))
    return TRUE;
  if (!g_utf8_validate (text, -1, NULL) || has_disallowed_character (text) ||
      has_space (text, strlen (text)) || strchr (text, '/') != NULL ||
      !check_domainpart (text, strlen (text), &local_error))
    {
      g_set_error (error, NATTER_ERROR, NATTER_ERROR_INVALID_SETTING,
                   _("“%s” is not a host name or an IP address"), text);
      return FALSE;
    }
  return TRUE;
}

/**
 * natter_address_check_resource:
 * @text: a resource the user typed
 * @error: return location for a #GError
 *
 * Returns: %TRUE if @text can be a resource (RFC 7622 §3.4, as far as
 *   natter_address_check() looks); %FALSE with
 *   %NATTER_ERROR_INVALID_SETTING and a translated message otherwise
 */
gboolean
natter_address_check_resource (const char  *text,
                               GError     **error)
{
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (text[0] == '\0')
    {
      g_set_error_literal (error, NATTER_ERROR, NATTER_ERROR_INVALID_SETTING,
                           _("Enter a resource"));
      return FALSE;
    }
  if (strlen (text) > PART_MAX_BYTES)
    {
      g_set_error_literal (error, NATTER_ERROR, NATTER_ERROR_INVALID_SETTING,
                           _("The resource is too long"));
      return FALSE;
    }
  if (!g_utf8_validate (text, -1, NULL) || has_disallowed_character (text))
    {
      g_set_error_literal (error, NATTER_ERROR, NATTER_ERROR_INVALID_SETTING,
                           _("The resource contains an invisible or control character"));
      return FALSE;
    }
  return TRUE;
}
