/* natter-contact-private.h: what the roster needs of NatterContact
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include "xmpp/xmpp.h"

#include "natter-contact.h"

G_BEGIN_DECLS

NatterContact *natter_contact_new             (NatterAccount  *account,
                                               XmppJid        *jid) G_GNUC_WARN_UNUSED_RESULT;
XmppJid       *natter_contact_get_xmpp_jid    (NatterContact  *self);
const char    *natter_contact_get_sort_key    (NatterContact  *self);
void           natter_contact_set_item        (NatterContact  *self,
                                               XmppRosterItem *item);
void           natter_contact_set_pending_in  (NatterContact  *self,
                                               gboolean        pending_in);
void           natter_contact_set_blocked     (NatterContact  *self,
                                               gboolean        blocked);
void           natter_contact_update_presence (NatterContact  *self,
                                               XmppPresence   *presence);
int            natter_contact_compare         (NatterContact  *a,
                                               NatterContact  *b);

G_END_DECLS
