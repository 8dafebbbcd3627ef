/* natter-resource-private.h: what the roster needs of NatterResource
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "xmpp/xmpp.h"

#include "natter-resource.h"

G_BEGIN_DECLS

NatterResource     *natter_resource_new            (XmppPresenceResource *resource)
                    G_GNUC_WARN_UNUSED_RESULT;
void                natter_resource_update         (NatterResource       *self,
                                                    XmppPresenceResource *resource);
NatterPresenceShow  natter_presence_show_from_xmpp (XmppPresenceShow      show);
XmppPresenceShow    natter_presence_show_to_xmpp   (NatterPresenceShow    show);

G_END_DECLS
