/* natter-block-dialog.h: asking before a contact is blocked
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

AdwMessageDialog *natter_block_dialog_new (GtkWindow  *parent,
                                           const char *name);

G_END_DECLS
