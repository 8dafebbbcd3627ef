/* xmpp-jid.h: XMPP addresses, parsed and prepared per RFC 7622
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define XMPP_TYPE_JID (xmpp_jid_get_type ())

typedef struct _XmppJid XmppJid;

GType            xmpp_jid_get_type                (void) G_GNUC_CONST;

XmppJid         *xmpp_jid_new                     (const char  *text,
                                                   GError     **error) G_GNUC_WARN_UNUSED_RESULT;
XmppJid         *xmpp_jid_new_from_parts          (const char  *localpart,
                                                   const char  *domainpart,
                                                   const char  *resourcepart,
                                                   GError     **error) G_GNUC_WARN_UNUSED_RESULT;
XmppJid         *xmpp_jid_ref                     (XmppJid     *self);
void             xmpp_jid_unref                   (XmppJid     *self);

const char      *xmpp_jid_get_localpart           (XmppJid     *self);
const char      *xmpp_jid_get_domainpart          (XmppJid     *self);
const char      *xmpp_jid_get_resourcepart        (XmppJid     *self);
const char      *xmpp_jid_to_string               (XmppJid     *self);
const char      *xmpp_jid_to_bare_string          (XmppJid     *self);

XmppJid         *xmpp_jid_dup_bare                (XmppJid     *self) G_GNUC_WARN_UNUSED_RESULT;
XmppJid         *xmpp_jid_dup_with_resource       (XmppJid     *self,
                                                   const char  *resourcepart,
                                                   GError     **error) G_GNUC_WARN_UNUSED_RESULT;

gboolean         xmpp_jid_is_bare                 (XmppJid     *self);
gboolean         xmpp_jid_is_domain               (XmppJid     *self);

gboolean         xmpp_jid_equal                   (gconstpointer a,
                                                   gconstpointer b);
guint            xmpp_jid_hash                    (gconstpointer jid);
gboolean         xmpp_jid_equal_bare              (XmppJid     *a,
                                                   XmppJid     *b);

gboolean         xmpp_jid_is_valid                (const char  *text);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XmppJid, xmpp_jid_unref)

G_END_DECLS
