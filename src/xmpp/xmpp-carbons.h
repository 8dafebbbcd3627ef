/* xmpp-carbons.h: XEP-0280 Message Carbons 1.0 (urn:xmpp:carbons:2)
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "xmpp-message.h"

G_BEGIN_DECLS

#define XMPP_NS_CARBONS "urn:xmpp:carbons:2"

#define XMPP_TYPE_CARBONS (xmpp_carbons_get_type ())

G_DECLARE_FINAL_TYPE (XmppCarbons, xmpp_carbons, XMPP, CARBONS, GObject)

XmppCarbons     *xmpp_carbons_new              (XmppMessages         *messages)
                 G_GNUC_WARN_UNUSED_RESULT;
XmppMessages    *xmpp_carbons_get_messages     (XmppCarbons          *self);
gboolean         xmpp_carbons_get_enabled      (XmppCarbons          *self);

void             xmpp_carbons_enable_async     (XmppCarbons          *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean         xmpp_carbons_enable_finish    (XmppCarbons          *self,
                                                GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
