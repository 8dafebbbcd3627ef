/* natter-chat-view.h: one conversation: its header, history and composer
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/core.h"

G_BEGIN_DECLS

#define NATTER_TYPE_CHAT_VIEW (natter_chat_view_get_type ())

G_DECLARE_FINAL_TYPE (NatterChatView, natter_chat_view, NATTER, CHAT_VIEW, AdwBin)

GtkWidget          *natter_chat_view_new              (void) G_GNUC_WARN_UNUSED_RESULT;
NatterConversation *natter_chat_view_get_conversation (NatterChatView     *self);
void                natter_chat_view_set_conversation (NatterChatView     *self,
                                                       NatterConversation *conversation);
void                natter_chat_view_set_composer_text (NatterChatView    *self,
                                                        const char        *text);
gboolean            natter_chat_view_get_at_latest    (NatterChatView     *self);
void                natter_chat_view_focus_composer   (NatterChatView     *self);

G_END_DECLS
