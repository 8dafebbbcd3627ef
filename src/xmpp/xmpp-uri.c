/* xmpp-uri.c: xmpp: URIs (RFC 5122, XEP-0147 query actions)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A URI comes from outside (a link in a message, a QR code, the command
 * line), so parsing is strict: the JID must be valid after
 * percent-decoding, every key and value must decode to UTF-8 without NUL,
 * and sizes are bounded.  The query is `?action;key=value;…` (XEP-0147),
 * or only `key=value` pairs, as in the OMEMO fingerprint URIs phones scan
 * (`xmpp:jid?omemo-sid-1234=<fingerprint>;…`).
 */
#include "config.h"

#include "xmpp-uri.h"

#include <glib/gi18n-lib.h>
#include <stdarg.h>
#include <string.h>

#include "xmpp-error.h"

#define MAX_URI_BYTES   16384
#define MAX_PARAMETERS  64

struct _XmppUri
{
  gatomicrefcount ref_count;
  XmppJid *jid;
  XmppJid *account;       /* from the //authority, rarely given */
  char *action;
  GPtrArray *keys;        /* decoded, in order */
  GPtrArray *values;
};

G_DEFINE_BOXED_TYPE (XmppUri, xmpp_uri, xmpp_uri_ref, xmpp_uri_unref)

static void
set_invalid (GError     **error,
             const char  *reason)
{
  g_set_error (error, XMPP_ERROR, XMPP_ERROR_INVALID_URI, _("This is not a valid XMPP link: %s"), reason);
}

/* Percent-decodes @length bytes; NULL for a bad escape, NUL, or bytes that
 * are not UTF-8. */
static char *
decode (const char *text,
        gssize      length)
{
  g_autofree char *copy = g_strndup (text, length < 0 ? strlen (text) : (gsize) length);
  char *decoded = g_uri_unescape_string (copy, NULL);

  if (decoded != NULL && !g_utf8_validate (decoded, -1, NULL))
    g_clear_pointer (&decoded, g_free);
  return decoded;
}

static XmppJid *
decode_jid (const char  *text,
            gssize       length,
            GError     **error)
{
  g_autofree char *decoded = decode (text, length);
  g_autoptr(GError) jid_error = NULL;
  XmppJid *jid;

  if (decoded == NULL || decoded[0] == '\0')
    {
      set_invalid (error, _("the address is missing or badly encoded"));
      return NULL;
    }
  jid = xmpp_jid_new (decoded, &jid_error);
  if (jid == NULL)
    set_invalid (error, jid_error->message);
  return jid;
}

static gboolean
is_action_name (const char *text)
{
  if (*text == '\0')
    return FALSE;
  for (; *text != '\0'; text++)
    if (!g_ascii_isalnum (*text) && *text != '-' && *text != '_')
      return FALSE;
  return TRUE;
}

static gboolean
parse_query (XmppUri     *self,
             const char  *query,
             GError     **error)
{
  g_auto(GStrv) parts = g_strsplit (query, ";", MAX_PARAMETERS + 2);
  guint first = 0;

  if (g_strv_length (parts) > MAX_PARAMETERS + 1)
    {
      set_invalid (error, _("it has too many parameters"));
      return FALSE;
    }

  /* `?action;…`, or straight into `key=value` pairs. */
  if (parts[0] != NULL && strchr (parts[0], '=') == NULL)
    {
      if (!is_action_name (parts[0]))
        {
          set_invalid (error, _("its action is not a valid name"));
          return FALSE;
        }
      self->action = g_strdup (parts[0]);
      first = 1;
    }

  for (guint i = first; parts[i] != NULL; i++)
    {
      const char *equals = strchr (parts[i], '=');
      char *key;
      char *value;

      if (parts[i][0] == '\0')
        continue;
      if (equals == NULL || equals == parts[i])
        {
          set_invalid (error, _("a parameter has no name or no value"));
          return FALSE;
        }
      key = decode (parts[i], equals - parts[i]);
      value = decode (equals + 1, -1);
      if (key == NULL || value == NULL || key[0] == '\0')
        {
          g_free (key);
          g_free (value);
          set_invalid (error, _("a parameter is badly encoded"));
          return FALSE;
        }
      g_ptr_array_add (self->keys, key);
      g_ptr_array_add (self->values, value);
    }

  return TRUE;
}

/**
 * xmpp_uri_parse:
 * @text: an `xmpp:` URI or IRI
 * @error: return location for an %XMPP_ERROR_INVALID_URI error
 *
 * Parses an RFC 5122 URI such as
 * `xmpp:romeo@montague.net?message;body=Hi%20there`.
 *
 * Returns: (transfer full) (nullable): the URI, or %NULL
 */
XmppUri *
xmpp_uri_parse (const char  *text,
                GError     **error)
{
  g_autoptr(XmppUri) self = NULL;
  g_autofree char *rest = NULL;
  const char *path;
  char *query;
  char *fragment;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (strlen (text) > MAX_URI_BYTES)
    {
      set_invalid (error, _("it is too long"));
      return NULL;
    }
  if (g_ascii_strncasecmp (text, "xmpp:", 5) != 0)
    {
      set_invalid (error, _("it does not start with “xmpp:”"));
      return NULL;
    }

  self = g_new0 (XmppUri, 1);
  g_atomic_ref_count_init (&self->ref_count);
  self->keys = g_ptr_array_new_with_free_func (g_free);
  self->values = g_ptr_array_new_with_free_func (g_free);

  rest = g_strdup (text + 5);
  if ((fragment = strchr (rest, '#')) != NULL)
    *fragment = '\0';
  if ((query = strchr (rest, '?')) != NULL)
    *query++ = '\0';

  path = rest;
  /* xmpp://account@host/target: the account to act from (RFC 5122 §2.3). */
  if (g_str_has_prefix (path, "//"))
    {
      const char *slash = strchr (path + 2, '/');

      if (slash == NULL)
        {
          set_invalid (error, _("the address is missing"));
          return NULL;
        }
      self->account = decode_jid (path + 2, slash - path - 2, error);
      if (self->account == NULL)
        return NULL;
      path = slash + 1;
    }

  self->jid = decode_jid (path, -1, error);
  if (self->jid == NULL)
    return NULL;
  if (query != NULL && !parse_query (self, query, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * xmpp_uri_ref:
 * @self: a URI
 *
 * Returns: (transfer full): @self
 */
XmppUri *
xmpp_uri_ref (XmppUri *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

/**
 * xmpp_uri_unref:
 * @self: (transfer full): a URI
 */
void
xmpp_uri_unref (XmppUri *self)
{
  g_return_if_fail (self != NULL);

  if (!g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_clear_pointer (&self->jid, xmpp_jid_unref);
  g_clear_pointer (&self->account, xmpp_jid_unref);
  g_free (self->action);
  g_ptr_array_unref (self->keys);
  g_ptr_array_unref (self->values);
  g_free (self);
}

/**
 * xmpp_uri_get_jid:
 * @self: a URI
 *
 * Returns: (transfer none): the address the URI is about
 */
XmppJid *
xmpp_uri_get_jid (XmppUri *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->jid;
}

/**
 * xmpp_uri_get_account:
 * @self: a URI
 *
 * Returns: (transfer none) (nullable): the account to act from, if the URI names one
 */
XmppJid *
xmpp_uri_get_account (XmppUri *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->account;
}

/**
 * xmpp_uri_get_action:
 * @self: a URI
 *
 * Returns: (nullable): the XEP-0147 action, e.g. `message` or `roster`
 */
const char *
xmpp_uri_get_action (XmppUri *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->action;
}

/**
 * xmpp_uri_get_parameter:
 * @self: a URI
 * @key: a parameter name, e.g. `body`
 *
 * Returns: (nullable): the decoded value of the first parameter called @key
 */
const char *
xmpp_uri_get_parameter (XmppUri    *self,
                        const char *key)
{
  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);

  for (guint i = 0; i < self->keys->len; i++)
    if (g_str_equal (g_ptr_array_index (self->keys, i), key))
      return g_ptr_array_index (self->values, i);
  return NULL;
}

/**
 * xmpp_uri_dup_keys:
 * @self: a URI
 *
 * Returns: (transfer full): the parameter names, in order (repeats kept)
 */
GStrv
xmpp_uri_dup_keys (XmppUri *self)
{
  GStrv keys;

  g_return_val_if_fail (self != NULL, NULL);

  keys = g_new0 (char *, self->keys->len + 1);
  for (guint i = 0; i < self->keys->len; i++)
    keys[i] = g_strdup (g_ptr_array_index (self->keys, i));
  return keys;
}

/**
 * xmpp_uri_build:
 * @jid: the address
 * @action: (nullable): an action such as `message`
 * @first_key: (nullable): the first parameter name, then its value, then
 *   more pairs, ending with %NULL
 * @...: values and further pairs
 *
 * Builds a URI that xmpp_uri_parse() reads back to the same values.
 *
 * Returns: (transfer full): the URI
 */
char *
xmpp_uri_build (XmppJid    *jid,
                const char *action,
                const char *first_key,
                ...)
{
  GString *uri;
  g_autofree char *path = NULL;
  const char *key;
  va_list args;

  g_return_val_if_fail (jid != NULL, NULL);
  g_return_val_if_fail (action == NULL || is_action_name (action), NULL);

  /* '@' and '/' keep their meaning in the path; '?', '#', ';', '%' and
   * everything outside ASCII's unreserved set are escaped. */
  path = g_uri_escape_string (xmpp_jid_to_string (jid), "@/!$&'()*+,=:", FALSE);
  uri = g_string_new ("xmpp:");
  g_string_append (uri, path);
  if (action != NULL || first_key != NULL)
    g_string_append_c (uri, '?');
  if (action != NULL)
    g_string_append (uri, action);

  va_start (args, first_key);
  for (key = first_key; key != NULL; key = va_arg (args, const char *))
    {
      const char *value = va_arg (args, const char *);
      g_autofree char *escaped_key = g_uri_escape_string (key, NULL, FALSE);
      g_autofree char *escaped_value = g_uri_escape_string (value != NULL ? value : "", NULL, FALSE);

      if (action != NULL || key != first_key)
        g_string_append_c (uri, ';');
      g_string_append_printf (uri, "%s=%s", escaped_key, escaped_value);
    }
  va_end (args);

  return g_string_free (uri, FALSE);
}
