/* xmpp-uri.h: xmpp: URIs (RFC 5122, XEP-0147 query actions)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib.h>

#include "xmpp-jid.h"

G_BEGIN_DECLS

#define XMPP_TYPE_URI (xmpp_uri_get_type ())

typedef struct _XmppUri XmppUri;

GType        xmpp_uri_get_type        (void) G_GNUC_CONST;
XmppUri     *xmpp_uri_parse           (const char  *text,
                                       GError     **error) G_GNUC_WARN_UNUSED_RESULT;
XmppUri     *xmpp_uri_ref             (XmppUri     *self);
void         xmpp_uri_unref           (XmppUri     *self);
XmppJid     *xmpp_uri_get_jid         (XmppUri     *self);
XmppJid     *xmpp_uri_get_account     (XmppUri     *self);
const char  *xmpp_uri_get_action      (XmppUri     *self);
const char  *xmpp_uri_get_parameter   (XmppUri     *self,
                                       const char  *key);
GStrv        xmpp_uri_dup_keys        (XmppUri     *self) G_GNUC_WARN_UNUSED_RESULT;
char        *xmpp_uri_build           (XmppJid     *jid,
                                       const char  *action,
                                       const char  *first_key,
                                       ...) G_GNUC_NULL_TERMINATED G_GNUC_WARN_UNUSED_RESULT;

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppUri, xmpp_uri_unref)

G_END_DECLS
