/* xmpp-blocking.h: the blocklist (XEP-0191 Blocking Command 1.3)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "xmpp-client.h"
#include "xmpp-jid.h"

G_BEGIN_DECLS

#define XMPP_NS_BLOCKING "urn:xmpp:blocking"

#define XMPP_TYPE_BLOCKING (xmpp_blocking_get_type ())

G_DECLARE_FINAL_TYPE (XmppBlocking, xmpp_blocking, XMPP, BLOCKING, GObject)

XmppBlocking *xmpp_blocking_new            (XmppClient           *client) G_GNUC_WARN_UNUSED_RESULT;
XmppClient   *xmpp_blocking_get_client     (XmppBlocking         *self);
gboolean      xmpp_blocking_get_loaded     (XmppBlocking         *self);
gboolean      xmpp_blocking_is_blocked     (XmppBlocking         *self,
                                            XmppJid              *jid);
GPtrArray    *xmpp_blocking_dup_items      (XmppBlocking         *self) G_GNUC_WARN_UNUSED_RESULT;
void          xmpp_blocking_block_async    (XmppBlocking         *self,
                                            XmppJid              *jid,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean      xmpp_blocking_block_finish   (XmppBlocking         *self,
                                            GAsyncResult         *result,
                                            GError              **error);
void          xmpp_blocking_unblock_async  (XmppBlocking         *self,
                                            XmppJid              *jid,
                                            GCancellable         *cancellable,
                                            GAsyncReadyCallback   callback,
                                            gpointer              user_data);
gboolean      xmpp_blocking_unblock_finish (XmppBlocking         *self,
                                            GAsyncResult         *result,
                                            GError              **error);

G_END_DECLS
