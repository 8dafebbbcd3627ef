/* natter-window.h: the main window
 * Copyright 2026 The Natter developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */
#pragma once

#include <adwaita.h>

#include "core/core.h"

#include "natter-application.h"
#include "natter-chat-view.h"

G_BEGIN_DECLS

#define NATTER_TYPE_WINDOW (natter_window_get_type ())

G_DECLARE_FINAL_TYPE (NatterWindow, natter_window, NATTER, WINDOW, AdwApplicationWindow)

NatterWindow       *natter_window_new                    (NatterApplication  *application) G_GNUC_WARN_UNUSED_RESULT;
void                natter_window_add_toast              (NatterWindow       *self,
                                                          const char         *message);
void                natter_window_show_contact           (NatterWindow       *self,
                                                          NatterContact      *contact);
void                natter_window_confirm_remove_contact (NatterWindow       *self,
                                                          NatterContact      *contact,
                                                          GtkWindow          *parent);
GListModel         *natter_window_get_contacts           (NatterWindow       *self);
GListModel         *natter_window_get_conversations      (NatterWindow       *self);
NatterChatView     *natter_window_get_chat_view          (NatterWindow       *self);
gboolean            natter_window_get_folded             (NatterWindow       *self);
void                natter_window_open_conversation      (NatterWindow       *self,
                                                          NatterConversation *conversation);
NatterConversation *natter_window_open_chat              (NatterWindow       *self,
                                                          NatterAccount      *account,
                                                          const char         *peer);
void                natter_window_open_link              (NatterWindow       *self,
                                                          const char         *uri);
gboolean            natter_window_is_showing             (NatterWindow       *self,
                                                          NatterConversation *conversation);

G_END_DECLS
