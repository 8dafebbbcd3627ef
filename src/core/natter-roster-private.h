/* natter-roster-private.h: what NatterAccount needs of its roster model
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "xmpp/xmpp.h"

#include "natter-roster.h"

G_BEGIN_DECLS

NatterRoster *natter_roster_new  (NatterAccount *account) G_GNUC_WARN_UNUSED_RESULT;
void          natter_roster_bind (NatterRoster  *self,
                                  XmppRoster    *roster,
                                  XmppPresence  *presence,
                                  XmppBlocking  *blocking);

G_END_DECLS
