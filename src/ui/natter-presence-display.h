/* natter-presence-display.h: words and icons for presence and account states
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <gtk/gtk.h>

#include "core/core.h"

G_BEGIN_DECLS

const char         *natter_presence_show_get_icon_name (NatterPresenceShow  show);
const char         *natter_presence_show_get_label     (NatterPresenceShow  show);
const char         *natter_presence_show_get_css_class (NatterPresenceShow  show);
void                natter_presence_show_apply         (GtkImage           *image,
                                                        NatterPresenceShow  show);
const char         *natter_presence_show_to_nick       (NatterPresenceShow  show);
gboolean            natter_presence_show_from_nick     (const char         *nick,
                                                        NatterPresenceShow *show);
const char         *natter_account_state_get_label     (NatterAccountState  state);
char               *natter_account_dup_title           (NatterAccount      *account) G_GNUC_WARN_UNUSED_RESULT;
char               *natter_contact_dup_subscription_description (NatterContact *contact) G_GNUC_WARN_UNUSED_RESULT;

G_END_DECLS
