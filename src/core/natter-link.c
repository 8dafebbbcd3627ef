/* natter-link.c: what an xmpp: link asks the application to do
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#include "config.h"

#include "natter-link.h"

#include <glib/gi18n-lib.h>

#include "xmpp/xmpp.h"

#include "natter-error.h"

/**
 * NatterLink:
 *
 * An `xmpp:` URI (RFC 5122) read for what the interface does with it:
 * whom it names (always a bare JID: a resource in a link does not choose
 * where our messages go), and whether it opens a conversation, possibly
 * with a message to send (`?message;body=…`), or offers to add a contact
 * (`?roster;name=…`).  The parsing, limits and percent-decoding are the
 * engine's (xmpp-uri.c).
 */
struct _NatterLink
{
  char             *uri;
  char             *peer;
  NatterLinkAction  action;
  char             *body;
  char             *name;
};

static NatterLink *natter_link_copy (NatterLink *self);

G_DEFINE_BOXED_TYPE (NatterLink, natter_link, natter_link_copy, natter_link_free)

static NatterLink *
natter_link_copy (NatterLink *self)
{
  NatterLink *copy = g_new0 (NatterLink, 1);

  copy->uri = g_strdup (self->uri);
  copy->peer = g_strdup (self->peer);
  copy->action = self->action;
  copy->body = g_strdup (self->body);
  copy->name = g_strdup (self->name);
  return copy;
}

/**
 * natter_link_free:
 * @self: a link
 */
void
natter_link_free (NatterLink *self)
{
  if (self == NULL)
    return;
  g_free (self->uri);
  g_free (self->peer);
  g_free (self->body);
  g_free (self->name);
  g_free (self);
}

/**
 * natter_link_parse:
 * @text: an `xmpp:` URI, as typed, clicked or given on the command line
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the link, or %NULL with
 *   %NATTER_ERROR_INVALID_JID saying what is wrong
 */
NatterLink *
natter_link_parse (const char  *text,
                   GError     **error)
{
  g_autoptr(XmppUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) keys = NULL;
  const char *action;
  NatterLink *self;

  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  uri = xmpp_uri_parse (text, &local_error);
  if (uri == NULL)
    {
      g_set_error_literal (error, NATTER_ERROR, NATTER_ERROR_INVALID_JID,
                           local_error->message);
      return NULL;
    }
  if (xmpp_uri_get_jid (uri) == NULL)
    {
      g_set_error_literal (error, NATTER_ERROR, NATTER_ERROR_INVALID_JID,
                           _("The link does not name anyone to write to."));
      return NULL;
    }

  action = xmpp_uri_get_action (uri);
  self = g_new0 (NatterLink, 1);
  self->peer = g_strdup (xmpp_jid_to_bare_string (xmpp_uri_get_jid (uri)));
  self->uri = g_strdup (text);
  if (g_strcmp0 (action, "roster") == 0 || g_strcmp0 (action, "subscribe") == 0)
    self->action = NATTER_LINK_ADD_CONTACT;
  else
    self->action = NATTER_LINK_OPEN;
  keys = xmpp_uri_dup_keys (uri);
  for (guint i = 0; keys != NULL && keys[i] != NULL; i++)
    if (g_str_has_prefix (keys[i], "omemo-sid-"))
      self->action = NATTER_LINK_VERIFY;
  if (g_strcmp0 (action, "message") == 0)
    self->body = g_strdup (xmpp_uri_get_parameter (uri, "body"));
  if (self->action == NATTER_LINK_ADD_CONTACT)
    self->name = g_strdup (xmpp_uri_get_parameter (uri, "name"));
  return self;
}

/**
 * natter_link_get_peer:
 * @self: a link
 *
 * Returns: the bare JID the link names
 */
const char *
natter_link_get_peer (NatterLink *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->peer;
}

/**
 * natter_link_get_action:
 * @self: a link
 *
 * Returns: what the link asks for
 */
NatterLinkAction
natter_link_get_action (NatterLink *self)
{
  g_return_val_if_fail (self != NULL, NATTER_LINK_OPEN);
  return self->action;
}

/**
 * natter_link_get_body:
 * @self: a link
 *
 * Returns: (nullable): the message a `?message` link proposes
 */
const char *
natter_link_get_body (NatterLink *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->body;
}

/**
 * natter_link_get_name:
 * @self: a link
 *
 * Returns: (nullable): the name a `?roster` link proposes for the contact
 */
const char *
natter_link_get_name (NatterLink *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->name;
}

/**
 * natter_link_get_uri:
 * @self: a link
 *
 * Returns: the link as it was given
 */
const char *
natter_link_get_uri (NatterLink *self)
{
  g_return_val_if_fail (self != NULL, NULL);
  return self->uri;
}
