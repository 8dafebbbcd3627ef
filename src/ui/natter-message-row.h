/* natter-message-row.h: one message in the chat view
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/core.h"

G_BEGIN_DECLS

#define NATTER_TYPE_MESSAGE_ROW (natter_message_row_get_type ())

G_DECLARE_FINAL_TYPE (NatterMessageRow, natter_message_row, NATTER, MESSAGE_ROW, AdwBin)

GtkWidget     *natter_message_row_new         (void) G_GNUC_WARN_UNUSED_RESULT;
void           natter_message_row_set_message (NatterMessageRow *self,
                                               NatterMessage    *message,
                                               NatterMessage    *previous,
                                               const char       *sender_name,
                                               const char       *sender_id);
NatterMessage *natter_message_row_get_message (NatterMessageRow *self);

G_END_DECLS
