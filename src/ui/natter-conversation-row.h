/* natter-conversation-row.h: one conversation in the sidebar
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/core.h"

G_BEGIN_DECLS

#define NATTER_TYPE_CONVERSATION_ROW (natter_conversation_row_get_type ())

G_DECLARE_FINAL_TYPE (NatterConversationRow, natter_conversation_row, NATTER, CONVERSATION_ROW, AdwBin)

GtkWidget          *natter_conversation_row_new              (void) G_GNUC_WARN_UNUSED_RESULT;
NatterConversation *natter_conversation_row_get_conversation (NatterConversationRow *self);
void                natter_conversation_row_set_conversation (NatterConversationRow *self,
                                                              NatterConversation    *conversation);
void                natter_conversation_row_set_show_account (NatterConversationRow *self,
                                                              gboolean               show_account);

G_END_DECLS
