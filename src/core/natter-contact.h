/* natter-contact.h: one contact of an account's roster
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gio/gio.h>

#include "natter-core-types.h"

G_BEGIN_DECLS

#define NATTER_TYPE_CONTACT (natter_contact_get_type ())

G_DECLARE_FINAL_TYPE (NatterContact, natter_contact, NATTER, CONTACT, GObject)

NatterAccount       *natter_contact_get_account      (NatterContact *self);
const char          *natter_contact_get_jid          (NatterContact *self);
const char          *natter_contact_get_name         (NatterContact *self);
const char          *natter_contact_get_roster_name  (NatterContact *self);
const char * const  *natter_contact_get_groups       (NatterContact *self);
NatterSubscription   natter_contact_get_subscription (NatterContact *self);
gboolean             natter_contact_get_in_roster    (NatterContact *self);
gboolean             natter_contact_get_pending_in   (NatterContact *self);
gboolean             natter_contact_get_pending_out  (NatterContact *self);
gboolean             natter_contact_get_blocked      (NatterContact *self);
NatterPresenceShow   natter_contact_get_show         (NatterContact *self);
const char          *natter_contact_get_status       (NatterContact *self);
gboolean             natter_contact_get_online       (NatterContact *self);
GListModel          *natter_contact_get_resources    (NatterContact *self);

G_END_DECLS
