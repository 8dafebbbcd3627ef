/* natter-presence-button.h: the own presence and status message
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/core.h"

G_BEGIN_DECLS

#define NATTER_TYPE_PRESENCE_BUTTON (natter_presence_button_get_type ())

G_DECLARE_FINAL_TYPE (NatterPresenceButton, natter_presence_button, NATTER, PRESENCE_BUTTON, AdwBin)

void               natter_presence_button_set_accounts (NatterPresenceButton *self,
                                                        NatterAccountList    *accounts);
NatterPresenceShow natter_presence_button_get_show     (NatterPresenceButton *self);

G_END_DECLS
